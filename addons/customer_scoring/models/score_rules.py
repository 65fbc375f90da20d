"""The composite score rule: the lifecycle stage of a customer (the gap rule, and the
early signals: P(alive) after a regular rhythm, spend declining against its own history),
how each factor is normalised, how unrated evaluative ratings and passive / lost customers
are treated, and the explanation and the owner's notes shown to users.

Plain functions building SQL fragments (used by ``customer.score._prepare_final_table``)
and the explanation text; the rule itself is described in readme/DESCRIPTION.md.
"""

import ast

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo.addons.base.models.res_lang import intersperse
from odoo.addons.key_account_mgmt.models.res_partner import RATING_FIELDS
from odoo.tools import SQL, float_round
from odoo.tools.misc import format_amount, formatLang, get_lang
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Factor name -> (company weight field, label); order is the order of the explanation.
SCORE_FACTORS = {
    "revenue": ("score_weight_revenue", _lt("Revenue 12 months (size and rank among buyers)")),
    "growth": ("score_weight_growth", _lt("Revenue growth (damped on a small base)")),
    "margin": ("score_weight_margin", _lt("Margin % (rank among buyers)")),
    "frequency": ("score_weight_frequency", _lt("Invoices 12 months (rank among buyers)")),
    "recency": ("score_weight_recency", _lt("Recency of the last invoice")),
    "payment": ("score_weight_payment", _lt("Payment behaviour")),
    "evaluative": ("score_weight_evaluative", _lt("Evaluative ratings by the owner")),
}
# The owner's ratings of a customer, as key_account_mgmt defines them.
EVALUATIVE_FIELDS = RATING_FIELDS
# Highest score of a customer that stopped buying, whatever its history: a passive or lost
# customer is a customer to win back, not one of the best.
SCORE_CAPS = {"passive": 40.0, "lost": 20.0}
# The size half of the revenue factor is the square root of the revenue against the
# company's largest buyer (percentile 1); growth counts fully once the previous 12 months
# reach the median buyer.
SIZE_PERCENTILE = 1.0
GROWTH_BASE_PERCENTILE = 0.5


def lifecycle_limits(company, date):
    """The company's lifecycle settings as of ``date``: invoices before ``lost_before``
    mean lost, a first invoice after ``new_after`` means new; passive needs at least
    ``min_days`` since the last invoice and more than ``gap_factor`` times the customer's
    usual (median) gap between invoices."""
    return {
        "lost_before": date - relativedelta(months=company.score_lost_months),
        "new_after": date - relativedelta(months=company.score_new_months),
        "min_days": company.score_passive_min_days,
        "gap_factor": company.score_passive_gap_factor,
    }


def lifecycle_stage(company, date, first_date, last_date, median_gap):
    """Lifecycle stage of a customer as of ``date`` from its start date, last invoice
    date and median gap in days (None without two invoices): prospect (never invoiced),
    lost, passive, new or active. ``first_date`` is the customer's last start
    (``tools/customer_starts.py``): its first purchase day, or its return after a pause
    longer than the company's ``score_return_pause_days``, from which a returning customer
    is new again for as long as a first-time customer. The Python twin of
    ``lifecycle_stage_sql()``."""
    limits = lifecycle_limits(company, date)
    if not last_date:
        return "prospect"
    if last_date < limits["lost_before"]:
        return "lost"
    recency = (date - last_date).days
    if recency >= limits["min_days"] and recency > limits["gap_factor"] * (median_gap or 0):
        return "passive"
    if first_date > limits["new_after"]:
        return "new"
    return "active"


def lifecycle_stage_sql(company, date, first_date, last_date, median_gap):
    """SQL CASE of ``lifecycle_stage()``; the dates and the gap are SQL expressions."""
    limits = lifecycle_limits(company, date)
    return SQL(
        """CASE WHEN %(last)s IS NULL THEN 'prospect'
            WHEN %(last)s < %(lost_before)s THEN 'lost'
            WHEN %(date)s::date - %(last)s >= %(min_days)s
                 AND %(date)s::date - %(last)s > %(gap_factor)s * COALESCE(%(gap)s, 0)
                THEN 'passive'
            WHEN %(first)s > %(new_after)s THEN 'new'
            ELSE 'active' END""",
        first=first_date,
        last=last_date,
        gap=median_gap,
        date=date,
        **limits,
    )


