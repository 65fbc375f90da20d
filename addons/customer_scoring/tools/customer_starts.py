"""Customer starts: the days a customer starts (again) to buy from a company.

A **purchase day** of a customer in a company is a day (accounting date) with at least one
revenue line (``revenue_lines.revenue_line_where_sql``) of a posted customer *invoice* of
its commercial partner in that company: a day with only credit notes is no purchase, and
drafts and cancelled moves never count.

A **start** is the customer's first purchase day ever in that company, or its first
purchase day after a pause of more than ``pause_days`` days since its previous purchase
day (a *return*; the company setting ``res.company.score_return_pause_days``, 365 days by
default). A returning customer counts as new again from its return: the lifecycle stage of
the scoring (``customer_score_figures``) uses the same definition, through
``is_start_sql()``.
"""

from odoo.tools import SQL

from .revenue_lines import CUSTOMER_INVOICE, contacts_sql, revenue_line_where_sql

DEFAULT_RETURN_PAUSE_DAYS = 365


def _pause_sql(pause_days, company_alias):
    """The pause as SQL: ``pause_days`` (an int or an SQL expression), or, when None, the
    setting of the company ``company_alias`` (an alias of res_company)."""
    if pause_days is None:
        return SQL(
            "COALESCE(%s.score_return_pause_days, %s)",
            SQL.identifier(company_alias),
            DEFAULT_RETURN_PAUSE_DAYS,
        )
    if isinstance(pause_days, SQL):
        return pause_days
    return SQL("%s", int(pause_days))


def is_start_sql(day, prev_day, pause):
    """Condition: purchase day ``day`` with previous purchase day ``prev_day`` (NULL for the
    first) is a start under a pause of ``pause`` days (all three SQL expressions)."""
    return SQL("((%s) IS NULL OR (%s) - (%s) > (%s))", prev_day, day, prev_day, pause)


def purchase_days_sql(company_ids, date_to=None, partner_ids=None):
    """SELECT of the purchase days (partner_id, company_id, day, user_id) of the commercial
    partners in ``company_ids`` up to ``date_to`` (None: no bound), only of ``partner_ids``
    (commercial partners) if given. ``user_id``: the salesperson
    (``account.move.invoice_user_id``) of the day's first invoice (lowest id)."""
    conditions = [
        revenue_line_where_sql("aml", "am"),
        SQL("am.move_type = %s", CUSTOMER_INVOICE),
        SQL("aml.company_id = ANY(%s)", list(company_ids)),
    ]
    if date_to:
        conditions.append(SQL("aml.date <= %s", date_to))
    if partner_ids is not None:
        # The journal items by their partner (index): only these customers' lines are read.
        conditions.append(SQL("aml.partner_id = ANY(%s)", contacts_sql(partner_ids)))
    return SQL(
        """SELECT p.commercial_partner_id AS partner_id, aml.company_id, aml.date AS day,
                  (ARRAY_AGG(am.invoice_user_id ORDER BY am.id))[1] AS user_id
             FROM account_move_line aml
             JOIN account_move am ON am.id = aml.move_id
             JOIN res_partner p ON p.id = aml.partner_id
            WHERE %s
         GROUP BY p.commercial_partner_id, aml.company_id, aml.date""",
        SQL(" AND ").join(conditions),
    )


def customer_starts_sql(company_ids, date_from, date_to, pause_days, partner_ids=None):
    """SELECT of the customer starts (partner_id, company_id, start_date, is_return,
    user_id) in ``company_ids`` whose start_date is in [``date_from``, ``date_to``].

    :param company_ids: ids of the companies (each company's customers counted apart)
    :param date_from: first start date counted (None: since the first purchase ever)
    :param date_to: last start date counted (None: no bound)
    :param pause_days: a return needs more than this many days since the previous
        purchase day (an int or an SQL expression; None: each company's
        ``score_return_pause_days``)
    :param partner_ids: only these commercial partners (ids; default: all)

    ``is_return`` is false on the first purchase day ever, true on a return; ``user_id`` is
    the salesperson of the start day's first invoice. The purchase days before
    ``date_from`` are read (a return is judged against the previous purchase day).
    """
    bounds = [is_start_sql(SQL("d.day"), SQL("d.prev_day"), _pause_sql(pause_days, "c"))]
    if date_from:
        bounds.append(SQL("d.day >= %s", date_from))
    return SQL(
        """SELECT d.partner_id, d.company_id, d.day AS start_date,
                  d.prev_day IS NOT NULL AS is_return, d.user_id
             FROM (SELECT pd.partner_id, pd.company_id, pd.day, pd.user_id,
                          LAG(pd.day) OVER (PARTITION BY pd.partner_id, pd.company_id
                                            ORDER BY pd.day) AS prev_day
                     FROM (%(days)s) pd) d
             JOIN res_company c ON c.id = d.company_id
            WHERE %(bounds)s""",
        days=purchase_days_sql(company_ids, date_to, partner_ids),
        bounds=SQL(" AND ").join(bounds),
    )
