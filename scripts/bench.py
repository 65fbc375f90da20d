#!/usr/bin/env python3
"""Benchmark of customer scoring at 100,000 customers (`make bench`).

Subcommands (run from the repository root; `scripts/bench.sh` drives them):

    bench.py generate -d kam_bench --customers 100000   # bulk data (COPY), then validated
    bench.py validate -d kam_bench                      # the validity check alone
    bench.py run -d kam_bench --small-db kam_bench10k    # all measurements, one table
    bench.py run -d kam_bench --small-db kam_bench10k --only model   # some row groups
    bench.py measure <name> -d kam_bench                # one measurement (a subprocess)

Each measurement runs in its own Python process so that its peak memory (RSS high-water
mark) is its own. Times are printed, never asserted: the table shows each figure, its target
and the ratio to the target. The parts live in `scripts/benchmark/`.
"""

import argparse
import os
import sys
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchmark.common import (  # noqa: E402
    DEFAULT_TODAY,
    INCREMENTAL_MOVES,
    NAIVE_PARTNERS,
    ROOT,
)
from benchmark.measures import MEASURES  # noqa: E402 (no Odoo import until a measure runs)
from benchmark.report import GROUPS  # noqa: E402


def _parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="bulk data (COPY), then validated")
    gen.add_argument("-d", "--db", required=True)
    gen.add_argument("--customers", type=int, default=100_000)
    gen.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    val = sub.add_parser("validate", help="the validity check alone")
    val.add_argument("-d", "--db", required=True)
    mea = sub.add_parser("measure", help="one measurement, its result as JSON")
    mea.add_argument("name", choices=sorted(MEASURES))
    mea.add_argument("-d", "--db", required=True)
    mea.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    mea.add_argument("--partners", type=int, default=NAIVE_PARTNERS)
    mea.add_argument("--moves", type=int, default=INCREMENTAL_MOVES)
    mea.add_argument("--repeat", type=int, default=15)
    mea.add_argument(
        "--pairs",
        type=int,
        default=int(os.environ.get("BENCH_PAIRS", "3")),
        help="model: pairs of daily runs, with and without the model (BENCH_PAIRS)",
    )
    run = sub.add_parser("run", help="all measurements, one table")
    run.add_argument("-d", "--db", required=True)
    run.add_argument("--small-db", required=True)
    run.add_argument("--queue-db", default="kam_bench_queue", help="queue: the copy with queue_job")
    run.add_argument(
        "--sizes", default="", help="scale curve: db:customers,... (BENCH_SIZES, bench.sh)"
    )
    run.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    run.add_argument("--output", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    run.add_argument("--generation", default="", help="generation time note for the report")
    run.add_argument("--label", default="", help="first note of the report (what was measured)")
    run.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help="comma-separated row groups (default all: %s)" % ",".join(GROUPS),
    )
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "generate":
        from benchmark.generate import generate

        return generate(args.db, args.customers, args.today)
    if args.command == "validate":
        from benchmark.generate import validate_db

        return validate_db(args.db)
    if args.command == "measure":
        from benchmark.measures import measure

        return measure(args.name, args)
    from benchmark.report import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
