"""The customer score in the segmentation: an unrated attractiveness comes from the
stored score of the customer in the segmentation's company (0-100 -> 1-5), and follows
the scoring runs."""

from odoo.addons.key_account_mgmt.tools.segmentation import attractiveness_from_score
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestSegmentationScoring(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Seg = cls.env["kam.segmentation"]
        cls.company2 = cls.env["res.company"].create(
            {"name": "Scoring Sverige AB", "currency_id": cls.company.currency_id.id}
        )
        cls.kam_only = new_test_user(
            cls.env,
            login="cs_seg_kam_user",
            groups="key_account_mgmt.group_kam_user",
            company_id=cls.company.id,
        )

    def _score(self, partner, score, company=None):
        company = company or self.company
        return (
            self.env["customer.score"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "score": score,
                }
            )
        )

    def test_unrated_attractiveness_comes_from_the_score(self):
        self._score(self.alpha, 75.0)
        seg = self.Seg.with_user(self.salesman)._kam_get_or_create(self.alpha)
        # 75 is in 60-79: attractiveness 4, high.
        self.assertEqual(seg.score_attractiveness, 4)
        self.assertEqual((seg.attractiveness, seg.attractiveness_used), (0, 4))
        self.assertEqual(seg.attractiveness_source, "score")
        self.assertEqual(seg.customer_score, 75.0)
        self.assertFalse(seg.proposed_decision)
        seg.write({"relationship": 2})
        # Attractive (4) with a weak relationship (2): develop.
        self.assertEqual(seg.stage2_quadrant, "attractive_weak")
        self.assertEqual(seg.proposed_decision, "develop")
        seg.action_confirm_decision()
        self.assertEqual(seg.history_ids.attractiveness, 4)
        self.assertTrue(seg.history_ids.attractiveness_derived)

    def test_rating_wins_over_the_score(self):
        self._score(self.alpha, 95.0)
        seg = self.Seg._kam_get_or_create(self.alpha)
        seg.write({"attractiveness": 2, "relationship": 2})
        self.assertEqual((seg.attractiveness_used, seg.attractiveness_source), (2, "rated"))
        self.assertEqual(seg.proposed_decision, "withdraw")
        # Back to not rated: the score's 5 again.
        seg.write({"attractiveness": 0})
        self.assertEqual((seg.attractiveness_used, seg.attractiveness_source), (5, "score"))
        self.assertEqual(seg.proposed_decision, "develop")
        self.assertFalse(seg.history_ids)

    def test_no_score_no_attractiveness(self):
        seg = self.Seg._kam_get_or_create(self.gamma)
        seg.write({"relationship": 4})
        self.assertEqual(
            (seg.score_attractiveness, seg.attractiveness_used, seg.attractiveness_source),
            (0, 0, False),
        )
        self.assertFalse(seg.proposed_decision)

    def test_score_of_the_segmentation_company_only(self):
        self._score(self.alpha, 90.0, company=self.company2)
        seg1 = self.Seg._kam_get_or_create(self.alpha, self.company)
        seg2 = self.Seg._kam_get_or_create(self.alpha, self.company2)
        self.assertEqual(seg1.score_attractiveness, 0)
        self.assertEqual(seg2.score_attractiveness, 5)
        self.assertEqual(seg2.customer_score, 90.0)

    def test_refreshed_after_a_run(self):
        row = self._score(self.alpha, 85.0)
        seg = self.Seg._kam_get_or_create(self.alpha)
        seg.write({"relationship": 1})
        self.assertEqual(seg.proposed_decision, "develop")
        # The runs write the rows in SQL; their reclassification step refreshes us.
        self.env.cr.execute("UPDATE customer_score SET score = 15 WHERE id = %s", [row.id])
        self.env["customer.score"]._reclassify(self.company, [self.alpha.id])
        self.assertEqual(seg.score_attractiveness, 1)
        self.assertEqual(seg.proposed_decision, "withdraw")
        # A refresh of other customers leaves this one alone.
        self.env.cr.execute("UPDATE customer_score SET score = 50 WHERE id = %s", [row.id])
        self.env["customer.score"]._reclassify(self.company, [self.beta.id])
        self.assertEqual(seg.score_attractiveness, 1)

    def test_a_real_run_fills_it_in(self):
        self._create_main_invoices()
        seg = self.Seg._kam_get_or_create(self.alpha)
        self.assertEqual(seg.score_attractiveness, 0)
        self.env["customer.score"].compute_scores(partners=self.alpha, date=AS_OF)
        score = self.row(self.alpha).score
        self.assertTrue(score)
        self.assertEqual(seg.score_attractiveness, attractiveness_from_score(score))
        self.assertEqual(seg.attractiveness_source, "score")

    def test_score_hidden_from_users_without_scoring(self):
        self._score(self.alpha, 75.0)
        seg = self.Seg._kam_get_or_create(self.alpha)
        # The derived attractiveness is no score: the whole sales org reads it.
        self.assertEqual(seg.with_user(self.kam_only).attractiveness_used, 4)
        with self.assertRaises(AccessError):
            seg.with_user(self.kam_only).read(["customer_score"])
