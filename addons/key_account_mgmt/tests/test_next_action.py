from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KamCase

CALL = "mail.mail_activity_data_call"
EMAIL = "mail.mail_activity_data_email"
TODO = "mail.mail_activity_data_todo"
# A Friday: the next working day is Monday 2026-06-15.
FRIDAY = datetime(2026, 6, 12, 9, 0)


@tagged("post_install", "-at_install")
class TestNextAction(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson.tz = "Europe/Helsinki"
        cls.account = cls._customer("Aamu Oy", is_key_account=True, user_id=cls.salesperson.id)
        cls.maija = cls._contact(cls.account, "Maija Virtanen", "project")
        cls.pekka = cls._contact(cls.account, "Pekka Korhonen", "project")
        cls.paula = cls._contact(cls.account, "Paula Nieminen", "project")
        cls.liisa = cls._contact(cls.account, "Liisa Mäkinen", "marketing")
        cls.olli = cls._contact(cls.account, "Olli Hakala", "procurement")
        # Pekka was met last month, Paula never: Paula is the stalest.
        cls.env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            {
                "name": "Met Pekka",
                "start": datetime(2026, 5, 4, 9),
                "stop": datetime(2026, 5, 4, 10),
                "user_id": cls.salesperson.id,
                "partner_ids": [(6, 0, cls.pekka.ids)],
            }
        )

    def _health(self, lines, partner=None, company=None):
        """A health row with its lines (factor, gap, group key, contact) as the engine
        writes them, then the engine's hook."""
        Line = self.env["kam.relationship.health.line"]
        health = (
            self.env["kam.relationship.health"]
            .sudo()
            .create(
                {
                    "partner_id": (partner or self.account).id,
                    "company_id": (company or self.company).id,
                    "health": 60,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "factor": factor,
                                "gap": gap,
                                "applicable": True,
                                "weight": 20,
                                "points": 20 - gap,
                                "stakeholder_group_id": self.groups[group].id if group else False,
                                "contact_id": contact.id if contact else False,
                            },
                        )
                        for factor, gap, group, contact in lines
                    ],
                }
            )
        )
        self.assertTrue(Line.browse(health.line_ids.ids).exists())
        health._kam_after_compute()
        return health

    # ---------------------------------------------------------------------------------
    # Which line, which contact
    # ---------------------------------------------------------------------------------
    def test_largest_gap_wins(self):
        health = self._health(
            [
                ("meetings", 8.0, "project", self.maija),
                ("swot", 12.0, None, None),
                ("review", 3.0, None, None),
            ]
        )
        self.assertEqual(health.next_action_kind, "swot")
        self.assertEqual(health.next_action_factor, "swot")
        self.assertFalse(health.next_action_contact_id)
        self.assertTrue(health.next_action_text.startswith("Review the SWOT"))

    def test_equal_gaps_follow_the_factor_order(self):
        health = self._health(
            [("swot", 10.0, None, None), ("meetings", 10.0, "project", self.maija)]
        )
        self.assertEqual(health.next_action_kind, "meeting")
        self.assertEqual(health.next_action_contact_id, self.maija)
        self.assertEqual(health.next_action_group_id, self.groups["project"])

    def test_lines_without_gap_or_not_applicable_propose_nothing(self):
        health = self._health([("swot", 0.0, None, None), ("meetings", 5.0, "project", None)])
        health.line_ids.filtered(lambda ln: ln.factor == "meetings").sudo().applicable = False
        health._kam_after_compute()
        self.assertFalse(health.next_action_kind)
        self.assertFalse(health.next_action_text)
        with self.assertRaises(UserError):
            health.with_user(self.salesperson).action_kam_do_next_action()

    def test_meeting_text(self):
        health = self._health([("meetings", 9.0, "project", self.maija)])
        self.assertEqual(health.next_action_kind, "meeting")
        self.assertTrue(
            health.next_action_text.startswith("Meet Maija Virtanen (Project managers)"),
            health.next_action_text,
        )

    def test_preferred_channel_sets_the_kind(self):
        self.maija.kam_contact_channel = "phone"
        health = self._health([("meetings", 9.0, "project", self.maija)])
        self.assertEqual(health.next_action_kind, "call")
        self.assertTrue(health.next_action_text.startswith("Call Maija Virtanen (Project"))
        self.maija.write({"kam_contact_channel": "email", "email": "maija@aamu.example"})
        health._kam_after_compute()
        self.assertEqual(health.next_action_kind, "email")
        self.assertTrue(health.next_action_text.startswith("E-mail Maija Virtanen"))

    def test_blacklisted_email_is_never_proposed(self):
        self.maija.write({"kam_contact_channel": "email", "email": "maija@aamu.example"})
        self.env["mail.blacklist"].sudo()._add("maija@aamu.example")
        health = self._health([("meetings", 9.0, "project", self.maija)])
        self.assertEqual(health.next_action_kind, "meeting", "no phone number: a visit")
        self.maija.phone = "+358 40 123 4567"
        health._kam_after_compute()
        self.assertEqual(health.next_action_kind, "call")
        channels = self.maija._kam_allowed_channels()[self.maija.id]
        self.assertNotIn("email", channels)

    def test_do_not_contact_is_replaced_by_the_stalest_contact_of_the_group(self):
        self.maija.kam_do_not_contact = True
        health = self._health([("freshness", 9.0, "project", self.maija)])
        self.assertEqual(health.next_action_contact_id, self.paula, "never met: stalest")
        self.assertEqual(health.next_action_kind, "meeting")
        self.paula.kam_do_not_contact = True
        health._kam_after_compute()
        self.assertEqual(health.next_action_contact_id, self.pekka)
        self.assertNotIn("Maija", health.next_action_text)

    def test_whole_group_blocked_asks_for_a_new_contact(self):
        self.liisa.kam_do_not_contact = True
        health = self._health([("coverage", 9.0, "marketing", self.liisa)])
        self.assertEqual(health.next_action_kind, "find_contact")
        self.assertFalse(health.next_action_contact_id)
        self.assertEqual(
            health.next_action_text, "No contact may be reached in Marketing: find a new contact"
        )
        self.liisa.parent_id = False
        health._kam_after_compute()
        health.invalidate_recordset(["next_action_text"])
        self.assertTrue(health.next_action_text.startswith("Find a contact in Marketing"))

    def test_account_do_not_contact_leaves_only_internal_actions(self):
        self.account.kam_do_not_contact = True
        self.assertEqual(self.maija._kam_allowed_channels()[self.maija.id], [])
        health = self._health(
            [("meetings", 15.0, "project", self.maija), ("review", 4.0, None, None)]
        )
        self.assertEqual(health.next_action_kind, "review")
        self.assertTrue(health.next_action_text.startswith("Hold the plan review"))

    # ---------------------------------------------------------------------------------
    # The click
    # ---------------------------------------------------------------------------------
    @freeze_time(FRIDAY)
    def test_one_click_creates_one_prefilled_meeting(self):
        health = self._health([("meetings", 9.0, "project", self.maija)])
        Event = self.env["calendar.event"]
        before = Event.search_count([("partner_ids", "in", self.maija.id)])
        action = self.account.with_user(self.salesperson).action_kam_do_next_action()
        event = Event.browse(action["res_id"])
        self.assertEqual(action["res_model"], "calendar.event")
        self.assertEqual(Event.search_count([("partner_ids", "in", self.maija.id)]), before + 1)
        self.assertEqual(event.partner_ids, self.salesperson.partner_id | self.maija)
        self.assertEqual(event.user_id, self.salesperson)
        self.assertEqual(event.name, "Meeting: Maija Virtanen, Aamu Oy")
        # Monday 10:00 in Helsinki (UTC+3 in June).
        self.assertEqual(event.start, datetime(2026, 6, 15, 7, 0))
        self.assertEqual(event.stop - event.start, timedelta(hours=1))
        # While it is planned, a second click opens it instead of a duplicate.
        again = health.with_user(self.salesperson).action_kam_do_next_action()
        self.assertEqual(again["res_id"], event.id)
        self.assertEqual(Event.search_count([("partner_ids", "in", self.maija.id)]), before + 1)

    def test_phone_contact_gets_a_call_activity(self):
        self.maija.kam_contact_channel = "phone"
        self._health([("meetings", 9.0, "project", self.maija)])
        action = self.account.with_user(self.salesperson).action_kam_do_next_action()
        self.assertEqual(action["tag"], "display_notification")
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.account.id)]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.activity_type_id, self.env.ref(CALL))
        self.assertEqual(activities.user_id, self.salesperson)
        self.assertEqual(activities.kam_company_id, self.company)
        self.assertEqual(activities.summary, "Call Maija Virtanen")
        self.assertIn("Call Maija Virtanen (Project managers)", activities.note)
        # Open: a second click schedules nothing more.
        self.account.with_user(self.salesperson).action_kam_do_next_action()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.account.id)]
            ),
            1,
        )

    def test_email_and_todo_activity_types(self):
        self.maija.write({"kam_contact_channel": "email", "email": "maija@aamu.example"})
        health = self._health([("meetings", 9.0, "project", self.maija)])
        health.with_user(self.salesperson).action_kam_do_next_action()
        self.liisa.kam_do_not_contact = True
        swot = self._health([("swot", 5.0, None, None)], partner=self._customer("Ilta Oy"))
        swot.partner_id.user_id = self.salesperson
        swot.with_user(self.salesperson).action_kam_do_next_action()
        types = {
            act.res_id: (act.activity_type_id, act.summary)
            for act in self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("user_id", "=", self.salesperson.id)]
            )
        }
        self.assertEqual(types[self.account.id], (self.env.ref(EMAIL), "E-mail Maija Virtanen"))
        self.assertEqual(types[swot.partner_id.id], (self.env.ref(TODO), "Review the SWOT"))

    def test_contact_blocked_after_the_proposal_is_refused(self):
        health = self._health([("meetings", 9.0, "project", self.maija)])
        self.maija.kam_do_not_contact = True
        Event = self.env["calendar.event"]
        count = Event.search_count([])
        with self.assertRaisesRegex(UserError, "Maija Virtanen must not be contacted"):
            health.with_user(self.salesperson).action_kam_do_next_action()
        self.assertEqual(Event.search_count([]), count)

    def test_email_blacklisted_after_the_proposal_is_refused(self):
        self.maija.write({"kam_contact_channel": "email", "email": "maija@aamu.example"})
        health = self._health([("meetings", 9.0, "project", self.maija)])
        self.env["mail.blacklist"].sudo()._add("maija@aamu.example")
        with self.assertRaises(UserError):
            health.with_user(self.salesperson).action_kam_do_next_action()
        self.assertFalse(
            self.env["mail.activity"].search([("res_id", "=", self.account.id)]),
        )

    def test_only_owners_and_managers_act(self):
        health = self._health([("meetings", 9.0, "project", self.maija)])
        count = self.env["calendar.event"].search_count([])
        with self.assertRaisesRegex(AccessError, "Only the salesperson or the key account"):
            health.with_user(self.salesperson2).action_kam_do_next_action()
        self.assertEqual(self.env["calendar.event"].search_count([]), count)
        action = health.with_user(self.manager).action_kam_do_next_action()
        event = self.env["calendar.event"].browse(action["res_id"])
        self.assertEqual(event.partner_ids, self.manager.partner_id | self.maija)

    def test_second_company_is_kept_apart(self):
        self._health([("meetings", 9.0, "project", self.maija)])
        other = self._health([("swot", 9.0, None, None)], company=self.company2)
        account = self.account.with_user(self.salesperson)
        self.assertEqual(account.kam_next_action_kind, "meeting")
        in_other = account.with_company(self.company2)
        self.assertEqual(in_other.kam_next_action_kind, "swot")
        in_other.action_kam_do_next_action()
        activity = self.env["mail.activity"].search([("res_id", "=", self.account.id)])
        self.assertEqual(activity.kam_company_id, self.company2)
        # Sam works in the first company only: the other company's health is not his.
        self.account.user_id = self.salesperson2
        with self.assertRaises(AccessError):
            other.with_user(self.salesperson2).action_kam_do_next_action()
        self.assertEqual(
            self.env["kam.relationship.health"]
            .with_user(self.salesperson2)
            .search_count([("partner_id", "=", self.account.id)]),
            1,
        )

    def test_partner_without_health_explains(self):
        with self.assertRaisesRegex(UserError, "no relationship health"):
            self.account.with_user(self.salesperson).action_kam_do_next_action()

    @freeze_time(FRIDAY)
    def test_through_the_health_engine(self):
        self.account.abc_class_manual = "A"
        Engine = self.env["kam.health.engine"]
        health = Engine._kam_compute_health(partners=self.account, companies=self.company)
        self.assertEqual(len(health), 1)
        lines = health.line_ids.filtered(lambda ln: ln.applicable and ln.gap > 0)
        self.assertTrue(lines)
        order = ("meetings", "freshness", "coverage", "p_alive", "revenue", "review", "swot")
        top = min(lines, key=lambda ln: (-ln.gap, order.index(ln.factor), ln.id))
        self.assertEqual(health.next_action_factor, top.factor)
        self.assertEqual(health.next_action_line_id, top)
        self.assertTrue(health.next_action_text)
        self.assertEqual(
            self.account.with_user(self.salesperson).kam_next_action_text,
            health.next_action_text,
        )
        # Nobody of the account may be contacted: no proposal names a contact.
        (self.maija | self.pekka | self.paula | self.liisa | self.olli).kam_do_not_contact = True
        health = Engine._kam_compute_health(partners=self.account, companies=self.company)
        self.assertFalse(health.next_action_contact_id)
        self.assertNotIn(health.next_action_kind, ("meeting", "call", "email"))

    def test_coverage_gap_asks_for_a_contact_not_a_meeting(self):
        health = self._health([("coverage", 9.0, None, None)])
        self.assertEqual(health.next_action_kind, "find_contact")
        self.assertFalse(health.next_action_contact_id)
        self.assertTrue(health.next_action_text.startswith("Find a new contact at Aamu Oy"))
        health.with_user(self.salesperson).action_kam_do_next_action()
        activity = self.env["mail.activity"].search([("res_id", "=", self.account.id)])
        self.assertEqual(activity.activity_type_id, self.env.ref(TODO))
        self.assertEqual(activity.summary, "Find a new contact")
