from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import KamCase

NOW = datetime(2026, 6, 15, 12, 0)
REVIEW_TYPE = "key_account_mgmt.mail_activity_type_kam_review_key_account"


class FollowUpCase(KamCase):
    @classmethod
    def _key_account(cls, name, manual_class, kam=None, **vals):
        partner = cls._customer(
            name,
            is_key_account=True,
            key_account_manager_id=(kam or cls.salesperson).id,
            **vals,
        )
        partner.abc_class_manual = manual_class
        return partner

    def _activities(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.env.ref(REVIEW_TYPE).id),
            ]
        )


@tagged("post_install", "-at_install")
class TestOverServed(FollowUpCase):
    """Default rule: B or C; meetings > 2 x class targets, or plan hours > 20 (B) / 8 (C).

    Class targets of the main company (Table 1): B = 2 + 6 = 8, C = 1 (+ as needed) = 1.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "kam_overserved_meeting_factor": 2.0,
                "kam_overserved_hours_b": 20.0,
                "kam_overserved_hours_c": 8.0,
            }
        )
        cls.c_account = cls._key_account("Cee Oy", "C")
        cls.a_account = cls._key_account("Aa Oy", "A")
        cls.b_account = cls._key_account("Bee Oy", "B")
        cls.c_contact = cls._contact(cls.c_account, "Cecilia", "procurement")
        cls.a_contact = cls._contact(cls.a_account, "Aatu", "procurement")
        # No stakeholder group: effort is effort, every contact counts.
        cls.c_other = cls.env["res.partner"].create(
            {"name": "Cyril", "parent_id": cls.c_account.id}
        )
        for day in (1, 2):
            cls._event(f"C held {day}", datetime(2026, 3, day, 9), cls.c_contact)
            cls._event(f"A held {day}", datetime(2026, 3, day, 9), cls.a_contact)
        cls._event("A held 3", datetime(2026, 3, 3, 9), cls.a_contact)
        cls._event("C cancelled", datetime(2026, 4, 1, 9), cls.c_contact, active=False)
        cls._event("C planned", datetime(2026, 7, 1, 9), cls.c_contact)
        cls._event("C too old", datetime(2025, 6, 1, 9), cls.c_contact)

    def _overserved(self, partner):
        with freeze_time(NOW):
            partner.invalidate_recordset(["kam_overserved", "kam_overserved_reason"])
            return partner.kam_overserved, partner.kam_overserved_reason

    def test_c_account_at_the_limit_is_not_overserved(self):
        # 2 held (cancelled, planned and older than 12 months do not count), limit 2 x 1 = 2.
        self.assertEqual(self._overserved(self.c_account), (False, False))

    def test_c_account_above_the_limit_is_overserved(self):
        self._event("C held 3", datetime(2026, 5, 1, 9), self.c_other)
        flag, reason = self._overserved(self.c_account)
        self.assertTrue(flag)
        self.assertEqual(
            reason,
            "3 meetings in 12 months, more than 2 (2 x the meeting targets of class C).",
        )

    def test_a_account_is_never_overserved(self):
        self.assertEqual(self._overserved(self.a_account), (False, False))

    def test_meeting_rule_switched_off(self):
        self._event("C held 3", datetime(2026, 5, 1, 9), self.c_other)
        self.company.kam_overserved_meeting_factor = 0
        self.assertEqual(self._overserved(self.c_account), (False, False))

    def test_plan_hours_above_class_limit(self):
        plan = self.env["kam.account.plan"].create(
            {
                "name": "Bee 2026",
                "partner_id": self.b_account.id,
                "date_start": date(2026, 1, 1),
                "resource_ids": [
                    (0, 0, {"user_id": self.salesperson.id, "hours_per_month": 16}),
                    (0, 0, {"user_id": self.salesperson2.id, "hours_per_month": 4}),
                ],
            }
        )
        plan.action_activate()
        # 20 hours = the limit: not above it.
        self.assertEqual(self._overserved(self.b_account), (False, False))
        plan.resource_ids[1].hours_per_month = 4.5
        flag, reason = self._overserved(self.b_account)
        self.assertTrue(flag)
        self.assertEqual(
            reason,
            "20.5 resource hours per month in the active account plan, more than 20 for class B.",
        )

    def test_draft_plan_hours_do_not_count(self):
        self.env["kam.account.plan"].create(
            {
                "name": "Draft",
                "partner_id": self.b_account.id,
                "resource_ids": [(0, 0, {"user_id": self.salesperson.id, "hours_per_month": 90})],
            }
        )
        self.assertEqual(self._overserved(self.b_account), (False, False))

    def test_manager_filter(self):
        self._event("C held 3", datetime(2026, 5, 1, 9), self.c_other)
        with freeze_time(NOW):
            found = (
                self.env["res.partner"]
                .with_user(self.manager)
                .search([("kam_overserved", "=", True)])
            )
            not_found = (
                self.env["res.partner"]
                .with_user(self.manager)
                .search([("kam_overserved", "=", False), ("id", "in", self.a_account.ids)])
            )
        self.assertEqual(found, self.c_account)
        self.assertEqual(not_found, self.a_account)

    def test_other_company_has_its_own_class(self):
        # The class is per company: A in the second company is never over-served there,
        # while the A account of the main company is C (computed) in the second one.
        self._event("C held 3", datetime(2026, 5, 1, 9), self.c_other)
        self.c_account.with_company(self.company2).abc_class_manual = "A"
        with freeze_time(NOW):
            in_main = self.env["kam.meeting.status"]._kam_overserved_reasons(self.company)
            in_second = self.env["kam.meeting.status"]._kam_overserved_reasons(self.company2)
        self.assertEqual(list(in_main), [self.c_account.id])
        self.assertEqual(self.a_account.with_company(self.company2).abc_class, "C")
        self.assertEqual(
            in_second,
            {
                self.a_account.id: "3 meetings in 12 months, more than 2 "
                "(2 x the meeting targets of class C)."
            },
        )

    def test_bad_settings_refused(self):
        with self.assertRaises(ValidationError):
            self.company.kam_overserved_hours_c = -1
        with self.assertRaises(ValidationError):
            self.company.kam_overserved_meeting_factor = -0.5
        self.assertEqual(self.company.kam_overserved_hours_c, 8.0)


@tagged("post_install", "-at_install")
class TestKeyAccountReview(FollowUpCase):
    """Criteria = class A thresholds (turnover 20 M, installers 50, purchases 200,000), 2 of 3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.kam_key_account_min_criteria = 2
        cls.good = cls._key_account("Hyvä Oy", "A", turnover=30_000_000, installers=80)
        cls.fallen = cls._key_account(
            "Pudonnut Oy", "C", kam=cls.salesperson2, turnover=25_000_000, installers=10
        )

    def _run(self):
        with freeze_time(NOW):
            self.env["res.partner"]._cron_kam_review_key_accounts()
        (self.good | self.fallen).invalidate_recordset()

    def test_flag_and_one_activity(self):
        self._run()
        self._run()
        self.assertFalse(self.good.kam_review_key_account)
        self.assertTrue(self.fallen.kam_review_key_account)
        self.assertIn("1 of 3 criteria met, 2 needed", self.fallen.kam_review_key_account_reason)
        activities = self._activities(self.good | self.fallen)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.res_id, self.fallen.id)
        self.assertEqual(activities.user_id, self.salesperson2)
        self.assertEqual(activities.date_deadline, NOW.date())

    def test_purchases_make_it_qualify_again(self):
        self._run()
        self._set_purchases(self.fallen, 200_000.01)
        self._run()
        self.assertFalse(self.fallen.kam_review_key_account)
        self.assertFalse(self.fallen.kam_review_key_account_reason)
        self.assertFalse(self._activities(self.fallen))

    def test_exactly_at_threshold_does_not_qualify(self):
        self._set_purchases(self.fallen, 200_000)
        self._run()
        self.assertTrue(self.fallen.kam_review_key_account)

    def test_criteria_setting_is_reused(self):
        self.company.kam_key_account_min_criteria = 1
        self._run()
        self.assertFalse(self.fallen.kam_review_key_account)
        wizard = Form(self.env["kam.key.account.candidate.wizard"].with_user(self.manager))
        self.assertEqual(wizard.min_criteria, 1)

    def test_manager_keeps_the_account(self):
        self._run()
        with freeze_time(NOW):
            self.fallen.with_user(self.manager).action_kam_keep_key_account()
        self._run()
        self.fallen.invalidate_recordset()
        self.assertFalse(self.fallen.kam_review_key_account)
        self.assertEqual(self.fallen.kam_review_keep_until, date(2027, 6, 15))
        self.assertTrue(self.fallen.is_key_account)
        self.assertFalse(self._activities(self.fallen))
        with freeze_time(datetime(2027, 6, 16, 8)):
            self.env["res.partner"]._cron_kam_review_key_accounts()
        self.fallen.invalidate_recordset()
        self.assertTrue(self.fallen.kam_review_key_account)

    def test_manager_removes_the_status(self):
        self._run()
        self.fallen.with_user(self.manager).action_kam_remove_key_account()
        self.assertFalse(self.fallen.is_key_account)
        self.assertFalse(self.fallen.kam_review_key_account)
        self.assertFalse(self._activities(self.fallen))
        self.assertEqual(self.fallen.kam_key_account_history_ids.sorted("id")[-1].event, "removed")

    def test_salesperson_cannot_decide(self):
        self._run()
        with self.assertRaises(AccessError):
            self.fallen.with_user(self.salesperson2).action_kam_keep_key_account()
        with self.assertRaises(AccessError):
            self.fallen.with_user(self.salesperson2).action_kam_remove_key_account()
        self.assertTrue(self.fallen.is_key_account)
        self.assertTrue(self.fallen.kam_review_key_account)

    def test_bad_setting_refused(self):
        with self.assertRaises(ValidationError):
            self.company.kam_key_account_min_criteria = 4
        with self.assertRaises(ValidationError):
            self.company.kam_key_account_min_criteria = 0
        self.assertEqual(self.company.kam_key_account_min_criteria, 2)