def passive_signal_sql(company, fitted):
    """CASE giving the passive signal of score row ``r`` with the customer-base model's
    ``f.p_alive``: 'gap' when the gap rule made it passive; 'p_alive' when an active
    customer (not new, lost or a prospect) that bought on at least the company's minimum
    of purchase days has a P(alive) below the company's threshold, and only when
    ``fitted`` (the model gave it a P(alive)); else NULL. A threshold of 0 never fires."""
    early = SQL("FALSE")
    if fitted and company.score_passive_p_alive > 0:
        early = SQL(
            "r.lifecycle_stage = 'active' AND r.purchase_day_count >= %s AND f.p_alive < %s",
            company.score_passive_min_purchases,
            company.score_passive_p_alive,
        )
    return SQL(
        "CASE WHEN r.lifecycle_stage = 'passive' THEN 'gap' WHEN %s THEN 'p_alive' END", early
    )


def declining_sql(company, median):
    """Whether score row ``r``'s spend is declining: its 12-month revenue below (1 - the
    company's decline share) times the 12 months before, on a previous 12 months of at
    least ``median`` (the median buyer's 12-month revenue, the base at which growth
    counts fully in the score: a fall on a small base is no signal)."""
    return SQL(
        """(r.revenue_prev_12m > 0 AND r.revenue_prev_12m >= %s
            AND r.revenue_12m < %s::numeric * r.revenue_prev_12m)""",
        median,
        round(1.0 - company.score_decline_share, 6),
    )


def company_figures(cr, company, rows):
    """The company-wide figures of the score rows of ``company`` in ``rows`` (an SQL table
    of score rows) that the ranks and signals need, from one pass over them: ``total``
    (12-month revenue of every row), ``buyers`` (rows with revenue) and
    ``buyers_revenue``, ``median`` and ``top`` (the buyers' median and largest 12-month
    revenue, see ``company_benchmarks``); 0 when nobody bought."""
    cr.execute(
        SQL(
            """SELECT COALESCE(SUM(revenue_12m), 0),
                      COUNT(*) FILTER (WHERE revenue_12m > 0),
                      COALESCE(SUM(revenue_12m) FILTER (WHERE revenue_12m > 0), 0),
                      COALESCE(percentile_cont(%s) WITHIN GROUP (ORDER BY revenue_12m::float8)
                                   FILTER (WHERE revenue_12m > 0), 0),
                      COALESCE(percentile_cont(%s) WITHIN GROUP (ORDER BY revenue_12m::float8)
                                   FILTER (WHERE revenue_12m > 0), 0)
                 FROM %s WHERE company_id = %s""",
            GROWTH_BASE_PERCENTILE,
            SIZE_PERCENTILE,
            rows,
            company.id,
        )
    )
    total, buyers, buyers_revenue, median, top = cr.fetchone()
    return {
        "total": total,
        "buyers": buyers,
        "buyers_revenue": buyers_revenue,
        "median": float(median),
        "top": float(top),
    }


def company_benchmarks(cr, company, rows):
    """(median, largest) 12-month revenue of the company's buyers in
    ``rows`` (an SQL table of score rows); 0 when nobody bought."""
    figures = company_figures(cr, company, rows)
    return figures["median"], figures["top"]


def revenue_factor_sql(top, higher=None, buyers=None):
    """Half the rank among buyers (cumulative distribution), half the size: the square
    root of the revenue against the company's largest buyer. A rank alone put a customer
    of 8,000 close to one of 500,000 when most customers are small; a size capped at the
    top tenth put every regular customer level with the largest key account. The square
    root keeps a customer of a tenth of the largest at a third of the size points.
    ``higher`` (the buyers with more revenue) and ``buyers`` are SQL expressions; by
    default the windows ``w_desc`` and ``w_all`` of the ranked rows."""
    size = (
        SQL("SQRT(LEAST(GREATEST(cs.revenue_12m::float8, 0) / %s, 1))", top)
        if top > 0
        else SQL("0")
    )
    return SQL(
        """CASE WHEN cs.revenue_12m > 0
                THEN 0.5 * (1 - (%s)::float / %s) + 0.5 * %s
                ELSE 0 END""",
        higher or SQL("RANK() OVER w_desc - 1"),
        buyers or SQL("COUNT(*) OVER w_all"),
        size,
    )


