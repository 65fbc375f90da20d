"""Fault tests: real second processes, killed with SIGKILL or started twice at once.

Not pytest-odoo tests (those run in one process, in a transaction rolled back at the
end, which no second process could see): plain pytest, run by ``scripts/test.sh``
without ``--odoo-database`` as ``KAM_FAULT_TEMPLATE=<db> pytest tests/faults``. The
template is a database with our modules and no connection (``kam_test`` after the main
stage). The session builds one committed data set from it (``scripts/generate_data.py``,
no scoring), then every test works on copies (``createdb -T``).

The jobs run in processes forked from this one after the add-ons' Python modules are
imported (a fresh Odoo process spends 6 s importing them): each child opens its own
registry and connections on its database, so it is a second process with its own
PostgreSQL sessions, as a worker of ``odoo --workers`` is.
"""

import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "odoo.conf"
ADDONS = ROOT / "addons"
PREFIX = os.environ.get("KAM_FAULT_DB_PREFIX", "kam_fault")
# The shared helpers of the plain-pytest stages (tests/pg_copies.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pg_copies import copy_db, db_exists, drop_copies, sql  # noqa: E402,F401 (re-exported)

# Faults injected in this session (kills and concurrent starts), printed at the end.
FAULTS = []


def backends(db, pid):
    """The PostgreSQL sessions of process ``pid`` (Odoo names them ``odoo-<pid>``)."""
    return sql(
        db,
        """SELECT a.pid, a.state, a.xact_start IS NOT NULL, a.query,
                  EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid
                             AND l.locktype = 'advisory' AND l.granted)
             FROM pg_stat_activity a WHERE a.application_name = %s""",
        [f"odoo-{pid}"],
    )


