"""The scheduled scoring queued and run by queue_job's job runner over two Odoo workers,
against the inline run of the same data (see conftest.py)."""

import os
import signal
import subprocess
import time
import urllib.request

from conftest import CONF, ROOT, copy_db, disconnect, sql

PORT = int(os.environ.get("KAM_QUEUE_TEST_PORT", "8089"))
TIMEOUT = 300
ROW_SQL = """SELECT partner_id, company_id, date_computed, revenue_12m, margin_12m,
                    invoice_count_12m, share_of_company_revenue, abc_value_class,
                    score_revenue, score, lifecycle_stage, clv, p_alive
               FROM customer_score ORDER BY company_id, partner_id"""


class Server:
    """``odoo --workers=2`` with the job runner (``--load=base,web,queue_job``), the
    scheduler on, ``root:2`` jobs at a time."""

    def __init__(self, db, logfile):
        self.logfile = logfile
        env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS="root:2")
        self.proc = subprocess.Popen(
            [
                "odoo",
                "-c",
                str(CONF),
                "-d",
                db,
                f"--db-filter=^{db}$",
                "--workers=2",
                "--max-cron-threads=1",
                f"--http-port={PORT}",
                "--load=base,web,queue_job",
                "--log-level=info",
                f"--logfile={logfile}",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def log(self):
        with open(self.logfile, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def wait_ready(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/web/health", timeout=2):
                    if "database connections ready" in self.log():
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError("the server did not start in 120 s:\n" + self.log()[-3000:])

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _inline_run(db):
    """compute_scores() of every company in a process of its own, committed."""
    disconnect(db)
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "score.sh"), db],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_scheduled_scoring_runs_as_jobs_over_two_workers(dataset, tmp_path):
    db = copy_db(dataset, f"{dataset}_run")
    companies = sql(db, "SELECT COUNT(*) FROM res_company")[0][0]
    assert companies == 2
    # The daily scoring due now; the others stay off.
    sql(
        db,
        """UPDATE ir_cron
              SET active = TRUE, nextcall = now() AT TIME ZONE 'UTC' - interval '1 minute'
            WHERE id = (SELECT res_id FROM ir_model_data WHERE module = 'customer_scoring'
                          AND name = 'ir_cron_compute_customer_scores')""",
    )
    server = Server(db, str(tmp_path / "odoo.log"))
    try:
        server.wait_ready()
        deadline = time.monotonic() + TIMEOUT
        while True:
            states = dict(sql(db, "SELECT state, COUNT(*) FROM queue_job GROUP BY state"))
            # The runs the scheduled action queued (the generator's history has others).
            runs = sql(
                db,
                """SELECT state FROM customer_score_run
                    WHERE date = (SELECT MAX(date) FROM customer_score_run)""",
            )
            assert not states.get("failed"), server.log()[-4000:]
            if states and set(states) == {"done"} and [r[0] for r in runs] == ["done"] * 2:
                break
            assert time.monotonic() < deadline, (states, runs, server.log()[-4000:])
            time.sleep(0.5)
        jobs = sql(
            db,
            """SELECT method_name, COUNT(*), COUNT(DISTINCT worker_pid),
                      COUNT(DISTINCT graph_uuid) FROM queue_job GROUP BY method_name""",
        )
    finally:
        server.stop()
    by_method = {method: (count, pids, graphs) for method, count, pids, graphs in jobs}
    customers = sql(db, "SELECT COUNT(*) FROM customer_score")[0][0]
    assert customers > 200
    # Batches of 40 customers; one finish job per company, one graph per company.
    assert by_method["_job_score_batch"][0] >= customers // 40
    assert by_method["_job_finish_company"][0] == 2
    assert by_method["_job_score_batch"][2] == 2
    # Both HTTP workers took jobs.
    pids = sql(db, "SELECT COUNT(DISTINCT worker_pid) FROM queue_job")[0][0]
    assert pids == 2, server.log()[-3000:]
    assert sql(db, "SELECT COUNT(*) FROM customer_score_stage")[0][0] == 0
    queued = sql(db, ROW_SQL)
    # The inline run of the same day over the same data writes the same rows.
    _inline_run(db)
    assert sql(db, ROW_SQL) == queued
