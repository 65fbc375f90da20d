from datetime import date, timedelta

from odoo.tests import tagged

from ..tools.activity import regularity_band
from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestRegularity(ScoringCommon):
    """The regularity computed from the gaps between purchase days of the 12 months
    2024-07-01 .. 2025-06-30: CV = population standard deviation / mean of the gaps;
    5 up to 0.25, 4 up to 0.50, 3 up to 0.75, 2 up to 1.00, else 1; none below 4 purchase
    days. It stands in for the owner's regularity rating in the evaluative factor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        plans = {
            # Gaps 30, 30, 30: CV 0 -> 5; its credit note and cancelled invoice are no
            # purchase day (they would break the even rhythm).
            "Even Oy": [30, 30, 30],
            # Gaps 30, 30, 50, 50: mean 40, deviations -10, -10, 10, 10, SD 10: CV 0.25 -> 5.
            "Quarter Oy": [30, 30, 50, 50],
            # Gaps 20, 20, 60, 60: mean 40, SD 20: CV 0.50 -> 4.
            "Half Oy": [20, 20, 60, 60],
            # Gaps 20, 20, 61, 61: mean 40.5, SD 20.5: CV 0.5062 -> 3.
            "Above Oy": [20, 20, 61, 61],
            # Gaps 10, 80, 30: mean 40, squares 900 + 1600 + 100 = 2600, / 3 = 866.67,
            # SD 29.44: CV 0.7360 -> 3.
            "Uneven Oy": [10, 80, 30],
            # Gaps 5, 5, 100: mean 36.67, squares 1002.78 x 2 + 4011.11 = 6016.67, / 3 =
            # 2005.56, SD 44.78: CV 1.2214 -> 1.
            "Burst Oy": [5, 5, 100],
            # Gaps 30, 30: 3 purchase days, too few -> none.
            "Few Oy": [30, 30],
        }
        cls.customers = {}
        line = [(cls.product_a, 1, 100.0)]
        for name, gaps in plans.items():
            partner = Partner.create({"name": name, "is_company": True})
            cls.customers[name] = partner
            day = date(2024, 8, 1)
            days = [day]
            for gap in gaps:
                day += timedelta(days=gap)
                days.append(day)
            for day in days:
                cls._invoice(partner, day, [(cls.product_a, 1, 100.0)])
        even = cls.customers["Even Oy"]
        cls._invoice(even, "2024-08-15", line, move_type="out_refund")
        cls._invoice(even, "2024-08-20", line).button_cancel()
        # Window: 2024-06-01 is before it, so only 3 purchase days (08-01, 09-01, 10-01)
        # are in the 12 months and the gap 06-01 -> 08-01 does not count: none.
        cls.edge = Partner.create({"name": "Edge Oy", "is_company": True})
        for day in ("2024-06-01", "2024-08-01", "2024-09-01", "2024-10-01"):
            cls._invoice(cls.edge, day, line)

    def _score(self):
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        self.env.invalidate_all()

    def _row(self, name):
        return self.row(self.customers[name])

    def test_bands_from_hand_computed_cv(self):
        self._score()
        expected = {
            "Even Oy": (0.0, 5),
            "Quarter Oy": (0.25, 5),
            "Half Oy": (0.5, 4),
            "Above Oy": (0.5062, 3),
            "Uneven Oy": (0.7360, 3),
            "Burst Oy": (1.2214, 1),
            "Few Oy": (0.0, 0),
        }
        for name, (cv, rating) in expected.items():
            with self.subTest(customer=name):
                row = self._row(name)
                self.assertAlmostEqual(row.regularity_cv, cv, places=4)
                self.assertEqual(row.regularity_computed, rating)
                self.assertEqual(row.regularity_source, "computed" if rating else False)
        edge = self.row(self.edge)
        self.assertEqual((edge.regularity_computed, edge.purchase_day_count), (0, 4))
        # The Python twin, at and beside every bound.
        for cv, rating in ((0.25, 5), (0.2501, 4), (0.5, 4), (0.75, 3), (1.0, 2), (1.0001, 1)):
            self.assertEqual(regularity_band(cv, 4), rating)
        self.assertEqual(regularity_band(0.1, 3), 0)
        self.assertEqual(regularity_band(None, 10), 0)

    def test_computed_regularity_feeds_the_evaluative_factor(self):
        self._score()
        half = self._row("Half Oy")
        # Nobody rated it: the computed 4 alone, (4 - 1) / 4 x 10 = 7.50 points, and the
        # other weights are not scaled up.
        self.assertTrue(half.score_evaluative_rated)
        self.assertEqual(half.score_evaluative, 7.5)
        self.assertIn(
            "Regularity not rated by the owner: computed from the order history as 4 of 5 "
            "(the gaps between purchase days of the last 12 months vary by 50 %)",
            half.score_explanation.splitlines(),
        )
        # Without a computed regularity and unrated: left out.
        few = self._row("Few Oy")
        self.assertFalse(few.score_evaluative_rated)
        self.assertEqual(few.score_evaluative, 0.0)
        # Another rating beside the computed one: (5 + 4) / 2 = 4.5 -> 0.875 x 10 = 8.75.
        self.customers["Half Oy"].kam_reference_value = 5
        self._score()
        self.assertEqual(self._row("Half Oy").score_evaluative, 8.75)

    def test_rated_regularity_wins_over_computed(self):
        partner = self.customers["Quarter Oy"]
        partner.kam_regularity_value = 2
        self._score()
        row = self._row("Quarter Oy")
        # The computed 5 is kept on the row, the owner's 2 counts: (2 - 1) / 4 x 10 = 2.50.
        self.assertEqual(row.regularity_computed, 5)
        self.assertEqual(row.regularity_source, "rated")
        self.assertEqual(row.score_evaluative, 2.5)
        self.assertFalse(
            [line for line in row.score_explanation.splitlines() if "Regularity" in line]
        )
        # Back to unrated: the computed 5 counts again, (5 - 1) / 4 x 10 = 10.00.
        partner.kam_regularity_value = 0
        self._score()
        row = self._row("Quarter Oy")
        self.assertEqual((row.regularity_source, row.score_evaluative), ("computed", 10.0))
