import math
from datetime import date, timedelta
from unittest.mock import patch

import numpy as np
import polib
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_path
from odoo.tools.translate import code_translations

from ..tools import backtest, clv_model, purchase_days
from .common import AS_OF, CustomerModelCommon

CALIBRATION_END = date(2024, 12, 30)  # AS_OF minus 26 weeks


@tagged("post_install", "-at_install")
class TestClvBacktest(CustomerModelCommon):
    """The backtest stored by a full run: the model fitted on the purchases up to 26 weeks
    before the scoring date against the purchase days of those 26 weeks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls._build_model_world("Backtest")
        first, third, fourth = cls.customers[0], cls.customers[2], cls.customers[3]
        # Holdout purchases on top of the world's two: two days of the first customer,
        # one day with two invoices of the third.
        cls._invoice(first, "2025-02-10", [(cls.product_a, 1, 120.0)])
        cls._invoice(first, "2025-03-10", [(cls.product_b, 2, 80.0)])
        cls._invoice(third, "2025-04-01", [(cls.product_a, 1, 100.0)])
        cls._invoice(third, "2025-04-01", [(cls.product_b, 1, 80.0)])
        # A day with a credit note only: not a purchase.
        cls._invoice(fourth, "2025-04-15", [(cls.product_a, 1, 100.0)], move_type="out_refund")
        # After the scoring date: never counts.
        cls._invoice(first, "2025-07-15", [(cls.product_a, 1, 100.0)])
        cls.manager = new_test_user(
            cls.env,
            login="bt_manager",
            groups="customer_scoring.group_scoring_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company2).ids)],
        )

    def _backtest(self, company=None, day=AS_OF):
        return self.env["customer.clv.backtest"].search(
            [("company_id", "=", (company or self.company).id), ("date", "=", day)]
        )

    def _run(self, company=None, day=AS_OF):
        self.env["customer.score"].compute_scores(companies=company or self.company, date=day)
        return self._backtest(company, day)

    def _holdout_days_sql(self, company=None, end=CALIBRATION_END, day=AS_OF):
        """Purchase days after ``end`` up to ``day`` of the customers who had bought by
        ``end``, counted from the posted invoices directly."""
        self.env.flush_all()
        self.env.cr.execute(
            """
WITH days AS (
    SELECT DISTINCT p.commercial_partner_id AS partner, am.invoice_date AS day
      FROM account_move am JOIN res_partner p ON p.id = am.partner_id
     WHERE am.company_id = %(company)s AND am.move_type = 'out_invoice'
       AND am.state = 'posted' AND am.invoice_date <= %(day)s
)
SELECT COUNT(*) FILTER (WHERE day > %(end)s AND partner IN (
           SELECT partner FROM days WHERE day <= %(end)s)),
       COUNT(DISTINCT partner) FILTER (WHERE day <= %(end)s)
  FROM days
