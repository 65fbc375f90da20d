from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KamCase

NOW = datetime(2026, 6, 15, 12, 0)
BEHIND_TYPE = "key_account_mgmt.mail_activity_type_kam_meetings_behind"


@tagged("post_install", "-at_install")
class TestMeetingTargets(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Avain Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        cls.account.abc_class_manual = "A"
        cls.proc1 = cls._contact(cls.account, "Pirkko Procurement", "procurement")
        cls.proc2 = cls._contact(cls.account, "Pekka Procurement", "procurement")
        cls.pm1 = cls._contact(cls.account, "Paavo Project", "project")
        cls.nogroup = cls.env["res.partner"].create(
            {"name": "Ilkka Ilman", "parent_id": cls.account.id}
        )
        cls.other = cls._customer("Muu Oy")
        cls.other_proc = cls._contact(cls.other, "Olli Other", "procurement")

        event = cls._event
        event("held 1", datetime(2026, 3, 1, 9), cls.proc1)
        event("held 2, two procurement contacts", datetime(2026, 4, 1, 9), cls.proc1 | cls.proc2)
        event("too old", datetime(2025, 5, 1, 9), cls.proc1)
        event("planned", datetime(2026, 7, 1, 9), cls.proc1)
        event("cancelled", datetime(2026, 5, 1, 9), cls.proc1, active=False)
        declined = event("declined", datetime(2026, 5, 2, 9), cls.proc2)
        declined.attendee_ids.filtered(lambda a: a.partner_id == cls.proc2).state = "declined"
        event("project meeting", datetime(2026, 5, 3, 9), cls.pm1)
        event("other customer", datetime(2026, 5, 4, 9), cls.other_proc)
        event("contact without group", datetime(2026, 5, 5, 9), cls.nogroup)

    def _status(self, partner, company=None):
        company = company or self.company
        return {
            self.env["kam.stakeholder.group"].browse(row["stakeholder_group_id"]).name: (
                row["meetings_held"],
                row["meetings_planned"],
                "none"
                if not row["has_target"]
                else (None if row["as_needed"] else row["meetings_target"]),
                row["is_behind"],
            )
            for row in self.env["kam.meeting.status"]._kam_fetch_status(
                now=NOW, partner_ids=partner.ids
            )
            if row["company_id"] == company.id
        }

    def test_table_1_defaults(self):
        targets = self.env["kam.meeting.target"].search([("company_id", "=", self.company.id)])
        table = {
            (t.stakeholder_group_id.name, t.abc_class): "as needed"
            if t.as_needed
            else t.meetings_per_year
            for t in targets
        }
        self.assertEqual(
            table,
            {
                ("Procurement", "A"): 4,
                ("Procurement", "B"): 2,
                ("Procurement", "C"): 1,
                ("Project managers", "A"): 12,
                ("Project managers", "B"): 6,
                ("Project managers", "C"): "as needed",
                ("Marketing", "A"): 2,
            },
        )

    def test_bad_targets_refused(self):
        Target = self.env["kam.meeting.target"]
        count = Target.search_count([])
        with self.assertRaises(ValidationError):
            Target.create(
                {
                    "company_id": self.company.id,
                    "abc_class": "B",
                    "stakeholder_group_id": self.groups["marketing"].id,
                    "meetings_per_year": 0,
                }
            )
        with self.assertRaises(ValidationError):
            Target.create(
                {
                    "company_id": self.company.id,
                    "abc_class": "B",
                    "stakeholder_group_id": self.groups["marketing"].id,
                    "meetings_per_year": -2,
                }
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            Target.create(
                {
                    "company_id": self.company.id,
                    "abc_class": "A",
                    "stakeholder_group_id": self.groups["marketing"].id,
                    "meetings_per_year": 3,
                }
            )
        self.assertEqual(Target.search_count([]), count)

    def test_new_stakeholder_group_target(self):
        """A reseller wants 3 planning meetings a year: data, not code."""
        planning = self.env["kam.stakeholder.group"].create({"name": "Planning"})
        self.env["kam.meeting.target"].create(
            {
                "company_id": self.company.id,
                "abc_class": "A",
                "stakeholder_group_id": planning.id,
                "meetings_per_year": 3,
            }
        )
        contact = self.env["res.partner"].create(
            {
                "name": "Pia Planning",
                "parent_id": self.account.id,
                "kam_stakeholder_group_id": planning.id,
            }
        )
        self._event("planning", datetime(2026, 2, 1, 9), contact)
        self.assertEqual(self._status(self.account)["Planning"], (1, 0, 3, True))

    def test_second_company_gets_table_1(self):
        self.assertEqual(
            self.env["kam.meeting.target"].search_count([("company_id", "=", self.company2.id)]),
            7,
        )

    def test_counts_for_class_a(self):
        # Procurement: "held 1" and "held 2" (one event with two contacts); not the one
        # older than 12 months, the cancelled one, the declined one or another customer's.
        self.assertEqual(
            self._status(self.account),
            {
                "Procurement": (2, 1, 4, True),
                "Project managers": (1, 0, 12, True),
                "Marketing": (0, 0, 2, True),
                # The contact without a stakeholder group: shown, no target, not behind.
                False: (1, 0, "none", False),
            },
        )

    def test_class_b_has_no_marketing_target(self):
        self.account.abc_class_manual = "B"
        status = self._status(self.account)
        self.assertEqual(set(status), {"Procurement", "Project managers", False})
        self.assertEqual(status["Procurement"], (2, 1, 2, False))

    def test_group_met_without_target_is_shown(self):
        """Class B has no marketing target: the marketing meetings still show, not behind."""
        self.account.abc_class_manual = "B"
        marketing = self._contact(self.account, "Minna Marketing", "marketing")
        self._event("marketing 1", datetime(2026, 2, 1, 9), marketing)
        self._event("marketing 2", datetime(2026, 2, 2, 9), marketing)
        self._event("marketing old", datetime(2025, 1, 2, 9), marketing)
        status = self._status(self.account)
        self.assertEqual(status["Marketing"], (2, 0, "none", False))
        rows = self.env["kam.meeting.status"].search(
            [("partner_id", "=", self.account.id), ("company_id", "=", self.company.id)]
        )
        row = rows.filtered(lambda r: r.stakeholder_group_id == self.groups["marketing"])
        self.assertEqual(row.target_display, "no target")
        self.assertFalse(row.is_behind)
        # Only the old meeting: nothing to show for the group.
        self.env["calendar.event"].search([("name", "in", ["marketing 1", "marketing 2"])]).unlink()
        self.assertNotIn("Marketing", self._status(self.account))

    def test_class_c_as_needed_never_behind(self):
        self.account.abc_class_manual = "C"
        self.assertEqual(
            self._status(self.account),
            {
                "Procurement": (2, 1, 1, False),
                "Project managers": (1, 0, None, False),
                False: (1, 0, "none", False),
            },
        )

    def test_edited_target_is_used(self):
        target = self.env["kam.meeting.target"].search(
            [
                ("company_id", "=", self.company.id),
                ("abc_class", "=", "A"),
                ("stakeholder_group_id", "=", self.groups["procurement"].id),
            ]
        )
        target.meetings_per_year = 2
        self.assertEqual(self._status(self.account)["Procurement"], (2, 1, 2, False))

    def test_not_a_key_account_has_no_status(self):
        self.account.is_key_account = False
        self.assertEqual(self._status(self.account), {})

    def test_live_view_counts_a_past_meeting(self):
        """The SQL view behind the lists counts with the database clock."""
        account = self._customer("Nyt Oy", is_key_account=True)
        account.abc_class_manual = "A"
        contact = self._contact(account, "Maija Marketing", "marketing")
        self._event("last week", datetime.now() - timedelta(days=7), contact)
        self._event("next week", datetime.now() + timedelta(days=7), contact)
        self.env.flush_all()
        rows = self.env["kam.meeting.status"].search(
            [("partner_id", "=", account.id), ("company_id", "=", self.company.id)]
        )
        marketing = rows.filtered(lambda r: r.stakeholder_group_id == self.groups["marketing"])
        self.assertEqual(
            (marketing.meetings_held, marketing.meetings_planned, marketing.meetings_target),
            (1, 1, 2),
        )
        self.assertTrue(marketing.is_behind)
        self.assertEqual(len(rows), 3)
        account.invalidate_recordset(["kam_meeting_status_ids"])
        self.assertEqual(
            account.kam_meeting_status_ids.filtered(lambda r: r.company_id == self.company), rows
        )

    def test_second_company_uses_its_own_class(self):
        # In the second company the account has no manual class and no data: C.
        self.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=self.company2, partners=self.account
        )
        self.assertEqual(
            self._status(self.account, self.company2),
            {
                "Procurement": (2, 1, 1, False),
                "Project managers": (1, 0, None, False),
                False: (1, 0, "none", False),
            },
        )

    @freeze_time(NOW)
    def test_cron_one_activity_per_behind_account(self):
        Status = self.env["kam.meeting.status"]
        Status._cron_kam_meeting_reminders()
        Status._cron_kam_meeting_reminders()
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.account.id),
                ("activity_type_id", "=", self.env.ref(BEHIND_TYPE).id),
            ]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesperson)
        self.assertIn("Procurement: 2 of 4 held, 1 planned", activities.note)
        # An account on target gets none.
        self.account.abc_class_manual = "C"
        activities.unlink()
        Status._cron_kam_meeting_reminders()
        self.assertFalse(
            self.env["mail.activity"].search_count(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.account.id),
                    ("activity_type_id", "=", self.env.ref(BEHIND_TYPE).id),
                ]
            )
        )

    @freeze_time(NOW)
    def test_behind_flag_and_search_on_partner(self):
        self.assertTrue(self.account.kam_meetings_behind)
        found = self.env["res.partner"].search([("kam_meetings_behind", "=", True)])
        self.assertIn(self.account, found)
        self.account.abc_class_manual = "C"
        self.account.invalidate_recordset()
        self.assertFalse(self.account.kam_meetings_behind)

    def test_meeting_counts_in_the_companies_of_its_organiser(self):
        """Calendar events have no company: a meeting counts for the companies its
        organiser works in, when the customer is shared or belongs to that company."""
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        shared = self._customer("Jaettu Oy", is_key_account=True)
        shared_contact = self._contact(shared, "Jaana Jaettu", "procurement")
        second_only = self._customer("Toinen AB", is_key_account=True, company_id=self.company2.id)
        second_contact = self._contact(second_only, "Tove Toinen", "procurement")
        # Sam works in the first company only, Sally in both.
        for name, organiser, partners in (
            ("by Sam", self.salesperson2, shared_contact),
            ("by Sally", self.salesperson, shared_contact | second_contact),
        ):
            Event.create(
                {
                    "name": name,
                    "start": datetime(2026, 5, 10, 9),
                    "stop": datetime(2026, 5, 10, 10),
                    "user_id": organiser.id,
                    "partner_ids": [(6, 0, partners.ids)],
                }
            )

        def held(partner, company):
            return sum(row[0] for row in self._status(partner, company).values())

        self.assertEqual(held(shared, self.company), 2)
        self.assertEqual(held(shared, self.company2), 1, "Sam's meeting is not the second's")
        self.assertEqual(held(second_only, self.company2), 1)
        self.assertEqual(self._status(second_only, self.company), {})
