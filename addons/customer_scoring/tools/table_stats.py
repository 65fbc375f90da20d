"""Planner statistics of a table that a run just filled."""

from odoo.tools import SQL


def analyze_if_stale(cr, table, rows):
    """ANALYZE ``table`` when its statistics count fewer than half of ``rows`` (rows this
    transaction has just written to it): on a new database the planner would take the
    freshly filled table for empty and join it with nested loops over every row (a first
    run's DELETE of the dropped profitability rows took minutes). Only then: ANALYZE locks
    the table against another ANALYZE until the commit."""
    cr.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cr.fetchone()
    if row and row[0] < rows / 2:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        return True
    return False