""",
            {"company": (company or self.company).id, "end": end, "day": day},
        )
        return self.env.cr.fetchone()

    def _calibration_summary(self):
        """(x, t_x, T) as of the calibration end from the posted invoices, with the
        tested pure-Python summary."""
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", self.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        purchases = {}
        for move in moves:
            purchases.setdefault(move.partner_id.commercial_partner_id.id, []).append(
                (move.invoice_date, move.amount_untaxed)
            )
        return purchase_days.customer_summary(purchases, CALIBRATION_END)

    def _assert_finite(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, log_likelihood, predicted_total, "
            "actual_total, error_percent, mae FROM customer_clv_backtest"
        )
        rows = self.env.cr.fetchall()
        self.env.cr.execute("SELECT mean_actual, mean_predicted FROM customer_clv_backtest_line")
        for values in rows + self.env.cr.fetchall():
            for value in values:
                self.assertTrue(value is None or math.isfinite(float(value)), values)

    # ------------------------------------------------------------------
    def test_backtest_after_a_full_run(self):
        result = self._run()
        model = self.env["customer.clv.model"].search(
            [("company_id", "=", self.company.id), ("date", "=", AS_OF)]
        )
        self.assertEqual(len(result), 1)
        self.assertEqual(result.state, "done", result.message)
        self.assertEqual(result.model_id, model)
        self.assertEqual(model.backtest_ids, result)
        self.assertEqual(result.calibration_end, CALIBRATION_END)
        self.assertEqual(result.holdout_weeks, 26)
        # Actual: an independent count of the holdout purchase days: the world's two,
        # two of the first customer, one of the third; the credit note and the invoice
        # after the scoring date do not count.
        holdout_days, calibration_customers = self._holdout_days_sql()
        self.assertEqual(holdout_days, 5)
        self.assertEqual(result.actual_total, holdout_days)
        # 17 customers had bought by the calibration end (the 18th first buys in February).
        self.assertEqual(calibration_customers, 17)
        self.assertEqual(result.customer_count, calibration_customers)
        # The groups 0..7+: the counts add up; the totals are the means weighted by them.
        lines = result.line_ids
        self.assertEqual(lines.mapped("calibration_purchases"), list(range(8)))
        self.assertEqual(lines.mapped("label"), ["0", "1", "2", "3", "4", "5", "6", "7+"])
        self.assertEqual(sum(lines.mapped("customer_count")), result.customer_count)
        self.assertAlmostEqual(
            sum(line.customer_count * line.mean_actual for line in lines),
            result.actual_total,
            places=2,
        )
        self.assertAlmostEqual(
            sum(line.customer_count * line.mean_predicted for line in lines),
            result.predicted_total,
            places=1,
        )
        self.assertEqual(lines.company_id, self.company)
        # Predicted: the tools' fit and prediction on the calibration data.
        summary = self._calibration_summary()
        self.assertEqual(len(summary.customer_ids), 17)
        fit = clv_model.fit_bgnbd(summary.x, summary.t_x, summary.T)
        self.assertEqual(fit.state, clv_model.FITTED)
        predicted = clv_model.expected_purchases(fit, 26, summary.x, summary.t_x, summary.T)
        self.assertGreater(predicted.sum(), 0.0)
        self.assertAlmostEqual(result.predicted_total, float(predicted.sum()), places=1)
        # The parameters are stored unrounded (a rerun of the date predicts from them).
        for name in ("r", "alpha", "a", "b"):
            self.assertAlmostEqual(result[f"bgnbd_{name}"], getattr(fit, name), places=9)
        self.assertEqual(result.repeat_customer_count, int((summary.x >= 1).sum()))
        # The customers' holdout purchase days, in the order of the summary.
        holdout = dict.fromkeys(summary.customer_ids, 0)
        holdout[self.customers[0].id] += 2
        holdout[self.customers[2].id] += 1
        holdout[self.customers[10].id] += 1  # second purchase 400 days after the first
        holdout[self.customers[6].id] += 1  # third purchase, 200 days after the second
        actual = np.array([holdout[cid] for cid in summary.customer_ids], dtype=float)
        self.assertEqual(actual.sum(), holdout_days)
        self.assertAlmostEqual(result.mae, float(np.abs(actual - predicted).mean()), places=3)
        self.assertAlmostEqual(result.error_percent, 100.0 * (predicted.sum() - 5) / 5, places=1)
        seven_plus = lines.filtered(lambda line: line.label == "7+")
        self.assertEqual(seven_plus.customer_count, int((summary.x >= 7).sum()))
        self.assertAlmostEqual(
            seven_plus.mean_actual, float(actual[summary.x >= 7].mean()), places=3
        )
        self.assertIn("5 made", result.message)
        self.assertIn("17 customers", result.message)
        self._assert_finite()

    def test_chart_shows_the_stored_means(self):
        result = self._run()
        action = result.with_user(self.manager).action_open_chart()
        self.assertEqual(action["res_model"], "customer.clv.backtest.point")
        self.assertEqual(action["domain"], [("backtest_id", "=", result.id)])
        model_action = result.model_id.with_user(self.manager).action_open_backtest_chart()
        self.assertEqual(model_action["domain"], action["domain"])
        groups = (
            self.env["customer.clv.backtest.point"]
            .with_user(self.manager)
            ._read_group(action["domain"], ["label", "series"], ["value:avg"])
        )
        self.assertEqual(len(groups), 16)
        # A line per series, not stacked: each point is the group's own mean.
        graph = etree.fromstring(
            self.env["customer.clv.backtest.point"].get_view(view_type="graph")["arch"]
        )
        self.assertEqual((graph.get("type"), graph.get("stacked")), ("line", "False"))
        self.assertEqual(
            [(f.get("name"), f.get("type")) for f in graph.iter("field")],
            [("label", None), ("series", None), ("value", "measure")],
        )
        chart = {(label, series): value for label, series, value in groups}
        for line in result.line_ids:
            self.assertAlmostEqual(chart[line.label, "actual"], line.mean_actual, places=6)
            self.assertAlmostEqual(chart[line.label, "predicted"], line.mean_predicted, places=6)

    def test_rerun_replaces(self):
        """A second full run of the date: one backtest, its lines made again from the
        invoices as they are now (the calibration fit of the date is kept)."""
        first = self._run()
        predicted = first.predicted_total
        line_ids = first.line_ids.ids
        self._invoice(self.customers[4], "2025-05-05", [(self.product_a, 1, 100.0)])
        # A credit note on a day without invoice: still not a purchase.
        self._invoice(
            self.customers[5], "2025-05-06", [(self.product_a, 1, 100.0)], move_type="out_refund"
        )
        with patch.object(backtest.clv_model, "fit_bgnbd", side_effect=AssertionError("refitted")):
            second = self._run()
        self.assertEqual(second, first)
        self.assertEqual(second.actual_total, 6)
        self.assertEqual(second.actual_total, self._holdout_days_sql()[0])
        self.assertAlmostEqual(second.predicted_total, predicted, places=6)
        self.assertEqual(len(second.line_ids), 8)
        self.assertFalse(self.env["customer.clv.backtest.line"].browse(line_ids).exists())
        self.assertEqual(
            self.env["customer.clv.backtest.line"].search_count(
                [("backtest_id.company_id", "=", self.company.id), ("backtest_id.date", "=", AS_OF)]
            ),
            8,
        )
        # A partial run leaves the backtest alone.
        self.env["customer.score"].compute_scores(
            companies=self.company, partners=self.customers[4], date=AS_OF + timedelta(days=1)
        )
        self.assertFalse(self._backtest(day=AS_OF + timedelta(days=1)))

    def test_too_few_data_before_the_calibration_end(self):
        """The second company's customers first bought in 2025: nobody had bought by the
        calibration end. The run completes, the model and the scores are there."""
        result = self._run(self.company2)
        self.assertEqual(result.state, "too_few_data")
        self.assertEqual(result.customer_count, 0)
        self.assertFalse(result.line_ids)
        self.assertEqual((result.predicted_total, result.actual_total, result.mae), (0, 0, 0))
        self.assertEqual(
            result.message,
            "Only 0 customers had bought by 12/30/2024, 26 weeks before the scoring date: "
            "the backtest needs at least 10. It is made again by each full scoring run.",
        )
        self.assertTrue(result.model_id)
        self.assertEqual(len(self.row(self.small[0], self.company2)), 1)
        self._assert_finite()

    def test_message_in_finnish(self):
        self._run(self.company2)
        po = polib.pofile(file_path("customer_scoring/i18n/fi.po"))
        finnish = dict(code_translations.get_python_translations("customer_scoring", "fi_FI"))
        finnish.update({e.msgid: e.msgstr for e in po if "odoo-python" in e.comment})
        self.patch(
            code_translations, "python_translations", {("customer_scoring", "fi_FI"): finnish}
        )
        result = self._backtest(self.company2).with_context(lang="fi_FI")
        self.assertEqual(
            result.message,
            "Vain 0 asiakasta oli ostanut 30.12.2024 mennessä, 26 viikkoa ennen "
            "pisteytyspäivää: ennustetarkistus tarvitsee vähintään 10. Se tehdään "
            "uudelleen jokaisessa täydessä pisteytysajossa.",
        )

    def test_not_finite_fit_is_failed(self):
        def nan_fit(*args, **kwargs):
            return clv_model.BgNbdFit(
                r=float("nan"), alpha=1.0, a=1.0, b=1.0, state="fitted", reason="fitted"
            )

        with patch.object(backtest.clv_model, "fit_bgnbd", nan_fit):
            result = self._run()
        self.assertEqual(result.state, "failed")
        self.assertEqual(
            result.message,
            "The model could not be fitted on the purchases up to 12/30/2024: "
            "The fit gave a value that is not a finite number.",
        )
        self.assertFalse(result.line_ids)
        self._assert_finite()

    def test_access(self):
        result = self._run()
        self._run(self.company2)
        Backtest = self.env["customer.clv.backtest"]
        # A manager reads the backtests of his companies, never writes them.
        self.assertEqual(
            Backtest.with_user(self.manager).search([("date", "=", AS_OF)]),
            result | self._backtest(self.company2),
        )
        with self.assertRaises(AccessError):
            result.with_user(self.manager).write({"state": "failed"})
        with self.assertRaises(AccessError):
            result.line_ids[:1].with_user(self.manager).unlink()
        # A salesperson has no access, as to the model fits.
        for model in ("customer.clv.backtest", "customer.clv.backtest.line"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            self.env["customer.clv.backtest.point"].with_user(self.salesman).search([])
        # Companies apart: a manager of the second company only sees its backtest.
        lone = new_test_user(
            self.env,
            login="bt_manager_c2",
            groups="customer_scoring.group_scoring_manager",
            company_id=self.company2.id,
            company_ids=[(6, 0, self.company2.ids)],
        )
        self.assertEqual(Backtest.with_user(lone).search([]), self._backtest(self.company2))
        for model in ("customer.clv.backtest.line", "customer.clv.backtest.point"):
            self.assertFalse(
                self.env[model].with_user(lone).search([("company_id", "=", self.company.id)])
            )
        self.assertTrue(
            self.env["customer.clv.backtest.point"]
            .with_user(self.manager)
            .search([("backtest_id", "=", result.id)])
        )
