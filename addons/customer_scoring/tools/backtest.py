"""Holdout check of the customer-base model, from plain values: no database.

The model is fitted on the purchases up to the calibration end, each customer's expected
purchases in the holdout weeks that follow are predicted from its calibration (x, t_x, T),
and they are compared with the purchase days that happened: totals, mean absolute error
per customer, and the conditional expectation (mean actual and mean predicted holdout
purchases by number of calibration repeat purchases, 0, 1, ... and "or more" in the last
group), the check of Fader, Hardie & Lee (2005). No output is NaN or infinite.
"""

from dataclasses import dataclass, field

import numpy as np

from . import clv_model

HOLDOUT_WEEKS = 26
# Groups of calibration repeat purchases: 0 .. BUCKETS - 2, and BUCKETS - 1 or more.
BUCKETS = 8


@dataclass
class BacktestLine:
    """One group of customers by calibration repeat purchases (``bucket`` = the number,
    the last group holding that number or more)."""

    bucket: int
    customer_count: int
    mean_actual: float
    mean_predicted: float


@dataclass
class BacktestResult:
    """The fit on the calibration data and its comparison with the holdout."""

    fit: clv_model.BgNbdFit
    customer_count: int = 0
    holdout_weeks: float = HOLDOUT_WEEKS
    predicted_total: float = 0.0
    actual_total: float = 0.0
    mae: float = 0.0
    lines: list = field(default_factory=list)

    @property
    def is_fitted(self):
        return self.fit.is_fitted

    @property
    def error_percent(self):
        """(predicted - actual) / actual in percent; 0.0 when nothing happened."""
        if self.actual_total <= 0:
            return 0.0
        return _number(100.0 * (self.predicted_total - self.actual_total) / self.actual_total)


def _number(value):
    value = float(value)
    return value if np.isfinite(value) else 0.0


def bucket_labels(buckets=BUCKETS):
    """'0', '1', ... and 'N+' for the last group."""
    return [str(k) for k in range(buckets - 1)] + [f"{buckets - 1}+"]


def conditional_expectation(x, actual, predicted, buckets=BUCKETS):
    """Per group of calibration repeat purchases ``x`` (the last group: ``buckets - 1``
    or more) with at least one customer: its count and the mean actual and predicted
    holdout purchases."""
    x = np.asarray(x, dtype=float)
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    groups = np.clip(np.floor(x), 0, buckets - 1).astype(int)
    counts = np.bincount(groups, minlength=buckets)
    actual_sums = np.bincount(groups, weights=actual, minlength=buckets)
    predicted_sums = np.bincount(groups, weights=predicted, minlength=buckets)
    return [
        BacktestLine(
            bucket=k,
            customer_count=int(counts[k]),
            mean_actual=_number(actual_sums[k] / counts[k]),
            mean_predicted=_number(predicted_sums[k] / counts[k]),
        )
        for k in range(buckets)
        if counts[k]
    ]


def compare(fit, x, t_x, T, actual, holdout_weeks=HOLDOUT_WEEKS, buckets=BUCKETS):
    """The comparison of a fitted model's predictions for the ``holdout_weeks`` after T
    (per customer, from the calibration x, t_x, T) with the ``actual`` holdout purchases."""
    x, t_x, T, actual = (np.asarray(v, dtype=float).ravel() for v in (x, t_x, T, actual))
    actual = np.where(np.isfinite(actual), actual, 0.0).clip(min=0.0)
    result = BacktestResult(fit=fit, customer_count=int(x.size), holdout_weeks=holdout_weeks)
    if not fit.is_fitted or not x.size:
        return result
    predicted = clv_model.expected_purchases(fit, holdout_weeks, x, t_x, T)
    result.predicted_total = _number(predicted.sum())
    result.actual_total = _number(actual.sum())
    result.mae = _number(np.abs(actual - predicted).mean())
    result.lines = conditional_expectation(x, actual, predicted, buckets)
    return result


def backtest(x, t_x, T, actual, holdout_weeks=HOLDOUT_WEEKS, fit=None, buckets=BUCKETS):
    """Fit BG/NBD on the calibration (x, t_x, T) (or take ``fit``) and compare its
    predictions for the ``holdout_weeks`` with the ``actual`` holdout purchases."""
    if fit is None:
        fit = clv_model.fit_bgnbd(x, t_x, T)
    return compare(fit, x, t_x, T, actual, holdout_weeks, buckets)
