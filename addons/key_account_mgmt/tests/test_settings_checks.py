from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

NBSP = "\N{NO-BREAK SPACE}"


@tagged("post_install", "-at_install")
class TestKamSettingsChecks(TransactionCase):
    """The key account settings screen of a sales manager without Administration rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.company.write(
            {
                "kam_a_min_turnover": 50_000_000,
                "kam_b_min_turnover": 30_000_000,
                "kam_a_min_installers": 50,
                "kam_b_min_installers": 20,
                "kam_a_min_purchases": 200_000,
                "kam_b_min_purchases": 100_000,
            }
        )
        cls.company2 = cls.env["res.company"].create(
            {"name": "Toinen Oy", "currency_id": cls.company.currency_id.id}
        )
        cls.manager = new_test_user(
            cls.env,
            login="kam_set_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager_both = new_test_user(
            cls.env,
            login="kam_set_manager_both",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company2).ids)],
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="kam_set_sales",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls.env["ir.module.module"]._load_module_terms(["key_account_mgmt"], ["fi_FI"])

    def _settings(self, user=None, lang="en_US"):
        return self.env["kam.settings"].with_user(user or self.manager).with_context(lang=lang)

    def _stored(self, company, *fnames):
        """The values in the database, not the cache a refused write may have left."""
        company.invalidate_recordset(list(fnames))
        return tuple(company[fname] for fname in fnames)

    def test_manager_lowers_both_turnover_thresholds(self):
        # 50 M / 30 M -> 20 M / 10 M: A would be below the old B if judged field by field.
        form = Form(self._settings())
        self.assertEqual(form.company_id, self.company)
        self.assertEqual(form.kam_a_min_turnover, 50_000_000)
        form.kam_a_min_turnover = 20_000_000
        form.kam_b_min_turnover = 10_000_000
        form.save().action_save()
        self.assertEqual(
            self._stored(self.company, "kam_a_min_turnover", "kam_b_min_turnover"),
            (20_000_000, 10_000_000),
        )

    def test_valid_changes_in_any_order(self):
        orders = [
            {"kam_a_min_turnover": 20_000_000, "kam_b_min_turnover": 10_000_000},
            {"kam_b_min_turnover": 10_000_000, "kam_a_min_turnover": 20_000_000},
        ]
        for vals in orders:
            with self.subTest(order=list(vals)):
                self.company.write(
                    {"kam_a_min_turnover": 50_000_000, "kam_b_min_turnover": 30_000_000}
                )
                self._settings().create(vals)
                self.assertEqual(
                    self._stored(self.company, "kam_a_min_turnover", "kam_b_min_turnover"),
                    (20_000_000, 10_000_000),
                )
        # Raising B above the old A together with A, on a saved screen (write).
        settings = self._settings().create({})
        settings.write({"kam_b_min_installers": 80, "kam_a_min_installers": 90})
        self.assertEqual(
            self._stored(self.company, "kam_a_min_installers", "kam_b_min_installers"), (90, 80)
        )

    def test_admin_settings_page_lowers_both_thresholds(self):
        # The general Settings of an administrator write the thresholds together too.
        settings = Form(self.env["res.config.settings"])
        settings.kam_a_min_turnover = 20_000_000
        settings.kam_b_min_turnover = 10_000_000
        settings.save().execute()
        self.assertEqual(
            self._stored(self.company, "kam_a_min_turnover", "kam_b_min_turnover"),
            (20_000_000, 10_000_000),
        )

    def test_order_refused_with_typed_values(self):
        with self.assertRaises(ValidationError) as caught:
            self._settings().create({"kam_a_min_turnover": 20_000_000})
        message = str(caught.exception)
        self.assertIn("“Class A: turnover above” (20,000,000.00" + NBSP + "€)", message)
        self.assertIn("“Class B: turnover above” (30,000,000.00" + NBSP + "€)", message)
        self.assertNotIn("20000000.0", message)
        self.assertEqual(self._stored(self.company, "kam_a_min_turnover"), (50_000_000,))

    def test_order_refused_in_finnish(self):
        with self.assertRaises(ValidationError) as caught:
            self._settings(lang="fi_FI").create(
                {"kam_a_min_installers": 10, "kam_b_min_purchases": 300_000}
            )
        message = str(caught.exception)
        # Both problems at once, field labels and numbers as a Finnish user reads them.
        self.assertIn("luokkarajat eivät kelpaa", message)
        self.assertIn("”Luokka A: asentajia yli” (10) on pienempi kuin luokan B raja", message)
        self.assertIn(f"(300{NBSP}000,00{NBSP}€)", message)
        self.assertEqual(
            self._stored(self.company, "kam_a_min_installers", "kam_b_min_purchases"),
            (50, 100_000),
        )

    def test_negative_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._settings().create({"kam_b_min_installers": -5})
        self.assertIn("“Class B: installers above” cannot be negative: -5", str(caught.exception))
        self.assertEqual(self._stored(self.company, "kam_b_min_installers"), (20,))

    def test_salesperson_cannot_open_or_write(self):
        with self.assertRaises(AccessError):
            self._settings(self.salesperson).create({"kam_a_min_installers": 60})
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesperson).write({"kam_a_min_installers": 60})
        self.assertEqual(self._stored(self.company, "kam_a_min_installers"), (50,))

    def test_manager_gets_no_other_company_field(self):
        # The screen writes its own fields only; the company itself stays Administration's.
        with self.assertRaises(AccessError):
            self.company.with_user(self.manager).write({"name": "Hijacked Oy"})
        self.assertNotIn("name", self.env["kam.settings"]._fields)

    def test_manager_does_not_change_another_company(self):
        # Not one of his companies.
        with self.assertRaises(AccessError):
            self._settings().create({"company_id": self.company2.id, "kam_a_min_installers": 99})
        # One of his companies, but not one he works in now (company switcher).
        settings = self._settings(self.manager_both).with_context(
            allowed_company_ids=self.company.ids
        )
        with self.assertRaises(AccessError):
            settings.create({"company_id": self.company2.id, "kam_a_min_installers": 99})
        self.assertEqual(self._stored(self.company2, "kam_a_min_installers"), (50,))
        # Working in company 2, he changes company 2 only.
        settings.with_context(allowed_company_ids=self.company2.ids).create(
            {"kam_a_min_installers": 99}
        )
        self.assertEqual(self._stored(self.company2, "kam_a_min_installers"), (99,))
        self.assertEqual(self._stored(self.company, "kam_a_min_installers"), (50,))
