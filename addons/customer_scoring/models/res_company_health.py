"""The scoring's two relationship-health factors (revenue trend, P(alive)): their weights
per company, and the defaults of all seven once the scoring is installed."""

from odoo import api, fields, models

KAM_HEALTH_DEFAULTS = {
    "kam_health_weight_meetings": 35,
    "kam_health_weight_coverage": 20,
    "kam_health_weight_freshness": 20,
    "kam_health_weight_swot": 10,
    "kam_health_weight_review": 15,
}
SCORING_HEALTH_DEFAULTS = {
    "kam_health_weight_meetings": 25,
    "kam_health_weight_coverage": 15,
    "kam_health_weight_freshness": 15,
    "kam_health_weight_swot": 10,
    "kam_health_weight_review": 10,
    "kam_health_weight_revenue": 15,
    "kam_health_weight_p_alive": 10,
}
SCORING_HEALTH_FIELDS = {
    "revenue": "kam_health_weight_revenue",
    "p_alive": "kam_health_weight_p_alive",
}


class ResCompany(models.Model):
    # One file per concern of the company extension (models/__init__.py lists them).
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # The defaults with the scoring: seven factors share the 100 points.
    kam_health_weight_meetings = fields.Integer(default=25)
    kam_health_weight_coverage = fields.Integer(default=15)
    kam_health_weight_freshness = fields.Integer(default=15)
    kam_health_weight_swot = fields.Integer(default=10)
    kam_health_weight_review = fields.Integer(default=10)
    kam_health_weight_revenue = fields.Integer(
        string="Health weight: revenue trend",
        default=15,
        help="Revenue of the last 12 months against the 12 before: full points at 0 % or "
        "more, none at -30 % or less.",
    )
    kam_health_weight_p_alive = fields.Integer(
        string="Health weight: P(alive)",
        default=10,
        help="The probability that the customer still buys, from the customer-base model "
        "(when the company has a fitted one).",
    )

    @api.model
    def _kam_health_weight_fields(self):
        return {**super()._kam_health_weight_fields(), **SCORING_HEALTH_FIELDS}

    @api.constrains(*KAM_HEALTH_DEFAULTS, "kam_health_weight_revenue", "kam_health_weight_p_alive")
    def _check_kam_health_weights(self):
        return super()._check_kam_health_weights()

    @api.model
    def _kam_health_adopt_scoring_weights(self):
        """Install / update: companies whose five key-account weights are still the
        key-account defaults and whose two scoring weights still their new defaults (the
        seven add up to 135) get the scoring defaults. A company that chose its five
        weights (adding up to 100) keeps them, with the two new ones at 0."""
        scoring = {name: SCORING_HEALTH_DEFAULTS[name] for name in SCORING_HEALTH_FIELDS.values()}
        untouched = {**KAM_HEALTH_DEFAULTS, **scoring}
        companies = self.sudo().with_context(active_test=False).search([])
        defaults = companies.filtered(
            lambda c: all(c[name] == value for name, value in untouched.items())
        )
        if defaults:
            defaults.write(SCORING_HEALTH_DEFAULTS)
        chosen = (companies - defaults).filtered(
            lambda c: (
                all(c[name] == value for name, value in scoring.items())
                and sum(c[name] for name in KAM_HEALTH_DEFAULTS) == 100
            )
        )
        if chosen:
            chosen.write(dict.fromkeys(scoring, 0))
        return True


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kam_health_weight_revenue = fields.Integer(
        related="company_id.kam_health_weight_revenue", readonly=False
    )
    kam_health_weight_p_alive = fields.Integer(
        related="company_id.kam_health_weight_p_alive", readonly=False
    )
