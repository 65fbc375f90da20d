from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import SALESPERSON_GROUPS, KamCase

# A Wednesday: the week runs from Monday 2026-11-30 to Sunday 2026-12-06.
TODAY = date(2026, 12, 2)


@tagged("post_install", "-at_install")
@freeze_time("2026-12-02 10:00:00")
class TestStartPage(KamCase):
    """Sally's start page: four key accounts of her own (one she manages for Sam), one of
    Sam's, one of hers in the second company, and a customer that is not a key account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson.tz = "Europe/Helsinki"
        key = {"is_key_account": True, "user_id": cls.salesperson.id}
        cls.worst = cls._customer("Huonoin Oy", **key)
        cls.middle = cls._customer(
            "Keskitaso Oy",
            is_key_account=True,
            user_id=cls.salesperson2.id,
            key_account_manager_id=cls.salesperson.id,
        )
        cls.best = cls._customer("Paras Oy", **key)
        cls.unknown = cls._customer("Uusi Oy", **key)
        cls.sams = cls._customer("Samin Oy", is_key_account=True, user_id=cls.salesperson2.id)
        cls.swedish = cls._customer("Svensk AB", company_id=cls.company2.id, **key)
        cls.plain = cls._customer("Tavallinen Oy", user_id=cls.salesperson.id)
        Health = cls.env["kam.relationship.health"]
        for partner, company, health, trend, band in (
            (cls.worst, cls.company, 31, "down", "risk"),
            (cls.middle, cls.company, 58, "flat", "watch"),
            (cls.best, cls.company, 86, "up", "good"),
            (cls.sams, cls.company, 12, "down", "risk"),
            (cls.swedish, cls.company2, 5, "down", "risk"),
            (cls.plain, cls.company, 1, "down", "risk"),
        ):
            Health.create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date": TODAY,
                    "health": health,
                    "trend": trend,
                    "band": band,
                }
            )
        cls.buyer = cls._contact(cls.worst, "Liisa Hankinta", "procurement")
        cls.sams_buyer = cls._contact(cls.sams, "Simo Samin", "procurement")

    # ------------------------------------------------------------------
    def _page(self, user=None, companies=None):
        user = user or self.salesperson
        companies = companies or self.company
        env = self.env(user=user, context=dict(self.env.context, allowed_company_ids=companies.ids))
        env.invalidate_all()
        return {
            section["key"]: section
            for section in env["kam.start.page"].get_start_page()["sections"]
        }

    def _names(self, section):
        return [line["name"] for line in section["lines"]]

    def _event(self, name, start, partners, user=None):
        event = super()._event(name, start, partners)
        event.user_id = user or self.salesperson
        return event

    # ------------------------------------------------------------------
    def test_accounts_ranked_by_health_worst_first(self):
        accounts = self._page()["accounts"]
        self.assertEqual(
            self._names(accounts), ["Huonoin Oy", "Keskitaso Oy", "Paras Oy", "Uusi Oy"]
        )
        self.assertEqual(accounts["count"], 4)
        worst, middle, best, unknown = accounts["lines"]
        self.assertEqual((worst["res_model"], worst["res_id"]), ("res.partner", self.worst.id))
        self.assertEqual(
            (worst["health"], worst["trend_arrow"], worst["badge"]),
            (31, "↓", {"text": "At risk", "tone": "danger"}),
        )
        self.assertEqual((middle["trend_arrow"], middle["badge"]["tone"]), ("→", "warning"))
        self.assertEqual((best["trend_arrow"], best["badge"]["text"]), ("↑", "Healthy"))
        self.assertEqual(
            (unknown["health"], unknown["badge"], unknown["note"], unknown["button"]),
            (None, False, "Health not computed yet", False),
        )

    def test_account_line_shows_class(self):
        self.env["res.partner"].browse(self.worst.id).with_company(
            self.company
        ).abc_class_manual = "A"
        self.env["res.partner"].flush_model()
        self.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=self.company, partners=self.worst
        )
        line = self._page()["accounts"]["lines"][0]
        self.assertIn("Class A", line["cells"])

    def test_other_salesperson_sees_only_her_own(self):
        page = self._page(self.salesperson2)
        # Sam is the salesperson of Keskitaso Oy (Sally is its key account manager).
        self.assertEqual(self._names(page["accounts"]), ["Samin Oy", "Keskitaso Oy"])
        self.assertNotIn("Samin Oy", self._names(self._page()["accounts"]))

    def test_second_company(self):
        self.assertNotIn("Svensk AB", self._names(self._page()["accounts"]))
        accounts = self._page(companies=self.company2)["accounts"]
        self.assertEqual(self._names(accounts)[0], "Svensk AB")
        self.assertEqual(accounts["lines"][0]["health"], 5)
        # The shared accounts have no health in the second company yet.
        self.assertEqual({line["health"] for line in accounts["lines"][1:]}, {None})
        both = self._page(companies=self.company | self.company2)["accounts"]
        self.assertEqual(self._names(both)[:2], ["Svensk AB", "Huonoin Oy"])
        self.assertIn(self.company2.name, both["lines"][0]["cells"])

    def test_see_all_lists_her_accounts(self):
        see_all = self._page()["accounts"]["see_all"]
        self.assertEqual(see_all["res_model"], "res.partner")
        found = self.env["res.partner"].with_user(self.salesperson).search(see_all["domain"])
        self.assertEqual(found, self.worst | self.middle | self.best | self.unknown)

    # ------------------------------------------------------------------
    def test_actions_due(self):
        plan = self.env["kam.account.plan"].create(
            {"name": "Plan Huonoin", "partner_id": self.worst.id, "date_start": TODAY}
        )
        todo = self.env.ref("mail.mail_activity_data_todo")

        def activity(record, summary, deadline, user=None, company=None):
            return (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(record._name),
                        "res_id": record.id,
                        "activity_type_id": todo.id,
                        "summary": summary,
                        "date_deadline": deadline,
                        "user_id": (user or self.salesperson).id,
                        "kam_company_id": company and company.id,
                    }
                )
            )

        activity(self.worst, "Late call", TODAY - timedelta(days=3))
        activity(self.best, "Today call", TODAY)
        activity(plan, "Plan follow-up", TODAY)
        activity(self.best, "Tomorrow call", TODAY + timedelta(days=1))
        activity(self.best, "Sam's call", TODAY, user=self.salesperson2)
        activity(self.sams, "Call on Sam's account", TODAY)
        activity(self.plain, "Not a key account", TODAY)
        activity(self.best, "Swedish reminder", TODAY, company=self.company2)
        section = self._page()["activities"]
        self.assertEqual(self._names(section), ["Late call", "Today call", "Plan follow-up"])
        self.assertEqual(section["count"], 3)
        late, today, on_plan = section["lines"]
        self.assertEqual(late["badge"]["tone"], "danger")
        self.assertEqual((today["badge"]["text"], today["badge"]["tone"]), ("Today", "warning"))
        self.assertEqual((on_plan["res_model"], on_plan["res_id"]), ("kam.account.plan", plan.id))
        self.assertIn("Huonoin Oy", on_plan["cells"])
        # The reminder about the second company shows there.
        swedish = self._page(companies=self.company2)["activities"]
        self.assertIn("Swedish reminder", self._names(swedish))

    # ------------------------------------------------------------------
    def test_meetings_this_week_bound_by_the_week_in_her_time_zone(self):
        buyer = self.buyer
        # Helsinki is UTC+2 in December: the week is 2026-11-29 22:00 .. 2026-12-06 22:00 UTC.
        self._event("Monday early", datetime(2026, 11, 29, 22, 30), buyer)
        self._event("Sunday evening", datetime(2026, 12, 6, 21, 0), buyer)
        self._event("Last Sunday", datetime(2026, 11, 29, 21, 0), buyer)
        self._event("Next Monday", datetime(2026, 12, 6, 22, 30), buyer)
        self._event("Sam's customer", datetime(2026, 12, 3, 9, 0), self.sams_buyer)
        self._event("Colleague's visit", datetime(2026, 12, 3, 9, 0), buyer, self.salesperson2)
        section = self._page()["meetings"]
        self.assertEqual(
            self._names(section), ["Monday early", "Colleague's visit", "Sunday evening"]
        )
        monday, colleague, _sunday = section["lines"]
        self.assertEqual((monday["res_model"], monday["res_id"]), ("res.partner", self.worst.id))
        self.assertIn("00:30", monday["badge"]["text"])
        self.assertIn("Sam Second", colleague["cells"])
        self.assertEqual(section["count"], 3)

    def test_declined_meeting_is_not_a_meeting(self):
        event = self._event("Declined", datetime(2026, 12, 3, 9, 0), self.buyer)
        event.attendee_ids.filtered(lambda a: a.partner_id == self.buyer).state = "declined"
        self.assertEqual(self._page()["meetings"]["count"], 0)

    # ------------------------------------------------------------------
    def test_overdue_swots(self):
        Swot = self.env["kam.swot.item"]
        old = TODAY - timedelta(days=400)
        for partner, day in ((self.worst, old), (self.best, TODAY), (self.sams, old)):
            Swot.create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "swot_type": "strength",
                    "description": "Strong brand",
                    "date": day,
                }
            )
        # An old item with a recent one: reviewed.
        Swot.create(
            {
                "partner_id": self.best.id,
                "company_id": self.company.id,
                "swot_type": "threat",
                "description": "New competitor",
                "date": old,
            }
        )
        section = self._page()["swots"]
        self.assertEqual(self._names(section), ["Huonoin Oy"])
        self.assertEqual(section["lines"][0]["res_id"], self.worst.id)
        self.assertEqual(self._page(self.salesperson2)["swots"]["count"], 1)

    def test_overdue_plan_reviews(self):
        Plan = self.env["kam.account.plan"]
        overdue = Plan.create(
            {
                "name": "Overdue plan",
                "partner_id": self.worst.id,
                "date_start": TODAY - timedelta(days=120),
            }
        )
        Plan.create({"name": "Fresh plan", "partner_id": self.best.id, "date_start": TODAY})
        closed = Plan.create(
            {
                "name": "Closed plan",
                "partner_id": self.middle.id,
                "date_start": TODAY - timedelta(days=200),
            }
        )
        closed.state = "closed"
        Plan.create(
            {
                "name": "Sam's plan",
                "partner_id": self.sams.id,
                "date_start": TODAY - timedelta(days=200),
            }
        )
        section = self._page()["reviews"]
        self.assertEqual(self._names(section), ["Overdue plan"])
        line = section["lines"][0]
        self.assertEqual((line["res_model"], line["res_id"]), ("kam.account.plan", overdue.id))
        self.assertIn("Huonoin Oy", line["cells"])

    # ------------------------------------------------------------------
    def test_empty_page_has_friendly_texts(self):
        newcomer = new_test_user(
            self.env, login="kam_newcomer", groups=SALESPERSON_GROUPS, company_id=self.company.id
        )
        page = self._page(newcomer)
        for key in ("accounts", "activities", "meetings", "swots", "reviews"):
            self.assertEqual((page[key]["count"], page[key]["lines"]), (0, []), key)
            self.assertTrue(page[key]["empty_text"], key)
            self.assertTrue(page[key]["title"], key)

    def test_app_opens_on_the_start_page(self):
        root = self.env.ref("key_account_mgmt.menu_kam_root")
        menus = self.env["ir.ui.menu"].with_user(self.salesperson).load_web_menus(False)
        self.assertEqual(
            menus[root.id]["actionID"], self.env.ref("key_account_mgmt.action_kam_start_page").id
        )

    def test_health_from_the_engine_with_its_next_best_action(self):
        """The engine's rows (with the next best action) ranked, and the button's method
        runs for the salesperson."""
        accounts = self.worst | self.middle | self.best | self.unknown
        healths = self.env["kam.health.engine"]._kam_compute_health(
            partners=accounts, companies=self.company, date=TODAY
        )
        self.assertEqual(healths.partner_id, accounts)
        lines = self._page()["accounts"]["lines"]
        by_partner = {health.partner_id.id: health for health in healths}
        self.assertEqual(
            [line["health"] for line in lines],
            sorted(by_partner[line["res_id"]].health for line in lines),
        )
        with_button = [line for line in lines if line["button"]]
        self.assertTrue(
            with_button, "the engine proposes an action for an account without contacts"
        )
        line = with_button[0]
        health = by_partner[line["res_id"]]
        self.assertEqual(line["button"]["res_id"], health.id)
        self.assertEqual(line["button"]["label"], health.next_action_text)
        self.assertEqual(line["button"]["method"], "action_kam_do_next_action")
        Health = self.env["kam.relationship.health"].with_user(self.salesperson)
        result = getattr(Health.browse(health.id), line["button"]["method"])()
        self.assertTrue(result is True or isinstance(result, dict))

    # ------------------------------------------------------------------
    def _many_accounts(self, login, count):
        """A salesperson with ``count`` key accounts, each with a health, a contact met
        this week, an old SWOT, an overdue plan and an activity due."""
        user = new_test_user(
            self.env, login=login, groups=SALESPERSON_GROUPS, company_id=self.company.id
        )
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"{login} {i:03d}",
                    "is_company": True,
                    "is_key_account": True,
                    "user_id": user.id,
                }
                for i in range(count)
            ]
        )
        contacts = self.env["res.partner"].create(
            [{"name": f"Contact {p.name}", "parent_id": p.id} for p in partners]
        )
        old = TODAY - timedelta(days=400)
        self.env["kam.swot.item"].create(
            [
                {"partner_id": p.id, "swot_type": "weakness", "description": "x", "date": old}
                for p in partners
            ]
        )
        self.env["kam.account.plan"].create(
            [{"name": p.name, "partner_id": p.id, "date_start": old} for p in partners]
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": p.id,
                    "activity_type_id": todo.id,
                    "date_deadline": TODAY,
                    "user_id": user.id,
                }
                for p in partners
            ]
        )
        self.env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            [
                {
                    "name": f"Meeting {c.name}",
                    "start": datetime(2026, 12, 3, 9, 0),
                    "stop": datetime(2026, 12, 3, 10, 0),
                    "partner_ids": [(6, 0, c.ids)],
                    "user_id": user.id,
                }
                for c in contacts
            ]
        )
        self.env["kam.health.engine"]._kam_compute_health(
            partners=partners, companies=self.company, date=TODAY
        )
        self.env.flush_all()
        return user

    def _queries(self, user):
        self._page(user)  # caches of the registry (access rules, views) warmed
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        page = self._page(user)
        return self.env.cr.sql_log_count - before, page

    def test_query_count_does_not_grow_with_the_accounts(self):
        few, few_page = self._queries(self._many_accounts("kam_few", 5))
        many, many_page = self._queries(self._many_accounts("kam_many", 50))
        for key in ("accounts", "activities", "meetings", "swots", "reviews"):
            self.assertEqual(few_page[key]["count"], 5, key)
            self.assertEqual(many_page[key]["count"], 50, key)
            self.assertEqual(len(many_page[key]["lines"]), 20, key)
        self.assertEqual(few, many)
        self.assertLess(many, 40)
