from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestLatePayment(ScoringCommon):
    """Days late of paid and open invoices, as of 2025-06-30 (window 2024-07-01 ..
    2025-06-30). Products without taxes: the receivable amount is the line total."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="cs_late_manager",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Service", "standard_price": 0.0, "type": "service", "taxes_id": False}
        )
        Partner = cls.env["res.partner"]
        cls.late = Partner.create({"name": "Late Oy", "is_company": True})
        cls.never = Partner.create({"name": "Never Oy", "is_company": True})
        cls.partly = Partner.create({"name": "Partly Oy", "is_company": True})
        cls.after = Partner.create({"name": "After Oy", "is_company": True})
        cls.prompt = Partner.create({"name": "Prompt Oy", "is_company": True})
        # Late Oy: 1,000.00 due 2025-04-01 paid 2025-04-21 (20 days), 1,000.00 due
        # 2025-05-01 still open (60 days up to 2025-06-30), 500.00 due 2025-07-20 (not due).
        cls.inv_paid = cls._post_due(cls.late, "2025-04-01", "2025-04-01", 1000.0)
        cls._pay(cls.inv_paid, "2025-04-21")
        cls.inv_open = cls._post_due(cls.late, "2025-04-01", "2025-05-01", 1000.0)
        cls.inv_not_due = cls._post_due(cls.late, "2025-06-20", "2025-07-20", 500.0)
        # Never Oy: 400.00 due 2025-03-01, never paid (121 days late).
        cls._post_due(cls.never, "2025-03-01", "2025-03-01", 400.0)
        # Partly Oy: 1,000.00 due 2025-06-01, 400.00 of it paid 2025-06-10 (29 days).
        cls.inv_partly = cls._post_due(cls.partly, "2025-06-01", "2025-06-01", 1000.0)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.inv_partly.ids
        ).create(
            {"payment_date": "2025-06-10", "amount": 400.0, "payment_difference_handling": "open"}
        )._create_payments()
        # After Oy: 600.00 due 2025-06-10, paid 2025-07-10: open on 2025-06-30 (20 days).
        cls.inv_after = cls._post_due(cls.after, "2025-06-10", "2025-06-10", 600.0)
        cls._pay(cls.inv_after, "2025-07-10")
        # Prompt Oy: 300.00 due 2025-06-15, paid early on 2025-06-12 (0 days).
        cls.inv_prompt = cls._post_due(cls.prompt, "2025-06-01", "2025-06-15", 300.0)
        cls._pay(cls.inv_prompt, "2025-06-12")
        cls.env["customer.score"].with_user(cls.manager).compute_scores(
            companies=cls.company, date=AS_OF
        )

    @classmethod
    def _post_due(cls, partner, invoice_date, due_date, amount):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_payment_term_id": False,
                "invoice_date_due": due_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.service.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _full_payment_points(self):
        # Payment weight 10 scaled by 100 / 90 (nobody is rated): 11.11 points at most.
        return round(10 * 100 / 90, 2)

    def test_open_invoices_count_up_to_the_scoring_date(self):
        self.assertEqual(self.inv_paid.payment_state, "paid")
        self.assertEqual(self.inv_open.payment_state, "not_paid")
        self.assertEqual(str(self.inv_not_due.invoice_date_due), "2025-07-20")
        row = self.row(self.late)
        # (1000 x 20 + 1000 x 60 + 500 x 0) / 2500 = 32.0 days.
        self.assertEqual(row.avg_days_late, 32.0)
        # 11.11 x (1 - 32 / 60) = 5.19 points.
        self.assertEqual(row.score_payment, 5.19)

    def test_customer_who_never_pays_gets_no_payment_points(self):
        row = self.row(self.never)
        self.assertEqual(row.avg_days_late, 121.0)  # 2025-03-01 .. 2025-06-30
        self.assertEqual(row.score_payment, 0.0)
        self.assertLess(row.score_payment, self._full_payment_points())

    def test_partly_paid_invoice_is_still_open(self):
        self.assertEqual(self.inv_partly.payment_state, "partial")
        self.assertEqual(self.row(self.partly).avg_days_late, 29.0)

    def test_payment_after_the_scoring_date_is_open_on_that_date(self):
        self.assertEqual(self.inv_after.payment_state, "paid")
        self.assertEqual(self.row(self.after).avg_days_late, 20.0)

    def test_early_payment_counts_zero_and_keeps_full_points(self):
        row = self.row(self.prompt)
        self.assertEqual(row.avg_days_late, 0.0)
        self.assertEqual(row.score_payment, self._full_payment_points())
