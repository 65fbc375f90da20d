"""Cross-module scenarios: both add-ons installed together on one database."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestBothModules(TransactionCase):
    def test_both_addons_installed(self):
        """make test installs key_account_mgmt and customer_scoring together."""
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["key_account_mgmt", "customer_scoring"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 2)
