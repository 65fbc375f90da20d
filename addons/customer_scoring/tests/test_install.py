from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_sales_manager_is_scoring_manager(self):
        """Sales managers run the scoring: the group is implied."""
        manager_group = self.env.ref("sales_team.group_sale_manager")
        scoring_group = self.env.ref("customer_scoring.group_scoring_manager")
        self.assertIn(scoring_group, manager_group.implied_ids)
