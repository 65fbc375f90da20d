from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from ..models.res_company import WEIGHT_FIELDS

DEFAULT_WEIGHTS = {
    "score_weight_revenue": 30,
    "score_weight_growth": 10,
    "score_weight_margin": 15,
    "score_weight_frequency": 15,
    "score_weight_recency": 10,
    "score_weight_payment": 10,
    "score_weight_evaluative": 10,
}


@tagged("post_install", "-at_install")
class TestScoringSettingsAccess(TransactionCase):
    """The scoring settings screen of a sales manager without Administration rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.company.write(
            {
                **DEFAULT_WEIGHTS,
                "score_abc_a_share": 80.0,
                "score_abc_b_share": 95.0,
                "score_abc_fine_tiers": False,
            }
        )
        cls.company2 = cls.env["res.company"].create({"name": "Toinen Oy"})
        cls.manager = new_test_user(
            cls.env,
            login="cs_set_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="cs_set_sales",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls.env["ir.module.module"]._load_module_terms(
            ["key_account_mgmt", "customer_scoring"], ["fi_FI"]
        )

    def _settings(self, user=None, lang="en_US"):
        return (
            self.env["customer.scoring.settings"]
            .with_user(user or self.manager)
            .with_context(lang=lang)
        )

    def _stored(self, company, *fnames):
        company.invalidate_recordset(list(fnames))
        return tuple(company[fname] for fname in fnames)

    def test_manager_moves_abc_shares_together(self):
        # A 80 -> 96 with B 95 -> 99: A would be above the old B if judged field by field.
        form = Form(self._settings())
        self.assertEqual((form.score_abc_a_share, form.score_abc_b_share), (80.0, 95.0))
        form.score_abc_a_share = 96.0
        form.score_abc_b_share = 99.0
        form.save().action_save()
        self.assertEqual(
            self._stored(self.company, "score_abc_a_share", "score_abc_b_share"), (96.0, 99.0)
        )
        # And back, B first (B 99 -> 95 is below the current A 96).
        self._settings().create({"score_abc_b_share": 95.0, "score_abc_a_share": 80.0})
        self.assertEqual(
            self._stored(self.company, "score_abc_a_share", "score_abc_b_share"), (80.0, 95.0)
        )

    def test_admin_settings_page_moves_abc_shares_together(self):
        # The general Settings of an administrator write the shares together too.
        settings = Form(self.env["res.config.settings"])
        settings.score_abc_a_share = 96.0
        settings.score_abc_b_share = 99.0
        settings.save().execute()
        self.assertEqual(
            self._stored(self.company, "score_abc_a_share", "score_abc_b_share"), (96.0, 99.0)
        )

    def test_weights_moved_in_any_order(self):
        orders = [
            {"score_weight_revenue": 20, "score_weight_growth": 20},
            {"score_weight_growth": 20, "score_weight_revenue": 20},
        ]
        for vals in orders:
            with self.subTest(order=list(vals)):
                self.company.write(DEFAULT_WEIGHTS)
                self._settings().create(vals)
                self.assertEqual(
                    self._stored(self.company, "score_weight_revenue", "score_weight_growth"),
                    (20, 20),
                )

    def test_fine_tiers_switched_on_with_their_shares(self):
        self._settings().create(
            {"score_abc_fine_tiers": True, "score_abc_aaa_share": 40.0, "score_abc_aa_share": 70.0}
        )
        self.assertEqual(
            self._stored(self.company, "score_abc_fine_tiers", "score_abc_aa_share"), (True, 70.0)
        )

    def test_weights_not_adding_up_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._settings().create({"score_weight_revenue": 45, "score_weight_margin": 20})
        message = str(caught.exception)
        self.assertIn("add up to 120; they must add up to 100", message)
        self.assertIn("Weight: Revenue 45, Weight: Growth 10, Weight: Margin % 20", message)
        self.assertEqual(
            self._stored(self.company, *WEIGHT_FIELDS), tuple(DEFAULT_WEIGHTS.values())
        )

    def test_weights_refused_in_finnish(self):
        with self.assertRaises(ValidationError) as caught:
            self._settings(lang="fi_FI").create({"score_weight_revenue": 25})
        message = str(caught.exception)
        self.assertIn("painokertoimien summa on 95; summan on oltava 100", message)
        self.assertIn("Painokerroin: myynti 25", message)
        self.assertEqual(self._stored(self.company, "score_weight_revenue"), (30,))

    def test_negative_weight_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._settings().create({"score_weight_growth": -10, "score_weight_revenue": 50})
        self.assertIn("cannot be negative: Weight: Growth -10.", str(caught.exception))
        self.assertEqual(self._stored(self.company, "score_weight_growth"), (10,))

    def test_abc_order_refused_with_typed_values(self):
        with self.assertRaises(ValidationError) as caught:
            self._settings().create({"score_abc_a_share": 96.0})
        message = str(caught.exception)
        self.assertIn("“Class A up to cumulative share (%)” (96.0 %) must be above 0", message)
        self.assertIn("below “Class B up to cumulative share (%)” (95.0 %)", message)
        with self.assertRaises(ValidationError) as caught:
            self._settings(lang="fi_FI").create({"score_abc_a_share": 96.5})
        self.assertIn("(96,5 %) on oltava yli 0", str(caught.exception))
        self.assertEqual(self._stored(self.company, "score_abc_a_share"), (80.0,))

    def test_salesperson_cannot_open_or_write(self):
        with self.assertRaises(AccessError):
            self._settings(self.salesperson).create({"score_weight_revenue": 30})
        with self.assertRaises(AccessError):
            self._settings(self.salesperson).check_access("read")
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesperson).write({"score_abc_a_share": 70.0})
        self.assertEqual(self._stored(self.company, "score_abc_a_share"), (80.0,))

    def test_manager_does_not_change_another_company(self):
        with self.assertRaises(AccessError):
            self._settings().create({"company_id": self.company2.id, "score_abc_a_share": 70.0})
        with self.assertRaises(AccessError):
            self.company2.with_user(self.manager).write({"score_abc_a_share": 70.0})
        self.assertEqual(self._stored(self.company2, "score_abc_a_share"), (80.0,))
        self.assertEqual(self._stored(self.company, "score_abc_a_share"), (80.0,))
