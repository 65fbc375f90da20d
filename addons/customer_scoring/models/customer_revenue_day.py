"""Revenue days: the revenue lines of ``tools/revenue_lines.py`` summed per (partner,
company, accounting date), kept up to date as moves are posted, reset to draft, cancelled
or deleted, as lines change partner (a contact moved to another company, a merge) and as
product costs change (lines without a frozen cost are costed with the product's cost now).

The scoring run and the profitability read these days, not the journal items: a day holds
what the figures need of the lines (revenue of invoices and of credit notes, cost of goods,
the number of invoices and credit notes), so the daily run reads about one row per invoice
instead of joining every journal item to its move and partner. Days, not months: the
scoring windows end on any day, and the purchase days, their gaps and the customer starts
are days.

``partner_id`` is the partner of the lines (the commercial partner when they were posted:
Odoo posts product lines on it); the scoring maps it to the commercial partner when it
reads, so a contact moved under another company needs no rewrite here.

Lines written outside the ORM (an import in SQL, the benchmark's generator) are not seen:
``_rebuild()`` recomputes every day from the journal items and ``_check()`` compares the
two; ``make rebuild-days`` runs both on a database.
"""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.revenue_lines import (
    CUSTOMER_INVOICE,
    CUSTOMER_MOVE_TYPES,
    CUSTOMER_REFUND,
    POSTED,
    PRODUCT_LINE,
    line_cost_sql,
    revenue_line_where_sql,
)

_logger = logging.getLogger(__name__)

DAY_COLUMNS = ("invoice_revenue", "refund_revenue", "cost", "invoice_count", "refund_count")


def days_from_lines_sql(condition):
    """SELECT of the revenue days (partner_id, company_id, date, then ``DAY_COLUMNS``) of
    the revenue lines ``aml`` (of move ``am``) that meet ``condition`` (SQL)."""
    return SQL(
        """SELECT aml.partner_id, aml.company_id, aml.date,
                  SUM(-aml.balance) FILTER (WHERE am.move_type = %(invoice)s),
                  SUM(-aml.balance) FILTER (WHERE am.move_type = %(refund)s),
                  SUM(%(cost)s),
                  COUNT(DISTINCT aml.move_id) FILTER (WHERE am.move_type = %(invoice)s),
                  COUNT(DISTINCT aml.move_id) FILTER (WHERE am.move_type = %(refund)s)
             FROM account_move_line aml
             JOIN account_move am ON am.id = aml.move_id
            WHERE %(revenue_lines)s AND aml.partner_id IS NOT NULL AND %(condition)s
         GROUP BY aml.partner_id, aml.company_id, aml.date""",
        invoice=CUSTOMER_INVOICE,
        refund=CUSTOMER_REFUND,
        cost=line_cost_sql("aml", "am"),
        revenue_lines=revenue_line_where_sql("aml", "am"),
        condition=condition,
    )


def insert_days_sql(condition):
    """INSERT into customer_revenue_day of the days of the revenue lines that meet
    ``condition`` (see ``days_from_lines_sql``)."""
    return SQL(
        "INSERT INTO customer_revenue_day (partner_id, company_id, date, %s) %s",
        SQL(", ").join(SQL.identifier(name) for name in DAY_COLUMNS),
        days_from_lines_sql(condition),
    )


