from odoo.tests import TransactionCase

from ..tools.table_stats import analyze_if_stale


class TestTableStats(TransactionCase):
    def _reltuples(self, table):
        self.env.cr.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
        return self.env.cr.fetchone()[0]

    def test_analyze_only_a_stale_table(self):
        cr = self.env.cr
        cr.execute("CREATE TABLE kam_stats_probe (id integer PRIMARY KEY)")
        cr.execute("INSERT INTO kam_stats_probe SELECT generate_series(1, 400)")
        # Never analyzed: the planner's count is unknown (-1), below half the rows written.
        self.assertLess(self._reltuples("kam_stats_probe"), 200)
        self.assertTrue(analyze_if_stale(cr, "kam_stats_probe", 400))
        self.assertEqual(self._reltuples("kam_stats_probe"), 400)
        # Fresh enough: not analyzed again (no lock taken).
        cr.execute("INSERT INTO kam_stats_probe SELECT generate_series(401, 600)")
        self.assertFalse(analyze_if_stale(cr, "kam_stats_probe", 600))
        self.assertEqual(self._reltuples("kam_stats_probe"), 400)
        self.assertTrue(analyze_if_stale(cr, "kam_stats_probe", 900))
        self.assertEqual(self._reltuples("kam_stats_probe"), 600)
        # No such table: nothing done.
        self.assertFalse(analyze_if_stale(cr, "kam_stats_missing", 10))
