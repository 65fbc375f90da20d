"""The full run as queue jobs over 1 and 2 Odoo workers (`bench.py measure queue`).

On a copy of the benchmark database with OCA's queue_job and customer_scoring_queue
(`kam_bench_queue`, made by `scripts/bench.sh`): for each pass, an Odoo server with the
job runner (`--workers=2 --load=base,web,queue_job`, channel capacity ``root:N``) is
started, the full run of both companies is queued (``_enqueue_full_run``, the daily run:
one day later than the pass before, so every row moves each time), and the time from
the commit of the enqueue to the last job done is measured; then the server is stopped.
After a first pass not counted, passes alternate 2 and 1 workers (BENCH_QUEUE_PAIRS
pairs, default 1); each job's own
time (queue_job's ``exec_time``) gives the per-job costs of the sizing. The rows stay
(committed): the copy exists for this measurement only."""

import os
import signal
import subprocess
import time
import urllib.request
from datetime import timedelta
from statistics import median

from .common import ROOT, log

PORT = int(os.environ.get("BENCH_QUEUE_PORT", "8079"))
PAIRS = int(os.environ.get("BENCH_QUEUE_PAIRS", "1"))
JOB_TIMEOUT = 1800


def _start_server(db, capacity, logfile):
    env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=f"root:{capacity}")
    cmd = [
        "odoo",
        "-c",
        os.path.join(ROOT, "odoo.conf"),
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--workers=2",
        "--max-cron-threads=0",
        f"--http-port={PORT}",
        "--load=base,web,queue_job",
        f"--limit-time-real={JOB_TIMEOUT}",
        f"--limit-time-cpu={JOB_TIMEOUT}",
        f"--limit-memory-soft={8 << 30}",
        f"--limit-memory-hard={10 << 30}",
        "--log-level=info",
        f"--logfile={logfile}",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"the Odoo server stopped at start (exit {proc.returncode}), see {logfile}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/web/health", timeout=2):
                pass
        except OSError:
            time.sleep(0.5)
            continue
        # The job runner (a process of its own) listens to the database once ready.
        with open(logfile, encoding="utf-8", errors="replace") as handle:
            if "database connections ready" in handle.read():
                return proc
        time.sleep(0.5)
    _stop_server(proc)
    raise SystemExit(f"the Odoo server did not answer on port {PORT} within 120 s, see {logfile}")


