from odoo import api, fields, models

from .res_partner import ABC_CLASSES

HEALTH_FACTORS = [
    ("meetings", "Meetings against target"),
    ("coverage", "Stakeholder coverage"),
    ("freshness", "Contact freshness"),
    ("swot", "SWOT up to date"),
    ("review", "Plan review on time"),
]
HEALTH_BANDS = [("good", "Healthy"), ("watch", "Watch"), ("risk", "At risk")]
TRENDS = [("up", "Up"), ("flat", "Steady"), ("down", "Down")]


class KamRelationshipHealth(models.Model):
    """The relationship health of one key account in one company: 0-100, with one line
    per factor that says how many points it gave and why. Written set-based by
    ``kam.health.engine``; one row per (account, company)."""

    _name = "kam.relationship.health"
    _description = "Relationship Health"
    _order = "health, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    key_account_manager_id = fields.Many2one(
        "res.users", related="partner_id.key_account_manager_id", store=True
    )
    salesperson_id = fields.Many2one("res.users", related="partner_id.user_id", store=True)
    date = fields.Date(string="Computed On", readonly=True)
    health = fields.Integer(readonly=True, aggregator="avg")
    health_previous = fields.Integer(string="Health Last Month", readonly=True, aggregator="avg")
    trend = fields.Selection(TRENDS, readonly=True)
    band = fields.Selection(HEALTH_BANDS, readonly=True, index=True)
    line_ids = fields.One2many("kam.relationship.health.line", "health_id", string="Lines")

    _sql_constraints = [
        (
            "partner_company_unique",
            "unique(partner_id, company_id)",
            "A key account has one relationship health per company.",
        )
    ]

    def _kam_after_compute(self):
        """Hook called by the engine with the rows it has just written (next best action,
        notifications); set-based over ``self``."""
        return True


class KamRelationshipHealthLine(models.Model):
    _name = "kam.relationship.health.line"
    _description = "Relationship Health Line"
    _order = "health_id, gap desc, id"

    health_id = fields.Many2one(
        "kam.relationship.health", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="health_id.partner_id", store=True)
    company_id = fields.Many2one(related="health_id.company_id", store=True)
    factor = fields.Selection(HEALTH_FACTORS, required=True, readonly=True)
    applicable = fields.Boolean(readonly=True, default=True)
    weight = fields.Integer(readonly=True)
    score = fields.Float(readonly=True, digits=(5, 4), help="0 (worst) to 1 (best).")
    points = fields.Float(readonly=True, digits=(5, 1), help="Points of the 100 it gives.")
    gap = fields.Float(readonly=True, digits=(5, 1), help="Points it loses.")
    stakeholder_group_id = fields.Many2one("kam.stakeholder.group", readonly=True)
    contact_id = fields.Many2one("res.partner", readonly=True)
    params = fields.Json(readonly=True)
    text = fields.Char(string="Explanation", compute="_compute_text")

    @api.depends_context("lang")
    @api.depends("factor", "params", "applicable")
    def _compute_text(self):
        for line in self:
            line.text = line._kam_line_text()

    def _kam_line_text(self):
        """The line's explanation in the reader's language, from ``factor`` and
        ``params`` (the engine stores figures, never sentences)."""
        self.ensure_one()
        return ""


class KamAccountSnapshot(models.Model):
    """Monthly history of one key account in one company: health and class (the scoring
    adds the score). The month's last computation stands."""

    _name = "kam.account.snapshot"
    _description = "Key Account Monthly Snapshot"
    _order = "month desc, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Key Account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    month = fields.Date(required=True, index=True, help="First day of the month.")
    health = fields.Integer(aggregator="avg")
    abc_class = fields.Selection(ABC_CLASSES, string="Class")

    _sql_constraints = [
        (
            "partner_company_month_unique",
            "unique(partner_id, company_id, month)",
            "One snapshot per key account, company and month.",
        )
    ]
