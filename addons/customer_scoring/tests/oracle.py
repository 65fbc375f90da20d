"""An independent oracle of the journal figures of the score rows, for the tests.

Plain SQL on account_move, account_move_line, account_partial_reconcile, res_partner and
product_product, and plain Python on top of it; none of the add-on's methods or tools is
called. It reads the figures another way than the engine does:

- an invoice or credit note is one move, posted (``account_move.state``), of type
  out_invoice / out_refund, up to the scoring date (``account_move.date``);
- its customer is the one that owes us the money: the commercial partner of the partner on
  its receivable line (the partner ledger), not of its product lines;
- its revenue is its untaxed amount in company currency (``amount_untaxed_signed``,
  negative on credit notes), not the sum of its product lines' balances;
- its cost is quantity x the product's cost in the company, per line rounded to the
  company currency, negative on credit notes (the tests never change a cost after posting,
  so this is the cost frozen at posting);
- days late: a receivable line of an invoice of the last 12 months is paid by the scoring
  date when the reconciliations dated up to then (``max_date``) cover its amount in the
  invoice's currency; it is late up to the last of them that paid something in that
  currency (an exchange difference pays nothing: it only corrects the company-currency
  value, and its entry may be dated later than the payment), an unpaid one up to the
  scoring date; never below 0.

Rounding is half-up (Odoo's float_round, PostgreSQL's ROUND on numeric).
"""

from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from dateutil.relativedelta import relativedelta

ZERO = Decimal(0)
# The figures the oracle gives for every row: money (company currency), percentages,
# one-decimal day figures, and exact ones (counts, dates, flags).
MONEY_FIELDS = ("revenue_12m", "revenue_prev_12m", "cost_12m", "margin_12m", "avg_order_value")
PERCENT_FIELDS = ("revenue_growth", "margin_percent", "share_of_company_revenue")
DAY_FIELDS = ("median_gap_days", "avg_days_late")
EXACT_FIELDS = (
    "invoice_count_12m",
    "refund_count_12m",
    "purchase_day_count",
    "recency_days",
    "first_invoice_date",
    "last_invoice_date",
    "is_concentration_risk",
    "date_computed",
)
ORACLE_FIELDS = MONEY_FIELDS + PERCENT_FIELDS + DAY_FIELDS + EXACT_FIELDS


def half_up(value, places):
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def currency_places(cr, company_id):
    """Decimal places of the company currency, from its rounding (1.0 -> 0, 0.001 -> 3)."""
    cr.execute(
        """SELECT cur.rounding FROM res_company c JOIN res_currency cur ON cur.id = c.currency_id
            WHERE c.id = %s""",
        [company_id],
    )
    rounding = Decimal(str(cr.fetchone()[0])).normalize()
    return max(0, -rounding.as_tuple().exponent)


def customer_moves(cr, company_id, as_of, places):
    """The posted customer invoices and credit notes of a company up to ``as_of``: dicts of
    id, move_type, date, customer, revenue and cost."""
    cr.execute(
        """
        SELECT am.id, am.move_type, am.date, am.amount_untaxed_signed AS revenue,
               (SELECT rp.commercial_partner_id
                  FROM account_move_line r
                  JOIN account_account a ON a.id = r.account_id
                  JOIN res_partner rp ON rp.id = r.partner_id
                 WHERE r.move_id = am.id AND a.account_type = 'asset_receivable'
                 ORDER BY r.id LIMIT 1) AS customer,
               (SELECT COALESCE(SUM(ROUND(
                           CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                           * l.quantity
                           * COALESCE((pp.standard_price ->> am.company_id::text)::numeric, 0),
                           %(places)s)), 0)
                  FROM account_move_line l
                  JOIN product_product pp ON pp.id = l.product_id
                 WHERE l.move_id = am.id AND l.display_type = 'product') AS cost
          FROM account_move am
         WHERE am.company_id = %(company)s
           AND am.state = 'posted'
           AND am.move_type IN ('out_invoice', 'out_refund')
           AND am.date <= %(as_of)s
        """,
        {"company": company_id, "as_of": as_of, "places": places},
    )
    return cr.dictfetchall()


