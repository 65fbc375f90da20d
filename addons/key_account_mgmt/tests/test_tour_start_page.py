from odoo import fields
from odoo.tests import new_test_user, tagged

from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourStartPage(KamTourCase):
    """A salesperson opens the Key Accounts app: she lands on her start page, her worst
    account first, and opens it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sally = new_test_user(
            cls.env,
            login="kam_start",
            name="Sally Start",
            groups="sales_team.group_sale_salesman",
        )
        otto = new_test_user(
            cls.env,
            login="kam_start_otto",
            name="Otto Other",
            groups="sales_team.group_sale_salesman",
        )
        Partner = cls.env["res.partner"].with_context(tracking_disable=True)
        key = {"is_company": True, "is_key_account": True}
        weak, strong, unknown, others = Partner.create(
            [
                dict(key, name="Heikko Oy", user_id=cls.sally.id),
                dict(key, name="Vahva Oy", user_id=cls.sally.id),
                dict(key, name="Uusi Oy", user_id=cls.sally.id),
                dict(key, name="Muu Oy", user_id=otto.id),
            ]
        )
        today = fields.Date.context_today(cls.env.user)
        cls.env["kam.relationship.health"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": cls.env.company.id,
                    "date": today,
                    "health": health,
                    "trend": trend,
                    "band": band,
                }
                for partner, health, trend, band in (
                    (weak, 23, "down", "risk"),
                    (strong, 81, "up", "good"),
                    (others, 5, "down", "risk"),
                )
            ]
        )

    def test_start_page(self):
        self.start_tour("/odoo", "kam_start_page_tour", login="kam_start")
