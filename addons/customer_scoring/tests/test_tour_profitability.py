from odoo import Command, fields
from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourProfitability(KamTourCase):
    """A sales manager looks for unprofitable customers and reads the suggested steer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="tour_profit_manager",
            name="Tour Profit Manager",
            groups="sales_team.group_sale_manager",
            company_id=company.id,
        )
        company.write(
            {
                "profit_field_sales_cost": 30_000.0,
                "profit_telesales_cost": 20_000.0,
                "profit_visit_cost": 150.0,
            }
        )
        Partner = cls.env["res.partner"]
        # A small buyer of the lowest class (its cost to serve, 30,000 x 10 % + 20,000 x
        # 30 % + 1 visit x 150 = 9,150.00, is far above its margin of 40.00) and a
        # customer without invoices or class (no cost, not flagged).
        cls.hollow = Partner.create({"name": "Tour Hollow Oy", "is_company": True})
        cls.hollow.with_company(company).abc_class_manual = "C"
        cls.quiet = Partner.create({"name": "Tour Quiet Oy", "is_company": True})
        today = fields.Date.context_today(cls.env.user)
        product = cls.env["product.product"].create(
            {"name": "Tour Washer", "standard_price": 6.0, "type": "consu", "taxes_id": False}
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.hollow.id,
                "invoice_date": today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 10,
                            "price_unit": 10.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        cls.env["customer.score"].compute_scores(
            companies=company, partners=cls.hollow | cls.quiet, date=today
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET abc_class = abc_class - %s WHERE id = %s",
            [str(company.id), cls.quiet.id],
        )
        cls.env.invalidate_all()
        cls.env["customer.profitability.engine"].compute_profitability(
            companies=company, date=today
        )

    def test_manager_reads_the_steer(self):
        row = self.env["customer.profitability"].search([("partner_id", "=", self.hollow.id)])
        self.assertTrue(row.is_unprofitable)
        self.assertEqual(row.steer, "self_service")
        self.start_tour(
            "/odoo/action-customer_scoring.action_customer_profitability",
            "customer_profitability_tour",
            login="tour_profit_manager",
        )
        # Only shown: the class stays.
        self.assertEqual(self.hollow.with_company(self.env.company).abc_class, "C")
