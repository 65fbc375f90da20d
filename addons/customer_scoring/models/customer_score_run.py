"""Running the scoring: the lock, the run settings, the full run per company shared by the
button and the scheduled action, the partial run (given or marked customers), and the
state of the scheduled run (``customer.score.run``) that makes it resumable.

The SQL of the figures is in ``customer_score_figures.py``, the company-wide ranks in
``customer_score_ranks.py``; ``customer.score`` inherits all three."""

import logging
import time
import uuid

from psycopg2.extensions import TransactionRollbackError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, split_every

from ..tools import clv_model
from ..tools.table_stats import analyze_if_moved
from . import score_rules
from .customer_score_figures import FINAL_COLUMNS, ROW_COLUMNS, SNAPSHOT_COLUMNS

_logger = logging.getLogger(__name__)

# Advisory lock key ("customer_scoring" in a bigint); one scoring run per database at a time.
SCORING_LOCK_KEY = 0x4353434F52494E47
DEFAULT_BATCH_SIZE = 5000
# The engines that read the rows of a full run, called in this order after it (each has
# ``_after_full_scoring_run(companies, date)``).
AFTER_FULL_RUN = ("customer.profitability.engine", "kam.health.engine")


class CustomerScoreRun(models.Model):
    """A full scoring run of one company for one "as of" date.

    Written when the company's rows are computed (button or scheduled action, in the
    same transaction as the rows): the scheduled action skips the companies done today,
    so a run stopped halfway resumes with the companies not done yet. A company whose
    run raised is "failed" with the error (its rows as before the run): the scheduled
    action moves on and runs it again tomorrow, the button runs it again at once."""

    _name = "customer.score.run"
    _description = "Customer Scoring Run"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    date = fields.Date(string="As of", required=True, index=True)
    run_key = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
    )
    message = fields.Text(readonly=True, help="The error of a failed run.")
    done_count = fields.Integer(help="Customers scored.")
    total_count = fields.Integer(help="Customers of the company when the run started.")
    date_done = fields.Datetime()

    _sql_constraints = [
        ("company_date_uniq", "unique(company_id, date)", "One run per company and date."),
    ]


