from odoo.tests import new_test_user, tagged

from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourSegmentation(KamTourCase):
    """A salesperson opens her customer, rates the two stages of its segmentation, reads
    the proposal and confirms it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.selma = new_test_user(
            cls.env,
            login="kam_segment",
            name="Selma Segment",
            groups="sales_team.group_sale_salesman",
            tz="Europe/Helsinki",
        )
        cls.account = (
            cls.env["res.partner"]
            .with_context(tracking_disable=True)
            .create({"name": "Kallio Oy", "is_company": True, "user_id": cls.selma.id})
        )

    def test_salesperson_decides(self):
        self.start_tour(
            f"/odoo/res.partner/{self.account.id}", "kam_segmentation_tour", login="kam_segment"
        )
        seg = self.env["kam.segmentation"].search([("partner_id", "=", self.account.id)])
        self.assertEqual(len(seg), 1)
        self.assertEqual(seg.company_id, self.env.company)
        self.assertEqual(
            (seg.importance, seg.effort, seg.attractiveness, seg.relationship), (4, 2, 4, 2)
        )
        self.assertEqual((seg.decision, seg.decided_by_id), ("develop", self.selma))
        self.assertEqual(len(seg.history_ids), 1)
        self.assertEqual(self.account.kam_decision, "develop")
