from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestCompaniesAndAccess(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create(
            {"name": "Aurora Sverige AB", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.env["account.chart.template"].try_loading(
            "fi", company=cls.company2, install_demo=False
        )
        cls.env.user.company_ids |= cls.company2
        cls._create_main_invoices()
        cls.inv_c2 = cls._invoice(
            cls.alpha, "2025-06-01", [(cls.product_a, 7, 100.0)], company=cls.company2
        )
        both = cls.company | cls.company2
        cls.env["customer.score"].compute_scores(companies=both, date=AS_OF)
        cls.manager = new_test_user(
            cls.env,
            login="cs_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, both.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="cs_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.portal = new_test_user(cls.env, login="cs_portal", groups="base.group_portal")

    def test_companies_apart(self):
        self.assertEqual(self.row(self.alpha).revenue_12m, 1250.0)
        row2 = self.row(self.alpha, self.company2)
        self.assertEqual(row2.revenue_12m, 700.0)
        self.assertEqual(row2.share_of_company_revenue, 100.0)
        self.assertEqual(row2.abc_value_class, "A")
        self.assertEqual(row2.invoice_count_12m, 1)
        # Beta bought nothing from company 2.
        self.assertEqual(self.row(self.beta, self.company2).lifecycle_stage, "prospect")
        # The partner shows the figures of the current company.
        self.assertEqual(self.alpha.with_company(self.company2).customer_revenue_12m, 700.0)
        self.assertEqual(self.alpha.with_company(self.company).customer_revenue_12m, 1250.0)

    def test_salesperson_reads_only_own_company_and_cannot_run(self):
        Score = self.env["customer.score"].with_user(self.salesman)
        rows = Score.search([])
        self.assertTrue(rows)
        self.assertEqual(rows.company_id, self.company)
        self.assertEqual(Score.browse(self.row(self.alpha).id).revenue_12m, 1250.0)
        with self.assertRaises(AccessError):
            Score.browse(self.row(self.alpha).id).write({"score": 1.0})
        with self.assertRaises(AccessError):
            Score.compute_scores(date=AS_OF)
        # The score tab fields are readable by sales users.
        self.assertEqual(self.alpha.with_user(self.salesman).customer_score_class, "A")

    def test_manager_runs_both_companies(self):
        Score = (
            self.env["customer.score"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=(self.company | self.company2).ids)
        )
        rows = Score.compute_scores(date=AS_OF)
        self.assertEqual(rows.company_id, self.company | self.company2)
        action = Score.action_recompute_scores()
        self.assertEqual(action["params"]["type"], "success")

    def test_accountant_reads_scores_and_lines(self):
        row = self.row(self.alpha).with_user(self.accountant)
        self.assertEqual(row.revenue_12m, 1250.0)
        action = row.action_open_invoice_lines()
        lines = self.env["account.move.line"].with_user(self.accountant).search(action["domain"])
        self.assertEqual(-sum(lines.mapped("balance")), 1250.0)
        with self.assertRaises(AccessError):
            row.compute_scores(date=AS_OF)

    def test_portal_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["customer.score"].with_user(self.portal).search([])
        partner = self.alpha.with_user(self.portal)
        self.assertNotIn("customer_score", partner.fields_get())
        with self.assertRaises(AccessError):
            partner.read(["customer_revenue_12m"])
