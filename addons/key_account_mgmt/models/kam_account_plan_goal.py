from odoo import api, fields, models


class KamAccountPlanGoal(models.Model):
    _name = "kam.account.plan.goal"
    _description = "Account Plan Goal"
    _order = "plan_id, deadline, id"

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
    target_value = fields.Float(string="Target")
    actual_value = fields.Float(string="Actual")
    progress = fields.Float(compute="_compute_progress", string="Progress (%)")
    deadline = fields.Date()
    owner_id = fields.Many2one("res.users", string="Owner")
    action_ids = fields.One2many("kam.account.plan.action", "goal_id", string="Actions")

    @api.depends("actual_value", "target_value")
    def _compute_progress(self):
        for goal in self:
            goal.progress = (
                100.0 * goal.actual_value / goal.target_value if goal.target_value else 0.0
            )
