from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_sales_manager_is_scoring_manager(self):
        """Sales managers run the scoring: the group is implied."""
        manager_group = self.env.ref("sales_team.group_sale_manager")
        scoring_group = self.env.ref("customer_scoring.group_scoring_manager")
        self.assertIn(scoring_group, manager_group.implied_ids)

    def test_score_table_leaves_room_for_daily_rewrites(self):
        self.env.cr.execute("SELECT reloptions FROM pg_class WHERE relname = 'customer_score'")
        self.assertIn("fillfactor=50", self.env.cr.fetchone()[0] or [])
