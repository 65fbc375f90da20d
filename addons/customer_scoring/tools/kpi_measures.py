"""The customer-base measures of the monthly KPI snapshots, as SQL parts.

Each function returns a SELECT with the columns ``month, company_id, partner_id, user_id``
and some measure columns named like the fields of ``customer.kpi.snapshot``; the snapshot
sums the parts per month, company, customer and salesperson
(``customer.kpi.snapshot._kpi_measure_parts``). ``start`` is the first day of the first
month, ``end`` the first day after the last month (excluded).

Definitions (per company; a customer is a commercial partner):

- A **purchase** is a purchase day of ``customer_starts.purchase_days_sql``: a day with a
  revenue line of a posted customer invoice (credit notes are no purchase).
- The **12 months to a month's end** are that month and the 11 before it; the **previous
  12 months** the 12 months before those.
- A **customer** of a month has bought on or before the month's end. It is **lost** when
  its last purchase is older than the company's "Lost after (months)" at the month's end
  (as the lifecycle stage of the scoring reads it), else **active**. An **account under a
  year old** is an active customer whose first purchase is in the 12 months to the
  month's end. A customer is **retained** when it bought in the previous 12 months and
  again in the 12 months to the month's end (the base: bought in the previous 12 months).
- A **new customer** of the month is a start of ``customer_starts.customer_starts_sql``:
  the first purchase ever, or the first after a pause longer than the company's
  "return after a pause" setting (a return; also counted apart). It is credited to the
  salesperson of the start day's first invoice.
- A customer is **contacted** in a month with a meeting held with its contacts
  (``key_account_mgmt/tools/meetings.py``) or an activity marked done on it or its
  contacts (the "done" message an activity leaves on the partner's chatter).
- **Product categories**: distinct categories of the products on the customer's invoice
  revenue lines in the month and in the 12 months to its end. **Cross-sell**: a category
  the customer buys for the first time in the month, when it had bought something before
  that month (a new customer's first categories are no cross-sell).

The customer-level measures sit on the row of the customer's salesperson
(``res_partner.user_id``), so that each customer counts once per month in a team and a
salesperson's sums. The state of the customer base (customers, active, lost, under a year
old, retention, categories in 12 months) is one row per customer and month of
``customer.kpi.base``, whether it bought that month or not; the other measures are on the
snapshot rows of the months the customer did something.
"""

from odoo.tools import SQL

from .customer_starts import customer_starts_sql, purchase_days_sql
from .revenue_lines import CUSTOMER_INVOICE, revenue_line_where_sql

BASE_COLUMNS = (
    "customer_count",
    "active_customer_count",
    "young_account_count",
    "lost_customer_count",
    "retention_base_count",
    "retained_customer_count",
)
START_COLUMNS = ("new_customer_count", "returning_customer_count")
CONTACT_COLUMNS = ("contacted_customer_count",)
CATEGORY_COLUMNS = ("category_count", "cross_sell_count")
CATEGORY_12M_COLUMNS = ("category_count_12m",)


def _last_day(end):
    return SQL("(%s::date - 1)", end)


