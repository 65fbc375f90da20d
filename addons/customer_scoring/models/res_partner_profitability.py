from odoo import api, fields, models

from .customer_profitability import STEERS
from .res_partner import SCORE_GROUPS

PROFIT_GROUPS = f"{SCORE_GROUPS},key_account_mgmt.group_kam_manager"


class ResPartner(models.Model):
    # One file per concern of the partner extension (models/__init__.py lists them).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # The profitability row of the commercial partner in the current company, read with
    # the user's rights (a salesperson sees her own customers' rows only); never shown
    # to portal or public users (groups=).
    customer_profitability_id = fields.Many2one(
        "customer.profitability",
        string="Profitability Row",
        compute="_compute_customer_profitability",
        groups=PROFIT_GROUPS,
    )
    customer_profit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_customer_profitability", groups=PROFIT_GROUPS
    )
    customer_margin_after_cost = fields.Monetary(
        string="Margin after Cost to Serve",
        currency_field="customer_profit_currency_id",
        compute="_compute_customer_profitability",
        groups=PROFIT_GROUPS,
    )
    customer_profit_steer = fields.Selection(
        STEERS,
        string="Suggested Steer",
        compute="_compute_customer_profitability",
        groups=PROFIT_GROUPS,
    )
    customer_is_unprofitable = fields.Boolean(
        string="Unprofitable", compute="_compute_customer_profitability", groups=PROFIT_GROUPS
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_customer_profitability(self):
        rows = self.env["customer.profitability"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {row.partner_id.id: row for row in rows}
        for partner in self:
            row = by_partner.get(partner.commercial_partner_id.id)
            partner.customer_profitability_id = row
            partner.customer_profit_currency_id = row.currency_id if row else False
            partner.customer_margin_after_cost = row.margin_after_cost if row else 0.0
            partner.customer_profit_steer = row.steer if row else False
            partner.customer_is_unprofitable = row.is_unprofitable if row else False

    def action_open_customer_profitability(self):
        self.ensure_one()
        row = self.customer_profitability_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Profitability"),
            "res_model": "customer.profitability",
            "res_id": row.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
