from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, SALESPERSON_GROUPS
from .tour_case import TOUR_TAG, KamTourCase


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourAccountAnalysis(KamTourCase):
    """A manager opens a candidate's key-account analysis, rates it, adds a competitor,
    names the key account manager and promotes it: the customer is a key account. A
    salesperson starts an analysis of her customer from its form and cannot decide it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="tour_analysis_manager",
            name="Maria Analyysi",
            groups=MANAGER_GROUPS,
            tz="Europe/Helsinki",
        )
        cls.kam = new_test_user(
            cls.env,
            login="tour_analysis_kam",
            name="Kaisa Avainasiakas",
            groups="sales_team.group_sale_salesman",
        )
        cls.candidate = cls.env["res.partner"].create({"name": "Tähti Oy", "is_company": True})
        cls.sally = new_test_user(
            cls.env,
            login="tour_analysis_sales",
            name="Sally Analyysi",
            groups=SALESPERSON_GROUPS,
        )
        cls.own = cls.env["res.partner"].create(
            {"name": "Oma Asiakas Oy", "is_company": True, "user_id": cls.sally.id}
        )
        cls.analysis = cls.env["kam.account.analysis"].create(
            {"partner_id": cls.candidate.id, "user_id": cls.manager.id}
        )

    def test_manager_promotes_a_candidate(self):
        self.start_tour(
            "/odoo/action-key_account_mgmt.action_kam_account_analysis",
            "kam_account_analysis_tour",
            login="tour_analysis_manager",
        )
        analysis = self.analysis
        analysis.invalidate_recordset()
        self.assertEqual((analysis.state, analysis.decision), ("decided", "promote"))
        self.assertEqual(analysis.decided_by_id, self.manager)
        # (4 + 5) / 2 rated criteria.
        self.assertEqual(analysis.overall_rating, 4.5)
        self.assertEqual(analysis.our_position, "minor")
        self.assertEqual(analysis.our_share, 20)
        self.assertEqual(
            [(c.name, c.share) for c in analysis.competitor_ids], [("Kilpailija Oy", 50)]
        )
        self.assertTrue(self.candidate.is_key_account)
        self.assertEqual(self.candidate.key_account_manager_id, self.kam)
        self.assertEqual(self.candidate.kam_key_account_history_ids.analysis_id, analysis)

    def test_salesperson_starts_an_analysis_from_the_customer(self):
        self.start_tour(
            f"/odoo/contacts/{self.own.id}",
            "kam_account_analysis_sales_tour",
            login="tour_analysis_sales",
        )
        analysis = self.env["kam.account.analysis"].search([("partner_id", "=", self.own.id)])
        self.assertEqual(len(analysis), 1)
        self.assertEqual((analysis.user_id, analysis.state), (self.sally, "draft"))
        self.assertEqual((analysis.solvency_rating, analysis.complaint_count), (3, 2))
        self.assertFalse(self.own.is_key_account)