class CustomerScoreRunner(models.AbstractModel):
    _name = "customer.score.runner"
    _description = "Customer Score: Runs"

    # ------------------------------------------------------------------
    # Access, lock and settings
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
        """PostgreSQL settings for this transaction only: the ranks sort every row of a
        company several times, and with the default 4 MB of work memory they spill to
        disk; JIT compilation costs more than it saves on these queries."""
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        self.env.cr.execute("SET LOCAL jit = off")

    @api.model
    def _start_run(self):
        """Lock, settings, and the pending ORM writes (just posted invoices) flushed: the
        figures are read with SQL."""
        self._acquire_lock()
        self._set_run_settings()
        self.env.flush_all()

    @api.model
    def _get_batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param("customer_scoring.batch_size")
        try:
            return max(int(value), 1) if value else DEFAULT_BATCH_SIZE
        except ValueError:
            return DEFAULT_BATCH_SIZE

    # ------------------------------------------------------------------
    # Button and API
    # ------------------------------------------------------------------
    def action_recompute_scores(self):
        """Button: recompute every customer of the allowed companies now.

        Not ``api.model``: the list header button sends the selected rows' ids (or none);
        the whole set of customers is recomputed either way, so the ids are not used."""
        self._check_scoring_access()
        rows = self.compute_scores()
        message = self.env._("%(count)s customer scores recomputed.", count=len(rows))
        failed = (
            self.env["customer.score.run"]
            .sudo()
            .search(
                [
                    ("date", "=", fields.Date.context_today(self)),
                    ("state", "=", "failed"),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )
        )
        if failed:
            message = self.env._(
                "%(done)s The scoring of %(companies)s failed, their scores are unchanged: "
                "%(errors)s",
                done=message,
                companies=", ".join(failed.company_id.mapped("name")),
                errors="; ".join("%s: %s" % (run.company_id.name, run.message) for run in failed),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "sticky": bool(failed),
                "message": message,
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
            ``customer_scoring.batch_size``)

        Every row is overwritten, never incremented, so running twice gives the same rows.
        Without ``partners`` and ``only_marked`` it is the full run of each company
        (``_run_companies``, the scheduled action's run too); with them, a partial run
        writes only its customers' rows (``_run_partial``).
        """
        self._check_scoring_access()
        self._start_run()
        companies = companies or self.env.companies
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        batch_size = batch_size or self._get_batch_size()
        if only_marked or partners is not None:
            partner_ids = partners.commercial_partner_id.ids if partners is not None else None
            return self._run_partial(companies, date, partner_ids, only_marked, batch_size)
        failed = self._run_companies(companies, date, batch_size)
        return self.search([("company_id", "in", (companies - failed).ids)])

    # ------------------------------------------------------------------
    # Full run: the button (every company at once) and the scheduled action (one
    # company per call)
    # ------------------------------------------------------------------
    @api.model
    def _run_companies(self, companies, date, batch_size, pending=0):
        """The full run of ``companies`` as of ``date``, in this transaction; returns the
        companies whose run failed.

        Each company: every customer's row in one set-based pass (``_compute_company``,
        archived customers' rows dropped), in a savepoint: a company whose data makes
        the run raise keeps its rows as they were, gets a failed ``customer.score.run``
        with the error, and the others go on. Then the class recomputation of the others
        in one go (a partner's classes of every company written in one UPDATE), and a
        done ``customer.score.run`` per company. ``pending``: companies left for later
        calls (scheduled action), reported as remaining in the progress."""
        counts = {}
        failed = self.env["res.company"]
        for index, company in enumerate(companies, 1):
            try:
                with self.env.cr.savepoint():
                    counts[company] = self._compute_company(company, date, batch_size)
            except TransactionRollbackError:
                # A concurrent update or deadlock is no fault of the company's data: the
                # whole transaction is retried.
                raise
            except Exception as error:  # noqa: BLE001 - any error of one company's data
                _logger.exception("Customer scoring of %s failed", company.name)
                self.env.invalidate_all()
                self._record_failure(company, date, error)
                failed |= company
            self.env["ir.cron"]._notify_progress(
                done=index, remaining=len(companies) - index + pending
            )
        done = companies - failed
        if done:
            self._reclassify(done)
            self._record_runs(date, counts)
            self.env.invalidate_all()
            for engine in AFTER_FULL_RUN:
                self.env[engine].sudo()._after_full_scoring_run(done, date)
        return failed

    @api.model
    def _record_failure(self, company, date, error):
        """Mark the run of ``company`` for ``date`` failed with ``error``."""
        Run = self.env["customer.score.run"].sudo()
        run = Run.search([("date", "=", date), ("company_id", "=", company.id)])
        values = {"state": "failed", "message": str(error) or repr(error), "date_done": False}
        if run:
            run.write(values)
        else:
            Run.create(dict(values, company_id=company.id, date=date, run_key=uuid.uuid4().hex))

    @api.model
    def _record_runs(self, date, counts):
        """Mark the runs of ``counts`` ({company: customers scored}) for ``date`` done."""
        Run = self.env["customer.score.run"].sudo()
        runs = Run.search([("date", "=", date), ("company_id", "in", [c.id for c in counts])])
        existing = {run.company_id.id: run for run in runs}
        now = fields.Datetime.now()
        for company, count in counts.items():
            values = {
                "state": "done",
                "done_count": count,
                "total_count": count,
                "date_done": now,
                "message": False,
            }
            if company.id in existing:
                existing[company.id].write(values)
            else:
                Run.create(dict(values, company_id=company.id, date=date, run_key=uuid.uuid4().hex))

    @api.model
    def _compute_company(self, company, date, batch_size):
        """Every customer's score row of one company, each row written once; returns the
        number of customers.

        The figures of all its customers go to a temporary table, the company-wide ranks
        are computed from it, and one upsert writes each row that moved: writing the
        figures first and the ranks after would write every row twice, and the second
        write of a row in the same transaction checks its foreign keys again. The rows of
        archived customers leave (``_drop_archived_rows``); customers that turn passive
        get their salesperson's to-do. The caller reclassifies (``_reclassify``)."""
        started = time.monotonic()
        customers = self._prepare_new_rows(company, date)
        return self._finish_company(company, date, batch_size, customers, started)

    @api.model
    def _prepare_new_rows(self, company, date):
        """Temporary table ``customer_score_new``: the per-customer columns (ROW_COLUMNS)
        of every customer of ``company``, from one set-based pass; returns their number."""
        cr = self.env.cr
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
        self._index_new_rows()
        return customers

    @api.model
    def _index_new_rows(self):
        self.env.cr.execute("CREATE UNIQUE INDEX ON customer_score_new (partner_id)")
        self.env.cr.execute("ANALYZE customer_score_new")

    @api.model
    def _finish_company(self, company, date, batch_size, customers, started):
        """The rest of a full run of ``company`` from its new rows in ``customer_score_new``
        (``_prepare_new_rows``, or the batch jobs of customer_scoring_queue): the
        company-wide ranks, the customer-base model, one upsert of the rows that moved,
        archived customers' rows dropped and the owners' to-dos. Returns ``customers``."""
        cr = self.env.cr
        figures = self._prepare_final_table(company, SQL("customer_score_new"))
        self._apply_clv_model(
            company, date, SQL("customer_score_new"), full=True, median=figures["median"]
        )
        # Customers that turn passive or declining with this run: their rows before it are
        # still there.
        turned_passive, turned_declining = self._turned_signals(
            SQL(
                """SELECT n.partner_id, n.lifecycle_stage AS stage, f.spend_declining AS declining,
                          cs.lifecycle_stage AS prev_stage, cs.spend_declining AS prev_declining
                     FROM customer_score_new n
                     JOIN customer_score_final f ON f.partner_id = n.partner_id
                LEFT JOIN customer_score cs
                       ON cs.partner_id = n.partner_id AND cs.company_id = %s""",
                company.id,
            )
        )
        select = SQL(
            """SELECT %s, %s FROM customer_score_new n
                 JOIN customer_score_final f ON f.partner_id = n.partner_id""",
            SQL(", ").join(SQL("n.%s", SQL.identifier(name)) for name in ROW_COLUMNS),
            SQL(", ").join(
                SQL("f.%s", SQL.identifier(name)) for name in FINAL_COLUMNS + SNAPSHOT_COLUMNS
            ),
        )
        cr.execute(self._upsert_sql(ROW_COLUMNS + FINAL_COLUMNS + SNAPSHOT_COLUMNS, select))
        written = cr.rowcount
        analyze_if_moved(cr, "customer_score", written)
        self._keep_snapshot(company)
        cr.execute(
            """DELETE FROM customer_score_mark
                WHERE company_id = %s
                  AND partner_id IN (SELECT partner_id FROM customer_score_new)""",
            [company.id],
        )
        cr.execute("DROP TABLE customer_score_new")
        cr.execute("DROP TABLE customer_score_final")
        self._drop_archived_rows(company)
        self._notify_turned(company, turned_passive, turned_declining, batch_size)
        _logger.info(
            "Customer scoring of %s: %s customers, %s rows written, %s turned passive, "
            "%s declining, %.1f s",
            company.name,
            customers,
            written,
            len(turned_passive),
            len(turned_declining),
            time.monotonic() - started,
        )
        return customers

    @api.model
    def _turned_signals(self, source):
        """(partner ids that turned passive, partner ids whose spend turned declining)
        from ``source``: an SQL query of partner_id, stage, declining and the row's
        prev_stage and prev_declining before this run (NULL for a new row). Declining
        counts for new and active customers only: a passive one has its passive to-do."""
        self.env.cr.execute(
            SQL(
                """SELECT t.partner_id, t.passive, t.declining
                     FROM (SELECT s.partner_id,
                                  s.stage = 'passive'
                                      AND s.prev_stage IS DISTINCT FROM 'passive' AS passive,
                                  s.declining AND s.stage IN ('new', 'active')
                                      AND NOT COALESCE(s.prev_declining, FALSE) AS declining
                             FROM (%s) s) t
                    WHERE t.passive OR t.declining
                 ORDER BY t.partner_id""",
                source,
            )
        )
        rows = self.env.cr.fetchall()
        return (
            [partner_id for partner_id, passive, _declining in rows if passive],
            [partner_id for partner_id, _passive, declining in rows if declining],
        )

    @api.model
    def _notify_turned(self, company, turned_passive, turned_declining, batch_size):
        """The owners' to-dos of the customers that turned passive or declining, in
        chunks of ``batch_size`` (nothing of a chunk stays in memory); the rows were
        written with SQL, so what the cache holds of them is dropped first."""
        self.env.invalidate_all()
        for chunk in split_every(batch_size, turned_passive, list):
            self._notify_passive(company, chunk)
            self.env.invalidate_all()
        for chunk in split_every(batch_size, turned_declining, list):
            self._notify_declining(company, chunk)
            self.env.invalidate_all()
        self.env.invalidate_all()

    @api.model
    def _apply_clv_model(self, company, date, rows, partner_ids=None, full=False, median=None):
        """The customer-base model's figures into ``customer_score_final`` (see
        ``customer.clv.model._apply_to_run``), then the early signals they give
        (``_apply_early_signals``; ``median``: the buyers' median of ``rows``, when
        known)."""
        model = self.env["customer.clv.model"]._apply_to_run(company, date, rows, partner_ids, full)
        self._apply_early_signals(company, rows, model, median)

    @api.model
    def _apply_early_signals(self, company, rows, model, median=None):
        """The passive signal and declining spend of the rows being computed
        (``customer_score_final``, after the model's P(alive)), set-based.

        A customer the gap rule left active but whose P(alive) fell below the company's
        threshold after a regular rhythm (``score_rules.passive_signal_sql``) becomes
        passive in ``rows`` (the new rows of a full run, or the score table in a partial
        run) and gets the passive score cap, which the composite score (computed before
        the model) could not apply yet. Only the rows where a signal fires are
        rewritten. ``median``: the buyers' median 12-month revenue of ``rows``
        (``score_rules.company_figures``), read here when not given."""
        cr = self.env.cr
        if median is None:
            median, _top = score_rules.company_benchmarks(cr, company, rows)
        fitted = bool(model) and model.state == clv_model.FITTED
        cr.execute(
            SQL(
                """
WITH s AS (
    SELECT f.partner_id, %(signal)s AS signal, %(declining)s AS declining
      FROM customer_score_final f
      JOIN %(rows)s r ON r.partner_id = f.partner_id AND r.company_id = %(company)s
)
UPDATE customer_score_final f
   SET passive_signal = s.signal,
       spend_declining = s.declining,
       score = CASE WHEN s.signal = 'p_alive' THEN LEAST(f.score, %(cap)s) ELSE f.score END
  FROM s
 WHERE s.partner_id = f.partner_id AND (s.signal IS NOT NULL OR s.declining)
""",
                signal=score_rules.passive_signal_sql(company, fitted),
                declining=score_rules.declining_sql(company, median),
                rows=rows,
                company=company.id,
                cap=score_rules.SCORE_CAPS["passive"],
            )
        )
        if fitted:
            cr.execute(
                SQL(
                    """UPDATE %(rows)s r SET lifecycle_stage = 'passive'
                         FROM customer_score_final f
                        WHERE f.partner_id = r.partner_id AND r.company_id = %(company)s
                          AND f.passive_signal = 'p_alive'
                          AND r.lifecycle_stage IS DISTINCT FROM 'passive'""",
                    rows=rows,
                    company=company.id,
                )
            )

    @api.model
    def _drop_archived_rows(self, company):
        """A full run no longer scores archived customers: their last row would otherwise
        stay as if it were current."""
        self.env.cr.execute(
            """DELETE FROM customer_score s
                USING res_partner p
                WHERE p.id = s.partner_id AND s.company_id = %s AND NOT p.active""",
            [company.id],
        )

    # ------------------------------------------------------------------
    # Partial run: given or marked customers, in batches
    # ------------------------------------------------------------------
    @api.model
    def _run_partial(self, companies, date, partner_ids, only_marked, batch_size):
        """The rows of ``partner_ids`` (commercial partners) or of the marked customers,
        placed among the company's other rows (see ``_finalize_company``); returns them."""
        done_ids = {company: [] for company in companies}
        # The candidates of each company in one query each, not one query per batch.
        candidates = {
            company: self._candidate_ids(company, partner_ids, only_marked) for company in companies
        }
        remaining = sum(len(ids) for ids in candidates.values())
        done = 0
        for company in companies:
            ids = candidates[company]
            if not ids:
                # Nothing marked or given in this company: its rows stay as they are.
                continue
            # The rows before this run, to tell which customers turn passive or declining.
            self.env.cr.execute("DROP TABLE IF EXISTS customer_score_before")
            self.env.cr.execute(
                """CREATE TEMP TABLE customer_score_before ON COMMIT DROP AS
                   SELECT partner_id, lifecycle_stage, spend_declining FROM customer_score
                    WHERE company_id = %s AND partner_id = ANY(%s)""",
                [company.id, ids],
            )
            self.env.cr.execute("CREATE UNIQUE INDEX ON customer_score_before (partner_id)")
            source = self._prepare_figures_table(company, date, ids)
            for batch in split_every(batch_size, ids, list):
                self._compute_batch(company, batch, date, source=source)
                # Nothing of a batch stays in memory.
                self.env.invalidate_all()
                done_ids[company].extend(batch)
                done += len(batch)
                remaining = max(remaining - len(batch), 0)
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            self.env.cr.execute("DROP TABLE IF EXISTS customer_score_figures")
            self._finalize_company(company, date, partner_ids=ids)
            turned_passive, turned_declining = self._turned_signals(
                SQL(
                    """SELECT cs.partner_id, cs.lifecycle_stage AS stage,
                              cs.spend_declining AS declining,
                              b.lifecycle_stage AS prev_stage, b.spend_declining AS prev_declining
                         FROM customer_score cs
                    LEFT JOIN customer_score_before b ON b.partner_id = cs.partner_id
                        WHERE cs.company_id = %s AND cs.partner_id = ANY(%s)""",
                    company.id,
                    ids,
                )
            )
            self.env.cr.execute("DROP TABLE customer_score_before")
            self._notify_turned(company, turned_passive, turned_declining, batch_size)
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

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------
    @api.model
    def _cron_compute_scores(self, batch_size=None):
        """Daily scoring: the full run of the next company not yet done today, one company
        per call; returns the number of companies left.

        The same run as the button (``_run_companies``), one company per transaction: the
        scheduler commits after each call and calls again at once while companies remain
        (``ir.cron._notify_progress``). A worker stopped halfway leaves the companies
        done so far done; the company in progress rolled back and is simply run again.
        A company whose run failed today is not tried again before tomorrow (or the
        button): the run goes on with the others and its last call logs which failed."""
        scorer = self.sudo()
        scorer._start_run()
        today = fields.Date.context_today(scorer)
        companies = self.env["res.company"].sudo().search([])
        runs = scorer.env["customer.score.run"].search(
            [
                ("date", "=", today),
                ("state", "in", ("done", "failed")),
                ("company_id", "in", companies.ids),
            ]
        )
        todo = companies - runs.company_id
        if not todo:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        company = todo[0]
        _logger.info(
            "Scheduled customer scoring as of %s: %s (%s of %s companies)",
            today,
            company.name,
            len(companies) - len(todo) + 1,
            len(companies),
        )
        scorer.with_company(company)._run_companies(
            company, today, batch_size or scorer._get_batch_size(), pending=len(todo) - 1
        )
        if len(todo) == 1:
            failed = scorer.env["customer.score.run"].search(
                [
                    ("date", "=", today),
                    ("state", "=", "failed"),
                    ("company_id", "in", companies.ids),
                ]
            )
            if failed:
                _logger.error(
                    "Scheduled customer scoring as of %s done except for %s: their runs "
                    "failed (the error is on each run and above in this log)",
                    today,
                    ", ".join(failed.company_id.mapped("name")),
                )
        return len(todo) - 1

    @api.model
    def _cron_compute_marked_scores(self):
        """Hourly: rescore only the customers whose invoices were posted or cancelled."""
        self.env.cr.execute("SELECT DISTINCT company_id FROM customer_score_mark")
        company_ids = [row[0] for row in self.env.cr.fetchall()]
        if company_ids:
            companies = self.env["res.company"].sudo().browse(company_ids)
            self.sudo().compute_scores(companies=companies, only_marked=True)
