from datetime import timedelta

from odoo import Command, fields
from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourAccountant(KamTourCase):
    """An accountant checks a score against the invoice lines it counts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.accountant = new_test_user(
            cls.env,
            login="tour_accountant",
            groups="account.group_account_invoice",
            company_id=cls.env.company.id,
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Pump", "list_price": 100.0, "standard_price": 40.0, "type": "consu"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Tour Ledger Oy", "is_company": True})
        today = fields.Date.context_today(cls.env.user)
        moves = cls.env["account.move"]
        # 3,000.00 + 1,800.00 invoiced, 400.00 credited: 4,400.00.
        for days, move_type, quantity in (
            (40, "out_invoice", 30),
            (10, "out_invoice", 18),
            (5, "out_refund", 4),
        ):
            moves |= cls.env["account.move"].create(
                {
                    "move_type": move_type,
                    "partner_id": cls.customer.id,
                    "invoice_date": today - timedelta(days=days),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": quantity, "price_unit": 100.0}
                        )
                    ],
                }
            )
        moves.action_post()
        cls.env["customer.score"].compute_scores(companies=cls.env.company, partners=cls.customer)

    def test_accountant_checks_invoices_counted(self):
        row = self.env["customer.score"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(row.revenue_12m, 4400.0)
        self.start_tour(
            "/odoo/action-customer_scoring.action_customer_score",
            "customer_scoring_accountant_tour",
            login="tour_accountant",
        )
