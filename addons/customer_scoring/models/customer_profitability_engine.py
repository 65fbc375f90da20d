"""The engine of the customer profitability: one set-based pass per company writes every
``customer.profitability`` row from the stored score rows, the service levels, the
company's costs and the open and credited invoices; run after each full scoring run
(``customer.score._run_companies``) and by the list's button.

The cost to serve of a customer (the value-based classification study: each class gets a
share of field sales' and telesales' time; customers who always pay late or keep
complaining can be unprofitable, steered by price, less contact or self-service, never
dropped silently):

    field sales  = yearly cost of field sales x the class's field-sales share
                   / the customers of that class in the company
    telesales    = yearly cost of telesales x the class's telesales share
                   / the customers of that class in the company
    visits       = the class's field visits per year x cost per visit
    cost to serve = field sales + telesales + visits (each rounded to the currency)

"Customers of the class" are the company's buying customers of that class: scored (a
``customer.score`` row) with revenue in the last 12 months, whose final class in that
company is that class. The class's time is spent on the customers who buy: a customer
without revenue in the 12 months (a prospect, a lost one) gets no cost to serve and is
not flagged, and a customer without a class has no service level and no cost to serve.
Margin after cost to serve = the score row's margin of the last 12 months minus the cost
to serve; below 0 the customer is unprofitable.

Signals (each counts 1 in ``signal_count``):
- late payer: the score row's average days late above the company's threshold;
- overdue invoices: posted customer invoices still open (``amount_residual > 0``) whose
  due date is before the "as of" date (count and open amount in company currency);
- credit notes: credited / invoiced of the revenue lines of the last 12 months (same
  window and lines as the score's revenue) above the company's threshold; credit notes
  without any invoice count as 100 %.

Suggested steer, the first rule that holds:
1. not unprofitable -> none (signals are shown, nothing to steer);
2. a signal -> raise price (payment terms, surcharges, price of the complaints' cost);
3. the lowest class -> self-service (web shop, e-channels instead of visits and calls);
4. a positive margin (below its cost to serve) -> less contact (fewer visits and calls);
5. otherwise (revenue but no positive margin) -> raise price (sold at or below the cost
   of goods).
Nothing is changed on the customer: the class, the key-account status and the service
stay as they are until a person decides.
"""

import logging
from decimal import Decimal

from odoo import api, fields, models
from odoo.addons.key_account_mgmt.models.res_partner import ABC_CLASSES
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.revenue_lines import CUSTOMER_INVOICE, POSTED
from ..tools.table_stats import analyze_if_moved

_logger = logging.getLogger(__name__)

LOWEST_CLASS = ABC_CLASSES[-1][0]
PROFIT_COLUMNS = (
    "currency_id",
    "user_id",
    "abc_class",
    "revenue_12m",
    "margin_12m",
    "cost_field_sales",
    "cost_telesales",
    "visits_per_year",
    "cost_visits",
    "cost_to_serve",
    "margin_after_cost",
    "avg_days_late",
    "late_days_limit",
    "is_late_payer",
    "overdue_count",
    "overdue_amount",
    "invoiced_12m",
    "credited_12m",
    "credit_note_share",
    "credit_note_limit",
    "has_credit_note_signal",
    "signal_count",
    "is_unprofitable",
    "steer",
)


def _numeric(value):
    """A float setting as an SQL numeric (a float parameter would turn the sums into
    double precision, which ROUND(x, digits) does not take)."""
    return Decimal(repr(float(value or 0.0)))


