"""Customer-base model on purchase days: BG/NBD purchases, Gamma-Gamma spend, CLV.

Plain functions on numpy and scipy, without Odoo or a database, so that the scoring run
can call them on arrays and tests can check them against published figures. The
per-customer figures come from ``purchase_days.customer_summary``.

Data
    A purchase is a calendar day with at least one purchase of the customer; its value is
    the sum of that day's values. Time unit: the week. For the scoring date D and a customer
    whose first purchase day is on or before D: ``x`` = purchase days after the first, up
    to D; ``t_x`` = (last - first) / 7; ``T`` = (D - first) / 7. Later purchases never
    count. A customer's mean value is that of its repeat purchase days (not the first).

BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way")
    While alive, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha) (alpha per
    week); after each repeat purchase the customer drops out with probability
    p ~ Beta(a, b). The likelihood of one customer is

        L = B(a, b + x) / B(a, b) * G(r + x) alpha^r / (G(r) (alpha + T)^(r + x))
          + [x > 0] B(a + 1, b + x - 1) / B(a, b) * G(r + x) alpha^r / (G(r) (alpha + t_x)^(r + x))

    computed in logarithms (gammaln, logaddexp). The fit maximises the sum over unique
    (x, t_x, T) rows weighted by their counts, on log-parameters.

    Expected purchases in (T, T + t] given (x, t_x, T) (the paper's equation 10)::

        E = (a + b + x - 1) / (a - 1)
            * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
                   * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
            / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))

    The bracket is evaluated through Euler's transformation,
    ``(1 - z)^(r + x) 2F1(r + x, b + x; c; z) = (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; c; z)``
    with ``c = a + b + x - 1`` and ``z = t / (alpha + T + t)``: the transformed series has
    small upper parameters and converges for any x and T, where the original overflows.
    P(alive) = 1 / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)).

Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie, "The Gamma-Gamma
model of monetary value")
    A purchase's value is Gamma(p, nu), nu ~ Gamma(q, v). Fitted by maximum likelihood on
    the repeat buyers' (x, mean repeat value) with a positive mean. Conditional expected
    value of a purchase: (v + x * mean) p / (p x + q - 1); for x = 0 the population mean
    p v / (q - 1). It needs q > 1; otherwise the mean value is not finite and the fit is
    reported as failed.

CLV
    Months have 365 / 12 days, so 12 months are 365 days: month m ends at
    t_m = m * 365 / 12 / 7 weeks after the scoring date. With the yearly discount rate d,
    d_month = (1 + d)^(1/12) - 1, a horizon of H months, the customer's expected purchase
    value E(M) and margin ratio g::

        CLV = sum_{m=1..H} [E(t_m) - E(t_{m-1})] * E(M) * g / (1 + d_month)^m

    (E(t_0) = 0): each month's expected purchases, valued and discounted at the month's end.

States
    Every fit returns ``state`` 'fitted', 'too_few_data' (fewer than ``MIN_CUSTOMERS``
    customers or no repeat buyers: no fit) or 'failed' (the optimiser did not converge, a
    figure is not finite, or a parameter ran to the edge of its range, i.e. the data do
    not determine it), with ``reason`` (a stable code), ``message`` (English) and
    ``message_params`` (the template is ``MESSAGES[reason]``). Parameters of a fit that is
    not 'fitted' are 0.0; the prediction functions must only be called with a fitted
    model. No output is NaN or infinite.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from .clv_optimize import minimize_log_params

FITTED = "fitted"
TOO_FEW_DATA = "too_few_data"
FAILED = "failed"

MIN_CUSTOMERS = 10
MIN_REPEAT_BUYERS = 1
WEEK_DAYS = 7.0
MONTH_WEEKS = 365.0 / 12.0 / WEEK_DAYS
YEAR_WEEKS = 365.0 / WEEK_DAYS

MESSAGES = {
    "few_customers": "Only %(count)s customers have purchases: the model needs at least "
    "%(minimum)s.",
    "no_repeat_buyers": "None of the %(count)s customers has bought more than once: the "
    "model needs repeat purchases.",
    "few_positive_values": "Only %(count)s repeat buyers have a positive mean purchase "
    "value: the spend model needs at least %(minimum)s.",
    "not_converged": "The fit did not converge (%(detail)s).",
    "invalid_rows": "Some customers' purchase figures are missing, negative or have a last "
    "purchase after the scoring date.",
    "not_finite": "The fit gave a value that is not a finite number.",
    "at_edge": "The customers' purchases are too alike for the model to tell them apart "
    "(parameter %(name)s reached the limit of its range).",
    "infinite_mean": "The spend model has no finite mean value (q = %(q).3f is not above 1).",
    "fitted": "Fitted on %(count)s customers, %(repeat)s of them repeat buyers.",
}


def _message(reason, **params):
    return MESSAGES[reason] % params


@dataclass
class GroupedRows:
    """Unique (x, t_x, T) rows, their counts, and the row of each customer."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    weights: np.ndarray
    inverse: np.ndarray


