from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourKamMorning(KamTourCase):
    """A salesperson (no Contact Creation) works on her key account in the browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.write(
            {
                "kam_a_min_turnover": 20_000_000,
                "kam_b_min_turnover": 10_000_000,
                "kam_a_min_installers": 50,
                "kam_b_min_installers": 20,
                "kam_a_min_purchases": 200_000,
                "kam_b_min_purchases": 100_000,
                "kam_class_rule_mode": "two_of_three",
            }
        )
        cls.approver = new_test_user(
            cls.env,
            login="kam_morning_boss",
            name="Bea Boss",
            groups="sales_team.group_sale_manager",
        )
        company.kam_class_approver_id = cls.approver
        cls.sally = new_test_user(
            cls.env,
            login="kam_morning",
            name="Sally Morning",
            groups="sales_team.group_sale_salesman",
        )
        cls.otto = new_test_user(
            cls.env,
            login="kam_morning_otto",
            name="Otto Other",
            groups="sales_team.group_sale_salesman",
        )
        Partner = cls.env["res.partner"].with_context(tracking_disable=True)
        base = {
            "is_company": True,
            "is_key_account": True,
            "kam_turnover_currency_id": company.currency_id.id,
        }
        # Turnover and installers above the class B thresholds: class B (2 of 3 criteria).
        cls.account = Partner.create(
            dict(
                base,
                name="Aamu Oy",
                user_id=cls.sally.id,
                customer_turnover=15_000_000,
                installer_count=30,
            )
        )
        cls.other = Partner.create(
            dict(
                base,
                name="Muu Oy",
                user_id=cls.otto.id,
                customer_turnover=15_000_000,
                installer_count=30,
            )
        )
        procurement = cls.env.ref("key_account_mgmt.stakeholder_group_procurement")
        cls.buyer = Partner.create(
            {
                "name": "Liisa Hankinta",
                "parent_id": cls.account.id,
                "type": "contact",
                "kam_stakeholder_group_id": procurement.id,
            }
        )
        cls.project = Partner.create(
            {"name": "Pekka Projekti", "parent_id": cls.account.id, "type": "contact"}
        )
        now = fields.Datetime.now()
        Event = cls.env["calendar.event"].with_context(no_mail_to_attendees=True)
        for name, start in (
            ("Hankintapalaveri", now - timedelta(days=30)),
            ("Vuosisopimus", now + timedelta(days=7)),
        ):
            Event.create(
                {
                    "name": name,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "partner_ids": [(6, 0, cls.buyer.ids)],
                }
            )

    def test_kam_morning(self):
        self.assertEqual(self.account.abc_class, "B")
        self.start_tour("/odoo", "kam_morning_tour", login="kam_morning")
        self.account.invalidate_recordset()
        self.assertEqual(
            (self.account.customer_turnover, self.account.installer_count), (25_000_000, 60)
        )
        self.assertEqual(self.account.abc_class, "A")
        self.assertEqual(
            self.project.kam_stakeholder_group_id,
            self.env.ref("key_account_mgmt.stakeholder_group_project_managers"),
        )
        swot = self.account.kam_swot_item_ids
        self.assertEqual(
            (swot.swot_type, swot.description),
            ("strength", "Installs our systems in every new building"),
        )
        proposal = self.account.kam_class_proposal_ids
        self.assertEqual(
            (proposal.state, proposal.proposed_class, proposal.proposer_id),
            ("pending", "B", self.sally),
        )
        self.assertEqual(self.other.installer_count, 30)