class CustomerProfitabilityEngine(models.AbstractModel):
    _name = "customer.profitability.engine"
    _description = "Customer Profitability: Engine"

    @api.model
    def _after_full_scoring_run(self, companies, date):
        """After a full scoring run: the profitability rows of these companies, from the
        new score rows."""
        self.sudo().compute_profitability(companies=companies, date=date)

    @api.model
    def compute_profitability(self, companies=None, date=None):
        """Write (create, update, drop) the profitability rows of ``companies`` (default:
        the user's allowed companies) as of ``date`` (default: today) and return them.

        Set-based, one pass per company from the stored score rows: run after the
        scoring. Scoring managers only (the scheduled run calls it as superuser)."""
        if not (self.env.su or self.env.user.has_group("customer_scoring.group_scoring_manager")):
            raise AccessError(
                self.env._("Only scoring managers can recompute the customer profitability.")
            )
        companies = companies or self.env.companies
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        self.env.flush_all()
        for company in companies:
            self._compute_company_profitability(company, date)
        self.env.invalidate_all()
        return self.env["customer.profitability"].search([("company_id", "in", companies.ids)])

    @api.model
    def _compute_company_profitability(self, company, date):
        cr = self.env.cr
        windows = self.env["customer.score"]._get_windows(date)
        select = self._profitability_sql(company, date, windows["start_12m"])
        columns = SQL(", ").join(SQL.identifier(name) for name in PROFIT_COLUMNS)
        cr.execute(
            SQL(
                """INSERT INTO customer_profitability
                       (partner_id, company_id, %(columns)s,
                        create_uid, create_date, write_uid, write_date)
                   SELECT r.partner_id, %(company)s, %(r_columns)s,
                          %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                     FROM (%(select)s) r
                   ON CONFLICT (partner_id, company_id) DO UPDATE SET %(updates)s,
                          write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                    WHERE (%(old)s) IS DISTINCT FROM (%(new)s)""",
                columns=columns,
                company=company.id,
                r_columns=SQL(", ").join(SQL("r.%s", SQL.identifier(n)) for n in PROFIT_COLUMNS),
                uid=self.env.uid,
                select=select,
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(n), SQL.identifier(n))
                    for n in PROFIT_COLUMNS
                ),
                # A row that did not move is not written again (a second run of the day
                # writes nothing).
                old=SQL(", ").join(
                    SQL("customer_profitability.%s", SQL.identifier(n)) for n in PROFIT_COLUMNS
                ),
                new=SQL(", ").join(SQL("EXCLUDED.%s", SQL.identifier(n)) for n in PROFIT_COLUMNS),
            )
        )
        written = cr.rowcount
        analyze_if_moved(cr, "customer_profitability", written)
        if company.profit_date_computed != date:
            company.sudo().profit_date_computed = date
        # Customers no longer scored in the company (archived, merged) leave.
        cr.execute(
            """DELETE FROM customer_profitability p
                WHERE p.company_id = %s
                  AND NOT EXISTS (SELECT 1 FROM customer_score s
                                   WHERE s.partner_id = p.partner_id
                                     AND s.company_id = p.company_id)""",
            [company.id],
        )
        _logger.info(
            "Customer profitability of %s as of %s: %s rows written, %s dropped",
            company.name,
            date,
            written,
            cr.rowcount,
        )

    @api.model
    def _profitability_sql(self, company, date, start_12m):
        """One row per scored customer of ``company``: every column of ``PROFIT_COLUMNS``
        (see the module docstring for the rules)."""
        digits = company.currency_id.decimal_places
        return SQL(
            """
WITH levels AS (
    SELECT abc_class,
           COALESCE(field_sales_share, 0) AS field_share,
           COALESCE(telesales_share, 0) AS tele_share,
           COALESCE(visits_per_year, 0) AS visits
      FROM kam_service_level
     WHERE company_id = %(company)s
),
scored AS (
    SELECT cs.partner_id, cs.revenue_12m, cs.margin_12m, cs.avg_days_late,
           p.abc_class ->> %(company_key)s AS abc_class, p.user_id
      FROM customer_score cs
      JOIN res_partner p ON p.id = cs.partner_id
     WHERE cs.company_id = %(company)s
),
class_counts AS (
    SELECT abc_class, COUNT(*) AS customers FROM scored
     WHERE abc_class IS NOT NULL AND revenue_12m > 0 GROUP BY abc_class
),
overdue AS (
    SELECT am.commercial_partner_id AS partner_id, COUNT(*) AS invoices,
           SUM(am.amount_residual_signed) AS amount
      FROM account_move am
     WHERE am.company_id = %(company)s AND am.state = %(posted)s
       AND am.move_type = %(invoice)s AND am.amount_residual > 0
       AND am.invoice_date_due < %(date)s
     GROUP BY am.commercial_partner_id
),
credited AS (
    -- From the revenue days (customer_revenue_day.py), as the score rows.
    SELECT rp.commercial_partner_id AS partner_id,
           SUM(COALESCE(d.invoice_revenue, 0)) AS invoiced,
           -SUM(COALESCE(d.refund_revenue, 0)) AS credited
      FROM customer_revenue_day d
      JOIN res_partner rp ON rp.id = d.partner_id
     WHERE d.company_id = %(company)s
       AND d.date >= %(start)s AND d.date <= %(date)s
     GROUP BY rp.commercial_partner_id
),
costs AS (
    SELECT s.partner_id, s.user_id, s.abc_class,
           COALESCE(s.revenue_12m, 0) AS revenue_12m,
           COALESCE(s.margin_12m, 0) AS margin_12m,
           COALESCE(s.avg_days_late, 0) AS avg_days_late,
           ROUND(COALESCE(%(field_cost)s * l.field_share / 100.0 / c.customers, 0), %(digits)s)
               AS cost_field_sales,
           ROUND(COALESCE(%(tele_cost)s * l.tele_share / 100.0 / c.customers, 0), %(digits)s)
               AS cost_telesales,
           COALESCE(l.visits, 0) AS visits_per_year,
           ROUND(COALESCE(l.visits * %(visit_cost)s, 0), %(digits)s) AS cost_visits,
           COALESCE(o.invoices, 0) AS overdue_count,
           ROUND(COALESCE(o.amount, 0), %(digits)s) AS overdue_amount,
           ROUND(COALESCE(cr.invoiced, 0), %(digits)s) AS invoiced_12m,
           ROUND(COALESCE(cr.credited, 0), %(digits)s) AS credited_12m
      FROM scored s
 LEFT JOIN levels l ON l.abc_class = s.abc_class AND s.revenue_12m > 0
 LEFT JOIN class_counts c ON c.abc_class = s.abc_class
 LEFT JOIN overdue o ON o.partner_id = s.partner_id
 LEFT JOIN credited cr ON cr.partner_id = s.partner_id
),
signals AS (
    SELECT k.*,
           k.cost_field_sales + k.cost_telesales + k.cost_visits AS cost_to_serve,
           k.margin_12m - (k.cost_field_sales + k.cost_telesales + k.cost_visits)
               AS margin_after_cost,
           CASE WHEN k.invoiced_12m > 0 THEN ROUND(k.credited_12m * 100.0 / k.invoiced_12m, 2)
                WHEN k.credited_12m > 0 THEN 100.0
                ELSE 0.0 END AS credit_note_share,
           k.avg_days_late > %(late_days)s AS is_late_payer
      FROM costs k
),
flags AS (
    SELECT g.*,
           g.credit_note_share > %(credit_limit)s AS has_credit_note_signal,
           g.margin_after_cost < 0 AS is_unprofitable
      FROM signals g
)
SELECT f.partner_id, %(currency)s AS currency_id, f.user_id, f.abc_class,
       f.revenue_12m, f.margin_12m,
       f.cost_field_sales, f.cost_telesales, f.visits_per_year, f.cost_visits,
       f.cost_to_serve, f.margin_after_cost, f.avg_days_late,
       %(late_days)s AS late_days_limit, f.is_late_payer,
       f.overdue_count, f.overdue_amount, f.invoiced_12m, f.credited_12m,
       f.credit_note_share, %(credit_limit)s AS credit_note_limit, f.has_credit_note_signal,
       f.is_late_payer::int + (f.overdue_count > 0)::int + f.has_credit_note_signal::int
           AS signal_count,
       f.is_unprofitable,
       CASE WHEN NOT f.is_unprofitable THEN 'none'
            WHEN f.is_late_payer OR f.overdue_count > 0 OR f.has_credit_note_signal
                THEN 'price'
            WHEN f.abc_class = %(lowest)s THEN 'self_service'
            WHEN f.margin_12m > 0 THEN 'less_contact'
            ELSE 'price' END AS steer
  FROM flags f
""",
            company=company.id,
            company_key=str(company.id),
            currency=company.currency_id.id,
            posted=POSTED,
            invoice=CUSTOMER_INVOICE,
            date=date,
            start=start_12m,
            field_cost=_numeric(company.profit_field_sales_cost),
            tele_cost=_numeric(company.profit_telesales_cost),
            visit_cost=_numeric(company.profit_visit_cost),
            digits=digits,
            late_days=company.profit_late_days or 0,
            credit_limit=_numeric(company.profit_credit_note_share),
            lowest=LOWEST_CLASS,
        )
