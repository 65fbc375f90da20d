"""Planner statistics of a table that a run just wrote."""

from odoo.tools import SQL

# Rows written, as a share of the rows the statistics count, from which a run analyzes.
MOVED_SHARE = 0.1
MIN_ROWS = 1000


def analyze_if_moved(cr, table, rows):
    """ANALYZE ``table`` when this transaction has just written ``rows`` rows of it, at least
    MIN_ROWS and a tenth of the rows its statistics count: with the statistics of before,
    the planner may take a company's freshly written rows for none and join them with a
    nested loop over every row (a first run's DELETE of the dropped profitability rows
    took minutes). Small writes leave it to autovacuum: ANALYZE locks the table against
    another ANALYZE until the commit. Returns whether it analyzed."""
    cr.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cr.fetchone()
    if row and rows >= MIN_ROWS and rows >= MOVED_SHARE * row[0]:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        return True
    return False
