from datetime import date, datetime

import polib
from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_path
from odoo.tools.translate import code_translations

from .common import KamCase

# As of 2026-07-01 (day 182 of 365): meetings due = floor(target x 182 / 365):
# procurement 4 -> 1, project managers 12 -> 5, marketing 2 -> 0.
AS_OF = "2026-07-01 12:00:00"
KAM_WEIGHTS = {
    "meetings": 35,
    "coverage": 20,
    "freshness": 20,
    "swot": 10,
    "review": 15,
}


@tagged("post_install", "-at_install")
class TestRelationshipHealth(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_weights(cls.company, KAM_WEIGHTS)
        cls._set_weights(cls.company2, KAM_WEIGHTS)
        cls.account = cls._customer(
            "Terveys Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        cls.account.abc_class_manual = "A"
        cls.proc1 = cls._contact(cls.account, "Pirkko Procurement", "procurement")
        cls.proc1.kam_org_level = "strategic"
        cls.proc2 = cls._contact(cls.account, "Pekka Procurement", "procurement")
        cls.pm1 = cls._contact(cls.account, "Paavo Project", "project")
        cls.pm1.kam_org_level = "operational"
        # Archived: neither covers marketing nor counts as a key contact.
        cls.old_marketing = cls._contact(cls.account, "Mervi Marketing", "marketing")
        cls.old_marketing.active = False

        event = cls._event
        event("procurement", datetime(2026, 3, 1, 9), cls.proc1)
        event("project 1", datetime(2026, 2, 1, 9), cls.pm1)
        event("project 2", datetime(2026, 6, 20, 9), cls.pm1)
        event("last year", datetime(2025, 11, 1, 9), cls.pm1)
        event("planned", datetime(2026, 7, 10, 9), cls.pm1 | cls.proc2)
        event("archived contact", datetime(2026, 6, 1, 9), cls.old_marketing)

        cls.swot = cls.env["kam.swot.item"].create(
            {
                "partner_id": cls.account.id,
                "company_id": cls.company.id,
                "swot_type": "strength",
                "description": "Long partnership",
                "date": date(2025, 5, 1),
            }
        )
        # Started 2026-03-11, never reviewed: next review 2026-06-11, 20 days overdue.
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "name": "Plan 2026",
                "partner_id": cls.account.id,
                "company_id": cls.company.id,
                "date_start": date(2026, 3, 11),
                "state": "active",
            }
        )

    @classmethod
    def _set_weights(cls, company, weights):
        fnames = company._kam_health_weight_fields()
        company.write({fname: weights.get(factor, 0) for factor, fname in fnames.items()})

    def _compute(self, partners=..., companies=None, when=AS_OF):
        """The engine as of ``when``; ``partners=None``: every key account."""
        with freeze_time(when):
            return self.env["kam.health.engine"]._kam_compute_health(
                partners=self.account if partners is ... else partners,
                companies=companies if companies is not None else self.company,
            )

    def _lines(self, health):
        return {line.factor: line for line in health.line_ids}

    # ----------------------------------------------------------------------------------
    # Factors against hand figures
    # ----------------------------------------------------------------------------------
    def test_meetings_pro_rata(self):
        health = self._compute()
        line = self._lines(health)["meetings"]
        # procurement 1 of 1 -> 1; project managers 2 of 5 -> 0.4; marketing 0 due -> 1.
        self.assertAlmostEqual(line.score, 0.8, places=4)
        self.assertEqual(line.stakeholder_group_id, self.groups["project"])
        groups = {g["group_id"]: (g["held"], g["due"]) for g in line.params["groups"]}
        self.assertEqual(
            groups,
            {
                self.groups["procurement"].id: (1, 1),
                self.groups["project"].id: (2, 5),
                # Held with a contact archived since: still a meeting; none due yet.
                self.groups["marketing"].id: (1, 0),
            },
        )
        self.assertEqual(line.text, "Project managers: 2 of 5 meetings due by now held (12 a year)")

    def test_meetings_due_grow_with_the_year(self):
        """2026-12-31: the whole year is due: 4, 12, 2. Held by then: procurement 2, project
        managers 3 (the meeting of 10.7. is past now), marketing 1 (a meeting held with a
        contact archived since still was a meeting)."""
        health = self._compute(when="2026-12-31 12:00:00")
        line = self._lines(health)["meetings"]
        self.assertAlmostEqual(line.score, (2 / 4 + 3 / 12 + 1 / 2) / 3, places=4)
        self.assertEqual(line.stakeholder_group_id, self.groups["project"])
        self.assertEqual(
            line.text, "Project managers: 3 of 12 meetings due by now held (12 a year)"
        )

    def test_coverage(self):
        line = self._lines(self._compute())["coverage"]
        # 2 of 3 groups covered (the marketing contact is archived) + 2 levels: 3 / 4.
        self.assertAlmostEqual(line.score, 0.75, places=4)
        self.assertEqual(line.stakeholder_group_id, self.groups["marketing"])
        self.assertEqual(line.params["levels"], 2)
        self.pm1.kam_org_level = "strategic"
        line = self._lines(self._compute())["coverage"]
        self.assertAlmostEqual(line.score, 0.5, places=4)
        self.assertIn("at least 2 wanted", line.text)

    def test_freshness(self):
        line = self._lines(self._compute())["freshness"]
        # pm1 met 11 days ago (every 30 days wanted): fresh; proc1 met 122 days ago (every
        # 91 days): stale; proc2 never met: the stalest.
        self.assertAlmostEqual(line.score, 1 / 3, places=4)
        self.assertEqual(line.contact_id, self.proc2)
        self.assertEqual(line.params["key_contacts"], 3)
        self.assertIsNone(line.params["days"])
        self.assertEqual(line.text, "1 of 3 key contacts met on time; Pekka Procurement never met")
        self.proc2.kam_stakeholder_group_id = False
        line = self._lines(self._compute())["freshness"]
        self.assertAlmostEqual(line.score, 1 / 2, places=4)
        self.assertEqual(line.contact_id, self.proc1)
        self.assertEqual(line.params["days"], 122)

    def test_swot(self):
        line = self._lines(self._compute())["swot"]
        self.assertEqual(line.score, 0.0)
        self.assertEqual(line.params["last"], "2025-05-01")
        self.assertEqual(line.text, "SWOT last updated 14 months ago")
        self.swot.date = date(2025, 7, 2)
        line = self._lines(self._compute())["swot"]
        self.assertEqual(line.score, 1.0)

    def test_review(self):
        line = self._lines(self._compute())["review"]
        self.assertAlmostEqual(line.score, 1 - 20 / 90, places=4)
        self.assertEqual(line.params["days_overdue"], 20)
        self.assertEqual(line.text, "Plan review 20 days overdue")
        self.plan.action_close()
        line = self._lines(self._compute())["review"]
        self.assertEqual(line.score, 0.0)
        self.assertEqual(line.text, "No current account plan")

    def test_health_and_band(self):
        health = self._compute()
        # 35 x 0.8 + 20 x 0.75 + 20 x 1/3 + 10 x 0 + 15 x 7/9 = 61.33
        self.assertEqual(health.health, 61)
        self.assertEqual(health.band, "watch")
        self.assertEqual(health.trend, "flat")
        lines = self._lines(health)
        self.assertAlmostEqual(lines["meetings"].points, 28.0, places=1)
        self.assertAlmostEqual(lines["meetings"].gap, 7.0, places=1)
        self.assertEqual(lines["meetings"].weight, 35)
        self.assertAlmostEqual(sum(health.line_ids.mapped("gap")), 100 - 61.33, delta=0.2)
        # The partner shows it, for the current company.
        self.account.invalidate_recordset()
        self.assertEqual(self.account.kam_health, 61)
        self.assertEqual(self.account.kam_health_band, "watch")
        self.assertEqual(self.account.kam_health_line_ids, health.line_ids)

    def test_not_applicable_weight_is_spread(self):
        """No numeric target for the class: meetings and freshness do not apply; their
        weight goes to coverage, SWOT and review (20 + 10 + 15 = 45)."""
        self.env["kam.meeting.target"].search(
            [("company_id", "=", self.company.id), ("abc_class", "=", "C")]
        ).filtered(lambda t: not t.as_needed).active = False
        account = self._customer("Pieni Oy", is_key_account=True)
        account.abc_class_manual = "C"
        for name, level in (("Sanna", "strategic"), ("Timo", "tactical")):
            self.env["res.partner"].create(
                {"name": name, "parent_id": account.id, "kam_org_level": level}
            )
        self.env["kam.swot.item"].create(
            {
                "partner_id": account.id,
                "company_id": self.company.id,
                "swot_type": "threat",
                "description": "New competitor",
                "date": date(2026, 6, 1),
            }
        )
        health = self._compute(partners=account)
        lines = self._lines(health)
        self.assertFalse(lines["meetings"].applicable)
        self.assertFalse(lines["freshness"].applicable)
        self.assertEqual(lines["meetings"].points, 0)
        self.assertIn("its weight goes to the other factors", lines["meetings"].text)
        self.assertAlmostEqual(lines["coverage"].points, 44.4, places=1)
        self.assertAlmostEqual(lines["swot"].points, 22.2, places=1)
        self.assertAlmostEqual(lines["review"].gap, 33.3, places=1)
        self.assertEqual(health.health, 67)

    # ----------------------------------------------------------------------------------
    # Weights
    # ----------------------------------------------------------------------------------
    def test_weights_must_add_up_to_100(self):
        fnames = self.company._kam_health_weight_fields()
        before = {fname: self.company[fname] for fname in fnames.values()}
        with self.assertRaises(ValidationError) as caught:
            self.company.kam_health_weight_meetings = 34
        self.assertIn(self.company.name, str(caught.exception))
        self.assertIn("99", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.company.write({"kam_health_weight_meetings": 45, "kam_health_weight_swot": -10})
        self.company.invalidate_recordset()
        self.assertEqual({fname: self.company[fname] for fname in fnames.values()}, before)

    def test_settings_move_points_between_weights(self):
        settings = self.env["res.config.settings"].create(
            {"kam_health_weight_meetings": 30, "kam_health_weight_swot": 15}
        )
        settings.execute()
        self.assertEqual(self.company.kam_health_weight_meetings, 30)
        self.assertEqual(self.company.kam_health_weight_swot, 15)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"kam_health_weight_meetings": 50})
        self.assertEqual(self.company.kam_health_weight_meetings, 30)

    # ----------------------------------------------------------------------------------
    # Companies, access, scope
    # ----------------------------------------------------------------------------------
    def test_second_company_sees_only_its_rows(self):
        # A shared account: one row per company of ours.
        self._compute(companies=self.company | self.company2)
        Health = self.env["kam.relationship.health"]
        rows = Health.search([("partner_id", "=", self.account.id)])
        self.assertEqual(rows.company_id, self.company | self.company2)
        # Only company2's figures there: no SWOT, no plan in company2.
        row2 = rows.filtered(lambda r: r.company_id == self.company2)
        self.assertEqual(self._lines(row2)["swot"].score, 0.0)
        self.assertEqual(self._lines(row2)["review"].text, "No current account plan")
        seen = Health.with_user(self.salesperson2).search([("partner_id", "=", self.account.id)])
        self.assertEqual(seen.company_id, self.company)
        lines = (
            self.env["kam.relationship.health.line"]
            .with_user(self.salesperson2)
            .search([("partner_id", "=", self.account.id)])
        )
        self.assertEqual(lines.company_id, self.company)
        other = self.account.with_user(self.salesperson).with_company(self.company2)
        self.assertEqual(other.kam_health, row2.health)

    def test_salesperson_reads_but_cannot_write(self):
        health = self._compute().with_user(self.salesperson)
        self.assertEqual(health.health, 61)
        self.assertTrue(health.line_ids.mapped("text"))
        with self.assertRaises(AccessError):
            health.write({"health": 100})
        with self.assertRaises(AccessError):
            health.line_ids[:1].write({"points": 100})
        with self.assertRaises(AccessError):
            health.unlink()

    def test_refresh_button(self):
        partner = self.account.with_user(self.salesperson)
        with freeze_time(AS_OF):
            self.assertTrue(partner.action_kam_refresh_health())
        rows = self.env["kam.relationship.health"].search([("partner_id", "=", self.account.id)])
        # The salesperson works in both companies: both rows.
        self.assertEqual(rows.company_id, self.company | self.company2)
        self.assertEqual(partner.kam_health, 61)
        with self.assertRaises(AccessError):
            self.account.with_user(self.portal_user).action_kam_refresh_health()

    def test_archived_and_former_key_accounts_get_no_row(self):
        archived = self._customer("Arkisto Oy", is_key_account=True)
        archived.active = False
        former = self._customer("Entinen Oy", is_key_account=True)
        healths = self._compute(partners=self.account | archived | former)
        self.assertEqual(healths.partner_id, self.account | former)
        former.is_key_account = False
        self._compute(partners=former)
        Health = self.env["kam.relationship.health"]
        self.assertFalse(Health.search([("partner_id", "in", (archived | former).ids)]))
        # A full run leaves the account's row alone and does not bring the others back.
        self._compute(partners=None)
        self.assertTrue(Health.search([("partner_id", "=", self.account.id)]))
        self.assertFalse(Health.search([("partner_id", "in", (archived | former).ids)]))

    def test_cron_and_no_queries_per_account(self):
        for index in range(5):
            self._customer(f"Massa {index} Oy", is_key_account=True)
        self.env.flush_all()
        with freeze_time(AS_OF):
            self.env["kam.health.engine"]._cron_kam_compute_health()
            with self.assertQueryCount(__system__=60):
                self.env["kam.health.engine"]._kam_compute_health(companies=self.company)
            count = self.env["kam.relationship.health"].search_count(
                [("company_id", "=", self.company.id)]
            )
            for index in range(10):
                self._customer(f"Lisää {index} Oy", is_key_account=True)
            self.env.flush_all()
            with self.assertQueryCount(__system__=60):
                self.env["kam.health.engine"]._kam_compute_health(companies=self.company)
        self.assertEqual(
            self.env["kam.relationship.health"].search_count(
                [("company_id", "=", self.company.id)]
            ),
            count + 10,
        )

    # ----------------------------------------------------------------------------------
    # Snapshots and trend
    # ----------------------------------------------------------------------------------
    def test_snapshot_upsert_and_trend(self):
        Snapshot = self.env["kam.account.snapshot"]
        self._compute(when="2026-06-10 12:00:00")
        self._compute(when="2026-06-20 12:00:00")
        june = Snapshot.search([("partner_id", "=", self.account.id)])
        self.assertEqual(len(june), 1)
        self.assertEqual(june.month, date(2026, 6, 1))
        self.assertEqual(june.abc_class, "A")
        june_health = june.health
        # July: the SWOT reviewed and the plan reviewed: the health rises by >= 5 points.
        self.swot.date = date(2026, 6, 25)
        self.env["kam.account.plan.review"].create(
            {"plan_id": self.plan.id, "date": date(2026, 6, 25)}
        )
        health = self._compute()
        snapshots = Snapshot.search([("partner_id", "=", self.account.id)], order="month")
        self.assertEqual(snapshots.mapped("month"), [date(2026, 6, 1), date(2026, 7, 1)])
        self.assertEqual(health.health_previous, june_health)
        self.assertGreaterEqual(health.health - june_health, 5)
        self.assertEqual(health.trend, "up")
        self.account.invalidate_recordset(["kam_health_display"])
        self.assertEqual(self.account.kam_health_display, f"{health.health}\N{NO-BREAK SPACE}↑")
        self.assertEqual(snapshots[-1].health, health.health)
        # Down in August: no SWOT and no plan any more (-25 points; freshness +6.7).
        self.swot.unlink()
        self.plan.action_close()
        health = self._compute(when="2026-08-03 12:00:00")
        self.assertEqual(health.trend, "down")
        self.account.invalidate_recordset(["kam_health_display"])
        self.assertTrue(self.account.kam_health_display.endswith("↓"))

    # ----------------------------------------------------------------------------------
    # The reader's language
    # ----------------------------------------------------------------------------------
    def test_texts_in_finnish(self):
        self.env["res.lang"]._activate_lang("fi_FI")
        self.env["ir.module.module"]._load_module_terms(
            ["key_account_mgmt"], ["fi_FI"], overwrite=True
        )
        po = polib.pofile(file_path("key_account_mgmt/i18n/fi.po"))
        texts = dict(code_translations.get_python_translations("key_account_mgmt", "fi_FI"))
        texts.update({e.msgid: e.msgstr for e in po if e.msgstr})
        self.patch(code_translations, "python_translations", {("key_account_mgmt", "fi_FI"): texts})
        reader = new_test_user(
            self.env,
            login="kam_health_fi",
            groups="sales_team.group_sale_salesman",
            lang="fi_FI",
            company_id=self.company.id,
        )
        health = self._compute().with_user(reader).with_context(lang="fi_FI")
        lines = self._lines(health)
        self.assertEqual(
            lines["meetings"].text,
            "Projektipäälliköt: 2/5 tähän mennessä erääntyneestä tapaamisesta pidetty "
            "(12 vuodessa)",
        )
        self.assertEqual(lines["swot"].text, "SWOT päivitetty viimeksi 14 kuukautta sitten")
        self.assertEqual(lines["review"].text, "Suunnitelman katselmointi 20 päivää myöhässä")
        self.assertEqual(
            lines["freshness"].text,
            "1/3 avainyhteyshenkilöstä tavattu ajallaan; Pekka Procurement: ei tavattu koskaan",
        )
        # The same line in English for an English reader.
        self.assertEqual(
            lines["swot"].with_context(lang="en_US").text, "SWOT last updated 14 months ago"
        )
