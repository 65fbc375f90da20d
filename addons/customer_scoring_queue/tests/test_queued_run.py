import logging
from unittest.mock import patch

from odoo import fields
from odoo.addons.customer_scoring.models.customer_score_figures import (
    FINAL_COLUMNS,
    ROW_COLUMNS,
)
from odoo.addons.customer_scoring.models.customer_score_run import SCORING_LOCK_KEY
from odoo.addons.customer_scoring.tests.common import AS_OF, ScoringCommon
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models.customer_score_run import STAGE_TABLE


@tagged("post_install", "-at_install")
class TestQueuedRun(ScoringCommon):
    """The queued full run against the inline one, on the invoices of ScoringCommon in
    the main company and a second company without invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        cls.company2 = cls.env["res.company"].create({"name": "Queue Test Company 2"})
        cls.env.user.company_ids |= cls.company2
        cls.companies = cls.company | cls.company2
        cls.Score = cls.env["customer.score"].with_context(allowed_company_ids=cls.companies.ids)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _rows(self):
        """Every score row of the two companies, all its computed columns, as dicts."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM customer_score WHERE company_id = ANY(%s) "
                "ORDER BY company_id, partner_id",
                SQL(", ").join(SQL.identifier(name) for name in ROW_COLUMNS + FINAL_COLUMNS),
                self.companies.ids,
            )
        )
        return self.env.cr.dictfetchall()

    def _inline_rows(self):
        """The rows of an inline run, then the rows and runs removed again, so the queued
        run starts from the same state."""
        self.Score.compute_scores(companies=self.companies, date=AS_OF)
        rows = self._rows()
        self.env.cr.execute(
            "DELETE FROM customer_score WHERE company_id = ANY(%s)", [self.companies.ids]
        )
        self.env["customer.score.run"].search([("date", "=", AS_OF)]).unlink()
        self.env.invalidate_all()
        return rows

    def _runs(self):
        return self.env["customer.score.run"].search(
            [("date", "=", AS_OF), ("company_id", "in", self.companies.ids)]
        )

    def _staged_count(self):
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM %s", SQL.identifier(STAGE_TABLE)))
        return self.env.cr.fetchone()[0]

    def _candidates(self, company):
        return self.Score._candidate_ids(company, None, False)

    def _jobs_of(self, trap, method):
        return [job for job in trap.enqueued_jobs if job.method_name == method]

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_enqueue_one_job_per_batch_and_a_finish_per_company(self):
        with trap_jobs() as trap:
            runs = self.Score._enqueue_full_run(self.companies, AS_OF, batch_size=1)
            candidates = {company: self._candidates(company) for company in self.companies}
            self.assertTrue(all(len(ids) >= 3 for ids in candidates.values()))
            trap.assert_jobs_count(
                sum(len(ids) for ids in candidates.values()), only=self.Score._job_score_batch
            )
            trap.assert_jobs_count(2, only=self.Score._job_finish_company)
            for run in runs:
                for partner_id in candidates[run.company_id]:
                    trap.assert_enqueued_job(
                        self.Score._job_score_batch, args=(run, [partner_id], run.run_key)
                    )
                trap.assert_enqueued_job(
                    self.Score._job_finish_company,
                    args=(run, run.run_key, self.Score._get_batch_size()),
                    properties={"channel": None},
                )
            # One graph per company: the finish job waits for its company's batch jobs.
            for finish in self._jobs_of(trap, "_job_finish_company"):
                run = finish.args[0]
                self.assertEqual(
                    {job.args[1][0] for job in finish.depends_on},
                    set(candidates[run.company_id]),
                )
            graphs = {job.graph_uuid for job in trap.enqueued_jobs}
            self.assertEqual(len(graphs), 2)
        self.assertEqual(runs.company_id, self.companies)
        self.assertEqual(set(runs.mapped("state")), {"running"})
        self.assertEqual(
            runs.mapped("total_count"), [len(candidates[run.company_id]) for run in runs]
        )
        function = self.env["queue.job.function"].search(
            [("name", "=", "<customer.score>._job_score_batch")]
        )
        self.assertEqual(function.channel, "root.customer_scoring")

    def test_jobs_write_the_rows_of_the_inline_run(self):
        inline = self._inline_rows()
        self.assertGreaterEqual(len(inline), 8)
        with trap_jobs() as trap:
            self.Score._enqueue_full_run(self.companies, AS_OF, batch_size=2)
            self.assertEqual(self._rows(), [])
            trap.perform_enqueued_jobs()
        self.assertEqual(self._rows(), inline)
        runs = self._runs()
        self.assertEqual(set(runs.mapped("state")), {"done"})
        self.assertEqual(runs.mapped("done_count"), runs.mapped("total_count"))
        self.assertEqual(runs.mapped("staged_count"), runs.mapped("done_count"))
        self.assertEqual(self._staged_count(), 0)

    def test_jobs_performed_twice_give_the_same_rows(self):
        """A retried job (queue_job retries on concurrency errors) writes the same again;
        a finish job run again once its run is done does nothing."""
        inline = self._inline_rows()
        with trap_jobs() as trap:
            self.Score._enqueue_full_run(self.companies, AS_OF, batch_size=3)
            batches = self._jobs_of(trap, "_job_score_batch")
            finishes = self._jobs_of(trap, "_job_finish_company")
            for job in batches + batches:
                job.perform()
            self.assertEqual(
                self._staged_count(), sum(len(self._candidates(c)) for c in self.companies)
            )
            for job in finishes:
                job.perform()
            done = self._rows()
            write_dates = self._runs().mapped("date_done")
            for job in finishes + batches:
                job.perform()
        self.assertEqual(done, inline)
        self.assertEqual(self._rows(), inline)
        runs = self._runs()
        self.assertEqual(len(runs), 2)
        self.assertEqual(set(runs.mapped("state")), {"done"})
        self.assertEqual(runs.mapped("date_done"), write_dates)
        self.assertEqual(self._staged_count(), 0)

    def test_queued_again_the_earlier_jobs_do_nothing(self):
        inline = self._inline_rows()
        with trap_jobs() as trap:
            self.Score._enqueue_full_run(self.company, AS_OF, batch_size=2)
            earlier = list(trap.enqueued_jobs)
            # One batch staged before the run is queued again.
            self._jobs_of(trap, "_job_score_batch")[0].perform()
            self.assertEqual(self._staged_count(), 2)
            self.Score._enqueue_full_run(self.company, AS_OF, batch_size=2)
            later = trap.enqueued_jobs[len(earlier) :]
            for job in earlier:
                job.perform()
            self.assertEqual(self._rows(), [])
            self.assertEqual(self._staged_count(), 0)
            # As the runner would: the finish job once the batch jobs are done.
            later.sort(key=lambda job: job.method_name == "_job_finish_company")
            self.assertEqual(later[-1].method_name, "_job_finish_company")
            for job in later:
                job.perform()
        self.assertEqual(
            self._rows(), [row for row in inline if row["company_id"] == self.company.id]
        )
        self.assertEqual(self._runs().state, "done")

    def test_bad_input_gives_the_inline_error(self):
        with self.assertRaises(ValueError) as inline:
            self.Score.compute_scores(companies=self.companies, date="2025-13-45")
        with trap_jobs() as trap:
            with self.assertRaises(ValueError) as queued:
                self.Score._enqueue_full_run(self.companies, "2025-13-45")
            trap.assert_jobs_count(0)
        self.assertEqual(str(queued.exception), str(inline.exception))
        self.assertFalse(self.env["customer.score.run"].search([]))
        # No company given: the allowed companies, as the inline run.
        with trap_jobs() as trap:
            runs = self.Score._enqueue_full_run(self.env["res.company"], AS_OF)
            trap.assert_jobs_count(2, only=self.Score._job_finish_company)
        self.assertEqual(runs.company_id, self.companies)

    def test_salesperson_cannot_enqueue(self):
        user = new_test_user(
            self.env, login="csq_salesman", groups="sales_team.group_sale_salesman"
        )
        scorer = self.Score.with_user(user)
        with self.assertRaises(AccessError) as inline:
            scorer.compute_scores(date=AS_OF)
        with trap_jobs() as trap:
            with self.assertRaises(AccessError) as queued:
                scorer._enqueue_full_run(date=AS_OF)
            with self.assertRaises(AccessError):
                scorer.action_recompute_scores()
            trap.assert_jobs_count(0)
        self.assertEqual(str(queued.exception), str(inline.exception))
        self.assertFalse(self.env["customer.score.run"].search([]))

    def test_button_queues_and_says_so(self):
        with trap_jobs() as trap:
            action = self.Score.action_recompute_scores()
            trap.assert_jobs_count(2, only=self.Score._job_finish_company)
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("queued", action["params"]["message"])
        self.assertFalse(self._rows())

    def test_button_and_cron_run_inline_when_disabled(self):
        self.env["ir.config_parameter"].set_param("customer_scoring_queue.enabled", "False")
        with trap_jobs() as trap:
            action = self.Score.action_recompute_scores()
            trap.assert_jobs_count(0)
        self.assertIn("recomputed", action["params"]["message"])
        self.assertTrue(self._rows())

    def test_cron_queues_the_companies_not_run_today(self):
        today = fields.Date.context_today(self.Score)
        self.env["customer.score.run"].create(
            {"company_id": self.company2.id, "date": today, "state": "done", "run_key": "x"}
        )
        with trap_jobs() as trap:
            self.assertEqual(self.Score._cron_compute_scores(), 0)
            finishes = self._jobs_of(trap, "_job_finish_company")
            companies = self.env["res.company"].search([])
            self.assertEqual(len(finishes), len(companies) - 1)
            # Queued already: the next call queues nothing.
            self.Score._cron_compute_scores()
            self.assertEqual(len(self._jobs_of(trap, "_job_finish_company")), len(finishes))
            trap.perform_enqueued_jobs()
        runs = self.env["customer.score.run"].search([("date", "=", today)])
        self.assertEqual(set(runs.mapped("state")), {"done"})
        self.assertEqual(runs.company_id, companies)

    def test_failing_company_keeps_its_rows(self):
        """A company whose data makes its finish job raise: its run is failed with the
        error and its rows stay as they were; the other company is scored."""
        inline = self._inline_rows()
        self.Score.compute_scores(companies=self.company2, date=AS_OF)
        before = [row for row in self._rows() if row["company_id"] == self.company2.id]
        self.assertTrue(before)
        Runner = type(self.env["customer.score"])
        finish = Runner._finish_company

        def failing(scorer, company, *args):
            if company == self.company2:
                raise ValueError("broken data of company 2")
            return finish(scorer, company, *args)

        with trap_jobs() as trap, patch.object(Runner, "_finish_company", failing):
            self.Score._enqueue_full_run(self.companies, AS_OF, batch_size=2)
            trap.perform_enqueued_jobs()
        rows = self._rows()
        self.assertEqual(
            [row for row in rows if row["company_id"] == self.company.id],
            [row for row in inline if row["company_id"] == self.company.id],
        )
        self.assertEqual([row for row in rows if row["company_id"] == self.company2.id], before)
        runs = {run.company_id: run for run in self._runs()}
        self.assertEqual(runs[self.company].state, "done")
        self.assertEqual(runs[self.company2].state, "failed")
        self.assertEqual(runs[self.company2].message, "broken data of company 2")
        self.assertEqual(self._staged_count(), 0)

    def test_finish_waits_while_an_inline_run_holds_the_lock(self):
        """The finish job does not rank beside an inline run: it is retried later by
        queue_job (RetryableJobError), nothing written; once the lock is free it runs."""
        with trap_jobs() as trap:
            self.Score._enqueue_full_run(self.company, AS_OF, batch_size=2)
            for job in self._jobs_of(trap, "_job_score_batch"):
                job.perform()
            finish = self._jobs_of(trap, "_job_finish_company")[0]
            with self.env.registry.cursor() as other:
                other.execute("SELECT pg_advisory_xact_lock(%s)", [SCORING_LOCK_KEY])
                with self.assertRaises(RetryableJobError):
                    finish.perform()
                other.rollback()
            self.assertEqual(self._rows(), [])
            self.assertEqual(self._runs().state, "running")
            self.assertEqual(self._staged_count(), len(self._candidates(self.company)))
            finish.perform()
        self.assertEqual(self._runs().state, "done")
        self.assertEqual(len(self._rows()), len(self._candidates(self.company)))

    def test_batch_job_logs_its_progress(self):
        with trap_jobs() as trap:
            run = self.Score._enqueue_full_run(self.company, AS_OF, batch_size=2)
            batches = self._jobs_of(trap, "_job_score_batch")
            # logging.INFO, not "INFO": Odoo names its level 25 INFO too.
            with self.assertLogs(
                "odoo.addons.customer_scoring_queue.models.customer_score", logging.INFO
            ) as logs:
                result = batches[0].perform()
        total = len(self._candidates(self.company))
        self.assertEqual(run.total_count, total)
        # The runs list's progress column.
        run.invalidate_recordset()
        self.assertEqual(run.staged_count, 2)
        self.assertIn(f"2 of {total} customers staged", logs.output[0])
        self.assertIn(f"(2 of {total} of the run)", result)

    def test_job_batch_size_from_the_system_parameter(self):
        Param = self.env["ir.config_parameter"]
        candidates = sum(len(self._candidates(company)) for company in self.companies)
        self.assertEqual(self.Score._get_job_batch_size(), 20000)
        Param.set_param("customer_scoring_queue.batch_size", "2")
        with trap_jobs() as trap:
            self.Score._enqueue_full_run(self.companies, AS_OF)
            batches = self._jobs_of(trap, "_job_score_batch")
        self.assertEqual(
            len(batches),
            sum(-(-len(self._candidates(company)) // 2) for company in self.companies),
        )
        self.assertEqual(sum(len(job.args[1]) for job in batches), candidates)
        # Not a number: the default; below 1: one customer per job.
        Param.set_param("customer_scoring_queue.batch_size", "many")
        self.assertEqual(self.Score._get_job_batch_size(), 20000)
        Param.set_param("customer_scoring_queue.batch_size", "0")
        self.assertEqual(self.Score._get_job_batch_size(), 1)
        Param.set_param("customer_scoring_queue.batch_size", "-3")
        self.assertEqual(self.Score._get_job_batch_size(), 1)
