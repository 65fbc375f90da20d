from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KamAccountPlanResource(models.Model):
    _name = "kam.account.plan.resource"
    _inherit = "kam.number.input.mixin"
    _description = "Account Plan Resource Allocation"
    _order = "plan_id, id"
    _check_company_auto = True

    plan_id = fields.Many2one("kam.account.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    user_id = fields.Many2one("res.users", string="Who", required=True, check_company=True)
    role = fields.Char()
    hours_per_month = fields.Float()

    @api.constrains("hours_per_month")
    def _check_hours(self):
        for line in self:
            if line.hours_per_month < 0:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” cannot be negative (%(value)s).",
                        field=self._fields["hours_per_month"]._description_string(self.env),
                        value=line.hours_per_month,
                    )
                )
