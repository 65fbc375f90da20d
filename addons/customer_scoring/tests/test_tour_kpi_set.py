from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourKpiSet(KamTourCase):
    """A sales manager opens the KPIs against targets and reads last month's new customers
    and average order value of a salesperson against her targets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="tour_kpi_manager",
            name="Tour KPI Manager",
            groups="sales_team.group_sale_manager",
            company_id=company.id,
        )
        cls.seller = new_test_user(
            cls.env,
            login="tour_kpi_seller",
            name="Tour KPI Seller",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        cls.month = fields.Date.context_today(cls.env.user).replace(day=1) - relativedelta(months=1)
        customer = cls.env["res.partner"].create(
            {"name": "Tour New Customer Oy", "is_company": True, "user_id": cls.seller.id}
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Pump", "list_price": 100.0, "type": "consu"}
        )
        # Last month: the customer's first invoice (a new customer) and two received
        # orders of 100.00 and 200.00 (average 150.00).
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": cls.month + relativedelta(days=9),
                "invoice_user_id": cls.seller.id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": 100.0})
                ],
            }
        )
        invoice.action_post()
        for price in (100.0, 200.0):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": cls.seller.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": 1, "price_unit": price}
                        )
                    ],
                }
            )
            order.action_confirm()
            order.date_order = datetime.combine(cls.month + relativedelta(days=11), time(9))
        cls.env["customer.kpi.snapshot"].generate_snapshots(cls.month)
        Target = cls.env["customer.kpi.target"]
        cls.target = Target.create(
            {
                "month": cls.month,
                "user_id": cls.seller.id,
                "target_new_customers": 2,
                "target_average_order_value": 120.0,
            }
        )
        # The month before: another target, which the manager must not read instead.
        Target.create(
            {
                "month": cls.month - relativedelta(months=1),
                "user_id": cls.seller.id,
                "target_new_customers": 7,
                "target_average_order_value": 990.0,
            }
        )

    def test_kpi_set_against_targets(self):
        self.assertEqual(self.target.actual_new_customers, 1)
        self.assertEqual(self.target.actual_average_order_value, 150.0)
        self.start_tour("/odoo", "customer_kpi_set_tour", login="tour_kpi_manager")