def customer_base_sql(company_ids, start, end):
    """Customers, active, lost, accounts under a year old and retention per month: one row
    per customer who has bought by the month's end, on its salesperson's row."""
    # The windows reach 23 months back from the first month.
    return SQL(
        """
WITH pd AS MATERIALIZED (%(days)s),
pm AS (
    SELECT company_id, partner_id, date_trunc('month', day)::date AS month,
           MAX(day) AS last_day
      FROM pd
  GROUP BY 1, 2, 3
),
cust AS (
    SELECT company_id, partner_id, MIN(day) AS first_date,
           MAX(day) FILTER (WHERE day < %(grid_start)s) AS last_before
      FROM pd
  GROUP BY 1, 2
),
-- One row per customer and month, without gaps, from its first purchase month (or the
-- start of the windows) on: the ROWS windows below count months.
grid AS (
    SELECT c.company_id, c.partner_id, c.first_date, c.last_before, g.month::date AS month
      FROM cust c
     CROSS JOIN LATERAL generate_series(
               GREATEST(date_trunc('month', c.first_date), %(grid_start)s::timestamp),
               %(last_month)s::timestamp, interval '1 month') AS g(month)
),
flags AS (
    SELECT g.company_id, g.partner_id, g.month, g.first_date,
           GREATEST(g.last_before, MAX(pm.last_day) OVER w_all) AS last_date,
           COUNT(pm.last_day) OVER w_12 AS months_12,
           COUNT(pm.last_day) OVER w_prev AS months_prev
      FROM grid g
      LEFT JOIN pm ON pm.company_id = g.company_id AND pm.partner_id = g.partner_id
                  AND pm.month = g.month
    WINDOW w_all AS (PARTITION BY g.company_id, g.partner_id ORDER BY g.month
                     ROWS UNBOUNDED PRECEDING),
           w_12 AS (PARTITION BY g.company_id, g.partner_id ORDER BY g.month
                    ROWS BETWEEN 11 PRECEDING AND CURRENT ROW),
           w_prev AS (PARTITION BY g.company_id, g.partner_id ORDER BY g.month
                      ROWS BETWEEN 23 PRECEDING AND 12 PRECEDING)
),
judged AS (
    SELECT f.*,
           f.last_date < (f.month + interval '1 month' - interval '1 day'
                          - make_interval(months => c.score_lost_months))::date AS lost
      FROM flags f
      JOIN res_company c ON c.id = f.company_id
     WHERE f.month >= %(start)s
)
SELECT j.month, j.company_id, j.partner_id, cp.user_id,
       1 AS customer_count,
       CASE WHEN j.lost THEN 0 ELSE 1 END AS active_customer_count,
       CASE WHEN NOT j.lost AND j.first_date >= j.month - interval '11 months'
            THEN 1 ELSE 0 END AS young_account_count,
       CASE WHEN j.lost THEN 1 ELSE 0 END AS lost_customer_count,
       CASE WHEN j.months_prev > 0 THEN 1 ELSE 0 END AS retention_base_count,
       CASE WHEN j.months_prev > 0 AND j.months_12 > 0 THEN 1 ELSE 0 END
           AS retained_customer_count
  FROM judged j
  JOIN res_partner cp ON cp.id = j.partner_id""",
        days=purchase_days_sql(company_ids, date_to=_last_day(end)),
        grid_start=SQL("(%s::date - interval '23 months')::date", start),
        last_month=SQL("(%s::date - interval '1 month')", end),
        start=start,
    )


def customer_starts_kpi_sql(company_ids, start, end):
    """New customers (starts, returns included) and returns per month, on the row of the
    salesperson of the start day's first invoice."""
    return SQL(
        """
SELECT date_trunc('month', s.start_date)::date AS month, s.company_id, s.partner_id,
       s.user_id, COUNT(*) AS new_customer_count,
       COUNT(*) FILTER (WHERE s.is_return) AS returning_customer_count
  FROM (%(starts)s) s
 WHERE s.start_date >= %(start)s AND s.start_date < %(end)s
 GROUP BY 1, 2, 3, 4""",
        starts=customer_starts_sql(company_ids, start, _last_day(end), None),
        start=start,
        end=end,
    )


def customers_contacted_sql(company_ids, start, end, meetings):
    """Customers contacted per month (1 per customer and month): a meeting held (rows of
    ``meetings``, a ``customer_meetings_sql`` query of the months) or an activity done on
    the customer or its contacts by a user of the company."""
    return SQL(
        """
SELECT x.month, x.company_id, x.partner_id, cp.user_id, 1 AS contacted_customer_count
  FROM (
      SELECT date_trunc('month', m.start)::date AS month, m.company_id, m.partner_id
        FROM (%(meetings)s) m
       WHERE m.start <= NOW() AT TIME ZONE 'UTC'
       UNION
      SELECT date_trunc('month', msg.date)::date, cu.cid, contact.commercial_partner_id
        FROM mail_message msg
        JOIN res_partner contact ON contact.id = msg.res_id
        JOIN res_partner account ON account.id = contact.commercial_partner_id
        JOIN res_users author ON author.partner_id = msg.author_id
        JOIN res_company_users_rel cu ON cu.user_id = author.id
       WHERE msg.model = 'res.partner'
         AND msg.mail_activity_type_id IS NOT NULL
         AND msg.date >= %(start)s AND msg.date < %(end)s
         AND cu.cid = ANY(%(companies)s)
         AND (account.company_id IS NULL OR account.company_id = cu.cid)
  ) x
  JOIN res_partner cp ON cp.id = x.partner_id""",
        meetings=meetings,
        start=start,
        end=end,
        companies=list(company_ids),
    )


