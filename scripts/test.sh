#!/usr/bin/env bash
# `make test`: fresh test database with both add-ons, every test through pytest-odoo; the
# fault tests on copies of it; a database with Inventory (stock) and the stock bridge, and one
# with OCA's queue_job and the job-queue bridge, for their tests; the browser tours; then ruff
# and the OCA linters (scripts/lint_oca.sh).
# Fails (never skips) when Odoo 18.0 or PostgreSQL is missing.
source "$(dirname "$0")/lib.sh"

DB="${KAM_TEST_DB:-kam_test}"
require_odoo
require_postgres
command -v pytest >/dev/null 2>&1 || die "pytest not found: pip install -r requirements.txt"
"$PYTHON" -c 'import pytest_odoo' 2>/dev/null || die "pytest-odoo not found: pip install -r requirements.txt"
command -v ruff >/dev/null 2>&1 || die "ruff not found: pip install -r requirements.txt"

start=$(date +%s)
create_db_with_modules "$DB"

log "Running tests on database $DB"
set +e
# The browser tours (test_tour_*.py) need Odoo's HTTP server: Odoo's own runner runs them below.
pytest_log="$(mktemp /tmp/kam_pytest.XXXXXX.log)"
# The fault tests (tests/faults) run in their own stage below, without --odoo-database.
pytest --odoo-config="$ODOO_CONF" --odoo-database="$DB" --ignore-glob='*/test_tour_*.py' \
    --ignore=tests/faults --ignore=tests/queue_runner \
    addons/key_account_mgmt/tests addons/customer_scoring/tests tests "$@" | tee "$pytest_log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -eq 5 ]; then
    die "pytest collected no tests (exit 5): that is a failure, not a pass."
elif [ "$rc" -ne 0 ]; then
    die "tests failed (pytest exit $rc)"
fi

model_tests=$(sed -nE 's/.*=+ ([0-9]+) passed.*/\1/p' "$pytest_log" | tail -1)

# Fault stage: the scoring, the class recompute and the KPI snapshots run by the scheduler
# in real second processes, killed (SIGKILL) in the middle of a transaction and restarted,
# and runs started twice at once; on copies of $DB (no connection to it remains now).
log "Running the fault tests (kill and resume, concurrent runs) on copies of $DB"
fault_start=$(date +%s)
set +e
fault_log="$(mktemp /tmp/kam_faults.XXXXXX.log)"
KAM_FAULT_TEMPLATE="$DB" pytest tests/faults -q | tee "$fault_log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -eq 5 ]; then
    die "pytest collected no fault tests (exit 5): that is a failure, not a pass."
elif [ "$rc" -ne 0 ]; then
    die "fault tests failed (pytest exit $rc)"
fi
fault_tests=$(sed -nE 's/^(.* )?([0-9]+) passed.*/\2/p' "$fault_log" | tail -1)
faults=$(sed -nE 's/^faults injected: ([0-9]+).*/\1/p' "$fault_log" | tail -1)
[ -n "$faults" ] && [ "$faults" -gt 0 ] || die "fault tests injected no fault"
log "Fault tests: ${fault_tests:-?} passed, $faults faults injected, $(( $(date +%s) - fault_start )) s"

# Second stage: the stock bridge's tests on a database with Inventory (stock).
STOCK_DB="${KAM_TEST_STOCK_DB:-kam_test_stock}"
create_stock_db_with_modules "$STOCK_DB"
log "Running the stock bridge's tests on database $STOCK_DB"
set +e
stock_log="$(mktemp /tmp/kam_pytest_stock.XXXXXX.log)"
pytest --odoo-config="$ODOO_CONF" --odoo-database="$STOCK_DB" --ignore-glob='*/test_tour_*.py' \
    addons/customer_scoring_stock/tests | tee "$stock_log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -eq 5 ]; then
    die "pytest collected no stock bridge tests (exit 5): that is a failure, not a pass."
elif [ "$rc" -ne 0 ]; then
    die "stock bridge tests failed (pytest exit $rc)"
fi
stock_tests=$(sed -nE 's/.*=+ ([0-9]+) passed.*/\1/p' "$stock_log" | tail -1)

# Third stage: the job-queue bridge's tests on a database with queue_job.
QUEUE_DB="${KAM_TEST_QUEUE_DB:-kam_test_queue}"
create_queue_db_with_modules "$QUEUE_DB"
log "Running the job-queue bridge's tests on database $QUEUE_DB"
set +e
queue_log="$(mktemp /tmp/kam_pytest_queue.XXXXXX.log)"
pytest --odoo-config="$ODOO_CONF" --odoo-database="$QUEUE_DB" --ignore-glob='*/test_tour_*.py' \
    addons/customer_scoring_queue/tests | tee "$queue_log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -eq 5 ]; then
    die "pytest collected no job-queue bridge tests (exit 5): that is a failure, not a pass."
elif [ "$rc" -ne 0 ]; then
    die "job-queue bridge tests failed (pytest exit $rc)"
fi
queue_tests=$(sed -nE 's/.*=+ ([0-9]+) passed.*/\1/p' "$queue_log" | tail -1)
# And with queue_job's real job runner: an Odoo server with two workers runs the jobs the
# scheduled action queues, on a copy of $QUEUE_DB with generated data.
log "Running the job runner's tests (odoo --workers=2) on copies of $QUEUE_DB"
set +e
runner_log="$(mktemp /tmp/kam_queue_runner.XXXXXX.log)"
KAM_QUEUE_TEMPLATE="$QUEUE_DB" pytest tests/queue_runner -q | tee "$runner_log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -eq 5 ]; then
    die "pytest collected no job runner tests (exit 5): that is a failure, not a pass."
elif [ "$rc" -ne 0 ]; then
    die "job runner tests failed (pytest exit $rc)"
fi
runner_tests=$(sed -nE 's/^(.* )?([0-9]+) passed.*/\2/p' "$runner_log" | tail -1)
tours="skipped (KAM_SKIP_TOURS=1)"
if [ "${KAM_SKIP_TOURS:-0}" != "1" ]; then
    run_tours "$DB"
    tours="$TOURS_RAN"
    # The job-queue bridge's tour, on its database (the queued button).
    run_tours "$QUEUE_DB" "$QUEUE_BRIDGE"
    tours="$(( tours + TOURS_RAN )) passed"
fi

log "ruff check"
ruff check addons tests scripts
log "ruff format --check"
ruff format --check addons tests scripts
# OCA conformance: installs the pinned linters when missing, fails on any finding.
bash "$ROOT/scripts/lint_oca.sh"
log "All tests and checks passed in $(( $(date +%s) - start )) s: ${model_tests:-?} model tests, ${fault_tests:-?} fault tests ($faults faults injected), ${stock_tests:-?} stock bridge tests, ${queue_tests:-?} job-queue bridge tests, ${runner_tests:-?} job runner tests, browser tours $tours, ruff and OCA linters clean"
