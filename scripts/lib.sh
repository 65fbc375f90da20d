#!/usr/bin/env bash
# Shared helpers for the Makefile targets. Source it; do not run it.
set -euo pipefail
# Failures inside $(...) stop the script too (the base template is built in one).
shopt -s inherit_errexit

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ODOO_CONF="$ROOT/odoo.conf"
ADDONS="$ROOT/addons"
PYTHON="${PYTHON:-python3}"
# Odoo's own modules our add-ons stand on; the base template holds them installed.
BASE_MODULES="contacts,mail,calendar,sales_team,sale_management,account"
OUR_MODULES="key_account_mgmt,customer_scoring"
# The stock bridge (auto-installed with customer_scoring and stock) is tested on its own
# database: the main test database has no stock.
STOCK_MODULES="stock"
STOCK_BRIDGE="customer_scoring_stock"
# The job-queue bridge (auto-installed with customer_scoring and OCA's queue_job, a PyPI
# wheel of requirements.txt) is tested on its own database too: with it, the button and the
# scheduled action queue jobs instead of scoring at once.
QUEUE_MODULES="queue_job"
QUEUE_BRIDGE="customer_scoring_queue"
PG_CLUSTER_VERSION="${PG_CLUSTER_VERSION:-15}"
PG_CLUSTER_NAME="${PG_CLUSTER_NAME:-main}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

require_odoo() {
    local version
    if ! version="$("$PYTHON" -c 'import odoo.release as r; print(r.version)' 2>/dev/null)"; then
        die "Odoo 18.0 is not installed for $PYTHON ('import odoo' fails). Install Odoo 18.0 Community first (see README.md, Prerequisites)."
    fi
    # An OCA odoo-addon-* wheel (queue_job) writes site-packages/odoo/addons: beside an
    # editable Odoo installed in setuptools' default (finder) mode, that directory makes
    # `odoo` a namespace package without odoo.cli, and the odoo command fails.
    "$PYTHON" -c 'import odoo, sys; sys.exit(getattr(odoo, "__file__", None) is None)' \
        || die "'import odoo' finds a namespace package, not Odoo: an odoo-addon-* wheel's site-packages/odoo shadows an editable Odoo install. Reinstall Odoo with: pip install -e <odoo source> --config-settings editable_mode=compat (or without -e)."
    case "$version" in
        18.0*) log "Odoo $version found" ;;
        *) die "Odoo 18.0 is required, found Odoo $version. Install Odoo 18.0 Community (see README.md)." ;;
    esac
    command -v odoo >/dev/null 2>&1 || die "Odoo 18.0 is importable but the 'odoo' command is not on PATH."
}

require_postgres() {
    command -v psql >/dev/null 2>&1 || die "PostgreSQL client (psql) not found: install PostgreSQL 15."
    if command -v pg_lsclusters >/dev/null 2>&1; then
        if ! pg_lsclusters -h "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" 2>/dev/null | grep -q .; then
            die "PostgreSQL cluster $PG_CLUSTER_VERSION/$PG_CLUSTER_NAME not found: install PostgreSQL 15."
        fi
        if ! pg_lsclusters -h "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" | grep -q online; then
            log "Starting PostgreSQL cluster $PG_CLUSTER_VERSION/$PG_CLUSTER_NAME"
            pg_ctlcluster --skip-systemctl-redirect "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" start \
                || die "Could not start PostgreSQL cluster $PG_CLUSTER_VERSION/$PG_CLUSTER_NAME."
        fi
    fi
    local me
    me="$(id -un)"
    [ "$me" != "postgres" ] || die "Run as a normal user, not 'postgres': Odoo refuses the postgres role."
    if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then
            log "Creating PostgreSQL role '$me' (CREATEDB, not superuser)"
            runuser -u postgres -- createuser --createdb "$me" \
                || die "Could not create PostgreSQL role '$me'."
        fi
        psql -d postgres -tAc 'select 1' >/dev/null 2>&1 \
            || die "Cannot connect to PostgreSQL as role '$me': create it with 'sudo -u postgres createuser --createdb $me'."
    fi
}

