from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kam_currency_id = fields.Many2one(related="company_id.currency_id", string="KAM Currency")
    kam_a_min_turnover = fields.Monetary(
        related="company_id.kam_a_min_turnover", readonly=False, currency_field="kam_currency_id"
    )
    kam_b_min_turnover = fields.Monetary(
        related="company_id.kam_b_min_turnover", readonly=False, currency_field="kam_currency_id"
    )
    kam_a_min_installers = fields.Integer(related="company_id.kam_a_min_installers", readonly=False)
    kam_b_min_installers = fields.Integer(related="company_id.kam_b_min_installers", readonly=False)
    kam_a_min_purchases = fields.Monetary(
        related="company_id.kam_a_min_purchases", readonly=False, currency_field="kam_currency_id"
    )
    kam_b_min_purchases = fields.Monetary(
        related="company_id.kam_b_min_purchases", readonly=False, currency_field="kam_currency_id"
    )
    kam_class_rule_mode = fields.Selection(
        related="company_id.kam_class_rule_mode", readonly=False, required=True
    )
    kam_class_approver_id = fields.Many2one(
        related="company_id.kam_class_approver_id", readonly=False
    )
    kam_key_account_min_criteria = fields.Integer(
        related="company_id.kam_key_account_min_criteria", readonly=False
    )
    kam_overserved_meeting_factor = fields.Float(
        related="company_id.kam_overserved_meeting_factor", readonly=False
    )
    kam_overserved_hours_b = fields.Float(
        related="company_id.kam_overserved_hours_b", readonly=False
    )
    kam_overserved_hours_c = fields.Float(
        related="company_id.kam_overserved_hours_c", readonly=False
    )
