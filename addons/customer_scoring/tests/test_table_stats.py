from odoo.tests import TransactionCase

from ..tools.table_stats import analyze_if_moved


class TestTableStats(TransactionCase):
    def _reltuples(self, table):
        self.env.cr.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
        return self.env.cr.fetchone()[0]

    def test_analyze_after_a_large_write_only(self):
        cr = self.env.cr
        cr.execute("CREATE TABLE kam_stats_probe (id integer PRIMARY KEY)")
        cr.execute("INSERT INTO kam_stats_probe SELECT generate_series(1, 20000)")
        # A first fill: analyzed, the statistics count its rows.
        self.assertTrue(analyze_if_moved(cr, "kam_stats_probe", 20000))
        self.assertEqual(self._reltuples("kam_stats_probe"), 20000)
        # Fewer rows than MIN_ROWS, or than a tenth of the table: left to autovacuum.
        cr.execute("INSERT INTO kam_stats_probe SELECT generate_series(20001, 20999)")
        self.assertFalse(analyze_if_moved(cr, "kam_stats_probe", 999))
        cr.execute("INSERT INTO kam_stats_probe SELECT generate_series(21000, 22500)")
        self.assertFalse(analyze_if_moved(cr, "kam_stats_probe", 1501))
        self.assertEqual(self._reltuples("kam_stats_probe"), 20000)
        # A tenth of the table or more: analyzed again.
        self.assertTrue(analyze_if_moved(cr, "kam_stats_probe", 2500))
        self.assertEqual(self._reltuples("kam_stats_probe"), 22500)
        # No such table: nothing done.
        self.assertFalse(analyze_if_moved(cr, "kam_stats_missing", 5000))