class Child:
    def __init__(self, pid, db, log):
        self.pid, self.db, self.log = pid, db, log
        self.status = None

    def poll(self):
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status

    def wait(self, timeout=300):
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError(f"child {self.pid} still running after {timeout} s")
            time.sleep(0.02)
        self.wait_backends_gone()
        return self.status

    def output(self):
        return Path(self.log).read_text()

    def exit_code(self):
        assert os.WIFEXITED(self.status), f"child {self.pid} did not exit: {self.status}"
        return os.WEXITSTATUS(self.status)

    def kill(self):
        """SIGKILL, and the proof it died of it."""
        os.kill(self.pid, signal.SIGKILL)
        _pid, status = os.waitpid(self.pid, 0)
        self.status = status
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        self.wait_backends_gone()

    def wait_backends_gone(self, timeout=60):
        """A killed client's session lives until its running statement ends; its
        transaction (and the scoring lock) is rolled back then."""
        deadline = time.monotonic() + timeout
        while backends(self.db, self.pid):
            assert time.monotonic() < deadline, f"sessions of {self.pid} still open"
            time.sleep(0.02)

    def wait_sessions(self, predicate, timeout=120):
        """Poll the child's sessions until ``predicate(sessions)`` holds; the child must
        still be running meanwhile."""
        deadline = time.monotonic() + timeout
        while not predicate(backends(self.db, self.pid)):
            assert self.poll() is None, self.output()
            assert time.monotonic() < deadline, f"{self.pid}: sessions not seen in time"

    def kill_when(self, predicate, committed=None, timeout=120):
        """Poll the child's sessions; SIGKILL it as soon as ``predicate(sessions)`` holds
        while it is inside a transaction (and ``committed()``, read first, is true: what
        it committed so far). Returns the statement it was running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.poll() is not None:
                raise AssertionError(
                    f"the job ended before the kill point was reached:\n{self.output()[-3000:]}"
                )
            ready = committed() if committed else True
            sessions = [s for s in backends(self.db, self.pid) if s[2]]
            if ready and sessions and predicate(sessions):
                statement = " ".join(" | ".join(s[3] for s in sessions).split())[:160]
                self.kill()
                FAULTS.append(("kill", statement))
                return statement
            time.sleep(0.002)
        raise AssertionError("kill point not reached in time")


class Odoo:
    """Forks job processes with Odoo and the add-ons imported."""

    def __init__(self, tmp_path_factory):
        import odoo

        sys.path.insert(0, str(Path(__file__).parent))
        odoo.tools.config.parse_config(
            ["-c", str(CONF), f"--addons-path={ADDONS}", "--log-level=warn"],
            setup_logging=True,
        )
        # pytest-odoo turns the test mode on in this process: the jobs run as in production.
        odoo.tools.config["test_enable"] = False
        odoo.tools.config["test_tags"] = None
        self.logs = tmp_path_factory.mktemp("children")

    def load(self, db):
        """Import every module of ``db`` (once), then leave no connection open."""
        import odoo

        odoo.modules.registry.Registry(db)
        odoo.modules.registry.Registry.delete_all()
        odoo.sql_db.close_all()

    def start(self, db, mode, argument=None):
        log = self.logs / f"{db}-{mode}-{len(list(self.logs.iterdir()))}.log"
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                sys.stdout = sys.stderr = open(fd, "w", buffering=1)  # noqa: SIM115
                for handler in logging.root.handlers:
                    if isinstance(handler, logging.StreamHandler):
                        handler.setStream(sys.stderr)
                import child

                code = child.run(db, mode, argument)
            except BaseException:  # noqa: BLE001 - reported in the log, exit 1
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        return Child(pid, db, log)


def run_to_end(odoo_procs, db, mode, argument=None):
    proc = odoo_procs.start(db, mode, argument)
    proc.wait()
    assert proc.exit_code() == 0, proc.output()[-3000:]
    return proc


def generate(db):
    """The committed data set: about 225 customers in two companies (EUR, SEK) with a
    year of posted invoices, meetings, key accounts; no scores yet."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "generate_data.py"),
            "-c",
            str(CONF),
            f"--addons-path={ADDONS}",
            "-d",
            db,
            "--customers",
            "200",
            "--months",
            "12",
            "--flow-days",
            "1",
            "--seed",
            "11",
        ],
        check=True,
        capture_output=True,
    )
    # The generator's scoring fitted the customer-base models of today; the rest of what
    # a run writes goes, so that each test's run writes every row, to-do and class again
    # (and reuses the day's fits: a fit takes most of a run's time).
    sql(
        db,
        """DELETE FROM mail_activity WHERE activity_type_id IN (
               SELECT res_id FROM ir_model_data
                WHERE model = 'mail.activity.type' AND module = 'customer_scoring')""",
    )
    sql(db, "DELETE FROM customer_score")
    sql(db, "DELETE FROM customer_score_run")
    # Small batches (many of them) and the scheduled actions off: each test makes due the
    # one it runs. The class recompute's cron call takes 50 partners.
    sql(db, "UPDATE ir_cron SET active = FALSE")
    sql(
        db,
        """INSERT INTO ir_config_parameter (key, value, create_date, write_date)
           VALUES ('customer_scoring.batch_size', '50', now(), now())
           ON CONFLICT (key) DO UPDATE SET value = '50'""",
    )
    sql(
        db,
        """UPDATE ir_act_server SET code = 'model._cron_kam_recompute_abc_classes(chunk=50)'
            WHERE code = 'model._cron_kam_recompute_abc_classes()'""",
    )


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    template = os.environ.get("KAM_FAULT_TEMPLATE")
    if not template:
        raise pytest.UsageError(
            "KAM_FAULT_TEMPLATE is not set: give a database with our modules (no "
            "connection to it), e.g. KAM_FAULT_TEMPLATE=kam_test pytest tests/faults"
        )
    base = f"{PREFIX}_data"
    started = time.monotonic()
    # KAM_FAULT_REUSE_DATA=1 keeps the data set of the last session (when changing the
    # tests; the product code is read from the add-ons anyway).
    if not (os.environ.get("KAM_FAULT_REUSE_DATA") == "1" and db_exists(base)):
        copy_db(template, base)
        generate(base)
    procs = Odoo(tmp_path_factory)
    procs.load(base)
    print(f"\nfault data set {base}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    yield base, procs
    # The copies go (the data set too, unless kept for the next session).
    keep = {base} if os.environ.get("KAM_FAULT_REUSE_DATA") == "1" else set()
    drop_copies(keep)


def pytest_terminal_summary(terminalreporter):
    if FAULTS:
        kills = sum(1 for kind, _ in FAULTS if kind == "kill")
        terminalreporter.write_line(
            f"faults injected: {len(FAULTS)} ({kills} SIGKILLs of a job process in the "
            f"middle of a transaction, {len(FAULTS) - kills} concurrent starts)"
        )


def matches(pattern):
    regex = re.compile(pattern, re.IGNORECASE | re.DOTALL)
    return lambda sessions: any(regex.search(s[3] or "") for s in sessions)


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """pytest-odoo's fixture of the same name loads the registry of --odoo-database in
    this process; these tests have none (their Odoo runs in the child processes)."""
    return None


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    """pytest-odoo's fixture of the same name turns Odoo's test mode on (no commits in
    some code paths): the jobs here run as in production."""
    return None
