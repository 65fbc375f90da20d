from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ScoringCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestKpiHistory(ScoringCommon):
    """The last 24 months of KPI snapshots built in one pass, as of 2025-06-30
    (July 2023 .. June 2025)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="cs_kpi_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Team History", "member_ids": [Command.link(cls.salesman.id)]}
        )
        drill = cls.product_a
        # 1,000.00 in August 2023, 2 x 500.00 in March 2024, 300.00 in June 2025, a credit
        # note of 100.00 in June 2025; June 2023 is older than 24 months.
        moves = cls._invoice(cls.alpha, "2023-08-10", [(drill, 10, 100.0)])
        moves |= cls._invoice(cls.alpha, "2024-03-05", [(drill, 5, 100.0)])
        moves |= cls._invoice(cls.alpha_contact, "2024-03-25", [(drill, 5, 100.0)])
        moves |= cls._invoice(cls.alpha, "2025-06-02", [(drill, 3, 100.0)])
        moves |= cls._invoice(cls.alpha, "2025-06-03", [(drill, 1, 100.0)], move_type="out_refund")
        cls.too_old = cls._invoice(cls.alpha, "2023-06-10", [(drill, 7, 100.0)])
        (moves | cls.too_old).write({"invoice_user_id": cls.salesman.id, "team_id": cls.team.id})
        # Meetings held with Alpha's contact: one in March 2024, one in June 2025.
        cls.env["calendar.event"].create(
            [
                {
                    "name": f"Visit {day:%Y-%m}",
                    "start": day,
                    "stop": day.replace(hour=11),
                    "user_id": cls.salesman.id,
                    "partner_ids": [
                        Command.set([cls.alpha_contact.id, cls.salesman.partner_id.id])
                    ],
                }
                for day in (datetime(2024, 3, 12, 10), datetime(2025, 6, 12, 10))
            ]
        )

    def _months(self):
        rows = self.env["customer.kpi.snapshot"].search(
            [("company_id", "=", self.company.id), ("partner_id", "=", self.alpha.id)]
        )
        by_month = {}
        for row in rows:
            values = by_month.setdefault(row.month, [0.0, 0, 0])
            values[0] += row.revenue
            values[1] += row.invoice_count
            values[2] += row.meeting_count
        return by_month

    def test_rebuild_history_builds_every_month(self):
        Snapshot = self.env["customer.kpi.snapshot"]
        count = Snapshot._rebuild_history(months=24)
        self.assertEqual(count, 3)
        self.assertEqual(
            self._months(),
            {
                date(2023, 8, 1): [1000.0, 1, 0],
                date(2024, 3, 1): [1000.0, 2, 1],
                date(2025, 6, 1): [200.0, 1, 1],
            },
        )
        # Same rows as the month-by-month build, and running twice changes nothing.
        self.assertEqual(Snapshot._rebuild_history(months=24), 3)
        june = Snapshot.generate_snapshots(date(2025, 6, 15))
        self.assertEqual(june.revenue, 200.0)
        self.assertEqual(june.team_id, self.team)
        # A short history leaves the older months alone.
        Snapshot._rebuild_history(months=1)
        self.assertIn(date(2023, 8, 1), self._months())

    def test_actual_vs_target_per_month(self):
        self.env["customer.kpi.snapshot"]._rebuild_history()
        Target = self.env["customer.kpi.target"].with_user(self.manager)
        targets = Target.create(
            [
                {"month": "2024-03-10", "user_id": self.salesman.id, "target_revenue": 2000.0},
                {"month": "2025-06-01", "team_id": self.team.id, "target_meetings": 2},
            ]
        )
        self.assertEqual(targets[0].actual_revenue, 1000.0)
        self.assertEqual(targets[0].revenue_achievement, 50.0)
        self.assertEqual(targets[1].actual_meetings, 1)

    def test_bad_input_and_access(self):
        Snapshot = self.env["customer.kpi.snapshot"]
        with self.assertRaises(UserError):
            Snapshot._rebuild_history(months=0)
        with self.assertRaises(AccessError):
            Snapshot.with_user(self.salesman).action_rebuild_history()
        self.assertFalse(Snapshot.search([("company_id", "=", self.company.id)]))

    def test_header_buttons_with_and_without_selected_rows(self):
        """The web client calls list header buttons with the selected ids (or none)."""
        Snapshot = self.env(user=self.manager)["customer.kpi.snapshot"]
        action = api.call_kw(Snapshot, "action_rebuild_history", [[]], {})
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("3 rows", action["params"]["message"])
        selected = Snapshot.search([]).ids[:2]
        self.assertTrue(selected)
        action = api.call_kw(Snapshot, "action_rebuild_history", [selected], {})
        self.assertEqual(action["params"]["type"], "success")
        for ids in ([], selected):
            action = api.call_kw(Snapshot, "action_refresh_snapshots", [ids], {})
            self.assertEqual(action["tag"], "soft_reload")
        self.assertEqual(self._months()[date(2025, 6, 1)], [200.0, 1, 1])

    def test_post_init_hook_builds_history(self):
        from .. import post_init_hook

        post_init_hook(self.env)
        self.assertEqual(self._months()[date(2024, 3, 1)], [1000.0, 2, 1])