class CustomerRevenueDay(models.Model):
    _name = "customer.revenue.day"
    _description = "Customer Revenue per Day"
    _order = "date desc, partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    # Written in SQL only (``_refresh``, ``_rebuild``): nobody types them.
    invoice_revenue = fields.Monetary(
        readonly=True, help="Untaxed revenue of the day's customer invoices, company currency."
    )
    refund_revenue = fields.Monetary(
        readonly=True,
        help="Untaxed revenue of the day's credit notes (negative), company currency.",
    )
    cost = fields.Monetary(string="Cost of Goods", readonly=True, help="Signed like the revenue.")
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    refund_count = fields.Integer(string="Credit Notes", readonly=True)

    _sql_constraints = [
        (
            "partner_company_date_uniq",
            "UNIQUE(partner_id, company_id, date)",
            "One revenue day per partner, company and date.",
        )
    ]

    def init(self):
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS customer_revenue_day_company_date_idx
                   ON customer_revenue_day (company_id, date)"""
        )

    # ------------------------------------------------------------------
    # Maintenance: the days of some keys recomputed from their lines
    # ------------------------------------------------------------------
    @api.model
    def _refresh(self, keys):
        """Recompute the days of ``keys`` (``(partner id, company id, date)``) from the
        journal items: two statements whatever the number of keys."""
        keys = {key for key in keys if key[0] and key[1] and key[2]}
        if not keys:
            return
        self.env.flush_all()
        partners, companies, dates = (list(column) for column in zip(*keys, strict=True))
        cr = self.env.cr
        key_table = SQL(
            "unnest(%s::int[], %s::int[], %s::date[]) AS k(partner_id, company_id, date)",
            partners,
            companies,
            dates,
        )
        cr.execute(
            SQL(
                """DELETE FROM customer_revenue_day d USING %s
                    WHERE d.partner_id = k.partner_id AND d.company_id = k.company_id
                      AND d.date = k.date""",
                key_table,
            )
        )
        cr.execute(
            insert_days_sql(
                SQL(
                    """(aml.partner_id, aml.company_id, aml.date) IN (
                           SELECT k.partner_id, k.company_id, k.date FROM %s)""",
                    key_table,
                )
            )
        )
        self.invalidate_model()

    @api.model
    def _keys_sql(self, condition):
        """The keys (partner, company, date) of the customer product lines ``aml`` (of move
        ``am``, posted or not) that meet ``condition``."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT aml.partner_id, aml.company_id, aml.date
                     FROM account_move_line aml
                     JOIN account_move am ON am.id = aml.move_id
                    WHERE aml.display_type = %s AND am.move_type IN %s
                      AND aml.partner_id IS NOT NULL AND %s""",
                PRODUCT_LINE,
                CUSTOMER_MOVE_TYPES,
                condition,
            )
        )
        return set(self.env.cr.fetchall())

    @api.model
    def _keys_of_moves(self, move_ids):
        return self._keys_sql(SQL("aml.move_id = ANY(%s)", list(move_ids)))

    @api.model
    def _keys_of_lines(self, line_ids):
        return self._keys_sql(SQL("aml.id = ANY(%s)", list(line_ids)))

    @api.model
    def _keys_of_partners(self, partner_ids):
        """Every day of these partners (a merge moves their lines to another partner)."""
        self.env.cr.execute(
            """SELECT partner_id, company_id, date FROM customer_revenue_day
                WHERE partner_id = ANY(%s)""",
            [list(partner_ids)],
        )
        return set(self.env.cr.fetchall())

    @api.model
    def _keys_of_unfrozen_products(self, product_ids):
        """The days with revenue lines of these products costed with the product's cost
        now (no frozen cost)."""
        return self._keys_sql(
            SQL(
                """aml.product_id = ANY(%s) AND aml.score_cost IS NULL
                   AND aml.parent_state = %s""",
                list(product_ids),
                POSTED,
            )
        )

    # ------------------------------------------------------------------
    # Rebuild and check: every day from the journal items
    # ------------------------------------------------------------------
    @api.model
    def _rebuild(self, company_ids=None):
        """Recompute every day (of ``company_ids``, default all companies) from the journal
        items; returns the number of days written."""
        cr = self.env.cr
        self.env.flush_all()
        condition = SQL("TRUE")
        if company_ids is not None:
            condition = SQL("aml.company_id = ANY(%s)", list(company_ids))
            cr.execute(
                "DELETE FROM customer_revenue_day WHERE company_id = ANY(%s)", [list(company_ids)]
            )
        else:
            cr.execute("TRUNCATE customer_revenue_day")
        cr.execute(insert_days_sql(condition))
        written = cr.rowcount
        cr.execute("ANALYZE customer_revenue_day")
        self.invalidate_model()
        _logger.info("Revenue days rebuilt from the journal items: %s days", written)
        return written

    @api.model
    def _check(self, company_ids=None, limit=20):
        """The days that differ from their journal items (of ``company_ids``, default all):
        ``(count, examples)``, each example ``(partner id, company id, date, stored values,
        values from the lines)``; ``(0, [])`` when the table is right."""
        self.env.flush_all()
        stored_filter = lines_filter = SQL("TRUE")
        if company_ids is not None:
            stored_filter = SQL("x.company_id = ANY(%s)", list(company_ids))
            lines_filter = SQL("aml.company_id = ANY(%s)", list(company_ids))
        values = SQL(", ").join(
            SQL("COALESCE(x.%s, 0) AS %s", SQL.identifier(n), SQL.identifier(n))
            for n in DAY_COLUMNS
        )

        def row(alias):
            return SQL(
                "ROW(%s)",
                SQL(", ").join(SQL("%s.%s", alias, SQL.identifier(n)) for n in DAY_COLUMNS),
            )

        # Compared as numbers (600.0 = 600.000), shown as text.
        self.env.cr.execute(
            SQL(
                """WITH stored AS (
                       SELECT x.partner_id, x.company_id, x.date, %(values)s
                         FROM customer_revenue_day x WHERE %(stored_filter)s
                   ),
                   computed AS (
                       SELECT x.partner_id, x.company_id, x.date, %(values)s
                         FROM (%(lines)s) AS x(partner_id, company_id, date, %(names)s)
                   )
                   SELECT COALESCE(s.partner_id, c.partner_id),
                          COALESCE(s.company_id, c.company_id), COALESCE(s.date, c.date),
                          CASE WHEN s.partner_id IS NOT NULL THEN %(s_row)s::text END,
                          CASE WHEN c.partner_id IS NOT NULL THEN %(c_row)s::text END,
                          COUNT(*) OVER ()
                     FROM stored s
                     FULL JOIN computed c ON c.partner_id = s.partner_id
                      AND c.company_id = s.company_id AND c.date = s.date
                    WHERE %(s_row)s IS DISTINCT FROM %(c_row)s
                    LIMIT %(limit)s""",
                values=values,
                names=SQL(", ").join(SQL.identifier(n) for n in DAY_COLUMNS),
                stored_filter=stored_filter,
                lines=days_from_lines_sql(lines_filter),
                s_row=row(SQL("s")),
                c_row=row(SQL("c")),
                limit=limit,
            )
        )
        rows = self.env.cr.fetchall()
        count = rows[0][5] if rows else 0
        return count, [row[:5] for row in rows]
