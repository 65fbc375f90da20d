"""The customer-base model's cost in the daily run (`bench.py measure model`).

The daily full run (as of the day after the database's date, every row moves, rolled back)
alternately with the model, as the product runs it, and without it: the run's model step
(``customer.clv.model._apply_to_run``) patched in this process to the path the product
takes when no model could be fitted (``_apply_predictions`` with no model: the
retention-rate CLV stays, no forecast, no backtest). The runs are interleaved in pairs, the order
alternating (with/without, without/with, ...), so that a drift of the machine's load falls
on both sides; the figures are medians.

Inside the runs with the model, its own work is timed piece by piece: the purchase-day
read (``_purchase_read``, one query for the fit, the predictions and the backtest), the
fit (``_fit_company``: always a fresh fit, no fit of the run's date is kept), the
predictions (``tools/clv_model.predict_customers``), the update of the rows being computed,
the replacement of the monthly forecast and the backtest (``customer.clv.backtest``)."""

import time
from datetime import timedelta
from statistics import median

from .common import log, peak_rss_mb

PIECES = ("read", "fit", "predict", "update", "forecast", "backtest")


def _timer(cls, name, spent, key):
    """Wrap ``cls.name`` so that its time adds to ``spent[key]``."""
    original = getattr(cls, name)

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - t0

    setattr(cls, name, timed)


def _instrument(env, spent, mode):
    """The timers on the model's pieces, and the switch of the run's model step
    (``customer.clv.model._apply_to_run``): ``mode[0]`` "with" runs the product's step,
    "without" the path taken when no model could be fitted. What the run does with the
    step's result (the early passive and declining signals) runs in both."""
    from odoo.addons.customer_scoring.tools import clv_model

    Model = type(env["customer.clv.model"])
    # One read serves the fit, the predictions and the backtest where it exists.
    read = "_purchase_read" if hasattr(Model, "_purchase_read") else "_purchase_summary"
    _timer(Model, read, spent, "read")
    _timer(Model, "_fit_company", spent, "fit")
    _timer(Model, "_apply_predictions", spent, "apply")
    _timer(clv_model, "predict_customers", spent, "predict")
    Forecast = type(env["customer.purchase.forecast"])
    if hasattr(Forecast, "replace_company"):  # a forecast table of its own, replaced per run
        _timer(Forecast, "replace_company", spent, "forecast")
    if "customer.clv.backtest" in env:
        _timer(type(env["customer.clv.backtest"]), "_run_company", spent, "backtest")

    with_model = Model._apply_to_run

    def step(self, company, date, rows, partner_ids=None, full=False):
        t0 = time.perf_counter()
        try:
            if mode[0] == "with":
                return with_model(self, company, date, rows, partner_ids, full)
            # No fit: the retention-rate CLV stays, no forecast, no backtest.
            self._apply_predictions(company, date, rows, self.browse(), partner_ids)
            return self.browse()
        finally:
            spent["step"] += time.perf_counter() - t0

    Model._apply_to_run = step


def _daily_run(env, day, spent, mode, label):
    """One daily run as of ``day`` (rolled back): its seconds, and the model's pieces."""
    from .measures import scorer

    score, companies = scorer(env)
    # A fit (or backtest) of the run's date would be reused: the measured ones are fresh.
    env.cr.execute("DELETE FROM customer_clv_model WHERE date = %s", [day])
    if "customer.clv.backtest" in env:
        env.cr.execute("DELETE FROM customer_clv_backtest WHERE date = %s", [day])
    env.invalidate_all()
    for key in spent:
        spent[key] = 0.0
    mode[0] = label
    t0 = time.perf_counter()
    rows = score.compute_scores(companies=companies, date=day)
    seconds = time.perf_counter() - t0
    count = len(rows)
    env.cr.execute(
        "SELECT COALESCE(SUM(customer_count), 0), COUNT(*) FROM customer_clv_model "
        "WHERE date = %s AND state = 'fitted'",
        [day],
    )
    customers, fitted = env.cr.fetchone()
    env.cr.rollback()
    pieces = dict(spent)
    # _apply_predictions holds the predictions and the forecast; the rest is the UPDATE.
    pieces["update"] = pieces.pop("apply") - pieces["predict"] - pieces["forecast"]
    log(f"  daily run {label} the model: {seconds:.1f} s, model step {pieces['step']:.2f} s")
    return {
        "seconds": seconds,
        "rows": count,
        "customers": customers,
        "fitted": fitted,
        **pieces,
    }


def measure_model(env, args):
    """``args.pairs`` pairs of daily runs, with and without the model, interleaved."""
    day = args.today + timedelta(days=1)
    spent = dict.fromkeys(("read", "fit", "apply", "predict", "forecast", "backtest", "step"), 0.0)
    mode = ["with"]
    _instrument(env, spent, mode)
    runs = {"with": [], "without": []}
    for pair in range(args.pairs):
        order = ("with", "without") if pair % 2 == 0 else ("without", "with")
        for label in order:
            runs[label].append(_daily_run(env, day, spent, mode, label))
    with_runs, without_runs = runs["with"], runs["without"]
    result = {
        "pairs": args.pairs,
        "with_seconds": median(r["seconds"] for r in with_runs),
        "without_seconds": median(r["seconds"] for r in without_runs),
        "with_all": [round(r["seconds"], 2) for r in with_runs],
        "without_all": [round(r["seconds"], 2) for r in without_runs],
        "without_step_seconds": median(r["step"] for r in without_runs),
        "step_seconds": median(r["step"] for r in with_runs),
        "customers": with_runs[0]["customers"],
        "fitted": with_runs[0]["fitted"],
        "rows": with_runs[0]["rows"],
        "peak_rss_mb": peak_rss_mb(),
    }
    for piece in PIECES:
        result[f"{piece}_seconds"] = median(r[piece] for r in with_runs)
    result["seconds"] = result["with_seconds"]
    return result
