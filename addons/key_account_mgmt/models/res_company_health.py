"""The weights of the relationship health per company, and their check."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

# factor -> weight field of res.company; customer_scoring adds its factors
# (``_kam_health_weight_fields``).
HEALTH_WEIGHT_FIELDS = {
    "meetings": "kam_health_weight_meetings",
    "coverage": "kam_health_weight_coverage",
    "freshness": "kam_health_weight_freshness",
    "swot": "kam_health_weight_swot",
    "review": "kam_health_weight_review",
}


class ResCompany(models.Model):
    # One file per concern of the company extension (models/__init__.py lists them).
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    kam_health_weight_meetings = fields.Integer(
        string="Health weight: meetings",
        default=35,
        help="Meetings held this year against the targets due by now, per stakeholder group.",
    )
    kam_health_weight_coverage = fields.Integer(
        string="Health weight: stakeholder coverage",
        default=20,
        help="Each stakeholder group with a target has a contact; contacts on at least two "
        "organisation levels.",
    )
    kam_health_weight_freshness = fields.Integer(
        string="Health weight: contact freshness",
        default=20,
        help="Share of key contacts met within the interval of their group's target.",
    )
    kam_health_weight_swot = fields.Integer(
        string="Health weight: SWOT up to date",
        default=10,
        help="A SWOT item reviewed in the last 12 months.",
    )
    kam_health_weight_review = fields.Integer(
        string="Health weight: plan review on time",
        default=15,
        help="The current account plan's review is not overdue.",
    )

    @api.model
    def _kam_health_weight_fields(self):
        """``{factor: weight field}`` of the factors this database computes."""
        return dict(HEALTH_WEIGHT_FIELDS)

    @api.constrains(*HEALTH_WEIGHT_FIELDS.values())
    def _check_kam_health_weights(self):
        """The weights are percent points: none negative, together 100. Checked on the
        whole set after the write (moving points between two weights is one change)."""
        names = list(self._kam_health_weight_fields().values())
        for company in self:
            negative = [name for name in names if company[name] < 0]
            if negative:
                raise ValidationError(
                    self.env._(
                        "Relationship health weights of %(company)s cannot be negative: "
                        "%(weights)s.",
                        company=company.name,
                        weights=company._kam_weights_text(negative),
                    )
                )
            total = sum(company[name] for name in names)
            if total != 100:
                raise ValidationError(
                    self.env._(
                        "The relationship health weights of %(company)s add up to %(total)s; "
                        "they must add up to 100: %(weights)s.",
                        company=company.name,
                        total=formatLang(self.env, total, digits=0),
                        weights=company._kam_weights_text(names),
                    )
                )

    def _kam_weights_text(self, names):
        """'Weight: Revenue 30, Weight: Growth 10, ...': the labels and values of the
        weight fields ``names``, in the user's language (health and score weights)."""
        self.ensure_one()
        return ", ".join(
            f"{self._kam_field_label(name)} {formatLang(self.env, self[name], digits=0)}"
            for name in names
        )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kam_health_weight_meetings = fields.Integer(
        related="company_id.kam_health_weight_meetings", readonly=False
    )
    kam_health_weight_coverage = fields.Integer(
        related="company_id.kam_health_weight_coverage", readonly=False
    )
    kam_health_weight_freshness = fields.Integer(
        related="company_id.kam_health_weight_freshness", readonly=False
    )
    kam_health_weight_swot = fields.Integer(
        related="company_id.kam_health_weight_swot", readonly=False
    )
    kam_health_weight_review = fields.Integer(
        related="company_id.kam_health_weight_review", readonly=False
    )

    def _kam_company_settings_fields(self):
        # Written together, so that the "adds up to 100" check sees the new set.
        weights = self.env["res.company"]._kam_health_weight_fields().values()
        return (*super()._kam_company_settings_fields(), *weights)