@dataclass
class _Fit:
    """State of a fit: 'fitted', 'too_few_data' or 'failed', with the reason."""

    log_likelihood: float = 0.0
    converged: bool = False
    message: str = ""
    customer_count: int = 0
    state: str = TOO_FEW_DATA
    reason: str = ""
    message_params: dict = field(default_factory=dict)

    @property
    def is_fitted(self):
        return self.state == FITTED


@dataclass
class BgNbdFit(_Fit):
    """A BG/NBD fit: parameters (alpha per week), log-likelihood and state."""

    r: float = 0.0
    alpha: float = 0.0
    a: float = 0.0
    b: float = 0.0
    repeat_customer_count: int = 0


@dataclass
class GammaGammaFit(_Fit):
    """A Gamma-Gamma fit of the value of a purchase (customer_count: repeat buyers used)."""

    p: float = 0.0
    q: float = 0.0
    v: float = 0.0

    @property
    def population_mean(self):
        """Mean value of a purchase of a customer never seen before: p v / (q - 1)."""
        return self.p * self.v / (self.q - 1.0) if self.is_fitted else 0.0


# ----------------------------------------------------------------------------- rows


def group_rows(x, t_x, T):
    """Unique (x, t_x, T) rows with their counts; ``inverse`` maps customers to rows.
    Times are rounded to 1e-9 weeks first so that equal day counts group together."""
    x = np.asarray(x, dtype=float).ravel()
    t_x = np.round(np.asarray(t_x, dtype=float).ravel(), 9)
    T = np.round(np.asarray(T, dtype=float).ravel(), 9)
    if not x.size:
        empty = np.zeros(0)
        return GroupedRows(empty, empty, empty, empty, np.zeros(0, dtype=int))
    rows, inverse, counts = np.unique(
        np.column_stack([x, t_x, T]), axis=0, return_inverse=True, return_counts=True
    )
    return GroupedRows(
        x=rows[:, 0],
        t_x=rows[:, 1],
        T=rows[:, 2],
        weights=counts.astype(float),
        inverse=inverse.ravel(),
    )


# ----------------------------------------------------------------------------- BG/NBD


def bgnbd_log_likelihood(params, x, t_x, T, weights=None):
    """Sum of the BG/NBD log-likelihood of the rows for ``params`` = (r, alpha, a, b)."""
    r, alpha, a, b = (float(value) for value in params)
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    weights = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    return float(np.sum(weights * _bgnbd_row_log_likelihood(r, alpha, a, b, x, t_x, T)))


