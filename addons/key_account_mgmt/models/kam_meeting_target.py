from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import ABC_CLASSES


class KamMeetingTarget(models.Model):
    _name = "kam.meeting.target"
    _inherit = "kam.number.input.mixin"
    _description = "Meeting Frequency Target"
    _order = "company_id, abc_class, stakeholder_group_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    abc_class = fields.Selection(ABC_CLASSES, string="Class", required=True)
    stakeholder_group_id = fields.Many2one(
        "kam.stakeholder.group", required=True, ondelete="cascade"
    )
    meetings_per_year = fields.Integer(
        string="Meetings per Year", help="Minimum number of meetings in 12 months."
    )
    as_needed = fields.Boolean(
        help="No fixed number: meet when needed; the account is never behind on this group.",
    )
    target_display = fields.Char(string="Target", compute="_compute_target_display")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "target_uniq",
            "unique(company_id, abc_class, stakeholder_group_id)",
            "There is already a meeting target for this class and stakeholder group.",
        ),
    ]

    @api.constrains("meetings_per_year", "as_needed")
    def _check_meetings_per_year(self):
        for target in self:
            label = self._fields["meetings_per_year"]._description_string(self.env)
            if target.meetings_per_year < 0:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” cannot be negative (%(value)s), class %(cls)s, %(group)s.",
                        field=label,
                        value=target.meetings_per_year,
                        cls=target.abc_class,
                        group=target.stakeholder_group_id.name,
                    )
                )
            if not target.as_needed and not target.meetings_per_year:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” is %(value)s: give a number of meetings, or tick "
                        "'As Needed' (class %(cls)s, %(group)s).",
                        field=label,
                        value=target.meetings_per_year,
                        cls=target.abc_class,
                        group=target.stakeholder_group_id.name,
                    )
                )

    @api.depends("meetings_per_year", "as_needed")
    def _compute_target_display(self):
        for target in self:
            target.target_display = (
                self.env._("as needed") if target.as_needed else str(target.meetings_per_year)
            )
