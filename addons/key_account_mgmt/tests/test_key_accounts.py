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
