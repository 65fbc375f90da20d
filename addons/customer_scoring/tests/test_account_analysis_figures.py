from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestAccountAnalysisFigures(ScoringCommon):
    """The past figures of a key-account analysis as of AS_OF (2025-06-30); the 12 months
    are 2024-07-01 .. 2025-06-30.

    Alpha Oy: invoices 1000 (cost 600) + 400 by its contact (cost 150) + 50 on the first
    day (cost 30), a credit note -200 (cost -120); a draft (999) and a cancelled invoice
    (777) are not counted; 300 on 2024-06-30 is before the window but is its first invoice.
    Volume 1250, cost 660, margin (1250 - 660) / 1250 = 47.2 %, relationship 1.0 year,
    1 credit note per 3 invoices = 33.33 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        cls.Analysis = cls.env["kam.account.analysis"]

    def _analysis(self, partner, user=None):
        Analysis = self.Analysis.with_user(user) if user else self.Analysis
        return Analysis.create({"partner_id": partner.id, "date": AS_OF})

    def _figures(self, analysis):
        return (
            analysis.sales_volume,
            analysis.margin_percent,
            analysis.relationship_years,
            analysis.credit_note_share,
        )

    def test_figures_from_posted_invoices(self):
        analysis = self._analysis(self.alpha, user=self.salesman)
        self.assertEqual(self._figures(analysis), (1250.0, 47.2, 1.0, 33.33))
        self.assertEqual(analysis.figures_source, "invoices")
        self.assertIn("posted invoices", analysis.figures_hint)

    def test_long_ago_buyer(self):
        # Delta: one invoice on 2023-10-01: nothing in the 12 months; 1 year 8 months
        # before AS_OF = 1 + 8 / 12 = 1.7 years.
        analysis = self._analysis(self.delta)
        self.assertEqual(self._figures(analysis), (0.0, 0.0, 1.7, 0.0))

    def test_no_invoices_zeros(self):
        analysis = self._analysis(self.gamma)
        self.assertEqual(self._figures(analysis), (0.0, 0.0, 0.0, 0.0))
        self.assertEqual(analysis.figures_source, "invoices")

    def test_cancelled_move_ignored(self):
        epsilon = self.env["res.partner"].create({"name": "Epsilon Oy", "is_company": True})
        move = self._invoice(epsilon, "2025-05-01", [(self.product_a, 4, 100.0)])
        move.button_draft()
        move.button_cancel()
        self.assertEqual(self._figures(self._analysis(epsilon)), (0.0, 0.0, 0.0, 0.0))

    def test_figures_from_the_score_row(self):
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        row = self.row(self.alpha)
        self.assertEqual(row.date_computed, AS_OF)
        # A different stored figure shows that the row is read, not the invoices.
        row.sudo().revenue_12m = 1300.0
        analysis = self._analysis(self.alpha)
        self.assertEqual(self._figures(analysis), (1300.0, 47.2, 1.0, 33.33))
        self.assertEqual(analysis.figures_source, "score")
        # A row of another date is not used.
        later = self.Analysis.create({"partner_id": self.alpha.id, "date": "2025-07-31"})
        self.assertEqual(later.figures_source, "invoices")

    def test_refresh_figures(self):
        analysis = self._analysis(self.gamma)
        self._invoice(self.gamma, "2025-06-01", [(self.product_b, 2, 80.0)])
        analysis.action_refresh_figures()
        # 2 x 80 = 160, cost 2 x 30 = 60: margin 100 / 160 = 62.5 %.
        self.assertEqual(self._figures(analysis), (160.0, 62.5, 0.0, 0.0))
        analysis.with_user(self.env.ref("base.user_admin")).action_stop()
        with self.assertRaises(UserError):
            analysis.action_refresh_figures()

    def test_figures_read_only_on_the_form(self):
        form = Form(self.Analysis)
        form.partner_id = self.alpha
        form.date = AS_OF
        with self.assertRaises(AssertionError):
            form.sales_volume = 5
        analysis = form.save()
        self.assertEqual(analysis.sales_volume, 1250.0)

    def test_accountant_opens_the_lines_behind_the_volume(self):
        accountant = new_test_user(
            self.env, login="cs_accountant", groups="account.group_account_invoice"
        )
        analysis = self._analysis(self.alpha)
        action = analysis.with_user(accountant).action_open_volume_lines()
        lines = self.env["account.move.line"].with_user(accountant).search(action["domain"])
        self.assertEqual(-sum(lines.mapped("balance")), analysis.sales_volume)
        self.assertNotIn(self.inv_cancel, lines.move_id)
        self.assertNotIn(self.inv_boundary, lines.move_id)
