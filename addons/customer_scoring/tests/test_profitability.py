from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import AS_OF, ScoringCommon

# Costs of the main company: field sales 20,000.00 and telesales 10,000.00 a year, a visit
# 100.00. Default service levels: A 50 % / 50 % / 12 visits, B 40 % / 20 % / 4,
# C 10 % / 30 % / 1. Buying customers (revenue in the 12 months) per class: A 2 (Aalto,
# Borea), B 1 (Cirrus), C 2 (Delta, Echo; Fenno bought nothing); Gamma has no class.
#   A: field 20,000 x 50 % / 2 = 5,000.00; tele 10,000 x 50 % / 2 = 2,500.00;
#      visits 12 x 100 = 1,200.00; cost to serve 8,700.00
#   B: field 20,000 x 40 % / 1 = 8,000.00; tele 10,000 x 20 % / 1 = 2,000.00;
#      visits 4 x 100 = 400.00; cost to serve 10,400.00
#   C: field 20,000 x 10 % / 2 = 1,000.00; tele 10,000 x 30 % / 2 = 1,500.00;
#      visits 1 x 100 = 100.00; cost to serve 2,600.00
#   Fenno (C, no revenue): no cost to serve.
COSTS = {
    "profit_field_sales_cost": 20_000.0,
    "profit_telesales_cost": 10_000.0,
    "profit_visit_cost": 100.0,
    "profit_late_days": 10,
    "profit_credit_note_share": 10.0,
}


