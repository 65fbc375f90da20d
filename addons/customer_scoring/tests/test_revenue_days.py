"""The revenue days (customer.revenue.day) kept by the ORM as accountants work, against the
journal items (``_check``), and their rebuild for lines written outside the ORM."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestRevenueDays(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        cls.Day = cls.env["customer.revenue.day"]
        cls.accountant = new_test_user(
            cls.env,
            login="cs_days_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )

    def days(self, partner, company=None):
        """``{date: (invoice revenue, refund revenue, cost, invoices, credit notes)}``."""
        self.env.invalidate_all()
        rows = self.Day.search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )
        return {
            str(row.date): (
                row.invoice_revenue,
                row.refund_revenue,
                row.cost,
                row.invoice_count,
                row.refund_count,
            )
            for row in rows
        }

    def assertDaysMatchLines(self):
        mismatches, examples = self.Day._check()
        self.assertEqual(mismatches, 0, f"revenue days unlike their lines: {examples}")

    def test_posted_invoices_and_credit_notes(self):
        """One day per partner and date; drafts and cancelled moves have none; a credit
        note is negative revenue and cost; SEK in euros at the invoice's rate."""
        days = self.days(self.alpha)
        self.assertEqual(days["2025-03-10"], (1000.0, 0.0, 600.0, 1, 0))
        self.assertEqual(days["2025-04-15"], (0.0, -200.0, -120.0, 0, 1))
        self.assertNotIn("2025-05-25", days, "a draft is no revenue")
        self.assertNotIn("2025-05-26", days, "a cancelled invoice is no revenue")
        # The contact's invoice is on the commercial partner (Odoo posts its lines on it).
        self.assertEqual(days["2025-05-20"], (400.0, 0.0, 150.0, 1, 0))
        self.assertFalse(self.days(self.alpha_contact))
        self.assertEqual(self.days(self.beta)["2025-02-01"], (100.0, 0.0, 60.0, 1, 0))
        self.assertFalse(self.days(self.gamma), "a prospect has no revenue day")
        self.assertDaysMatchLines()

    def test_two_invoices_one_day(self):
        self._invoice(self.alpha, "2025-03-10", [(self.product_b, 2, 80.0)])
        self.assertEqual(self.days(self.alpha)["2025-03-10"], (1160.0, 0.0, 660.0, 2, 0))
        self.assertDaysMatchLines()

    def test_reset_cancel_and_repost(self):
        """As the accountant does it: reset to draft removes the day, posting again brings
        it back, cancelling removes it."""
        move = self.inv_first_day.with_user(self.accountant)
        move.button_draft()
        self.assertNotIn("2024-07-01", self.days(self.alpha))
        self.assertDaysMatchLines()
        move.invoice_line_ids.quantity = 3
        move.action_post()
        self.assertEqual(self.days(self.alpha)["2024-07-01"], (150.0, 0.0, 90.0, 1, 0))
        self.assertDaysMatchLines()
        move.button_draft()
        move.button_cancel()
        self.assertNotIn("2024-07-01", self.days(self.alpha))
        self.assertDaysMatchLines()

    def test_contact_moved_to_another_company(self):
        """Odoo rewrites the partner of the moved contact's journal items: its days go with
        them."""
        other = self.env["res.partner"].create({"name": "Omega Oy", "is_company": True})
        self.alpha_contact.parent_id = other
        self.assertNotIn("2025-05-20", self.days(self.alpha))
        self.assertEqual(self.days(other)["2025-05-20"], (400.0, 0.0, 150.0, 1, 0))
        self.assertDaysMatchLines()

    def test_merge(self):
        """Merged customers: the days of the merged one are the remaining one's."""
        self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [(6, 0, (self.alpha + self.delta).ids)],
                "dst_partner_id": self.alpha.id,
            }
        ).action_merge()
        self.assertIn("2023-10-01", self.days(self.alpha))
        self.assertEqual(len(self.Day.search([("partner_id", "=", self.delta.id)])), 0)
        self.assertDaysMatchLines()

    def test_unfrozen_cost_follows_the_product(self):
        """A line without a frozen cost (written outside the ORM) is costed with the product's
        cost now: rebuilt from the lines, and moved when the product's cost changes."""
        lines = self.inv_alpha_1.invoice_line_ids
        self.env.cr.execute(
            "UPDATE account_move_line SET score_cost = NULL WHERE id = ANY(%s)", [lines.ids]
        )
        self.env.invalidate_all()
        self.assertDaysMatchLines()  # same cost: the product's cost did not change
        self.product_a.standard_price = 70.0
        self.assertEqual(self.days(self.alpha)["2025-03-10"][2], 700.0)
        # The frozen lines keep their cost.
        self.assertEqual(self.days(self.alpha)["2025-04-15"][2], -120.0)
        self.assertDaysMatchLines()

    def test_check_finds_and_rebuild_mends(self):
        """Lines written outside the ORM: the check names the days, the rebuild mends them
        and the scoring reads the mended days."""
        self.env.cr.execute(
            """UPDATE customer_revenue_day SET invoice_revenue = 1.0
                WHERE partner_id = %s AND date = '2025-03-10'""",
            [self.alpha.id],
        )
        self.env.cr.execute(
            "DELETE FROM customer_revenue_day WHERE partner_id = %s", [self.beta.id]
        )
        mismatches, examples = self.Day._check()
        self.assertEqual(mismatches, 2)
        self.assertEqual(
            {(partner, str(day)) for partner, _company, day, _stored, _lines in examples},
            {(self.alpha.id, "2025-03-10"), (self.beta.id, "2025-02-01")},
        )
        self.assertEqual(
            [stored for partner, _c, _d, stored, _l in examples if partner == self.beta.id],
            [None],
        )
        self.Day._rebuild()
        self.assertDaysMatchLines()
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(self.row(self.beta).revenue_12m, 100.0)

    def test_second_company(self):
        """A company's days are its own: a rebuild of one company leaves the other's."""
        company2 = self.env["res.company"].create(
            {"name": "Days Second Oy", "currency_id": self.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading("fi", company=company2, install_demo=False)
        self.env.user.company_ids |= company2
        self._invoice(self.alpha, "2025-03-10", [(self.product_b, 1, 80.0)], company=company2)
        self.assertEqual(self.days(self.alpha, company2)["2025-03-10"][:2], (80.0, 0.0))
        self.assertEqual(self.days(self.alpha)["2025-03-10"][0], 1000.0)
        self.env.cr.execute(
            "UPDATE customer_revenue_day SET invoice_revenue = 5 WHERE company_id = %s",
            [self.company.id],
        )
        self.Day._rebuild(company_ids=company2.ids)
        self.assertEqual(self.Day._check(company_ids=company2.ids)[0], 0)
        self.assertGreater(self.Day._check(company_ids=self.company.ids)[0], 0)
        self.assertEqual(self.days(self.alpha, company2)["2025-03-10"][:2], (80.0, 0.0))

    def test_users_read_no_days(self):
        """The days are the scoring's own: a salesperson cannot read them."""
        with self.assertRaises(AccessError):
            self.Day.with_user(self.salesman).search([])
