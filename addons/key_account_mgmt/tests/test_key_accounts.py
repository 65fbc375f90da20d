from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import KamCase


@tagged("post_install", "-at_install")
class TestKeyAccounts(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._customer(
            "Iso Oy", turnover=30_000_000, installers=80, user_id=cls.salesperson.id
        )
        cls.small = cls._customer("Pieni Oy", turnover=2_000_000, installers=5)
        cls.fallen = cls._customer(
            "Pudonnut Oy",
            turnover=1_000_000,
            installers=3,
            is_key_account=True,
            key_account_manager_id=cls.salesperson2.id,
        )

    def test_selection_history(self):
        self.small.with_context(kam_key_account_reason="Reference project").write(
            {"is_key_account": True, "key_account_manager_id": self.salesperson.id}
        )
        self.small.key_account_manager_id = self.salesperson2
        self.small.is_key_account = False
        rows = self.small.kam_key_account_history_ids.sorted("id")
        self.assertEqual(rows.mapped("event"), ["selected", "manager_changed", "removed"])
        self.assertEqual(rows[0].reason, "Reference project")
        self.assertEqual(rows[0].key_account_manager_id, self.salesperson)
        self.assertEqual(rows[1].key_account_manager_id, self.salesperson2)

    def test_candidate_wizard(self):
        self._set_purchases(self.big, 50_000)
        wizard = Form(self.env["kam.key.account.candidate.wizard"].with_user(self.manager))
        self.assertEqual(wizard.min_turnover, 20_000_000)
        wizard = wizard.save()
        wizard.action_find()
        by_partner = {line.partner_id: line for line in wizard.line_ids}
        self.assertEqual(by_partner[self.big].suggestion, "add")
        self.assertEqual(by_partner[self.big].criteria_met, 2)
        self.assertEqual(by_partner[self.big].purchases, 50_000)
        self.assertEqual(by_partner[self.big].key_account_manager_id, self.salesperson)
        self.assertEqual(by_partner[self.fallen].suggestion, "remove")
        self.assertNotIn(self.small, by_partner)
        by_partner[self.big].selected = True
        by_partner[self.fallen].selected = True
        wizard.action_apply()
        self.assertTrue(self.big.is_key_account)
        self.assertEqual(self.big.key_account_manager_id, self.salesperson)
        self.assertFalse(self.fallen.is_key_account)
        self.assertIn("2 of 3 criteria", self.big.kam_key_account_history_ids.reason)
        self.assertEqual(self.fallen.kam_key_account_history_ids.sorted("id")[-1].event, "removed")


@tagged("post_install", "-at_install")
class TestSelectionAccess(KamCase):
    """Selecting key accounts and naming their KAM is a manager's decision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Valinta Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        cls.plain = cls._customer("Tavis Oy", user_id=cls.salesperson.id)

    def test_salesperson_cannot_select_or_reassign(self):
        as_sales = self.plain.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            as_sales.write({"is_key_account": True})
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesperson).write(
                {"key_account_manager_id": self.salesperson2.id}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesperson).create(
                {"name": "Uusi Avain Oy", "is_company": True, "is_key_account": True}
            )
        self.assertFalse(self.plain.is_key_account)
        self.assertEqual(self.account.key_account_manager_id, self.salesperson)
        self.assertFalse(self.plain.kam_key_account_history_ids)

    def test_salesperson_may_save_unchanged_values(self):
        """The web client sends every dirty field; unchanged selection fields pass."""
        self.account.with_user(self.salesperson).write(
            {"is_key_account": True, "key_account_manager_id": self.salesperson.id, "city": "Oulu"}
        )
        self.assertEqual(self.account.city, "Oulu")

    def test_manager_selects(self):
        self.plain.with_user(self.manager).write(
            {"is_key_account": True, "key_account_manager_id": self.salesperson2.id}
        )
        self.assertTrue(self.plain.is_key_account)
        self.assertEqual(self.plain.kam_key_account_history_ids.event, "selected")

    def test_form_fields_readonly_for_salesperson(self):
        form = Form(self.account.with_user(self.salesperson))
        with self.assertRaises(AssertionError):
            form.is_key_account = False
        form = Form(self.account.with_user(self.manager))
        form.key_account_manager_id = self.salesperson2
        form.save()
        self.assertEqual(self.account.key_account_manager_id, self.salesperson2)

    def test_new_tab_fields_load(self):
        for user in (self.salesperson, self.manager):
            data = self.account.with_user(user).web_read(
                {
                    "kam_overserved": {},
                    "kam_overserved_reason": {},
                    "kam_review_key_account": {},
                    "kam_org_level_count": {},
                    "kam_org_level_warning": {},
                    "kam_service_level_text": {},
                }
            )[0]
            self.assertEqual(data["kam_org_level_count"], 0)
            self.assertTrue(data["kam_org_level_warning"])
            self.assertFalse(data["kam_overserved"])
            self.assertIn("Visits: At most once a year", data["kam_service_level_text"])

    def test_portal_gets_none_of_the_new_fields(self):
        fields = self.env["res.partner"].with_user(self.portal_user).fields_get()
        for fname in (
            "kam_overserved",
            "kam_review_key_account",
            "kam_org_level_count",
            "kam_service_level_text",
        ):
            self.assertNotIn(fname, fields)


@tagged("post_install", "-at_install")
class TestCandidateWizardBadInput(KamCase):
    def test_bad_criteria_count_refused(self):
        wizard = (
            self.env["kam.key.account.candidate.wizard"]
            .with_user(self.manager)
            .create({"min_criteria": 4})
        )
        with self.assertRaises(UserError):
            wizard.action_find()
        self.assertFalse(wizard.line_ids)

    def test_nothing_ticked_refused(self):
        self._customer("Ehdokas Oy", turnover=30_000_000, installers=80)
        wizard = self.env["kam.key.account.candidate.wizard"].with_user(self.manager).create({})
        wizard.action_find()
        self.assertTrue(wizard.line_ids)
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertFalse(wizard.line_ids.partner_id.filtered("is_key_account"))

    def test_salesperson_cannot_run_it(self):
        with self.assertRaises(AccessError):
            self.env["kam.key.account.candidate.wizard"].with_user(self.salesperson).create({})