def growth_factor_sql(median):
    """(growth % + 100) / 200 clipped to 0..1 (so growth counts up to +100 %), pulled
    towards the neutral 0.5 in proportion to the previous 12 months' revenue against the
    median buyer's: +988 % on 700 is no signal, +20 % on 400,000 is."""
    base = (
        SQL("LEAST(GREATEST(cs.revenue_prev_12m::float8, 0) / %s, 1)", median)
        if median > 0
        else SQL("0")
    )
    return SQL(
        """CASE WHEN cs.revenue_12m <= 0 AND cs.revenue_prev_12m <= 0 THEN 0
                ELSE 0.5 + (LEAST(GREATEST((cs.revenue_growth + 100) / 200.0, 0), 1) - 0.5) * %s
                END""",
        base,
    )


REGULARITY_FIELD = "kam_regularity_value"


def _rating_fields(partner_model):
    """The owner's rating fields stored on ``res_partner`` (company-independent)."""
    partner_fields = partner_model._fields
    return [
        name
        for name in EVALUATIVE_FIELDS
        if name in partner_fields
        and partner_fields[name].store
        and not partner_fields[name].company_dependent
    ]


def _rating_sql(name, regularity):
    """The 1-5 rating of factor ``name`` on ``p`` (res_partner), 0 when not rated: the
    owner's, or for regularity the ``regularity`` computed from the order history (an
    SQL expression, 0 when none) while the owner has not rated it."""
    column = SQL("p.%s", SQL.identifier(name))
    if name == REGULARITY_FIELD and regularity is not None:
        return SQL(
            "(CASE WHEN %s > 0 THEN %s ELSE COALESCE(%s, 0) END)", column, column, regularity
        )
    return column


def evaluative_sql(partner_model, regularity=None):
    """(factor, rated) SQL on ``p`` (res_partner): the average of the non-zero 1-5 ratings
    mapped to 0..1, and whether any rating counts. The ratings are the owner's; regularity
    not rated by the owner (``kam_regularity_value`` = 0) takes ``regularity``, the rating
    computed from the order history (an SQL expression, 0 when none; None: not used)."""
    names = _rating_fields(partner_model)
    if not names:
        return SQL("0"), SQL("FALSE")
    ratings = [_rating_sql(name, regularity) for name in names]
    rated = SQL(" + ").join(
        SQL("(CASE WHEN %s > 0 THEN 1 ELSE 0 END)", rating) for rating in ratings
    )
    total = SQL(" + ").join(
        SQL("(CASE WHEN %s > 0 THEN LEAST(%s, 5) ELSE 0 END)", rating, rating) for rating in ratings
    )
    factor = SQL(
        "CASE WHEN (%s) > 0 THEN ((%s)::numeric / (%s) - 1) / 4 ELSE 0 END", rated, total, rated
    )
    return factor, SQL("(%s) > 0", rated)


def regularity_source_sql(partner_model, regularity):
    """'rated' when the owner rated regularity on ``p``, 'computed' when ``regularity``
    (the rating from the order history) stands in, else NULL."""
    if REGULARITY_FIELD not in _rating_fields(partner_model):
        return SQL("NULL::varchar")
    return SQL(
        """CASE WHEN p.%s > 0 THEN 'rated'
                WHEN COALESCE(%s, 0) > 0 THEN 'computed' END""",
        SQL.identifier(REGULARITY_FIELD),
        regularity,
    )


def unrated_scale(company):
    """Factor applied to the other weights of a customer nobody has rated: the evaluative
    weight is left out and the others scaled back to 100."""
    evaluative = company.score_weight_evaluative
    return 100.0 / (100 - evaluative) if evaluative < 100 else 1.0


def points_sql(company):
    """Points of every factor (``score_<name>``) from ``r.f_<name>`` and ``e``."""
    scale = unrated_scale(company)
    parts = []
    for name, (field, _label) in SCORE_FACTORS.items():
        weight = company[field]
        if name == "evaluative":
            expr = SQL("CASE WHEN e.is_rated THEN e.f_evaluative * %s ELSE 0 END", weight)
        else:
            expr = SQL(
                "%s * %s * CASE WHEN e.is_rated THEN 1 ELSE %s END",
                SQL.identifier("r", f"f_{name}"),
                weight,
                scale,
            )
        parts.append(SQL("ROUND((%s)::numeric, 2) AS %s", expr, SQL.identifier(f"score_{name}")))
    return SQL(", ").join(parts)


