"""`make bench`: data generation, measurements and report of the scoring benchmark.

`common` opens Odoo, `generate` builds and validates the benchmark database, `measures`
holds the timed runs (one per process), `naive` the per-partner ORM comparison, `report`
runs every measurement and writes the table; `scripts/bench.py` is the command line.
"""
