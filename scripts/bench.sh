#!/usr/bin/env bash
# `make bench`: benchmark databases (kept between runs; BENCH_REBUILD=1 regenerates them),
# then all measurements in one run, one table on stdout and in docs/benchmarks.md.
# A reused database gets its add-ons updated first (-u), so the code measured is the code
# of the working tree.
#   BENCH_DB (kam_bench, 100,000 customers), BENCH_SMALL_DB (kam_bench10k, 10,000 customers:
#   the peak-memory comparison), BENCH_CUSTOMERS, BENCH_SMALL_CUSTOMERS, BENCH_TODAY,
#   BENCH_LABEL (first note under the table: what was measured), BENCH_ONLY (comma-separated
#   row groups: full, floor, naive, incremental, days, memory, list, model, startpage,
#   queue; default all), BENCH_QUEUE_DB (kam_bench_queue: a copy of BENCH_DB with OCA's
#   queue_job and customer_scoring_queue, for the queue rows; BENCH_QUEUE_PAIRS),
#   BENCH_PAIRS (model: pairs of daily runs with and without the model, default 3),
#   BENCH_SIZES (the scale curve, not run by default: comma-separated customer counts, e.g.
#   10000,100000,300000; one database per size, kam_bench_<k>k unless it is one of the two
#   above; the daily run on each, time per customer).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_DB="${BENCH_DB:-kam_bench}"
BENCH_SMALL_DB="${BENCH_SMALL_DB:-kam_bench10k}"
BENCH_CUSTOMERS="${BENCH_CUSTOMERS:-100000}"
BENCH_SMALL_CUSTOMERS="${BENCH_SMALL_CUSTOMERS:-10000}"
BENCH_TODAY="${BENCH_TODAY:-2026-11-23}"
BENCH_REBUILD="${BENCH_REBUILD:-0}"
BENCH_LABEL="${BENCH_LABEL:-}"
BENCH_ONLY="${BENCH_ONLY:-}"
BENCH_QUEUE_DB="${BENCH_QUEUE_DB:-kam_bench_queue}"
BENCH_SIZES="${BENCH_SIZES:-}"

require_odoo
require_postgres

# A database is reused only when its generation completed (marker written last).
generated_complete() {
    db_exists "$1" || return 1
    local marker
    marker="$(psql -d "$1" -tAc "select value from ir_config_parameter where key = 'kam_demo.generated'" 2>/dev/null || true)"
    case "$marker" in
        *'"complete"'*) return 0 ;;
        *) return 1 ;;
    esac
}

GENERATION_NOTE=""
build() {
    local db="$1" customers="$2" started elapsed
    if [ "$BENCH_REBUILD" != "1" ] && generated_complete "$db"; then
        log "Reusing benchmark database $db (BENCH_REBUILD=1 regenerates it); updating $OUR_MODULES"
        odoo_run -d "$db" -u "$OUR_MODULES" --stop-after-init --log-level=warn
        return
    fi
    started=$(date +%s)
    log "Building benchmark database $db: $customers customers (bulk COPY, then validated)"
    create_db_with_modules "$db"
    # stops (non-zero exit) when the validity check finds unbalanced or inconsistent moves
    "$PYTHON" scripts/bench.py generate -d "$db" --customers "$customers" --today "$BENCH_TODAY"
    elapsed=$(( $(date +%s) - started ))
    log "$db generated in ${elapsed} s"
    GENERATION_NOTE="${GENERATION_NOTE}Generation of $db ($customers customers, module install included): ${elapsed} s. "
}

# The small database serves the full-run and memory rows only.
case ",${BENCH_ONLY:-full}," in
    *,full,* | *,memory,*) build "$BENCH_SMALL_DB" "$BENCH_SMALL_CUSTOMERS" ;;
esac
build "$BENCH_DB" "$BENCH_CUSTOMERS"

# The queue rows run on a copy with queue_job: the copy's runs and jobs are its own. Made again
# when the benchmark database was regenerated, else its add-ons are updated.
queue_copy() {
    if [ -n "$GENERATION_NOTE" ] || ! db_exists "$BENCH_QUEUE_DB"; then
        log "Copying $BENCH_DB to $BENCH_QUEUE_DB and installing $QUEUE_MODULES,$QUEUE_BRIDGE"
        dropdb --if-exists "$BENCH_QUEUE_DB"
        createdb -T "$BENCH_DB" "$BENCH_QUEUE_DB"
        odoo_run -d "$BENCH_QUEUE_DB" -i "$QUEUE_MODULES,$QUEUE_BRIDGE" --stop-after-init \
            --log-level=warn
    else
        log "Reusing $BENCH_QUEUE_DB; updating $OUR_MODULES,$QUEUE_BRIDGE"
        odoo_run -d "$BENCH_QUEUE_DB" -u "$OUR_MODULES,$QUEUE_BRIDGE" --stop-after-init \
            --log-level=warn
    fi
}
case ",${BENCH_ONLY:-queue}," in
    *,queue,*) queue_copy ;;
esac

# The scale curve's databases (BENCH_SIZES): the two above when their size is asked for.
SIZES_ARG=""
for size in ${BENCH_SIZES//,/ }; do
    case "$size" in
        "$BENCH_CUSTOMERS") db="$BENCH_DB" ;;
        "$BENCH_SMALL_CUSTOMERS") db="$BENCH_SMALL_DB"; build "$db" "$size" ;;
        *) db="kam_bench_$(( size / 1000 ))k"; build "$db" "$size" ;;
    esac
    SIZES_ARG="${SIZES_ARG:+$SIZES_ARG,}$db:$size"
done

"$PYTHON" scripts/bench.py run -d "$BENCH_DB" --small-db "$BENCH_SMALL_DB" \
    --queue-db "$BENCH_QUEUE_DB" --sizes "$SIZES_ARG" \
    --today "$BENCH_TODAY" --generation "$GENERATION_NOTE" --label "$BENCH_LABEL" \
    --only "$BENCH_ONLY"
