"""The optimiser of the customer-base model's fits (``clv_model``): L-BFGS-B on
log-parameters within fixed bounds, with a Nelder-Mead restart and a small ridge penalty."""

import math

import numpy as np
from scipy import optimize

# Each parameter lives in [PARAM_MIN, PARAM_MAX]; a fit ending within a hair of an edge
# is not determined by the data.
PARAM_MIN = 1e-6
PARAM_MAX = 1e6
_LOG_BOUNDS = (math.log(PARAM_MIN), math.log(PARAM_MAX))
_EDGE = 1e-3
RIDGE = 1e-4
# Mean log-likelihood per unit of a log-parameter below which an optimiser that stopped
# early is at the optimum the data allow (see ``_lbfgsb``).
STATIONARY_GRADIENT = 1e-4


def _lbfgsb(objective, start, bounds, options):
    """L-BFGS-B; a stop in its line search ("ABNORMAL", frequent with SciPy 1.15 and newer
    on a flat likelihood) counts as converged where the objective is flat to
    STATIONARY_GRADIENT: the data cannot move the parameters any further."""
    result = optimize.minimize(objective, start, method="L-BFGS-B", bounds=bounds, options=options)
    if not result.success and np.all(np.isfinite(result.x)):
        gradient = optimize.approx_fprime(result.x, objective, 1e-7)
        if np.all(np.isfinite(gradient)) and np.max(np.abs(gradient)) <= STATIONARY_GRADIENT:
            result.success = True
    return result


def minimize_log_params(unpenalised, start, names, scale):
    """L-BFGS-B on log-parameters, with a Nelder-Mead restart when it stops early. A ridge
    penalty (RIDGE log-likelihood units over the ``1 / scale`` customers) gives a small data
    set whose likelihood rises towards infinity along a ridge (no spread in dropout or
    spend) an interior optimum; on thousands of customers it moves no parameter visibly."""
    bounds = [_LOG_BOUNDS] * len(start)

    def objective(log_params):
        return unpenalised(log_params) + RIDGE * scale * float(np.dot(log_params, log_params))

    options = {"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9}
    result = _lbfgsb(objective, start, bounds, options)
    if not result.success or not np.all(np.isfinite(result.x)):
        simplex = optimize.minimize(
            objective,
            np.clip(start, *_LOG_BOUNDS),
            method="Nelder-Mead",
            bounds=bounds,
            options={"maxiter": 4000 * len(start), "xatol": 1e-9, "fatol": 1e-12},
        )
        if np.all(np.isfinite(simplex.x)):
            result = _lbfgsb(objective, simplex.x, bounds, options)
            if not result.success and simplex.success and simplex.fun <= result.fun:
                result = simplex
    result.fun = unpenalised(result.x)
    values = np.exp(result.x)
    edge = next(
        (
            name
            for name, log_value in zip(names, result.x, strict=True)
            if log_value <= _LOG_BOUNDS[0] + _EDGE or log_value >= _LOG_BOUNDS[1] - _EDGE
        ),
        None,
    )
    return result, values, edge
