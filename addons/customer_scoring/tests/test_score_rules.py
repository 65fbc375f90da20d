from odoo import api
from odoo.addons.customer_scoring.models import score_rules
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import formatLang

from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestScoreRules(ScoringCommon):
    """Five customers a sales director ranks at a glance, built from posted invoices
    (Drill A: 100.00 a piece, cost 60.00, so every customer has the same margin %)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        names = ("Steady Oy", "Middle Oy", "Tiny Oy", "Sleepy Oy", "Fresh Oy")
        cls.steady, cls.middle, cls.tiny, cls.sleepy, cls.fresh = Partner.create(
            [{"name": name, "is_company": True, "user_id": cls.salesman.id} for name in names]
        )
        drill = cls.product_a

        def buy(partner, dates, quantity):
            for day in dates:
                cls._invoice(partner, day, [(drill, quantity, 100.0)])

        # Large and steady: 4,000.00 every month of the last 12 (48,000.00), 48,000.00 the
        # year before too (growth 0 %).
        buy(cls.steady, [f"2024-{m:02d}-15" for m in range(7, 13)], 40)
        buy(cls.steady, [f"2025-{m:02d}-15" for m in range(1, 7)], 40)
        buy(cls.steady, ["2023-09-01", "2023-12-01", "2024-03-01", "2024-06-01"], 120)
        # Mid-sized: 4 x 3,000.00 = 12,000.00, 10,000.00 the year before (+20 %).
        buy(cls.middle, ["2024-09-01", "2024-12-01", "2025-03-01", "2025-06-01"], 30)
        buy(cls.middle, ["2023-10-01", "2024-04-01"], 50)
        # Tiny with huge growth: 100.00 the year before, 2 x 500.00 now (+900 %).
        buy(cls.tiny, ["2024-03-01"], 1)
        buy(cls.tiny, ["2025-05-15", "2025-06-20"], 5)
        # Used to buy monthly, nothing since 2024-08-01 (333 days): passive, although its
        # 20,000.00 of the last 12 months is the second largest revenue.
        buy(cls.sleepy, ["2024-04-01", "2024-05-01", "2024-06-01"], 100)
        buy(cls.sleepy, ["2024-07-01", "2024-08-01"], 100)
        # New since February: 3 x 2,000.00 = 6,000.00, nothing before.
        buy(cls.fresh, ["2025-02-01", "2025-04-01", "2025-06-01"], 20)
        cls.customers = cls.steady | cls.middle | cls.tiny | cls.sleepy | cls.fresh

    def _score(self):
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        return {partner: self.row(partner) for partner in self.customers}

    def test_order_a_sales_director_agrees_with(self):
        rows = self._score()
        ordered = sorted(self.customers, key=lambda partner: -rows[partner].score)
        self.assertEqual(
            [partner.name for partner in ordered],
            ["Steady Oy", "Middle Oy", "Fresh Oy", "Tiny Oy", "Sleepy Oy"],
        )
        self.assertEqual(rows[self.sleepy].lifecycle_stage, "passive")
        self.assertEqual(rows[self.fresh].lifecycle_stage, "new")
        self.assertAlmostEqual(rows[self.tiny].revenue_growth, 900.0, places=2)
        # The big steady customer is clearly ahead of the tiny one growing fast.
        self.assertGreater(rows[self.steady].score - rows[self.tiny].score, 30)

    def test_size_weighs_in_revenue_points(self):
        rows = self._score()
        # Buyers 48,000 / 20,000 / 12,000 / 6,000 / 1,000: the largest is 48,000.
        # Steady and Middle buy at even gaps (monthly, quarterly): their regularity computed
        # from the order history counts as a rating, so their weights are the company's own
        # (30 for revenue); the others are unrated (30 x 100 / 90 = 33.33).
        # Steady: rank 1 and size 1 -> 30.00.
        self.assertEqual(rows[self.steady].score_revenue, 30.0)
        # Middle: rank 1 - 2/5 = 0.6, size sqrt(12,000 / 48,000) = 0.5:
        # (0.5 x 0.6 + 0.5 x 0.5) x 30 = 16.50 (a size capped at the 90th percentile of
        # 36,800 gave it 0.33 of the size for a quarter of the revenue, and every buyer above
        # that percentile the same size as the largest).
        self.assertEqual(rows[self.middle].score_revenue, 16.5)
        # Tiny: rank 1 - 4/5 = 0.2, size sqrt(1,000 / 48,000) = 0.1443:
        # (0.5 x 0.2 + 0.5 x 0.1443) x 33.33 = 5.74 (a rank alone gave 6.67).
        self.assertEqual(rows[self.tiny].score_revenue, 5.74)

    def test_growth_on_a_tiny_base_is_damped(self):
        rows = self._score()
        # +900 % is capped at +100 % (1.0) and counts 100 / 12,000 (the median buyer) of
        # the way from the neutral 0.5: 0.5042 x 11.11 = 5.60, hardly above a customer
        # without growth (Steady: 0.5 x 10 = 5.00, its weight not scaled: its computed
        # regularity counts as a rating).
        self.assertEqual(rows[self.tiny].score_growth, 5.6)
        self.assertEqual(rows[self.steady].score_growth, 5.0)
        # Middle: +20 % -> 0.6, on 10,000 of 12,000: 0.5 + 0.1 x 0.8333 = 0.5833 x 10 -> 5.83.
        self.assertEqual(rows[self.middle].score_growth, 5.83)
        # A new customer has no base to grow from: neutral.
        self.assertEqual(rows[self.fresh].score_growth, 5.56)

    def test_passive_customer_is_capped(self):
        row = self._score()[self.sleepy]
        points = sum(row[f"score_{name}"] for name in ("revenue", "growth", "margin"))
        self.assertGreater(points, 40.0, "without the cap it would score above 40")
        self.assertEqual(row.score, 40.0)
        self.assertIn("Passive customer: score capped at 40.00", row.score_explanation)

    def test_unrated_left_out_and_explained(self):
        rows = self._score()
        # Fresh: nobody rated it, and 3 purchase days are too few to compute its regularity.
        fresh = rows[self.fresh]
        self.assertFalse(fresh.score_evaluative_rated)
        self.assertFalse(fresh.regularity_source)
        self.assertEqual(fresh.score_evaluative, 0.0)
        lines = fresh.score_explanation.splitlines()
        # Rank 1 - 3/5 = 0.4, size sqrt(6,000 / 48,000) = 0.3536:
        # (0.5 x 0.4 + 0.5 x 0.3536) x 33.33 = 12.56.
        self.assertEqual(
            lines[0], "Revenue 12 months (size and rank among buyers): 12.56 of 33.33 points"
        )
        self.assertEqual(
            lines[6],
            "Evaluative ratings by the owner: not rated yet, left out (the other weights "
            "are scaled up to 100 points)",
        )
        self.assertEqual(lines[-1], f"Score: {fresh.score:.2f} / 100")
        # Steady: nobody rated it either, but its regularity computed from 12 monthly
        # purchase days (5) counts: the evaluative factor counts and the weights are the
        # company's own.
        steady = rows[self.steady]
        self.assertTrue(steady.score_evaluative_rated)
        self.assertEqual(steady.regularity_source, "computed")
        self.assertEqual(steady.score_evaluative, 10.0)
        self.assertEqual(steady.score_revenue, 30.0)
        lines = steady.score_explanation.splitlines()
        self.assertEqual(
            lines[0], "Revenue 12 months (size and rank among buyers): 30.00 of 30.00 points"
        )
        self.assertEqual(lines[6], "Evaluative ratings by the owner: 10.00 of 10.00 points")
        self.assertTrue(
            lines[7].startswith(
                "Regularity not rated by the owner: computed from the order history as 5 of 5"
            ),
            lines[7],
        )
        # Rated 3 and 3 by the owner, with the computed 5: (3 + 3 + 5) / 3 = 3.667 ->
        # (3.667 - 1) / 4 = 0.6667 x 10 = 6.67 points.
        self.steady.write({"kam_reference_value": 3, "kam_network_value": 3})
        steady = self._score()[self.steady]
        self.assertTrue(steady.score_evaluative_rated)
        self.assertEqual(steady.score_evaluative, 6.67)
        self.assertEqual(steady.score_revenue, 30.0)
        lines = steady.score_explanation.splitlines()
        self.assertEqual(lines[6], "Evaluative ratings by the owner: 6.67 of 10.00 points")

    def _finnish(self):
        self.env["res.lang"]._activate_lang("fi_FI")
        self.env["ir.module.module"]._load_module_terms(["customer_scoring"], ["fi_FI"])

    def test_explanation_in_finnish(self):
        self._finnish()
        row = self._score()[self.sleepy].with_context(lang="fi_FI")
        lines = row.score_explanation.splitlines()
        self.assertEqual(
            lines[0], "Myynti 12 kk (koko ja sijoitus ostajien joukossa): 24,09 / 33,33 pistettä"
        )
        self.assertEqual(
            lines[7],
            # Its invoices of 2024-07-01 and 2024-08-01 are still open: no payment points.
            "Passiivinen asiakas: pisteet rajattu enintään 40,00 (pisteitä yhteensä 52,10)",
        )
        self.assertEqual(lines[-1], "Pisteet: 40,00 / 100")

    def test_passive_activity_in_the_salespersons_language(self):
        self._finnish()
        self.salesman.lang = "fi_FI"
        self._score()
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.sleepy.id)]
        )
        self.assertEqual(activity.summary, "Asiakas on passivoitunut")
        self.assertIn("Sleepy Oy ei ole ostanut yritykseltä", str(activity.note))
        self.assertEqual(activity.user_id, self.salesman)

    def test_number_formatter_formats_as_formatlang(self):
        """The to-dos' formatter (the language read once for many numbers) writes every
        number as formatLang does, in English and Finnish: grouping, separators,
        half-even rounding, negatives and zero."""
        self._finnish()
        values = (0, 0.5, 1.5, 2.5, -2.5, 7, 12.345, 999.95, 1234.5, -1234567.891, 1e9)
        for lang in ("en_US", "fi_FI"):
            env = self.env(context=dict(self.env.context, lang=lang))
            number = score_rules.number_formatter(env)
            for value in values:
                for digits in (0, 1, 2):
                    with self.subTest(lang=lang, value=value, digits=digits):
                        self.assertEqual(
                            number(value, digits), formatLang(env, value, digits=digits)
                        )
        # Grouped and with the language's own separators, not just alike.
        finnish = self.env(context=dict(self.env.context, lang="fi_FI"))
        space = finnish["res.lang"]._lang_get("fi_FI").thousands_sep
        self.assertEqual(score_rules.number_formatter(finnish)(-1234.5, 1), f"-1{space}234,5")
        english = self.env(context=dict(self.env.context, lang="en_US"))
        self.assertEqual(score_rules.number_formatter(english)(1234567.891, 2), "1,234,567.89")

    def test_recompute_button_with_and_without_selected_rows(self):
        """The list header button sends the selected ids (or none): both work."""
        manager = new_test_user(
            self.env,
            login="cs_rules_manager",
            groups="sales_team.group_sale_manager",
            company_id=self.company.id,
        )
        rows = self._score()
        Score = self.env(user=manager)["customer.score"]
        for ids in ([], [rows[self.steady].id, rows[self.tiny].id]):
            action = api.call_kw(Score, "action_recompute_scores", [ids], {})
            self.assertEqual(action["params"]["type"], "success")
        # A salesperson cannot: clear error.
        with self.assertRaises(AccessError) as caught:
            api.call_kw(
                self.env(user=self.salesman)["customer.score"], "action_recompute_scores", [[]], {}
            )
        self.assertIn("Only scoring managers", str(caught.exception))

    def test_invoices_counted_lists_the_whole_revenue(self):
        """The drill-down names what it lists, shows every line on one page and a revenue
        column whose total is the scored revenue (a credit note deducted)."""
        self._invoice(
            self.steady, "2025-06-20", [(self.product_a, 2, 100.0)], move_type="out_refund"
        )
        accountant = new_test_user(
            self.env,
            login="cs_rules_accountant",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        row = self._score()[self.steady]
        self.assertEqual(row.revenue_12m, 47800.0)
        action = row.with_user(accountant).action_open_invoice_lines()
        self.assertEqual(
            action["name"],
            "Invoice lines counted in revenue (12 months): Steady Oy, 07/01/2024 - 06/30/2025",
        )
        lines = self.env["account.move.line"].with_user(accountant).search(action["domain"])
        self.assertEqual(len(lines), 13)
        self.assertGreaterEqual(action["limit"], len(lines))
        self.assertEqual(sum(lines.mapped("score_revenue")), 47800.0)
        self.assertEqual(sorted(set(lines.mapped("score_revenue"))), [-200.0, 4000.0])
        self.assertEqual(action["context"]["search_default_counted_in_revenue"], 1)
        self.assertIn("Invoiced button", action["help"])
        # Many lines: still one page.
        many = self._invoice(self.steady, "2025-06-25", [(self.product_b, 1, 10.0)] * 90)
        self.assertEqual(len(many.invoice_line_ids), 90)
        row = self._score()[self.steady]
        action = row.action_open_invoice_lines()
        self.assertEqual(action["limit"], 103)

    def test_revenue_rank_is_labelled_apart_from_the_class(self):
        self._score()
        partner = self.steady.with_user(self.salesman)
        fields_info = partner.fields_get(["customer_score_class"])["customer_score_class"]
        self.assertEqual(fields_info["string"], "Revenue rank (ABC by value)")
        self.assertIn("only when the company's class source is value ABC", fields_info["help"])
        self.assertEqual(partner.customer_score_class, "A")
        self.steady.with_company(self.company).abc_class_manual = "B"
        self.assertEqual(self.steady.with_company(self.company).abc_class, "B")
        partner.invalidate_recordset()
        self.assertEqual(partner.customer_final_class_note, "Class: B (Key account tab)")
        self.assertEqual(
            self.tiny.with_user(self.salesman).customer_final_class_note,
            f"Class: {self.tiny.with_company(self.company).abc_class} (Key account tab)",
        )
