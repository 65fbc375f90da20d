"""A job process killed (SIGKILL) in the middle of a transaction, then restarted, ends
with the rows of an uninterrupted run; two runs started at once write nothing twice.

Each job runs as the scheduler runs it (``child.py``, mode ``cron``) in a forked process
with its own PostgreSQL sessions; the kill point is read from the child's session
(``pg_stat_activity``: the statement it runs, inside an open transaction, and the
scoring lock in ``pg_locks``) and from what it has committed so far."""

import psycopg2
import pytest
from conftest import FAULTS, copy_db, matches, run_to_end, sql

SCORING = "customer_scoring.ir_cron_compute_customer_scores"
CLASSES = "key_account_mgmt.ir_cron_kam_recompute_abc_classes"
SNAPSHOTS = "customer_scoring.ir_cron_generate_kpi_snapshots"
CLASS_CURSOR = "key_account_mgmt.class_recompute_cursor"
ALREADY_RUNNING = "Customer scoring is already running in another session."

# What a run writes, table by table: every column but the ids, the timestamps and what
# names a row created by the run (ids consumed by a killed transaction are not given
# back, so new rows get other ids in the interrupted database).
SKIP = {"id", "create_date", "write_date", "date_done", "run_key", "clv_model_id", "date"}
SCORING_TABLES = (
    "customer_score",
    "customer_score_run",
    "customer_clv_model",
    "mail_activity",
    "kam_abc_class_history",
    "customer_profitability",
    "kam_relationship_health",
    "kam_account_snapshot",
)
CLASS_TABLES = ("kam_abc_class_history",)
SNAPSHOT_TABLES = ("customer_kpi_snapshot", "customer_kpi_base")


