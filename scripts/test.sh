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

# run_pytest_stage LABEL PYTEST_ARGS...: pytest with its output also in $STAGE_LOG; exit 5
# (nothing collected) and any failure stop the whole run; $STAGE_PASSED: the tests passed.
run_pytest_stage() {
    local label="$1"
    shift
    STAGE_LOG="$(mktemp /tmp/kam_pytest.XXXXXX.log)"
    set +e
    pytest "$@" | tee "$STAGE_LOG"
    local rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -eq 5 ]; then
        die "pytest collected no $label (exit 5): that is a failure, not a pass."
    elif [ "$rc" -ne 0 ]; then
        die "$label failed (pytest exit $rc)"
    fi
    STAGE_PASSED=$(sed -nE 's/^(.*[ =])?([0-9]+) passed.*/\2/p' "$STAGE_LOG" | tail -1)
}

create_db_with_modules "$DB"

log "Running tests on database $DB"
# The browser tours (test_tour_*.py) need Odoo's HTTP server: Odoo's own runner runs them below.
# The fault tests (tests/faults) run in their own stage below, without --odoo-database.
run_pytest_stage "tests" --odoo-config="$ODOO_CONF" --odoo-database="$DB" \
    --ignore-glob='*/test_tour_*.py' --ignore=tests/faults --ignore=tests/queue_runner \
    addons/key_account_mgmt/tests addons/customer_scoring/tests tests "$@"
model_tests=$STAGE_PASSED

# Fault stage: the scoring, the class recompute and the KPI snapshots run by the scheduler
# in real second processes, killed (SIGKILL) in the middle of a transaction and restarted,
# and runs started twice at once; on copies of $DB (no connection to it remains now).
log "Running the fault tests (kill and resume, concurrent runs) on copies of $DB"
fault_start=$(date +%s)
KAM_FAULT_TEMPLATE="$DB" run_pytest_stage "fault tests" tests/faults -q
fault_tests=$STAGE_PASSED
fault_log=$STAGE_LOG
faults=$(sed -nE 's/^faults injected: ([0-9]+).*/\1/p' "$fault_log" | tail -1)
[ -n "$faults" ] && [ "$faults" -gt 0 ] || die "fault tests injected no fault"
log "Fault tests: ${fault_tests:-?} passed, $faults faults injected, $(( $(date +%s) - fault_start )) s"

# Second stage: the stock bridge's tests on a database with Inventory (stock).
STOCK_DB="${KAM_TEST_STOCK_DB:-kam_test_stock}"
create_stock_db_with_modules "$STOCK_DB"
log "Running the stock bridge's tests on database $STOCK_DB"
run_pytest_stage "stock bridge tests" --odoo-config="$ODOO_CONF" --odoo-database="$STOCK_DB" \
    --ignore-glob='*/test_tour_*.py' addons/customer_scoring_stock/tests
stock_tests=$STAGE_PASSED

# Third stage: the job-queue bridge's tests on a database with queue_job.
QUEUE_DB="${KAM_TEST_QUEUE_DB:-kam_test_queue}"
create_queue_db_with_modules "$QUEUE_DB"
log "Running the job-queue bridge's tests on database $QUEUE_DB"
run_pytest_stage "job-queue bridge tests" --odoo-config="$ODOO_CONF" --odoo-database="$QUEUE_DB" \
    --ignore-glob='*/test_tour_*.py' addons/customer_scoring_queue/tests
queue_tests=$STAGE_PASSED
# And with queue_job's real job runner: an Odoo server with two workers runs the jobs the
# scheduled action queues, on a copy of $QUEUE_DB with generated data.
log "Running the job runner's tests (odoo --workers=2) on copies of $QUEUE_DB"
KAM_QUEUE_TEMPLATE="$QUEUE_DB" run_pytest_stage "job runner tests" tests/queue_runner -q
runner_tests=$STAGE_PASSED
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
