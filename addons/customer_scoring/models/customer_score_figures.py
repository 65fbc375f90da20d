"""The figures of the score rows, from the revenue days (``customer_revenue_day.py``, the
posted revenue lines summed per day) and the receivable journal items: candidates, one
set-based aggregate per company or batch, the per-customer columns and their upsert,
and the owners' to-dos for customers that turned passive or declining. Inherited by
``customer.score``."""

from odoo import api, models
from odoo.tools import SQL

from ..tools import activity
from ..tools.customer_starts import is_start_sql
from ..tools.revenue_lines import (  # noqa: F401 (CUSTOMER_MOVE_TYPES: imported from here)
    CUSTOMER_INVOICE,
    CUSTOMER_MOVE_TYPES,
    POSTED,
    contacts_sql,
)
from . import score_rules
from .score_rules import lifecycle_stage_sql

LIFECYCLE_STAGES = [
    ("prospect", "Prospect"),
    ("new", "New"),
    ("active", "Active"),
    ("passive", "Passive"),
    ("lost", "Lost"),
]
VALUE_CLASSES = [("AAA", "AAA"), ("AA", "AA"), ("A", "A"), ("B", "B"), ("C", "C")]
PASSIVE_SIGNALS = [
    ("gap", "No invoice for longer than usual"),
    ("p_alive", "P(alive) below the threshold"),
]
# Columns of a score row computed per customer from its journal items ...
ROW_COLUMNS = (
    "partner_id",
    "company_id",
    "currency_id",
    "user_id",
    "date_computed",
    "revenue_12m",
    "revenue_prev_12m",
    "revenue_growth",
    "cost_12m",
    "margin_12m",
    "margin_percent",
    "invoice_count_12m",
    "refund_count_12m",
    "avg_order_value",
    "first_invoice_date",
    "last_invoice_date",
    "recency_days",
    "median_gap_days",
    "avg_days_late",
    "lifecycle_stage",
    "purchase_day_count",
    # Activity class, last start and computed regularity (tools/activity.py).
    "last_start_date",
    "activity_class",
    "regularity_computed",
    "regularity_cv",
)
# ... and those computed over all the customers of the company (shares, ranks, score).
FINAL_COLUMNS = (
    "share_of_company_revenue",
    "is_concentration_risk",
    "abc_value_class",
    "retention_rate",
    "clv",
    "score_revenue",
    "score_growth",
    "score_margin",
    "score_frequency",
    "score_recency",
    "score_payment",
    "score_evaluative",
    "score_evaluative_rated",
    "score",
    # The customer-base model's figures (customer_clv_model.py), 0 until it is applied.
    "p_alive",
    "expected_purchases_12m",
    "expected_purchase_value",
    "expected_revenue_12m",
    "clv_model_id",
    "forecast_purchases",
    # The early signals (customer.score.runner._apply_early_signals), after the model.
    "passive_signal",
    "spend_declining",
    # Where the regularity of the evaluative factor comes from (rated / computed).
    "regularity_source",
)

# ... and the snapshot of a full run's order that partial runs are placed in
# (customer_score_placement.py), written by full runs only.
SNAPSHOT_COLUMNS = (
    "rank_snap_neg",
    "rank_snap_revenue",
    "rank_snap_margin",
    "rank_snap_invoices",
    "rank_snap_cum",
    "rank_snap_position",
    "rank_snap_margin_le",
    "rank_snap_invoices_le",
)


def _assign_moved_sql(columns, source):
    """SQL for writing ``columns`` of customer_score ``cs`` from ``source`` (an alias):
    the SET list, and the condition that one of them moved (rows that did not move are
    not rewritten)."""
    cols = [SQL.identifier(name) for name in columns]
    sets = SQL(", ").join(SQL("%s = %s.%s", col, source, col) for col in cols)
    moved = SQL(
        "(%s) IS DISTINCT FROM (%s)",
        SQL(", ").join(SQL("cs.%s", col) for col in cols),
        SQL(", ").join(SQL("%s.%s", source, col) for col in cols),
    )
    return sets, moved


