"""The relationship health of a key account on the customer, for the current company."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.access import is_manager
from .kam_relationship_health import HEALTH_BANDS, TRENDS

KAM_USER_GROUP = "key_account_mgmt.group_kam_user"
TREND_ARROWS = {"up": "↑", "flat": "→", "down": "↓"}


class ResPartner(models.Model):
    # One file per concern of the partner extension (models/__init__.py lists them).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_health_id = fields.Many2one(
        "kam.relationship.health",
        string="Relationship Health Row",
        compute="_compute_kam_health",
        groups=KAM_USER_GROUP,
    )
    kam_health = fields.Integer(
        string="Relationship Health",
        compute="_compute_kam_health",
        groups=KAM_USER_GROUP,
        help="0-100 in the current company: meetings against target, stakeholder coverage, "
        "contact freshness, SWOT and plan review (and revenue and P(alive) with the scoring).",
    )
    kam_health_trend = fields.Selection(
        TRENDS, string="Health Trend", compute="_compute_kam_health", groups=KAM_USER_GROUP
    )
    kam_health_band = fields.Selection(
        HEALTH_BANDS, string="Health Band", compute="_compute_kam_health", groups=KAM_USER_GROUP
    )
    kam_health_display = fields.Char(
        string="Health",
        compute="_compute_kam_health",
        groups=KAM_USER_GROUP,
        help="Relationship health in the current company with its trend against last "
        "month: ↑ up, → steady, ↓ down (5 points or more).",
    )
    kam_health_date = fields.Date(
        string="Health Computed On", compute="_compute_kam_health", groups=KAM_USER_GROUP
    )
    kam_health_line_ids = fields.Many2many(
        "kam.relationship.health.line",
        string="Health Lines",
        compute="_compute_kam_health",
        groups=KAM_USER_GROUP,
    )

    @api.depends_context("company")
    def _compute_kam_health(self):
        # One search for the batch; the company rule applies.
        rows = self.env["kam.relationship.health"].search(
            [
                ("partner_id", "in", self._origin.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {row.partner_id.id: row for row in rows}
        Line = self.env["kam.relationship.health.line"]
        for partner in self:
            row = by_partner.get(partner._origin.id)
            partner.kam_health_id = row
            partner.kam_health = row.health if row else 0
            partner.kam_health_trend = row.trend if row else False
            partner.kam_health_band = row.band if row else False
            partner.kam_health_date = row.date if row else False
            partner.kam_health_display = (
                f"{row.health}\N{NO-BREAK SPACE}{TREND_ARROWS.get(row.trend, '')}".strip()
                if row
                else False
            )
            partner.kam_health_line_ids = row.line_ids if row else Line

    def action_kam_refresh_health(self):
        """Button: recompute the health of these key accounts in the companies the user
        works in now."""
        if not is_manager(self.env, KAM_USER_GROUP):
            raise AccessError(
                self.env._(
                    "Only the group “%(group)s” can refresh the relationship health.",
                    group=self.env.ref(KAM_USER_GROUP).name,
                )
            )
        self.check_access("read")
        # The engine writes derived figures only, with its own SQL.
        self.env["kam.health.engine"].sudo()._kam_compute_health(
            partners=self.commercial_partner_id, companies=self.env.companies
        )
        self.invalidate_recordset(
            ["kam_health_id", "kam_health", "kam_health_trend", "kam_health_band"]
        )
        return True
