#!/usr/bin/env bash
# `make score`: run the scheduled scoring by hand (all companies, as of today) on a database.
source "$(dirname "$0")/lib.sh"

DB="${1:-${KAM_DEMO_DB:-kam_demo}}"
require_odoo
require_postgres
db_exists "$DB" || die "Database $DB does not exist: run 'make demo' first."
log "Computing customer scores on $DB"
odoo_shell -d "$DB" --no-http --log-level=warn <<'PY'
import time
start = time.monotonic()
companies = env["res.company"].search([])
rows = env["customer.score"].with_context(allowed_company_ids=companies.ids).compute_scores(
    companies=companies
)
env.cr.commit()
print(f"scored {len(rows)} customer rows in {time.monotonic() - start:.1f} s")
PY
