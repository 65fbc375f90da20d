from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KamCase

SWOT_TYPE = "key_account_mgmt.mail_activity_type_kam_swot_overdue"


@tagged("post_install", "-at_install")
class TestSwot(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Swot Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        Swot = cls.env["kam.swot.item"]
        cls.strength = Swot.create(
            {
                "partner_id": cls.account.id,
                "swot_type": "strength",
                "description": "Long relationship with the procurement team",
                "impact": 4,
                "date": date(2025, 1, 15),
            }
        )
        cls.threat = Swot.create(
            {
                "partner_id": cls.account.id,
                "swot_type": "threat",
                "description": "Competitor opens a branch nearby",
                "impact": 5,
                "date": date(2024, 11, 1),
            }
        )

    def _activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.account.id),
                ("activity_type_id", "=", self.env.ref(SWOT_TYPE).id),
            ]
        )

    @freeze_time("2026-01-14")
    def test_not_overdue_the_day_before_12_months(self):
        self.assertFalse(self.strength.is_overdue)
        self.assertTrue(self.threat.is_overdue)
        # The account's SWOT counts from its newest item (2025-01-15).
        self.assertEqual(self.account.kam_swot_last_date, date(2025, 1, 15))
        self.assertFalse(self.account.kam_swot_overdue)
        self.env["res.partner"]._cron_kam_swot_overdue()
        self.assertFalse(self._activities())

    @freeze_time("2026-01-15")
    def test_overdue_after_12_months(self):
        self.assertTrue(self.strength.is_overdue)
        self.assertTrue(self.account.kam_swot_overdue)
        self.assertIn(
            self.account, self.env["res.partner"].search([("kam_swot_overdue", "=", True)])
        )
        self.assertEqual(
            self.env["kam.swot.item"].search(
                [("partner_id", "=", self.account.id), ("is_overdue", "=", False)]
            ),
            self.env["kam.swot.item"],
        )

    @freeze_time("2026-02-01")
    def test_cron_activity_without_duplicates(self):
        self.env["res.partner"]._cron_kam_swot_overdue()
        self.env["res.partner"]._cron_kam_swot_overdue()
        activities = self._activities()
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesperson)

    @freeze_time("2026-02-01")
    def test_review_clears_overdue(self):
        self.strength.with_user(self.salesperson).action_mark_reviewed()
        self.assertEqual(self.strength.date, date(2026, 2, 1))
        self.account.invalidate_recordset()
        self.assertFalse(self.account.kam_swot_overdue)
        self.env["res.partner"]._cron_kam_swot_overdue()
        self.assertFalse(self._activities())

    def test_impact_out_of_range_refused(self):
        with self.assertRaises(ValidationError):
            self.env["kam.swot.item"].create(
                {
                    "partner_id": self.account.id,
                    "swot_type": "weakness",
                    "description": "Slow deliveries",
                    "impact": 6,
                }
            )
        self.assertEqual(len(self.account.kam_swot_item_ids), 2)

    def test_impact_is_not_summed_in_groups(self):
        """Grouped SWOT lists show no total of the impacts (a sum of 1-5 ratings)."""
        self.assertFalse(
            self.env["kam.swot.item"]
            .fields_get(["impact"], ["aggregator"])["impact"]
            .get("aggregator")
        )
        groups = self.env["kam.swot.item"].read_group(
            [("partner_id", "=", self.account.id)], ["impact"], ["partner_id"]
        )
        self.assertNotIn("impact", groups[0])
