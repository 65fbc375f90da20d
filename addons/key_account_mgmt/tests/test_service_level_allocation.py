from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KamCase


@tagged("post_install", "-at_install")
class TestServiceLevelAllocation(KamCase):
    """The time each class gets: field-sales and telesales shares (0-100 %, at most
    100 % per company and kind) and field visits per customer and year."""

    def _level(self, letter, company=None):
        return self.env["kam.service.level"].search(
            [("company_id", "=", (company or self.company).id), ("abc_class", "=", letter)]
        )

    def assertRefused(self, text, record, vals):
        """``vals`` refused with a message containing ``text``, and nothing written
        (Odoo's assertRaises rolls back to a savepoint; assertRaisesRegex would not)."""
        with self.assertRaises(ValidationError) as caught:
            record.write(vals)
        self.assertIn(text, str(caught.exception))
        return str(caught.exception)

    def _shares(self, company=None):
        return {
            letter: (
                self._level(letter, company).field_sales_share,
                self._level(letter, company).telesales_share,
                self._level(letter, company).visits_per_year,
            )
            for letter in "ABC"
        }

    def test_defaults_in_every_company(self):
        expected = {"A": (50.0, 50.0, 12.0), "B": (40.0, 20.0, 4.0), "C": (10.0, 30.0, 1.0)}
        self.assertEqual(self._shares(), expected)
        # company2 is created by the test: its rows come from the company's create hook.
        self.assertEqual(self._shares(self.company2), expected)

    def test_rows_without_numbers_get_the_defaults_once(self):
        level_a, level_b = self._level("A"), self._level("B")
        level_b.write({"field_sales_share": 30.0})
        self.env.flush_all()
        # As the rows were before the columns existed: all three empty.
        self.env.cr.execute(
            """UPDATE kam_service_level
                  SET field_sales_share = NULL, telesales_share = NULL, visits_per_year = NULL
                WHERE id = %s""",
            [level_a.id],
        )
        self.env.invalidate_all()
        self.assertEqual(level_a.field_sales_share, 0.0)
        self.env["kam.service.level"]._kam_fill_allocation_defaults(self.company)
        self.assertEqual(
            (level_a.field_sales_share, level_a.telesales_share, level_a.visits_per_year),
            (50.0, 50.0, 12.0),
        )
        # A row with a number entered is left alone.
        self.assertEqual(level_b.field_sales_share, 30.0)

    def test_new_row_starts_at_zero(self):
        self._level("C").unlink()
        level = self.env["kam.service.level"].create(
            {"company_id": self.company.id, "abc_class": "C"}
        )
        self.env["kam.service.level"]._kam_fill_allocation_defaults(self.company)
        self.assertEqual(
            (level.field_sales_share, level.telesales_share, level.visits_per_year),
            (0.0, 0.0, 0.0),
        )

    def test_share_out_of_range_refused(self):
        level = self._level("A").with_user(self.manager)
        for fname, value in (("field_sales_share", 120.0), ("telesales_share", -5.0)):
            with self.subTest(fname=fname, value=value):
                self.assertRefused("between 0 and 100", level, {fname: value})
        level.invalidate_recordset()
        self.assertEqual((level.field_sales_share, level.telesales_share), (50.0, 50.0))

    def test_negative_visits_refused(self):
        level = self._level("C").with_user(self.manager)
        self.assertRefused("cannot be negative", level, {"visits_per_year": -1.0})
        level.invalidate_recordset()
        self.assertEqual(level.visits_per_year, 1.0)

    def test_sum_over_100_refused_and_named(self):
        level_a = self._level("A").with_user(self.manager)
        message = self.assertRefused("110", level_a, {"field_sales_share": 60.0})
        self.assertIn("A 60 %, B 40 %, C 10 %", message)
        self.assertIn(self.company.name, message)
        level_a.invalidate_recordset()
        self.assertEqual(level_a.field_sales_share, 50.0)
        self.assertRefused(
            "Telesales", self._level("C").with_user(self.manager), {"telesales_share": 31.0}
        )

    def test_lower_first_then_raise_per_company(self):
        self._level("B").with_user(self.manager).write({"field_sales_share": 30.0})
        self._level("A").with_user(self.manager).write({"field_sales_share": 60.0})
        self.assertEqual(self._level("A").field_sales_share, 60.0)
        # The other company's classes are summed apart: theirs still add up to 100.
        self.assertEqual(self._level("A", self.company2).field_sales_share, 50.0)
        with self.assertRaises(ValidationError):
            self._level("A", self.company2).with_user(self.manager).write(
                {"field_sales_share": 60.0}
            )

    def test_summary_shows_the_time(self):
        self.assertIn(
            "field sales 40 %, telesales 20 %, 4 field visits a year", self._level("B").summary
        )
