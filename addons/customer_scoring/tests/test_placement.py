"""Partial runs placed in the last full run's order (customer_score_placement.py): the
same figures as the window functions over every row, and as a full run."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.customer_score_figures import FINAL_COLUMNS
from .common import AS_OF, ScoringCommon

PLACED = [name for name in FINAL_COLUMNS if name not in ("forecast_purchases",)]
# The figures of the order: what a full run gives. (The customer-base model's figures of a
# partial run come from the last full run's fit and may differ: not compared here.)
RANKED = (
    "share_of_company_revenue",
    "is_concentration_risk",
    "abc_value_class",
    "retention_rate",
    "score_revenue",
    "score_growth",
    "score_margin",
    "score_frequency",
    "score_recency",
    "score_payment",
    "score",
)


@tagged("post_install", "-at_install")
class TestPlacement(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        Partner = cls.env["res.partner"]
        # Twins: the same revenue, margin % and invoices (ties in every order).
        cls.twins = Partner.create([{"name": f"Twin {i} Oy", "is_company": True} for i in range(3)])
        for twin in cls.twins:
            cls._invoice(twin, "2025-04-01", [(cls.product_a, 3, 100.0)])
        cls.others = Partner.create(
            [{"name": f"Other {i} Oy", "is_company": True} for i in range(6)]
        )
        for index, other in enumerate(cls.others):
            cls._invoice(other, "2025-01-05", [(cls.product_b, 1 + index, 80.0 + index)])
        cls.Score = cls.env["customer.score"]

    def _final_rows(self):
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, %s FROM customer_score_final ORDER BY partner_id",
                SQL(", ").join(SQL.identifier(name) for name in PLACED),
            )
        )
        return self.env.cr.fetchall()

    def _rows(self, partners):
        self.env.invalidate_all()
        rows = self.Score.search(
            [("company_id", "=", self.company.id), ("partner_id", "in", partners.ids)],
            order="partner_id",
        )
        return [tuple(row[name] for name in ["partner_id", *PLACED]) for row in rows]

    def test_placed_as_the_windows_and_a_full_run(self):
        self.Score.compute_scores(companies=self.company, date=AS_OF)
        self.assertGreater(self.company.sudo().score_rank_snapshot_count, 5)
        # Moved since the full run: one of the twins by an earlier partial run, then the
        # customers placed now (more revenue, a credit note, a first invoice, a twin).
        self._invoice(self.twins[2], "2025-05-02", [(self.product_b, 1, 80.0)])
        self.Score.compute_scores(companies=self.company, partners=self.twins[2], date=AS_OF)
        self._invoice(self.beta, "2025-06-01", [(self.product_a, 20, 100.0)])
        self._invoice(
            self.alpha, "2025-06-02", [(self.product_a, 1, 100.0)], move_type="out_refund"
        )
        self._invoice(self.gamma, "2025-06-03", [(self.product_a, 3, 100.0)])
        placed = self.alpha | self.beta | self.gamma | self.twins[0] | self.others[3]
        score_class = type(self.Score)
        original = score_class._prepare_final_table
        seen = []

        def compare(model, company, rows, partner_ids=None):
            figures = original(model, company, rows, partner_ids)
            if partner_ids is None:
                return figures
            self.env.cr.execute("SELECT COUNT(*) FROM customer_score_placed")
            seen.append(self.env.cr.fetchone()[0])
            by_placement = self._final_rows()
            with patch.object(score_class, "_placed_rows_sql", lambda *a: None):
                original(model, company, rows, partner_ids)
            self.assertEqual(by_placement, self._final_rows())
            return original(model, company, rows, partner_ids)

        with patch.object(score_class, "_prepare_final_table", compare):
            self.Score.compute_scores(companies=self.company, partners=placed, date=AS_OF)
        self.assertEqual(seen, [len(placed)], "every customer placed from the snapshot")
        after_partial = self._rows(placed)
        self.Score.compute_scores(companies=self.company, date=AS_OF)
        for before, after in zip(after_partial, self._rows(placed), strict=True):
            for name, one, two in zip(["partner", *PLACED], before, after, strict=True):
                if name in RANKED:
                    self.assertEqual(one, two, f"{before[0].name}: {name}")
        # Gamma, a first buyer, ranks among the twins it ties with (by id).
        self.assertEqual(
            self.row(self.gamma).abc_value_class, self.row(self.twins[1]).abc_value_class
        )

    def test_deleted_row_falls_back_to_the_windows(self):
        """A row deleted since the full run (here by hand; a merge does it) leaves a gap
        in the snapshot: the partial run ranks with the window functions."""
        self.Score.compute_scores(companies=self.company, date=AS_OF)
        self.row(self.others[0]).sudo().unlink()
        self._invoice(self.beta, "2025-06-01", [(self.product_a, 20, 100.0)])
        self.env.flush_all()
        self.assertFalse(self.Score._snapshot_valid(self.company))
        with patch.object(
            type(self.Score), "_prepare_placed_table", side_effect=AssertionError("placed")
        ):
            self.Score.compute_scores(companies=self.company, partners=self.beta, date=AS_OF)
        self.assertEqual(self.row(self.beta).revenue_12m, 2100.0)
