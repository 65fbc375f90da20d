"""Per-customer purchase figures for the customer-base model, from purchase days.

A purchase is a calendar day with at least one purchase of the customer; its value is the
sum of that day's values. For the scoring date D and a customer whose first purchase day
is on or before D: x = purchase days after the first, up to D; t_x = (last - first) / 7;
T = (D - first) / 7 (weeks); purchases after D never count. The mean value is the mean of
the repeat purchase days' values (the first purchase excluded).
"""

import datetime
from dataclasses import dataclass

import numpy as np

from .clv_model import WEEK_DAYS


@dataclass
class CustomerSummary:
    """Per-customer (x, t_x, T) and mean repeat value as of a scoring date."""

    customer_ids: list
    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    mean_value: np.ndarray
    first_dates: list
    last_dates: list


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def customer_summary(purchases, scoring_date):
    """Summaries as of ``scoring_date`` from ``{customer: iterable of (date, value)}``.

    Several entries on one day are one purchase day whose value is their sum; entries after
    the scoring date are ignored; customers without a purchase on or before it are left out.
    ``mean_value`` is the mean value of the repeat purchase days (0.0 when x = 0).
    """
    scoring_date = _as_date(scoring_date)
    ids, xs, t_xs, Ts, means, firsts, lasts = [], [], [], [], [], [], []
    for customer, entries in purchases.items():
        days = {}
        for day, value in entries:
            day = _as_date(day)
            if day <= scoring_date:
                days[day] = days.get(day, 0.0) + float(value)
        if not days:
            continue
        ordered = sorted(days)
        first, last = ordered[0], ordered[-1]
        repeats = len(ordered) - 1
        ids.append(customer)
        xs.append(repeats)
        t_xs.append((last - first).days / WEEK_DAYS)
        Ts.append((scoring_date - first).days / WEEK_DAYS)
        means.append(sum(days[day] for day in ordered[1:]) / repeats if repeats else 0.0)
        firsts.append(first)
        lasts.append(last)
    return CustomerSummary(
        customer_ids=ids,
        x=np.asarray(xs, dtype=float),
        t_x=np.asarray(t_xs, dtype=float),
        T=np.asarray(Ts, dtype=float),
        mean_value=np.asarray(means, dtype=float),
        first_dates=firsts,
        last_dates=lasts,
    )


def rfm_from_dates(dates_by_customer, scoring_date):
    """(customer ids, x, t_x, T) from ``{customer: iterable of purchase dates}``."""
    summary = customer_summary(
        {customer: [(day, 0.0) for day in days] for customer, days in dates_by_customer.items()},
        scoring_date,
    )
    return summary.customer_ids, summary.x, summary.t_x, summary.T


def repeat_mean_values(purchases, scoring_date):
    """``{customer: mean value of its repeat purchase days}`` for customers with x >= 1."""
    summary = customer_summary(purchases, scoring_date)
    return {
        customer: float(mean)
        for customer, x, mean in zip(
            summary.customer_ids, summary.x, summary.mean_value, strict=True
        )
        if x >= 1
    }
