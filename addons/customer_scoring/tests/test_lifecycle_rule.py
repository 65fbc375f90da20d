from datetime import date

from odoo.tests import TransactionCase
from odoo.tools import SQL

from ..models.score_rules import lifecycle_stage, lifecycle_stage_sql

AS_OF = date(2025, 6, 30)


class TestLifecycleRule(TransactionCase):
    """The lifecycle stage has one rule, in Python and in SQL: both give the same stage at
    every boundary of the company's settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "score_new_months": 6,
                "score_lost_months": 18,
                "score_passive_min_days": 90,
                "score_passive_gap_factor": 3.0,
            }
        )

    def _sql_stage(self, first, last, gap):
        self.env.cr.execute(
            SQL(
                "SELECT %s",
                lifecycle_stage_sql(
                    self.company,
                    AS_OF,
                    SQL("%s::date", first),
                    SQL("%s::date", last),
                    SQL("%s::float", gap),
                ),
            )
        )
        return self.env.cr.fetchone()[0]

    def test_python_and_sql_agree_at_the_boundaries(self):
        cases = [
            # (first invoice, last invoice, median gap in days, expected stage)
            (None, None, None, "prospect"),
            (date(2022, 1, 1), date(2023, 12, 29), 30, "lost"),  # before 18 months back
            (date(2022, 1, 1), date(2023, 12, 30), 30, "passive"),  # exactly 18 months back
            (date(2022, 1, 1), date(2025, 4, 1), 20, "passive"),  # 90 days, > 3 x 20
            (date(2022, 1, 1), date(2025, 4, 2), 20, "active"),  # 89 days: not yet
            (date(2022, 1, 1), date(2025, 4, 1), 30, "active"),  # 90 days, not > 3 x 30
            (date(2022, 1, 1), date(2025, 4, 1), None, "passive"),  # one invoice day only
            (date(2025, 1, 1), date(2025, 6, 1), 10, "new"),  # first after 6 months back
            (date(2024, 12, 30), date(2025, 6, 1), 10, "active"),  # exactly 6 months back
        ]
        for first, last, gap, expected in cases:
            with self.subTest(first=first, last=last, gap=gap):
                python = lifecycle_stage(self.company, AS_OF, first, last, gap)
                self.assertEqual(python, expected)
                self.assertEqual(self._sql_stage(first, last, gap), expected)