def _bgnbd_row_log_likelihood(r, alpha, a, b, x, t_x, T):
    common = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.betaln(a, b + x)
        - special.betaln(a, b)
    )
    alive = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    xr = x[repeat]
    dropped[repeat] = np.log(a) - np.log(b + xr - 1.0) - (r + xr) * np.log(alpha + t_x[repeat])
    return common + np.logaddexp(alive, dropped)


def _start_values(grouped):
    total_x = float(np.sum(grouped.weights * grouped.x))
    total_t = float(np.sum(grouped.weights * grouped.T))
    rate = total_x / total_t if total_t > 0 else 1.0
    alpha = min(max(1.0 / max(rate, 1e-6), 1e-3), 1e4)
    return np.log([1.0, alpha, 1.0, 3.0])


def _outcome(result, values, edge, log_likelihood):
    """(state, reason, params) of an optimiser result."""
    if not (np.all(np.isfinite(values)) and math.isfinite(log_likelihood)):
        return FAILED, "not_finite", {}
    if not result.success:
        return FAILED, "not_converged", {"detail": str(result.message)}
    if edge:
        return FAILED, "at_edge", {"name": edge}
    return FITTED, "fitted", {}


def fit_bgnbd(x, t_x, T, weights=None, min_customers=MIN_CUSTOMERS):
    """Maximum-likelihood BG/NBD fit on per-customer (x, t_x, T), or on grouped rows with
    ``weights`` (the count of customers of each row)."""
    x = np.asarray(x, dtype=float).ravel()
    t_x = np.asarray(t_x, dtype=float).ravel()
    T = np.asarray(T, dtype=float).ravel()
    if weights is None:
        grouped = group_rows(x, t_x, T)
    else:
        weights = np.asarray(weights, dtype=float).ravel()
        grouped = GroupedRows(x, t_x, T, weights, np.arange(x.size))
    count = int(round(float(np.sum(grouped.weights))))
    repeat = int(round(float(np.sum(grouped.weights[grouped.x > 0]))))
    fit = BgNbdFit(customer_count=count, repeat_customer_count=repeat)
    valid = (
        np.all(np.isfinite(grouped.x))
        and np.all(np.isfinite(grouped.t_x))
        and np.all(np.isfinite(grouped.T))
        and np.all(grouped.x >= 0)
        and np.all(grouped.t_x >= 0)
        and np.all(grouped.t_x <= grouped.T + 1e-9)
    )
    if not valid:
        return _set_state(fit, FAILED, "invalid_rows", {})
    if count < min_customers:
        return _set_state(
            fit, TOO_FEW_DATA, "few_customers", {"count": count, "minimum": min_customers}
        )
    if repeat < MIN_REPEAT_BUYERS:
        return _set_state(fit, TOO_FEW_DATA, "no_repeat_buyers", {"count": count})
    scale = 1.0 / float(np.sum(grouped.weights))

    def objective(log_params):
        r, alpha, a, b = np.exp(log_params)
        rows = _bgnbd_row_log_likelihood(r, alpha, a, b, grouped.x, grouped.t_x, grouped.T)
        value = -float(np.sum(grouped.weights * rows)) * scale
        return value if math.isfinite(value) else 1e300

    with np.errstate(all="ignore"):
        result, values, edge = minimize_log_params(
            objective, _start_values(grouped), ("r", "alpha", "a", "b"), scale
        )
        log_likelihood = -float(result.fun) / scale
    state, reason, params = _outcome(result, values, edge, log_likelihood)
    fit.converged = bool(result.success)
    if state == FITTED:
        fit.r, fit.alpha, fit.a, fit.b = (float(value) for value in values)
        fit.log_likelihood = log_likelihood
        params = {"count": count, "repeat": repeat}
    return _set_state(fit, state, reason, params)


def _set_state(fit, state, reason, params):
    fit.state = state
    fit.reason = reason
    fit.message_params = params
    fit.message = _message(reason, **params)
    return fit


