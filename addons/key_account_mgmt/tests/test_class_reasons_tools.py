"""The texts of the class rules, built from plain values: no database, no registry."""

import re
import unittest

from odoo.addons.key_account_mgmt.tools.class_reasons import (
    class_explanation,
    class_reason_text,
    group_digits,
    money_formatter,
    number_formatter,
    outdated_reason_note,
    overserved_hours_text,
    overserved_meetings_text,
    reason_context,
    review_reason,
    rule_texts,
    short_number,
    shortest_digits,
)

NBSP = "\N{NO-BREAK SPACE}"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|[^%]+")
THRESHOLDS = {"A": (20_000_000, 50, 200_000), "B": (10_000_000, 20, 100_000)}


def english(source, **kwargs):
    """The source language: named arguments filled in as ``env._`` does."""
    return source % kwargs if kwargs else source


def shouting(source, **kwargs):
    """A stand-in translation (upper case, placeholders kept): shows which sentences pass
    through the translate function."""
    translated = PLACEHOLDER.sub(
        lambda match: match.group(0) if match.group(0).startswith("%") else match.group(0).upper(),
        source,
    )
    return english(translated, **kwargs)


class TestNumberFormats(unittest.TestCase):
    def test_group_digits_by_language_grouping(self):
        self.assertEqual(group_digits("1234567", [3, 0], ","), "1,234,567")
        self.assertEqual(group_digits("1234567", [3, 2, 0], ","), "12,34,567")
        self.assertEqual(group_digits("1234567", [3, -1], ","), "1234,567")
        self.assertEqual(group_digits("123", [3, 0], ","), "123")
        self.assertEqual(group_digits("1234567", [], ","), "1234567")

    def test_number_formatter_finnish_and_english(self):
        finnish = number_formatter(NBSP, ",", [3, 0])
        self.assertEqual(finnish(1234567.891, 2), f"1{NBSP}234{NBSP}567,89")
        self.assertEqual(finnish(-1500, 0), f"-1{NBSP}500")
        english_fmt = number_formatter(",", ".", [3, 0])
        self.assertEqual(english_fmt(20.5, 1), "20.5")

    def test_shortest_digits(self):
        self.assertEqual(shortest_digits(2), 0)
        self.assertEqual(shortest_digits(2.0), 0)
        self.assertEqual(shortest_digits(20.5), 1)
        self.assertEqual(shortest_digits(0.25), 2)
        self.assertEqual(short_number(number_formatter(",", "."), 1.5), "1.5")

    def test_money_formatter_symbol_position(self):
        euro = money_formatter("€", "after", 2, NBSP, ",")
        self.assertEqual(euro(1234.5), f"1{NBSP}234,50{NBSP}€")
        dollar = money_formatter("$", "before", 2, ",", ".")
        self.assertEqual(dollar(1234.5), f"${NBSP}1,234.50")
        yen = money_formatter("¥", "before", 0, ",", ".")
        self.assertEqual(yen(1234.4), f"¥{NBSP}1,234")


class TestCriteriaRuleReasons(unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.money = money_formatter("€", "after", 0, ",", ".")
        self.rule = reason_context(
            rule_texts(english), self.money, "Nordic Oy", "EUR", 2, THRESHOLDS
        )

    def test_class_a_with_every_criterion(self):
        values = {"turnover": 25_000_000, "installers": 60, "purchases": 150_000}
        text = class_reason_text(self.rule, values, "A")
        lines = text.split("\n")
        self.assertEqual(
            lines[0],
            "Computed class A: the highest class with 2 of the 3 criteria (thresholds of "
            "Nordic Oy, amounts in EUR).",
        )
        self.assertEqual(
            lines[1],
            f"Class A: turnover 25,000,000{NBSP}€ > 20,000,000{NBSP}€: held; installers 60 > "
            f"50: held; yearly purchases 150,000{NBSP}€ not above 200,000{NBSP}€: not held. "
            "2 of 3 hold, 2 needed.",
        )
        self.assertTrue(lines[2].startswith("Class B: "))
        self.assertIn("3 of 3 hold", lines[2])

    def test_missing_value_never_holds_and_is_named(self):
        values = {"turnover": None, "installers": None, "purchases": 120_000}
        text = class_reason_text(self.rule, values, "C")
        self.assertTrue(text.startswith("Computed class C: neither A nor B has 2 of the 3"))
        self.assertIn(f"turnover missing (needs above 10,000,000{NBSP}€): not held", text)
        self.assertIn("installers missing (needs above 20): not held", text)
        self.assertIn("1 of 3 hold, 2 needed", text)

    def test_value_at_the_threshold_does_not_hold(self):
        values = {"turnover": 20_000_000, "installers": 50, "purchases": 200_000}
        text = class_reason_text(self.rule, values, "B")
        self.assertIn("Class A: ", text)
        self.assertIn("0 of 3 hold", text.split("\n")[1])

    def test_every_sentence_goes_through_the_translate_function(self):
        rule = reason_context(rule_texts(shouting), self.money, "Nordic Oy", "EUR", 3, THRESHOLDS)
        values = {"turnover": None, "installers": 30, "purchases": None}
        text = class_reason_text(rule, values, "C")
        self.assertTrue(text.startswith("COMPUTED CLASS C"), text)
        self.assertIn("INSTALLERS 30 NOT ABOVE 50: NOT HELD", text)
        self.assertIn("3 NEEDED", text)

    def test_explanation_manual_computed_and_none(self):
        self.assertEqual(
            class_explanation(english, False, False, False, None),
            "Not classified yet in this company.",
        )
        self.assertEqual(
            class_explanation(english, "B", "B", False, "the rule"),
            "Class B = the computed class.\nthe rule",
        )
        manual = class_explanation(english, "A", False, "A", None)
        self.assertIn("manual class", manual)
        self.assertIn("computed class -.", manual)
        self.assertIn("class B; the computed class C", outdated_reason_note(english, "B", "C"))


class TestReviewAndOverservedTexts(unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.money = money_formatter("€", "after", 0, ",", ".")
        self.number = number_formatter(",", ".", [3, 0])

    def test_review_reason(self):
        text = review_reason(
            english,
            self.money,
            self.number,
            "Nordic Oy",
            (1, 5_000_000, 1200, 0.0),
            (20_000_000, 50, 200_000),
            2,
        )
        self.assertEqual(
            text,
            f"Nordic Oy: 1 of 3 criteria met, 2 needed (turnover 5,000,000{NBSP}€ above "
            f"20,000,000{NBSP}€, installers 1,200 above 50, yearly purchases 0{NBSP}€ above "
            f"200,000{NBSP}€).",
        )
        no_installers = review_reason(
            english, self.money, self.number, "X", (0, 0, None, 0), (1, 2, 3), 3
        )
        self.assertIn("installers 0 above 2", no_installers)

    def test_overserved_texts_show_the_decimals_they_need(self):
        self.assertEqual(
            overserved_meetings_text(english, self.number, 7, 4.0, 1.5, "B"),
            "7 meetings in 12 months, more than 4 (1.5 x the meeting targets of class B).",
        )
        self.assertEqual(
            overserved_hours_text(english, self.number, 20.25, 12, "C"),
            "20.25 resource hours per month in the active account plan, more than 12 for class C.",
        )
