from odoo.tests import new_test_user, tagged

from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourSmoke(KamTourCase):
    def test_key_accounts_app_opens(self):
        new_test_user(self.env, login="tour_smoke", groups="sales_team.group_sale_salesman")
        self.start_tour("/odoo", "kam_tour_smoke", login="tour_smoke")
