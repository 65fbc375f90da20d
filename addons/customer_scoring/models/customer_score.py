import logging
import time
import uuid

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date, split_every

from ..tools.revenue_lines import revenue_line_domain
from . import score_rules
from .customer_score_figures import (  # noqa: F401 (imported from here by other files)
    CUSTOMER_MOVE_TYPES,
    DEFAULT_BATCH_SIZE,
    FINAL_COLUMNS,
    LIFECYCLE_STAGES,
    ROW_COLUMNS,
    SCORING_LOCK_KEY,
    VALUE_CLASSES,
)
from .score_rules import SCORE_FACTORS

_logger = logging.getLogger(__name__)


class CustomerScore(models.Model):
    _name = "customer.score"
    _inherit = ["customer.score.figures", "customer.score.ranks"]
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
        help="Amount-weighted average of the days past the due date of the invoices of the "
        "last 12 months: up to the full payment for paid ones, up to the scoring date for open "
        "or partly paid ones; not yet due or paid early counts as 0.",
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
        return revenue_line_domain(
            company_ids=self.company_id.ids,
            date_from=windows["start_12m"],
            date_to=windows["date"],
            partner_ids=self.partner_id.ids,
        )

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
                # As a button run does: archived customers leave before the shares and
                # ranks are taken over the company's rows.
                scorer._drop_archived_rows(run.company_id)
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
