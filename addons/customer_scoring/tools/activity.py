"""Activity classes and the computed regularity of a customer, from its purchase days.

Purchase days are those of ``customer_starts.purchase_days_sql`` (days with a posted
customer invoice; credit notes, drafts and cancelled moves are no purchase). Both figures
are computed in the scoring run's set-based pass (``customer_score_figures``), from the
counts and gaps per customer that this module's SQL fragments turn into a class and a
rating.

**Activity class** as of the scoring date D (company settings, defaults in brackets):

- *active*: at least ``score_active_days_per_week`` (1) purchase days per week on average
  over the last ``score_active_weeks`` (13) weeks, i.e. at least 13 purchase days in
  D - 90 .. D;
- *occasional*: else at least ``score_occasional_days_per_month`` (1) per month over the
  last ``score_occasional_months`` (3) months, i.e. at least 3 purchase days in
  D - 3 months + 1 day .. D; and a customer that started (first purchase, or return after
  a long pause: ``customer_starts``) within those months, too new for a rhythm;
- *passive*: bought before but less than that;
- *potential*: never bought (no purchase day on or before D).

A bound is met exactly at it (13 purchase days in 13 weeks is active). A customer whose
first purchase was last week is not "passive": it did not buy less than before, it has
only just begun (our reading of "used to buy, now buys less or stopped").

**Computed regularity** (1-5): the coefficient of variation (CV = population standard
deviation / mean) of the gaps in days between consecutive purchase days of the scoring
window (the 12 months ending on D; both days of a gap in the window). At least
``MIN_REGULARITY_DAYS`` (4) purchase days in the window, else no rating (0). Bands, the CV
rounded to 4 decimals, each bound included in the better band:

    CV <= 0.25: 5   CV <= 0.50: 4   CV <= 0.75: 3   CV <= 1.00: 2   CV > 1.00: 1

It stands in for the owner's regularity rating in the evaluative factor while the owner
has not rated regularity (``score_rules.evaluative_sql``).
"""

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

ACTIVITY_CLASSES = [
    ("active", "Active"),
    ("occasional", "Occasional"),
    ("passive", "Passive"),
    ("potential", "Potential"),
]
REGULARITY_SOURCES = [("rated", "Rated by the owner"), ("computed", "Computed from orders")]
MIN_REGULARITY_DAYS = 4
# (highest CV of the band, rating), best band first; above the last bound: 1.
REGULARITY_BANDS = ((0.25, 5), (0.5, 4), (0.75, 3), (1.0, 2))
CV_DIGITS = 4


def activity_windows(company, date):
    """First day of the active and of the occasional window as of ``date``, and the
    purchase days each needs (the rate times the window, exact)."""
    return {
        "active_from": date - relativedelta(days=7 * company.score_active_weeks - 1),
        "occasional_from": date
        - relativedelta(months=company.score_occasional_months)
        + relativedelta(days=1),
        "active_min": round(company.score_active_days_per_week * company.score_active_weeks, 6),
        "occasional_min": round(
            company.score_occasional_days_per_month * company.score_occasional_months, 6
        ),
    }


def activity_class(company, date, start_date, last_date, active_days, occasional_days):
    """The activity class from the last start and the last purchase day, and the purchase
    days counted in the two windows of ``activity_windows``. The Python twin of
    ``activity_class_sql``."""
    windows = activity_windows(company, date)
    if not last_date:
        return "potential"
    if active_days >= windows["active_min"]:
        return "active"
    if occasional_days >= windows["occasional_min"] or start_date >= windows["occasional_from"]:
        return "occasional"
    return "passive"


def activity_class_sql(company, date, start_date, last_date, active_days, occasional_days):
    """SQL CASE of ``activity_class``; the arguments are SQL expressions."""
    windows = activity_windows(company, date)
    return SQL(
        """CASE WHEN %(last)s IS NULL THEN 'potential'
                WHEN COALESCE(%(active)s, 0) >= %(active_min)s THEN 'active'
                WHEN COALESCE(%(occasional)s, 0) >= %(occasional_min)s
                     OR %(start)s >= %(occasional_from)s THEN 'occasional'
                ELSE 'passive' END""",
        start=start_date,
        last=last_date,
        active=active_days,
        occasional=occasional_days,
        active_min=windows["active_min"],
        occasional_min=windows["occasional_min"],
        occasional_from=windows["occasional_from"],
    )


def regularity_band(cv, window_days):
    """Rating 1-5 of a CV of the gaps (None: none) with ``window_days`` purchase days in
    the window; 0 below ``MIN_REGULARITY_DAYS`` days. The Python twin of
    ``regularity_sql``."""
    if cv is None or window_days < MIN_REGULARITY_DAYS:
        return 0
    cv = round(cv, CV_DIGITS)
    for bound, rating in REGULARITY_BANDS:
        if cv <= bound:
            return rating
    return 1


def regularity_sql(cv, window_days):
    """SQL CASE of ``regularity_band``; ``cv`` and ``window_days`` are SQL expressions."""
    bands = SQL(" ").join(
        SQL("WHEN ROUND((%s)::numeric, %s) <= %s THEN %s", cv, CV_DIGITS, bound, rating)
        for bound, rating in REGULARITY_BANDS
    )
    return SQL(
        """CASE WHEN %(cv)s IS NULL OR COALESCE(%(days)s, 0) < %(min_days)s THEN 0
                ELSE CASE %(bands)s ELSE 1 END END""",
        cv=cv,
        days=window_days,
        min_days=MIN_REGULARITY_DAYS,
        bands=bands,
    )


def activity_counts_sql(company, date, window_from):
    """Aggregates over the purchase days ``date`` with their ``gap`` (days since the
    previous purchase day, NULL on the first) of one customer, up to ``date``: the purchase
    days of the active and occasional windows (``active_days``, ``occasional_days``), of
    the scoring window from ``window_from`` (``window_days``) and the CV of the gaps within
    it (``gap_cv``)."""
    windows = activity_windows(company, date)
    in_window = SQL("date - gap >= %s", window_from)
    return SQL(
        """COUNT(*) FILTER (WHERE date >= %(active_from)s) AS active_days,
           COUNT(*) FILTER (WHERE date >= %(occasional_from)s) AS occasional_days,
           COUNT(*) FILTER (WHERE date >= %(window_from)s) AS window_days,
           (STDDEV_POP(gap) FILTER (WHERE %(in_window)s)
               / NULLIF(AVG(gap) FILTER (WHERE %(in_window)s), 0))::float8 AS gap_cv""",
        active_from=windows["active_from"],
        occasional_from=windows["occasional_from"],
        window_from=window_from,
        in_window=in_window,
    )
