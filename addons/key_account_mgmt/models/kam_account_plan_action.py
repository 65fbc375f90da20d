from odoo import api, fields, models


class KamAccountPlanAction(models.Model):
    _name = "kam.account.plan.action"
    _description = "Account Plan Action"
    _order = "deadline, id"
    _check_company_auto = True

    goal_id = fields.Many2one(
        "kam.account.plan.goal", required=True, index=True, ondelete="cascade"
    )
    plan_id = fields.Many2one(
        "kam.account.plan", compute="_compute_plan_id", store=True, index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    name = fields.Char(string="Action", required=True)
    owner_id = fields.Many2one("res.users", check_company=True)
    deadline = fields.Date()
    state = fields.Selection(
        [("todo", "To do"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="todo",
        required=True,
    )
    outcome = fields.Char(string="Measurable Outcome")

    @api.depends("goal_id.plan_id")
    def _compute_plan_id(self):
        for action in self:
            action.plan_id = action.goal_id.plan_id
