from odoo import api, fields, models

from .res_company import ABC_SHARE_FIELDS, WEIGHT_FIELDS


class CustomerScoringSettingsFields(models.AbstractModel):
    """The scoring settings of a company shared by the manager's screen and Odoo's
    Settings page, declared once (the weights and the class source differ: see each)."""

    _name = "customer.scoring.settings.fields"
    _description = "Customer scoring settings of a company (fields)"

    company_id = fields.Many2one("res.company")
    score_abc_a_share = fields.Float(related="company_id.score_abc_a_share", readonly=False)
    score_abc_b_share = fields.Float(related="company_id.score_abc_b_share", readonly=False)
    score_abc_fine_tiers = fields.Boolean(related="company_id.score_abc_fine_tiers", readonly=False)
    score_abc_aaa_share = fields.Float(related="company_id.score_abc_aaa_share", readonly=False)
    score_abc_aa_share = fields.Float(related="company_id.score_abc_aa_share", readonly=False)
    score_passive_gap_factor = fields.Float(
        related="company_id.score_passive_gap_factor", readonly=False
    )
    score_passive_min_days = fields.Integer(
        related="company_id.score_passive_min_days", readonly=False
    )
    score_lost_months = fields.Integer(related="company_id.score_lost_months", readonly=False)
    score_passive_p_alive = fields.Float(related="company_id.score_passive_p_alive", readonly=False)
    score_passive_min_purchases = fields.Integer(
        related="company_id.score_passive_min_purchases", readonly=False
    )
    score_decline_share = fields.Float(related="company_id.score_decline_share", readonly=False)
    score_new_months = fields.Integer(related="company_id.score_new_months", readonly=False)
    score_concentration_threshold = fields.Float(
        related="company_id.score_concentration_threshold", readonly=False
    )
    score_clv_horizon_years = fields.Integer(
        related="company_id.score_clv_horizon_years", readonly=False
    )
    score_clv_discount_rate = fields.Float(
        related="company_id.score_clv_discount_rate", readonly=False
    )


class CustomerScoringSettings(models.TransientModel):
    _name = "customer.scoring.settings"
    _inherit = ["customer.scoring.settings.fields", "kam.manager.settings.mixin"]
    _description = "Customer scoring settings of a company"

    _kam_settings_group = "customer_scoring.group_scoring_manager"

    score_weight_revenue = fields.Integer(related="company_id.score_weight_revenue", readonly=False)
    score_weight_growth = fields.Integer(related="company_id.score_weight_growth", readonly=False)
    score_weight_margin = fields.Integer(related="company_id.score_weight_margin", readonly=False)
    score_weight_frequency = fields.Integer(
        related="company_id.score_weight_frequency", readonly=False
    )
    score_weight_recency = fields.Integer(related="company_id.score_weight_recency", readonly=False)
    score_weight_payment = fields.Integer(related="company_id.score_weight_payment", readonly=False)
    score_weight_evaluative = fields.Integer(
        related="company_id.score_weight_evaluative", readonly=False
    )
    score_abc_source = fields.Selection(
        related="company_id.score_abc_source", readonly=False, required=True
    )

    @api.depends("company_id")
    def _compute_display_name(self):
        for settings in self:
            settings.display_name = self.env._(
                "Customer scoring settings of %(company)s", company=settings.company_id.name
            )


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "customer.scoring.settings.fields"]

    score_weight_revenue = fields.Integer(related="company_id.score_weight_revenue", readonly=False)
    score_weight_growth = fields.Integer(related="company_id.score_weight_growth", readonly=False)
    score_weight_margin = fields.Integer(related="company_id.score_weight_margin", readonly=False)
    score_weight_frequency = fields.Integer(
        related="company_id.score_weight_frequency", readonly=False
    )
    score_weight_recency = fields.Integer(related="company_id.score_weight_recency", readonly=False)
    score_weight_payment = fields.Integer(related="company_id.score_weight_payment", readonly=False)
    score_weight_evaluative = fields.Integer(
        related="company_id.score_weight_evaluative", readonly=False
    )
    score_abc_source = fields.Selection(related="company_id.score_abc_source", readonly=False)

    # The weights are written with the other settings when the page is saved, in one write
    # (the "sum is 100" check sees the new set). Written later by set_values, a refused
    # set of weights would leave the settings saved before it written.
    def _kam_company_settings_fields(self):
        return (*super()._kam_company_settings_fields(), *ABC_SHARE_FIELDS, *WEIGHT_FIELDS)
