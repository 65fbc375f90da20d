#!/usr/bin/env bash
# `make revenue-days`: check the scoring's revenue days (customer.revenue.day) against the
# journal items, rebuild them from the journal items and check again, on a database. For
# lines written outside the ORM (an SQL import): the ORM keeps the days up to date itself.
source "$(dirname "$0")/lib.sh"

DB="${1:-${KAM_DEMO_DB:-kam_demo}}"
require_odoo
require_postgres
db_exists "$DB" || die "Database $DB does not exist: run 'make demo' first."
log "Checking and rebuilding the revenue days of $DB"
odoo_shell -d "$DB" --no-http --log-level=warn <<'PY'
import sys
import time

Day = env["customer.revenue.day"]
start = time.monotonic()
before, examples = Day._check()
print(f"before: {before} days differed from the journal items ({time.monotonic() - start:.1f} s)")
for partner, company, day, stored, lines in examples[:5]:
    print(f"  partner {partner}, company {company}, {day}: stored {stored}, lines {lines}")
start = time.monotonic()
written = Day._rebuild()
print(f"rebuilt: {written} days from the journal items ({time.monotonic() - start:.1f} s)")
after, examples = Day._check()
env.cr.commit()
print(f"after: {after} days differ")
if after:
    sys.exit(1)
PY
