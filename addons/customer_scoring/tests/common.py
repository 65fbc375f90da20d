from datetime import date, timedelta

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

# Figures below are computed by hand "as of" this date (see each test for the arithmetic).
AS_OF = date(2025, 6, 30)


class ScoringCommon(TransactionCase):
    """Main company (Finnish chart, EUR) with customers, products with costs and invoices.

    Alpha Oy (salesperson: the salesman user), its contact Anna, Beta AB (billed in SEK),
    Gamma Oy (prospect, no invoice) and Delta Oy (bought only long ago).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.salesman = new_test_user(
            cls.env,
            login="cs_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.product_a = cls.env["product.product"].create(
            {"name": "Drill A", "list_price": 100.0, "standard_price": 60.0, "type": "consu"}
        )
        cls.product_b = cls.env["product.product"].create(
            {"name": "Saw B", "list_price": 80.0, "standard_price": 30.0, "type": "consu"}
        )
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create(
            {"name": "Alpha Oy", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.alpha_contact = Partner.create(
            {"name": "Anna Alpha", "parent_id": cls.alpha.id, "type": "contact"}
        )
        cls.beta = Partner.create(
            {"name": "Beta AB", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.gamma = Partner.create({"name": "Gamma Oy", "is_company": True, "customer_rank": 1})
        cls.delta = Partner.create({"name": "Delta Oy", "is_company": True})

        cls.sek = cls.env.ref("base.SEK")
        cls.sek.active = True
        cls.env["res.currency.rate"].create(
            [
                {"name": day, "rate": rate, "currency_id": cls.sek.id, "company_id": cls.company.id}
                for day, rate in (("2025-01-01", 10.0), ("2025-02-01", 11.5), ("2025-03-01", 12.0))
            ]
        )

    @classmethod
    def _invoice(
        cls,
        partner,
        invoice_date,
        lines,
        move_type="out_invoice",
        currency=None,
        company=None,
        post=True,
    ):
        """Create (and post) a customer invoice; ``lines`` = [(product, quantity, price)]."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    # Due on the invoice date, so "days late" are easy to count by hand.
                    "invoice_payment_term_id": False,
                    "invoice_date_due": invoice_date,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": quantity, "price_unit": price}
                        )
                        for product, quantity, price in lines
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, move, payment_date):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": payment_date})._create_payments()

    @classmethod
    def _create_main_invoices(cls):
        # Alpha: 12 months window = 2024-07-01 .. 2025-06-30.
        cls.inv_alpha_1 = cls._invoice(cls.alpha, "2025-03-10", [(cls.product_a, 10, 100.0)])
        cls.refund_alpha = cls._invoice(
            cls.alpha, "2025-04-15", [(cls.product_a, 2, 100.0)], move_type="out_refund"
        )
        cls.inv_contact = cls._invoice(cls.alpha_contact, "2025-05-20", [(cls.product_b, 5, 80.0)])
        cls.inv_draft = cls._invoice(
            cls.alpha, "2025-05-25", [(cls.product_a, 1, 999.0)], post=False
        )
        cls.inv_cancel = cls._invoice(cls.alpha, "2025-05-26", [(cls.product_a, 1, 777.0)])
        cls.inv_cancel.button_cancel()
        cls.inv_boundary = cls._invoice(cls.alpha, "2024-06-30", [(cls.product_a, 3, 100.0)])
        cls.inv_first_day = cls._invoice(cls.alpha, "2024-07-01", [(cls.product_b, 1, 50.0)])
        cls._pay(cls.inv_alpha_1, "2025-03-20")
        # Beta: 1150 SEK at 11.5 SEK/EUR (rate of 2025-02-01) = 100.00 EUR.
        cls.inv_beta = cls._invoice(
            cls.beta, "2025-02-01", [(cls.product_a, 1, 1150.0)], currency=cls.sek
        )
        # Delta: only in the previous 12 months, and more than 18 months ago.
        cls.inv_delta = cls._invoice(cls.delta, "2023-10-01", [(cls.product_a, 5, 100.0)])

    def row(self, partner, company=None):
        return self.env["customer.score"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )


START = date(2024, 1, 1)
# Per customer: (first purchase, days from 2024-01-01; days between purchases; repeat
# purchases). Regular, slowing, stopped and one-off buyers, so the model has something to
# tell apart.
PLANS = [
    (0, 30, 8),
    (10, 45, 6),
    (20, 60, 4),
    (5, 90, 3),
    (40, 20, 2),
    (60, 120, 2),
    (15, 200, 2),
    (100, 35, 5),
    (200, 50, 3),
    (300, 14, 4),
    (30, 400, 1),
    (90, 0, 0),
    (120, 0, 0),
    (150, 70, 2),
    (250, 100, 1),
    (7, 25, 3),
    (400, 30, 2),
    (50, 10, 1),
]


class CustomerModelCommon(ScoringCommon):
    """A world for the customer-base model: regular, slowing, stopped and one-off buyers
    in the main company (``customers``), and three customers with too few data in a
    second company (``company2``, ``small``)."""

    @classmethod
    def _build_model_world(cls, prefix):
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"{prefix} Customer {i:02d}", "is_company": True} for i in range(len(PLANS))]
        )
        for index, (customer, (offset, gap, repeats)) in enumerate(
            zip(cls.customers, PLANS, strict=True)
        ):
            for k in range(repeats + 1):
                day = START + timedelta(days=offset + gap * k)
                if day <= AS_OF:
                    # Customers spend at different levels (0.5x to 2.5x): without that
                    # spread the spend model has no heterogeneity to fit.
                    level = 0.5 + ((index * 5) % 9) / 4.0
                    price = level * (100.0 + 17.0 * ((index * 7 + k * 3) % 11))
                    cls._invoice(customer, day, [(cls.product_a, 1 + k % 3, price)])
        cls.company2 = cls.env["res.company"].create(
            {"name": f"{prefix} Test Company 2", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.env["account.chart.template"].try_loading(
            "fi", company=cls.company2, install_demo=False
        )
        cls.env.user.company_ids |= cls.company2
        cls.small = cls.env["res.partner"].create(
            [{"name": f"{prefix} Small {i}", "is_company": True} for i in range(3)]
        )
        for index, customer in enumerate(cls.small):
            cls._invoice(customer, "2025-01-10", [(cls.product_a, 1, 100.0)], company=cls.company2)
            cls._invoice(
                customer,
                date(2025, 3, 1) + timedelta(days=index * 9),
                [(cls.product_b, 2, 80.0)],
                company=cls.company2,
            )
