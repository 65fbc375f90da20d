"""Cross-module scenario: one customer walks the whole process, as the people who do it.

A candidate buys; its salesperson analyses it and the manager promotes it to a key account;
the scoring moves it from class C to B, and the move stays with the salesperson of that
moment when the account changes hands; the key account manager rates the two stages and
confirms the decision to develop it. Every figure is worked out by hand in the comments.

The class rule is the default "at least 2 of the 3 criteria". With the customer's own
turnover of EUR 15 M and its 15 installers:
  - A: turnover > 20 M no, installers > 50 no, purchases > 200,000 no -> 0 of 3;
  - B: turnover < 20 M yes, installers > 20 no, purchases > 100,000 -> 1 or 2 of 3;
  - C: turnover < 10 M no, installers < 20 yes, purchases < 100,000 -> 1 or 2 of 3.
So the yearly purchases decide between B and C.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

FIRST_RUN = date(2024, 12, 31)  # window 2024-01-01 .. 2024-12-31
AS_OF = date(2025, 6, 30)  # window 2024-07-01 .. 2025-06-30


@tagged("post_install", "-at_install")
class TestScenarioCandidateToDevelop(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        company = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        salesman = "sales_team.group_sale_salesman"
        cls.salesman = new_test_user(cls.env, login="pr_sales", groups=salesman, **company)
        cls.successor = new_test_user(cls.env, login="pr_sales2", groups=salesman, **company)
        cls.outsider = new_test_user(cls.env, login="pr_sales3", groups=salesman, **company)
        cls.manager = new_test_user(
            cls.env, login="pr_manager", groups="sales_team.group_sale_manager", **company
        )
        cls.accountant = new_test_user(
            cls.env, login="pr_accountant", groups="account.group_account_invoice", **company
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Insulation roll", "standard_price": 0.0, "type": "consu", "taxes_id": False}
        )
        cls.candidate = cls.env["res.partner"].create(
            {
                "name": "Kandidaatti Rakennus Oy",
                "is_company": True,
                "customer_turnover": 15_000_000,
                "installer_count": 15,
                "user_id": cls.salesman.id,
            }
        )
        # 2024-03-15  600 x 100 = 60,000   (only in the first window)
        # 2024-10-10  400 x 100 = 40,000   (both windows)
        # 2025-03-01  700 x 100 = 70,000   (second window)
        # 2025-04-01  credit note 50 x 100 = 5,000 (second window)
        # First window: 60,000 + 40,000 = 100,000, not above 100,000 -> C.
        # Second window: 40,000 + 70,000 - 5,000 = 105,000 -> B.
        cls._post("2024-03-15", 600)
        cls._post("2024-10-10", 400)
        cls._post("2025-03-01", 700)
        cls._post("2025-04-01", 50, move_type="out_refund")

    @classmethod
    def _post(cls, invoice_date, quantity, move_type="out_invoice"):
        move = (
            cls.env["account.move"]
            .with_user(cls.accountant)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": cls.candidate.id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": quantity,
                                "price_unit": 100.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _score(self, as_of):
        self.env["customer.score"].with_user(self.manager).compute_scores(
            companies=self.company, partners=self.candidate, date=as_of
        )

    def _partner(self):
        return self.candidate.with_company(self.company)

    def test_candidate_analysed_promoted_moved_up_and_developed(self):
        # 1. A candidate in class C after the first year's scoring.
        self._score(FIRST_RUN)
        self.assertEqual(self._partner().abc_class, "C")
        self.assertFalse(self._partner().is_key_account)

        # 2. Its salesperson analyses it; the figures we hold fill themselves in from the
        #    invoices as of the analysis date (no score row of that date yet):
        #    volume 105,000.00; margin 100 % (cost 0); first invoice 2024-03-15 ->
        #    1 year 3 months = 1.25 -> 1.2 years; 1 credit note / 2 invoices = 50 %.
        analysis = (
            self.env["kam.account.analysis"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.candidate.id,
                    "date": AS_OF,
                    "growth_rating": 5,
                    "relationship_rating": 2,
                    "solvency_rating": 4,
                    "our_position": "one_of_several",
                    "our_share": 30.0,
                    "competitor_ids": [
                        Command.create({"name": "Kilpailija Oy", "share": 50.0}),
                    ],
                }
            )
        )
        self.assertAlmostEqual(analysis.sales_volume, 105_000.0, places=2)
        self.assertAlmostEqual(analysis.margin_percent, 100.0, places=2)
        self.assertAlmostEqual(analysis.relationship_years, 1.2, places=6)
        self.assertAlmostEqual(analysis.credit_note_share, 50.0, places=2)
        # (5 + 2 + 4) / 3 rated criteria = 3.67
        self.assertAlmostEqual(analysis.overall_rating, 3.67, places=2)
        self.assertFalse(analysis.was_key_account)

        # The salesperson may not decide; the manager promotes it with her as its KAM.
        with self.assertRaises(UserError):
            analysis.action_promote()
        self.assertFalse(self._partner().is_key_account)
        analysis.with_user(self.manager).write(
            {"key_account_manager_id": self.salesman.id, "decision_reason": "Growing projects"}
        )
        analysis.with_user(self.manager).action_promote()
        self.assertEqual((analysis.state, analysis.decision), ("decided", "promote"))
        partner = self._partner()
        self.assertTrue(partner.is_key_account)
        self.assertEqual(partner.key_account_manager_id, self.salesman)
        self.assertEqual(analysis.history_ids.partner_id, self.candidate)
        self.assertEqual(analysis.history_ids.key_account_manager_id, self.salesman)

        # 3. The next scoring moves it C -> B (105,000 > 100,000), under this salesperson.
        self._score(AS_OF)
        self.assertEqual(self._partner().abc_class, "B")
        move = self.env["kam.abc.class.history"].search(
            [("partner_id", "=", self.candidate.id), ("company_id", "=", self.company.id)],
            order="id desc",
            limit=1,
        )
        self.assertEqual((move.old_class, move.new_class), ("C", "B"))
        self.assertEqual(move.salesperson_id, self.salesman)

        # The account changes hands; the move still counts for the one who made it.
        self.candidate.with_user(self.manager).write({"user_id": self.successor.id})
        Goal = self.env["kam.class.movement.goal"].with_user(self.manager)
        goals = Goal.create(
            [
                {
                    "company_id": self.company.id,
                    "year": move.date.year,
                    "salesperson_id": user.id,
                    "goal_c_to_b": 2,
                }
                for user in (self.salesman, self.successor)
            ]
        )
        mine, theirs = goals
        self.assertEqual(mine.actual_c_to_b, 1)
        self.assertAlmostEqual(mine.achievement_c_to_b, 50.0)  # 1 of 2
        self.assertEqual(mine.kam_actual_partners("c_to_b"), self.candidate)
        self.assertEqual(theirs.actual_c_to_b, 0)

        # 4. The KAM rates the two stages. Before attractiveness is rated it comes from
        #    the score: 0-19 -> 1, 20-39 -> 2, 40-59 -> 3, 60-79 -> 4, 80-100 -> 5.
        Seg = self.env["kam.segmentation"].with_user(self.salesman)
        seg = Seg._kam_get_or_create(self.candidate, self.company)
        seg.write({"importance": 4, "effort": 2, "relationship": 2})
        score = self.env["customer.score"].search(
            [("partner_id", "=", self.candidate.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(seg.attractiveness_source, "score")
        self.assertEqual(seg.attractiveness_used, min(5, int(score.score // 20) + 1))
        # Rated 4 (attractive) with a weak relationship (2): develop. Stage 1 is
        # important (4) and easy to serve (2): nothing to adjust.
        seg.write({"attractiveness": 4})
        self.assertEqual(seg.stage1_quadrant, "important_easy")
        self.assertEqual(seg.stage2_quadrant, "attractive_weak")
        self.assertEqual(seg.proposed_decision, "develop")
        self.assertEqual(seg.abc_class, "B")

        # Someone else's salesperson may not confirm; the KAM does.
        with self.assertRaises(UserError):
            seg.with_user(self.outsider).action_confirm_decision()
        self.assertFalse(seg.decision)
        seg.action_confirm_decision()
        self.assertEqual(seg.decision, "develop")
        self.assertEqual(seg.decided_by_id, self.salesman)
        self.assertEqual(self._partner().kam_decision, "develop")
        self.assertEqual(
            [(h.old_decision, h.new_decision, h.proposed_decision) for h in seg.history_ids],
            [(False, "develop", "develop")],
        )
        # Listed with its class, among the customers to develop.
        listed = self.env["kam.segmentation"].search(
            [("abc_class", "=", "B"), ("decision", "=", "develop")]
        )
        self.assertIn(seg, listed)
