from datetime import date

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
