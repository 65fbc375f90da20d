import math
from datetime import date, timedelta
from unittest.mock import patch

import numpy as np
import polib

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, file_path
from odoo.tools.translate import code_translations

from ..models import customer_clv_model
from ..tools import clv_model
from ..tools.purchase_days import customer_summary
from .common import AS_OF, PLANS, CustomerModelCommon

FLOAT_COLUMNS = ("p_alive", "expected_purchases_12m", "expected_purchase_value", "clv")


@tagged("post_install", "-at_install")
class TestClvRun(CustomerModelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Finnish active before any environment in Finnish is made (an environment keeps
        # the language it found active).
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls._build_model_world("Model")
        cls.scoring_manager = new_test_user(
            cls.env,
            login="clv_manager",
            groups="customer_scoring.group_scoring_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company2).ids)],
        )

    def _model(self, company=None, day=AS_OF):
        return self.env["customer.clv.model"].search(
            [("company_id", "=", (company or self.company).id), ("date", "=", day)]
        )

    def _summary(self, partner, company=None, day=AS_OF):
        ids, x, t_x, T, mean, _margin = self.env["customer.clv.model"]._purchase_summary(
            company or self.company, day, SQL("customer_score"), [partner.id]
        )
        return dict(zip(ids, zip(x, t_x, T, mean, strict=True), strict=True)).get(partner.id)

    def _assert_finite_rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT p_alive, expected_purchases_12m, expected_purchase_value, "
            "expected_revenue_12m, clv FROM customer_score"
        )
        for values in self.env.cr.fetchall():
            for value in values:
                self.assertTrue(value is None or math.isfinite(float(value)), values)
        self.env.cr.execute(
            "SELECT bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, gg_p, gg_q, gg_v, "
            "log_likelihood, customer_equity FROM customer_clv_model"
        )
        for values in self.env.cr.fetchall():
            for value in values:
                self.assertTrue(value is None or math.isfinite(float(value)), values)

    # ------------------------------------------------------------------
    def test_happy_path_model_fitted(self):
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        model = self._model()
        self.assertEqual(len(model), 1)
        self.assertEqual(model.state, "fitted", model.message)
        for name in ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b"):
            self.assertTrue(math.isfinite(model[name]) and model[name] > 0, name)
        self.assertGreater(model.gg_q, 1.0)
        self.assertEqual(model.customer_count, len(PLANS))
        self.assertEqual(
            model.repeat_customer_count,
            sum(1 for offset, gap, repeats in PLANS if repeats and offset + gap <= 546),
        )
        self.assertIn(str(len(PLANS)), model.message)
        rows = self.env["customer.score"].search(
            [("company_id", "=", self.company.id), ("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(len(rows), len(PLANS))
        for row in rows:
            self.assertEqual(row.clv_model_id, model)
            self.assertTrue(0.0 <= row.p_alive <= 1.0)
            self.assertGreaterEqual(row.expected_purchases_12m, 0.0)
            if row.revenue_12m > 0:
                self.assertGreater(row.clv, 0.0, row.partner_id.name)
            else:
                # No revenue in the last 12 months: no margin ratio, no lifetime value.
                self.assertEqual(row.clv, 0.0, row.partner_id.name)
            self.assertIn("customer-base model (P(alive)", row.score_explanation)
        # Silent for 27 weeks after buying every 2 weeks: likely gone; silent for 19
        # weeks after buying every 29 weeks: likely still there.
        regular = rows.filtered(lambda r: r.partner_id == self.customers[9])
        slow = rows.filtered(lambda r: r.partner_id == self.customers[6])
        self.assertLess(regular.p_alive, 0.2)
        self.assertGreater(slow.p_alive, 0.4)
        self.assertAlmostEqual(
            slow.expected_revenue_12m,
            slow.expected_purchases_12m * slow.expected_purchase_value,
            delta=0.05 + 0.01 * slow.expected_purchase_value,
        )
        company_rows = self.env["customer.score"].search([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(model.customer_equity, sum(company_rows.mapped("clv")), places=2)
        self.assertGreater(len(rows.filtered(lambda r: r.clv > 0)), 10)
        self._assert_finite_rows()

    def test_clv_is_the_model_formula(self):
        """The CLV of a row: predict_customers with the row's margin ratio and the
        company's horizon and discount rate."""
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        model = self._model()
        customer = self.customers[0]
        row = self.row(customer)
        x, t_x, T, mean = self._summary(customer)
        bgnbd, spend = model._fits()
        margin = min(max(row.margin_12m / row.revenue_12m, 0.0), 1.0)
        expected = clv_model.predict_customers(
            bgnbd,
            spend,
            [x],
            [t_x],
            [T],
            [mean],
            [margin],
            horizon_months=self.company.score_clv_horizon_years * 12,
            yearly_discount=self.company.score_clv_discount_rate / 100.0,
        )
        self.assertAlmostEqual(row.clv, float(expected.clv[0]), places=2)
        self.assertAlmostEqual(row.p_alive, float(expected.p_alive[0]), places=6)

    def test_summary_matches_purchase_days(self):
        """The SQL purchase days give the same x, t_x, T and mean value as the tested
        pure-Python summary on the same invoices."""
        customer = self.customers[1]
        invoices = self.env["account.move"].search(
            [("partner_id", "=", customer.id), ("state", "=", "posted")]
        )
        purchases = {customer.id: [(m.invoice_date, m.amount_untaxed) for m in invoices]}
        expected = customer_summary(purchases, AS_OF)
        x, t_x, T, mean = self._summary(customer)
        self.assertEqual(x, expected.x[0])
        self.assertAlmostEqual(t_x, expected.t_x[0])
        self.assertAlmostEqual(T, expected.T[0])
        self.assertAlmostEqual(mean, expected.mean_value[0], places=2)

    def test_credit_notes_and_later_invoices_do_not_count(self):
        customer = self.env["res.partner"].create({"name": "Refunding Oy", "is_company": True})
        self._invoice(customer, "2025-01-05", [(self.product_a, 1, 100.0)])
        self._invoice(customer, "2025-02-05", [(self.product_a, 2, 150.0)])
        # Same day as the second invoice: does not change its value.
        self._invoice(customer, "2025-02-05", [(self.product_a, 1, 150.0)], move_type="out_refund")
        # A day with a credit note only: not a purchase.
        self._invoice(customer, "2025-04-05", [(self.product_a, 1, 100.0)], move_type="out_refund")
        # After the scoring date: never counts.
        self._invoice(customer, "2025-07-15", [(self.product_a, 9, 100.0)])
        self.env.flush_all()
        x, t_x, T, mean = self._summary(customer)
        self.assertEqual(x, 1)
        self.assertAlmostEqual(t_x, 31 / 7.0)
        self.assertAlmostEqual(T, (AS_OF - date(2025, 1, 5)).days / 7.0)
        self.assertAlmostEqual(mean, 300.0)
        # As of a date before the second invoice: one purchase, no repeat.
        x, t_x, _T, mean = self._summary(customer, day=date(2025, 2, 4))
        self.assertEqual((x, t_x, mean), (0, 0, 0))

    def test_too_few_data_falls_back_to_retention(self):
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company2, date=AS_OF)
        model = self._model(self.company2)
        self.assertEqual(model.state, "too_few_data")
        self.assertEqual(model.customer_count, 3)
        self.assertEqual(
            model.message,
            "Only 3 customers have purchases: the model needs at least 10.",
        )
        rates = self.company2.score_retention_rates
        for customer in self.small:
            row = self.row(customer, self.company2)
            rate = rates.get(row.abc_value_class, rates["*"])
            factor = Score._clv_factor(self.company2, rate)
            self.assertAlmostEqual(row.clv, round(row.margin_12m * factor, 2), places=2)
            self.assertEqual(row.p_alive, 0.0)
            self.assertEqual(row.clv_model_id, model)
            self.assertIn("from the retention rate", row.score_explanation)
            self.assertIn(model.message, row.score_explanation)
        self._assert_finite_rows()

    def test_message_in_the_reader_language(self):
        """The fit stores its reason codes; a Finnish manager reads the message and the
        explanation in Finnish."""
        self.env["customer.score"].compute_scores(companies=self.company2, date=AS_OF)
        # The Finnish texts of the code as written in fi.po (Odoo drops the entries that
        # the .pot does not list yet): the msgids must be the source strings exactly.
        po = polib.pofile(file_path("customer_scoring/i18n/fi.po"))
        finnish = dict(code_translations.get_python_translations("customer_scoring", "fi_FI"))
        finnish.update({e.msgid: e.msgstr for e in po if "odoo-python" in e.comment})
        key = ("customer_scoring", "fi_FI")
        self.patch(code_translations, "python_translations", {key: finnish})
        model = self._model(self.company2).with_context(lang="fi_FI")
        self.assertEqual(model.message_codes, [["few_customers", {"count": 3, "minimum": 10}]])
        self.assertEqual(
            model.message, "Vain 3 asiakkaalla on ostoja: malli tarvitsee vähintään 10."
        )
        row = self.row(self.small[0], self.company2).with_context(lang="fi_FI")
        self.assertIn("Elinkaariarvo pysyvyysasteesta", row.score_explanation)
        self.assertIn(model.message, row.score_explanation)

    def test_partial_run_without_any_fit(self):
        """Rescoring customers before any full run: the retention CLV, said so."""
        self.env["customer.score"].compute_scores(
            companies=self.company2, partners=self.small[:2], date=AS_OF
        )
        self.assertFalse(
            self.env["customer.clv.model"].search([("company_id", "=", self.company2.id)])
        )
        row = self.row(self.small[0], self.company2)
        self.assertFalse(row.clv_model_id)
        self.assertEqual(row.p_alive, 0.0)
        self.assertIn("has not been fitted yet", row.score_explanation)

    def test_companies_apart(self):
        both = self.company | self.company2
        self.env["customer.score"].compute_scores(companies=both, date=AS_OF)
        self.assertEqual(self._model().customer_count, len(PLANS))
        self.assertEqual(self._model(self.company2).customer_count, 3)
        # A customer of both companies: its purchase days in each company only.
        self._invoice(self.small[0], "2025-05-01", [(self.product_a, 1, 100.0)])
        self.env.flush_all()
        self.assertEqual(self._summary(self.small[0])[0], 0)
        self.assertEqual(self._summary(self.small[0], self.company2)[0], 1)
        self.assertFalse(self._summary(self.customers[0], self.company2))

    def test_second_run_reuses_the_fit(self):
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)
        model = self._model()
        clv = self.row(self.customers[0]).clv
        with patch.object(
            customer_clv_model.clv_model, "fit_bgnbd", side_effect=AssertionError("refitted")
        ):
            Score.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(self._model(), model)
        self.assertEqual(self.row(self.customers[0]).clv, clv)

    def test_chunks_give_the_same_rows(self):
        """Purchase days read and predictions written a few customers at a time: the rows
        are those of one chunk, including the customers without a purchase day."""
        Score = self.env["customer.score"]
        columns = (*FLOAT_COLUMNS, "expected_revenue_12m", "forecast_purchases", "clv_model_id")

        def rows():
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT partner_id, %s FROM customer_score WHERE company_id = %s "
                    "ORDER BY partner_id",
                    SQL(", ").join(SQL.identifier(name) for name in columns),
                    self.company.id,
                )
            )
            return self.env.cr.fetchall()

        Score.compute_scores(companies=self.company, date=AS_OF)
        whole = rows()
        self.assertGreater(len(whole), 5, "customers in several chunks of 2")
        self.assertTrue(any(row[-2] is None for row in whole), "a customer without purchases")
        self.assertTrue(any(row[-2] for row in whole), "customers with a forecast")
        self.env.cr.execute(
            "UPDATE customer_score SET clv = 0, p_alive = 0, forecast_purchases = NULL"
        )
        self.env.invalidate_all()
        with (
            patch.object(customer_clv_model, "READ_CHUNK", 2),
            patch.object(customer_clv_model, "WRITE_CHUNK", 2),
        ):
            Score.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(rows(), whole)

    def test_partial_run_uses_the_latest_fit(self):
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)
        model = self._model()
        clv = self.row(self.customers[2]).clv
        with patch.object(
            customer_clv_model.clv_model, "fit_bgnbd", side_effect=AssertionError("refitted")
        ):
            Score.compute_scores(companies=self.company, partners=self.customers[2], date=AS_OF)
            Score.compute_scores(
                companies=self.company,
                partners=self.customers[2],
                date=AS_OF + timedelta(days=1),
            )
        row = self.row(self.customers[2])
        self.assertEqual(row.clv_model_id, model)
        self.assertGreater(row.clv, 0.0)
        self.assertNotEqual(row.clv, clv)  # one day later: a little less time to buy
        # A partial run never fits.
        self.assertFalse(self._model(day=AS_OF + timedelta(days=1)))

    def test_access(self):
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        model = self._model()
        with self.assertRaises(AccessError):
            self.env["customer.clv.model"].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            model.with_user(self.scoring_manager).write({"state": "failed"})
        self.assertEqual(
            self.env["customer.clv.model"]
            .with_user(self.scoring_manager)
            .search([("company_id", "=", self.company.id), ("date", "=", AS_OF)]),
            model,
        )
        # The salesperson reads the explanation of her customer's row, model line included.
        self.alpha.user_id = self.salesman
        row = self.row(self.alpha).with_user(self.salesman)
        self.assertIn("customer-base model", row.score_explanation)
        # Companies apart: a manager of the first company only does not see its fit.
        lone = new_test_user(
            self.env,
            login="clv_manager_c2",
            groups="customer_scoring.group_scoring_manager",
            company_id=self.company2.id,
            company_ids=[(6, 0, self.company2.ids)],
        )
        self.assertFalse(self.env["customer.clv.model"].with_user(lone).search([]))

    def test_bad_numbers_are_never_stored(self):
        nan = float("nan")

        def nan_predictions(*args, **kwargs):
            count = len(args[2])
            arrays = [np.full(count, nan) for _i in range(5)]
            arrays[0] = np.full(count, float("inf"))
            return clv_model.CustomerPredictions(
                *arrays, monthly_purchases=np.zeros((count, 12)), monthly_revenue=None
            )

        with patch.object(customer_clv_model.clv_model, "predict_customers", nan_predictions):
            self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        row = self.row(self.customers[0])
        self.assertEqual(row.clv, 0.0)
        self.assertEqual(row.p_alive, 1.0)
        self._assert_finite_rows()

    def test_not_finite_fit_is_failed(self):
        def nan_fit(*args, **kwargs):
            return clv_model.BgNbdFit(
                r=float("nan"), alpha=1.0, a=1.0, b=1.0, state="fitted", reason="fitted"
            )

        with patch.object(customer_clv_model.clv_model, "fit_bgnbd", nan_fit):
            self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        model = self._model()
        self.assertEqual(model.state, "failed")
        self.assertEqual(model.message, "The fit gave a value that is not a finite number.")
        self.assertIn("from the retention rate", self.row(self.customers[0]).score_explanation)
        self._assert_finite_rows()
