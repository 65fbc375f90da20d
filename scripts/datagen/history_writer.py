"""The demo's older order history in bulk: posted invoices, credit notes and payments.

A wholesaler's demo needs thousands of invoices (regular customers buy every month); through
the ORM flows they take about 0.2 s each on a small machine (order, invoice, posting and
payment), so `make demo` would take about half an hour. The orders invoiced before a
cut-off date (by default all but the last month) are therefore written the way the
benchmark writes them (`sql_writer`: valid, balanced accounting entries with Odoo's own
accounts, taxes, numbering and reconciliations, without sale orders and with the payments
as bank entries), and the recent ones through the real flows by `OrmWriter` (sale order,
confirmation, invoice, posting, credit note, payment).

The customers, contacts, users and products are the ORM writer's own records; nothing is
dropped or rebuilt (indexes and foreign keys stay: the demo is small).
"""

import time

from .copy_rows import Copier
from .sql_writer import SqlWriter, rebuild_revenue_days


class HistoryWriter(SqlWriter):
    """Write the orders of `orm_writer` invoiced before `before` with COPY."""

    def __init__(self, orm_writer, before):
        super().__init__(orm_writer.env, orm_writer.plan, log=orm_writer.log)
        self.orm = orm_writer  # reuse its companies, products, users, teams and customers
        self.before = before

    def is_history(self, order):
        return order.invoice_date < self.before

    def _events(self, order):
        if self.is_history(order):
            yield from super()._events(order)

    def _write_order(self, copier, customer, order, assigned):
        if self.is_history(order):
            super()._write_order(copier, customer, order, assigned)

    def write(self):
        """Write the history; return the number of orders written."""
        t0 = time.monotonic()
        self.env.flush_all()
        self._load_references()
        self.partner_ids = {key: partner.id for key, partner in self.orm.partners.items()}
        self._allocate_ids()
        numbers = self._number_moves()
        copier = Copier(self.cr, self.log, self.stamp)
        self._write_moves(copier, numbers)
        copier.close()
        self._fix_sequences()
        # Fresh statistics for the tables just filled: without them the planner takes the
        # few-rows plans of an empty database, and Odoo's payment-state query on the recent
        # invoices ran for minutes (ANALYZE also counts the rows of an open transaction).
        self.cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile, "
            "account_full_reconcile"
        )
        self.env.invalidate_all()
        rebuild_revenue_days(self.env, self.log)
        counts = copier.counts
        self.log(
            "  history: "
            + ", ".join(f"{table} {count:,}" for table, count in counts.items() if count)
            + f" ({time.monotonic() - t0:.1f} s)"
        )
        return self.stats.get("invoices", 0)
