"""The Finnish translation of customer_scoring loads and reaches menus, fields and messages."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestScenarioFinnish(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_scoring"], ["fi_FI"], overwrite=True
        )
        cls.salesman = new_test_user(
            cls.env,
            login="sc_fi_sales",
            groups="sales_team.group_sale_salesman",
            lang="fi_FI",
        )
        cls.fi = cls.env(context={"lang": "fi_FI"})

    def test_menu_field_and_selection_labels(self):
        menu = self.fi.ref("customer_scoring.menu_customer_score_recompute")
        self.assertEqual(menu.name, "Laske pisteet uudelleen")
        fields = self.fi["customer.score"].fields_get(["revenue_12m", "lifecycle_stage"])
        self.assertEqual(fields["revenue_12m"]["string"], "Myynti 12 kk")
        self.assertEqual(dict(fields["lifecycle_stage"]["selection"])["passive"], "Passiivinen")
        # English stays English.
        en = self.env(context={"lang": "en_US"})["customer.score"].fields_get(["revenue_12m"])
        self.assertEqual(en["revenue_12m"]["string"], "Revenue 12 Months")

    def test_error_messages_in_finnish(self):
        # assertRaises (not assertRaisesRegex) rolls the failed operation back.
        with self.assertRaises(AccessError) as caught:
            self.env["customer.score"].with_user(self.salesman).with_context(
                lang="fi_FI"
            ).compute_scores()
        self.assertIn("Vain pisteytyksen pääkäyttäjät", str(caught.exception))
        company = self.env.company
        with self.assertRaises(ValidationError) as caught:
            company.with_context(lang="fi_FI").score_weight_revenue = 31
        self.assertIn("summa on 101; summan on oltava 100", str(caught.exception))
        # Nothing was written (the cache may still hold the refused value).
        company.invalidate_recordset(["score_weight_revenue"])
        self.assertEqual(company.score_weight_revenue, 30)
