from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

WEIGHT_FIELDS = (
    "score_weight_revenue",
    "score_weight_growth",
    "score_weight_margin",
    "score_weight_frequency",
    "score_weight_recency",
    "score_weight_payment",
    "score_weight_evaluative",
)
ABC_SHARE_FIELDS = (
    "score_abc_a_share",
    "score_abc_b_share",
    "score_abc_fine_tiers",
    "score_abc_aaa_share",
    "score_abc_aa_share",
)
# setting: (lowest value, whether the value must be above it, highest value or None). The
# highest values keep the periods they set within a century, which dates can hold.
THRESHOLD_LIMITS = {
    "score_passive_gap_factor": (0, True, 100),
    "score_passive_min_days": (0, False, 36500),
    "score_lost_months": (0, True, 1200),
    "score_new_months": (0, True, 1200),
    "score_concentration_threshold": (0, True, 100),
    "score_clv_horizon_years": (0, True, 100),
    "score_clv_discount_rate": (0, False, None),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    # Composite score weights (percent points; must sum to 100).
    score_weight_revenue = fields.Integer(string="Weight: Revenue", default=30)
    score_weight_growth = fields.Integer(string="Weight: Growth", default=10)
    score_weight_margin = fields.Integer(string="Weight: Margin %", default=15)
    score_weight_frequency = fields.Integer(string="Weight: Frequency", default=15)
    score_weight_recency = fields.Integer(string="Weight: Recency", default=10)
    score_weight_payment = fields.Integer(string="Weight: Payment Behaviour", default=10)
    score_weight_evaluative = fields.Integer(string="Weight: Evaluative Ratings", default=10)

    # Value ABC (Pareto on 12-month revenue).
    score_abc_a_share = fields.Float(string="Class A up to cumulative share (%)", default=80.0)
    score_abc_b_share = fields.Float(string="Class B up to cumulative share (%)", default=95.0)
    score_abc_fine_tiers = fields.Boolean(string="Finer tiers AA / AAA", default=False)
    score_abc_aaa_share = fields.Float(string="Class AAA up to cumulative share (%)", default=30.0)
    score_abc_aa_share = fields.Float(string="Class AA up to cumulative share (%)", default=60.0)
    score_abc_source = fields.Selection(
        [("criteria", "Criteria rule (turnover, installers, purchases)"), ("value", "Value ABC")],
        string="Computed class comes from",
        default="criteria",
        required=True,
        help="Which rule sets the computed ABC class of key account management.",
    )

    # The class rule the customers' classes were last all computed with (customer.score
    # ._class_rule_key): a change reclassifies every customer on the next full run.
    score_class_rule_key = fields.Char(readonly=True, groups="base.group_system")
    # The score rows holding the snapshot of the last full run's order (-1: none yet).
    score_rank_snapshot_count = fields.Integer(
        readonly=True, default=-1, groups="base.group_system"
    )

    # Lifecycle thresholds.
    score_passive_gap_factor = fields.Float(
        string="Passive after x median gap",
        default=3.0,
        help="A customer is passive when it has not bought for longer than this many times "
        "its median gap between invoices (and at least the minimum days below).",
    )
    score_passive_min_days = fields.Integer(string="Passive after at least (days)", default=90)
    score_lost_months = fields.Integer(string="Lost after (months)", default=18)
    # Early signals: the customer-base model's P(alive) and spend against its own history.
    score_passive_p_alive = fields.Float(
        string="Passive when P(alive) below",
        default=0.5,
        help="A customer with a regular rhythm whose probability of still buying (from the "
        "customer-base model) falls below this is passive before the gap rule says so. "
        "0 switches this signal off.",
    )
    score_passive_min_purchases = fields.Integer(
        string="P(alive) judged from (purchase days)",
        default=3,
        help="A customer is judged by its P(alive) only once it has bought on at least this "
        "many days: one or two purchases are no rhythm yet.",
    )
    score_decline_share = fields.Float(
        string="Declining when revenue falls by more than",
        default=0.3,
        help="Spend is declining when the revenue of the last 12 months is below the 12 "
        "months before by more than this share, for a customer whose previous 12 months "
        "reached the median buyer's revenue (a drop on a small base is no signal).",
    )
    score_new_months = fields.Integer(string="New while first invoice within (months)", default=12)

    # Concentration and lifetime value.
    score_concentration_threshold = fields.Float(
        string="Concentration warning above (%)", default=15.0
    )
    score_retention_rates = fields.Json(
        string="Retention Rates of the Last Full Run",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Share of last year's buyers who bought again, per value class ('*': all), as "
        "computed by the last full scoring run; partial runs reuse them.",
    )
    score_clv_horizon_years = fields.Integer(string="CLV horizon (years)", default=5)
    score_clv_discount_rate = fields.Float(string="CLV discount rate (%)", default=10.0)

    def _score_fraction_text(self, name):
        """'"Passive when P(alive) below" (150.0 %)': a 0..1 setting as the user reads it."""
        return self.env._(
            "“%(field)s” (%(value)s %%)",
            field=self._kam_field_label(name),
            value=formatLang(self.env, self[name] * 100, digits=1),
        )

    def _score_setting_text(self, name):
        """'"Lost after (months)" (0)': a setting and its value as the user typed it."""
        return self.env._(
            "“%(field)s” (%(value)s)",
            field=self._kam_field_label(name),
            value=self._kam_format_setting(name),
        )

    def _score_share_text(self, name):
        """'"Class A up to cumulative share (%)" (96.0 %)': a share as the user typed it."""
        return self.env._(
            "“%(field)s” (%(value)s %%)",
            field=self._kam_field_label(name),
            value=formatLang(self.env, self[name], digits=1),
        )

    # One check over all the weights, after the write: moving points from one weight to
    # another is judged on the final set, whatever order the fields were typed in.
    @api.constrains(*WEIGHT_FIELDS)
    def _check_score_weights(self):
        for company in self:
            negative = [name for name in WEIGHT_FIELDS if company[name] < 0]
            if negative:
                raise ValidationError(
                    self.env._(
                        "Scoring weights of %(company)s cannot be negative: %(weights)s.",
                        company=company.name,
                        weights=company._kam_weights_text(negative),
                    )
                )
            total = sum(company[name] for name in WEIGHT_FIELDS)
            if total != 100:
                raise ValidationError(
                    self.env._(
                        "The scoring weights of %(company)s add up to %(total)s; they must add "
                        "up to 100: %(weights)s.",
                        company=company.name,
                        total=formatLang(self.env, total, digits=0),
                        weights=company._kam_weights_text(WEIGHT_FIELDS),
                    )
                )

    # The shares are checked together for the same reason: A 80 -> 96 with B 95 -> 99 is
    # valid, although A 96 with the old B 95 would not be.
    @api.constrains(*ABC_SHARE_FIELDS)
    def _check_score_abc_shares(self):
        for company in self:
            a, b = company.score_abc_a_share, company.score_abc_b_share
            if not 0 < a < b <= 100:
                raise ValidationError(
                    self.env._(
                        "Value ABC shares of %(company)s: %(a)s must be above 0 and below "
                        "%(b)s, and class B at most 100 %%.",
                        company=company.name,
                        a=company._score_share_text("score_abc_a_share"),
                        b=company._score_share_text("score_abc_b_share"),
                    )
                )
            if company.score_abc_fine_tiers and not (
                0 < company.score_abc_aaa_share < company.score_abc_aa_share < a
            ):
                raise ValidationError(
                    self.env._(
                        "Value ABC shares of %(company)s: %(aaa)s must be above 0 and below "
                        "%(aa)s, and AA below %(a)s.",
                        company=company.name,
                        aaa=company._score_share_text("score_abc_aaa_share"),
                        aa=company._score_share_text("score_abc_aa_share"),
                        a=company._score_share_text("score_abc_a_share"),
                    )
                )

    @api.constrains(*THRESHOLD_LIMITS)
    def _check_score_thresholds(self):
        for company in self:
            for name, (low, strict, high) in THRESHOLD_LIMITS.items():
                value = company[name]
                if (value > low if strict else value >= low) and (high is None or value <= high):
                    continue
                if high is not None:
                    message = self.env._(
                        "%(setting)s of %(company)s must be above %(low)s and at most %(high)s.",
                        setting=company._score_setting_text(name),
                        company=company.name,
                        low=low,
                        high=high,
                    )
                elif strict:
                    message = self.env._(
                        "%(setting)s of %(company)s must be above %(low)s.",
                        setting=company._score_setting_text(name),
                        company=company.name,
                        low=low,
                    )
                else:
                    message = self.env._(
                        "%(setting)s of %(company)s cannot be negative.",
                        setting=company._score_setting_text(name),
                        company=company.name,
                    )
                raise ValidationError(message)

    @api.constrains("score_passive_p_alive", "score_passive_min_purchases", "score_decline_share")
    def _check_score_early_signals(self):
        for company in self:
            if not 0 <= company.score_passive_p_alive <= 1:
                raise ValidationError(
                    self.env._(
                        "Early signals of %(company)s: %(setting)s must be between 0 %% and "
                        "100 %% (0 switches the P(alive) signal off).",
                        company=company.name,
                        setting=company._score_fraction_text("score_passive_p_alive"),
                    )
                )
            if company.score_passive_min_purchases < 1:
                raise ValidationError(
                    self.env._(
                        "Early signals of %(company)s: “%(field)s” must be at least 1 "
                        "purchase day, not %(value)s.",
                        company=company.name,
                        field=company._kam_field_label("score_passive_min_purchases"),
                        value=formatLang(self.env, company.score_passive_min_purchases, digits=0),
                    )
                )
            if not 0 <= company.score_decline_share < 1:
                raise ValidationError(
                    self.env._(
                        "Early signals of %(company)s: %(setting)s must be at least 0 %% and "
                        "below 100 %%.",
                        company=company.name,
                        setting=company._score_fraction_text("score_decline_share"),
                    )
                )