def rows(db, table):
    """The rows of ``table`` as a sorted list (duplicates kept: a row written twice
    shows)."""
    columns = [
        name
        for (name,) in sql(
            db,
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = %s AND table_schema = 'public' ORDER BY column_name""",
            [table],
        )
        if name not in SKIP and not name.endswith("_date")
    ]
    if not columns:
        return []
    select = ", ".join(f'"{name}"::text' for name in columns)
    return sorted(sql(db, f'SELECT {select} FROM "{table}"'), key=repr)  # noqa: S608


def partner_classes(db):
    return sql(
        db, "SELECT id, abc_class::text, abc_class_computed::text FROM res_partner ORDER BY id"
    )


def assert_same(db, reference, tables):
    for table in tables:
        got, want = rows(db, table), rows(reference, table)
        assert len(got) == len(want), f"{table}: {len(got)} rows, uninterrupted run {len(want)}"
        assert got == want, f"{table} differs from the uninterrupted run"
    assert partner_classes(db) == partner_classes(reference), "customer classes differ"


def cron_failures(db, xmlid):
    module, name = xmlid.split(".")
    return sql(
        db,
        """SELECT c.failure_count FROM ir_cron c JOIN ir_model_data d
                ON d.model = 'ir.cron' AND d.res_id = c.id AND d.module = %s AND d.name = %s""",
        [module, name],
    )[0][0]


def done_runs(db):
    return sql(db, "SELECT count(*) FROM customer_score_run WHERE state = 'done'")[0][0]


def class_cursor(db):
    found = sql(
        db,
        "SELECT value FROM ir_config_parameter WHERE key = %s",
        [CLASS_CURSOR],
    )
    return found[0][0] if found else "0:0"


def scoring_locks(db):
    return sql(
        db,
        """SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
    )


def holds_scoring_lock(sessions):
    return any(s[4] for s in sessions)


@pytest.fixture(scope="module")
def scored(dataset):
    """The reference: the data set scored by one uninterrupted scheduled run."""
    base, procs = dataset
    reference = copy_db(base, f"{base}_scored")
    run_to_end(procs, reference, "cron", SCORING)
    assert done_runs(reference) == 2
    assert sql(reference, "SELECT count(*) FROM customer_score")[0][0] > 200
    return reference


def test_scoring_killed_in_the_middle_resumes_to_the_same_rows(dataset, scored):
    base, procs = dataset
    db = copy_db(base, f"{base}_score_killed")
    points = [
        # First company, computing its figures (nothing of it committed).
        (0, lambda s: holds_scoring_lock(s) and matches("customer_score_new")(s)),
        # First company, its rows upserted, to-dos and classes being written.
        (
            0,
            lambda s: (
                holds_scoring_lock(s)
                and matches(r"customer_score_mark|mail_activity|kam_abc_class|profitab|health")(s)
            ),
        ),
        # Second company, the first one committed.
        (1, lambda s: holds_scoring_lock(s) and matches("customer_score")(s)),
    ]
    for committed, point in points:
        run = procs.start(db, "cron", SCORING)
        statement = run.kill_when(point, committed=lambda c=committed: done_runs(db) == c)
        # Killed inside the company's transaction: nothing of it was committed, the lock
        # went with the session.
        assert done_runs(db) == committed, statement
        assert not scoring_locks(db)
    run_to_end(procs, db, "cron", SCORING)
    assert done_runs(db) == 2
    assert_same(db, scored, SCORING_TABLES)


def reset_classes(db):
    """Every computed class gone: the recompute writes a class, and a history row, for
    every customer (a chunk processed twice would show as two history rows)."""
    sql(db, "UPDATE res_partner SET abc_class_computed = NULL, abc_class = NULL")
    sql(db, "DELETE FROM kam_abc_class_history")
    sql(db, "DELETE FROM ir_config_parameter WHERE key = %s", [CLASS_CURSOR])


@pytest.fixture(scope="module")
def classes_reference(dataset, scored):
    base, procs = dataset
    source = copy_db(scored, f"{base}_classes")
    reset_classes(source)
    reference = copy_db(source, f"{base}_classes_ref")
    run_to_end(procs, reference, "cron", CLASSES)
    assert sql(reference, "SELECT count(*) FROM kam_abc_class_history")[0][0] > 150
    return source, reference


def test_class_recompute_killed_in_the_middle_resumes_to_the_same_rows(dataset, classes_reference):
    base, procs = dataset
    source, reference = classes_reference
    db = copy_db(source, f"{base}_classes_killed")
    writing = matches(r"UPDATE res_partner p|INSERT INTO kam_abc_class_history|customer_score")
    cursors = []
    # The kill points: inside the first call (no chunk committed), inside the third
    # (two committed), inside the second call of the job restarted after that.
    for calls_committed in (0, 2, 1):
        start = class_cursor(db)
        seen = {start}

        def moved(seen=seen, calls_committed=calls_committed):
            seen.add(class_cursor(db))
            return len(seen) - 1 == calls_committed

        run = procs.start(db, "cron", CLASSES)
        statement = run.kill_when(writing, committed=moved)
        # Killed inside a call: its chunk's position was not committed.
        assert class_cursor(db) == max(seen, key=lambda c: [int(x) for x in c.split(":")])
        cursors.append((class_cursor(db), statement))
    assert len({c for c, _ in cursors}) == 3, cursors
    run_to_end(procs, db, "cron", CLASSES)
    assert class_cursor(db) == "0:0"
    assert_same(db, reference, CLASS_TABLES)


def kpi_phase(statement):
    """``snap`` for the statements on the snapshot rows, ``base`` for the base rows.
    PostgreSQL shows the first 1,024 bytes of a statement: the long inserts are told by
    their first CTE."""
    statement = " ".join((statement or "").split())
    if statement.startswith("WITH raw AS") or "DELETE FROM customer_kpi_snapshot" in statement:
        return "snap"
    if statement.startswith("WITH total AS") or "customer_kpi_base" in statement:
        return "base"
    return None


def phases(target):
    """A kill point after the phases ``target`` of the KPI run, seen in this order."""
    seen = []

    def reached(sessions):
        for session in sessions:
            kind = kpi_phase(session[3])
            if kind and (not seen or seen[-1] != kind):
                seen.append(kind)
        return seen == target

    return reached


def test_kpi_snapshots_killed_in_the_middle_resume_to_the_same_rows(dataset, scored):
    base, procs = dataset
    reference = copy_db(scored, f"{base}_kpi_ref")
    db = copy_db(scored, f"{base}_kpi_killed")
    before = rows(db, "customer_kpi_snapshot")
    run_to_end(procs, reference, "cron", SNAPSHOTS)
    # The run rebuilds last month, then this month: the snapshot rows, then the base
    # rows, of each. Killed in the rows of last month, in those of this month (the base
    # rows of last month written), in the base rows of this month.
    points = (
        phases(["snap"]),
        phases(["snap", "base", "snap"]),
        phases(["snap", "base", "snap", "base"]),
    )
    for point in points:
        run = procs.start(db, "cron", SNAPSHOTS)
        statement = run.kill_when(point)
        # One transaction: nothing of the killed run stays.
        assert rows(db, "customer_kpi_snapshot") == before, statement
    # Three kills in a row of the same call: Odoo's scheduler takes the job for one that
    # kills its worker (ir.cron CONSECUTIVE_TIMEOUT_FOR_FAILURE) and, on the next start,
    # does not run it but counts a failure and moves it to its next interval.
    run_to_end(procs, db, "cron", SNAPSHOTS)
    assert rows(db, "customer_kpi_snapshot") == before
    assert cron_failures(db, SNAPSHOTS) == 1
    # Its next run (tomorrow, or "Run manually") rebuilds the months.
    run_to_end(procs, db, "cron", SNAPSHOTS)
    assert_same(db, reference, SNAPSHOT_TABLES)


def test_two_scoring_runs_at_once(dataset, scored):
    """The scheduler's run holds the scoring lock; the button pressed meanwhile in
    another process stops with the documented message, and a second scheduler process
    waits for the job (its row is locked) and finds nothing left to do."""
    base, procs = dataset
    db = copy_db(base, f"{base}_score_twice")
    # The scheduler's run is held at its first write of the score rows (after it took
    # the scoring lock) until the button has tried: on a fast machine the run could end
    # before the button's process is up, and the button would then simply run.
    blocker = psycopg2.connect(dbname=db)
    try:
        with blocker.cursor() as cr:
            cr.execute("LOCK TABLE customer_score IN SHARE MODE")
        first = procs.start(db, "cron", SCORING)
        first.wait_sessions(lambda sessions: any(s[4] for s in sessions))
        button = procs.start(db, "button")
        second = procs.start(db, "cron", SCORING)
        FAULTS.extend([("concurrent", "button"), ("concurrent", "scheduler")])
        button.wait()
        assert first.poll() is None, first.output()
    finally:
        blocker.rollback()
        blocker.close()
    assert button.exit_code() == 3, button.output()
    assert ALREADY_RUNNING in button.output()
    first.wait()
    second.wait()
    assert first.exit_code() == 0, first.output()
    assert second.exit_code() == 0, second.output()
    assert done_runs(db) == 2
    assert_same(db, scored, SCORING_TABLES)


def test_two_class_recomputes_at_once(dataset, classes_reference):
    """The scheduler's class recompute in the middle of a call, and the same call run at
    once in another process without the cron's row lock (as a scoring run's class
    recomputation runs beside it): the later writer of a partner stops on PostgreSQL's
    concurrent-update error (Odoo's transactions are repeatable read) or finds the classes
    written; a class and its history row are never written twice."""
    base, procs = dataset
    source, reference = classes_reference
    db = copy_db(source, f"{base}_classes_twice")
    first = procs.start(db, "cron", CLASSES)
    writing = matches(r"UPDATE res_partner p|INSERT INTO kam_abc_class_history")
    first.wait_sessions(lambda sessions: writing([s for s in sessions if s[2]]))
    second = procs.start(db, "direct", CLASSES)
    FAULTS.append(("concurrent", "class recompute"))
    second.wait()
    first.wait()
    assert first.exit_code() == 0, first.output()
    assert second.exit_code() == 0 or "could not serialize access" in second.output(), (
        second.output()[-3000:]
    )
    # Whatever the scheduler left for its next start.
    run_to_end(procs, db, "cron", CLASSES)
    assert_same(db, reference, CLASS_TABLES)
