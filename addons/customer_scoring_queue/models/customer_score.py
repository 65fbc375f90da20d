"""The full scoring run as queue jobs (OCA queue_job): per company, one job per batch of
customers stages their per-customer columns, and one finish job, once every batch job
of the company is done, ranks them company-wide and writes the rows as the inline run
does (``customer.score.runner._finish_company``)."""

import logging
import time
import uuid

from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.addons.customer_scoring.models.customer_score_figures import ROW_COLUMNS
from odoo.addons.customer_scoring.models.customer_score_run import (
    AFTER_FULL_RUN,
    SCORING_LOCK_KEY,
)
from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import SQL, split_every, str2bool

from .customer_score_run import STAGE_TABLE

_logger = logging.getLogger(__name__)

# Seconds before a finish job that found the inline run holding the scoring lock tries again.
LOCK_RETRY_SECONDS = 60
# Customers per batch job: a job has a fixed cost (queue_job's bookkeeping and the request,
# about 0.4 s on the benchmark machine, against 0.3 s for the figures of 5,000 customers),
# so batches are large; 100,000 customers still give five jobs to share out.
JOB_BATCH_SIZE = 20000


class CustomerScore(models.Model):
    _inherit = "customer.score"

    # ------------------------------------------------------------------
    # Queue or inline
    # ------------------------------------------------------------------
    @api.model
    def _scoring_queue_enabled(self):
        """Whether the button and the scheduled action queue the full run: not with the
        context key ``customer_scoring_inline`` nor with the system parameter
        ``customer_scoring_queue.enabled`` set to False (no queue_job runner)."""
        if self.env.context.get("customer_scoring_inline"):
            return False
        value = self.env["ir.config_parameter"].sudo().get_param("customer_scoring_queue.enabled")
        return str2bool(value or "True", default=True)

    def action_recompute_scores(self):
        """Button: queue the full run of the allowed companies; the notification says
        it was queued, the scores change when the jobs are done."""
        if not self._scoring_queue_enabled():
            return super().action_recompute_scores()
        runs = self._enqueue_full_run()
        message = self.env._(
            "The scoring of %(count)s customers of %(companies)s was queued. The scores are "
            "updated when its jobs are done; Customer Scoring > Scoring Runs shows how far "
            "they are.",
            count=sum(runs.mapped("total_count")),
            companies=", ".join(runs.company_id.mapped("name")),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "info", "sticky": False, "message": message},
        }

    @api.model
    def _cron_compute_scores(self, batch_size=None):
        """Daily scoring, queued: the full run of every company without a run today
        (done, failed or already queued), in one call; returns 0 (nothing left to this
        action, the jobs do the rest)."""
        if not self._scoring_queue_enabled():
            return super()._cron_compute_scores(batch_size=batch_size)
        scorer = self.sudo()
        today = fields.Date.context_today(scorer)
        companies = self.env["res.company"].sudo().search([])
        runs = scorer.env["customer.score.run"].search(
            [("date", "=", today), ("company_id", "in", companies.ids)]
        )
        todo = companies - runs.company_id
        if todo:
            _logger.info(
                "Scheduled customer scoring as of %s queued for %s", today, todo.mapped("name")
            )
            scorer._enqueue_full_run(todo, today, batch_size)
        self.env["ir.cron"]._notify_progress(done=len(todo), remaining=0)
        return 0

    # ------------------------------------------------------------------
    # Enqueue
    # ------------------------------------------------------------------
    @api.model
    def _enqueue_full_run(self, companies=None, date=None, batch_size=None):
        """Queue the full run of ``companies`` as of ``date`` (defaults and access as
        ``compute_scores``) and return their ``customer.score.run``, running.

        Per company: the run of (company, date) is created or reused with a new
        ``run_key`` and its staged rows are dropped, so the jobs of an earlier enqueue
        of the same run, still waiting, find themselves outdated and do nothing. Then
        one graph: a batch job per ``batch_size`` candidates (default: the system
        parameter ``customer_scoring_queue.batch_size``, else JOB_BATCH_SIZE), and the
        finish job once
        they are all done. The graphs of the companies do not wait for each other."""
        self._check_scoring_access()
        companies = companies or self.env.companies
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        batch_size = batch_size or self._get_job_batch_size()
        # The candidates are read with SQL.
        self.env.flush_all()
        runs = self.env["customer.score.run"]
        for company in companies:
            ids = self._candidate_ids(company, None, False)
            run = self._reset_queued_run(company, date, len(ids))
            batches = [
                self.delayable(
                    description=self.env._(
                        "Customer scoring of %(company)s as of %(date)s: customers %(first)s-"
                        "%(last)s",
                        company=company.name,
                        date=date,
                        first=batch[0],
                        last=batch[-1],
                    )
                )._job_score_batch(run, batch, run.run_key)
                for batch in split_every(batch_size, ids, list)
            ]
            finish = self.delayable(
                description=self.env._(
                    "Customer scoring of %(company)s as of %(date)s: ranks and rows",
                    company=company.name,
                    date=date,
                )
            )._job_finish_company(run, run.run_key, self._get_batch_size())
            if batches:
                group(*batches).on_done(finish).delay()
            else:
                finish.delay()
            runs |= run
        return runs

    @api.model
    def _get_job_batch_size(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param("customer_scoring_queue.batch_size")
        )
        try:
            return max(int(value), 1) if value else JOB_BATCH_SIZE
        except ValueError:
            return JOB_BATCH_SIZE

    @api.model
    def _reset_queued_run(self, company, date, total):
        """The run of (``company``, ``date``), created or reused, running with a new key
        and no staged rows."""
        Run = self.env["customer.score.run"].sudo()
        values = {
            "state": "running",
            "run_key": uuid.uuid4().hex,
            "message": False,
            "done_count": 0,
            "total_count": total,
            "date_done": False,
        }
        run = Run.search([("company_id", "=", company.id), ("date", "=", date)])
        if run:
            # Written first: its row lock makes a batch job of the earlier key, still
            # running, finish before its staged rows are dropped below.
            run.write(values)
            run.flush_recordset()
        else:
            run = Run.create(dict(values, company_id=company.id, date=date))
        self._drop_staged_rows(run)
        return run

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    @api.model
    def _job_score_batch(self, run, partner_ids, run_key):
        """Job: stage the per-customer columns of ``partner_ids`` for ``run``.

        Idempotent: the batch's staged rows are dropped and written again. Nothing to do
        when the run was queued again since (other key), or is already over."""
        scorer = self.sudo()
        run = run.sudo()
        if not scorer._lock_run(run, run_key, "FOR SHARE"):
            return self.env._("Outdated or finished run: nothing done.")
        company, date = run.company_id, run.date
        scorer._set_run_settings()
        try:
            with self.env.cr.savepoint():
                scorer._stage_batch(run, company, date, partner_ids)
        except OperationalError:
            # Concurrency errors: queue_job retries the job.
            raise
        except Exception as error:  # noqa: BLE001 - any error of the company's data
            _logger.exception("Customer scoring of %s failed", company.name)
            scorer._fail_queued_run(run, error)
            return str(error)
        # The runs list's progress column, read again after this batch.
        run.invalidate_recordset(["staged_count"])
        staged = run.staged_count
        _logger.info(
            "Customer scoring of %s as of %s: %s of %s customers staged",
            company.name,
            date,
            staged,
            run.total_count,
        )
        return self.env._(
            "%(count)s customers staged (%(staged)s of %(total)s of the run).",
            count=len(partner_ids),
            staged=staged,
            total=run.total_count,
        )

    @api.model
    def _stage_batch(self, run, company, date, partner_ids):
        cr = self.env.cr
        table = SQL.identifier(STAGE_TABLE)
        cr.execute(
            SQL(
                "DELETE FROM %s WHERE run_id = %s AND partner_id = ANY(%s)",
                table,
                run.id,
                list(partner_ids),
            )
        )
        source = SQL("(%s)", self._aggregate_sql(company, date, partner_ids))
        cr.execute(
            SQL(
                """INSERT INTO %(table)s (run_id, %(cols)s)
                   SELECT %(run)s, %(cols)s FROM (%(rows)s) v""",
                table=table,
                cols=SQL(", ").join(SQL.identifier(name) for name in ROW_COLUMNS),
                run=run.id,
                rows=self._row_values_sql(company, date, source, list(partner_ids)),
            )
        )

    @api.model
    def _job_finish_company(self, run, run_key, batch_size):
        """Job, once the batch jobs of ``run`` are done: the company-wide rest of the
        full run from the staged rows, as the inline run (``_finish_company``, the
        class recomputation, the done run, the engines that read the new rows); the
        staged rows are dropped.

        Idempotent: a run already done (a retry after its commit) or queued again is
        left as it is. Takes the scoring lock shared: finish jobs of several companies
        run side by side, but not beside an inline run, which takes it alone; the job
        is retried later while an inline run holds it."""
        scorer = self.sudo()
        run = run.sudo()
        if not scorer._lock_run(run, run_key, "FOR UPDATE"):
            scorer._drop_staged_rows(run)
            return self.env._("Outdated or finished run: nothing done.")
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock_shared(%s)", [SCORING_LOCK_KEY])
        if not cr.fetchone()[0]:
            raise RetryableJobError(
                "Customer scoring is running inline in another session.",
                seconds=LOCK_RETRY_SECONDS,
            )
        scorer._set_run_settings()
        company, date = run.company_id, run.date
        started = time.monotonic()
        try:
            with cr.savepoint():
                customers = scorer._load_staged_rows(run)
                scorer._finish_company(company, date, batch_size, customers, started)
        except OperationalError:
            raise
        except Exception as error:  # noqa: BLE001 - any error of the company's data
            _logger.exception("Customer scoring of %s failed", company.name)
            self.env.invalidate_all()
            scorer._fail_queued_run(run, error)
            return str(error)
        scorer._reclassify(company)
        scorer._record_runs(date, {company: customers})
        self.env.invalidate_all()
        for engine in AFTER_FULL_RUN:
            self.env[engine].sudo()._after_full_scoring_run(company, date)
        scorer._drop_staged_rows(run)
        return self.env._("%(count)s customers scored.", count=customers)

    @api.model
    def _lock_run(self, run, run_key, mode):
        """Lock the row of ``run`` (``mode``: FOR SHARE in batch jobs, which run side by
        side, FOR UPDATE in the finish job) and tell whether the job of ``run_key`` is
        still to do: the run is running with that key."""
        self.env.cr.execute(
            SQL(
                "SELECT state, run_key FROM customer_score_run WHERE id = %s %s",
                run.id,
                SQL(mode),
            )
        )
        row = self.env.cr.fetchone()
        run.invalidate_recordset()
        return bool(row) and row == ("running", run_key)

    @api.model
    def _load_staged_rows(self, run):
        """The inline run's temporary table ``customer_score_new`` from the staged rows of
        ``run``; returns their number."""
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS customer_score_new")
        cr.execute(
            SQL(
                """CREATE TEMP TABLE customer_score_new ON COMMIT DROP AS
                   SELECT %(cols)s FROM %(table)s WHERE run_id = %(run)s ORDER BY partner_id""",
                cols=SQL(", ").join(SQL.identifier(name) for name in ROW_COLUMNS),
                table=SQL.identifier(STAGE_TABLE),
                run=run.id,
            )
        )
        customers = cr.rowcount
        self._index_new_rows()
        return customers

    @api.model
    def _drop_staged_rows(self, run):
        self.env.cr.execute(
            SQL("DELETE FROM %s WHERE run_id = %s", SQL.identifier(STAGE_TABLE), run.id)
        )

    @api.model
    def _fail_queued_run(self, run, error):
        """As the inline run: the company's run failed with ``error``, its rows unchanged;
        the jobs of this key left do nothing."""
        self._record_failure(run.company_id, run.date, error)
        self._drop_staged_rows(run)
