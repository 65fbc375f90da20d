from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourSettings(KamTourCase):
    """A sales manager without Administration changes the scoring and class settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.company.write(
            {
                "score_weight_revenue": 30,
                "score_weight_growth": 10,
                "score_weight_margin": 15,
                "score_weight_frequency": 15,
                "score_weight_recency": 10,
                "score_weight_payment": 10,
                "score_weight_evaluative": 10,
                "score_abc_a_share": 80.0,
                "score_abc_b_share": 95.0,
                "kam_a_min_turnover": 50_000_000,
                "kam_b_min_turnover": 30_000_000,
            }
        )
        cls.manager = new_test_user(
            cls.env,
            login="tour_settings_manager",
            name="Sanna Sales Manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            lang="en_US",
        )

    def test_manager_changes_scoring_and_class_settings(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        self.start_tour("/odoo", "customer_scoring_settings_tour", login=self.manager.login)
        self.company.invalidate_recordset()
        self.assertEqual((self.company.score_abc_a_share, self.company.score_abc_b_share), (96, 99))
        self.assertEqual(
            (self.company.kam_a_min_turnover, self.company.kam_b_min_turnover),
            (20_000_000, 10_000_000),
        )
        self.assertEqual(self.company.score_weight_revenue, 30)