def _stop_server(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _job_counts(cr):
    cr.execute("SELECT state, COUNT(*) FROM queue_job GROUP BY state")
    return dict(cr.fetchall())


def _one_pass(env, companies, day, capacity, batch_size):
    """The queued full run as of ``day`` with ``capacity`` jobs at a time; its figures."""
    cr = env.cr
    cr.execute("DELETE FROM queue_job")
    cr.commit()
    logfile = f"/tmp/kam_bench_queue_{capacity}.log"
    if os.path.exists(logfile):
        os.remove(logfile)
    proc = _start_server(env.cr.dbname, capacity, logfile)
    try:
        score = env["customer.score"].with_context(allowed_company_ids=companies.ids)
        runs = score._enqueue_full_run(companies, day, batch_size)
        customers = sum(runs.mapped("total_count"))
        cr.commit()
        started = time.monotonic()
        while True:
            cr.rollback()
            counts = _job_counts(cr)
            if counts.get("failed"):
                raise SystemExit(f"{counts['failed']} queue jobs failed, see {logfile}")
            if set(counts) <= {"done"}:
                break
            if time.monotonic() - started > JOB_TIMEOUT:
                raise SystemExit(f"the queued run did not end in {JOB_TIMEOUT} s: {counts}")
            time.sleep(0.25)
        seconds = time.monotonic() - started
    finally:
        _stop_server(proc)
    cr.rollback()
    cr.execute(
        "SELECT state FROM customer_score_run WHERE date = %s AND company_id = ANY(%s)",
        [day, companies.ids],
    )
    states = {row[0] for row in cr.fetchall()}
    if states != {"done"}:
        raise SystemExit(f"the queued run as of {day} ended with runs {states}, see {logfile}")
    cr.execute(
        """SELECT method_name, exec_time, name FROM queue_job
            ORDER BY method_name, exec_time DESC"""
    )
    jobs = cr.fetchall()
    batches = [row[1] for row in jobs if row[0] == "_job_score_batch"]
    finishes = [(row[2], row[1]) for row in jobs if row[0] == "_job_finish_company"]
    log(
        f"queue, {capacity} worker(s), as of {day}: {seconds:.1f} s, {len(batches)} batch "
        f"jobs ({sum(batches):.1f} s in all), finish jobs {finishes}"
    )
    return {
        "seconds": seconds,
        "busy_seconds": sum(row[1] or 0.0 for row in jobs),
        "customers": customers,
        "batch_jobs": len(batches),
        "batch_seconds": sum(batches),
        "batch_max": max(batches, default=0.0),
        "finish_seconds": sorted((seconds for _desc, seconds in finishes), reverse=True),
    }


def measure_queue(env, args):
    """Pairs of queued daily runs with 2 and 1 job(s) at a time; medians."""
    companies = env["res.company"].search([])
    batch_size = env["customer.score"]._get_job_batch_size()
    passes = {1: [], 2: []}
    day = args.today
    # A first pass, not counted: on a new copy there are no rows yet (a first run), and the
    # caches warm up.
    day += timedelta(days=1)
    _one_pass(env, companies, day, 2, batch_size)
    for _pair in range(PAIRS):
        for capacity in (2, 1):
            day += timedelta(days=1)
            passes[capacity].append(_one_pass(env, companies, day, capacity, batch_size))

    def med(capacity, key):
        return median(result[key] for result in passes[capacity])

    one = passes[1][-1]
    return {
        "seconds": med(1, "seconds"),
        "one_worker_seconds": med(1, "seconds"),
        "two_workers_seconds": med(2, "seconds"),
        "customers": one["customers"],
        "batch_jobs": one["batch_jobs"],
        "batch_size": batch_size,
        "batch_seconds": med(1, "batch_seconds"),
        "batch_max": med(1, "batch_max"),
        "finish_seconds": one["finish_seconds"],
        "one_worker_busy": med(1, "busy_seconds"),
        "two_workers_busy": med(2, "busy_seconds"),
        "pairs": PAIRS,
    }


def sizing(result, workers):
    """The queued run's time predicted for ``workers`` job slots (each a core for Odoo and
    one for PostgreSQL) from the measured per-job costs of one worker: every job spread
    over the slots, but never less than the batch jobs spread and then the largest
    company's finish job alone (it waits for its batches; the other companies' jobs fit
    beside it); plus the measured overhead (runner, the enqueue's wait)."""
    finish = result["finish_seconds"]
    batches = result["batch_seconds"]
    overhead = max(result["one_worker_seconds"] - batches - sum(finish), 0.0)
    spread = (batches + sum(finish)) / workers
    return max(spread, batches / workers + (finish[0] if finish else 0.0)) + overhead


def queue_rows(m, k, row, fmt):
    """The table rows and notes of the queued run (``row`` and ``fmt``: report's _row, _s)."""
    queue = m["queue"]
    one, two = queue["one_worker_seconds"], queue["two_workers_seconds"]
    speedup = one / two if two else 0.0
    finish = queue["finish_seconds"]
    rows = [
        row(f"Queued full run (customer_scoring_queue), {k} customers, 1 worker", fmt(one)),
        row(
            "Queued full run, 2 workers",
            fmt(two),
            ">= 1.5x faster than 1 worker",
            speedup / 1.5,
            speedup >= 1.5,
        ),
        row(
            f"  per batch job ({queue['batch_size']} customers), mean of {queue['batch_jobs']}",
            fmt(queue["batch_seconds"] / max(queue["batch_jobs"], 1), 2),
        ),
        row(
            "  finish job per company (ranks, rows, class hook, engines)",
            ", ".join(fmt(seconds) for seconds in finish),
        ),
    ]
    predicted = ", ".join(f"{n} workers {sizing(queue, n):.0f} s" for n in (2, 4, 8, 16))
    notes = [
        f"Queued run rows: a copy of the benchmark database with queue_job "
        f"(`kam_bench_queue`), an Odoo server with the job runner per pass "
        f"(`--workers=2`, channel `root:1` or `root:2`), the daily run queued "
        f"(`_enqueue_full_run`, both companies, {queue['batch_jobs']} batch jobs of "
        f"{queue['batch_size']} customers and one finish job per company), timed from the "
        f"enqueue's commit to the last job done; {queue['pairs']} pair(s) of passes, medians; "
        f"speed-up {speedup:.2f}x. Per-job times are queue_job's `exec_time` of the 1-worker "
        f"pass: batch jobs {fmt(queue['batch_seconds'])} in all (longest "
        f"{fmt(queue['batch_max'], 2)}), finish jobs {', '.join(fmt(s) for s in finish)}. "
        f"The jobs' own times summed: {fmt(queue['one_worker_busy'])} with 1 worker, "
        f"{fmt(queue['two_workers_busy'])} with 2 (two jobs at once share this machine's "
        f"2 cores with their PostgreSQL sessions).",
        f"Sizing from these costs (batch jobs over the workers, then the largest company's "
        f"finish job alone, plus the measured overhead; each worker wants a core for Odoo and "
        f"one for PostgreSQL, here 2 cores serve both): {predicted}. The largest company's "
        f"finish job bounds the run: more hosts shorten only the batch part.",
    ]
    return rows, notes
