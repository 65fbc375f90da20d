"""Worlds drawn from known parameters (fixed seeds): the customer-base model's fits find
them, and its predictions match what the same world does next. Plain values: no database,
no registry.

Each world has 10,000 customers with first purchases spread over 12 weeks, observed for
52 weeks (so T runs from 40 to 52 weeks), then 39 holdout weeks. Three parameter sets:
CDNOW-like (the published CDNOW fit), high churn (half of the customers drop out after a
repeat purchase) and loyal frequent buyers (rare dropout, a purchase every five weeks).

Tolerances come from the size of the world, not from trying seeds: a maximum-likelihood
estimate is off by about its standard error, which the curvature of the log-likelihood at
the fit gives (``clv_world.log_standard_errors``, on the logarithms of the parameters).
Each parameter must be within three standard errors of the truth, and each standard error
must be below a cap, so that "within three standard errors" says something. At 10,000
customers those errors are 2-4 % for r and alpha, 5-14 % for a and b (the dropout is seen
only through the purchases that stop), 2-3 % for q and 3-17 % for p and v.
"""

import math
import unittest

import numpy as np

from odoo.addons.customer_scoring.tests import clv_world
from odoo.addons.customer_scoring.tools import clv_model

# Half the 0.999 quantiles of the chi-square distribution with 4 and 3 degrees of freedom:
# how far above the truth's log-likelihood the maximum may lie.
BGNBD_LIKELIHOOD_GAP = 18.47 / 2
SPEND_LIKELIHOOD_GAP = 16.27 / 2