def score_sql():
    """The score from the points of ``x``, capped for passive and lost customers."""
    total = SQL(" + ").join(SQL.identifier("x", f"score_{name}") for name in SCORE_FACTORS)
    caps = SQL(" ").join(SQL("WHEN %s THEN %s", stage, cap) for stage, cap in SCORE_CAPS.items())
    return SQL("LEAST(%s, CASE x.lifecycle_stage %s ELSE 100 END)", total, caps)


def explanation(row):
    """The lines telling why ``row`` (a customer.score, in the env's language) has its
    score: points of every factor out of its effective weight, what was left out, the cap."""
    env = row.env
    company = row.company_id
    scale = 1.0 if row.score_evaluative_rated else unrated_scale(company)

    def num(value):
        return formatLang(env, value, digits=2)

    lines = []
    total = 0.0
    for name, (field, label) in SCORE_FACTORS.items():
        points = row[f"score_{name}"]
        total += points
        if name == "evaluative" and not row.score_evaluative_rated:
            lines.append(
                env._(
                    "%(label)s: not rated yet, left out (the other weights are scaled up "
                    "to 100 points)",
                    label=env._(label),
                )
            )
            continue
        lines.append(
            env._(
                "%(label)s: %(points)s of %(weight)s points",
                label=env._(label),
                points=num(points),
                weight=num(company[field] * scale),
            )
        )
        if name == "evaluative" and row.regularity_source == "computed":
            lines.append(regularity_line(row))
    cap = SCORE_CAPS.get(row.lifecycle_stage)
    if cap is not None and total > row.score + 0.005:
        stage = dict(row._fields["lifecycle_stage"]._description_selection(env))[
            row.lifecycle_stage
        ]
        lines.append(
            env._(
                "%(stage)s customer: score capped at %(cap)s (points add up to %(total)s)",
                stage=stage,
                cap=num(cap),
                total=num(total),
            )
        )
    lines.extend(early_signal_lines(row))
    lines.append(clv_explanation(row))
    lines.append(env._("Score: %(score)s / 100", score=num(row.score)))
    return "\n".join(lines)


def regularity_line(row):
    """The regularity computed from ``row``'s order history that stands in for the owner's
    rating, with the variation of its gaps."""
    env = row.env
    return env._(
        "Regularity not rated by the owner: computed from the order history as %(rating)s "
        "of 5 (the gaps between purchase days of the last 12 months vary by %(cv)s %%)",
        rating=row.regularity_computed,
        cv=formatLang(env, row.regularity_cv * 100, digits=0),
    )


class _LazyFigures(dict):
    """A dict whose values are made on first access from ``makers`` (name: callable)."""

    def __init__(self, makers):
        super().__init__()
        self._makers = makers

    def __missing__(self, key):
        value = self[key] = self._makers[key]()
        return value


def number_formatter(env):
    """``number(value, digits)``: ``formatLang(env, value, digits=digits)`` for many values,
    the language's separators read once (formatLang looks the language up for every number,
    and the first run writes a to-do for every passive customer)."""
    data = get_lang(env)
    grouping = ast.literal_eval(data.grouping)
    separator = data.thousands_sep or ""

    def number(value, digits):
        text = f"%.{digits}f" % float_round(
            value, precision_digits=digits, rounding_method="HALF-EVEN"
        )
        parts = text.split(".")
        parts[0] = intersperse(parts[0], grouping, separator)[0]
        return data.decimal_point.join(parts)

    return number


def _signal_figures(row, number=None):
    """The figures behind ``row``'s passive signal and declining spend, formatted in the
    language of ``row.env`` (``number``: its ``number_formatter``), each one when first
    read: a to-do's text uses two or three of them."""
    env = row.env
    number = number or number_formatter(env)
    company = row.company_id
    gap = row.median_gap_days
    return _LazyFigures(
        {
            "days": lambda: number(row.recency_days, 0),
            "gap": lambda: number(gap, 0 if gap == int(gap) else 1),
            "factor": lambda: number(company.score_passive_gap_factor, 1),
            "min_days": lambda: number(company.score_passive_min_days, 0),
            "count": lambda: number(row.purchase_day_count, 0),
            "p_alive": lambda: number(row.p_alive * 100, 0),
            "threshold": lambda: number(company.score_passive_p_alive * 100, 0),
            "revenue": lambda: format_amount(env, row.revenue_12m, row.currency_id),
            "previous": lambda: format_amount(env, row.revenue_prev_12m, row.currency_id),
            "change": lambda: number(row.revenue_growth, 0),
        }
    )


