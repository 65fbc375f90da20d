from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, SALESPERSON_GROUPS
from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourClassMovementGoal(KamTourCase):
    """A sales manager sets this year's C -> B goal of a salesperson, reads the actual and
    opens the class movements behind it; the salesperson reads their goals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.director = new_test_user(
            cls.env, login="kam_goal_director", name="Greta Goal", groups=MANAGER_GROUPS
        )
        cls.seller = new_test_user(
            cls.env, login="kam_goal_seller", name="Ville Voittaja", groups=SALESPERSON_GROUPS
        )
        cls.other_seller = new_test_user(
            cls.env, login="kam_goal_other", name="Olga Muu", groups=SALESPERSON_GROUPS
        )
        # The lists show this database's goals too: the tours start from none.
        cls.env["kam.class.movement.goal"].search([]).unlink()
        Partner = cls.env["res.partner"].with_context(tracking_disable=True)
        customers = Partner.create(
            [
                {"name": name, "is_company": True, "user_id": cls.seller.id}
                for name in ("Nousija Oy", "Toinen Nousija Oy")
            ]
        )
        History = cls.env["kam.abc.class.history"]
        History.search([("partner_id", "in", customers.ids)]).unlink()
        # Two moves from C to B this year, both while the customers were Ville's.
        now = fields.Datetime.now()
        History.create(
            [
                {
                    "partner_id": customer.id,
                    "company_id": cls.env.company.id,
                    "old_class": "C",
                    "new_class": "B",
                    "date": now - timedelta(minutes=5),
                    "source": "manual",
                }
                for customer in customers
            ]
        )

    def test_manager_sets_a_goal_and_reads_the_actuals(self):
        self.start_tour("/odoo", "kam_class_movement_goal_tour", login="kam_goal_director")
        goal = self.env["kam.class.movement.goal"].search([("salesperson_id", "=", self.seller.id)])
        self.assertEqual((goal.year, goal.goal_c_to_b), (fields.Date.today().year, 4))
        self.assertEqual((goal.actual_c_to_b, goal.achievement_c_to_b), (2, 50.0))

    def test_salesperson_reads_own_and_company_goals(self):
        year = fields.Date.today().year
        self.env["kam.class.movement.goal"].create(
            [
                {"year": year, "goal_c_to_b": 10},
                {"year": year, "salesperson_id": self.seller.id, "goal_c_to_b": 4},
                {"year": year, "salesperson_id": self.other_seller.id, "goal_c_to_b": 7},
            ]
        )
        self.start_tour(
            "/odoo", "kam_class_movement_goal_salesperson_tour", login="kam_goal_seller"
        )
