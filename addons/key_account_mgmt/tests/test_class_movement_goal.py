import importlib.util
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger
from odoo.tools.misc import file_path

from ..models.kam_class_movement_goal import KamClassMovementGoal
from .common import KamCase

GOAL = "kam.class.movement.goal"


@freeze_time("2026-11-20 10:00:00")
class TestClassMovementGoal(KamCase):
    """Yearly class-movement goals: the class history names the salesperson at the time,
    the actuals count the moves of the year per salesperson and company-wide."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sally, cls.sam = cls.salesperson, cls.salesperson2
        names = ("Yksi", "Kaksi", "Kolme", "Neljä", "Viisi", "Kuusi", "Seitsemän")
        partners = [cls._customer(f"{name} Oy", user_id=cls.sally.id) for name in names]
        cls.p1, cls.p2, cls.p3, cls.p4, cls.p5, cls.p6, cls.p7 = partners
        cls.History = cls.env["kam.abc.class.history"]
        # Creating a customer classifies it: the tests write the history by hand (and
        # the company-wide figures count only theirs).
        cls.History.sudo().search([]).unlink()
        cls.env[GOAL].sudo().search([]).unlink()
        # This module's definition of a new customer (the first class), also when a
        # module with sales data replaces it.
        cls.startClassPatcher(
            patch.object(
                type(cls.env[GOAL]),
                "_kam_new_customers",
                KamClassMovementGoal._kam_new_customers,
            )
        )

    def _history(self, partner, old, new, when, salesperson, company=None):
        return self.History.create(
            {
                "partner_id": partner.id,
                "company_id": (company or self.company).id,
                "old_class": old,
                "new_class": new,
                "date": when,
                "source": "computed",
                "salesperson_id": salesperson.id,
            }
        )

    def _world(self):
        """The class history of the hand-computed figures (company 1 unless said):

        - p1 (Sally): new C 2025-03; C->B 2026-02, down to C 2026-05, C->B again 2026-08
          (one C->B); C->B in company 2 in 2026-03.
        - p2: new C 2026-01 (Sam), C->B 2026-04 (Sam), B->A 2026-09 (Sally).
        - p3: new A 2024-06, A ever since (kept; salesperson now: Sally).
        - p4: new A at 2025-01-01 00:00, down to B 2026-06 (not kept).
        - p5: new A at 2025-01-01 00:00, down to B 2026-03, back to A 2026-07 (Sam):
          kept in 2026 (A at both ends), B->A for Sam; salesperson now: Sam.
        - p6: new C 2026-03 (Sally), C->A 2026-10 (Sally): a C->B and a B->A move.
        - p7: new C 2025-06, C->B 2025-12-31 23:00 UTC (Sally): last year.
        """
        self.p5.user_id = self.sam
        h = {}
        h["p1_new"] = self._history(self.p1, False, "C", datetime(2025, 3, 1), self.sally)
        h["p1_up"] = self._history(self.p1, "C", "B", datetime(2026, 2, 1), self.sally)
        self._history(self.p1, "B", "C", datetime(2026, 5, 1), self.sally)
        h["p1_up2"] = self._history(self.p1, "C", "B", datetime(2026, 8, 1), self.sam)
        h["p1_c2"] = self._history(
            self.p1, "C", "B", datetime(2026, 3, 1), self.sally, self.company2
        )
        h["p2_new"] = self._history(self.p2, False, "C", datetime(2026, 1, 10), self.sam)
        h["p2_up"] = self._history(self.p2, "C", "B", datetime(2026, 4, 1), self.sam)
        h["p2_a"] = self._history(self.p2, "B", "A", datetime(2026, 9, 1), self.sally)
        h["p3_a"] = self._history(self.p3, False, "A", datetime(2024, 6, 1), self.sally)
        self._history(self.p4, False, "A", datetime(2025, 1, 1), self.sam)
        self._history(self.p4, "A", "B", datetime(2026, 6, 1), self.sam)
        self._history(self.p5, False, "A", datetime(2025, 1, 1), self.sam)
        self._history(self.p5, "A", "B", datetime(2026, 3, 1), self.sam)
        h["p5_a"] = self._history(self.p5, "B", "A", datetime(2026, 7, 1), self.sam)
        h["p6_new"] = self._history(self.p6, False, "C", datetime(2026, 3, 1), self.sally)
        h["p6_a"] = self._history(self.p6, "C", "A", datetime(2026, 10, 1), self.sally)
        self._history(self.p7, False, "C", datetime(2025, 6, 1), self.sally)
        h["p7_up"] = self._history(self.p7, "C", "B", datetime(2025, 12, 31, 23), self.sally)
        return h

    def _goal(self, year=2026, salesperson=None, company=None, **vals):
        return self.env[GOAL].create(
            {
                "year": year,
                "company_id": (company or self.company).id,
                "salesperson_id": salesperson.id if salesperson else False,
                **vals,
            }
        )

    @staticmethod
    def _actuals(goal):
        return (
            goal.actual_new_customers,
            goal.actual_c_to_b,
            goal.actual_b_to_a,
            goal.actual_a_kept,
        )

    # ------------------------------------------------------------------
    # The salesperson at the time
    # ------------------------------------------------------------------
    def test_history_rows_carry_the_salesperson_at_the_time(self):
        """The rule's INSERT and the ORM's rows name the customer's salesperson and key
        account manager of the moment; a later change of salesperson leaves them."""
        partner = self._customer(
            "Hetki Oy", user_id=self.sally.id, key_account_manager_id=self.manager.id
        )
        first = self.History.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(first.mapped("new_class"), ["C"], "created: classified C by the rule")
        self.assertEqual(
            (first.salesperson_id, first.key_account_manager_id), (self.sally, self.manager)
        )
        # The rule moves it up (engine INSERT) while Sally serves it.
        partner.write({"customer_turnover": 15_000_000, "installer_count": 30})
        self._recompute(partner)
        up = self.History.search(
            [
                ("partner_id", "=", partner.id),
                ("new_class", "=", "B"),
                ("company_id", "=", self.company.id),
            ]
        )
        self.assertEqual((up.old_class, up.source), ("C", "computed"))
        self.assertEqual(up.salesperson_id, self.sally)
        # Sam takes over; a manager's override (ORM rows) is Sam's; the old move stays Sally's.
        partner.write({"user_id": self.sam.id, "key_account_manager_id": False})
        partner.with_user(self.manager).abc_class_manual = "A"
        manual = self.History.search(
            [
                ("partner_id", "=", partner.id),
                ("new_class", "=", "A"),
                ("company_id", "=", self.company.id),
            ]
        )
        self.assertEqual((manual.source, manual.user_id), ("manual", self.manager))
        self.assertEqual(manual.salesperson_id, self.sam)
        self.assertFalse(manual.key_account_manager_id)
        up.invalidate_recordset()
        self.assertEqual((up.salesperson_id, up.key_account_manager_id), (self.sally, self.manager))
        # The class movements read the salesperson at the time, not the current one.
        moves = self.env["kam.class.movement"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            sorted((m.new_class, m.user_id.name, m.key_account_manager_id.name) for m in moves),
            sorted(
                [
                    ("A", self.sam.name, False),
                    ("B", self.sally.name, self.manager.name),
                    ("C", self.sally.name, self.manager.name),
                ]
            ),
        )

    def test_given_salesperson_is_kept(self):
        row = self.History.create(
            {
                "partner_id": self.p1.id,
                "company_id": self.company.id,
                "old_class": "C",
                "new_class": "B",
                "source": "manual",
                "salesperson_id": self.sam.id,
            }
        )
        self.assertEqual(row.salesperson_id, self.sam, "the caller's value, not the partner's")

    def _old_rows_without_people(self):
        """Rows as written before 18.0.1.2.0: no salesperson, no key account manager."""
        rows = self._history(self.p1, False, "C", datetime(2025, 1, 1), self.sam)
        rows |= self._history(self.p2, False, "B", datetime(2025, 1, 1), self.sam)
        kept = self._history(self.p3, False, "A", datetime(2025, 1, 1), self.sam)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE kam_abc_class_history SET salesperson_id = NULL, "
            "key_account_manager_id = NULL WHERE id = ANY(%s)",
            [rows.ids],
        )
        rows.invalidate_recordset()
        self.p2.write({"user_id": False})
        return rows, kept

    def test_fill_people_at_the_time(self):
        """Rows without anyone get the customer's current salesperson; others stay."""
        rows, kept = self._old_rows_without_people()
        self.p1.key_account_manager_id = self.manager
        filled = self.History._kam_fill_people_at_the_time()
        self.assertEqual(filled, 1, "p2 has no salesperson now: nothing to fill")
        self.assertEqual(rows.mapped("salesperson_id"), self.sally)
        self.assertEqual(rows[0].key_account_manager_id, self.manager)
        self.assertFalse(rows[1].salesperson_id)
        self.assertEqual(kept.salesperson_id, self.sam, "a row that names someone is left")

    def test_migration_script(self):
        rows, _kept = self._old_rows_without_people()
        path = file_path("key_account_mgmt/migrations/18.0.1.2.0/post-migration.py")
        spec = importlib.util.spec_from_file_location("kam_post_migration_1_2", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(self.env.cr, None)
        rows.invalidate_recordset()
        self.assertFalse(rows[0].salesperson_id, "a new install migrates nothing")
        script.migrate(self.env.cr, "18.0.1.1.0")
        rows.invalidate_recordset()
        self.assertEqual(rows[0].salesperson_id, self.sally)

    # ------------------------------------------------------------------
    # Actuals
    # ------------------------------------------------------------------
    def test_actuals_per_salesperson_and_company_wide(self):
        self._world()
        company = self._goal(goal_new_customers=4, goal_c_to_b=4, goal_b_to_a=2, goal_a_kept=0)
        sally = self._goal(salesperson=self.sally, goal_c_to_b=1)
        sam = self._goal(salesperson=self.sam)
        # (new customers, C -> B, B -> A, A kept)
        self.assertEqual(self._actuals(company), (2, 3, 3, 2))
        self.assertEqual(self._actuals(sally), (1, 2, 2, 1))
        self.assertEqual(self._actuals(sam), (1, 1, 1, 1))
        self.assertEqual(
            (
                company.achievement_new_customers,
                company.achievement_c_to_b,
                company.achievement_b_to_a,
                company.achievement_a_kept,
            ),
            (50.0, 75.0, 150.0, 0.0),
            "no goal: 0 %",
        )
        self.assertEqual(sally.achievement_c_to_b, 200.0)
        self.assertEqual(sally.kam_actual_partners("c_to_b"), self.p1 | self.p6)
        self.assertEqual(sally.kam_actual_partners("b_to_a"), self.p2 | self.p6)
        self.assertEqual(sally.kam_actual_partners("a_kept"), self.p3)
        self.assertEqual(sam.kam_actual_partners("a_kept"), self.p5)
        self.assertEqual(sam.kam_actual_partners("new_customers"), self.p2)

    def test_move_up_counts_once_for_the_first_salesperson(self):
        """p1 moves up twice in the year (Sally, then Sam): one move, Sally's."""
        h = self._world()
        sam = self._goal(salesperson=self.sam)
        self.assertNotIn(self.p1, sam.kam_actual_partners("c_to_b"))
        action = self._goal(salesperson=self.sally).action_open_c_to_b()
        self.assertEqual(action["res_model"], "kam.class.movement")
        self.assertEqual(sorted(action["domain"][0][2]), sorted((h["p1_up"] | h["p6_a"]).ids))
        moves = self.env["kam.class.movement"].search(action["domain"])
        self.assertEqual(moves.partner_id, self.p1 | self.p6)

    def test_previous_and_future_years(self):
        h = self._world()
        last = self._goal(year=2025)
        # New: p1, p4, p5, p7; C -> B: p7 (23:00 UTC on 31 December); A kept: p3 only (p4
        # and p5 became A at the first instant of 2025, not before it).
        self.assertEqual(self._actuals(last), (4, 1, 0, 1))
        action = last.action_open_a_kept()
        self.assertEqual(action["domain"], [("history_id", "in", h["p3_a"].ids)])
        self.assertEqual(self._actuals(self._goal(year=2027)), (0, 0, 0, 0))

    def test_running_year_counts_until_now(self):
        self._world()
        with freeze_time("2026-06-15"):
            goal = self._goal(goal_a_kept=4)
            # p4 dropped on 1 June, p5 is still B: only p3 is A now.
            self.assertEqual(self._actuals(goal), (2, 2, 0, 1))
            self.assertEqual(goal.achievement_a_kept, 25.0)

    def test_second_company_isolated(self):
        self._world()
        other = self._goal(company=self.company2)
        # Its only row there is its first class there: a new customer in company 2.
        self.assertEqual(self._actuals(other), (1, 1, 0, 0))
        self.assertEqual(other.kam_actual_partners("c_to_b"), self.p1)
        self.assertEqual(self._goal().actual_c_to_b, 3, "company 2's move is not counted here")
        # Sam works in company 1 only: company 2's goals are not his to read.
        self.assertFalse(self.env[GOAL].with_user(self.sam).search([("id", "=", other.id)]))

    # ------------------------------------------------------------------
    # Who reads and writes
    # ------------------------------------------------------------------
    def test_salesperson_reads_own_and_company_goals(self):
        company = self._goal()
        sally = self._goal(salesperson=self.sally)
        sam = self._goal(salesperson=self.sam)
        seen = self.env[GOAL].with_user(self.sally).search([("year", "=", 2026)])
        self.assertEqual(seen, company | sally)
        self.assertEqual(
            self.env[GOAL].with_user(self.manager).search([("year", "=", 2026)]),
            company | sally | sam,
        )
        with self.assertRaises(AccessError):
            sally.with_user(self.sally).write({"goal_c_to_b": 99})
        with self.assertRaises(AccessError):
            self.env[GOAL].with_user(self.sally).create({"year": 2027})
        portal = new_test_user(self.env, login="kam_goal_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env[GOAL].with_user(portal).search([])
        self.env[GOAL].with_user(self.manager).create({"year": 2027, "goal_c_to_b": 5})
        self.assertEqual(self.env[GOAL].search_count([("year", "=", 2027)]), 1)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_input_refused(self):
        Goal = self.env[GOAL].with_user(self.manager)
        before = Goal.search_count([])
        for vals in (
            {"goal_c_to_b": -1},
            {"goal_new_customers": -3},
            {"goal_a_kept": -1},
            {"a_kept_volume": -100.0},
            {"year": 1999},
            {"year": 2101},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Goal.create({"year": 2026, **vals})
        self.assertEqual(Goal.search_count([]), before, "nothing written")
        # Sam works in company 1 only: no goals of his in company 2.
        with self.assertRaises(UserError):
            Goal.create(
                {"year": 2026, "company_id": self.company2.id, "salesperson_id": self.sam.id}
            )
        self.assertEqual(Goal.search_count([]), before, "nothing written")
        goal = Goal.create({"year": 2100, "goal_c_to_b": 0})
        with self.assertRaises(ValidationError):
            goal.write({"goal_b_to_a": -2})
        self.assertEqual(goal.goal_b_to_a, 0)

    def test_one_goal_per_company_year_salesperson(self):
        self._goal()
        with self.assertRaises(ValidationError):
            self._goal()
        self._goal(company=self.company2)
        self._goal(year=2025)
        self._goal(salesperson=self.sally)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._goal(salesperson=self.sally)
        self.assertEqual(self.env[GOAL].search_count([("year", "=", 2026)]), 3)