def passive_line(row, number=None):
    """Which signal made ``row`` passive, with its figures (None when not passive;
    ``number``: see ``_signal_figures``)."""
    if row.lifecycle_stage != "passive":
        return None
    env = row.env
    figures = _signal_figures(row, number)
    if row.passive_signal == "p_alive":
        return env._(
            "Passive: P(alive) %(p_alive)s %% is below the company's threshold "
            "%(threshold)s %% after %(count)s purchases",
            p_alive=figures["p_alive"],
            threshold=figures["threshold"],
            count=figures["count"],
        )
    if row.median_gap_days > 0:
        return env._(
            "Passive: no invoice for %(days)s days, more than %(factor)s x its usual gap "
            "of %(gap)s days",
            days=figures["days"],
            factor=figures["factor"],
            gap=figures["gap"],
        )
    return env._(
        "Passive: no invoice for %(days)s days after a single purchase day (passive after "
        "%(min_days)s days)",
        days=figures["days"],
        min_days=figures["min_days"],
    )


def declining_line(row, number=None):
    """The figures of ``row``'s declining spend (None when its spend is not declining;
    ``number``: see ``_signal_figures``)."""
    if not row.spend_declining:
        return None
    figures = _signal_figures(row, number)
    return row.env._(
        "Spend declining: 12-month revenue %(revenue)s against %(previous)s the 12 months "
        "before (%(change)s %%)",
        revenue=figures["revenue"],
        previous=figures["previous"],
        change=figures["change"],
    )


def early_signal_lines(row):
    """The explanation lines saying which signal made ``row`` passive and whether its
    spend is declining (none for a customer that is neither)."""
    return [line for line in (passive_line(row), declining_line(row)) if line]


def _note(headline, line):
    return Markup("<p>%s</p><p>%s</p>") % (headline, line)


def passive_note(row, number=None):
    """(summary, note) of the owner's to-do for ``row``, a customer that turned passive,
    in the language of ``row.env`` (``number``: its ``number_formatter``, for many rows):
    the note says which signal fired, with its figures."""
    env = row.env
    names = {"partner": row.partner_id.name, "company": row.company_id.name}
    if row.passive_signal == "p_alive":
        headline = env._(
            "%(partner)s has bought from %(company)s regularly, but the customer-base model "
            "says it has probably stopped. Get in touch before it is gone.",
            **names,
        )
    else:
        headline = env._(
            "%(partner)s has not bought from %(company)s for longer than usual. Get in touch.",
            **names,
        )
    return env._("Customer has turned passive"), _note(headline, passive_line(row, number))


def declining_note(row, number=None):
    """(summary, note) of the owner's to-do for ``row``, a customer whose spend turned
    declining, in the language of ``row.env`` (``number``: as for ``passive_note``)."""
    env = row.env
    headline = env._(
        "%(partner)s buys less from %(company)s than the year before. Find out why.",
        partner=row.partner_id.name,
        company=row.company_id.name,
    )
    return env._("Customer's spend is declining"), _note(headline, declining_line(row, number))


def clv_explanation(row):
    """Which lifetime value ``row`` has: the customer-base model's, or the retention-rate
    formula's when the model could not be fitted (with the model's message)."""
    env = row.env
    # Salespeople read the score rows, not the model fits: only its state and message.
    model = row.clv_model_id.sudo()
    if model.state == "fitted":
        return env._(
            "Lifetime value from the customer-base model (P(alive) %(p_alive)s)",
            p_alive=formatLang(env, row.p_alive, digits=2),
        )
    if model:
        return env._(
            "Lifetime value from the retention rate: the customer-base model could not be "
            "fitted (%(message)s)",
            message=(model.message or "").strip(),
        )
    return env._(
        "Lifetime value from the retention rate: the customer-base model has not been fitted yet"
    )
