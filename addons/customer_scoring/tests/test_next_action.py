from odoo.addons.key_account_mgmt.tests.common import KamCase
from odoo.exceptions import UserError
from odoo.tests import tagged

CALL = "mail.mail_activity_data_call"
TODO = "mail.mail_activity_data_todo"


@tagged("post_install", "-at_install")
class TestNextActionScoring(KamCase):
    """The scoring's health factors as next best actions: the customer turning passive
    and the falling revenue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer("Aamu Oy", is_key_account=True, user_id=cls.salesperson.id)
        cls.olli = cls._contact(cls.account, "Olli Hakala", "procurement")

    def _health(self, factor, gap, params):
        health = (
            self.env["kam.relationship.health"]
            .sudo()
            .create(
                {
                    "partner_id": self.account.id,
                    "company_id": self.company.id,
                    "health": 50,
                    "line_ids": [
                        (0, 0, {"factor": factor, "gap": gap, "weight": 10, "params": params}),
                        (0, 0, {"factor": "swot", "gap": gap / 2, "weight": 10}),
                    ],
                }
            )
        )
        health._kam_after_compute()
        return health

    def test_customer_turning_passive_is_called(self):
        health = self._health("p_alive", 8.0, {"p_alive": 0.42})
        self.assertEqual(health.next_action_kind, "passive")
        self.assertEqual(health.next_action_contact_id, self.olli)
        self.assertEqual(
            health.next_action_text,
            "Call Olli Hakala: the customer is turning passive "
            "(Customer still buying with a probability of 42 %)",
        )
        health.with_user(self.salesperson).action_kam_do_next_action()
        activity = self.env["mail.activity"].search([("res_id", "=", self.account.id)])
        self.assertEqual(activity.activity_type_id, self.env.ref(CALL))
        self.assertEqual(activity.summary, "Call the customer turning passive")

    def test_falling_revenue_without_a_reachable_contact(self):
        self.olli.kam_do_not_contact = True
        health = self._health("revenue", 8.0, {"growth": -20.0})
        self.assertEqual(health.next_action_kind, "revenue")
        self.assertFalse(health.next_action_contact_id)
        self.assertTrue(
            health.next_action_text.startswith("Talk with Aamu Oy about the falling revenue")
        )
        health.with_user(self.salesperson).action_kam_do_next_action()
        activity = self.env["mail.activity"].search([("res_id", "=", self.account.id)])
        self.assertEqual(activity.activity_type_id, self.env.ref(TODO))

    def test_do_not_contact_customer_gets_no_call(self):
        self.account.kam_do_not_contact = True
        health = self._health("p_alive", 8.0, {"p_alive": 0.1})
        self.assertEqual(health.next_action_kind, "swot")
        # Blocked after the proposal: the click refuses and writes nothing.
        self.account.kam_do_not_contact = False
        health._kam_after_compute()
        self.assertEqual(health.next_action_kind, "passive")
        self.account.kam_do_not_contact = True
        with self.assertRaises(UserError):
            health.with_user(self.salesperson).action_kam_do_next_action()
        self.assertFalse(self.env["mail.activity"].search([("res_id", "=", self.account.id)]))
