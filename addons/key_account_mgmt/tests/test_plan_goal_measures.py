from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.exceptions import ValidationError
from odoo.sql_db import Cursor
from odoo.tests import tagged
from odoo.tools import SQL, format_date

from .common import KamCase
from .test_plan_report import REPORT, _table

NOW = "2026-06-15 12:00:00"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestPlanGoalMeasures(KamCase):
    """Goals measured by meetings held with a stakeholder group, against hand counts.

    Meetings with Avain Oy in 2026 (as of 15 June), organised by Sam (main company only):
    procurement 10 Feb (Pirkko), 10 Mar (Pirkko and Pekka: one meeting), 1 Apr (Pekka
    declined: not held with the customer), 31 Dec 2025 (before the period), 1 Jul (after
    now), 5 May archived; project managers 5 May (Paavo). Sally (both companies) holds one
    procurement meeting on 20 May.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Avain Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        cls.proc1 = cls._contact(cls.account, "Pirkko Procurement", "procurement")
        cls.proc2 = cls._contact(cls.account, "Pekka Procurement", "procurement")
        cls.pm1 = cls._contact(cls.account, "Paavo Project", "project")
        other = cls._customer("Muu Oy")
        other_proc = cls._contact(other, "Olli Other", "procurement")
        events = cls.env["calendar.event"]
        for name, start, partners, active in (
            ("held 1", datetime(2026, 2, 10, 9), cls.proc1, True),
            ("held 2", datetime(2026, 3, 10, 9), cls.proc1 | cls.proc2, True),
            ("declined", datetime(2026, 4, 1, 9), cls.proc2, True),
            ("last year", datetime(2025, 12, 31, 9), cls.proc1, True),
            ("planned", datetime(2026, 7, 1, 9), cls.proc1, True),
            ("archived", datetime(2026, 5, 5, 9), cls.proc1, False),
            ("project", datetime(2026, 5, 5, 10), cls.pm1, True),
            ("other customer", datetime(2026, 5, 6, 9), other_proc, True),
        ):
            events |= cls._event(name, start, partners, active=active)
        declined = events.filtered(lambda e: e.name == "declined")
        declined.attendee_ids.filtered(lambda a: a.partner_id == cls.proc2).state = "declined"
        events.write({"user_id": cls.salesperson2.id})
        cls._event("Sally's", datetime(2026, 5, 20, 9), cls.proc2).user_id = cls.salesperson

        cls.plan = cls.env["kam.account.plan"].create(
            {
                "name": "Avain 2026",
                "partner_id": cls.account.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )

    def _goal(self, plan=None, user=None, **vals):
        values = {
            "plan_id": (plan or self.plan).id,
            "name": "Meet procurement",
            "measure_type": "meetings",
            "stakeholder_group_id": self.groups["procurement"].id,
            "target_value": 4,
            **vals,
        }
        Goal = self.env["kam.account.plan.goal"]
        return (Goal.with_user(user) if user else Goal).create(values)

    def test_meetings_held_with_the_group(self):
        # Procurement: held 1, held 2 (two contacts, one meeting) and Sally's; not the
        # declined, last year's, planned, archived or another customer's meeting.
        goal = self._goal()
        self.assertEqual(goal.current_value, 3)
        self.assertEqual(goal.progress, 75.0)
        self.assertEqual(goal.value_type, "number")
        self.assertEqual(goal.current_display, "3")
        project = self._goal(
            name="Meet project managers",
            stakeholder_group_id=self.groups["project"].id,
            target_value=12,
        )
        self.assertEqual(project.current_value, 1)
        marketing = self._goal(name="Marketing", stakeholder_group_id=self.groups["marketing"].id)
        self.assertEqual(marketing.current_value, 0)
        self.assertEqual(goal.measure_display, "Meetings held with Procurement")

    def test_period_bounds_and_default(self):
        goal = self._goal()
        self.assertEqual((goal.date_from, goal.date_to), (date(2026, 1, 1), date(2026, 12, 31)))
        # The last day of the period counts all day; the day after does not.
        goal.write({"date_from": date(2026, 3, 10), "date_to": date(2026, 3, 10)})
        self.assertEqual(goal.current_value, 1)
        goal.write({"date_from": date(2026, 2, 11), "date_to": date(2026, 3, 9)})
        self.assertEqual(goal.current_value, 0)
        # The plan's dates are defaults: a goal keeps its own period when they change.
        self.plan.date_end = date(2026, 6, 30)
        self.assertEqual(goal.date_to, date(2026, 3, 9))
        self.assertEqual(
            goal.period_display,
            f"{format_date(self.env, date(2026, 2, 11))}"
            f"\N{EN DASH}{format_date(self.env, date(2026, 3, 9))}",
        )

    def test_meetings_count_in_the_companies_of_their_organiser(self):
        plan2 = self.env["kam.account.plan"].create(
            {
                "name": "Avain Sverige 2026",
                "partner_id": self.account.id,
                "company_id": self.company2.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        # Only Sally works in the second company.
        self.assertEqual(self._goal(plan=plan2).current_value, 1)
        self.assertEqual(self._goal().current_value, 3)

    def test_typed_in_goal_keeps_its_actual_value(self):
        goal = self._goal(
            measure_type="manual",
            stakeholder_group_id=False,
            measure="Projects won",
            value_type="amount",
            target_value=0,
            actual_value=7,
        )
        self.assertEqual(goal.value_type, "amount")
        self.assertEqual(goal.current_value, 7)
        self.assertEqual(goal.progress, 0.0, "no target: no progress")
        self.assertEqual(goal.measure_display, "Projects won")
        goal.target_value = 14
        self.assertEqual(goal.progress, 50.0)
        # Measured from now on: the unit follows the measure, the typed-in value is ignored.
        goal.write({"measure_type": "meetings", "stakeholder_group_id": self.groups["project"].id})
        self.assertEqual((goal.value_type, goal.current_value), ("number", 1))

    def test_unsaved_goal_shows_its_value(self):
        goal = self.env["kam.account.plan.goal"].new(
            {
                "plan_id": self.plan.id,
                "name": "Draft",
                "measure_type": "meetings",
                "stakeholder_group_id": self.groups["procurement"].id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
            }
        )
        self.assertEqual(goal.current_value, 3)

    @contextmanager
    def _refused(self, pattern):
        """A ValidationError matching ``pattern``, its writes rolled back."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def test_bad_input_writes_nothing(self):
        Goal = self.env["kam.account.plan.goal"]
        count = Goal.search_count([])
        with self._refused("ends before it starts"):
            self._goal(date_from=date(2026, 6, 1), date_to=date(2026, 5, 31))
        with self._refused("fill in the field Stakeholder Group"):
            self._goal(stakeholder_group_id=False)
        open_plan = self.env["kam.account.plan"].create(
            {"name": "Open", "partner_id": self.account.id, "date_start": date(2026, 1, 1)}
        )
        with self._refused("set its period"):
            self._goal(plan=open_plan)
        self.assertEqual(Goal.search_count([]), count)
        goal = self._goal()
        with self.assertRaises(ValidationError):
            goal.date_to = date(2025, 12, 31)
        goal.invalidate_recordset()
        self.assertEqual(goal.date_to, date(2026, 12, 31))

    def test_salesperson_owning_the_plan(self):
        plan = self.plan.with_user(self.salesperson)
        goal = self._goal(plan=plan, user=self.salesperson)
        self.assertEqual(goal.create_uid, self.salesperson)
        self.assertEqual(goal.with_user(self.salesperson).current_value, 3)
        goal.with_user(self.salesperson).target_value = 6
        self.assertEqual(goal.with_user(self.salesperson).progress, 50.0)
        # Another salesperson reads the goal, with the same value.
        self.assertEqual(goal.with_user(self.salesperson2).current_value, 3)

    def test_one_meeting_query_for_the_batch(self):
        goals = self._goal() | self._goal(stakeholder_group_id=self.groups["project"].id)
        goals |= self._goal(measure_type="manual", stakeholder_group_id=False, actual_value=2)
        goals.invalidate_recordset()
        executed = []
        original = Cursor.execute

        def execute(cursor, query, params=None, log_exceptions=None):
            code = query.code if isinstance(query, SQL) else query
            if "calendar_event_res_partner_rel" in code:
                executed.append(code)
            return original(cursor, query, params, log_exceptions)

        with patch.object(Cursor, "execute", execute):
            values = goals.mapped("current_value")
        self.assertEqual(values, [3, 1, 2])
        self.assertEqual(len(executed), 1)

    def test_pivot_sums_the_live_values(self):
        goals = self._goal() | self._goal(stakeholder_group_id=self.groups["project"].id)
        Goal = self.env["kam.account.plan.goal"]
        self.assertEqual(Goal.fields_get(["current_value"])["current_value"]["aggregator"], "sum")
        rows = Goal.read_group(
            [("id", "in", goals.ids)],
            ["current_value:sum", "target_value:sum", "progress:avg"],
            ["partner_id"],
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["current_value"], 4)
        self.assertEqual(rows[0]["target_value"], 8)
        self.assertEqual(rows[0]["progress"], (75.0 + 25.0) / 2)

    def test_pdf_shows_measure_period_current_value_and_progress(self):
        self._goal()
        Report = self.env["ir.actions.report"].with_user(self.salesperson)
        content, _fmt = Report._render_qweb_html(REPORT, self.plan.ids)
        goals = _table(lxml_html.fromstring(content), "o_kam_plan_goals")
        period = (
            f"{format_date(self.env, date(2026, 1, 1))}"
            f"\N{EN DASH}{format_date(self.env, date(2026, 12, 31))}"
        )
        self.assertEqual(
            {key: goals[0][key] for key in ("Measure", "Period", "Target", "Current value")},
            {
                "Measure": "Meetings held with Procurement",
                "Period": period,
                "Target": "4",
                "Current value": "3",
            },
        )
        self.assertEqual(goals[0]["Progress"], "75 %")
