from datetime import date, timedelta

import polib

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, file_path
from odoo.tools.misc import format_amount, formatLang
from odoo.tools.translate import code_translations

from ..models.score_rules import SCORE_CAPS, SCORE_FACTORS, company_benchmarks, lifecycle_stage
from .common import AS_OF, CustomerModelCommon

SIGNAL_FIELDS = (
    "lifecycle_stage",
    "passive_signal",
    "spend_declining",
    "score",
    "p_alive",
    "purchase_day_count",
)


@tagged("post_install", "-at_install")
class TestPassiveEarly(CustomerModelCommon):
    """The early signals on top of the customer-base model's world (see common.py):

    * Weekly Oy bought every week for ten months (45 purchase days of 1,000.00) and has
      been silent for 84 days: the gap rule (at least 90 days) still says active.
    * Twice Oy bought on two days, the second 77 days ago.
    * Shrinking Oy: 10,000.00 the 12 months before, 6,999.00 the last 12 (-30.01 %);
      Level Oy: 10,000.00 then 7,000.00 (exactly -30 %); Tiny Oy: 50.00 then 10.00.
    * Fading Oy bought monthly (12 x 1,000.00) until 2024-06-15, once more for 500.00 on
      2024-07-15 and never since: passive by the gap rule, and its spend fell.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Finnish active before any environment in Finnish is made.
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls._build_model_world("Early")
        cls.seller_fi = new_test_user(
            cls.env,
            login="early_seller_fi",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            lang="fi_FI",
        )
        cls.scoring_manager = new_test_user(
            cls.env,
            login="early_scoring_manager",
            groups="customer_scoring.group_scoring_manager",
            company_id=cls.company.id,
        )
        Partner = cls.env["res.partner"]
        owners = {
            "Weekly Oy": cls.salesman,
            "Twice Oy": cls.salesman,
            "Shrinking Oy": cls.seller_fi,
            "Level Oy": cls.seller_fi,
            "Tiny Oy": cls.seller_fi,
            "Fading Oy": cls.salesman,
        }
        cls.weekly, cls.twice, cls.shrinking, cls.level, cls.tiny, cls.fading = Partner.create(
            [
                {"name": name, "is_company": True, "user_id": owner.id}
                for name, owner in owners.items()
            ]
        )

        def buy(partner, days, price):
            for day in days:
                cls._invoice(partner, day, [(cls.product_a, 1, price)])

        buy(cls.weekly, [date(2024, 6, 3) + timedelta(weeks=k) for k in range(45)], 1000.0)
        buy(cls.twice, ["2024-05-06", "2025-04-14"], 300.0)
        buy(cls.shrinking, ["2023-07-10"], 10000.0)
        buy(cls.shrinking, ["2025-06-02"], 6999.0)
        buy(cls.level, ["2023-07-12"], 10000.0)
        buy(cls.level, ["2025-06-03"], 7000.0)
        buy(cls.tiny, ["2023-08-01"], 50.0)
        buy(cls.tiny, ["2025-06-04"], 10.0)
        buy(cls.fading, [date(2023, 7 + m, 15) for m in range(6)], 1000.0)
        buy(cls.fading, [date(2024, m, 15) for m in range(1, 7)], 1000.0)
        buy(cls.fading, ["2024-07-15"], 500.0)

    # ------------------------------------------------------------------
    def _score(self, company=None, partners=None):
        self.env["customer.score"].compute_scores(
            companies=company or self.company, partners=partners, date=AS_OF
        )
        self.env.invalidate_all()

    def _gap_stage(self, row):
        """The stage the fixed-gap rule alone gives the row's figures."""
        return lifecycle_stage(
            row.company_id,
            AS_OF,
            # New from the last start (a return after a long pause is new again).
            row.last_start_date or row.first_invoice_date,
            row.last_invoice_date,
            row.median_gap_days or None,
        )

    def _activities(self, partner, xmlid="customer_scoring.mail_activity_type_passive_customer"):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def _declining_activities(self, partner):
        return self._activities(partner, "customer_scoring.mail_activity_type_declining_spend")

    def _finnish_code_texts(self):
        """The Finnish texts of the code as written in fi.po (Odoo drops the entries the
        .pot does not list yet): the msgids must be the source strings exactly."""
        po = polib.pofile(file_path("customer_scoring/i18n/fi.po"))
        finnish = dict(code_translations.get_python_translations("customer_scoring", "fi_FI"))
        finnish.update({e.msgid: e.msgstr for e in po if "odoo-python" in e.comment})
        self.patch(
            code_translations, "python_translations", {("customer_scoring", "fi_FI"): finnish}
        )

    def _signals(self, partners):
        return {
            partner: tuple(self.row(partner)[name] for name in SIGNAL_FIELDS)
            for partner in partners
        }

    # ------------------------------------------------------------------
    # Passive by P(alive)
    # ------------------------------------------------------------------
    def test_regular_buyer_passive_by_p_alive_before_the_gap_rule(self):
        self._score()
        model = self.env["customer.clv.model"].search(
            [("company_id", "=", self.company.id), ("date", "=", AS_OF)]
        )
        self.assertEqual(model.state, "fitted", model.message)
        row = self.row(self.weekly)
        self.assertEqual(row.recency_days, 84)
        self.assertEqual(row.purchase_day_count, 45)
        # The gap rule alone: 84 days is less than the 90 days a passive customer needs.
        self.assertEqual(self._gap_stage(row), "active")
        self.assertLess(row.p_alive, 0.5)
        self.assertEqual(row.lifecycle_stage, "passive")
        self.assertEqual(row.passive_signal, "p_alive")
        percent = formatLang(self.env, row.p_alive * 100, digits=0)
        self.assertIn(
            f"Passive: P(alive) {percent} % is below the company's threshold 50 % after 45 "
            "purchases",
            row.score_explanation.splitlines(),
        )
        # The gap rule's passive customers keep their own signal.
        fading = self.row(self.fading)
        self.assertEqual((fading.lifecycle_stage, fading.passive_signal), ("passive", "gap"))
        self.assertIn(
            "Passive: no invoice for 350 days, more than 3.0 x its usual gap of 31 days",
            fading.score_explanation.splitlines(),
        )

    def test_p_alive_passive_gets_the_passive_cap(self):
        self._score()
        row = self.row(self.weekly)
        points = sum(row[f"score_{name}"] for name in SCORE_FACTORS)
        # The largest buyer of the company: its points alone would rank it far above 40.
        self.assertGreater(points, SCORE_CAPS["passive"] + 5)
        self.assertEqual(row.score, SCORE_CAPS["passive"])
        self.assertIn(
            f"Passive customer: score capped at 40.00 (points add up to {points:.2f})",
            row.score_explanation.splitlines(),
        )
        # Without the P(alive) signal the same customer is active and not capped.
        self.company.score_passive_p_alive = 0.0
        self._score()
        row = self.row(self.weekly)
        self.assertEqual(row.lifecycle_stage, "active")
        self.assertAlmostEqual(row.score, points, places=2)

    def test_two_purchases_are_no_rhythm(self):
        self._score()
        row = self.row(self.twice)
        self.assertEqual(row.purchase_day_count, 2)
        self.assertEqual(self._gap_stage(row), "active")
        # A threshold above its P(alive): still not judged by it, with two purchase days.
        self.company.score_passive_p_alive = min(round(row.p_alive + 0.05, 2), 1.0)
        self.assertLess(row.p_alive, self.company.score_passive_p_alive)
        self._score()
        row = self.row(self.twice)
        self.assertEqual((row.lifecycle_stage, row.passive_signal), ("active", False))
        # Two purchase days are enough once the company says so.
        self.company.score_passive_min_purchases = 2
        self._score()
        row = self.row(self.twice)
        self.assertEqual((row.lifecycle_stage, row.passive_signal), ("passive", "p_alive"))

    def test_without_a_fitted_model_only_the_gap_rule(self):
        # The most eager settings: every customer with a purchase, any P(alive) below 100 %,
        # and new for one month only (the small customers' first invoices are older).
        self.company2.write(
            {
                "score_passive_p_alive": 1.0,
                "score_passive_min_purchases": 1,
                "score_new_months": 1,
            }
        )
        self._score(self.company2)
        model = self.env["customer.clv.model"].search([("company_id", "=", self.company2.id)])
        self.assertEqual(model.state, "too_few_data")
        rows = self.env["customer.score"].search(
            [("company_id", "=", self.company2.id), ("partner_id", "in", self.small.ids)]
        )
        self.assertEqual(len(rows), 3)
        for row in rows:
            self.assertEqual(row.p_alive, 0.0)
            self.assertEqual(row.lifecycle_stage, self._gap_stage(row))
            self.assertEqual(row.lifecycle_stage, "active")
            self.assertFalse(row.passive_signal)

    def test_threshold_zero_switches_the_signal_off(self):
        self.company.score_passive_p_alive = 0.0
        self._score()
        row = self.row(self.weekly)
        self.assertLess(row.p_alive, 0.5)
        self.assertEqual((row.lifecycle_stage, row.passive_signal), ("active", False))
        self.assertFalse(self._activities(self.weekly))
        self.assertNotIn("Passive:", row.score_explanation)

    # ------------------------------------------------------------------
    # Declining spend
    # ------------------------------------------------------------------
    def test_declining_spend_and_its_boundary(self):
        self._score()
        median, _top = company_benchmarks(self.env.cr, self.company, SQL("customer_score"))
        shrinking, level, tiny = (self.row(p) for p in (self.shrinking, self.level, self.tiny))
        self.assertEqual((shrinking.revenue_12m, shrinking.revenue_prev_12m), (6999.0, 10000.0))
        self.assertTrue(shrinking.spend_declining)
        # Its purchase of 2025-06-02 came 693 days after the one before, a pause longer
        # than the company's 365 days: it counts as new again from it (was "active" before
        # returning customers were new again). Declining counts for new customers too.
        self.assertEqual(shrinking.lifecycle_stage, "new")
        self.assertEqual(shrinking.last_start_date, date(2025, 6, 2))
        self.assertIn(
            "Spend declining: 12-month revenue 6,999.00\N{NO-BREAK SPACE}€ against "
            "10,000.00\N{NO-BREAK SPACE}€ the 12 months before (-30 %)",
            shrinking.score_explanation.splitlines(),
        )
        # Exactly 30 % less is not "more than 30 %".
        self.assertEqual((level.revenue_12m, level.revenue_prev_12m), (7000.0, 10000.0))
        self.assertFalse(level.spend_declining)
        self.assertNotIn("Spend declining", level.score_explanation)
        # -80 % on a previous year below the median buyer's revenue: no signal.
        self.assertLess(tiny.revenue_prev_12m, median)
        self.assertFalse(tiny.spend_declining)
        self.assertTrue(self.row(self.fading).spend_declining)
        # A smaller share makes the level customer's 30 % a decline.
        self.company.score_decline_share = 0.2
        self._score()
        self.assertTrue(self.row(self.level).spend_declining)
        self.assertFalse(self.row(self.tiny).spend_declining)

    # ------------------------------------------------------------------
    # The owner's activities
    # ------------------------------------------------------------------
    def test_activities_once_per_signal_in_the_owners_language(self):
        self._finnish_code_texts()
        self._score()
        weekly = self._activities(self.weekly)
        self.assertEqual(len(weekly), 1)
        self.assertEqual(weekly.user_id, self.salesman)
        self.assertEqual(weekly.summary, "Customer has turned passive")
        self.assertIn("the customer-base model says it has probably stopped", str(weekly.note))
        self.assertIn("is below the company's threshold 50 % after 45 purchases", str(weekly.note))
        fading = self._activities(self.fading)
        self.assertEqual(len(fading), 1)
        self.assertIn("more than 3.0 x its usual gap of 31 days", str(fading.note))
        # Passive already: its falling spend gives no second to-do.
        self.assertFalse(self._declining_activities(self.fading))
        # Declining, for a Finnish salesperson, in Finnish.
        shrinking = self._declining_activities(self.shrinking)
        self.assertEqual(len(shrinking), 1)
        self.assertEqual(shrinking.user_id, self.seller_fi)
        self.assertEqual(shrinking.summary, "Asiakkaan ostot vähenevät")
        self.assertIn("Shrinking Oy ostaa yritykseltä", str(shrinking.note))
        finnish_env = self.env(context=dict(self.env.context, lang="fi_FI"))
        self.assertIn(
            format_amount(finnish_env, 6999.0, self.company.currency_id),
            str(shrinking.note).replace("&nbsp;", "\N{NO-BREAK SPACE}"),
        )
        self.assertIn("Ostot vähenevät: 12 kk:n myynti", str(shrinking.note))
        self.assertFalse(self._activities(self.shrinking))
        self.assertFalse(self._declining_activities(self.level) | self._activities(self.level))
        # Rerun, and rerun after the to-do is done: the signal did not turn again.
        self._score()
        self.assertEqual(len(self._activities(self.weekly)), 1)
        self.assertEqual(len(self._declining_activities(self.shrinking)), 1)
        shrinking.action_feedback(feedback="Called")
        weekly.action_feedback(feedback="Called")
        self._score()
        self.assertFalse(self._declining_activities(self.shrinking))
        self.assertFalse(self._activities(self.weekly))

    def test_salesperson_reads_her_customers_signal(self):
        self._score()
        row = (
            self.env["customer.score"]
            .with_user(self.salesman)
            .search([("partner_id", "=", self.weekly.id)])
        )
        self.assertEqual(len(row), 1)
        self.assertEqual(row.passive_signal, "p_alive")
        self.assertIn("Passive: P(alive)", row.score_explanation)
        self.assertEqual(
            self._activities(self.weekly).with_user(self.salesman).user_id, self.salesman
        )
        # The key account's Scoring tab shows the same signals to her.
        weekly, shrinking = (
            partner.with_user(self.salesman) for partner in (self.weekly, self.shrinking)
        )
        self.assertEqual(
            (weekly.customer_lifecycle_stage, weekly.customer_passive_signal),
            ("passive", "p_alive"),
        )
        self.assertFalse(weekly.customer_spend_declining)
        self.assertEqual(
            (shrinking.customer_passive_signal, shrinking.customer_spend_declining),
            (False, True),
        )

    # ------------------------------------------------------------------
    # Partial runs
    # ------------------------------------------------------------------
    def test_partial_run_gives_the_full_runs_signals(self):
        self._score()
        partners = self.weekly | self.twice | self.shrinking | self.level | self.fading
        full = self._signals(partners)
        self.assertEqual(full[self.weekly][:2], ("passive", "p_alive"))
        self.env.cr.execute(
            "DELETE FROM customer_score WHERE company_id = %s AND partner_id = ANY(%s)",
            [self.company.id, partners.ids],
        )
        self.env.invalidate_all()
        self._score(partners=partners)
        self.assertEqual(self._signals(partners), full)
        # Rows written anew, activities not duplicated.
        self.assertEqual(len(self._activities(self.weekly)), 1)
        self.assertEqual(len(self._declining_activities(self.shrinking)), 1)

    def test_partial_run_turns_a_customer_passive_once(self):
        self.company.score_passive_p_alive = 0.0
        self._score()
        self.assertEqual(self.row(self.weekly).lifecycle_stage, "active")
        self.company.score_passive_p_alive = 0.5
        self._score(partners=self.weekly)
        row = self.row(self.weekly)
        self.assertEqual((row.lifecycle_stage, row.passive_signal), ("passive", "p_alive"))
        self.assertEqual(row.score, SCORE_CAPS["passive"])
        activity = self._activities(self.weekly)
        self.assertEqual(len(activity), 1)
        self.assertIn("P(alive)", str(activity.note))
        self._score(partners=self.weekly)
        self.assertEqual(len(self._activities(self.weekly)), 1)

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    def test_bad_settings_are_refused_and_nothing_written(self):
        settings = self.env["customer.scoring.settings"].with_user(self.scoring_manager)
        cases = [
            ("score_passive_p_alive", 1.5, "“Passive when P(alive) below” (150.0 %)"),
            ("score_passive_p_alive", -0.1, "“Passive when P(alive) below” (-10.0 %)"),
            (
                "score_decline_share",
                1.0,
                "“Declining when revenue falls by more than” (100.0 %)",
            ),
            (
                "score_decline_share",
                -0.1,
                "“Declining when revenue falls by more than” (-10.0 %)",
            ),
            (
                "score_passive_min_purchases",
                0,
                "“P(alive) judged from (purchase days)” must be at least 1 purchase day, not 0",
            ),
        ]
        before = {name: self.company[name] for name, _value, _text in cases}
        for name, value, text in cases:
            with self.subTest(name=name, value=value):
                with self.assertRaises(ValidationError) as caught:
                    settings.create({name: value})
                self.assertIn(text, str(caught.exception))
                self.company.invalidate_recordset()
                self.assertEqual({n: self.company[n] for n in before}, before, "nothing written")
        # The same check on an administrator's Settings page.
        with self.assertRaises(ValidationError) as caught:
            self.env["res.config.settings"].create({"score_passive_p_alive": 1.5}).execute()
        self.assertIn("“Passive when P(alive) below” (150.0 %)", str(caught.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.score_passive_p_alive, 0.5)
        # Valid values are saved.
        settings.create({"score_passive_p_alive": 0.4, "score_decline_share": 0.25})
        self.company.invalidate_recordset()
        self.assertEqual(
            (self.company.score_passive_p_alive, self.company.score_decline_share), (0.4, 0.25)
        )
