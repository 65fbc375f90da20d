import logging
import time
import uuid

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date, split_every

from . import score_rules
from .score_rules import SCORE_FACTORS

_logger = logging.getLogger(__name__)

LIFECYCLE_STAGES = [
    ("prospect", "Prospect"),
    ("new", "New"),
    ("active", "Active"),
    ("passive", "Passive"),
    ("lost", "Lost"),
]
VALUE_CLASSES = [("AAA", "AAA"), ("AA", "AA"), ("A", "A"), ("B", "B"), ("C", "C")]
CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")
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


# Advisory lock key ("customer_scoring" in a bigint); one scoring run per database at a time.
SCORING_LOCK_KEY = 0x4353434F52494E47
DEFAULT_BATCH_SIZE = 5000


class CustomerScore(models.Model):
    _name = "customer.score"
    _description = "Customer Score"
    _order = "company_id, score desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    currency_id = fields.Many2one("res.currency", string="Currency", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        index=True,
        help="The customer's salesperson when the score was computed.",
    )
    date_computed = fields.Date(
        string="As of", readonly=True, help="The date the figures were computed for."
    )

    # Money and frequency (company currency; see readme/DESCRIPTION.md for the rules).
    revenue_12m = fields.Monetary(string="Revenue 12 Months", readonly=True)
    revenue_prev_12m = fields.Monetary(string="Revenue Previous 12 Months", readonly=True)
    revenue_growth = fields.Float(string="Growth (%)", digits=(16, 2), readonly=True)
    cost_12m = fields.Monetary(string="Cost of Goods 12 Months", readonly=True)
    margin_12m = fields.Monetary(string="Margin 12 Months", readonly=True)
    margin_percent = fields.Float(string="Margin (%)", digits=(16, 2), readonly=True)
    invoice_count_12m = fields.Integer(string="Invoices 12 Months", readonly=True)
    refund_count_12m = fields.Integer(string="Credit Notes 12 Months", readonly=True)
    avg_order_value = fields.Monetary(string="Average Invoice Value", readonly=True)
    first_invoice_date = fields.Date(readonly=True)
    last_invoice_date = fields.Date(readonly=True)
    recency_days = fields.Integer(string="Days Since Last Invoice", readonly=True)
    median_gap_days = fields.Float(
        string="Median Days Between Invoices", digits=(16, 1), readonly=True
    )
    avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        readonly=True,
        help="Amount-weighted average of the days between due date and full payment of the "
        "invoices of the last 12 months that are fully paid; paying early counts as 0.",
    )
    share_of_company_revenue = fields.Float(
        string="Share of Company Revenue (%)", digits=(16, 2), readonly=True
    )
    is_concentration_risk = fields.Boolean(
        string="Concentration Risk",
        readonly=True,
        help="The customer's share of the company's 12-month revenue is above the threshold "
        "set in Settings (15 % by default).",
    )

    # Classification, score and value.
    abc_value_class = fields.Selection(
        VALUE_CLASSES,
        string="Revenue Rank (ABC by Value)",
        readonly=True,
        help="Pareto rank of the 12-month revenue among the company's buyers. An input to "
        "the customer's class only when the company's class source is value ABC; the "
        "class that counts is the final class on the Key account tab of the customer.",
    )
    score = fields.Float(digits=(16, 2), readonly=True, aggregator="avg")
    score_revenue = fields.Float(string="Revenue Points", digits=(16, 2), readonly=True)
    score_growth = fields.Float(string="Growth Points", digits=(16, 2), readonly=True)
    score_margin = fields.Float(string="Margin Points", digits=(16, 2), readonly=True)
    score_frequency = fields.Float(string="Frequency Points", digits=(16, 2), readonly=True)
    score_recency = fields.Float(string="Recency Points", digits=(16, 2), readonly=True)
    score_payment = fields.Float(string="Payment Points", digits=(16, 2), readonly=True)
    score_evaluative = fields.Float(string="Evaluative Points", digits=(16, 2), readonly=True)
    score_evaluative_rated = fields.Boolean(
        string="Rated by the Owner",
        readonly=True,
        help="Unrated customers are scored without the evaluative factor: its weight is "
        "left out and the other weights are scaled up to 100.",
    )
    score_explanation = fields.Text(compute="_compute_score_explanation")
    retention_rate = fields.Float(
        string="Retention Rate (%)",
        digits=(16, 2),
        readonly=True,
        help="Share of last year's buyers of this value class who bought again this year.",
    )
    clv = fields.Monetary(string="Customer Lifetime Value", readonly=True)
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True, index=True)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one score row per company.",
        ),
    ]

    def init(self):
        # Every row is rewritten by each daily run (the "as of" date and recency move):
        # with room left in each page the new versions stay in the page (HOT updates) and
        # the six indexes are not touched. Measured at 100,000 customers: the daily upsert
        # went from 5.6 s to 2.4 s.
        self.env.cr.execute("ALTER TABLE customer_score SET (fillfactor = 50)")

    @api.depends(
        *(f"score_{name}" for name in SCORE_FACTORS),
        "score",
        "score_evaluative_rated",
        "lifecycle_stage",
    )
    @api.depends_context("lang")
    def _compute_score_explanation(self):
        for row in self:
            row.score_explanation = score_rules.explanation(row)

    # ------------------------------------------------------------------
    # Windows and drill-down
    # ------------------------------------------------------------------
    @api.model
    def _get_windows(self, date):
        """Return the date bounds used by a computation as of ``date``.

        The 12 months "ending on date" include ``date`` and start the day after the same
        date one year earlier: as of 2025-06-30 they are 2024-07-01 .. 2025-06-30, so an
        invoice dated exactly 2024-06-30 belongs to the previous 12 months.
        """
        start_12m = date - relativedelta(years=1) + relativedelta(days=1)
        return {
            "date": date,
            "start_12m": start_12m,
            "end_prev_12m": start_12m - relativedelta(days=1),
            "start_prev_12m": start_12m - relativedelta(years=1),
        }

    def _get_revenue_line_domain(self):
        """Domain of the journal items summed into ``revenue_12m`` of this row."""
        self.ensure_one()
        windows = self._get_windows(self.date_computed or fields.Date.context_today(self))
        return [
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("display_type", "=", "product"),
            ("move_id.move_type", "in", CUSTOMER_MOVE_TYPES),
            ("partner_id.commercial_partner_id", "=", self.partner_id.id),
            ("date", ">=", windows["start_12m"]),
            ("date", "<=", windows["date"]),
        ]

    def action_open_invoice_lines(self):
        """Open exactly the journal items summed into ``revenue_12m``, all on one page (so
        the list's total is the whole set), with their revenue as a positive amount."""
        self.ensure_one()
        windows = self._get_windows(self.date_computed or fields.Date.context_today(self))
        domain = self._get_revenue_line_domain()
        count = self.env["account.move.line"].search_count(domain)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Invoice lines counted in revenue (12 months): %(partner)s, %(start)s - %(end)s",
                partner=self.partner_id.name,
                start=format_date(self.env, windows["start_12m"]),
                end=format_date(self.env, windows["date"]),
            ),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("customer_scoring.view_move_line_scoring_list").id, "list"),
                (False, "form"),
            ],
            "search_view_id": [self.env.ref("customer_scoring.view_move_line_scoring_search").id],
            "domain": domain,
            "limit": max(80, count),
            "context": {
                "create": False,
                "search_default_counted_in_revenue": 1,
            },
            "help": self.env._(
                "<p>No invoice line counted in this customer's revenue of the last 12 "
                "months.</p><p>Counted: posted customer invoices and credit notes of "
                "%(company)s, product lines only, untaxed, in company currency; credit "
                "notes are deducted. Odoo's own Invoiced button sums every posted invoice "
                "since the first one, in all the companies you work in.</p>",
                company=self.company_id.name,
            ),
        }

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------
    def _check_scoring_access(self):
        if not (self.env.su or self.env.user.has_group("customer_scoring.group_scoring_manager")):
            raise AccessError(self.env._("Only scoring managers can recompute customer scores."))

    @api.model
    def _acquire_lock(self):
        """Take the scoring lock for this transaction, or stop with a clear message."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [SCORING_LOCK_KEY])
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "Customer scoring is already running in another session. Wait until it "
                    "finishes (it reports its progress in Settings > Scheduled Actions) and "
                    "try again."
                )
            )

    @api.model
    def _set_run_settings(self):
        """PostgreSQL settings for this transaction only. The ranks sort every row of a
        company several times: with the default 4 MB of work memory they spill to disk
        (seconds at 100,000 customers). JIT compilation costs more than it saves on these
        queries."""
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        self.env.cr.execute("SET LOCAL jit = off")

    def action_recompute_scores(self):
        """Button: recompute every customer of the allowed companies now.

        Not ``api.model``: the list header button sends the selected rows' ids (or none);
        the whole set of customers is recomputed either way, so the ids are not used."""
        self._check_scoring_access()
        rows = self.compute_scores()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s customer scores recomputed.", count=len(rows)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def compute_scores(
        self, companies=None, partners=None, date=None, only_marked=False, batch_size=None
    ):
        """Compute (create or update) the score rows and return them.

        :param companies: res.company records (default: the user's allowed companies)
        :param partners: res.partner records; their commercial partners are computed
            (default: every customer partner of each company)
        :param date: the "as of" date (default: today)
        :param only_marked: only the partners marked by posted / cancelled invoices
        :param batch_size: partners per batch of a partial run, and per chunk of
            passive-customer activities (default 5000 or the system parameter
            ``customer_scoring.batch_size``); a full run works per company in SQL
            (``_compute_company``)

        Every row is overwritten, never incremented, so running twice gives the same rows.
        A full run writes every row that moved; a partial run (``partners`` or
        ``only_marked``) writes only its customers' rows (see ``_finalize_company``).
        """
        self._check_scoring_access()
        self._acquire_lock()
        self._set_run_settings()
        # The figures are read with SQL: pending ORM writes (just posted invoices) first.
        self.env.flush_all()
        companies = companies or self.env.companies
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        batch_size = batch_size or self._get_batch_size()
        partner_ids = partners.commercial_partner_id.ids if partners is not None else None
        full = not (only_marked or partner_ids is not None)
        if full:
            # Every customer: the candidates stay in the database (no list of 100,000 ids).
            counts = {c: self._count_candidates(c, None, False) for c in companies}
            done, remaining = 0, sum(counts.values())
            for company in companies:
                self._compute_company(company, date, batch_size)
                done += counts[company]
                remaining -= counts[company]
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            self._reclassify(companies)
            self.env.invalidate_all()
            return self.search([("company_id", "in", companies.ids)])
        done_ids = {company: [] for company in companies}
        # The candidates of each company in one query: selecting every batch again with
        # "id > last id LIMIT n" scanned all partners per batch (seconds on 100,000).
        candidates = {
            company: self._next_batch(company, partner_ids, only_marked, 0, None)
            for company in companies
        }
        remaining = sum(len(ids) for ids in candidates.values())
        done = 0
        for company in companies:
            ids = candidates[company]
            if not ids:
                # Nothing marked or given in this company: its rows stay as they are.
                continue
            source = self._prepare_figures_table(company, date, ids)
            for batch in split_every(batch_size, ids, list):
                self._compute_batch(company, batch, date, source=source)
                # Nothing of a batch stays in memory (passive-customer activities included).
                self.env.invalidate_all()
                done_ids[company].extend(batch)
                done += len(batch)
                remaining = max(remaining - len(batch), 0)
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            self.env.cr.execute("DROP TABLE IF EXISTS customer_score_figures")
            self._finalize_company(company, date, partner_ids=ids)
        self.env.invalidate_all()
        # The rows computed by this run: per company, the partners done there.
        return self.search(
            expression.OR(
                [
                    [("company_id", "=", company.id), ("partner_id", "in", ids)]
                    for company, ids in done_ids.items()
                ]
            )
            or expression.FALSE_DOMAIN
        )

    @api.model
    def _compute_company(self, company, date, batch_size):
        """A full run of one company, every score row written once.

        The figures of all its customers go to a temporary table, the company-wide ranks
        are computed from it, and one upsert writes each row that moved. Writing the
        figures first and the ranks after wrote every row twice, and the second write of a
        row inserted or updated in the same transaction fires its six foreign-key checks
        again: on the daily run at 100,000 customers that second write was 9 of 31 s.
        (The scheduled action works in resumable batches instead, see
        ``_cron_compute_scores``.) The caller reclassifies the customers after, for all
        the companies of the run at once (``_reclassify``)."""
        cr = self.env.cr
        started = time.monotonic()
        source = self._prepare_figures_table(company, date)
        cr.execute("DROP TABLE IF EXISTS customer_score_new")
        cr.execute(
            SQL(
                "CREATE TEMP TABLE customer_score_new ON COMMIT DROP AS %s",
                self._row_values_sql(
                    company, date, source, self._candidate_sql(company, None, False)
                ),
            )
        )
        customers = cr.rowcount
        cr.execute("DROP TABLE customer_score_figures")
        cr.execute("CREATE UNIQUE INDEX ON customer_score_new (partner_id)")
        cr.execute("ANALYZE customer_score_new")
        self._prepare_final_table(company, SQL("customer_score_new"))
        # Customers that turn passive with this run: their stage before it is still there.
        cr.execute(
            """SELECT n.partner_id FROM customer_score_new n
                 LEFT JOIN customer_score cs
                        ON cs.partner_id = n.partner_id AND cs.company_id = %s
                WHERE n.lifecycle_stage = 'passive'
                  AND cs.lifecycle_stage IS DISTINCT FROM 'passive'""",
            [company.id],
        )
        turned_passive = [row[0] for row in cr.fetchall()]
        select = SQL(
            """SELECT %s, %s FROM customer_score_new n
                 JOIN customer_score_final f ON f.partner_id = n.partner_id""",
            SQL(", ").join(SQL("n.%s", SQL.identifier(name)) for name in ROW_COLUMNS),
            SQL(", ").join(SQL("f.%s", SQL.identifier(name)) for name in FINAL_COLUMNS),
        )
        cr.execute(self._upsert_sql(ROW_COLUMNS + FINAL_COLUMNS, select))
        written = cr.rowcount
        cr.execute(
            """DELETE FROM customer_score_mark
                WHERE company_id = %s
                  AND partner_id IN (SELECT partner_id FROM customer_score_new)""",
            [company.id],
        )
        cr.execute("DROP TABLE customer_score_new")
        cr.execute("DROP TABLE customer_score_final")
        self._drop_archived_rows(company)
        for chunk in split_every(batch_size, turned_passive, list):
            self._notify_passive(company, chunk)
            self.env.invalidate_all()
        self.env.invalidate_all()
        _logger.info(
            "Customer scoring of %s: %s customers, %s rows written, %s turned passive, %.1f s",
            company.name,
            customers,
            written,
            len(turned_passive),
            time.monotonic() - started,
        )

    @api.model
    def _drop_archived_rows(self, company):
        """A full run no longer scores archived customers: their last row would otherwise
        stay as if it were current (and keep feeding the class rule)."""
        self.env.cr.execute(
            """DELETE FROM customer_score s
                USING res_partner p
                WHERE p.id = s.partner_id AND s.company_id = %s AND NOT p.active""",
            [company.id],
        )

    @api.model
    def _get_batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param("customer_scoring.batch_size")
        try:
            return max(int(value), 1) if value else DEFAULT_BATCH_SIZE
        except ValueError:
            return DEFAULT_BATCH_SIZE

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
    def _count_candidates(self, company, partner_ids, only_marked):
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM (%s) c",
                self._candidate_sql(company, partner_ids, only_marked),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _next_batch(self, company, partner_ids, only_marked, last_id, batch_size):
        self.env.cr.execute(
            SQL(
                "SELECT c.id FROM (%s) c WHERE c.id > %s ORDER BY c.id LIMIT %s",
                self._candidate_sql(company, partner_ids, only_marked),
                last_id,
                batch_size,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Per batch: figures straight from the journal items, written in one upsert
    # ------------------------------------------------------------------
    @api.model
    def _cost_sql(self, company):
        """Cost of the goods of one invoice line, signed like its revenue.

        Preferred: ``score_cost`` frozen on the line when it was posted (stable history).
        Fallback for lines posted before this module or written outside the ORM: the
        product's current cost for the company times the quantity.
        """
        return SQL(
            """COALESCE(
                   aml.score_cost,
                   CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                   * COALESCE(aml.quantity, 0)
                   * COALESCE((pp.standard_price ->> %(company)s)::numeric, 0)
               )""",
            company=str(company.id),
        )

    @api.model
    def _aggregate_sql(self, company, date, partner_ids=None):
        """One set-based query: the figures of every commercial partner of ``company``
        (or only of ``partner_ids``) from the journal items, one row per partner."""
        windows = self._get_windows(date)
        partner_filter = SQL("")
        if partner_ids is not None:
            # The journal items by their partner (index), not every item joined to its
            # partner and then filtered: a partial run reads only its customers' lines.
            partner_filter = SQL(
                """AND aml.partner_id = ANY(ARRAY(
                       SELECT c.id FROM res_partner c WHERE c.commercial_partner_id = ANY(%s)))""",
                list(partner_ids),
            )
        return SQL(
            """
WITH moves AS MATERIALIZED (
    SELECT p.commercial_partner_id AS partner_id, aml.move_id, am.move_type, aml.date,
           SUM(-aml.balance) AS revenue, SUM(%(cost)s) AS cost
      FROM account_move_line aml
      JOIN account_move am ON am.id = aml.move_id
      JOIN res_partner p ON p.id = aml.partner_id
      LEFT JOIN product_product pp ON pp.id = aml.product_id
     WHERE aml.company_id = %(company)s
       AND aml.parent_state = 'posted'
       AND aml.display_type = 'product'
       AND am.move_type IN ('out_invoice', 'out_refund')
       AND aml.date <= %(date)s
       %(partner_filter)s
  GROUP BY p.commercial_partner_id, aml.move_id, am.move_type, aml.date
),
money AS (
    SELECT partner_id,
           SUM(revenue) FILTER (WHERE date >= %(s12)s) AS rev12,
           SUM(revenue) FILTER (WHERE date BETWEEN %(s_prev)s AND %(e_prev)s) AS rev_prev,
           SUM(cost) FILTER (WHERE date >= %(s12)s) AS cost12,
           COUNT(*) FILTER (WHERE date >= %(s12)s AND move_type = 'out_invoice') AS inv12,
           COUNT(*) FILTER (WHERE date >= %(s12)s AND move_type = 'out_refund') AS ref12,
           MIN(date) FILTER (WHERE move_type = 'out_invoice') AS first_date,
           MAX(date) FILTER (WHERE move_type = 'out_invoice') AS last_date
      FROM moves
  GROUP BY partner_id
),
gaps AS (
    SELECT partner_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
      FROM (
          SELECT partner_id, date - LAG(date) OVER (PARTITION BY partner_id ORDER BY date) AS gap
            FROM (SELECT DISTINCT partner_id, date FROM moves
                   WHERE move_type = 'out_invoice') d
      ) g
     WHERE gap IS NOT NULL
  GROUP BY partner_id
),
late AS (
    SELECT p.commercial_partner_id AS partner_id,
           SUM(GREATEST(pay.paid_date - aml.date_maturity, 0) * aml.balance)
               / NULLIF(SUM(aml.balance), 0) AS days_late
      FROM account_move_line aml
      JOIN account_move am ON am.id = aml.move_id
      JOIN account_account acc ON acc.id = aml.account_id
      JOIN res_partner p ON p.id = aml.partner_id
      JOIN LATERAL (
          SELECT MAX(apr.max_date) AS paid_date
            FROM account_partial_reconcile apr
           WHERE apr.debit_move_id = aml.id
      ) pay ON pay.paid_date IS NOT NULL
     WHERE aml.company_id = %(company)s
       AND aml.parent_state = 'posted'
       AND am.move_type = 'out_invoice'
       AND acc.account_type = 'asset_receivable'
       AND aml.reconciled
       AND aml.balance > 0
       AND aml.date_maturity IS NOT NULL
       AND aml.date BETWEEN %(s12)s AND %(date)s
       %(partner_filter)s
  GROUP BY p.commercial_partner_id
)
SELECT m.partner_id, m.rev12, m.rev_prev, m.cost12, m.inv12, m.ref12, m.first_date,
       m.last_date, g.median_gap, l.days_late
  FROM money m
  LEFT JOIN gaps g ON g.partner_id = m.partner_id
  LEFT JOIN late l ON l.partner_id = m.partner_id
""",
            cost=self._cost_sql(company),
            partner_filter=partner_filter,
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
           COALESCE(m.days_late, 0) AS days_late
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
       CASE WHEN f.last_date IS NULL THEN 'prospect'
            WHEN f.last_date < %(lost_before)s THEN 'lost'
            WHEN %(date)s::date - f.last_date >= %(min_days)s
                 AND %(date)s::date - f.last_date > %(gap_factor)s * COALESCE(f.median_gap, 0)
                THEN 'passive'
            WHEN f.first_date > %(new_after)s THEN 'new'
            ELSE 'active' END AS lifecycle_stage
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
            lost_before=date - relativedelta(months=company.score_lost_months),
            new_after=date - relativedelta(months=company.score_new_months),
            gap_factor=company.score_passive_gap_factor,
            min_days=company.score_passive_min_days,
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
        by default they are aggregated for just these partners.
        """
        prev_stages = self._read_stages(company, partner_ids)
        source = source or SQL("(%s)", self._aggregate_sql(company, date, partner_ids))
        query = self._upsert_sql(
            ROW_COLUMNS, self._row_values_sql(company, date, source, partner_ids)
        )
        self.env.cr.execute(query)
        turned_passive = [
            partner_id
            for partner_id, stage in self.env.cr.fetchall()
            if stage == "passive" and prev_stages.get(partner_id) != "passive"
        ]
        self.env["customer.score.mark"]._unmark(company, partner_ids)
        if turned_passive:
            self._notify_passive(company, turned_passive)

    @api.model
    def _read_stages(self, company, partner_ids):
        self.env.cr.execute(
            """SELECT partner_id, lifecycle_stage FROM customer_score
                WHERE company_id = %s AND partner_id = ANY(%s)""",
            [company.id, list(partner_ids)],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _notify_passive(self, company, partner_ids):
        """One to-do for the salesperson of each customer that just turned passive.

        A partner that already has an open "passive customer" activity gets no second one.
        """
        activity_type = self.env.ref(
            "customer_scoring.mail_activity_type_passive_customer", raise_if_not_found=False
        )
        if not activity_type:
            return
        Activity = self.env["mail.activity"].sudo()
        model_id = self.env["ir.model"]._get_id("res.partner")
        existing = Activity.search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partner_ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        already = set(existing.mapped("res_id"))
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse([pid for pid in partner_ids if pid not in already])
        )
        values = []
        for partner in partners:
            if not partner.user_id:
                continue
            # Written for the salesperson who reads it, in her language.
            env = self.with_context(lang=partner.user_id.lang or self.env.lang).env
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": partner.user_id.id,
                    "summary": env._("Customer has turned passive"),
                    "note": env._(
                        "%(partner)s has not bought from %(company)s for longer than usual. "
                        "Get in touch.",
                        partner=partner.name,
                        company=company.name,
                    ),
                }
            )
        if values:
            Activity.with_context(mail_activity_quick_update=True).create(values)

    # ------------------------------------------------------------------
    # Per company: share, value ABC, retention, CLV and composite score over all rows
    # ------------------------------------------------------------------
    @api.model
    def _company_revenue(self, company, rows=None):
        """The company's 12-month revenue: the sum over its score rows (every customer's
        revenue_12m of the run), so the shares of a company add up to 100 %%.
        ``rows``: the table of score rows (default: customer_score)."""
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(revenue_12m), 0) FROM %s WHERE company_id = %s",
                rows or SQL("customer_score"),
                company.id,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _prepare_final_table(self, company, rows, partner_ids=None):
        """Temporary table ``customer_score_final``: partner_id and the FINAL_COLUMNS
        (share and concentration flag, value ABC, retention rate and CLV, composite score)
        of the company's customers, ranked over every row of the company in ``rows`` (the
        score table, or the new rows of a full run); only ``partner_ids`` if given."""
        total = self._company_revenue(company, rows)
        retention = self._company_retention(company, rows, full=partner_ids is None)
        classes = [value for value, _label in VALUE_CLASSES]
        rates = {cls: retention.get(cls, retention[None]) for cls in classes}
        case_rate = SQL(
            "CASE x.value_class %s ELSE %s END",
            SQL(" ").join(SQL("WHEN %s THEN %s", cls, rates[cls]) for cls in classes),
            retention[None],
        )
        case_factor = SQL(
            "CASE x.value_class %s ELSE %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", cls, self._clv_factor(company, rates[cls]))
                for cls in classes
            ),
            self._clv_factor(company, retention[None]),
        )
        median, top = score_rules.company_benchmarks(self.env.cr, company, rows)
        evaluative, rated = score_rules.evaluative_sql(self.env["res.partner"])
        subset = SQL("")
        if partner_ids is not None:
            subset = SQL("WHERE r.partner_id = ANY(%s)", list(partner_ids))
        self.env.cr.execute("DROP TABLE IF EXISTS customer_score_final")
        self.env.cr.execute(
            SQL(
                """
CREATE TEMP TABLE customer_score_final ON COMMIT DROP AS
      SELECT x.partner_id,
             CASE WHEN %(total)s > 0
                  THEN ROUND(x.revenue_12m / %(total)s * 100, 2) ELSE 0 END
                 AS share_of_company_revenue,
             %(total)s > 0 AND x.revenue_12m / %(total)s * 100 > %(threshold)s
                 AS is_concentration_risk,
             x.value_class AS abc_value_class,
             ROUND((%(case_rate)s * 100)::numeric, 2) AS retention_rate,
             ROUND((x.margin_12m * %(case_factor)s)::numeric, %(dp)s) AS clv,
             x.score_revenue, x.score_growth, x.score_margin, x.score_frequency,
             x.score_recency, x.score_payment, x.score_evaluative,
             x.is_rated AS score_evaluative_rated,
             %(score)s AS score
        FROM (
      SELECT r.partner_id, r.revenue_12m, r.margin_12m, r.lifecycle_stage, e.is_rated,
             CASE WHEN r.revenue_12m > 0 THEN %(class_case)s ELSE 'C' END AS value_class,
             %(points)s
        FROM (
            -- The ranks need every row of the company, but nothing else: the partner
            -- (evaluative ratings) is joined after, only to the rows being written.
            SELECT cs.partner_id, cs.revenue_12m, cs.margin_12m, cs.lifecycle_stage,
                   SUM(cs.revenue_12m) OVER w_order
                       / NULLIF(SUM(cs.revenue_12m) OVER w_all, 0) * 100 AS cum_share,
                   ROW_NUMBER() OVER w_order AS rank,
                   -- The rank part: CUME_DIST() over the revenue ascending, from the
                   -- rank in the order above (more revenue first): one sort less.
                   %(f_revenue)s AS f_revenue,
                   %(f_growth)s AS f_growth,
                   CASE WHEN cs.revenue_12m > 0 THEN CUME_DIST() OVER w_margin ELSE 0 END
                       AS f_margin,
                   CASE WHEN cs.revenue_12m > 0 AND cs.invoice_count_12m > 0
                        THEN CUME_DIST() OVER w_frequency ELSE 0 END AS f_frequency,
                   CASE WHEN cs.last_invoice_date IS NULL THEN 0
                        ELSE GREATEST(1 - cs.recency_days / 365.0, 0) END AS f_recency,
                   CASE WHEN cs.invoice_count_12m > 0
                        THEN GREATEST(1 - cs.avg_days_late / 60.0, 0) ELSE 0 END AS f_payment
              FROM %(rows)s cs
             WHERE cs.company_id = %(company)s
            -- Sorted as float8, summed as numeric: sorting numeric was a third slower, and
            -- amounts with 2 decimals keep their order and ties as float8.
            WINDOW w_all AS (PARTITION BY cs.revenue_12m > 0),
                   w_order AS (PARTITION BY cs.revenue_12m > 0
                               ORDER BY cs.revenue_12m::float8 DESC, cs.partner_id
                               ROWS UNBOUNDED PRECEDING),
                   w_desc AS (PARTITION BY cs.revenue_12m > 0
                              ORDER BY cs.revenue_12m::float8 DESC),
                   w_margin AS (PARTITION BY cs.revenue_12m > 0
                                ORDER BY cs.margin_percent::float8),
                   w_frequency AS (PARTITION BY cs.revenue_12m > 0
                                   ORDER BY cs.invoice_count_12m)
        ) r
        CROSS JOIN LATERAL (
            SELECT %(evaluative)s AS f_evaluative, %(rated)s AS is_rated
              FROM res_partner p WHERE p.id = r.partner_id
        ) e
        %(subset)s
        ) x
""",
                total=total,
                threshold=company.score_concentration_threshold,
                case_rate=case_rate,
                case_factor=case_factor,
                dp=company.currency_id.decimal_places,
                class_case=self._abc_case_sql(company),
                points=score_rules.points_sql(company),
                score=score_rules.score_sql(),
                f_revenue=score_rules.revenue_factor_sql(top),
                f_growth=score_rules.growth_factor_sql(median),
                evaluative=evaluative,
                rated=rated,
                rows=rows,
                company=company.id,
                subset=subset,
            )
        )
        self.env.cr.execute("ANALYZE customer_score_final")

    @api.model
    def _finalize_company(self, company, date, partner_ids=None):
        """Company-wide figures of the score rows: share and concentration flag, value ABC,
        retention rate and CLV, composite score, in one UPDATE of the rows that moved.

        The ranks (value ABC, revenue / margin / frequency points) are taken over every row
        of the company. A full run rewrites every row whose figures moved. A partial run
        (``partner_ids``: given or marked partners) rewrites only the rows of its partners,
        placed among all the others; the other rows keep the shares and ranks of their last
        run until the next full run (the daily one), which also reclassifies everyone in
        key_account_mgmt. Writing every row of the company after each posted invoice made
        the hourly run as slow as the daily one."""
        if partner_ids is None:
            # Fresh statistics after the upserts, or the planner takes a freshly filled table
            # for empty and joins it to itself with a nested loop.
            self.env.cr.execute("ANALYZE customer_score")
        self._prepare_final_table(company, SQL("customer_score"), partner_ids)
        sets, moved = _assign_moved_sql(FINAL_COLUMNS, SQL("y"))
        self.env.cr.execute(
            SQL(
                """UPDATE customer_score cs SET %(sets)s
                     FROM customer_score_final y
                    WHERE y.partner_id = cs.partner_id AND cs.company_id = %(company)s
                      AND %(moved)s""",
                sets=sets,
                company=company.id,
                moved=moved,
            )
        )
        self.env.cr.execute("DROP TABLE customer_score_final")
        self.env.invalidate_all()
        self._reclassify(company, partner_ids)

    @api.model
    def _reclassify(self, company, partner_ids=None):
        """key_account_mgmt's class recomputation, when installed, in ``company`` (one or
        more) for ``partner_ids`` or, after a full run, for every customer."""
        hook = getattr(self.env["res.partner"], "_kam_recompute_abc_classes", None)
        if hook:
            partners = None
            if partner_ids is not None:
                partners = self.env["res.partner"].browse(partner_ids)
            hook(company=company, partners=partners)

    @api.model
    def _abc_case_sql(self, company):
        """CASE expression turning ``r.cum_share`` / ``r.rank`` into a value class.

        A customer is in A while the cumulative share including it is at most the A share
        (80 %% by default), in B up to the B share (95 %%), else C. The largest customer is
        always at least A, so one dominant customer is not pushed to B.
        """
        eps = 1e-9
        fine = SQL("")
        if company.score_abc_fine_tiers:
            fine = SQL(
                "WHEN r.cum_share <= %s THEN 'AAA' WHEN r.cum_share <= %s THEN 'AA'",
                company.score_abc_aaa_share + eps,
                company.score_abc_aa_share + eps,
            )
        return SQL(
            """CASE %s
                    WHEN r.cum_share <= %s OR r.rank = 1 THEN 'A'
                    WHEN r.cum_share <= %s THEN 'B'
                    ELSE 'C' END""",
            fine,
            company.score_abc_a_share + eps,
            company.score_abc_b_share + eps,
        )

    @api.model
    def _retention_by_class(self, company, rows=None):
        """Share of the previous 12 months' buyers (per previous value class) who bought again.

        Returns {class: rate 0..1}, with key None for the overall rate.
        """
        self.env.cr.execute(
            SQL(
                """
WITH ranked AS (
    SELECT revenue_12m,
           SUM(revenue_prev_12m) OVER (ORDER BY revenue_prev_12m::float8 DESC, partner_id
                                       ROWS UNBOUNDED PRECEDING)
               / NULLIF(SUM(revenue_prev_12m) OVER (), 0) * 100 AS cum_share,
           ROW_NUMBER() OVER (ORDER BY revenue_prev_12m::float8 DESC, partner_id) AS rank
      FROM %(rows)s
     WHERE company_id = %(company)s AND revenue_prev_12m > 0
)
SELECT %(class_case)s AS value_class, COUNT(*), COUNT(*) FILTER (WHERE r.revenue_12m > 0)
  FROM ranked r
 GROUP BY 1
""",
                rows=rows or SQL("customer_score"),
                company=company.id,
                class_case=self._abc_case_sql(company),
            )
        )
        rows = self.env.cr.fetchall()
        rates = {value_class: kept / buyers for value_class, buyers, kept in rows if buyers}
        buyers = sum(row[1] for row in rows)
        rates[None] = (sum(row[2] for row in rows) / buyers) if buyers else 0.0
        return rates

    @api.model
    def _company_retention(self, company, rows, full):
        """Retention rates by class (see ``_retention_by_class``). A full run computes and
        keeps them on the company; a partial run reuses those of the last full run (a
        yearly figure over every customer, which a few rescored customers barely move:
        computing it again was a sixth of the hourly run)."""
        kept = company.sudo().score_retention_rates
        if not full and kept:
            return {(None if key == "*" else key): rate for key, rate in kept.items()}
        rates = self._retention_by_class(company, rows)
        if full:
            company.sudo().score_retention_rates = {
                ("*" if key is None else key): rate for key, rate in rates.items()
            }
        return rates

    @api.model
    def _clv_factor(self, company, retention):
        """Sum over years t = 1..H of (r / (1 + d)) ** t (see readme/CONFIGURE.md)."""
        discount = company.score_clv_discount_rate / 100.0
        ratio = retention / (1.0 + discount)
        return sum(ratio**year for year in range(1, company.score_clv_horizon_years + 1))

    # ------------------------------------------------------------------
    # Scheduled action: one batch per call, resumable
    # ------------------------------------------------------------------
    @api.model
    def _cron_compute_scores(self, batch_size=None):
        """Daily scoring, one batch per call so the scheduler can commit between batches.

        A run per (company, day) keeps the id of the last partner done; a restarted or
        interrupted run continues after it. Rows are overwritten, so nothing is counted
        twice. Progress goes to ``ir.cron._notify_progress`` (remaining > 0 makes the
        scheduler call again at once).
        """
        self._acquire_lock()
        self._set_run_settings()
        self.env.flush_all()
        Run = self.env["customer.score.run"].sudo()
        today = fields.Date.context_today(self)
        batch_size = batch_size or self._get_batch_size()
        companies = self.env["res.company"].sudo().search([])
        runs = Run.search([("date", "=", today), ("company_id", "in", companies.ids)])
        for company in companies - runs.company_id:
            runs |= Run.create(
                {
                    "company_id": company.id,
                    "date": today,
                    "run_key": uuid.uuid4().hex,
                    "total_count": self._count_candidates(company, None, False),
                }
            )
        run = runs.filtered(lambda r: r.state == "running")[:1]
        if run:
            scorer = self.sudo().with_company(run.company_id)
            batch = scorer._next_batch(run.company_id, None, False, run.last_partner_id, batch_size)
            if batch:
                scorer._compute_batch(run.company_id, batch, run.date)
                run.write({"last_partner_id": batch[-1], "done_count": run.done_count + len(batch)})
            else:
                scorer._finalize_company(run.company_id, run.date)
                run.write({"state": "done", "date_done": fields.Datetime.now()})
        done = sum(runs.mapped("done_count"))
        remaining = sum(
            max(r.total_count - r.done_count, 0) + 1 for r in runs if r.state == "running"
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

    @api.model
    def _cron_compute_marked_scores(self):
        """Hourly: rescore only the customers whose invoices were posted or cancelled."""
        self.env.cr.execute("SELECT DISTINCT company_id FROM customer_score_mark")
        company_ids = [row[0] for row in self.env.cr.fetchall()]
        if company_ids:
            companies = self.env["res.company"].sudo().browse(company_ids)
            self.sudo().compute_scores(companies=companies, only_marked=True)
