from datetime import date

import polib

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import file_path
from odoo.tools.translate import code_translations

from .common import AS_OF, CustomerModelCommon

SCORING_WEIGHTS = {
    "kam_health_weight_meetings": 25,
    "kam_health_weight_coverage": 15,
    "kam_health_weight_freshness": 15,
    "kam_health_weight_swot": 10,
    "kam_health_weight_review": 10,
    "kam_health_weight_revenue": 15,
    "kam_health_weight_p_alive": 10,
}


@tagged("post_install", "-at_install")
class TestHealthScoring(CustomerModelCommon):
    """The revenue trend and P(alive) lines from a real scoring run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls._build_model_world("Health")
        cls.company.write(SCORING_WEIGHTS)
        cls.company2.write(SCORING_WEIGHTS)
        # Previous 12 months (2023-07-01 .. 2024-06-30): 1000; last 12 months: 900: -10 %.
        cls.falling = cls.env["res.partner"].create(
            {"name": "Laskeva Oy", "is_company": True, "is_key_account": True}
        )
        cls._invoice(cls.falling, "2024-03-01", [(cls.product_a, 10, 100.0)])
        cls._invoice(cls.falling, "2025-03-01", [(cls.product_a, 9, 100.0)])
        # Bought only in the previous 12 months: -100 %.
        cls.stopped = cls.env["res.partner"].create(
            {"name": "Loppunut Oy", "is_company": True, "is_key_account": True}
        )
        cls._invoice(cls.stopped, "2024-02-01", [(cls.product_a, 5, 100.0)])
        cls.regular = cls.customers[0]
        cls.regular.is_key_account = True
        cls.customers[9].is_key_account = True
        # A key account of the second company, whose model has too few customers.
        cls.small_key = cls.small[0]
        cls.small_key.is_key_account = True
        # No revenue in either 12 months: nothing to compare, the revenue line does not apply.
        cls.unscored = cls.env["res.partner"].create(
            {"name": "Uusi Oy", "is_company": True, "is_key_account": True}
        )

    def _run(self, companies=None):
        self.env["customer.score"].compute_scores(
            companies=companies or self.company | self.company2, date=AS_OF
        )

    def _health(self, partner, company=None):
        return self.env["kam.relationship.health"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )

    def _line(self, partner, factor, company=None):
        return self._health(partner, company).line_ids.filtered(lambda line: line.factor == factor)

    def test_revenue_line(self):
        self._run()
        row = self.row(self.falling)
        self.assertAlmostEqual(row.revenue_growth, -10.0, places=2)
        line = self._line(self.falling, "revenue")
        self.assertTrue(line.applicable)
        self.assertAlmostEqual(line.score, 2 / 3, places=4)
        # 15 of the 100 points; factors that do not apply (meetings, freshness without
        # targets' contacts) spread their weight, so compare with the weights that apply.
        health = self._health(self.falling)
        applicable = sum(health.line_ids.filtered("applicable").mapped("weight"))
        self.assertAlmostEqual(line.points, round(100 * 15 / applicable * 2 / 3, 1), places=1)
        self.assertEqual(line.text, "Revenue \N{MINUS SIGN}10 % against the 12 months before")
        stopped = self._line(self.stopped, "revenue")
        self.assertEqual(stopped.score, 0.0)
        # Bought only in the last months of 2024: all its revenue is in the last 12 months.
        growing = self.customers[9]
        self.assertEqual(self.row(growing).revenue_growth, 100.0)
        self.assertEqual(self._line(growing, "revenue").score, 1.0)
        self.assertEqual(
            self._line(growing, "revenue").text, "Revenue +100 % against the 12 months before"
        )
        unscored = self._line(self.unscored, "revenue")
        self.assertTrue(unscored)
        self.assertFalse(unscored.applicable)
        self.assertEqual(unscored.params["reason"], "no_revenue")
        self.assertEqual(unscored.points, 0.0)
        self.assertEqual(
            unscored.text,
            "No revenue in the last 24 months to compare: its weight goes to the other factors.",
        )
        # Before any scoring run of the company: no score row at all.
        self.env["customer.score"].search([("partner_id", "=", self.falling.id)]).unlink()
        self.env["kam.health.engine"]._kam_compute_health(
            partners=self.falling, companies=self.company, date=AS_OF
        )
        line = self._line(self.falling, "revenue")
        self.assertFalse(line.applicable)
        self.assertEqual(line.params["reason"], "no_score")

    def test_p_alive_line(self):
        self._run()
        model = self.env["customer.clv.model"].search(
            [("company_id", "=", self.company.id), ("date", "=", AS_OF)]
        )
        self.assertEqual(model.state, "fitted")
        row = self.row(self.regular)
        line = self._line(self.regular, "p_alive")
        self.assertTrue(line.applicable)
        self.assertAlmostEqual(line.score, row.p_alive, places=4)
        percent = round(row.p_alive * 100)
        self.assertEqual(line.text, f"Customer still buying with a probability of {percent} %")
        # The second company's model has too few customers: P(alive) does not apply.
        small = self._line(self.small_key, "p_alive", self.company2)
        self.assertTrue(small)
        self.assertFalse(small.applicable)
        self.assertTrue(self._line(self.small_key, "revenue", self.company2).applicable)

    def test_snapshot_keeps_the_score(self):
        self._run()
        snapshot = self.env["kam.account.snapshot"].search(
            [("partner_id", "=", self.regular.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(snapshot), 1)
        self.assertEqual(snapshot.month, date(2025, 6, 1))
        self.assertEqual(snapshot.score, round(self.row(self.regular).score))
        self.assertEqual(snapshot.health, self._health(self.regular).health)
        # The same month again: still one row.
        self._run()
        self.assertEqual(
            self.env["kam.account.snapshot"].search_count(
                [("partner_id", "=", self.regular.id), ("company_id", "=", self.company.id)]
            ),
            1,
        )

    def test_partial_run_does_not_compute_health(self):
        self.env["customer.score"].compute_scores(
            companies=self.company, partners=self.falling, date=AS_OF
        )
        self.assertFalse(self._health(self.falling))

    def test_weights_of_seven_factors(self):
        self.assertEqual(
            set(self.company._kam_health_weight_fields()),
            {"meetings", "coverage", "freshness", "swot", "review", "revenue", "p_alive"},
        )
        new = self.env["res.company"].create({"name": "Uusi yhtiö Oy"})
        self.assertEqual({name: new[name] for name in SCORING_WEIGHTS}, SCORING_WEIGHTS)
        with self.assertRaises(ValidationError) as caught:
            self.company.kam_health_weight_revenue = 20
        self.assertIn("105", str(caught.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.kam_health_weight_revenue, 15)
        self.company.write({"kam_health_weight_revenue": 20, "kam_health_weight_p_alive": 5})
        self.assertEqual(self.company.kam_health_weight_p_alive, 5)

    def test_adopt_scoring_weights(self):
        """Installing the scoring on companies with the key-account weights: untouched
        ones get the seven defaults, chosen ones keep theirs with the new two at 0."""
        untouched = self.env["res.company"].create({"name": "Oletus Oy"})
        chosen = self.env["res.company"].create({"name": "Valittu Oy"})
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE res_company SET kam_health_weight_meetings = 35,
                      kam_health_weight_coverage = 20, kam_health_weight_freshness = 20,
                      kam_health_weight_swot = 10, kam_health_weight_review = 15,
                      kam_health_weight_revenue = 15, kam_health_weight_p_alive = 10
                WHERE id = %s""",
            [untouched.id],
        )
        self.env.cr.execute(
            """UPDATE res_company SET kam_health_weight_meetings = 50,
                      kam_health_weight_coverage = 20, kam_health_weight_freshness = 10,
                      kam_health_weight_swot = 10, kam_health_weight_review = 10,
                      kam_health_weight_revenue = 15, kam_health_weight_p_alive = 10
                WHERE id = %s""",
            [chosen.id],
        )
        self.env.invalidate_all()
        self.env["res.company"]._kam_health_adopt_scoring_weights()
        self.assertEqual({name: untouched[name] for name in SCORING_WEIGHTS}, SCORING_WEIGHTS)
        self.assertEqual([chosen[name] for name in SCORING_WEIGHTS], [50, 20, 10, 10, 10, 0, 0])

    def test_texts_in_finnish(self):
        self._run()
        finnish = {}
        for module in ("key_account_mgmt", "customer_scoring"):
            po = polib.pofile(file_path(f"{module}/i18n/fi.po"))
            texts = dict(code_translations.get_python_translations(module, "fi_FI"))
            texts.update({e.msgid: e.msgstr for e in po if e.msgstr})
            finnish[module, "fi_FI"] = texts
        self.patch(code_translations, "python_translations", finnish)
        line = self._line(self.falling, "revenue").with_context(lang="fi_FI")
        self.assertEqual(
            line.text, "Liikevaihto \N{MINUS SIGN}10 % verrattuna edellisiin 12 kuukauteen"
        )
        row = self.row(self.regular)
        line = self._line(self.regular, "p_alive").with_context(lang="fi_FI")
        self.assertEqual(
            line.text, f"Asiakas ostaa yhä todennäköisyydellä {round(row.p_alive * 100)} %"
        )
        review = self._line(self.falling, "review").with_context(lang="fi_FI")
        self.assertEqual(review.text, "Ei voimassa olevaa asiakassuunnitelmaa")