db_exists() {
    [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$1'")" = "1" ]
}

odoo_run() {
    odoo -c "$ODOO_CONF" --addons-path="$ADDONS" "$@"
}

odoo_shell() {
    odoo shell -c "$ODOO_CONF" --addons-path="$ADDONS" "$@"
}

# Fingerprint of Odoo's version and Python dependencies: the base template is rebuilt when it changes.
base_fingerprint() {
    "$PYTHON" -c 'import odoo.release as r; print(r.serie + "-" + r.version)' | cksum | cut -c1-8
}

# A database with Odoo's own modules and a Finnish company in EUR, reused as a template.
ensure_base_template() {
    local tmpl="kam_base_$(base_fingerprint)"
    if db_exists "$tmpl"; then
        log "Reusing base template $tmpl"
    else
        log "Building base template $tmpl (Odoo modules: $BASE_MODULES); takes about 2 minutes"
        local tmp="${tmpl}_building"
        # The caller captures stdout (the template's name): everything else goes to stderr.
        {
            dropdb --if-exists "$tmp"
            odoo_run -d "$tmp" -i base --without-demo=all --stop-after-init --log-level=warn
            odoo_shell -d "$tmp" --no-http --log-level=warn <"$ROOT/scripts/setup_main_company.py"
            odoo_run -d "$tmp" -i "$BASE_MODULES" --without-demo=all --stop-after-init \
                --log-level=warn
            psql -d postgres -qc "ALTER DATABASE \"$tmp\" RENAME TO \"$tmpl\""
        } >&2
    fi
    echo "$tmpl"
}

# The base template plus Odoo's Inventory (stock), reused as a template for the stock
# bridge's tests; keyed like the base template, rebuilt with it.
ensure_stock_template() {
    local base tmpl
    base="$(ensure_base_template)"
    tmpl="${base/kam_base_/kam_base_stock_}"
    if db_exists "$tmpl"; then
        log "Reusing stock template $tmpl"
    else
        log "Building stock template $tmpl (base template + $STOCK_MODULES)"
        local tmp="${tmpl}_building"
        {
            dropdb --if-exists "$tmp"
            createdb -T "$base" "$tmp"
            odoo_run -d "$tmp" -i "$STOCK_MODULES" --without-demo=all --stop-after-init \
                --log-level=warn
            psql -d postgres -qc "ALTER DATABASE \"$tmp\" RENAME TO \"$tmpl\""
        } >&2
    fi
    echo "$tmpl"
}

# Fresh database from the stock template with our modules and the stock bridge installed.
create_stock_db_with_modules() {
    local db="$1" tmpl
    tmpl="$(ensure_stock_template)"
    dropdb --if-exists "$db"
    createdb -T "$tmpl" "$db"
    log "Installing $OUR_MODULES,$STOCK_BRIDGE into $db"
    odoo_run -d "$db" -i "$OUR_MODULES,$STOCK_BRIDGE" --stop-after-init --log-level=warn
}

# Fresh database from the base template with our modules, queue_job and the queue bridge.
create_queue_db_with_modules() {
    local db="$1" tmpl
    "$PYTHON" -c 'import importlib.util as u; import sys; sys.exit(u.find_spec("odoo.addons.queue_job") is None)' \
        || die "OCA queue_job not found: pip install -r requirements.txt (odoo-addon-queue-job)"
    tmpl="$(ensure_base_template)"
    dropdb --if-exists "$db"
    createdb -T "$tmpl" "$db"
    log "Installing $OUR_MODULES,$QUEUE_MODULES,$QUEUE_BRIDGE into $db"
    odoo_run -d "$db" -i "$OUR_MODULES,$QUEUE_MODULES,$QUEUE_BRIDGE" --stop-after-init \
        --log-level=warn
}

# Fresh database from the base template with our modules installed.
create_db_with_modules() {
    local db="$1" tmpl
    tmpl="$(ensure_base_template)"
    dropdb --if-exists "$db"
    createdb -T "$tmpl" "$db"
    log "Installing $OUR_MODULES into $db"
    odoo_run -d "$db" -i "$OUR_MODULES" --stop-after-init --log-level=warn
}

# Browser tours: every test tagged kam_tour, run by Odoo's own test runner (it starts the
# HTTP server and headless Chromium). Fails when a tour fails, when Chromium is missing
# (the tour base class turns Odoo's skip into a failure) or when fewer tours ran than the
# tour files define.
# run_tours <db> [<add-on>...]: the browser tours on <db>; the tours of the add-ons given
# (default: every add-on but the job-queue bridge, which has a database of its own) must all
# run.
run_tours() {
    local db="$1" log expected ran files=() addon tags="kam_tour"
    shift
    if [ "$#" -gt 0 ]; then
        # Only those add-ons' tours: the others expect their own database.
        tags="$(printf 'kam_tour/%s,' "$@")"
        tags="${tags%,}"
    else
        for addon in addons/*/; do
            addon="$(basename "$addon")"
            [ "$addon" = "$QUEUE_BRIDGE" ] || set -- "$@" "$addon"
        done
    fi
    for addon in "$@"; do
        files+=(addons/"$addon"/tests/test_tour_*.py)
    done
    command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
        || die "Chromium not found: the browser tours need it (Debian package 'chromium')."
    "$PYTHON" -c 'import websocket' 2>/dev/null \
        || die "websocket-client not found: pip install -r requirements.txt"
    expected=$(cat "${files[@]}" 2>/dev/null | grep -c '^    def test_' || true)
    log="$(mktemp /tmp/kam_tours.XXXXXX.log)"
    log "Running $expected browser tours on database $db (log: $log)"
    set +e
    odoo_run -d "$db" --test-tags="${KAM_TOUR_TAGS:-$tags}" --stop-after-init \
        --http-port="${KAM_TOUR_HTTP_PORT:-8169}" --log-level=info --max-cron-threads=0 >"$log" 2>&1
    local rc=$?
    set -e
    grep -E "(ERROR|FAIL|CRITICAL).*|odoo.tests.stats|tests when loading database" "$log" | tail -40 >&2
    if [ "$rc" -ne 0 ]; then
        # A failed tour's step, browser console error and traceback follow its log line.
        echo "--- details of the failures ---" >&2
        grep -E -A30 " (ERROR|CRITICAL) " "$log" | grep -v "odoo.addons.base.models.assetsbundle" | head -150 >&2
    fi
    ran=$(sed -nE 's/.* of ([0-9]+) tests when loading database.*/\1/p' "$log" | tail -1)
    [ "$rc" -eq 0 ] || die "browser tours failed (odoo exit $rc, see $log)"
    [ -n "$ran" ] || die "browser tours: no test report in $log"
    if [ -z "${KAM_TOUR_TAGS:-}" ] && [ "$ran" -lt "$expected" ]; then
        die "browser tours: $ran ran, $expected defined"
    fi
    TOURS_RAN="$ran"
    log "Browser tours: $ran passed"
}
