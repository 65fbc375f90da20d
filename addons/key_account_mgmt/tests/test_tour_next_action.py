from odoo.tests import new_test_user, tagged

from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourNextAction(KamTourCase):
    """A salesperson reads the next best action of her key account and clicks "Do it":
    the meeting with the proposed contact opens, prefilled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sally = new_test_user(
            cls.env,
            login="kam_next_action",
            name="Sally Next",
            groups="sales_team.group_sale_salesman",
            tz="Europe/Helsinki",
        )
        Partner = cls.env["res.partner"].with_context(tracking_disable=True)
        cls.account = Partner.create(
            {
                "name": "Aamu Oy",
                "is_company": True,
                "is_key_account": True,
                "user_id": cls.sally.id,
            }
        )
        project = cls.env.ref("key_account_mgmt.stakeholder_group_project_managers")
        cls.blocked = Partner.create(
            {
                "name": "Kalle Kielto",
                "parent_id": cls.account.id,
                "kam_stakeholder_group_id": project.id,
                "kam_do_not_contact": True,
            }
        )
        cls.maija = Partner.create(
            {
                "name": "Maija Virtanen",
                "parent_id": cls.account.id,
                "kam_stakeholder_group_id": project.id,
                "kam_contact_channel": "visit",
            }
        )
        # The health as the engine writes it: the project managers' meetings lose the
        # most points, and the line names the contact who must not be contacted.
        cls.health = (
            cls.env["kam.relationship.health"]
            .sudo()
            .create(
                {
                    "partner_id": cls.account.id,
                    "company_id": cls.env.company.id,
                    "health": 55,
                    "band": "watch",
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "factor": "meetings",
                                "weight": 40,
                                "points": 12.0,
                                "gap": 28.0,
                                "stakeholder_group_id": project.id,
                                "contact_id": cls.blocked.id,
                                "params": {"held": 3, "due": 9, "target": 12},
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "factor": "swot",
                                "weight": 15,
                                "points": 0.0,
                                "gap": 15.0,
                                "params": {"last": None},
                            },
                        ),
                    ],
                }
            )
        )
        cls.health._kam_after_compute()

    def test_salesperson_does_the_next_action(self):
        Event = self.env["calendar.event"]
        self.assertFalse(Event.search([("partner_ids", "in", self.maija.id)]))
        self.start_tour(
            f"/odoo/action-key_account_mgmt.action_kam_key_accounts/{self.account.id}",
            "kam_next_action_tour",
            login="kam_next_action",
        )
        events = Event.search([("partner_ids", "in", self.maija.id)])
        self.assertEqual(len(events), 1)
        self.assertEqual(events.partner_ids, self.sally.partner_id | self.maija)
        self.assertEqual(events.user_id, self.sally)
        self.assertFalse(Event.search([("partner_ids", "in", self.blocked.id)]))
