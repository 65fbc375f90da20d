from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

MANAGER_GROUP = "key_account_mgmt.group_kam_manager"
VIEW_TYPES = ("graph", "pivot", "list")
# Months of class movements and snapshots the tiles show (this month included).
HISTORY_MONTHS = 12


class KamDirectorOverview(models.AbstractModel):
    """The tiles of the sales director's overview (client action
    ``kam_director_overview``): each tile is one of Odoo's own graph, pivot or list views
    on a model, with a domain and a context, and an action that opens the full report.

    Add-ons add tiles by extending ``_kam_overview_tiles``; ``get_tiles`` resolves the XML
    ids and drops the tiles the user cannot read."""

    _name = "kam.director.overview"
    _description = "Sales Director's Overview"

    @api.model
    def get_tiles(self):
        """The overview's tiles for the current user, in display order, as dicts:
        ``key``, ``title`` and ``help`` (in the user's language), ``res_model``,
        ``view_type`` (graph, pivot or list), ``view_id`` (database id or False),
        ``domain``, ``context`` (groupbys, measures, graph mode ...), ``action`` (XML id of
        the action that opens the full report), ``empty_help`` (shown without data),
        ``size`` (half or full).

        Only key account managers see the overview: others get an AccessError."""
        self._kam_check_overview_access()
        tiles = sorted(self._kam_overview_tiles(), key=lambda tile: tile.get("sequence", 100))
        return [self._kam_resolve_tile(tile) for tile in tiles if self._kam_tile_is_available(tile)]

    @api.model
    def _kam_check_overview_access(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "The sales director's overview is for key account managers. Ask your "
                    "administrator for the Key account manager access if you need it."
                )
            )

    @api.model
    def _kam_history_start(self):
        """First day of the oldest month the history tiles show."""
        today = fields.Date.context_today(self)
        return today.replace(day=1) - relativedelta(months=HISTORY_MONTHS - 1)

    @api.model
    def _kam_overview_tiles(self):
        """The raw tile definitions (view and action as XML ids); extend to add tiles."""
        _ = self.env._
        start = fields.Date.to_string(self._kam_history_start())
        tiles = [
            {
                "key": "class_mix",
                "sequence": 10,
                "title": _("Class mix"),
                "help": _("Customers by their current class, key accounts apart"),
                "res_model": "kam.class.mix",
                "view_type": "graph",
                "view": "key_account_mgmt.view_kam_class_mix_graph",
                "domain": [],
                "context": {
                    "graph_mode": "bar",
                    "graph_groupbys": ["abc_class", "account_kind"],
                    "graph_stacked": False,
                },
                "action": "key_account_mgmt.action_kam_class_mix",
                "empty_help": _("No customer has a class yet."),
            },
            {
                "key": "class_movement",
                "sequence": 20,
                "title": _("Class movements per month"),
                "help": _("Customers moved up, down or into a class, last 12 months"),
                "res_model": "kam.class.movement",
                "view_type": "graph",
                "view": "key_account_mgmt.view_kam_class_movement_graph",
                "domain": [("month", ">=", start)],
                "context": {
                    "graph_mode": "bar",
                    "graph_measure": "move_count",
                    "graph_groupbys": ["month:month", "direction"],
                    "graph_stacked": False,
                },
                "action": "key_account_mgmt.action_kam_class_movement",
                "empty_help": _("No class has changed in the last 12 months."),
            },
            {
                "key": "class_movement_salesperson",
                "sequence": 30,
                "title": _("Class movements per salesperson"),
                "help": _("Up and down per salesperson, last 12 months"),
                "res_model": "kam.class.movement",
                "view_type": "pivot",
                "view": "key_account_mgmt.view_kam_class_movement_pivot",
                "domain": [("month", ">=", start)],
                "context": {
                    "pivot_measures": ["move_count"],
                    "pivot_row_groupby": ["user_id"],
                    "pivot_column_groupby": ["direction"],
                },
                "action": "key_account_mgmt.action_kam_class_movement",
                "empty_help": _("No class has changed in the last 12 months."),
            },
            {
                "key": "meeting_coverage",
                "sequence": 40,
                "title": _("Meeting coverage per key account manager"),
                "help": _("Meetings held in 12 months against the yearly targets"),
                "res_model": "kam.meeting.status",
                "view_type": "pivot",
                "view": "key_account_mgmt.view_kam_meeting_status_coverage_pivot",
                "domain": [("has_target", "=", True), ("as_needed", "=", False)],
                "context": {
                    "pivot_measures": ["meetings_held", "meetings_target", "meetings_planned"],
                    "pivot_row_groupby": ["key_account_manager_id"],
                },
                "action": "key_account_mgmt.action_kam_meeting_coverage",
                "empty_help": _("No key account has a meeting target."),
            },
            {
                "key": "health_distribution",
                "sequence": 50,
                "title": _("Relationship health"),
                "help": _("Key accounts per health band"),
                "res_model": "kam.relationship.health",
                "view_type": "graph",
                "view": "key_account_mgmt.view_kam_relationship_health_overview_graph",
                "domain": [],
                "context": {"graph_mode": "pie", "graph_groupbys": ["band"]},
                "action": "key_account_mgmt.action_kam_relationship_health_overview",
                "empty_help": _("No relationship health computed yet."),
            },
            {
                "key": "accounts_at_risk",
                "sequence": 60,
                "title": _("Key accounts at risk"),
                "help": _("Health at risk or below 40, weakest first"),
                "res_model": "kam.relationship.health",
                "view_type": "list",
                "view": "key_account_mgmt.view_kam_relationship_health_overview_list",
                "domain": ["|", ("band", "=", "risk"), ("health", "<", 40)],
                "context": {},
                "action": "key_account_mgmt.action_kam_relationship_health_at_risk",
                "empty_help": _("No key account at risk."),
            },
        ]
        if self.env["kam.account.snapshot"].search_count(
            [("month", ">=", start), ("abc_class", "!=", False)], limit=1
        ):
            tiles.append(
                {
                    "key": "class_mix_history",
                    "sequence": 15,
                    "title": _("Key accounts per class over time"),
                    "help": _("Monthly snapshots, last 12 months"),
                    "res_model": "kam.account.snapshot",
                    "view_type": "graph",
                    "view": "key_account_mgmt.view_kam_account_snapshot_class_graph",
                    "domain": [("month", ">=", start), ("abc_class", "!=", False)],
                    "context": {
                        "graph_mode": "line",
                        "graph_groupbys": ["month:month", "abc_class"],
                        "graph_stacked": False,
                    },
                    "action": "key_account_mgmt.action_kam_account_snapshot_overview",
                }
            )
        return tiles

    @api.model
    def _kam_tile_is_available(self, tile):
        """A tile shows when its model is installed, the user may read it and its view
        and action exist."""
        if tile["res_model"] not in self.env or tile.get("view_type") not in VIEW_TYPES:
            return False
        if not self.env[tile["res_model"]].has_access("read"):
            return False
        if tile.get("view") and not self.env.ref(tile["view"], raise_if_not_found=False):
            return False
        return not tile.get("action") or bool(
            self.env.ref(tile["action"], raise_if_not_found=False)
        )

    @api.model
    def _kam_resolve_tile(self, tile):
        view = self.env.ref(tile["view"], raise_if_not_found=False) if tile.get("view") else None
        return {
            "key": tile["key"],
            "title": tile["title"],
            "help": tile.get("help") or "",
            "res_model": tile["res_model"],
            "view_type": tile["view_type"],
            "view_id": view.id if view else False,
            "domain": tile.get("domain") or [],
            "context": tile.get("context") or {},
            "action": tile.get("action") or False,
            "empty_help": tile.get("empty_help") or "",
            "size": tile.get("size") or "half",
        }
