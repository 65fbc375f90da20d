"""Two companies of ours sell to the same customer: scores and classes are kept apart."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

AS_OF = date(2025, 6, 30)


@tagged("post_install", "-at_install")
class TestScenarioTwoCompanies(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.c1 = cls.env.company
        cls.c2 = cls.env["res.company"].create(
            {
                "name": "Pohjoisen Tukku Oy",
                "currency_id": cls.env.ref("base.EUR").id,
                "country_id": cls.env.ref("base.fi").id,
            }
        )
        cls.env["account.chart.template"].try_loading("fi", cls.c2, install_demo=False)
        both = cls.c1 | cls.c2

        def user(login, groups, companies):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=companies[0].id,
                company_ids=[Command.set(companies.ids)],
            )

        cls.salesman_c1 = user("mc_sales1", "sales_team.group_sale_salesman", cls.c1)
        cls.accountant_c1 = user("mc_acc1", "account.group_account_invoice", cls.c1)
        cls.accountant_c2 = user("mc_acc2", "account.group_account_invoice", cls.c2)
        cls.director = user("mc_director", "sales_team.group_sale_manager", both)
        cls.product = cls.env["product.product"].create(
            {"name": "Radiator", "type": "consu", "taxes_id": False}
        )
        # Shared customer (no company): 60 installers > 50 holds for A in both companies.
        cls.customer = cls.env["res.partner"].create(
            {"name": "Yhteinen Asiakas Oy", "is_company": True, "installer_count": 60}
        )

    @classmethod
    def _post(cls, accountant, company, quantity, price):
        move = (
            cls.env["account.move"]
            .with_user(accountant)
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "invoice_date": "2025-03-01",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def test_scores_and_classes_per_company(self):
        # Company 1: 250 x 1,000.00 = 250,000.00. Company 2: 50 x 1,000.00 = 50,000.00.
        self._post(self.accountant_c1, self.c1, 250, 1000.0)
        self._post(self.accountant_c2, self.c2, 50, 1000.0)
        director_env = self.env(
            user=self.director, context={"allowed_company_ids": (self.c1 | self.c2).ids}
        )
        rows = director_env["customer.score"].compute_scores(
            companies=self.c1 | self.c2, partners=self.customer, date=AS_OF
        )
        by_company = {row.company_id: row.revenue_12m for row in rows}
        self.assertEqual(by_company, {self.c1: 250_000.0, self.c2: 50_000.0})

        # Class A in company 1 (installers + purchases: 2 of 3); company 2: purchases
        # 50,000 hold for neither A nor B, installers alone are 1 of 3 -> C.
        self.assertEqual(self.customer.with_company(self.c1).abc_class, "A")
        self.assertEqual(self.customer.with_company(self.c2).abc_class, "C")
        history = self.env["kam.abc.class.history"].search(
            [("partner_id", "=", self.customer.id), ("new_class", "=", "A")]
        )
        self.assertEqual(history.company_id, self.c1)

        # The salesperson of company 1 sees only company 1's row, and its class.
        Score = self.env["customer.score"].with_user(self.salesman_c1)
        self.assertEqual(Score.search([("partner_id", "=", self.customer.id)]).company_id, self.c1)
        row_c2 = rows.filtered(lambda r: r.company_id == self.c2)
        with self.assertRaises(AccessError):
            Score.browse(row_c2.id).read(["revenue_12m"])
        self.assertEqual(self.customer.with_user(self.salesman_c1).customer_revenue_12m, 250_000)
        # The director sees the company-2 figure when working in company 2.
        in_c2 = self.customer.with_user(self.director).with_context(
            allowed_company_ids=[self.c2.id, self.c1.id]
        )
        self.assertEqual(in_c2.customer_revenue_12m, 50_000.0)
        self.assertEqual(in_c2.abc_class, "C")
