from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_stakeholder_groups_loaded(self):
        """The three stakeholder groups of the meeting-frequency table are installed as data."""
        names = self.env["kam.stakeholder.group"].search([]).mapped("name")
        for expected in ("Procurement", "Project managers", "Marketing"):
            self.assertIn(expected, names)
