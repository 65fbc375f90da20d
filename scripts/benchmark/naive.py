"""The naive way, for comparison: the score figures per partner and company through the
ORM (journal items read and summed in Python, one write per score row).

It reuses the add-on's definitions (which journal items are revenue lines, the cost of a
line, the lifecycle stage) and re-computes the rest in Python, the way a per-partner loop
would: the benchmark compares the work, not two readings of the rules.
"""

import time
from statistics import median


def sample_partners(env, count, shared_only=False):
    """The first customers by id (deterministic); shared_only: customers not restricted to
    one company (they can be invoiced from the main company)."""
    env.cr.execute(
        """SELECT id FROM res_partner
            WHERE is_company AND customer_rank > 0 AND id = commercial_partner_id
              AND (company_id IS NULL OR NOT %s)
         ORDER BY id LIMIT %s""",
        [shared_only, count],
    )
    return env["res.partner"].browse([row[0] for row in env.cr.fetchall()])


def measure_naive_revenue(env, args):
    """A per-partner ORM loop: one read_group per partner and company (12-month revenue)."""
    from odoo.addons.customer_scoring.tools.revenue_lines import revenue_line_domain

    partners = sample_partners(env, args.partners)
    companies = env["res.company"].search([])
    windows = env["customer.score"]._get_windows(args.today)
    Line = env["account.move.line"].with_context(allowed_company_ids=companies.ids)
    revenue = {}
    t0 = time.perf_counter()
    for partner in partners:
        for company in companies:
            [(total,)] = Line._read_group(
                revenue_line_domain(
                    company_ids=company.ids,
                    date_from=windows["start_12m"],
                    date_to=windows["date"],
                    partner_ids=partner.ids,
                ),
                [],
                ["balance:sum"],
            )
            revenue[partner.id, company.id] = -(total or 0.0)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(revenue)}


def _days_late(env, company, partner, windows):
    """Amount-weighted days late of the 12-month invoices' receivables: a line reconciled
    by the scoring date is late up to its last reconciliation, an open one up to the
    scoring date; early payment counts as 0."""
    today = windows["date"]
    receivables = env["account.move.line"].search(
        [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "=", "out_invoice"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("balance", ">", 0),
            ("date_maturity", "!=", False),
            ("partner_id.commercial_partner_id", "=", partner.id),
            ("date", ">=", windows["start_12m"]),
            ("date", "<=", today),
        ]
    )
    weighted = amount = 0.0
    for line in receivables:
        paid = None
        if line.reconciled:
            paid = max(line.matched_credit_ids.mapped("max_date"), default=None)
        if not paid or paid > today:
            paid = today
        weighted += max((paid - line.date_maturity).days, 0) * line.balance
        amount += line.balance
    return weighted / amount if amount else 0.0


def naive_figures(env, company, partner, windows):
    """The score figures of one partner in one company: its revenue lines read through the
    ORM and summed in Python (the whole history, as the add-on's first invoice date and
    gaps between invoices; the 12-month figures filter in Python)."""
    from odoo.addons.customer_scoring.models.score_rules import lifecycle_stage
    from odoo.addons.customer_scoring.tools.revenue_lines import (
        CUSTOMER_REFUND,
        line_cost,
        revenue_line_domain,
    )

    Line = env["account.move.line"]
    today, start_12m = windows["date"], windows["start_12m"]
    start_prev, end_prev = windows["start_prev_12m"], windows["end_prev_12m"]
    lines = Line.search_read(
        revenue_line_domain(company_ids=company.ids, date_to=today, partner_ids=partner.ids),
        ["move_id", "move_type", "date", "balance", "score_cost"],
        load="",
    )
    rev12 = rev_prev = cost12 = 0.0
    invoices, refunds, invoice_dates = set(), set(), set()
    for line in lines:
        day = line["date"]
        refund = line["move_type"] == CUSTOMER_REFUND
        if not refund:
            invoice_dates.add(day)
        if start_prev <= day <= end_prev:
            rev_prev -= line["balance"]
        if day < start_12m:
            continue
        rev12 -= line["balance"]
        # not frozen (NULL reads as 0.0): the add-on's cost of the line now
        cost12 += line["score_cost"] or line_cost(Line.browse(line["id"]))
        (refunds if refund else invoices).add(line["move_id"])
    dates = sorted(invoice_dates)
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    median_gap = median(gaps) if gaps else None
    days_late = _days_late(env, company, partner, windows)

    currency = company.currency_id
    rev12, rev_prev, cost12 = (currency.round(v) for v in (rev12, rev_prev, cost12))
    inv12, ref12 = len(invoices), len(refunds)
    first_date = dates[0] if dates else False
    last_date = dates[-1] if dates else False
    if rev_prev:
        growth = (rev12 - rev_prev) / abs(rev_prev) * 100
    else:
        growth = 100.0 if rev12 > 0 else 0.0
    return {
        "user_id": partner.user_id.id,
        "date_computed": today,
        "revenue_12m": rev12,
        "revenue_prev_12m": rev_prev,
        "revenue_growth": round(growth, 2),
        "cost_12m": cost12,
        "margin_12m": rev12 - cost12,
        "margin_percent": round((rev12 - cost12) / rev12 * 100, 2) if rev12 else 0.0,
        "invoice_count_12m": inv12,
        "refund_count_12m": ref12,
        "avg_order_value": currency.round(rev12 / inv12) if inv12 else 0.0,
        "first_invoice_date": first_date,
        "last_invoice_date": last_date,
        "recency_days": (today - last_date).days if last_date else 0,
        "median_gap_days": round(median_gap or 0.0, 1),
        "avg_days_late": round(days_late, 1),
        "lifecycle_stage": lifecycle_stage(company, today, first_date, last_date, median_gap),
    }


def measure_naive(env, args):
    """The same figures as compute_scores() through the ORM, per partner and company: a
    search_read of the revenue lines, a search of the receivables, a write of the score
    row (created when missing); rolled back."""
    partners = sample_partners(env, args.partners)
    companies = env["res.company"].search([])
    windows = env["customer.score"]._get_windows(args.today)
    ctx_env = env(context=dict(env.context, allowed_company_ids=companies.ids))
    Score = ctx_env["customer.score"].sudo()
    written = 0
    t0 = time.perf_counter()
    for partner in partners:
        for company in companies:
            values = naive_figures(ctx_env, company, partner, windows)
            row = Score.search(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1
            )
            if row:
                row.write(values)
            else:
                Score.create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "currency_id": company.currency_id.id,
                        **values,
                    }
                )
            written += 1
    env.flush_all()
    seconds = time.perf_counter() - t0
    env.cr.rollback()
    return {"seconds": seconds, "rows": written}
