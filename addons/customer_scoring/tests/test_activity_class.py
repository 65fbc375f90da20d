from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools.activity import activity_class, activity_windows
from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestActivityClass(ScoringCommon):
    """Activity classes as of 2025-06-30 with the default settings: active = at least 13
    purchase days in the 13 weeks 2025-04-01 .. 2025-06-30, occasional = at least 3 in the
    3 months 2025-03-31 .. 2025-06-30, passive = bought before but less, potential = never
    bought. And a customer back after a long pause is new again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        Partner = cls.env["res.partner"]
        names = (
            "Weekly Oy",
            "Almost Oy",
            "Monthly Oy",
            "Sparse Oy",
            "Refund Oy",
            "Returner Oy",
            "Steady Oy",
            "Newcomer Oy",
        )
        (
            cls.weekly,
            cls.almost,
            cls.monthly,
            cls.sparse,
            cls.refund_only,
            cls.returner,
            cls.steady,
            cls.newcomer,
        ) = Partner.create([{"name": name, "is_company": True} for name in names])
        line = [(cls.product_a, 1, 100.0)]

        def buy(partner, days, **kwargs):
            return [cls._invoice(partner, day, line, **kwargs) for day in days]

        first_week = date(2025, 4, 1)
        # Weekly: exactly 13 purchase days, 2025-04-01 .. 2025-06-24, one of them with two
        # invoices (still one day): active at the bound.
        buy(cls.weekly, [first_week + timedelta(weeks=k) for k in range(13)])
        buy(cls.weekly, [first_week])
        # Almost: 12 purchase days in the 13 weeks (13 invoices: two on 2025-04-01), one
        # more on 2025-03-31 (outside the 13 weeks, inside the 3 months), a cancelled
        # invoice and a draft on other days of the window: occasional.
        buy(cls.almost, [first_week + timedelta(weeks=k) for k in range(12)])
        buy(cls.almost, [first_week, date(2025, 3, 31)])
        buy(cls.almost, ["2025-06-26"])[0].button_cancel()
        buy(cls.almost, ["2025-06-27"], post=False)
        # Monthly: exactly 3 purchase days, on the first and the last day of the 3 months.
        buy(cls.monthly, ["2025-03-31", "2025-05-15", "2025-06-30"])
        # Sparse: 2 purchase days in the 3 months, one the day before them, and a day with
        # only a credit note in between: passive.
        buy(cls.sparse, ["2025-03-30", "2025-04-10", "2025-06-10"])
        buy(cls.sparse, ["2025-05-05"], move_type="out_refund")
        # Refund Oy: only a credit note: it never bought, a potential customer.
        buy(cls.refund_only, ["2025-05-05"], move_type="out_refund")
        # Returner: bought in 2023, back on 2025-05-01 after 761 days (> 365): new again.
        buy(cls.returner, ["2023-03-01", "2023-04-01", "2025-05-01"])
        # Steady: 2024-05-01 and exactly 365 days later: no return, an active customer.
        buy(cls.steady, ["2024-05-01", "2025-05-01"])
        # Newcomer: one purchase, on 2025-06-01: too new for a rhythm, occasional (not
        # passive: it did not buy less than before).
        buy(cls.newcomer, ["2025-06-01"])

    def _score(self, **kwargs):
        self.env["customer.score"].compute_scores(companies=self.company, **kwargs)
        self.env.invalidate_all()

    def _classes(self, *partners):
        return [self.row(partner).activity_class for partner in partners]

    def test_windows_by_hand(self):
        windows = activity_windows(self.company, AS_OF)
        self.assertEqual(windows["active_from"], date(2025, 4, 1))
        self.assertEqual(windows["occasional_from"], date(2025, 3, 31))
        self.assertEqual((windows["active_min"], windows["occasional_min"]), (13.0, 3.0))

    def test_classes_from_invoice_dates(self):
        with freeze_time(AS_OF):
            self._score()
        self.assertEqual(
            self._classes(
                self.weekly, self.almost, self.monthly, self.sparse, self.refund_only, self.gamma
            ),
            ["active", "occasional", "occasional", "passive", "potential", "potential"],
        )
        # From the common world: Alpha bought on 2025-05-20 only in the 3 months (its credit
        # note, draft and cancelled invoice do not count), Delta in 2023.
        self.assertEqual(self._classes(self.alpha, self.delta), ["passive", "passive"])
        # One purchase day in the 3 months: started within them (first purchase, or back
        # after a long pause on 2025-05-01) is occasional; Steady started in 2024, passive.
        self.assertEqual(
            self._classes(self.newcomer, self.returner, self.steady),
            ["occasional", "occasional", "passive"],
        )
        # The Python twin agrees.
        last, long_ago = date(2025, 6, 24), date(2024, 1, 1)
        self.assertEqual(activity_class(self.company, AS_OF, long_ago, last, 13, 13), "active")
        self.assertEqual(activity_class(self.company, AS_OF, long_ago, last, 12, 13), "occasional")
        self.assertEqual(activity_class(self.company, AS_OF, long_ago, last, 1, 2), "passive")
        self.assertEqual(
            activity_class(self.company, AS_OF, date(2025, 3, 31), last, 1, 1), "occasional"
        )
        self.assertEqual(activity_class(self.company, AS_OF, None, None, 0, 0), "potential")

    def test_a_day_later_the_bounds_move(self):
        """As of 2025-07-01 the 13 weeks start on 2025-04-02: Weekly's 2025-04-01 falls out
        (12 days, occasional); Monthly's 2025-03-31 falls out of the 3 months (passive)."""
        with freeze_time("2025-07-01"):
            self._score()
        self.assertEqual(self._classes(self.weekly, self.monthly), ["occasional", "passive"])

    def test_settings_move_the_classes(self):
        """4 weeks at 0.5 a week: 2 purchase days in 2025-06-03 .. 2025-06-30; 3 months at
        0.5 a month: 1.5, so 2 purchase days."""
        self.company.write(
            {
                "score_active_weeks": 4,
                "score_active_days_per_week": 0.5,
                "score_occasional_days_per_month": 0.5,
            }
        )
        self._score(date=AS_OF)
        # Weekly: 06-03, 06-10, 06-17, 06-24; Monthly: 06-30 only; Sparse: 04-10 and 06-10.
        self.assertEqual(
            self._classes(self.weekly, self.monthly, self.sparse),
            ["active", "occasional", "occasional"],
        )

    def test_partial_run_gives_the_same_class(self):
        self._score(date=AS_OF)
        full = self._classes(self.weekly, self.almost, self.sparse)
        self.env["customer.score"].search([("partner_id", "in", self.weekly.ids)]).unlink()
        self._score(date=AS_OF, partners=self.weekly | self.almost | self.sparse)
        self.assertEqual(self._classes(self.weekly, self.almost, self.sparse), full)

    def test_partner_shows_and_filters_by_class(self):
        self._score(date=AS_OF)
        self.assertEqual(self.weekly.customer_activity_class, "active")
        Partner = self.env["res.partner"].with_user(self.salesman)
        active = Partner.search([("customer_activity_class", "=", "active")])
        self.assertIn(self.weekly, active)
        self.assertNotIn(self.almost, active)
        passive = Partner.search([("customer_activity_class", "in", ["passive"])])
        self.assertIn(self.sparse, passive)
        # A contact of a customer has its company's class.
        self.assertIn(self.alpha_contact, passive)
        not_passive = Partner.search([("customer_activity_class", "!=", "passive")])
        self.assertNotIn(self.sparse, not_passive)
        self.assertIn(self.weekly, not_passive)

    def test_return_after_long_pause_is_new_again(self):
        with freeze_time(AS_OF):
            self._score()
        returner, steady = self.row(self.returner), self.row(self.steady)
        self.assertEqual(returner.first_invoice_date, date(2023, 3, 1))
        self.assertEqual(returner.last_start_date, date(2025, 5, 1))
        self.assertTrue(returner.is_returning)
        self.assertEqual(returner.lifecycle_stage, "new")
        # 365 days is not more than the 365 of the setting.
        self.assertEqual(steady.last_start_date, date(2024, 5, 1))
        self.assertFalse(steady.is_returning)
        self.assertEqual(steady.lifecycle_stage, "active")
        # New for as long as a first-time customer: 12 months from the return. As of
        # 2026-04-30 it has not bought for 364 days, not more than 3 x its median gap of
        # (31 + 761) / 2 = 396 days: not passive, still new; from 2026-05-01 active.
        with freeze_time("2026-04-30"):
            self._score()
        self.assertEqual(self.row(self.returner).lifecycle_stage, "new")
        with freeze_time("2026-05-01"):
            self._score()
        self.assertEqual(self.row(self.returner).lifecycle_stage, "active")
        # A longer pause setting: no return, the 2023 customer is active.
        self.company.score_return_pause_days = 761
        self._score(date=AS_OF)
        self.assertEqual(self.row(self.returner).lifecycle_stage, "active")
        self.assertEqual(self.row(self.returner).last_start_date, date(2023, 3, 1))
        # And 760 makes it a return again.
        self.company.score_return_pause_days = 760
        self._score(date=AS_OF)
        self.assertEqual(self.row(self.returner).lifecycle_stage, "new")

    def _settings(self, values):
        return self.env["customer.scoring.settings"].create(values)

    def test_bad_settings_refused_nothing_written(self):
        cases = [
            ({"score_active_weeks": 0}, "“Active: over the last (weeks)” (0)"),
            ({"score_occasional_months": -1}, "“Occasional: over the last (months)” (-1)"),
            ({"score_active_days_per_week": 0.0}, "must be above 0"),
            ({"score_occasional_days_per_month": -0.5}, "must be above 0"),
            ({"score_return_pause_days": 0}, "New again after a pause"),
            # 0.2 a week is 0.87 a month: slower than 1 a month.
            ({"score_active_days_per_week": 0.2}, "is a slower rhythm than"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                    self._settings(values)
                self.assertIn(message, str(caught.exception))
                self.env.invalidate_all(flush=False)
                self.assertEqual(
                    (
                        self.company.score_active_weeks,
                        self.company.score_active_days_per_week,
                        self.company.score_occasional_months,
                        self.company.score_occasional_days_per_month,
                        self.company.score_return_pause_days,
                    ),
                    (13, 1.0, 3, 1.0, 365),
                )
        # Written together: a faster occasional rhythm with a faster active one is fine.
        self._settings({"score_active_days_per_week": 2.0, "score_occasional_days_per_month": 6.0})
        self.assertEqual(self.company.score_occasional_days_per_month, 6.0)
