from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ScoringCommon


@tagged("post_install", "-at_install")
class TestKpi(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {"name": "Team North", "member_ids": [Command.link(cls.salesman.id)]}
        )
        # May 2025: Alpha 1000 (cost 600) by the salesman, credit note of 100 (cost 60).
        cls.inv = cls._invoice(cls.alpha, "2025-05-10", [(cls.product_a, 10, 100.0)])
        cls.refund = cls._invoice(
            cls.alpha, "2025-05-12", [(cls.product_a, 1, 100.0)], move_type="out_refund"
        )
        (cls.inv | cls.refund).write({"invoice_user_id": cls.salesman.id, "team_id": cls.team.id})
        # Outside the month.
        cls._invoice(cls.alpha, "2025-06-01", [(cls.product_a, 1, 100.0)])
        # Two meetings held with Alpha's contact, one in June.
        cls.env["calendar.event"].create(
            [
                {
                    "name": f"Meeting {day}",
                    "start": datetime(2025, 5, day, 9),
                    "stop": datetime(2025, 5, day, 10),
                    "user_id": cls.salesman.id,
                    "partner_ids": [
                        Command.set([cls.alpha_contact.id, cls.salesman.partner_id.id])
                    ],
                }
                for day in (5, 20)
            ]
            + [
                {
                    "name": "June",
                    "start": datetime(2025, 6, 5, 9),
                    "stop": datetime(2025, 6, 5, 10),
                    "user_id": cls.salesman.id,
                    "partner_ids": [Command.set([cls.alpha.id])],
                }
            ]
        )
        # Quotations: 3 confirmed, 1 cancelled, 1 draft (ignored) in May.
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.alpha.id,
                    "user_id": cls.salesman.id,
                    "team_id": cls.team.id,
                    "date_order": datetime(2025, 5, 15),
                    "order_line": [Command.create({"product_id": cls.product_a.id})],
                }
                for _i in range(5)
            ]
        )
        orders[:3].action_confirm()
        orders[3]._action_cancel()
        orders.write({"date_order": datetime(2025, 5, 15)})
        cls.snapshots = cls.env["customer.kpi.snapshot"].generate_snapshots(date(2025, 5, 31))

    def test_snapshot_figures(self):
        row = self.snapshots.filtered(lambda s: s.user_id == self.salesman)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.month, date(2025, 5, 1))
        self.assertEqual(row.partner_id, self.alpha)
        self.assertEqual(row.team_id, self.team)
        self.assertEqual(row.revenue, 900.0)
        self.assertEqual(row.margin, 360.0)  # 900 - (600 - 60)
        self.assertEqual(row.invoice_count, 1)
        self.assertEqual(row.meeting_count, 2)
        self.assertEqual(row.quotation_confirmed_count, 3)
        self.assertEqual(row.quotation_cancelled_count, 1)
        self.assertEqual(row.hit_rate, 75.0)
        # Regenerating replaces the rows.
        again = self.env["customer.kpi.snapshot"].generate_snapshots(date(2025, 5, 1))
        self.assertEqual(len(again), len(self.snapshots))

    def test_meetings_count_for_customer_with_portal_user(self):
        """A customer company with portal access is still a customer: its meetings count."""
        new_test_user(
            self.env, login="alpha_portal", groups="base.group_portal", partner_id=self.alpha.id
        )
        snapshots = self.env["customer.kpi.snapshot"].generate_snapshots(date(2025, 5, 31))
        row = snapshots.filtered(lambda s: s.user_id == self.salesman)
        self.assertEqual(row.partner_id, self.alpha)
        self.assertEqual(row.meeting_count, 2)

    def test_target_vs_actual(self):
        Target = self.env["customer.kpi.target"]
        by_user = Target.create(
            {
                "month": "2025-05-17",
                "user_id": self.salesman.id,
                "target_revenue": 1200.0,
                "target_margin": 400.0,
                "target_meetings": 4,
            }
        )
        self.assertEqual(by_user.month, date(2025, 5, 1))
        self.assertEqual(by_user.actual_revenue, 900.0)
        self.assertEqual(by_user.revenue_achievement, 75.0)
        self.assertEqual(by_user.margin_achievement, 90.0)
        self.assertEqual(by_user.actual_meetings, 2)
        self.assertEqual(by_user.actual_hit_rate, 75.0)
        by_team = Target.create({"month": "2025-05-01", "team_id": self.team.id})
        self.assertEqual(by_team.actual_revenue, 900.0)
        self.assertEqual(by_team.revenue_achievement, 0.0, "no target, no division by zero")
        with self.assertRaises(ValidationError):
            Target.create({"month": "2025-05-01", "team_id": self.team.id, "target_revenue": -1})

    def test_revenue_report(self):
        rows = self.env["customer.revenue.report"].search(
            [("partner_id", "=", self.alpha.id), ("date", "=", "2025-05-01")]
        )
        self.assertEqual(sum(rows.mapped("revenue")), 900.0)
        self.assertEqual(sum(rows.mapped("margin")), 360.0)
        self.assertEqual(rows.categ_id, self.product_a.categ_id)

    def test_declined_meeting_does_not_count(self):
        """A meeting the customer's only invited contact declined was not held with the
        customer: it is not in the snapshot's meetings."""
        event = (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Declined",
                    "start": datetime(2025, 5, 25, 9),
                    "stop": datetime(2025, 5, 25, 10),
                    "user_id": self.salesman.id,
                    "partner_ids": [
                        Command.set([self.alpha_contact.id, self.salesman.partner_id.id])
                    ],
                }
            )
        )
        event.attendee_ids.filtered(lambda a: a.partner_id == self.alpha_contact).do_decline()
        snapshots = self.env["customer.kpi.snapshot"].generate_snapshots(date(2025, 5, 31))
        row = snapshots.filtered(lambda s: s.user_id == self.salesman)
        self.assertEqual(row.partner_id, self.alpha)
        self.assertEqual(row.meeting_count, 2)


@tagged("post_install", "-at_install")
class TestKpiTargetCompany(ScoringCommon):
    def test_target_team_and_salesperson_of_the_company(self):
        """A target's team and salesperson belong to its company: another company's team,
        or a salesperson who does not work there, is refused and nothing is written."""
        other = self.env["res.company"].create({"name": "Toinen Oy"})
        other_team = self.env["crm.team"].create({"name": "Team South", "company_id": other.id})
        other_user = new_test_user(
            self.env, login="cs_other_sales", company_id=other.id, company_ids=[other.id]
        )
        Target = self.env["customer.kpi.target"]
        for values in ({"team_id": other_team.id}, {"user_id": other_user.id}):
            with (
                self.assertRaisesRegex(UserError, "Incompatible companies"),
                self.env.cr.savepoint(),
            ):
                Target.create(dict(values, month="2025-05-01", company_id=self.company.id))
        self.assertFalse(Target.search([("company_id", "=", self.company.id)]))
        target = Target.create(
            {"month": "2025-05-01", "team_id": other_team.id, "company_id": other.id}
        )
        self.assertEqual(target.team_id.company_id, other)
