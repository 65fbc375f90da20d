import json

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, SALESPERSON_GROUPS
from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourDirectorOverview(KamTourCase):
    """A sales manager opens the director's overview and one of its reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.director = new_test_user(
            cls.env, login="kam_director", name="Dora Director", groups=MANAGER_GROUPS
        )
        cls.kam = new_test_user(
            cls.env, login="kam_overview", name="Olli Overview", groups=SALESPERSON_GROUPS
        )
        company = cls.env.company
        Partner = cls.env["res.partner"].with_context(tracking_disable=True)
        accounts = Partner.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "is_key_account": True,
                    "user_id": cls.kam.id,
                    "key_account_manager_id": cls.kam.id,
                }
                for name in ("Heikko Oy", "Vahva Oy")
            ]
        )
        cls.weak, cls.strong = accounts
        # Their classes as the class engine stores them (one JSON value per company): the
        # class picks the meeting targets.
        cls.env.flush_all()
        for partner, letter in ((cls.weak, "B"), (cls.strong, "A")):
            cls.env.cr.execute(
                "UPDATE res_partner SET abc_class = %s::jsonb WHERE id = %s",
                [json.dumps({str(company.id): letter}), partner.id],
            )
        accounts.invalidate_recordset()
        # Creating a customer classifies it; one move up on top of that.
        cls.env["kam.abc.class.history"].create(
            {
                "partner_id": cls.weak.id,
                "company_id": company.id,
                "old_class": "C",
                "new_class": "B",
                "source": "manual",
            }
        )
        Health = cls.env["kam.relationship.health"]
        for partner, health, band in ((cls.weak, 25, "risk"), (cls.strong, 85, "good")):
            Health.search([("partner_id", "=", partner.id)]).unlink()
            Health.create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date": fields.Date.today(),
                    "health": health,
                    "health_previous": health,
                    "trend": "flat",
                    "band": band,
                }
            )

    def test_director_overview(self):
        self.assertTrue(
            self.env["kam.meeting.status"].search_count(
                [("key_account_manager_id", "=", self.kam.id), ("has_target", "=", True)]
            ),
            "the tour's key accounts have meeting targets",
        )
        self.start_tour("/odoo", "kam_director_overview_tour", login="kam_director")
