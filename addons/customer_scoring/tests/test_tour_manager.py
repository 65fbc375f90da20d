from datetime import timedelta

from odoo import Command, fields
from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourManager(KamTourCase):
    """A sales manager's round: a class proposal, the accounts behind their meeting
    targets, the scores, this month's KPIs and a target beside its actual."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="tour_manager",
            name="Tour Manager",
            groups="sales_team.group_sale_manager",
            company_id=company.id,
        )
        cls.seller = new_test_user(
            cls.env,
            login="tour_seller",
            name="Tour Seller",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        Partner = cls.env["res.partner"]
        cls.proposal_customer = Partner.create(
            {"name": "Tour Proposal Oy", "is_company": True, "user_id": cls.seller.id}
        )
        cls.proposal = (
            cls.env["kam.class.proposal"]
            .with_user(cls.seller)
            .create(
                {
                    "partner_id": cls.proposal_customer.id,
                    "proposed_class": "A",
                    "reason": "Three new sites ordered from us this spring.",
                }
            )
        )
        cls.behind = Partner.create(
            {
                "name": "Tour Behind Oy",
                "is_company": True,
                "is_key_account": True,
                "key_account_manager_id": cls.manager.id,
            }
        )
        cls.behind.with_company(company).abc_class_manual = "A"
        cls.buyer = Partner.create(
            {"name": "Tour Buyer Oy", "is_company": True, "user_id": cls.seller.id}
        )
        buyer_contact = Partner.create({"name": "Tiina Buyer", "parent_id": cls.buyer.id})
        product = cls.env["product.product"].create(
            {"name": "Tour Valve", "list_price": 100.0, "standard_price": 50.0, "type": "consu"}
        )
        today = fields.Date.context_today(cls.env.user)
        # This month: 3,000.00 invoiced, 500.00 credited (2,500.00).
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": buyer_contact.id,
                    "invoice_date": today,
                    "invoice_user_id": cls.seller.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": quantity, "price_unit": 100.0}
                        )
                    ],
                }
                for move_type, quantity in (("out_invoice", 30), ("out_refund", 5))
            ]
        )
        moves.action_post()
        start = max(
            fields.Datetime.now() - timedelta(hours=2),
            fields.Datetime.now().replace(day=1, hour=0, minute=0, second=1),
        )
        cls.env["calendar.event"].create(
            {
                "name": "Valve review",
                "start": start,
                "stop": start + timedelta(minutes=30),
                "user_id": cls.seller.id,
                "partner_ids": [Command.set([buyer_contact.id, cls.seller.partner_id.id])],
            }
        )

    def test_manager_round(self):
        self.assertEqual(self.proposal.state, "pending")
        self.assertFalse(self.env["customer.kpi.snapshot"].search([]))
        self.start_tour(
            "/odoo",
            "customer_scoring_manager_tour",
            login="tour_manager",
        )
        self.assertEqual(self.proposal.state, "approved")
        self.assertEqual(self.proposal_customer.with_company(self.env.company).abc_class, "A")
        # The score list showed the buyer's activity class: one purchase day, this month.
        row = self.env["customer.score"].search([("partner_id", "=", self.buyer.id)])
        self.assertEqual(row.activity_class, "occasional")
        # One row per salesperson and team: the invoices' team and the meeting's.
        snapshots = self.env["customer.kpi.snapshot"].search([("partner_id", "=", self.buyer.id)])
        self.assertEqual(sum(snapshots.mapped("revenue")), 2500.0)
        self.assertEqual(sum(snapshots.mapped("meeting_count")), 1)
        self.assertEqual(snapshots.user_id, self.seller)
        target = self.env["customer.kpi.target"].search([("user_id", "=", self.seller.id)])
        self.assertEqual(target.target_revenue, 5000.0)
        self.assertEqual(target.actual_revenue, 2500.0)
