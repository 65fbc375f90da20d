from odoo import api, fields, models
from odoo.tools import format_amount, formatLang


class KamAccountPlanGoal(models.Model):
    _name = "kam.account.plan.goal"
    _description = "Account Plan Goal"
    _order = "plan_id, deadline, id"
    _check_company_auto = True

    plan_id = fields.Many2one("kam.account.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    name = fields.Char(string="Goal", required=True)
    goal_type = fields.Selection(
        [("own", "Own"), ("joint", "Joint with the customer")],
        string="Type",
        default="own",
        required=True,
    )
    measure = fields.Char(help="How the goal is measured, e.g. revenue EUR, projects won.")
    value_type = fields.Selection(
        [("amount", "Amount"), ("percent", "Percent (%)"), ("number", "Number")],
        string="Unit",
        default="number",
        required=True,
        help="Amount: money in the company currency; Percent: a share in %; Number: a count "
        "(meetings, projects won, installers trained...).",
    )
    currency_id = fields.Many2one(related="plan_id.company_id.currency_id", string="Currency")
    target_value = fields.Float(string="Target")
    actual_value = fields.Float(string="Actual")
    target_display = fields.Char(string="Target Value", compute="_compute_value_display")
    actual_display = fields.Char(string="Actual Value", compute="_compute_value_display")
    progress = fields.Float(compute="_compute_progress", string="Progress (%)")
    deadline = fields.Date()
    owner_id = fields.Many2one("res.users", check_company=True)
    action_ids = fields.One2many("kam.account.plan.action", "goal_id", string="Actions")

    @api.depends_context("lang")
    @api.depends("value_type", "target_value", "actual_value", "currency_id")
    def _compute_value_display(self):
        for goal in self:
            goal.target_display = goal._kam_format_value(goal.target_value)
            goal.actual_display = goal._kam_format_value(goal.actual_value)

    def _kam_format_value(self, value):
        """``value`` with its unit, in the user's number format (1 000 000,00 EUR)."""
        self.ensure_one()
        if self.value_type == "amount":
            return format_amount(self.env, value, self.currency_id or self.env.company.currency_id)
        digits = 0 if float(value).is_integer() else 2
        text = formatLang(self.env, value, digits=digits)
        return f"{text}\N{NO-BREAK SPACE}%" if self.value_type == "percent" else text

    @api.depends("actual_value", "target_value")
    def _compute_progress(self):
        for goal in self:
            goal.progress = (
                100.0 * goal.actual_value / goal.target_value if goal.target_value else 0.0
            )