@tagged("post_install", "-at_install")
class TestContactCoverage(FollowUpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._key_account("Kattava Oy", "A")
        cls.ceo = cls._contact(cls.account, "Toimitusjohtaja", "procurement")
        cls.buyer = cls._contact(cls.account, "Ostaja", "procurement")
        (cls.ceo | cls.buyer).kam_org_level = "strategic"
        cls.plain = cls._customer("Tavallinen Oy")

    def test_one_level_warns(self):
        self.assertEqual(self.account.kam_org_level_count, 1)
        self.assertTrue(self.account.kam_org_level_warning)
        found = self.env["res.partner"].search([("kam_org_level_warning", "=", True)])
        self.assertIn(self.account, found)
        self.assertNotIn(self.plain, found)

    def test_two_levels_are_enough(self):
        self.buyer.kam_org_level = "operational"
        self.account.invalidate_recordset()
        self.assertEqual(self.account.kam_org_level_count, 2)
        self.assertFalse(self.account.kam_org_level_warning)
        self.assertNotIn(
            self.account,
            self.env["res.partner"].search([("kam_org_level_warning", "=", True)]),
        )

    def test_archived_contact_does_not_count(self):
        self.buyer.kam_org_level = "tactical"
        self.buyer.active = False
        self.account.invalidate_recordset()
        self.assertEqual(self.account.kam_org_level_count, 1)

    def test_not_a_key_account_no_warning(self):
        self.assertEqual(self.plain.kam_org_level_count, 0)
        self.assertFalse(self.plain.kam_org_level_warning)

    def test_shown_on_account_plan(self):
        plan = self.env["kam.account.plan"].create({"name": "Plan", "partner_id": self.account.id})
        self.assertEqual(plan.contact_level_count, 1)
        self.assertTrue(plan.contact_level_warning)


@tagged("post_install", "-at_install")
class TestServiceLevel(FollowUpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._key_account("Palvelu Oy", "A")
        cls.unclassified = cls.env["res.partner"].create(
            {"name": "Luokaton Oy", "is_company": True}
        )

    def test_defaults_for_each_company(self):
        Level = self.env["kam.service.level"]
        for company in (self.company, self.company2):
            levels = Level.search([("company_id", "=", company.id)])
            self.assertEqual(levels.mapped("abc_class"), ["A", "B", "C"])
            self.assertEqual(levels.mapped("priority"), ["1", "2", "3"])
        self.assertEqual(
            Level.search(
                [("company_id", "=", self.company.id), ("abc_class", "=", "C")]
            ).visit_frequency,
            "At most once a year",
        )

    def test_shown_next_to_the_class(self):
        text = self.account.with_user(self.salesperson).kam_service_level_text
        self.assertIn("Visits: Field visit once a month", text)
        self.assertIn("Priority: 1 - Highest", text)
        self.assertFalse(self.unclassified.kam_service_level_text)

    def test_follows_the_class_and_the_company(self):
        level_c = self.env["kam.service.level"].search(
            [("company_id", "=", self.company2.id), ("abc_class", "=", "C")]
        )
        level_c.visit_frequency = "Ei käyntejä"
        partner = self.account.with_company(self.company2)
        partner.abc_class_manual = "C"
        self.assertIn("Visits: Ei käyntejä", partner.kam_service_level_text)
        self.assertIn("Visits: Field visit once a month", self.account.kam_service_level_text)

    def test_only_managers_edit(self):
        level = self.env["kam.service.level"].search(
            [("company_id", "=", self.company.id), ("abc_class", "=", "B")]
        )
        with self.assertRaises(AccessError):
            level.with_user(self.salesperson).write({"visit_frequency": "Daily"})
        level.with_user(self.manager).write({"visit_frequency": "Every other week"})
        self.assertEqual(level.visit_frequency, "Every other week")

    def test_portal_user_cannot_read(self):
        with self.assertRaises(AccessError):
            self.env["kam.service.level"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            _text = self.account.with_user(self.portal_user).kam_service_level_text

    def test_duplicate_refused(self):
        Level = self.env["kam.service.level"]
        count = Level.search_count([])
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            Level.create({"company_id": self.company.id, "abc_class": "A"})
        self.assertEqual(Level.search_count([]), count)


@tagged("post_install", "-at_install")
class TestFinnishTranslation(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls.env["ir.module.module"]._load_module_terms(["key_account_mgmt"], ["fi_FI"])

    def test_menu_field_and_selection(self):
        fi = self.env(context=dict(self.env.context, lang="fi_FI"))
        self.assertEqual(fi.ref("key_account_mgmt.menu_kam_root").name, "Avainasiakkaat")
        self.assertEqual(
            fi.ref("key_account_mgmt.menu_kam_overserved").name, "Ylipalvellut avainasiakkaat"
        )
        fields_info = fi["res.partner"].fields_get(["kam_overserved", "kam_org_level"])
        self.assertEqual(fields_info["kam_overserved"]["string"], "Ylipalveltu")
        self.assertIn(("strategic", "Strateginen"), fields_info["kam_org_level"]["selection"])

    def test_error_message(self):
        with self.assertRaisesRegex(ValidationError, "on oltava 1, 2 tai 3, ei 5"):
            self.company.with_context(lang="fi_FI").kam_key_account_min_criteria = 5
