"""The holdout check on the CDNOW sample, from plain values: no database, no registry.

Calibration up to 1997-09-30, holdout the 39 weeks to 1998-06-30: the paper's check of
the BG/NBD forecast against the repeat purchase days that happened.
"""

import unittest

import numpy as np

from odoo.addons.customer_scoring.tools import backtest, clv_model, purchase_days

from .test_clv_model import CALIBRATION_END, HOLDOUT_END, cdnow_purchases


class TestCdnowBacktest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        purchases = cdnow_purchases()
        cls.calibration = purchase_days.customer_summary(purchases, CALIBRATION_END)
        holdout = purchase_days.customer_summary(purchases, HOLDOUT_END)
        by_id = dict(zip(holdout.customer_ids, holdout.x, strict=True))
        cls.actual = np.array([by_id[c] for c in cls.calibration.customer_ids]) - cls.calibration.x
        cls.result = backtest.backtest(
            cls.calibration.x, cls.calibration.t_x, cls.calibration.T, cls.actual, 39
        )

    def test_totals(self):
        """1,653.4 predicted against 1,882 purchase days: 12% low; mean absolute error per
        customer 0.785 purchases."""
        result = self.result
        self.assertTrue(result.is_fitted)
        self.assertEqual(result.customer_count, 2357)
        self.assertEqual(result.actual_total, 1882)
        self.assertAlmostEqual(result.predicted_total, 1653.4, delta=0.5)
        self.assertAlmostEqual(result.error_percent, -12.1, delta=0.1)
        self.assertAlmostEqual(result.mae, 0.785, delta=0.001)

    def test_conditional_expectation(self):
        lines = self.result.lines
        self.assertEqual([line.bucket for line in lines], list(range(8)))
        self.assertEqual(backtest.bucket_labels()[-1], "7+")
        self.assertEqual(sum(line.customer_count for line in lines), 2357)
        self.assertEqual(lines[0].customer_count, 2357 - 946)
        self.assertAlmostEqual(lines[0].mean_actual, 0.237, delta=0.001)
        self.assertAlmostEqual(lines[0].mean_predicted, 0.225, delta=0.001)
        # The group means weighted by their counts give the totals back.
        self.assertAlmostEqual(
            sum(line.customer_count * line.mean_predicted for line in lines),
            self.result.predicted_total,
            places=6,
        )
        seven_plus = self.calibration.x >= 7
        self.assertEqual(lines[7].customer_count, int(seven_plus.sum()))
        self.assertAlmostEqual(lines[7].mean_actual, float(self.actual[seven_plus].mean()))
        predicted = np.array([line.mean_predicted for line in lines])
        self.assertTrue(np.all(np.diff(predicted) > 0))

    def test_empty_groups_and_no_fit(self):
        """Groups without customers are left out; a model that is not fitted compares
        nothing (no NaN)."""
        lines = backtest.conditional_expectation([0, 0, 9], [1, 0, 2], [0.5, 0.5, 3.0])
        self.assertEqual([(line.bucket, line.customer_count) for line in lines], [(0, 2), (7, 1)])
        self.assertEqual((lines[0].mean_actual, lines[0].mean_predicted), (0.5, 0.5))
        result = backtest.backtest([0, 1], [0, 1], [5, 5], [1, 1])
        self.assertEqual(result.fit.state, clv_model.TOO_FEW_DATA)
        self.assertEqual((result.predicted_total, result.mae, result.lines), (0.0, 0.0, []))
        self.assertEqual(result.error_percent, 0.0)
