"""The job-queue bridge with queue_job's real job runner: an Odoo server with workers.

Plain pytest (not pytest-odoo: the jobs run in the server's worker processes, which
could not see a test transaction), run by ``scripts/test.sh`` as
``KAM_QUEUE_TEMPLATE=<db> pytest tests/queue_runner``, the template being a database with
our modules, queue_job and customer_scoring_queue, and no connection
(``kam_test_queue`` after its stage). The session generates one committed data set
from it (``scripts/generate_data.py``), each test works on a copy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "odoo.conf"
ADDONS = ROOT / "addons"
PREFIX = os.environ.get("KAM_QUEUE_DB_PREFIX", "kam_queue_runner")
# The shared helpers of the plain-pytest stages (tests/pg_copies.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pg_copies import copy_db, db_exists, disconnect, drop_copies, sql  # noqa: E402,F401 (re-exported)


@pytest.fixture(scope="session")
def dataset():
    """A committed data set on a copy of the template: about 225 customers in two
    companies with a year of posted invoices, no scores; batches of 40 customers."""
    template = os.environ.get("KAM_QUEUE_TEMPLATE")
    if not template:
        raise pytest.UsageError(
            "KAM_QUEUE_TEMPLATE is not set: give a database with our modules, queue_job and "
            "customer_scoring_queue (no connection to it), e.g. "
            "KAM_QUEUE_TEMPLATE=kam_test_queue pytest tests/queue_runner"
        )
    base = f"{PREFIX}_data"
    # KAM_QUEUE_REUSE_DATA=1 keeps the data set of the last session (when changing the tests).
    reuse = os.environ.get("KAM_QUEUE_REUSE_DATA") == "1"
    if reuse and db_exists(base):
        yield base
        drop_copies(keep={base})
        return
    copy_db(template, base)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "generate_data.py"),
            "-c",
            str(CONF),
            f"--addons-path={ADDONS}",
            "-d",
            base,
            "--customers",
            "200",
            "--months",
            "12",
            "--flow-days",
            "1",
            "--seed",
            "11",
            "--no-score",
        ],
        check=True,
        capture_output=True,
    )
    sql(base, "DELETE FROM queue_job")
    sql(base, "UPDATE ir_cron SET active = FALSE")
    # Batch jobs of 40 customers (customer_scoring_queue's own batch size), so each company
    # has several to share out.
    sql(
        base,
        """INSERT INTO ir_config_parameter (key, value, create_date, write_date)
           VALUES ('customer_scoring_queue.batch_size', '40', now(), now())
           ON CONFLICT (key) DO UPDATE SET value = '40'""",
    )
    yield base
    drop_copies(keep={base} if reuse else set())


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """pytest-odoo's fixture of the same name loads a registry in this process; these
    tests have none (Odoo runs in the server's processes)."""
    return None


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    """pytest-odoo's fixture of the same name turns Odoo's test mode on; the server here
    runs as in production."""
    return None
