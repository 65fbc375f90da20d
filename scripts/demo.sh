#!/usr/bin/env bash
# `make demo`: demo database `kam_demo` with both add-ons and generated data (scored by the
# generator's last phases), served on http://127.0.0.1:8069. An existing kam_demo is reused;
# KAM_DEMO_REBUILD=1 rebuilds it.
source "$(dirname "$0")/lib.sh"

DB="${KAM_DEMO_DB:-kam_demo}"
CUSTOMERS="${KAM_DEMO_CUSTOMERS:-300}"
SEED="${KAM_DEMO_SEED:-42}"
require_odoo
require_postgres

if db_exists "$DB" && [ "${KAM_DEMO_REBUILD:-0}" != "1" ] \
        && [ "$(psql -d "$DB" -tAc "select value from ir_config_parameter where key = 'kam_demo.generated'" 2>/dev/null)" != "" ]; then
    log "Reusing existing demo database $DB (KAM_DEMO_REBUILD=1 make demo rebuilds it)"
    log "Updating our add-ons in $DB"
    odoo_run -d "$DB" -u "$OUR_MODULES" --stop-after-init --log-level=warn
else
    start=$(date +%s)
    create_db_with_modules "$DB"
    log "Generating demo data: $CUSTOMERS customers, seed $SEED"
    "$PYTHON" scripts/generate_data.py -c "$ODOO_CONF" --addons-path="$ADDONS" -d "$DB" \
        --customers "$CUSTOMERS" --seed "$SEED"
    log "Demo database $DB built in $(( $(date +%s) - start )) s"
fi

cat >&2 <<MSG

  Demo database '$DB' is ready.
  Open http://127.0.0.1:${KAM_HTTP_PORT:-8069} and log in as one of:
    admin / admin           (administrator, sales and scoring manager)
    manager / manager       (sales manager: approves classes, runs scoring)
    sales1 / sales1         (salesperson / key account manager)
    accountant / accountant (accountant: invoices behind the scores)
  Stop the server with Ctrl+C.

MSG
exec odoo -c "$ODOO_CONF" --addons-path="$ADDONS" -d "$DB" --db-filter="^${DB}\$" \
    --http-interface=127.0.0.1 --http-port="${KAM_HTTP_PORT:-8069}"