class RecoveryCases:
    """The checks of one world; subclasses set the parameters and the seed (the mixin
    holds no test by itself, so that only the worlds are collected)."""

    SEED = 0
    BGNBD = (0.0, 0.0, 0.0, 0.0)
    SPEND = (0.0, 0.0, 0.0)
    CUSTOMERS = 10_000
    WEEKS = 52.0
    HOLDOUT_WEEKS = 39.0
    BIRTH_WEEKS = 12.0
    # Caps on the standard errors (of the logarithms): r, alpha, a, b and p, q, v.
    BGNBD_SE_CAPS = (0.05, 0.05, 0.15, 0.2)
    SPEND_SE_CAPS = (0.2, 0.05, 0.2)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = np.random.default_rng(cls.SEED)
        cls.world = clv_world.draw_world(
            rng,
            cls.CUSTOMERS,
            cls.BGNBD,
            cls.SPEND,
            horizon=cls.WEEKS + cls.HOLDOUT_WEEKS,
            birth_weeks=cls.BIRTH_WEEKS,
        )
        cls.x, cls.t_x, cls.T, cls.mean = cls.world.summary(cls.WEEKS)
        cls.fit = clv_model.fit_bgnbd(cls.x, cls.t_x, cls.T)
        cls.spend = clv_model.fit_gamma_gamma(cls.x, cls.mean)
        cls.repeat = cls.x > 0

    def _bgnbd_log_likelihood(self, params):
        return clv_model.bgnbd_log_likelihood(params, self.x, self.t_x, self.T)

    def _spend_log_likelihood(self, params):
        return clv_model.gamma_gamma_log_likelihood(
            params, self.x[self.repeat], self.mean[self.repeat]
        )

    def _assert_recovered(self, names, found, true, log_likelihood, caps):
        errors = clv_world.log_standard_errors(log_likelihood, found)
        for name, value, truth, error, cap in zip(names, found, true, errors, caps, strict=True):
            self.assertLess(error, cap, f"{name}: standard error {error:.3f}")
            self.assertLess(
                abs(math.log(value / truth)),
                3 * error,
                f"{name}: {value:.4f} against {truth} (standard error {error:.3f})",
            )

    def test_world(self):
        """Everyone is born by the end of the calibration weeks; some buy again."""
        self.assertEqual(self.x.size, self.CUSTOMERS)
        self.assertTrue(np.all((self.T >= self.WEEKS - self.BIRTH_WEEKS) & (self.T <= self.WEEKS)))
        self.assertTrue(np.all((self.t_x >= 0) & (self.t_x <= self.T)))
        self.assertGreater(int(self.repeat.sum()), 2000)

    def test_bgnbd_recovered(self):
        fit = self.fit
        self.assertEqual(fit.state, clv_model.FITTED, fit.message)
        self.assertTrue(fit.converged)
        found = (fit.r, fit.alpha, fit.a, fit.b)
        self._assert_recovered(
            ("r", "alpha", "a", "b"),
            found,
            self.BGNBD,
            self._bgnbd_log_likelihood,
            self.BGNBD_SE_CAPS,
        )
        # The maximum is above the truth's likelihood, by no more than chance allows.
        at_truth = self._bgnbd_log_likelihood(self.BGNBD)
        self.assertGreaterEqual(fit.log_likelihood, at_truth)
        self.assertLess(fit.log_likelihood - at_truth, BGNBD_LIKELIHOOD_GAP)

    def test_mean_rate_and_dropout(self):
        """The mean purchase rate r / alpha and the mean dropout a / (a + b) are known much
        better than the parameters one by one."""
        r, alpha, a, b = self.BGNBD
        fit = self.fit
        self.assertAlmostEqual(fit.r / fit.alpha / (r / alpha), 1.0, delta=0.05)
        self.assertAlmostEqual(fit.a / (fit.a + fit.b) / (a / (a + b)), 1.0, delta=0.1)

    def test_gamma_gamma_recovered(self):
        spend = self.spend
        self.assertEqual(spend.state, clv_model.FITTED, spend.message)
        self.assertEqual(spend.customer_count, int(self.repeat.sum()))
        self._assert_recovered(
            ("p", "q", "v"),
            (spend.p, spend.q, spend.v),
            self.SPEND,
            self._spend_log_likelihood,
            self.SPEND_SE_CAPS,
        )
        at_truth = self._spend_log_likelihood(self.SPEND)
        self.assertGreaterEqual(spend.log_likelihood, at_truth)
        self.assertLess(spend.log_likelihood - at_truth, SPEND_LIKELIHOOD_GAP)
        p, q, v = self.SPEND
        self.assertAlmostEqual(spend.population_mean / (p * v / (q - 1)), 1.0, delta=0.05)

    def test_holdout_with_the_fit(self):
        """The fitted model's expected purchases of the 39 holdout weeks against what the
        world's customers did: within 8 % in total. At 10,000 customers the holdout total
        itself varies by about 3 % from world to world, and the fitted parameters add
        their own error."""
        actual = self.world.purchases_between(self.WEEKS, self.WEEKS + self.HOLDOUT_WEEKS)
        predicted = clv_model.expected_purchases(
            self.fit, self.HOLDOUT_WEEKS, self.x, self.t_x, self.T
        )
        self.assertGreater(actual.sum(), 1000)
        self.assertAlmostEqual(predicted.sum() / actual.sum(), 1.0, delta=0.08)

    def test_conditional_expectation_of_the_story(self):
        """With the true parameters, the conditional expectation matches a world five
        times larger (another seed): within 3 % in total (that world's own variation is
        1-1.5 %), and by number of calibration purchases (0..6, 7+, the groups of at least
        500 customers) within 10 % + 0.05 purchases."""
        rng = np.random.default_rng(self.SEED + 1000)
        world = clv_world.draw_world(
            rng,
            5 * self.CUSTOMERS,
            self.BGNBD,
            self.SPEND,
            horizon=self.WEEKS + self.HOLDOUT_WEEKS,
            birth_weeks=self.BIRTH_WEEKS,
        )
        x, t_x, T, _mean = world.summary(self.WEEKS)
        actual = world.purchases_between(self.WEEKS, self.WEEKS + self.HOLDOUT_WEEKS)
        r, alpha, a, b = self.BGNBD
        truth = clv_model.BgNbdFit(r=r, alpha=alpha, a=a, b=b, state=clv_model.FITTED)
        predicted = clv_model.expected_purchases(truth, self.HOLDOUT_WEEKS, x, t_x, T)
        self.assertAlmostEqual(predicted.sum() / actual.sum(), 1.0, delta=0.03)
        groups = [x == k for k in range(7)] + [x >= 7]
        checked = 0
        for k, group in enumerate(groups):
            if group.sum() < 500:
                continue
            checked += 1
            mean_predicted = float(predicted[group].mean())
            self.assertAlmostEqual(
                float(actual[group].mean()),
                mean_predicted,
                delta=0.1 * mean_predicted + 0.05,
                msg=f"{k} calibration purchases",
            )
        self.assertGreaterEqual(checked, 6)


class TestCdnowLikeWorld(RecoveryCases, unittest.TestCase):
    """The CDNOW sample's published parameters."""

    SEED = 1
    BGNBD = (0.243, 4.414, 0.793, 2.426)
    SPEND = (6.25, 3.74, 15.44)


class TestHighChurnWorld(RecoveryCases, unittest.TestCase):
    """Mean dropout 40 % after each repeat purchase, a purchase every five weeks."""

    SEED = 2
    BGNBD = (1.0, 5.0, 2.0, 3.0)
    SPEND = (3.0, 5.0, 50.0)


class TestLoyalWorld(RecoveryCases, unittest.TestCase):
    """Mean dropout 5 %, a purchase every five weeks; spend tightly around its mean."""

    SEED = 3
    BGNBD = (2.0, 10.0, 0.3, 6.0)
    SPEND = (10.0, 2.5, 5.0)
