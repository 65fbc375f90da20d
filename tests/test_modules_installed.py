"""Cross-module scenarios: both add-ons installed together on one database."""

from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged

MODULES = ("key_account_mgmt", "customer_scoring")

# The scheduled actions of each add-on: xmlid -> (model, code, interval number, type).
CRONS = {
    "key_account_mgmt.ir_cron_kam_recompute_abc_classes": (
        "res.partner",
        "model._cron_kam_recompute_abc_classes()",
        1,
        "days",
    ),
    "key_account_mgmt.ir_cron_kam_meeting_reminders": (
        "kam.meeting.status",
        "model._cron_kam_meeting_reminders()",
        1,
        "days",
    ),
    "key_account_mgmt.ir_cron_kam_swot_overdue": (
        "res.partner",
        "model._cron_kam_swot_overdue()",
        1,
        "days",
    ),
    "key_account_mgmt.ir_cron_kam_plan_reviews": (
        "kam.account.plan",
        "model._cron_kam_plan_reviews()",
        1,
        "days",
    ),
    "key_account_mgmt.ir_cron_kam_review_key_accounts": (
        "res.partner",
        "model._cron_kam_review_key_accounts()",
        1,
        "days",
    ),
    "customer_scoring.ir_cron_compute_customer_scores": (
        "customer.score",
        "model._cron_compute_scores()",
        1,
        "days",
    ),
    "customer_scoring.ir_cron_compute_marked_scores": (
        "customer.score",
        "model._cron_compute_marked_scores()",
        1,
        "hours",
    ),
    "customer_scoring.ir_cron_generate_kpi_snapshots": (
        "customer.kpi.snapshot",
        "model._cron_generate_snapshots()",
        1,
        "days",
    ),
}


@tagged("post_install", "-at_install")
class TestBothModules(TransactionCase):
    def test_both_addons_installed_with_their_manifest_version(self):
        """make test installs key_account_mgmt and customer_scoring together, at the
        version of their manifests; customer_scoring depends on key_account_mgmt."""
        modules = self.env["ir.module.module"].search([("name", "in", MODULES)])
        self.assertEqual(sorted(modules.mapped("name")), sorted(MODULES))
        for module in modules:
            self.assertEqual(module.state, "installed", module.name)
            self.assertEqual(
                module.latest_version, get_manifest(module.name)["version"], module.name
            )
        scoring = modules.filtered(lambda m: m.name == "customer_scoring")
        self.assertIn("key_account_mgmt", scoring.dependencies_id.mapped("name"))

    def test_groups_and_their_implications(self):
        ref = self.env.ref
        kam_user = ref("key_account_mgmt.group_kam_user")
        kam_manager = ref("key_account_mgmt.group_kam_manager")
        scoring_manager = ref("customer_scoring.group_scoring_manager")
        self.assertIn(kam_user, kam_manager.implied_ids)
        self.assertIn(kam_user, ref("sales_team.group_sale_salesman").trans_implied_ids)
        self.assertIn(kam_manager, ref("sales_team.group_sale_manager").trans_implied_ids)
        self.assertIn(scoring_manager, ref("sales_team.group_sale_manager").trans_implied_ids)
        self.assertNotIn(kam_manager, ref("sales_team.group_sale_salesman").trans_implied_ids)

    def test_scheduled_actions_active_with_their_interval(self):
        for xmlid, (model, code, number, interval_type) in CRONS.items():
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            self.assertTrue(cron, xmlid)
            self.assertEqual(cron._name, "ir.cron", xmlid)
            self.assertTrue(cron.active, xmlid)
            self.assertEqual(cron.model_id.model, model, xmlid)
            self.assertEqual(cron.code.strip(), code, xmlid)
            self.assertEqual((cron.interval_number, cron.interval_type), (number, interval_type))

    def test_menus(self):
        ref = self.env.ref
        root = ref("key_account_mgmt.menu_kam_root")
        self.assertFalse(root.parent_id)
        self.assertEqual(root.groups_id, ref("key_account_mgmt.group_kam_user"))
        for xmlid, action in (
            ("key_account_mgmt.menu_kam_key_accounts", "action_kam_key_accounts_landing"),
            ("key_account_mgmt.menu_kam_account_plans", "action_kam_account_plan"),
            ("key_account_mgmt.menu_kam_class_proposals", "action_kam_class_proposal"),
            ("customer_scoring.menu_customer_score_sales", "action_customer_score"),
            ("customer_scoring.menu_customer_score_accounting", "action_customer_score"),
        ):
            menu = ref(xmlid, raise_if_not_found=False)
            self.assertTrue(menu, xmlid)
            self.assertTrue(menu.active, xmlid)
            module = xmlid.split(".")[0]
            self.assertEqual(menu.action, ref(f"{module}.{action}"), xmlid)
        self.assertEqual(ref("key_account_mgmt.menu_kam_key_accounts").parent_id.parent_id, root)
        self.assertEqual(
            ref("customer_scoring.menu_customer_scoring_sales").parent_id,
            ref("sale.sale_menu_root"),
        )
