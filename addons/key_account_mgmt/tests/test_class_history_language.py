from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SALESPERSON_GROUPS, KamCase

# Finnish groups thousands with a space (the ORM may give a no-break one).
SPACE = "(?: |\N{NO-BREAK SPACE}|\N{NARROW NO-BREAK SPACE})"


@tagged("post_install", "-at_install")
class TestClassHistoryLanguage(KamCase):
    """The rule's reason of a class change is stored as its figures and thresholds and
    read in each reader's language; typed reasons and old rows stay as written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        modules = ["key_account_mgmt"]
        if "customer.score" in cls.env:
            modules.append("customer_scoring")
        cls.env["ir.module.module"]._load_module_terms(modules, ["fi_FI"], overwrite=True)
        cls.company.partner_id.lang = "en_US"
        if "score_abc_source" in cls.company._fields:
            cls.company.score_abc_source = "criteria"
        cls.sales_fi = new_test_user(
            cls.env,
            login="kam_sales_fi",
            name="Sanna Suomi",
            groups=SALESPERSON_GROUPS,
            lang="fi_FI",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _history(self, partner):
        History = self.env["kam.abc.class.history"]
        return History.search([("partner_id", "=", partner.id)], order="id")

    def _classified(self, name="Kieli Oy", turnover=25_000_000, installers=60, purchases=150_000):
        # Created without the recompute of a create: the purchases come first.
        partner = (
            self.env["res.partner"]
            .with_context(kam_skip_class_recompute=True)
            .create(
                {
                    "name": name,
                    "is_company": True,
                    "customer_turnover": turnover,
                    "installer_count": installers,
                    "kam_turnover_currency_id": self.company.currency_id.id,
                }
            )
        )
        self._set_purchases(partner, purchases)
        self._recompute(partner.with_context(kam_skip_class_recompute=False))
        return partner.with_context(kam_skip_class_recompute=False)

    def test_recompute_stores_the_reason_data(self):
        partner = self._classified()
        row = self._history(partner)[-1]
        self.assertEqual((row.source, row.new_class), ("computed", "A"))
        data = row.reason_data
        self.assertEqual(data["rule"], "criteria")
        self.assertEqual(data["chosen"], "A")
        self.assertEqual(data["needed"], 2)
        self.assertEqual(
            data["values"], {"turnover": 25_000_000, "installers": 60, "purchases": 150_000}
        )
        self.assertEqual(data["thresholds"]["A"], [20_000_000, 50, 200_000])
        self.assertEqual(data["thresholds"]["B"], [10_000_000, 20, 100_000])
        self.assertEqual(data["currency_id"], self.company.currency_id.id)
        # The stored text (company language) is what the data renders in English.
        self.assertEqual(row.with_context(lang="en_US").reason_text, row.reason)

    def test_class_change_of_a_classified_partner_stores_data(self):
        """A partner that already has a class: the change is written with its data,
        the thresholds of the time (not those of today)."""
        partner = self._classified(turnover=15_000_000, installers=30, purchases=50_000)
        self.assertEqual(self._class_in(partner), "B")
        self.company.kam_b_min_installers = 40
        self._recompute(partner)
        row = self._history(partner)[-1]
        self.assertEqual((row.old_class, row.new_class), ("B", "C"))
        self.assertEqual(row.reason_data["thresholds"]["B"], [10_000_000, 40, 100_000])
        self.company.kam_b_min_installers = 10
        row.invalidate_recordset()
        text = row.with_context(lang="en_US").reason_text
        self.assertIn("installers 30 not above 40: not held", text)
        self.assertTrue(text.startswith("Computed class C"), text)

    def test_english_and_finnish_readers(self):
        partner = self._classified()
        row = self._history(partner)[-1]
        english = row.with_context(lang="en_US").reason_text
        self.assertTrue(english.startswith("Computed class A"), english)
        self.assertIn("installers 60 > 50: held", english)
        self.assertIn("25,000,000.00", english)
        finnish = row.with_user(self.sales_fi).with_context(lang="fi_FI").reason_text
        self.assertTrue(finnish.startswith("Laskettu luokka A"), finnish)
        self.assertRegex(finnish, f"25{SPACE}000{SPACE}000,00")
        self.assertNotIn("25,000,000.00", finnish)
        self.assertNotIn("Computed class", finnish)
        # The stored text stays in the company's language.
        self.assertTrue(row.reason.startswith("Computed class A"), row.reason)
        # Through the partner's tab, read by the Finnish salesperson.
        tab = partner.with_user(self.sales_fi).with_context(lang="fi_FI")
        self.assertEqual(tab.abc_class_history_ids[-1:].reason_text, finnish)

    def test_batch_of_rows_in_two_languages(self):
        partners = self._customer("Eka Oy", 25_000_000, 60) | self._customer(
            "Toka Oy", 15_000_000, 30
        )
        self._recompute(partners)
        rows = self.env["kam.abc.class.history"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(rows), 2)
        finnish = rows.with_context(lang="fi_FI").mapped("reason_text")
        self.assertTrue(all(text.startswith("Laskettu luokka") for text in finnish), finnish)
        english = rows.with_context(lang="en_US").mapped("reason_text")
        self.assertTrue(all(text.startswith("Computed class") for text in english), english)

    def test_old_row_without_data_shows_its_text(self):
        partner = self._customer("Vanha Oy")
        row = self.env["kam.abc.class.history"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "old_class": "C",
                "new_class": "B",
                "source": "computed",
                "reason": "Computed class B: written before the reasons had data.",
            }
        )
        self.assertFalse(row.reason_data)
        self.assertEqual(
            row.with_context(lang="fi_FI").reason_text,
            "Computed class B: written before the reasons had data.",
        )

    def test_unreadable_data_falls_back_to_the_text(self):
        partner = self._customer("Rikki Oy")
        row = self.env["kam.abc.class.history"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "new_class": "C",
                "source": "computed",
                "reason": "As written",
                "reason_data": {"rule": "criteria", "thresholds": {"A": [1, 2, 3]}},
            }
        )
        self.assertEqual(row.with_context(lang="fi_FI").reason_text, "As written")

    def test_manual_override_reason_shown_as_typed(self):
        partner = self._classified()
        partner.with_user(self.manager).with_context(
            kam_class_reason="Strategic reference, 1,5 M€ pipeline"
        ).abc_class_manual = "B"
        row = self._history(partner)[-1]
        self.assertEqual((row.source, row.new_class), ("manual", "B"))
        self.assertFalse(row.reason_data)
        for lang in ("en_US", "fi_FI"):
            self.assertEqual(
                row.with_context(lang=lang).reason_text, "Strategic reference, 1,5 M€ pipeline"
            )

    def test_written_computed_class_keeps_data_only_when_the_rule_agrees(self):
        """A computed class written directly: its row has the rule's data when the rule
        gives that class, otherwise its text only (which says the rule differs)."""
        partner = self._classified()
        partner.abc_class_computed = "C"
        row = self._history(partner)[-1]
        self.assertEqual((row.old_class, row.new_class), ("A", "C"))
        self.assertFalse(row.reason_data)
        self.assertIn("The rule now gives class A", row.with_context(lang="fi_FI").reason_text)
        partner.abc_class_computed = "A"
        row = self._history(partner)[-1]
        self.assertEqual(row.reason_data["chosen"], "A")
        self.assertTrue(row.with_context(lang="fi_FI").reason_text.startswith("Laskettu luokka A"))

    def test_rule_without_data_keeps_its_text(self):
        """Value ABC (customer_scoring) writes its reason as text: no data is stored."""
        if "score_abc_source" not in self.company._fields:
            self.skipTest("customer_scoring is not installed")
        self.company.score_abc_source = "value"
        partner = self._classified(name="Arvo Oy")
        row = self._history(partner)[-1]
        self.assertEqual((row.source, row.new_class), ("computed", "C"))
        self.assertFalse(row.reason_data)
        self.assertEqual(row.reason, "Value ABC C: no scored revenue yet.")
        self.assertEqual(row.with_context(lang="fi_FI").reason_text, row.reason)