class CustomerScoreFigures(models.AbstractModel):
    _name = "customer.score.figures"
    _description = "Customer Score: Figures from Journal Items"

    @api.model
    def _candidate_sql(self, company, partner_ids, only_marked):
        """SQL selecting the commercial partners to score for ``company``."""
        if only_marked:
            return SQL(
                """SELECT m.partner_id AS id FROM customer_score_mark m
                    WHERE m.company_id = %(company)s""",
                company=company.id,
            )
        if partner_ids is not None:
            return SQL(
                "SELECT p.id FROM res_partner p WHERE p.id = ANY(%(ids)s)",
                ids=list(partner_ids),
            )
        # Customers: commercial entities that bought or may buy from us; our own companies,
        # users and pure vendors are left out.
        return SQL(
            """SELECT p.id FROM res_partner p
                WHERE p.id = p.commercial_partner_id
                  AND p.active
                  AND (p.company_id IS NULL OR p.company_id = %(company)s)
                  AND (
                      p.customer_rank > 0
                      OR (
                          COALESCE(p.supplier_rank, 0) = 0
                          AND NOT EXISTS (SELECT 1 FROM res_company c WHERE c.partner_id = p.id)
                          AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
                      )
                  )""",
            company=company.id,
        )

    @api.model
    def _candidate_ids(self, company, partner_ids, only_marked):
        """Ids of the commercial partners to score for ``company``, in id order."""
        self.env.cr.execute(
            SQL(
                "SELECT c.id FROM (%s) c ORDER BY c.id",
                self._candidate_sql(company, partner_ids, only_marked),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Per batch: figures straight from the journal items, written in one upsert
    # ------------------------------------------------------------------
    @api.model
    def _aggregate_sql(self, company, date, partner_ids=None):
        """One set-based query: the figures of every commercial partner of ``company``
        (or only of ``partner_ids``) from its revenue days and, for the payment delays,
        its receivable journal items; one row per partner."""
        windows = self._get_windows(date)
        partner_filter = day_filter = SQL("")
        if partner_ids is not None:
            # The journal items by their partner (index), not every item joined to its
            # partner and then filtered: a partial run reads only its customers' lines.
            partner_ids_sql = contacts_sql(partner_ids)
            partner_filter = SQL("AND aml.partner_id = ANY(%s)", partner_ids_sql)
            day_filter = SQL("AND d.partner_id = ANY(%s)", partner_ids_sql)
        return SQL(
            """
WITH days AS MATERIALIZED (
    -- The revenue days (customer_revenue_day.py) of each customer: its revenue lines summed
    -- per day, maintained as moves are posted, reset or cancelled.
    SELECT p.commercial_partner_id AS partner_id, d.date,
           SUM(COALESCE(d.invoice_revenue, 0) + COALESCE(d.refund_revenue, 0)) AS revenue,
           SUM(d.cost) AS cost, SUM(d.invoice_count) AS invoices, SUM(d.refund_count) AS refunds
      FROM customer_revenue_day d
      JOIN res_partner p ON p.id = d.partner_id
     WHERE d.company_id = %(company)s
       AND d.date <= %(date)s
       %(day_filter)s
  GROUP BY p.commercial_partner_id, d.date
),
money AS (
    SELECT partner_id,
           SUM(revenue) FILTER (WHERE date >= %(s12)s) AS rev12,
           SUM(revenue) FILTER (WHERE date BETWEEN %(s_prev)s AND %(e_prev)s) AS rev_prev,
           SUM(cost) FILTER (WHERE date >= %(s12)s) AS cost12,
           SUM(invoices) FILTER (WHERE date >= %(s12)s) AS inv12,
           SUM(refunds) FILTER (WHERE date >= %(s12)s) AS ref12,
           MIN(date) FILTER (WHERE invoices > 0) AS first_date,
           MAX(date) FILTER (WHERE invoices > 0) AS last_date
      FROM days
  GROUP BY partner_id
),
gaps AS (
    -- The purchase days (tools/customer_starts.py) and their gaps: one gap per purchase
    -- day after the first (NULL on the first, which percentile_cont and COUNT(gap) skip).
    SELECT partner_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap,
           COUNT(gap) AS repeat_days,
           -- The last start: the first purchase day, or the last return after a pause.
           MAX(date) FILTER (WHERE %(is_start)s) AS start_date,
           %(activity)s
      FROM (
          SELECT partner_id, date,
                 date - LAG(date) OVER (PARTITION BY partner_id ORDER BY date) AS gap
            FROM (SELECT partner_id, date FROM days WHERE invoices > 0) d
      ) g
  GROUP BY partner_id
),
late AS (
    -- Every receivable line of the window's invoices, paid or not: a line reconciled in
    -- full by the scoring date is late up to its last reconciliation, an open or partly
    -- paid one up to the scoring date (not yet due: 0 days).
    SELECT p.commercial_partner_id AS partner_id,
           SUM(GREATEST(
                   CASE WHEN aml.reconciled AND pay.paid_date <= %(date)s THEN pay.paid_date
                        ELSE %(date)s::date END
                   - aml.date_maturity, 0) * aml.balance)
               / NULLIF(SUM(aml.balance), 0) AS days_late
      FROM account_move_line aml
      JOIN account_move am ON am.id = aml.move_id
      JOIN account_account acc ON acc.id = aml.account_id
      JOIN res_partner p ON p.id = aml.partner_id
      LEFT JOIN LATERAL (
          -- Paid when the customer paid: an exchange difference booked later (dated by
          -- its journal, e.g. at the end of the month) is not a payment.
          SELECT MAX(apr.max_date) AS paid_date
            FROM account_partial_reconcile apr
            JOIN account_move_line cl ON cl.id = apr.credit_move_id
           WHERE apr.debit_move_id = aml.id
             AND cl.journal_id IS DISTINCT FROM %(exchange_journal)s
      ) pay ON aml.reconciled
     WHERE aml.company_id = %(company)s
       AND aml.parent_state = %(posted)s
       AND am.move_type = %(invoice)s
       AND acc.account_type = 'asset_receivable'
       AND aml.balance > 0
       AND aml.date_maturity IS NOT NULL
       AND aml.date BETWEEN %(s12)s AND %(date)s
       %(partner_filter)s
  GROUP BY p.commercial_partner_id
)
SELECT m.partner_id, m.rev12, m.rev_prev, m.cost12, m.inv12, m.ref12, m.first_date,
       m.last_date, g.median_gap, g.repeat_days, l.days_late, g.start_date, g.active_days,
       g.occasional_days, g.window_days, g.gap_cv
  FROM money m
  LEFT JOIN gaps g ON g.partner_id = m.partner_id
  LEFT JOIN late l ON l.partner_id = m.partner_id
""",
            invoice=CUSTOMER_INVOICE,
            posted=POSTED,
            exchange_journal=company.currency_exchange_journal_id.id or None,
            partner_filter=partner_filter,
            day_filter=day_filter,
            is_start=is_start_sql(SQL("date"), SQL("date - gap"), company.score_return_pause_days),
            activity=activity.activity_counts_sql(company, windows["date"], windows["start_12m"]),
            company=company.id,
            date=windows["date"],
            s12=windows["start_12m"],
            e_prev=windows["end_prev_12m"],
            s_prev=windows["start_prev_12m"],
        )

    @api.model
    def _prepare_figures_table(self, company, date, partner_ids=None):
        """Aggregate a whole company in one pass into a temporary table.

        Batches then read their partners from it by index instead of scanning the journal
        items again for every batch.
        """
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS customer_score_figures")
        cr.execute(
            SQL(
                "CREATE TEMP TABLE customer_score_figures ON COMMIT DROP AS %s",
                self._aggregate_sql(company, date, partner_ids),
            )
        )
        cr.execute("CREATE INDEX ON customer_score_figures (partner_id)")
        cr.execute("ANALYZE customer_score_figures")
        return SQL("customer_score_figures")

    @api.model
    def _row_values_sql(self, company, date, source, partner_ids):
        """SELECT of the per-customer columns (ROW_COLUMNS, in that order) of ``partner_ids``
        (a list, or an SQL query of ids) from the aggregated figures in ``source``."""
        windows = self._get_windows(date)
        return SQL(
            """
WITH figures AS (
    SELECT b.id AS partner_id, b.user_id,
           ROUND(COALESCE(m.rev12, 0)::numeric, %(dp)s) AS rev12,
           ROUND(COALESCE(m.rev_prev, 0)::numeric, %(dp)s) AS rev_prev,
           ROUND(COALESCE(m.cost12, 0)::numeric, %(dp)s) AS cost12,
           COALESCE(m.inv12, 0) AS inv12,
           COALESCE(m.ref12, 0) AS ref12,
           m.first_date, m.last_date,
           m.median_gap,
           CASE WHEN m.last_date IS NULL THEN 0 ELSE COALESCE(m.repeat_days, 0) + 1 END
               AS purchase_days,
           COALESCE(m.days_late, 0) AS days_late,
           m.start_date, m.active_days, m.occasional_days, m.window_days, m.gap_cv
      FROM res_partner b
      LEFT JOIN %(source)s m ON m.partner_id = b.id
     WHERE %(partner_filter)s
)
SELECT f.partner_id AS partner_id, %(company)s AS company_id, %(currency)s AS currency_id,
       f.user_id AS user_id, %(date)s::date AS date_computed,
       f.rev12 AS revenue_12m, f.rev_prev AS revenue_prev_12m,
       ROUND(CASE WHEN f.rev_prev <> 0 THEN (f.rev12 - f.rev_prev) / ABS(f.rev_prev) * 100
                  WHEN f.rev12 > 0 THEN 100 ELSE 0 END, 2) AS revenue_growth,
       f.cost12 AS cost_12m, f.rev12 - f.cost12 AS margin_12m,
       ROUND(CASE WHEN f.rev12 <> 0 THEN (f.rev12 - f.cost12) / f.rev12 * 100 ELSE 0 END, 2)
           AS margin_percent,
       f.inv12 AS invoice_count_12m, f.ref12 AS refund_count_12m,
       ROUND(CASE WHEN f.inv12 > 0 THEN f.rev12 / f.inv12 ELSE 0 END, %(dp)s)
           AS avg_order_value,
       f.first_date AS first_invoice_date, f.last_date AS last_invoice_date,
       COALESCE(%(date)s::date - f.last_date, 0) AS recency_days,
       ROUND(COALESCE(f.median_gap, 0)::numeric, 1) AS median_gap_days,
       ROUND(f.days_late::numeric, 1) AS avg_days_late,
       %(stage)s AS lifecycle_stage,
       f.purchase_days AS purchase_day_count,
       f.start_date AS last_start_date,
       %(activity_class)s AS activity_class,
       %(regularity)s AS regularity_computed,
       CASE WHEN f.window_days >= %(min_days)s THEN ROUND(f.gap_cv::numeric, %(cv_digits)s)
            ELSE 0 END AS regularity_cv
  FROM figures f
""",
            source=source,
            partner_filter=(
                SQL("b.id IN (%s)", partner_ids)
                if isinstance(partner_ids, SQL)
                else SQL("b.id = ANY(%s)", list(partner_ids))
            ),
            company=company.id,
            currency=company.currency_id.id,
            dp=company.currency_id.decimal_places,
            date=windows["date"],
            # New from the last start: a customer back after a long pause is new again.
            stage=lifecycle_stage_sql(
                company,
                date,
                SQL("COALESCE(f.start_date, f.first_date)"),
                SQL("f.last_date"),
                SQL("f.median_gap"),
            ),
            activity_class=activity.activity_class_sql(
                company,
                windows["date"],
                SQL("COALESCE(f.start_date, f.first_date)"),
                SQL("f.last_date"),
                SQL("f.active_days"),
                SQL("f.occasional_days"),
            ),
            regularity=activity.regularity_sql(SQL("f.gap_cv"), SQL("f.window_days")),
            min_days=activity.MIN_REGULARITY_DAYS,
            cv_digits=activity.CV_DIGITS,
        )

    @api.model
    def _upsert_sql(self, columns, select):
        """INSERT the rows of ``select`` (its columns: ``columns``, in that order) into
        customer_score, updating existing rows; a row whose values are the same is not
        rewritten (a second run on the same day). Returns partner and lifecycle stage of
        the rows written."""
        cols = [SQL.identifier(name) for name in columns]
        sets, moved = _assign_moved_sql(
            [name for name in columns if name not in ("partner_id", "company_id")],
            SQL("EXCLUDED"),
        )
        return SQL(
            """
INSERT INTO customer_score AS cs (%(cols)s, create_uid, create_date, write_uid, write_date)
SELECT %(v_cols)s, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
  FROM (%(select)s) v
ON CONFLICT (partner_id, company_id) DO UPDATE SET
    %(sets)s,
    write_uid = EXCLUDED.write_uid,
    write_date = EXCLUDED.write_date
WHERE %(moved)s
RETURNING cs.partner_id, cs.lifecycle_stage
""",
            cols=SQL(", ").join(cols),
            v_cols=SQL(", ").join(SQL("v.%s", col) for col in cols),
            uid=self.env.uid,
            select=select,
            sets=sets,
            moved=moved,
        )

    @api.model
    def _compute_batch(self, company, partner_ids, date, source=None):
        """Compute and upsert the rows of ``partner_ids`` (commercial partners) of a company.

        ``source``: a table with the aggregated figures (see ``_prepare_figures_table``);
        by default they are aggregated for just these partners. The owners' activities
        follow once the company's rows are final (``_run_partial``).
        """
        source = source or SQL("(%s)", self._aggregate_sql(company, date, partner_ids))
        query = self._upsert_sql(
            ROW_COLUMNS, self._row_values_sql(company, date, source, partner_ids)
        )
        self.env.cr.execute(query)
        self.env["customer.score.mark"]._unmark(company, partner_ids)

    # ------------------------------------------------------------------
    # The owners' activities: a customer that turned passive or declining
    # ------------------------------------------------------------------
    @api.model
    def _notify_passive(self, company, partner_ids):
        """One to-do for the salesperson of each customer that just turned passive, its
        note saying which signal fired (the gap rule or P(alive)).

        A partner that already has an open "passive customer" activity gets no second one.
        """
        self._notify_owners(
            company,
            partner_ids,
            "customer_scoring.mail_activity_type_passive_customer",
            score_rules.passive_note,
        )

    @api.model
    def _notify_declining(self, company, partner_ids):
        """One to-do for the salesperson of each customer whose spend just turned
        declining; a partner with an open "declining spend" activity gets no second one."""
        self._notify_owners(
            company,
            partner_ids,
            "customer_scoring.mail_activity_type_declining_spend",
            score_rules.declining_note,
        )

    @api.model
    def _notify_owners(self, company, partner_ids, activity_xmlid, texts):
        """An activity of type ``activity_xmlid`` for the salesperson of each of
        ``partner_ids`` that has none open of that type; ``texts(row, number)`` gives the
        summary and the note from the customer's score row, in the language of ``row.env``
        (``number``: ``score_rules.number_formatter`` of that language)."""
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        if not activity_type or not partner_ids:
            return
        Activity = self.env["mail.activity"].sudo()
        existing = Activity.search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", list(partner_ids)),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        already = set(existing.mapped("res_id"))
        rows = (
            self.env["customer.score"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", [pid for pid in partner_ids if pid not in already]),
                ]
            )
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        values = []
        numbers = {}
        for row in rows:
            owner = row.partner_id.user_id
            if not owner:
                continue
            # Written for the salesperson who reads it, in her language.
            local = row.with_context(lang=owner.lang or self.env.lang)
            lang = local.env.lang
            if lang not in numbers:
                numbers[lang] = score_rules.number_formatter(local.env)
            summary, note = texts(local, numbers[lang])
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": row.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": owner.id,
                    "summary": summary,
                    "note": note,
                }
            )
        if values:
            Activity.with_context(mail_activity_quick_update=True).create(values)
