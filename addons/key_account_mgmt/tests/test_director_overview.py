import json
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import KamCase

OVERVIEW = "kam.director.overview"
GROUPBY_KEYS = ("graph_groupbys", "pivot_row_groupby", "pivot_column_groupby")


@freeze_time("2026-11-20 10:00:00")
class TestDirectorOverview(KamCase):
    """The sales director's overview: its tiles, who may see them, and the class
    movements and class mix they read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kam_only_manager = new_test_user(
            cls.env,
            login="kam_only_manager",
            name="Kim Key",
            groups="key_account_mgmt.group_kam_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.sally_customer = cls._customer("Sallyn Asiakas Oy", user_id=cls.salesperson.id)
        cls.sam_customer = cls._customer("Samin Asiakas Oy", user_id=cls.salesperson2.id)
        cls.history = cls.env["kam.abc.class.history"]
        # Creating a customer classifies it (a "new class" row): each test writes its own.
        cls.history.search(
            [("partner_id", "in", (cls.sally_customer | cls.sam_customer).ids)]
        ).unlink()

    def _history(self, partner, old, new, date, company=None):
        return self.history.create(
            {
                "partner_id": partner.id,
                "company_id": (company or self.company).id,
                "old_class": old,
                "new_class": new,
                "date": date,
                "source": "computed",
            }
        )

    def _tiles(self, user=None):
        return self.env[OVERVIEW].with_user(user or self.manager).get_tiles()

    def _moves(self, user, partners, groupby, companies=None):
        Movement = self.env["kam.class.movement"].with_user(user)
        if companies:
            Movement = Movement.with_context(allowed_company_ids=companies.ids)
        return {
            tuple(value.id if hasattr(value, "id") else value for value in key): count
            for *key, count in Movement._read_group(
                [("partner_id", "in", partners.ids)], groupby, ["move_count:sum"]
            )
        }

    # ------------------------------------------------------------------
    # Tiles
    # ------------------------------------------------------------------
    def test_tiles_resolve_to_models_views_and_actions(self):
        tiles = self._tiles()
        keys = [tile["key"] for tile in tiles]
        self.assertEqual(len(keys), len(set(keys)), "tile keys are unique")
        for key in (
            "class_mix",
            "class_movement",
            "class_movement_salesperson",
            "meeting_coverage",
            "health_distribution",
            "accounts_at_risk",
        ):
            self.assertIn(key, keys)
        for tile in tiles:
            with self.subTest(tile=tile["key"]):
                self.assertTrue(tile["title"])
                self.assertIn(tile["view_type"], ("graph", "pivot", "list"))
                self.assertIn(tile["res_model"], self.env)
                view = self.env["ir.ui.view"].browse(tile["view_id"])
                self.assertTrue(view.exists(), "the tile's view exists")
                self.assertEqual((view.model, view.type), (tile["res_model"], tile["view_type"]))
                action = self.env.ref(tile["action"])
                self.assertTrue(action._name.startswith("ir.actions."))
                fields = self.env[tile["res_model"]]._fields
                for groupby_key in GROUPBY_KEYS:
                    for spec in tile["context"].get(groupby_key, []):
                        self.assertIn(spec.split(":")[0], fields)
                for measure in tile["context"].get("pivot_measures", []):
                    self.assertIn(measure, fields)

    def test_each_tile_domain_searches_as_the_manager(self):
        for tile in self._tiles():
            with self.subTest(tile=tile["key"]):
                Model = self.env[tile["res_model"]].with_user(self.manager)
                Model.search_count(tile["domain"])
                groupby = [spec for key in GROUPBY_KEYS for spec in tile["context"].get(key, [])]
                Model.read_group(tile["domain"], [], groupby[:1] or ["id"], lazy=True)

    def test_salesperson_gets_no_tiles(self):
        with self.assertRaises(AccessError):
            self._tiles(self.salesperson)
        menu = self.env.ref("key_account_mgmt.menu_kam_director_overview")
        visible = self.env["ir.ui.menu"].with_user(self.salesperson)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
        visible = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)

    def test_menu_under_history_first(self):
        menu = self.env.ref("key_account_mgmt.menu_kam_director_overview")
        self.assertEqual(menu.parent_id, self.env.ref("key_account_mgmt.menu_kam_reporting"))
        self.assertEqual(menu.sequence, 1)
        self.assertEqual(menu.action, self.env.ref("key_account_mgmt.action_kam_director_overview"))

    def test_unavailable_tiles_are_left_out(self):
        Overview = type(self.env[OVERVIEW])
        original = Overview._kam_overview_tiles
        broken = [
            {"key": "no_model", "res_model": "no.such.model", "view_type": "graph"},
            {
                "key": "no_view",
                "res_model": "kam.class.mix",
                "view_type": "graph",
                "view": "key_account_mgmt.no_such_view",
            },
            {"key": "bad_type", "res_model": "kam.class.mix", "view_type": "kanban"},
        ]
        for tile in broken:
            tile.update(title="x", domain=[], context={})
        with patch.object(Overview, "_kam_overview_tiles", lambda self: original(self) + broken):
            keys = {tile["key"] for tile in self._tiles()}
        self.assertFalse(keys & {"no_model", "no_view", "bad_type"})
        self.assertIn("class_mix", keys)

    def test_snapshot_tile_only_with_snapshots(self):
        self.env["kam.account.snapshot"].search([]).unlink()
        self.assertNotIn("class_mix_history", {tile["key"] for tile in self._tiles()})
        self.env["kam.account.snapshot"].create(
            {
                "partner_id": self.sally_customer.id,
                "company_id": self.company.id,
                "month": "2026-10-01",
                "abc_class": "B",
            }
        )
        self.assertIn("class_mix_history", {tile["key"] for tile in self._tiles()})

    def test_class_movement_tiles_cover_the_last_12_months(self):
        tile = next(t for t in self._tiles() if t["key"] == "class_movement")
        self.assertEqual(tile["domain"], [("month", ">=", "2025-12-01")])

    # ------------------------------------------------------------------
    # Class movements
    # ------------------------------------------------------------------
    def test_class_movements_per_salesperson_and_month(self):
        sally, sam = self.sally_customer, self.sam_customer
        self._history(sally, False, "C", datetime(2026, 9, 3, 8))
        self._history(sally, "C", "B", datetime(2026, 10, 1, 8))
        self._history(sally, "B", "A", datetime(2026, 10, 31, 20))
        self._history(sally, "A", "A", datetime(2026, 10, 31, 21))  # no move
        self._history(sam, False, "A", datetime(2026, 9, 15, 8))
        self._history(sam, "A", "C", datetime(2026, 11, 2, 8))
        self._history(sam, "C", False, datetime(2026, 11, 5, 8))
        partners = sally | sam
        moves = self._moves(self.manager, partners, ["user_id", "month:month", "direction"])
        self.assertEqual(
            moves,
            {
                (self.salesperson.id, date(2026, 9, 1), "new"): 1,
                (self.salesperson.id, date(2026, 10, 1), "up"): 2,
                (self.salesperson2.id, date(2026, 9, 1), "new"): 1,
                (self.salesperson2.id, date(2026, 11, 1), "down"): 1,
                (self.salesperson2.id, date(2026, 11, 1), "removed"): 1,
            },
        )
        rows = self.env["kam.class.movement"].search([("partner_id", "=", sam.id)])
        self.assertEqual(
            [(r.old_class, r.new_class, r.direction) for r in rows],
            [("C", False, "removed"), ("A", "C", "down"), (False, "A", "new")],
        )

    def test_class_movements_stay_with_the_salesperson_at_the_time(self):
        self._history(self.sally_customer, "C", "B", datetime(2026, 10, 1, 8))
        self.sally_customer.user_id = self.salesperson2
        moves = self._moves(self.manager, self.sally_customer, ["user_id", "direction"])
        self.assertEqual(moves, {(self.salesperson.id, "up"): 1})

    def test_second_company_rows_invisible(self):
        self._history(self.sally_customer, "C", "B", datetime(2026, 10, 1, 8))
        self._history(self.sally_customer, "B", "C", datetime(2026, 10, 2, 8), self.company2)
        moves = self._moves(
            self.manager, self.sally_customer, ["company_id", "direction"], self.company
        )
        self.assertEqual(moves, {(self.company.id, "up"): 1})
        # The other company's rows are there for a user working in it.
        moves = self._moves(
            self.manager,
            self.sally_customer,
            ["company_id", "direction"],
            self.company | self.company2,
        )
        self.assertEqual(moves, {(self.company.id, "up"): 1, (self.company2.id, "down"): 1})
        # A user of the first company only never sees the second's rows.
        moves = self._moves(self.kam_only_manager, self.sally_customer, ["company_id"])
        self.assertEqual(moves, {(self.company.id,): 1})

    # ------------------------------------------------------------------
    # Class mix
    # ------------------------------------------------------------------
    def test_class_mix_per_company_and_kind(self):
        key = self._customer("Avain Oy", is_key_account=True, user_id=self.salesperson.id)
        other = self._customer("Muu Oy", user_id=self.salesperson.id)
        unclassified = self._customer("Luokaton Oy")
        partners = key | other | unclassified
        self.env.flush_all()
        # The classes as the class engine stores them: one JSON value per company.
        for partner, classes in (
            (key, {self.company.id: "A"}),
            (other, {self.company.id: "B", self.company2.id: "C"}),
            (unclassified, {}),
        ):
            self.env.cr.execute(
                "UPDATE res_partner SET abc_class = %s::jsonb WHERE id = %s",
                [json.dumps({str(cid): letter for cid, letter in classes.items()}), partner.id],
            )
        partners.invalidate_recordset()
        Mix = self.env["kam.class.mix"].with_user(self.manager)
        both = Mix.with_context(allowed_company_ids=(self.company | self.company2).ids)
        mix = {
            (company.id, abc_class, kind): count
            for company, abc_class, kind, count in both._read_group(
                [("partner_id", "in", partners.ids)],
                ["company_id", "abc_class", "account_kind"],
                ["__count"],
            )
        }
        self.assertEqual(
            mix,
            {
                (self.company.id, "A", "key"): 1,
                (self.company.id, "B", "other"): 1,
                (self.company2.id, "C", "other"): 1,
            },
        )
        first = Mix.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(first.search_count([("partner_id", "in", partners.ids)]), 2)
        # A key account no longer: it counts as another customer at once.
        key.is_key_account = False
        self.assertEqual(first.search([("partner_id", "=", key.id)]).account_kind, "other")
