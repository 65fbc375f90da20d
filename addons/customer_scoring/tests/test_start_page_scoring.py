from datetime import date

from odoo.tests import new_test_user, tagged

from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestStartPageScoring(ScoringCommon):
    """The start page's "Customers turning passive" from a real scoring run as of
    2025-06-30:

    * Fading Oy bought monthly (12 x 1,000.00) until 2024-06-15, once more for 500.00 on
      2024-07-15 and never since: passive by the gap rule.
    * Shrinking Oy: 10,000.00 the 12 months before, 6,999.00 the last 12: declining.
    * Steady Oy bought monthly for two years: active, not declining.
    * Other Fading Oy fades like Fading Oy but is another salesperson's customer.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_seller = new_test_user(
            cls.env,
            login="cs_start_other",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        Partner = cls.env["res.partner"]
        cls.fading, cls.shrinking, cls.steady, cls.other_fading = Partner.create(
            [
                {"name": "Fading Oy", "is_company": True, "user_id": cls.salesman.id},
                {
                    "name": "Shrinking Oy",
                    "is_company": True,
                    "is_key_account": True,
                    "user_id": cls.other_seller.id,
                    "key_account_manager_id": cls.salesman.id,
                },
                {"name": "Steady Oy", "is_company": True, "user_id": cls.salesman.id},
                {"name": "Other Fading Oy", "is_company": True, "user_id": cls.other_seller.id},
            ]
        )
        monthly = [date(2023, 7 + m, 15) for m in range(6)] + [
            date(2024, m, 15) for m in range(1, 7)
        ]
        for partner in (cls.fading, cls.other_fading):
            for day in monthly:
                cls._invoice(partner, day, [(cls.product_a, 10, 100.0)])
            cls._invoice(partner, "2024-07-15", [(cls.product_a, 5, 100.0)])
        cls._invoice(cls.shrinking, "2023-07-10", [(cls.product_a, 100, 100.0)])
        cls._invoice(cls.shrinking, "2025-06-02", [(cls.product_a, 1, 6999.0)])
        for year, month in [(2023 + (6 + m) // 12, (6 + m) % 12 + 1) for m in range(24)]:
            cls._invoice(cls.steady, date(year, month, 10), [(cls.product_b, 10, 80.0)])
        cls.env["customer.score"].compute_scores(companies=cls.company, date=AS_OF)
        cls.env.invalidate_all()

    def _section(self, user):
        env = self.env(
            user=user, context=dict(self.env.context, allowed_company_ids=self.company.ids)
        )
        sections = env["kam.start.page"].get_start_page()["sections"]
        self.assertEqual(sections[-1]["key"], "passive")
        return sections[-1]

    def test_scores_as_the_rules_say(self):
        fading, shrinking, steady = (
            self.row(p) for p in (self.fading, self.shrinking, self.steady)
        )
        self.assertEqual((fading.lifecycle_stage, fading.passive_signal), ("passive", "gap"))
        self.assertTrue(shrinking.spend_declining)
        # Back on 2025-06-02 after 693 days without a purchase (more than the company's
        # 365): a returning customer counts as new again (it was "active" before that rule).
        self.assertEqual(shrinking.lifecycle_stage, "new")
        self.assertEqual(steady.lifecycle_stage, "active")
        self.assertFalse(steady.spend_declining or steady.passive_signal)

    def test_her_customers_turning_passive(self):
        section = self._section(self.salesman)
        # Largest revenue of the 12 months before first: Fading 12,000, Shrinking 10,000.
        self.assertEqual([line["name"] for line in section["lines"]], ["Fading Oy", "Shrinking Oy"])
        self.assertEqual(section["count"], 2)
        fading, shrinking = section["lines"]
        self.assertEqual((fading["res_model"], fading["res_id"]), ("res.partner", self.fading.id))
        self.assertEqual(fading["badge"]["tone"], "danger")
        self.assertEqual(
            (shrinking["badge"]["text"], shrinking["badge"]["tone"]), ("Spend declining", "warning")
        )
        self.assertTrue(any("6,999.00" in cell for cell in shrinking["cells"]), shrinking["cells"])
        found = (
            self.env["customer.score"].with_user(self.salesman).search(section["see_all"]["domain"])
        )
        self.assertEqual(found.partner_id, self.fading | self.shrinking)

    def test_other_salesperson_sees_her_own(self):
        section = self._section(self.other_seller)
        # Shrinking Oy: she is its salesperson, the key account manager is the other one.
        self.assertEqual(
            [line["name"] for line in section["lines"]], ["Other Fading Oy", "Shrinking Oy"]
        )

    def test_another_company_has_no_scores(self):
        company2 = self.env["res.company"].create({"name": "Start Page AB"})
        self.salesman.company_ids |= company2
        env = self.env(
            user=self.salesman, context=dict(self.env.context, allowed_company_ids=company2.ids)
        )
        section = env["kam.start.page"].get_start_page()["sections"][-1]
        self.assertEqual((section["count"], section["lines"]), (0, []))
        self.assertTrue(section["empty_text"])
