from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..tools.customer_starts import customer_starts_sql
from .common import ScoringCommon


@tagged("post_install", "-at_install")
class TestCustomerStarts(ScoringCommon):
    """customer_starts_sql(): first purchase days ever and returns after a long pause, per
    company, from posted customer invoices only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env,
            login="cs_starts_other",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        line = [(cls.product_a, 1, 100.0)]
        # Alpha: first purchase 2023-01-10 (through its contact), then 2023-03-01; a pause
        # of 2024-06-01 - 2023-03-01 = 458 days > 365: a return on 2024-06-01; 2024-07-01
        # (30 days later) is no start.
        cls.alpha_first = cls._invoice(cls.alpha_contact, "2023-01-10", line)
        cls._invoice(cls.alpha, "2023-03-01", line)
        cls.return_invoice = cls._invoice(cls.alpha, "2024-06-01", line)
        cls.return_invoice.invoice_user_id = cls.other_salesman
        # A second invoice of the same day, created later: its salesperson is not the day's.
        cls._invoice(cls.alpha, "2024-06-01", line).invoice_user_id = cls.salesman
        cls._invoice(cls.alpha, "2024-07-01", line)
        # Beta: 2024-01-01, then exactly 365 days later (2024 has 366 days: 2024-12-31):
        # a pause of exactly the setting is no return.
        cls.beta_first = cls._invoice(cls.beta, "2024-01-01", line)
        cls._invoice(cls.beta, "2024-12-31", line)
        # Gamma: a credit note only on 2024-02-01 and a cancelled invoice on 2024-03-01:
        # no purchase day; its first purchase is 2024-05-05.
        cls._invoice(cls.gamma, "2024-02-01", line, move_type="out_refund")
        cls._invoice(cls.gamma, "2024-03-01", line).button_cancel()
        cls._invoice(cls.gamma, "2024-04-01", line, post=False)
        cls.gamma_first = cls._invoice(cls.gamma, "2024-05-05", line)
        cls.gamma_first.invoice_user_id = False
        # Delta: bought in the second company only.
        cls.company2 = cls.env["res.company"].create(
            {"name": "Aloitukset Oy", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.env["account.chart.template"].try_loading(
            "fi", company=cls.company2, install_demo=False
        )
        cls.env.user.company_ids |= cls.company2
        cls._invoice(cls.delta, "2024-03-03", line, company=cls.company2)
        cls._invoice(cls.alpha, "2024-08-08", line, company=cls.company2)

    def _starts(self, company_ids, date_from, date_to, pause_days, **kwargs):
        self.env.flush_all()
        self.env.cr.execute(
            customer_starts_sql(company_ids, date_from, date_to, pause_days, **kwargs)
        )
        return sorted((row[0], row[1], row[2], row[3], row[4]) for row in self.env.cr.fetchall())

    def test_first_ever_and_return(self):
        """First purchase ever (through the contact: the commercial partner's), the return
        after 458 days with the salesperson of the day's first invoice; the purchase 30
        days after the return, and Beta's pause of exactly 365 days, are no start."""
        rows = self._starts([self.company.id], date(2023, 1, 1), date(2024, 12, 31), 365)
        company = self.company.id
        self.assertEqual(
            rows,
            sorted(
                [
                    (
                        self.alpha.id,
                        company,
                        date(2023, 1, 10),
                        False,
                        self.alpha_first.invoice_user_id.id,
                    ),
                    (self.alpha.id, company, date(2024, 6, 1), True, self.other_salesman.id),
                    (
                        self.beta.id,
                        company,
                        date(2024, 1, 1),
                        False,
                        self.beta_first.invoice_user_id.id,
                    ),
                    (self.gamma.id, company, date(2024, 5, 5), False, None),
                ]
            ),
        )

    def test_window_reads_history_before_it(self):
        """Only starts in [date_from, date_to], judged against the purchase days before
        date_from: the return of 2024-06-01 is found from a window starting in 2024."""
        rows = self._starts([self.company.id], date(2024, 5, 1), date(2024, 6, 30), 365)
        self.assertEqual(
            [(r[0], r[2], r[3]) for r in rows],
            sorted(
                [(self.alpha.id, date(2024, 6, 1), True), (self.gamma.id, date(2024, 5, 5), False)]
            ),
        )
        # The upper bound is inclusive, and purchases after it are not read.
        rows = self._starts([self.company.id], date(2024, 5, 1), date(2024, 5, 31), 365)
        self.assertEqual([(r[0], r[2]) for r in rows], [(self.gamma.id, date(2024, 5, 5))])

    def test_short_pause_not_a_start(self):
        """A shorter setting makes Beta's 365-day pause a return, a longer one removes
        Alpha's 458-day return."""
        rows = self._starts([self.company.id], date(2024, 12, 1), date(2024, 12, 31), 364)
        self.assertEqual(
            [(r[0], r[2], r[3]) for r in rows], [(self.beta.id, date(2024, 12, 31), True)]
        )
        rows = self._starts([self.company.id], date(2024, 1, 1), date(2024, 12, 31), 458)
        self.assertNotIn(self.alpha.id, [r[0] for r in rows])

    def test_refund_cancelled_draft_are_no_purchase(self):
        """Gamma's credit note, cancelled and draft invoices are no purchase day: its only
        start is 2024-05-05, and nothing before it."""
        rows = self._starts([self.company.id], None, None, 365, partner_ids=[self.gamma.id])
        self.assertEqual(
            [(r[0], r[2], r[3]) for r in rows], [(self.gamma.id, date(2024, 5, 5), False)]
        )

    def test_second_company_separate(self):
        """Each company's customers start apart: Alpha's first purchase in the second
        company (2024-08-08) is a first start there, not a purchase 38 days after its return
        in the first; the first company's rows do not see the second's invoices."""
        rows = self._starts([self.company2.id], None, None, 365)
        self.assertEqual(
            [(r[0], r[1], r[2], r[3]) for r in rows],
            sorted(
                [
                    (self.alpha.id, self.company2.id, date(2024, 8, 8), False),
                    (self.delta.id, self.company2.id, date(2024, 3, 3), False),
                ]
            ),
        )
        both = self._starts([self.company.id, self.company2.id], date(2024, 8, 1), None, 365)
        self.assertEqual([(r[0], r[1]) for r in both], [(self.alpha.id, self.company2.id)])

    def test_company_setting_as_pause(self):
        """pause_days None: each company's own setting (364 days in the first company makes
        Beta's pause a return; the default 365 in the second)."""
        self.company.score_return_pause_days = 364
        rows = self._starts([self.company.id, self.company2.id], date(2024, 12, 1), None, None)
        self.assertEqual([(r[0], r[3]) for r in rows], [(self.beta.id, True)])

    def test_pause_setting_must_be_positive(self):
        self.assertEqual(self.company2.score_return_pause_days, 365)
        for value in (0, -5):
            with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                self.company.score_return_pause_days = value
            self.assertIn("New again after a pause of more than (days)", str(caught.exception))
            self.env.invalidate_all(flush=False)
            self.assertEqual(self.company.score_return_pause_days, 365)