def _category_months_sql(company_ids, end):
    """Per company, customer, product category and month: bought on an invoice."""
    return SQL(
        """
SELECT aml.company_id, p.commercial_partner_id AS partner_id, pt.categ_id,
       date_trunc('month', aml.date)::date AS month
  FROM account_move_line aml
  JOIN account_move am ON am.id = aml.move_id
  JOIN res_partner p ON p.id = aml.partner_id
  JOIN product_product pp ON pp.id = aml.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id
 WHERE %(revenue_lines)s
   AND am.move_type = %(invoice)s
   AND aml.company_id = ANY(%(companies)s)
   AND aml.date < %(end)s
 GROUP BY 1, 2, 3, 4""",
        revenue_lines=revenue_line_where_sql("aml", "am"),
        invoice=CUSTOMER_INVOICE,
        companies=list(company_ids),
        end=end,
    )


def product_categories_sql(company_ids, start, end):
    """Distinct product categories bought per customer in the month, and the categories
    it bought for the first time in the month when it had bought before that month
    (cross-sell)."""
    return SQL(
        """
WITH cm AS MATERIALIZED (%(categories)s),
firsts AS (
    SELECT company_id, partner_id, categ_id, MIN(month) AS month
      FROM cm GROUP BY 1, 2, 3
),
customer_first AS (
    SELECT company_id, partner_id, MIN(month) AS month FROM cm GROUP BY 1, 2
),
per_month AS (
    SELECT month, company_id, partner_id, COUNT(DISTINCT categ_id) AS category_count,
           0 AS cross_sell_count
      FROM cm
     WHERE month >= %(start)s
     GROUP BY 1, 2, 3
     UNION ALL
    SELECT f.month, f.company_id, f.partner_id, 0, COUNT(*)
      FROM firsts f
      JOIN customer_first c ON c.company_id = f.company_id AND c.partner_id = f.partner_id
     WHERE f.month >= %(start)s AND f.month > c.month
     GROUP BY 1, 2, 3
)
SELECT pm.month, pm.company_id, pm.partner_id, cp.user_id, pm.category_count,
       pm.cross_sell_count
  FROM per_month pm
  JOIN res_partner cp ON cp.id = pm.partner_id""",
        categories=_category_months_sql(company_ids, end),
        start=start,
    )


def categories_12m_sql(company_ids, start, end):
    """Distinct product categories bought per customer in the 12 months to the month's
    end."""
    return SQL(
        """
WITH cm AS MATERIALIZED (%(categories)s),
months AS (
    SELECT g.month::date AS month
      FROM generate_series(%(start)s::timestamp, %(end)s::timestamp - interval '1 month',
                           interval '1 month') AS g(month)
)
SELECT mo.month, cm.company_id, cm.partner_id, cp.user_id,
       COUNT(DISTINCT cm.categ_id) AS category_count_12m
  FROM months mo
  JOIN cm ON cm.month BETWEEN mo.month - interval '11 months' AND mo.month
  JOIN res_partner cp ON cp.id = cm.partner_id
 GROUP BY 1, 2, 3, 4""",
        categories=_category_months_sql(company_ids, end),
        start=start,
        end=end,
    )


def union_parts_sql(parts, columns):
    """The ``(query, filled columns)`` parts side by side (UNION ALL) with the columns
    ``month, company_id, partner_id, user_id`` and ``columns``, each part padded with 0
    for the columns it does not fill."""
    selects = []
    for query, filled in parts:
        unknown = set(filled) - set(columns)
        if unknown:
            raise ValueError(f"A KPI part fills unknown columns {sorted(unknown)}")
        values = SQL(", ").join(
            SQL(
                "%s AS %s",
                SQL.identifier(name) if name in filled else SQL("0"),
                SQL.identifier(name),
            )
            for name in columns
        )
        selects.append(
            SQL(
                "SELECT part.month, part.company_id, part.partner_id, part.user_id, %s"
                " FROM (%s) part",
                values,
                query,
            )
        )
    return SQL(" UNION ALL ").join(selects)
