from odoo import api, fields, models
from odoo.tools import format_date

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
        ``params`` (the engine stores figures, never sentences). Each factor has its
        ``_kam_text_<factor>(params)``; a factor that does not apply says why."""
        self.ensure_one()
        if not self.factor:
            return ""
        params = self.params or {}
        if not self.applicable:
            return self._kam_text_not_applicable(params)
        method = getattr(self, f"_kam_text_{self.factor}", None)
        return method(params) if method else ""

    def _kam_text_not_applicable(self, params):
        reasons = self._kam_not_applicable_reasons()
        reason = reasons.get(params.get("reason")) or self.env._("Does not apply")
        return self.env._("%(reason)s: its weight goes to the other factors.", reason=reason)

    def _kam_not_applicable_reasons(self):
        """``{reason code: text}`` of the factors that do not apply."""
        return {
            "no_target": self.env._("No meeting target with a number for this class"),
            "no_key_contact": self.env._(
                "No key contact (a contact in a stakeholder group with a meeting target)"
            ),
        }

    def _kam_text_meetings(self, params):
        if self.stakeholder_group_id:
            return self.env._(
                "%(group)s: %(held)s of %(due)s meetings due by now held (%(target)s a year)",
                group=self.stakeholder_group_id.name,
                held=params.get("held", 0),
                due=params.get("due", 0),
                target=params.get("target", 0),
            )
        return self.env._(
            "On target in every stakeholder group: %(held)s meetings held, %(due)s due by now",
            held=params.get("held_total", 0),
            due=params.get("due_total", 0),
        )

    def _kam_text_coverage(self, params):
        parts = []
        groups = params.get("groups", 0)
        if groups and self.stakeholder_group_id:
            parts.append(
                self.env._(
                    "No contact in %(group)s (%(covered)s of %(groups)s stakeholder groups "
                    "covered)",
                    group=self.stakeholder_group_id.name,
                    covered=params.get("covered", 0),
                    groups=groups,
                )
            )
        elif groups:
            parts.append(
                self.env._(
                    "Every stakeholder group with a target has a contact (%(groups)s)",
                    groups=groups,
                )
            )
        levels = params.get("levels", 0)
        minimum = params.get("min_levels", 2)
        if levels < minimum:
            parts.append(
                self.env._(
                    "Contacts on %(levels)s organisation levels, at least %(min)s wanted",
                    levels=levels,
                    min=minimum,
                )
            )
        else:
            parts.append(self.env._("Contacts on %(levels)s organisation levels", levels=levels))
        return ". ".join(parts)

    def _kam_text_freshness(self, params):
        count = params.get("key_contacts", 0)
        fresh = params.get("fresh", 0)
        if fresh >= count:
            return self.env._("All %(count)s key contacts met within their interval", count=count)
        if params.get("days") is None:
            return self.env._(
                "%(fresh)s of %(count)s key contacts met on time; %(contact)s never met",
                fresh=fresh,
                count=count,
                contact=self.contact_id.name or "",
            )
        return self.env._(
            "%(fresh)s of %(count)s key contacts met on time; %(contact)s last met "
            "%(days)s days ago (every %(interval)s days wanted)",
            fresh=fresh,
            count=count,
            contact=self.contact_id.name or "",
            days=params["days"],
            interval=params.get("interval", 0),
        )

    def _kam_text_swot(self, params):
        if not params.get("last"):
            return self.env._("No SWOT yet")
        months = params.get("months", 0)
        if not months:
            return self.env._("SWOT updated this month")
        return self.env._("SWOT last updated %(months)s months ago", months=months)

    def _kam_text_review(self, params):
        if not params.get("plan_id"):
            return self.env._("No current account plan")
        days = params.get("days_overdue", 0)
        if days:
            return self.env._("Plan review %(days)s days overdue", days=days)
        if params.get("next_review"):
            return self.env._(
                "Next plan review due on %(date)s",
                date=format_date(self.env, params["next_review"]),
            )
        return self.env._("Plan review on time")


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