def _alive_log_odds_inverse(fit, x, t_x, T):
    """log(a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)) for x > 0, else -inf."""
    term = np.full(np.broadcast(x, t_x, T).shape, -np.inf)
    x, t_x, T = np.broadcast_arrays(x, t_x, T)
    repeat = x > 0
    xr = x[repeat]
    term[repeat] = (
        np.log(fit.a)
        - np.log(fit.b + xr - 1.0)
        + (fit.r + xr) * (np.log(fit.alpha + T[repeat]) - np.log(fit.alpha + t_x[repeat]))
    )
    return term


def probability_alive(fit, x, t_x, T):
    """P(alive at T | x, t_x, T) per customer, in [0, 1]."""
    x, t_x, T = (np.asarray(value, dtype=float) for value in (x, t_x, T))
    with np.errstate(all="ignore"):
        result = special.expit(-_alive_log_odds_inverse(fit, x, t_x, T))
    return _finite(result, 0.0, 0.0, 1.0)


def expected_purchases(fit, t, x, t_x, T):
    """Expected purchases in the next ``t`` weeks after T, given (x, t_x, T); broadcasts."""
    t, x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, x, t_x, T)))
    return _expected_purchases_rows(fit, t, x, t_x, T)


def _expected_purchases_rows(fit, t, x, t_x, T):
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    if abs(a - 1.0) < 1e-7:
        # The formula is 0/0 at a = 1; the value is continuous in a.
        a = 1.0 + 1e-7
    with np.errstate(all="ignore"):
        c = a + b + x - 1.0
        z = t / (alpha + T + t)
        tail = np.power(1.0 - z, a - 1.0) * special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
        head = c / (a - 1.0) * (1.0 - tail)
        result = head * special.expit(-_alive_log_odds_inverse(fit, x, t_x, T))
    result = np.where(t > 0, result, 0.0)
    return _finite(result, 0.0, 0.0, None)


def _finite(values, fallback, lower, upper):
    values = np.where(np.isfinite(values), values, fallback)
    return np.clip(values, lower, upper)


def cumulative_purchases_by_month(fit, x, t_x, T, months=12):
    """Expected purchases in (T, T + t_m] for m = 0..months: shape (customers, months + 1)."""
    x, t_x, T = (np.asarray(value, dtype=float).ravel() for value in (x, t_x, T))
    ends = np.arange(months + 1, dtype=float) * MONTH_WEEKS
    cumulative = expected_purchases(fit, ends[None, :], x[:, None], t_x[:, None], T[:, None])
    # A cumulative count never decreases; clip rounding of the special functions.
    return np.maximum.accumulate(cumulative, axis=1)


def monthly_purchases(fit, x, t_x, T, months=12):
    """Expected purchases in each of the next ``months`` months: shape (customers, months)."""
    return np.diff(cumulative_purchases_by_month(fit, x, t_x, T, months), axis=1)


# ----------------------------------------------------------------------------- Gamma-Gamma


def gamma_gamma_log_likelihood(params, x, mean_value, weights=None):
    """Sum of the Gamma-Gamma log-likelihood of repeat buyers for ``params`` = (p, q, v)."""
    p, q, v = (float(value) for value in params)
    x = np.asarray(x, dtype=float)
    mean_value = np.asarray(mean_value, dtype=float)
    weights = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    return float(np.sum(weights * _gamma_gamma_rows(p, q, v, x, mean_value)))


def _gamma_gamma_rows(p, q, v, x, mean_value):
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * np.log(mean_value)
        + px * np.log(x)
        - (px + q) * np.log(v + x * mean_value)
    )


