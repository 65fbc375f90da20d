from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from .customer_score import LIFECYCLE_STAGES, PASSIVE_SIGNALS, VALUE_CLASSES
from .customer_score_ranks import TURNOVER_CURRENCY_INDEX

SCORE_GROUPS = "sales_team.group_sale_salesman,account.group_account_invoice"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            TURNOVER_CURRENCY_INDEX,
            self._table,
            ["kam_turnover_currency_id"],
            where="customer_turnover <> 0",
        )
        return res

    # The score row of the commercial partner for the current company; never shown to
    # portal or public users (groups=).
    customer_score_id = fields.Many2one(
        "customer.score",
        string="Customer Score Row",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_score_currency_id = fields.Many2one(
        "res.currency", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_score = fields.Float(compute="_compute_customer_score", groups=SCORE_GROUPS)
    customer_score_class = fields.Selection(
        VALUE_CLASSES,
        string="Revenue rank (ABC by value)",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
        help="Where the customer's revenue of the last 12 months ranks among the company's "
        "buyers (Pareto: A up to 80 % of the revenue, B up to 95 %). It is not the "
        "customer's class: it is an input to the class only when the company's class "
        "source is value ABC (Settings). The class that counts, for service level and "
        "meeting targets, is the final class on the Key account tab.",
    )
    customer_final_class_note = fields.Char(
        string="Class that counts",
        compute="_compute_customer_final_class_note",
        groups=SCORE_GROUPS,
    )
    customer_lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        string="Lifecycle",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_passive_signal = fields.Selection(
        PASSIVE_SIGNALS,
        string="Passive Signal",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_spend_declining = fields.Boolean(
        string="Declining Spend", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_revenue_12m = fields.Monetary(
        string="Revenue 12 Months",
        currency_field="customer_score_currency_id",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_revenue_growth = fields.Float(
        string="Growth (%)", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_margin_12m = fields.Monetary(
        string="Margin 12 Months",
        currency_field="customer_score_currency_id",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_margin_percent = fields.Float(
        string="Margin (%)", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_concentration_risk = fields.Boolean(
        string="Concentration Risk", compute="_compute_customer_score", groups=SCORE_GROUPS
    )

    customer_p_alive = fields.Float(
        string="P(alive)", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_expected_purchases_12m = fields.Float(
        string="Expected Purchases 12 Months",
        digits=(16, 2),
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_expected_revenue_12m = fields.Monetary(
        string="Expected Revenue 12 Months",
        currency_field="customer_score_currency_id",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_clv = fields.Monetary(
        string="Customer Lifetime Value",
        currency_field="customer_score_currency_id",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )

    @api.depends("commercial_partner_id")
    @api.depends_context("company")
    def _compute_customer_score(self):
        company = self.env.company
        rows = self.env["customer.score"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", company.id),
            ]
        )
        by_partner = {row.partner_id.id: row for row in rows}
        for partner in self:
            row = by_partner.get(partner.commercial_partner_id.id)
            partner.customer_score_id = row
            partner.customer_score_currency_id = row.currency_id if row else company.currency_id
            partner.customer_score = row.score if row else 0.0
            partner.customer_score_class = row.abc_value_class if row else False
            partner.customer_lifecycle_stage = row.lifecycle_stage if row else False
            partner.customer_passive_signal = row.passive_signal if row else False
            partner.customer_spend_declining = row.spend_declining if row else False
            partner.customer_revenue_12m = row.revenue_12m if row else 0.0
            partner.customer_revenue_growth = row.revenue_growth if row else 0.0
            partner.customer_margin_12m = row.margin_12m if row else 0.0
            partner.customer_margin_percent = row.margin_percent if row else 0.0
            partner.customer_concentration_risk = row.is_concentration_risk if row else False
            partner.customer_p_alive = row.p_alive if row else 0.0
            partner.customer_expected_purchases_12m = row.expected_purchases_12m if row else 0.0
            partner.customer_expected_revenue_12m = row.expected_revenue_12m if row else 0.0
            partner.customer_clv = row.clv if row else 0.0

    @api.depends_context("company", "lang")
    def _compute_customer_final_class_note(self):
        for partner in self:
            final = partner.commercial_partner_id.abc_class
            partner.customer_final_class_note = (
                self.env._("Class: %(final)s (Key account tab)", final=final)
                if final
                else self.env._("Class: not set yet (Key account tab)")
            )

    def action_open_score_invoice_lines(self):
        """Smart button: the journal items summed into this customer's revenue_12m."""
        self.ensure_one()
        if not self.customer_score_id:
            raise UserError(
                self.env._(
                    "%(customer)s has no score in %(company)s yet: the scoring has not run "
                    "since it became a customer there.",
                    customer=self.commercial_partner_id.display_name,
                    company=self.env.company.name,
                )
            )
        return self.customer_score_id.action_open_invoice_lines()

    def action_open_purchase_forecast(self):
        """Scoring tab: the monthly purchase forecast of this customer in the current
        company (pivot, graph, list)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_scoring.action_customer_purchase_forecast"
        )
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {}
        action["display_name"] = self.env._(
            "Forecast: %(customer)s", customer=self.commercial_partner_id.display_name
        )
        return action