@tagged("post_install", "-at_install")
class TestProfitability(ScoringCommon):
    """Cost to serve, margin after it, the signals and the steer, as of 2025-06-30
    (window 2024-07-01 .. 2025-06-30). Products without taxes: the open amount of an
    invoice is its untaxed total."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        # The figures below count the scored customers of a class: start from none.
        cls.env.cr.execute("DELETE FROM customer_score WHERE company_id = %s", [company.id])
        company.write(COSTS)
        cls.manager = new_test_user(
            cls.env,
            login="cp_manager",
            groups="sales_team.group_sale_manager",
            company_id=company.id,
        )
        cls.seller = new_test_user(
            cls.env,
            login="cp_seller",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        cls.seller2 = new_test_user(
            cls.env,
            login="cp_seller2",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="cp_accountant",
            groups="account.group_account_invoice",
            company_id=company.id,
        )
        cls.item = cls.env["product.product"].create(
            {
                "name": "Valve",
                "list_price": 100.0,
                "standard_price": 60.0,
                "type": "consu",
                "taxes_id": [Command.clear()],
            }
        )
        Partner = cls.env["res.partner"]

        def customer(name, letter, **vals):
            partner = Partner.create({"name": name, "is_company": True, **vals})
            if letter:
                partner.with_company(company).abc_class_manual = letter
            return partner

        cls.aalto = customer("Aalto Oy", "A", user_id=cls.seller.id)
        cls.borea = customer("Borea Oy", "A", user_id=cls.seller2.id)
        cls.cirrus = customer("Cirrus Oy", "B")
        cls.delta_c = customer("Delta C Oy", "C", key_account_manager_id=cls.seller.id)
        cls.echo = customer("Echo AB", "C")
        cls.fenno = customer("Fenno Oy", "C")
        cls.gamma_u = customer("Gamma U Oy", None)
        # Aalto: 100 x 100.00 (cost 60.00): revenue 10,000.00, margin 4,000.00, paid on time.
        cls._pay(cls._bill(cls.aalto, "2025-03-01", 100), "2025-03-01")
        # Borea: 250 units, margin 10,000.00, paid 4 days late (under the 10-day signal).
        cls._pay(cls._bill(cls.borea, "2025-05-01", 250), "2025-05-05")
        # Cirrus: 300 invoiced (30,000.00), 50 credited (5,000.00): revenue 25,000.00,
        # margin 12,000.00 - 2,000.00 = 10,000.00, credit-note share 16.67 %. The draft and
        # cancelled moves count nowhere.
        cls._pay(cls._bill(cls.cirrus, "2025-02-01", 300), "2025-02-01")
        cls.cirrus_refund = cls._bill(cls.cirrus, "2025-04-10", 50, move_type="out_refund")
        cls._bill(cls.cirrus, "2025-05-10", 100, post=False)
        cls._bill(cls.cirrus, "2025-05-11", 100, move_type="out_refund", post=False)
        cls._bill(cls.cirrus, "2025-05-12", 100).button_cancel()
        # Delta C: 50 units due 2025-04-01, open: 90 days late, overdue 5,000.00.
        cls.delta_open = cls._bill(cls.delta_c, "2025-04-01", 50)
        # Echo: 12,000 SEK at 12 SEK/EUR = 1,000.00 EUR (cost 60.00), open since 2025-03-10.
        cls.echo_open = cls._bill(cls.echo, "2025-03-10", 1, price=12_000.0, currency=cls.sek)
        # Fenno: no posted invoice; a draft and a cancelled one past due are not overdue.
        cls._bill(cls.fenno, "2025-01-10", 10, post=False)
        cls._bill(cls.fenno, "2025-01-11", 10).button_cancel()
        cls.customers = (
            cls.aalto | cls.borea | cls.cirrus | cls.delta_c | cls.echo | cls.fenno | cls.gamma_u
        )
        Score = cls.env["customer.score"].with_user(cls.manager)
        Score.compute_scores(companies=company, partners=cls.customers, date=AS_OF)
        # The class rule gives every scored customer a class; Gamma stands for a customer
        # left without one (e.g. a company whose rule is not set up).
        cls.env.flush_all()
        cls.env.cr.execute(
            """UPDATE res_partner SET abc_class = abc_class - %(key)s,
                                      abc_class_computed = abc_class_computed - %(key)s
                WHERE id = %(id)s""",
            {"key": str(company.id), "id": cls.gamma_u.id},
        )
        cls.env.invalidate_all()
        cls.env["customer.profitability.engine"].with_user(cls.manager).compute_profitability(
            companies=company, date=AS_OF
        )

    @classmethod
    def _bill(
        cls,
        partner,
        day,
        quantity,
        price=100.0,
        move_type="out_invoice",
        currency=None,
        post=True,
        company=None,
    ):
        """An invoice (or credit note) due on its date, without taxes."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": day,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": day,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.item.id,
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def prof(self, partner, company=None):
        return self.env["customer.profitability"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )

    def assertFigures(self, partner, **expected):
        row = self.prof(partner)
        self.assertEqual(len(row), 1, partner.name)
        for name, value in expected.items():
            with self.subTest(partner=partner.name, field=name):
                if isinstance(value, float):
                    self.assertAlmostEqual(row[name], value, places=2)
                else:
                    self.assertEqual(row[name], value)
        return row

    # ------------------------------------------------------------------
    # Cost to serve and margin after it
    # ------------------------------------------------------------------
    def test_cost_to_serve_split_per_class(self):
        self.assertFigures(
            self.aalto,
            abc_class="A",
            cost_field_sales=5000.0,
            cost_telesales=2500.0,
            visits_per_year=12.0,
            cost_visits=1200.0,
            cost_to_serve=8700.0,
        )
        self.assertFigures(
            self.cirrus,
            abc_class="B",
            cost_field_sales=8000.0,
            cost_telesales=2000.0,
            cost_visits=400.0,
            cost_to_serve=10400.0,
        )
        self.assertFigures(
            self.echo,
            abc_class="C",
            cost_field_sales=1000.0,
            cost_telesales=1500.0,
            cost_visits=100.0,
            cost_to_serve=2600.0,
        )
        # Bought nothing in 12 months: the class's time goes to its buying customers.
        self.assertFigures(self.fenno, abc_class="C", cost_to_serve=0.0, visits_per_year=0.0)
        # No class, no service level: no cost to serve.
        self.assertFigures(self.gamma_u, abc_class=False, cost_to_serve=0.0)

    def test_margin_after_cost_and_flag(self):
        self.assertFigures(
            self.aalto,
            revenue_12m=10000.0,
            margin_12m=4000.0,
            margin_after_cost=-4700.0,
            is_unprofitable=True,
            signal_count=0,
            steer="less_contact",
        )
        self.assertFigures(
            self.borea,
            margin_12m=10000.0,
            margin_after_cost=1300.0,
            is_unprofitable=False,
            avg_days_late=4.0,
            is_late_payer=False,
            steer="none",
        )

    def test_late_and_overdue_signal(self):
        # Margin 2,000.00 - cost to serve 2,600.00 = -600.00 with two signals: price.
        row = self.assertFigures(
            self.delta_c,
            margin_12m=2000.0,
            margin_after_cost=-600.0,
            avg_days_late=90.0,
            is_late_payer=True,
            overdue_count=1,
            overdue_amount=5000.0,
            signal_count=2,
            is_unprofitable=True,
            steer="price",
        )
        self.assertIn("90.0 days late", row.steer_explanation)
        self.assertIn("late payment and credit notes are paid for", row.steer_explanation)
        # Without the cost of field sales and telesales only the visit (100.00) is left:
        # 1,900.00 after it. The signals stay on the row, and nothing is to steer.
        self.company.write({"profit_field_sales_cost": 0.0, "profit_telesales_cost": 0.0})
        self.env["customer.profitability.engine"].with_user(self.manager).compute_profitability(
            companies=self.company, date=AS_OF
        )
        row = self.assertFigures(
            self.delta_c, margin_after_cost=1900.0, signal_count=2, steer="none"
        )
        self.assertIn("no steer", row.steer_explanation)
        # Paying the invoice clears the overdue signal at the next computation.
        self._pay(self.delta_open, "2025-06-30")
        self.env["customer.profitability.engine"].with_user(self.manager).compute_profitability(
            companies=self.company, date=AS_OF
        )
        self.assertFigures(self.delta_c, overdue_count=0, overdue_amount=0.0)

    def test_credit_note_share_with_refund(self):
        row = self.assertFigures(
            self.cirrus,
            invoiced_12m=30000.0,
            credited_12m=5000.0,
            credit_note_share=16.67,
            has_credit_note_signal=True,
            revenue_12m=25000.0,
            margin_12m=10000.0,
            margin_after_cost=-400.0,
            is_unprofitable=True,
            signal_count=1,
            steer="price",
            # The open credit note is not an overdue invoice; drafts and cancelled moves
            # count nowhere.
            overdue_count=0,
        )
        self.assertIn("Credit notes are 16.7 % of the invoices", row.steer_explanation)
        self.assertIn("raise the price", row.steer_explanation)

    def test_foreign_currency_in_company_currency(self):
        self.assertFigures(
            self.echo,
            revenue_12m=1000.0,
            margin_12m=940.0,
            overdue_count=1,
            overdue_amount=1000.0,
            avg_days_late=112.0,
            is_late_payer=True,
            margin_after_cost=-1660.0,
            is_unprofitable=True,
            steer="price",
            currency_id=self.company.currency_id,
        )

    def test_no_invoices(self):
        # Margin 0 and no revenue: a class, but no cost to serve (its time goes to the
        # customers who buy), so not flagged; without a class nothing is flagged either.
        row = self.assertFigures(
            self.fenno,
            revenue_12m=0.0,
            margin_12m=0.0,
            overdue_count=0,
            credit_note_share=0.0,
            cost_to_serve=0.0,
            margin_after_cost=0.0,
            is_unprofitable=False,
            signal_count=0,
            steer="none",
        )
        self.assertIn("No revenue in the last 12 months", row.steer_explanation)
        self.assertFigures(
            self.gamma_u,
            margin_12m=0.0,
            margin_after_cost=0.0,
            is_unprofitable=False,
            steer="none",
        )

    def test_steer_without_signals_outside_the_lowest_class(self):
        # Rule 5: revenue sold below the cost of goods -> price. A customer of a class
        # above the lowest that bought nothing gets no cost to serve and no steer.
        Partner = self.env["res.partner"]
        cheap = Partner.create({"name": "Cheap Oy", "is_company": True})
        cheap.with_company(self.company).abc_class_manual = "B"
        hollow = Partner.create({"name": "Hollow Oy", "is_company": True})
        hollow.with_company(self.company).abc_class_manual = "A"
        # 10 x 50.00 at a cost of 60.00: margin -100.00, paid on time.
        self._pay(self._bill(cheap, "2025-06-01", 10, price=50.0), "2025-06-01")
        self.env["customer.score"].with_user(self.manager).compute_scores(
            companies=self.company, partners=cheap | hollow, date=AS_OF
        )
        self.env["customer.profitability.engine"].with_user(self.manager).compute_profitability(
            companies=self.company, date=AS_OF
        )
        self.assertFigures(
            cheap, margin_12m=-100.0, signal_count=0, is_unprofitable=True, steer="price"
        )
        self.assertIn("at or below their cost", self.prof(cheap).steer_explanation)
        self.assertFigures(
            hollow, revenue_12m=0.0, cost_to_serve=0.0, is_unprofitable=False, steer="none"
        )
        # A still has two buying customers (5,000.00 each); B has two now (Cirrus and
        # Cheap): 20,000 x 40 % / 2 = 4,000.00.
        self.assertFigures(self.aalto, cost_field_sales=5000.0)
        self.assertFigures(self.cirrus, cost_field_sales=4000.0)

    def test_nothing_changed_on_the_customer(self):
        self.assertEqual(self.aalto.with_company(self.company).abc_class, "A")
        self.assertEqual(self.fenno.with_company(self.company).abc_class, "C")
        self.assertFalse(self.aalto.is_key_account)
        self.assertIn("Only a suggestion", self.prof(self.aalto).steer_explanation)

    def test_recompute_is_idempotent_and_follows_the_costs(self):
        before = self.prof(self.aalto)
        self.company.profit_visit_cost = 0.0
        self.env["customer.profitability.engine"].with_user(self.manager).compute_profitability(
            companies=self.company, date=AS_OF
        )
        row = self.prof(self.aalto)
        self.assertEqual(row, before)
        self.assertAlmostEqual(row.cost_to_serve, 7500.0)
        self.assertEqual(
            self.env["customer.profitability"].search_count([("company_id", "=", self.company.id)]),
            7,
        )

    def test_full_run_writes_the_rows(self):
        Score = self.env["customer.score"].with_user(self.manager)
        Score.compute_scores(companies=self.company, date=AS_OF)
        scores = Score.search([("company_id", "=", self.company.id)])
        rows = self.env["customer.profitability"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(rows), len(scores))
        margins = {s.partner_id: s.margin_12m for s in scores}
        for row in rows:
            self.assertAlmostEqual(row.margin_12m, margins[row.partner_id], places=2)
        # The class counts now take in every customer the full run scored (and classed),
        # so only figures that do not depend on them are compared.
        self.assertFigures(self.cirrus, credit_note_share=16.67, has_credit_note_signal=True)
        self.assertFigures(self.delta_c, overdue_count=1, overdue_amount=5000.0)

    # ------------------------------------------------------------------
    # Companies apart
    # ------------------------------------------------------------------
    def test_second_company_isolated(self):
        company2 = self.env["res.company"].create(
            {"name": "Profit Test Company 2", "currency_id": self.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading("fi", company=company2, install_demo=False)
        self.env.user.company_ids |= company2
        self.manager.company_ids |= company2
        self.item.with_company(company2).standard_price = 60.0
        company2.write(
            {
                **COSTS,
                "profit_field_sales_cost": 0.0,
                "profit_telesales_cost": 0.0,
                "profit_visit_cost": 50.0,
            }
        )
        self.aalto.with_company(company2).abc_class_manual = "C"
        # 10 units in company2: margin 400.00; one C customer there, one visit: 50.00.
        self._pay(self._bill(self.aalto, "2025-06-01", 10, company=company2), "2025-06-01")
        self.env["customer.score"].with_user(self.manager).with_company(company2).compute_scores(
            companies=company2, partners=self.aalto, date=AS_OF
        )
        self.env["customer.profitability.engine"].with_user(self.manager).compute_profitability(
            companies=company2, date=AS_OF
        )
        row2 = self.prof(self.aalto, company2)
        self.assertEqual(row2.abc_class, "C")
        self.assertAlmostEqual(row2.margin_12m, 400.0)
        self.assertAlmostEqual(row2.cost_to_serve, 50.0)
        self.assertAlmostEqual(row2.margin_after_cost, 350.0)
        self.assertFalse(row2.is_unprofitable)
        # The main company's row and its class counts are untouched.
        self.assertFigures(self.aalto, margin_after_cost=-4700.0)
        self.assertFigures(self.echo, cost_to_serve=2600.0)
        # A user of the main company only does not see company2's row.
        self.assertNotIn(
            row2, self.env["customer.profitability"].with_user(self.accountant).search([])
        )

    # ------------------------------------------------------------------
    # Drill-down for the accountant
    # ------------------------------------------------------------------
    def test_accountant_opens_overdue_invoices_and_lines(self):
        row = self.prof(self.delta_c).with_user(self.accountant)
        action = row.action_open_overdue_invoices()
        self.assertEqual(action["res_model"], "account.move")
        moves = self.env["account.move"].with_user(self.accountant).search(action["domain"])
        self.assertEqual(moves, self.delta_open)
        lines = self.prof(self.cirrus).with_user(self.accountant).action_open_invoice_lines()
        items = self.env["account.move.line"].with_user(self.accountant).search(lines["domain"])
        self.assertAlmostEqual(sum(-line.balance for line in items), 25000.0)
        notes = self.prof(self.cirrus).with_user(self.accountant).action_open_credit_note_lines()
        items = self.env["account.move.line"].with_user(self.accountant).search(notes["domain"])
        self.assertEqual(items.move_id, self.cirrus_refund)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_salesperson_sees_only_hers(self):
        Prof = self.env["customer.profitability"]
        mine = Prof.with_user(self.seller).search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(mine.partner_id, self.aalto | self.delta_c)
        theirs = Prof.with_user(self.seller2).search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(theirs.partner_id, self.borea)
        for user in (self.manager, self.accountant):
            rows = Prof.with_user(user).search([("partner_id", "in", self.customers.ids)])
            self.assertEqual(len(rows), 7, user.login)
        # On the customer's form: her own customer's line, not another's.
        self.assertAlmostEqual(
            self.aalto.with_user(self.seller).customer_margin_after_cost, -4700.0
        )
        self.assertEqual(self.aalto.with_user(self.seller).customer_profit_steer, "less_contact")
        self.assertFalse(self.borea.with_user(self.seller).customer_profitability_id)

    def test_salesperson_cannot_recompute_or_write(self):
        with self.assertRaises(AccessError):
            self.env["customer.profitability.engine"].with_user(self.seller).compute_profitability()
        with self.assertRaises(AccessError):
            self.prof(self.aalto).with_user(self.seller).write({"steer": "none"})

    def test_portal_user_sees_nothing(self):
        portal = new_test_user(self.env, login="cp_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["customer.profitability"].with_user(portal).search([])
        with self.assertRaises(AccessError):
            _steer = self.aalto.with_user(portal).customer_profit_steer

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_settings_refused(self):
        for vals in (
            {"profit_field_sales_cost": -1.0},
            {"profit_telesales_cost": -0.01},
            {"profit_visit_cost": -5.0},
            {"profit_late_days": -1},
            {"profit_credit_note_share": 120.0},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    self.company.write(vals)
                self.company.invalidate_recordset()
                name = next(iter(vals))
                self.assertEqual(self.company[name], COSTS[name])

    def test_bad_settings_refused_on_the_managers_screen(self):
        settings = self.env["customer.scoring.settings"].with_user(self.manager).create({})
        with self.assertRaises(ValidationError) as caught:
            settings.write({"profit_visit_cost": -10.0})
        self.assertIn("cannot be negative", str(caught.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.profit_visit_cost, 100.0)
        settings.write({"profit_visit_cost": 120.0})
        self.assertEqual(self.company.profit_visit_cost, 120.0)