def fit_gamma_gamma(x, mean_value, min_customers=MIN_CUSTOMERS):
    """Maximum-likelihood Gamma-Gamma fit over the customers with x >= 1 and a positive
    finite mean repeat value (the others are left out)."""
    x = np.asarray(x, dtype=float).ravel()
    mean_value = np.asarray(mean_value, dtype=float).ravel()
    keep = np.isfinite(x) & np.isfinite(mean_value) & (x >= 1) & (mean_value > 0)
    rows, weights = np.unique(
        np.column_stack([x[keep], mean_value[keep]]), axis=0, return_counts=True
    )
    count = int(keep.sum())
    fit = GammaGammaFit(customer_count=count)
    if count < min_customers:
        return _set_state(
            fit, TOO_FEW_DATA, "few_positive_values", {"count": count, "minimum": min_customers}
        )
    gx, gm, weights = rows[:, 0], rows[:, 1], weights.astype(float)
    scale = 1.0 / count

    def objective(log_params):
        p, q, v = np.exp(log_params)
        value = -float(np.sum(weights * _gamma_gamma_rows(p, q, v, gx, gm))) * scale
        return value if math.isfinite(value) else 1e300

    mean = float(np.sum(weights * gm) * scale)
    start = np.log([1.0, 3.0, max(mean * 2.0, 1e-3)])
    with np.errstate(all="ignore"):
        result, values, edge = minimize_log_params(objective, start, ("p", "q", "v"), scale)
        log_likelihood = -float(result.fun) / scale
    state, reason, params = _outcome(result, values, edge, log_likelihood)
    fit.converged = bool(result.success)
    if state == FITTED and values[1] <= 1.0:
        state, reason, params = FAILED, "infinite_mean", {"q": float(values[1])}
    if state == FITTED:
        fit.p, fit.q, fit.v = (float(value) for value in values)
        fit.log_likelihood = log_likelihood
        params = {"count": count, "repeat": count}
    return _set_state(fit, state, reason, params)


def expected_purchase_value(fit, x, mean_value):
    """Conditional expected value of a purchase: (v + x m) p / (p x + q - 1).

    A customer without repeat purchases (x = 0) gets the population mean; a negative mean
    counts as 0. Without a fitted spend model: the customer's own mean repeat value, and
    for x = 0 the mean value of all repeat purchases given.
    """
    x = np.asarray(x, dtype=float)
    mean_value = np.clip(np.where(np.isfinite(mean_value), mean_value, 0.0), 0.0, None)
    x = np.where(np.isfinite(x) & (x > 0), x, 0.0)
    if not fit.is_fitted:
        total = float(np.sum(x))
        overall = float(np.sum(x * mean_value)) / total if total > 0 else 0.0
        return _finite(np.where(x > 0, mean_value, overall), 0.0, 0.0, None)
    with np.errstate(all="ignore"):
        value = (fit.v + x * mean_value) * fit.p / (fit.p * x + fit.q - 1.0)
    return _finite(value, fit.population_mean, 0.0, None)


# ----------------------------------------------------------------------------- CLV


def monthly_discount_rate(yearly_rate):
    """(1 + yearly)^(1/12) - 1."""
    return (1.0 + float(yearly_rate)) ** (1.0 / 12.0) - 1.0


def customer_lifetime_value(
    fit, x, t_x, T, purchase_value, margin_ratio, horizon_months=36, yearly_discount=0.1
):
    """CLV per customer: the sum over months m = 1..H of the month's expected purchases x
    expected purchase value x margin ratio / (1 + d_month)^m (see the module docstring)."""
    x = np.asarray(x, dtype=float).ravel()
    per_month = monthly_purchases(fit, x, t_x, T, max(int(horizon_months), 0))
    return _discounted_value(per_month, purchase_value, margin_ratio, yearly_discount)


def _discounted_value(per_month, purchase_value, margin_ratio, yearly_discount):
    """Monthly purchases (customers x months), valued, with the margin, discounted."""
    months = per_month.shape[1]
    discount = (1.0 + monthly_discount_rate(yearly_discount)) ** -np.arange(1, months + 1.0)
    value = np.broadcast_to(np.asarray(purchase_value, dtype=float), per_month.shape[:1])
    margin = np.broadcast_to(np.asarray(margin_ratio, dtype=float), per_month.shape[:1])
    return _finite((per_month @ discount) * value * margin, 0.0, None, None)


