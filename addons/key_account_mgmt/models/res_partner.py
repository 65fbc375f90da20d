from odoo import fields, models

ORG_LEVELS = [
    ("strategic", "Strategic"),
    ("tactical", "Tactical"),
    ("operational", "Operational"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_turnover = fields.Monetary(
        string="Customer's Own Turnover",
        currency_field="kam_turnover_currency_id",
        help="The customer's own annual turnover, as reported by the customer.",
    )
    kam_turnover_currency_id = fields.Many2one(
        "res.currency",
        string="Turnover Currency",
        default=lambda self: self.env.ref("base.EUR", raise_if_not_found=False)
        or self.env.company.currency_id,
    )
    installer_count = fields.Integer(
        string="Installers",
        help="Number of the customer's own field staff (installers).",
    )
    is_key_account = fields.Boolean(string="Key Account", tracking=True)
    key_account_manager_id = fields.Many2one(
        "res.users", string="Key Account Manager", tracking=True
    )
    kam_stakeholder_group_id = fields.Many2one(
        "kam.stakeholder.group", string="Stakeholder Group"
    )
    kam_org_level = fields.Selection(ORG_LEVELS, string="Organisation Level")
