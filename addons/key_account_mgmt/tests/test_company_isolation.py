from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import KamCase

NOW = datetime(2026, 6, 15, 12, 0)
BEHIND_TYPE = "key_account_mgmt.mail_activity_type_kam_meetings_behind"
REVIEW_TYPE = "key_account_mgmt.mail_activity_type_kam_review_key_account"
SWOT_TYPE = "key_account_mgmt.mail_activity_type_kam_swot_overdue"


@tagged("post_install", "-at_install")
class TestCompanyIsolation(KamCase):
    """A Finnish company in EUR and a Swedish one in SEK; the KAM works in both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sek = cls.env.ref("base.SEK")
        cls.sek.active = True
        cls.company2.currency_id = cls.sek
        cls.fi, cls.se = cls.company, cls.company2
        cls.account = cls._customer(
            "Kaksi Maata Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        # Class C in Finland (one procurement meeting a year), A in Sweden (4 + 12 + 2).
        cls.account.with_company(cls.fi).abc_class_manual = "C"
        cls.account.with_company(cls.se).abc_class_manual = "A"
        contact = cls._contact(cls.account, "Pertti Procurement", "procurement")
        cls._event("held", datetime(2026, 3, 1, 9), contact)

    def _activities(self, type_xmlid, user=None, company=None):
        Activity = self.env["mail.activity"]
        if user:
            Activity = Activity.with_user(user).with_context(
                allowed_company_ids=(company or self.fi).ids
            )
        return Activity.search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.account.id),
                ("activity_type_id", "=", self.env.ref(type_xmlid).id),
            ]
        )

    def _partner_as(self, user, company):
        return self.account.with_user(user).with_context(allowed_company_ids=company.ids)

    @freeze_time(NOW)
    def test_behind_only_in_sweden(self):
        self.env["kam.meeting.status"]._cron_kam_meeting_reminders()
        activity = self._activities(BEHIND_TYPE)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.kam_company_id, self.se)
        self.assertIn(self.se.name, activity.summary)
        self.assertNotIn(self.fi.name, activity.note)
        self.assertIn("Procurement: 1 of 4 held", activity.note)
        # Working in Finland: not behind there, and no Swedish reminder shown.
        in_fi = self._partner_as(self.salesperson, self.fi)
        self.assertFalse(in_fi.kam_meetings_behind)
        self.assertFalse(self._activities(BEHIND_TYPE, self.salesperson, self.fi))
        self.assertFalse(in_fi.activity_ids)
        # Working in Sweden (another request: nothing cached): behind, the reminder shows.
        self.env.invalidate_all()
        in_se = self._partner_as(self.salesperson, self.se)
        self.assertTrue(in_se.kam_meetings_behind)
        self.assertEqual(self._activities(BEHIND_TYPE, self.salesperson, self.se), activity)
        self.assertEqual(in_se.activity_ids, activity)

    @freeze_time(NOW)
    def test_behind_in_both_companies_one_activity_each(self):
        self.account.with_company(self.fi).abc_class_manual = "A"
        Status = self.env["kam.meeting.status"]
        Status._cron_kam_meeting_reminders()
        Status._cron_kam_meeting_reminders()
        activities = self._activities(BEHIND_TYPE)
        self.assertEqual(activities.kam_company_id, self.fi | self.se)
        self.assertEqual(len(activities), 2)
        for activity in activities:
            other = (self.fi | self.se) - activity.kam_company_id
            self.assertIn(activity.kam_company_id.name, activity.summary)
            self.assertNotIn(other.name, activity.summary + activity.note)

    @freeze_time(NOW)
    def test_kam_not_working_in_the_company_gets_no_reminder(self):
        # salesperson2 works in Finland only: no Swedish reminder for him.
        self.account.with_user(self.manager).key_account_manager_id = self.salesperson2
        self.env["kam.meeting.status"]._cron_kam_meeting_reminders()
        self.assertFalse(self._activities(BEHIND_TYPE))

    @freeze_time(NOW)
    def test_review_texts_one_company_one_currency(self):
        self.env["res.partner"]._cron_kam_review_key_accounts()
        activities = self._activities(REVIEW_TYPE)
        self.assertEqual(len(activities), 2)
        by_company = {act.kam_company_id: act for act in activities}
        fi_note, se_note = by_company[self.fi].note, by_company[self.se].note
        self.assertIn("€", fi_note)
        self.assertNotIn("kr", fi_note)
        self.assertNotIn(self.se.name, fi_note)
        self.assertIn("kr", se_note)
        self.assertNotIn("€", se_note)
        self.assertNotIn(self.fi.name, se_note)
        # The account's own text follows the company worked in.
        self.account.invalidate_recordset()
        in_fi = self._partner_as(self.salesperson, self.fi)
        in_se = self._partner_as(self.salesperson, self.se)
        self.assertTrue(in_fi.kam_review_key_account)
        self.assertTrue(in_fi.kam_review_key_account_reason.startswith(self.fi.name + ":"))
        self.assertNotIn("kr", in_fi.kam_review_key_account_reason)
        self.assertTrue(in_se.kam_review_key_account_reason.startswith(self.se.name + ":"))
        self.assertNotIn("€", in_se.kam_review_key_account_reason)
        # Each company's screen shows its own reminder only.
        self.assertEqual(
            self._activities(REVIEW_TYPE, self.salesperson, self.fi), by_company[self.fi]
        )
        self.assertEqual(
            self._activities(REVIEW_TYPE, self.salesperson, self.se), by_company[self.se]
        )

    @freeze_time(NOW)
    def test_qualifying_again_closes_every_company_reminder(self):
        Partner = self.env["res.partner"]
        Partner._cron_kam_review_key_accounts()
        self.assertEqual(len(self._activities(REVIEW_TYPE)), 2)
        # Qualifying in one company is enough to stay a key account.
        self._set_purchases(self.account, 300_000, company=self.se)
        self.account.with_user(self.manager).write({"installer_count": 60})
        Partner._cron_kam_review_key_accounts()
        self.account.invalidate_recordset()
        self.assertFalse(self.account.kam_review_key_account)
        self.assertFalse(self.account.kam_review_key_account_reason)
        self.assertFalse(self._activities(REVIEW_TYPE))

    @freeze_time("2026-06-15")
    def test_swot_overdue_in_its_company_only(self):
        Swot = self.env["kam.swot.item"]
        Swot.create(
            {
                "partner_id": self.account.id,
                "company_id": self.se.id,
                "swot_type": "threat",
                "description": "Old Swedish threat",
                "date": "2025-01-01",
            }
        )
        Swot.create(
            {
                "partner_id": self.account.id,
                "company_id": self.fi.id,
                "swot_type": "strength",
                "description": "Fresh Finnish strength",
                "date": "2026-05-01",
            }
        )
        self.env["res.partner"]._cron_kam_swot_overdue()
        activity = self._activities(SWOT_TYPE)
        self.assertEqual(activity.kam_company_id, self.se)
        self.assertIn(self.se.name, activity.summary)
        self.assertFalse(self._partner_as(self.salesperson, self.fi).kam_swot_overdue)
        self.assertTrue(self._partner_as(self.salesperson, self.se).kam_swot_overdue)
        self.assertFalse(self._activities(SWOT_TYPE, self.salesperson, self.fi))

    def test_legacy_reminders_split_on_update(self):
        """Reminders of the former version (no company) are sorted out on update."""
        plan = self.env["kam.account.plan"].create(
            {"name": "Plan", "partner_id": self.account.id, "company_id": self.se.id}
        )
        Activity = self.env["mail.activity"]

        def legacy(record, type_xmlid):
            return Activity.create(
                {
                    "res_model_id": self.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": self.env.ref(type_xmlid).id,
                    "user_id": self.salesperson.id,
                    "summary": "Behind meeting targets: plan meetings",
                }
            )

        mixed = legacy(self.account, BEHIND_TYPE)
        review = legacy(plan, "key_account_mgmt.mail_activity_type_kam_plan_review")
        other = Activity.create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.account.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": self.salesperson.id,
            }
        )
        Activity._kam_split_legacy_reminders()
        self.assertFalse(mixed.exists())
        self.assertEqual(review.kam_company_id, self.se)
        self.assertTrue(other.exists())
        self.assertFalse(other.kam_company_id)

    @freeze_time(NOW)
    def test_reminder_closed_when_on_target_again(self):
        Status = self.env["kam.meeting.status"]
        Status._cron_kam_meeting_reminders()
        activity = self._activities(BEHIND_TYPE)
        self.assertEqual(activity.kam_company_id, self.se)
        # Class C in Sweden too: one procurement meeting a year, held.
        self.account.with_company(self.se).abc_class_manual = "C"
        Status._cron_kam_meeting_reminders()
        self.assertFalse(activity.exists(), "done: the account is on target in Sweden")
        self.assertFalse(self._activities(BEHIND_TYPE))
        done = self.account.message_ids.filtered(lambda m: "On target again" in (m.body or ""))
        self.assertTrue(done)

    @freeze_time("2026-06-15")
    def test_swot_reminder_closed_once_reviewed(self):
        item = self.env["kam.swot.item"].create(
            {
                "partner_id": self.account.id,
                "company_id": self.se.id,
                "swot_type": "threat",
                "description": "Old Swedish threat",
                "date": "2025-01-01",
            }
        )
        Partner = self.env["res.partner"]
        Partner._cron_kam_swot_overdue()
        activity = self._activities(SWOT_TYPE)
        self.assertTrue(activity)
        item.with_user(self.salesperson).with_context(
            allowed_company_ids=self.se.ids
        ).action_mark_reviewed()
        Partner._cron_kam_swot_overdue()
        self.assertFalse(activity.exists())


@tagged("post_install", "-at_install")
class TestServiceLevelCompanies(KamCase):
    def test_second_company_rows_hidden_from_single_company_user(self):
        levels = self.env["kam.service.level"].with_user(self.salesperson2).search([])
        self.assertEqual(levels.company_id, self.company)
        self.assertEqual(len(levels), 3)
