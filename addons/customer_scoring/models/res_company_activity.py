"""The company settings of the activity classes and of a customer's return: the window and
the rhythm of an active and an occasional customer, and the pause after which a returning
customer counts as new again (``tools/customer_starts.py``). Shown on Odoo's Settings page
and on the scoring managers' settings screen."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from ..tools.customer_starts import DEFAULT_RETURN_PAUSE_DAYS

ACTIVITY_FIELDS = (
    "score_return_pause_days",
    "score_active_weeks",
    "score_active_days_per_week",
    "score_occasional_months",
    "score_occasional_days_per_month",
)


class ResCompany(models.Model):
    # One file per concern of the company extension (models/__init__.py lists them).
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    score_return_pause_days = fields.Integer(
        string="New again after a pause of more than (days)",
        default=DEFAULT_RETURN_PAUSE_DAYS,
        help="A customer who buys again after a longer pause since its previous purchase "
        "counts as a new customer again from that purchase.",
    )
    score_active_weeks = fields.Integer(
        string="Active: over the last (weeks)",
        default=13,
        help="The window in which an active customer's purchase days are counted.",
    )
    score_active_days_per_week = fields.Float(
        string="Active: purchase days per week at least",
        default=1.0,
        digits=(16, 2),
        help="An active customer bought on at least this many days per week on average over "
        "the window (with 13 weeks and 1 per week: 13 purchase days in the last 91 days).",
    )
    score_occasional_months = fields.Integer(
        string="Occasional: over the last (months)",
        default=3,
        help="The window in which an occasional customer's purchase days are counted.",
    )
    score_occasional_days_per_month = fields.Float(
        string="Occasional: purchase days per month at least",
        default=1.0,
        digits=(16, 2),
        help="An occasional customer bought on at least this many days per month on average "
        "over the window (with 3 months and 1 per month: 3 purchase days), or started "
        "buying within it. A customer who bought before but less than that is passive; one "
        "who never bought is a potential customer.",
    )

    @api.constrains(*ACTIVITY_FIELDS)
    def _check_score_activity_settings(self):
        for company in self:
            positive = [name for name in ACTIVITY_FIELDS if company[name] <= 0]
            if positive:
                raise ValidationError(
                    self.env._(
                        "Activity classes of %(company)s: these settings must be above 0: "
                        "%(settings)s.",
                        company=company.name,
                        settings=", ".join(
                            self.env._(
                                "“%(field)s” (%(value)s)",
                                field=company._kam_field_label(name),
                                value=formatLang(
                                    self.env,
                                    company[name],
                                    digits=2 if isinstance(company[name], float) else 0,
                                ),
                            )
                            for name in positive
                        ),
                    )
                )
            # An active customer's rhythm must also make it at least occasional: a month
            # has 30.44 / 7 weeks on average.
            if company.score_active_days_per_week * 30.44 / 7 < (
                company.score_occasional_days_per_month - 1e-9
            ):
                raise ValidationError(
                    self.env._(
                        "Activity classes of %(company)s: “%(active)s” (%(per_week)s) is a "
                        "slower rhythm than “%(occasional)s” (%(per_month)s). Raise the first "
                        "or lower the second.",
                        company=company.name,
                        active=company._kam_field_label("score_active_days_per_week"),
                        per_week=formatLang(self.env, company.score_active_days_per_week),
                        occasional=company._kam_field_label("score_occasional_days_per_month"),
                        per_month=formatLang(self.env, company.score_occasional_days_per_month),
                    )
                )


class CustomerScoringSettings(models.TransientModel):
    _inherit = "customer.scoring.settings"

    score_return_pause_days = fields.Integer(
        related="company_id.score_return_pause_days", readonly=False
    )
    score_active_weeks = fields.Integer(related="company_id.score_active_weeks", readonly=False)
    score_active_days_per_week = fields.Float(
        related="company_id.score_active_days_per_week", readonly=False
    )
    score_occasional_months = fields.Integer(
        related="company_id.score_occasional_months", readonly=False
    )
    score_occasional_days_per_month = fields.Float(
        related="company_id.score_occasional_days_per_month", readonly=False
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    score_return_pause_days = fields.Integer(
        related="company_id.score_return_pause_days", readonly=False
    )
    score_active_weeks = fields.Integer(related="company_id.score_active_weeks", readonly=False)
    score_active_days_per_week = fields.Float(
        related="company_id.score_active_days_per_week", readonly=False
    )
    score_occasional_months = fields.Integer(
        related="company_id.score_occasional_months", readonly=False
    )
    score_occasional_days_per_month = fields.Float(
        related="company_id.score_occasional_days_per_month", readonly=False
    )

    def _kam_company_settings_fields(self):
        # Written together: the active rhythm is checked against the occasional one.
        return (*super()._kam_company_settings_fields(), *ACTIVITY_FIELDS)