# Customers predicted at a time (see ``predict_customers``).
PREDICTION_CHUNK = 10000


@dataclass
class CustomerPredictions:
    """What the model expects of each customer (arrays in the order of the input)."""

    p_alive: np.ndarray
    expected_purchases_12m: np.ndarray
    expected_purchase_value: np.ndarray
    expected_revenue_12m: np.ndarray
    clv: np.ndarray
    monthly_purchases: np.ndarray
    monthly_revenue: np.ndarray


def predict_customers(
    bgnbd,
    spend,
    x,
    t_x,
    T,
    mean_value,
    margin_ratio,
    horizon_months=36,
    yearly_discount=0.1,
    forecast_months=12,
    chunk_size=PREDICTION_CHUNK,
):
    """All per-customer predictions of a fitted BG/NBD model.

    ``expected_purchases_12m`` covers the next 365 days (12 months of 365 / 12 days);
    ``expected_revenue_12m`` = that x ``expected_purchase_value``; ``clv`` as in
    ``customer_lifetime_value``; ``monthly_purchases`` / ``monthly_revenue`` have one
    column per month of the next ``forecast_months``. ``spend`` may be a fit that is not
    'fitted' (see ``expected_purchase_value``). Raises ValueError without a fitted BG/NBD.
    Computed ``chunk_size`` customers at a time: the months of the CLV horizon are a
    (customers x months) matrix, so the memory stays that of one chunk.
    """
    if not bgnbd.is_fitted:
        raise ValueError("Predictions need a fitted BG/NBD model.")
    x, t_x, T, mean_value = (
        np.asarray(value, dtype=float).ravel() for value in (x, t_x, T, mean_value)
    )
    margin = np.broadcast_to(np.asarray(margin_ratio, dtype=float), x.shape)
    # Over all customers at once: without a fitted spend model, x = 0 takes the mean of all.
    value = expected_purchase_value(spend, x, mean_value)
    parts = [
        _predict_chunk(
            bgnbd,
            *(a[start : start + chunk_size] for a in (x, t_x, T, value, margin)),
            horizon_months,
            yearly_discount,
            forecast_months,
        )
        for start in range(0, max(len(x), 1), max(int(chunk_size), 1))
    ]
    return CustomerPredictions(
        **{
            name: np.concatenate([getattr(part, name) for part in parts])
            for name in CustomerPredictions.__dataclass_fields__
        }
    )


def _predict_chunk(
    bgnbd,
    x,
    t_x,
    T,
    value,
    margin_ratio,
    horizon_months,
    yearly_discount,
    forecast_months,
):
    """``predict_customers`` on one chunk of customers (``value``: their expected
    purchase value)."""
    horizon_months = max(int(horizon_months), 0)
    months = max(horizon_months, int(forecast_months), 12)
    cumulative = cumulative_purchases_by_month(bgnbd, x, t_x, T, months)
    per_month = np.diff(cumulative, axis=1)
    clv = _discounted_value(per_month[:, :horizon_months], value, margin_ratio, yearly_discount)
    # Copies, not views: a view keeps the whole (customers x horizon) matrix of its chunk
    # alive until every chunk is done (10 MB per 10,000 customers at 5 years).
    monthly = per_month[:, : int(forecast_months)].copy()
    purchases_12m = cumulative[:, 12].copy()
    return CustomerPredictions(
        p_alive=probability_alive(bgnbd, x, t_x, T),
        expected_purchases_12m=purchases_12m,
        expected_purchase_value=value,
        expected_revenue_12m=_finite(purchases_12m * value, 0.0, 0.0, None),
        clv=clv,
        monthly_purchases=monthly,
        monthly_revenue=_finite(monthly * value[:, None], 0.0, 0.0, None),
    )
