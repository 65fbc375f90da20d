from odoo import api, fields, models

from .res_partner import ABC_CLASSES

# The value-based classification study's example of what each class gets (our
# wording); editable per company.
DEFAULT_SERVICE_LEVELS = {
    "A": {
        "scope": "Full service: named key account manager, joint account plan, "
        "half of telesales' time for the A accounts.",
        "response_time": "Same working day",
        "priority": "1",
        "visit_frequency": "Field visit once a month",
    },
    "B": {
        "scope": "40 % of field sales' and 20 % of telesales' time for the B accounts.",
        "response_time": "Within 2 working days",
        "priority": "2",
        "visit_frequency": "Field visit once a quarter",
    },
    "C": {
        "scope": "Phone and e-channels (web shop, e-mail); self-service first.",
        "response_time": "Within 5 working days",
        "priority": "3",
        "visit_frequency": "At most once a year",
    },
}


class KamServiceLevel(models.Model):
    _name = "kam.service.level"
    _description = "Service Level per Customer Class"
    _order = "company_id, abc_class"
    _rec_name = "abc_class"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    abc_class = fields.Selection(ABC_CLASSES, string="Class", required=True)
    scope = fields.Text(string="Scope of Service", translate=True)
    response_time = fields.Char(string="Response Time", translate=True)
    priority = fields.Selection(
        [("1", "1 - Highest"), ("2", "2 - Normal"), ("3", "3 - Low")],
        string="Priority",
        default="2",
        required=True,
    )
    visit_frequency = fields.Char(string="Visit Frequency", translate=True)
    summary = fields.Text(compute="_compute_summary")

    _sql_constraints = [
        (
            "class_company_uniq",
            "unique(company_id, abc_class)",
            "This class already has a service level in this company.",
        ),
    ]

    @api.depends("abc_class", "scope", "response_time", "priority", "visit_frequency")
    def _compute_summary(self):
        priorities = dict(self._fields["priority"]._description_selection(self.env))
        for level in self:
            lines = [
                self.env._("Scope: %(scope)s", scope=level.scope or "-"),
                self.env._("Response time: %(time)s", time=level.response_time or "-"),
                self.env._("Priority: %(priority)s", priority=priorities.get(level.priority, "-")),
                self.env._("Visits: %(visits)s", visits=level.visit_frequency or "-"),
            ]
            level.summary = "\n".join(lines)

    @api.model
    def _kam_create_defaults(self, companies=None):
        """Create the default service levels of the companies that miss some (idempotent)."""
        companies = companies or self.env["res.company"].sudo().search([])
        existing = {
            (level.company_id.id, level.abc_class)
            for level in self.sudo().search([("company_id", "in", companies.ids)])
        }
        vals_list = [
            {"company_id": company.id, "abc_class": letter, **vals}
            for company in companies
            for letter, vals in DEFAULT_SERVICE_LEVELS.items()
            if (company.id, letter) not in existing
        ]
        return self.sudo().create(vals_list)
