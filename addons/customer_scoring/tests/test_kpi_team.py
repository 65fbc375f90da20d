from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import ScoringCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestKpiTeam(ScoringCommon):
    """A customer's month is one row, in the team of the customer's salesperson, even when
    the invoice was posted under another team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="cs_team_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        cls.team_a = cls.env["crm.team"].create(
            {"name": "Team A", "member_ids": [Command.link(cls.salesman.id)]}
        )
        cls.team_b = cls.env["crm.team"].create({"name": "Team B"})
        # June 2025: 10 x 100.00 to Alpha (salesperson: the salesman, in team A), the
        # invoice posted under team B; one meeting held with Alpha's contact.
        cls.inv = cls._invoice(cls.alpha, "2025-06-05", [(cls.product_a, 10, 100.0)], post=False)
        cls.inv.write({"invoice_user_id": cls.salesman.id, "team_id": cls.team_b.id})
        cls.inv.action_post()
        cls.env["calendar.event"].create(
            {
                "name": "Visit",
                "start": datetime(2025, 6, 12, 10),
                "stop": datetime(2025, 6, 12, 11),
                "user_id": cls.salesman.id,
                "partner_ids": [Command.set([cls.alpha_contact.id, cls.salesman.partner_id.id])],
            }
        )

    def _alpha_june(self):
        return self.env["customer.kpi.snapshot"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_id", "=", self.alpha.id),
                ("month", "=", date(2025, 6, 1)),
            ]
        )

    def _assert_one_row(self):
        self.assertEqual(self.salesman.sale_team_id, self.team_a)
        self.assertEqual(self.inv.team_id, self.team_b)
        row = self._alpha_june()
        self.assertEqual(len(row), 1, "one row for the customer and the month")
        self.assertEqual(
            (row.user_id, row.team_id, row.revenue, row.invoice_count, row.meeting_count),
            (self.salesman, self.team_a, 1000.0, 1, 1),
        )

    def test_monthly_refresh_one_row_in_the_salesperson_team(self):
        Snapshot = self.env["customer.kpi.snapshot"].with_user(self.manager)
        Snapshot.generate_snapshots(month="2025-06-01", companies=self.company)
        self._assert_one_row()
        # The team target reads the whole month: revenue and meeting both count for team A.
        target = self.env["customer.kpi.target"].create(
            {"month": "2025-06-01", "team_id": self.team_a.id, "target_meetings": 2}
        )
        self.assertEqual((target.actual_revenue, target.actual_meetings), (1000.0, 1))
        other = self.env["customer.kpi.target"].create(
            {"month": "2025-06-01", "team_id": self.team_b.id}
        )
        self.assertEqual((other.actual_revenue, other.actual_meetings), (0.0, 0))

    def test_rebuild_history_one_row_in_the_salesperson_team(self):
        self.env["customer.kpi.snapshot"].with_user(self.manager)._rebuild_history(
            months=2, companies=self.company
        )
        self._assert_one_row()

    def test_customer_without_salesperson_takes_the_row_salesperson_team(self):
        self.alpha.user_id = False
        self.env["customer.kpi.snapshot"].with_user(self.manager)._rebuild_history(
            months=2, companies=self.company
        )
        row = self._alpha_june()
        self.assertEqual(len(row), 1)
        self.assertEqual((row.team_id, row.revenue, row.meeting_count), (self.team_a, 1000.0, 1))