def days_late(cr, invoice_ids, as_of, places):
    """Amount-weighted days late of the receivable lines of ``invoice_ids`` as of
    ``as_of`` (one decimal)."""
    if not invoice_ids:
        return ZERO
    cr.execute(
        """
        SELECT l.balance, l.date_maturity, l.amount_currency,
               (SELECT COALESCE(SUM(p.debit_amount_currency), 0)
                  FROM account_partial_reconcile p
                 WHERE p.debit_move_id = l.id AND p.max_date <= %(as_of)s) AS paid,
               (SELECT MAX(p.max_date) FROM account_partial_reconcile p
                 WHERE p.debit_move_id = l.id AND p.max_date <= %(as_of)s
                   AND p.debit_amount_currency <> 0) AS paid_date
          FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id
         WHERE l.move_id = ANY(%(ids)s)
           AND a.account_type = 'asset_receivable'
           AND l.balance > 0
           AND l.date_maturity IS NOT NULL
        """,
        {"ids": list(invoice_ids), "as_of": as_of},
    )
    weighted = total = ZERO
    for balance, maturity, amount_currency, paid, paid_date in cr.fetchall():
        balance = Decimal(balance)
        # Paid in the invoice's currency; an exchange difference pays nothing in it.
        settled = half_up(paid, 2) >= half_up(amount_currency, 2)
        end = paid_date if settled else as_of
        weighted += max((end - maturity).days, 0) * balance
        total += balance
    return half_up(weighted / total, 1) if total else ZERO


def expected_figures(cr, company_id, as_of):
    """``{commercial partner id: {field: value}}`` of the customers with a posted
    invoice or credit note in the company up to ``as_of`` (shares and the concentration
    flag: see ``with_shares``)."""
    places = currency_places(cr, company_id)
    start_12m = as_of - relativedelta(years=1) + timedelta(days=1)
    start_prev = start_12m - relativedelta(years=1)
    per_customer = defaultdict(list)
    for move in customer_moves(cr, company_id, as_of, places):
        per_customer[move["customer"]].append(move)
    result = {}
    for customer, moves in per_customer.items():
        recent = [m for m in moves if m["date"] >= start_12m]
        previous = [m for m in moves if start_prev <= m["date"] < start_12m]
        invoices = [m for m in moves if m["move_type"] == "out_invoice"]
        recent_invoices = [m for m in recent if m["move_type"] == "out_invoice"]
        rev12 = sum((Decimal(m["revenue"]) for m in recent), ZERO)
        rev_prev = sum((Decimal(m["revenue"]) for m in previous), ZERO)
        cost12 = sum((Decimal(m["cost"]) for m in recent), ZERO)
        margin = rev12 - cost12
        days = sorted({m["date"] for m in invoices})
        gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
        if rev_prev:
            growth = half_up((rev12 - rev_prev) / abs(rev_prev) * 100, 2)
        else:
            growth = Decimal(100) if rev12 > 0 else ZERO
        result[customer] = {
            "revenue_12m": rev12,
            "revenue_prev_12m": rev_prev,
            "revenue_growth": growth,
            "cost_12m": cost12,
            "margin_12m": margin,
            "margin_percent": half_up(margin / rev12 * 100, 2) if rev12 else ZERO,
            "invoice_count_12m": len(recent_invoices),
            "refund_count_12m": len(recent) - len(recent_invoices),
            "avg_order_value": (
                half_up(rev12 / len(recent_invoices), places) if recent_invoices else ZERO
            ),
            "first_invoice_date": days[0] if days else False,
            "last_invoice_date": days[-1] if days else False,
            "recency_days": (as_of - days[-1]).days if days else 0,
            "purchase_day_count": len(days),
            "median_gap_days": half_up(median(gaps), 1) if gaps else ZERO,
            "avg_days_late": days_late(cr, [m["id"] for m in recent_invoices], as_of, places),
            "date_computed": as_of,
        }
    return result


def empty_figures(as_of):
    """The figures of a customer without any posted invoice or credit note."""
    values = dict.fromkeys(MONEY_FIELDS + PERCENT_FIELDS + DAY_FIELDS, ZERO)
    values.update(
        invoice_count_12m=0,
        refund_count_12m=0,
        purchase_day_count=0,
        recency_days=0,
        first_invoice_date=False,
        last_invoice_date=False,
        is_concentration_risk=False,
        date_computed=as_of,
    )
    return values


def with_shares(figures, scored_ids, threshold, as_of):
    """The figures of every scored customer (``scored_ids``), with the share of the
    company's 12-month revenue (the sum over the scored customers) and the concentration
    flag (share above ``threshold`` %)."""
    rows = {pid: dict(figures.get(pid) or empty_figures(as_of)) for pid in scored_ids}
    total = sum((row["revenue_12m"] for row in rows.values()), ZERO)
    for row in rows.values():
        share = row["revenue_12m"] / total * 100 if total > 0 else ZERO
        row["share_of_company_revenue"] = half_up(share, 2)
        row["is_concentration_risk"] = bool(total > 0 and share > Decimal(str(threshold)))
    return rows
