from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

SWOT_TYPES = [
    ("strength", "Strength"),
    ("weakness", "Weakness"),
    ("opportunity", "Opportunity"),
    ("threat", "Threat"),
]
# The key-account process study: a SWOT is updated at least once a year.
SWOT_VALID_MONTHS = 12


class KamSwotItem(models.Model):
    _name = "kam.swot.item"
    _inherit = "kam.number.input.mixin"
    _description = "Key Account SWOT Item"
    _order = "partner_id, swot_type, impact desc, id"
    _rec_name = "description"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=[("is_company", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    swot_type = fields.Selection(SWOT_TYPES, string="Type", required=True)
    description = fields.Text(required=True)
    # A sum of impacts means nothing: the grouped list shows no total.
    impact = fields.Integer(
        default=3, required=True, aggregator=None, help="1 (small) to 5 (decisive)."
    )
    date = fields.Date(
        string="Last Reviewed",
        required=True,
        default=fields.Date.context_today,
        help="Date the item was written or last confirmed.",
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    key_account_manager_id = fields.Many2one(
        related="partner_id.key_account_manager_id", string="Key Account Manager"
    )

    @api.constrains("impact")
    def _check_impact(self):
        for item in self:
            if not 1 <= item.impact <= 5:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” must be between 1 and 5, not %(value)s.",
                        field=self._fields["impact"]._description_string(self.env),
                        value=item.impact,
                    )
                )

    @api.model
    def _kam_overdue_limit(self):
        """Items dated on or before this date have not been reviewed for 12 months."""
        return fields.Date.context_today(self) - relativedelta(months=SWOT_VALID_MONTHS)

    @api.depends("date")
    def _compute_is_overdue(self):
        limit = self._kam_overdue_limit()
        for item in self:
            item.is_overdue = bool(item.date and item.date <= limit)

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Overdue."))
        positive = (operator == "=") == value
        return [("date", "<=" if positive else ">", self._kam_overdue_limit())]

    @api.model
    def _kam_last_dates(self, partner_ids=None):
        """Latest SWOT review date per partner in the user's current company."""
        domain = [("company_id", "=", self.env.company.id)]
        if partner_ids is not None:
            domain.append(("partner_id", "in", partner_ids))
        return {
            partner.id: last
            for partner, last in self._read_group(domain, ["partner_id"], ["date:max"])
        }

    @api.model
    def _kam_overdue_partner_ids(self, company=None):
        """Key accounts whose newest SWOT item in ``company`` (default: the current
        company) is 12 months old or more."""
        company = company or self.env.company
        limit = self._kam_overdue_limit()
        rows = self._read_group(
            [("partner_id.is_key_account", "=", True), ("company_id", "=", company.id)],
            ["partner_id"],
            ["date:max"],
        )
        return [partner.id for partner, last in rows if last <= limit]

    def action_mark_reviewed(self):
        """The item still holds: it counts as reviewed today."""
        self.write({"date": fields.Date.context_today(self)})
        return True
