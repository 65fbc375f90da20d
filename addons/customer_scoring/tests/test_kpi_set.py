from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import ScoringCommon

MAY = date(2025, 5, 1)


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestKpiSet(ScoringCommon):
    """The customer-base KPIs of May 2025 (month's end 2025-05-31), main company (EUR, lost
    after 18 months: last purchase before 2023-11-30; return after a pause of more than
    365 days). Salesperson S1 (the salesman) owns Alpha, Beta, Zeta; S2 owns Gamma, Delta,
    Epsilon; both are in team North. Categories X, Y, Z (products px, py, pz).

    - Alpha: bought 2024-01-15, 2024-09-15 (X) and 2025-05-10 (X, Y); credit note 2025-05-12 (Z). In
      base, active, not young, retained (bought Jun 2023-May 2024 and Jun 2024-May 2025);
      May: 2 categories, cross-sell 1 (Y; Z was only credited), contacted (a meeting).
    - Beta: first purchase 2025-05-20 (X): new, young; no cross-sell (first month).
    - Gamma: bought 2023-03-01 only: lost; a credit note in May is no purchase.
    - Delta: bought 2023-10-01 (X), back 2025-05-05 (Y) after 582 days: new (a return),
      retained, cross-sell 1.
    - Epsilon: bought 2024-04-10 only: active, in the retention base, not retained; an
      activity done on it in May: contacted.
    - Zeta: first purchase 2024-09-01: young.
    - Eta: a draft invoice only: no customer.

    Company: customers 6, lost 1 (16.7 %), active 5, young 2 (40 %), retention base 3,
    retained 2 (66.7 %); new 2; contacted 2; cross-sell 2. S1: customers 3, lost 0, new 1
    (Beta), contacted 1, orders 200.00 EUR (Alpha) + 1200 SEK at 12 SEK/EUR = 100.00 EUR
    (Beta) = 300.00 in 2 orders, average 150.00 (a cancelled order and an April order do
    not count). S2: customers 3, lost 1 (33.3 %), new 1 (Delta, a return), contacted 1.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s1 = cls.salesman
        cls.s2 = new_test_user(
            cls.env,
            login="cs_kpi_set_s2",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="cs_kpi_set_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Team North", "member_ids": [Command.set([cls.s1.id, cls.s2.id])]}
        )
        Category = cls.env["product.category"]
        Product = cls.env["product.product"]
        cls.cat_x, cls.cat_y, cls.cat_z = (Category.create({"name": f"Cat {n}"}) for n in "XYZ")
        cls.px, cls.py, cls.pz = (
            Product.create({"name": f"P{n}", "categ_id": c.id, "list_price": 100.0})
            for n, c in (("x", cls.cat_x), ("y", cls.cat_y), ("z", cls.cat_z))
        )
        Partner = cls.env["res.partner"]

        def customer(name, owner):
            return Partner.create(
                {"name": name, "is_company": True, "user_id": owner.id if owner else False}
            )

        cls.alpha.user_id = cls.s1
        cls.beta.user_id = cls.s1
        cls.gamma.user_id = cls.s2
        cls.delta.user_id = cls.s2
        cls.epsilon = customer("Epsilon Oy", cls.s2)
        cls.zeta = customer("Zeta Oy", cls.s1)
        cls.eta = customer("Eta Oy", None)

        def sell(partner, day, lines, user, **kwargs):
            move = cls._invoice(partner, day, lines, post=False, **kwargs)
            move.invoice_user_id = user
            move.action_post()
            return move

        sell(cls.alpha, "2024-01-15", [(cls.px, 1, 100.0)], cls.s1)
        sell(cls.alpha, "2024-09-15", [(cls.px, 1, 100.0)], cls.s1)
        sell(cls.alpha, "2025-05-10", [(cls.px, 1, 100.0), (cls.py, 1, 50.0)], cls.s1)
        sell(cls.alpha, "2025-05-12", [(cls.pz, 1, 10.0)], cls.s1, move_type="out_refund")
        sell(cls.beta, "2025-05-20", [(cls.px, 2, 100.0)], cls.s1)
        sell(cls.gamma, "2023-03-01", [(cls.px, 1, 100.0)], cls.s2)
        sell(cls.gamma, "2025-05-25", [(cls.px, 1, 20.0)], cls.s2, move_type="out_refund")
        sell(cls.delta, "2023-10-01", [(cls.px, 1, 100.0)], cls.s2)
        sell(cls.delta, "2025-05-05", [(cls.py, 1, 100.0)], cls.s2)
        sell(cls.epsilon, "2024-04-10", [(cls.px, 1, 100.0)], cls.s2)
        sell(cls.zeta, "2024-09-01", [(cls.px, 1, 100.0)], cls.s1)
        cls._invoice(cls.eta, "2025-05-15", [(cls.px, 1, 100.0)], post=False)
        for partner, letter in ((cls.alpha, "A"), (cls.delta, "B"), (cls.epsilon, "B")):
            partner.with_company(cls.company).abc_class = letter

        # Contacts: a meeting held with Alpha's contact (and one in June); an activity done
        # on Epsilon in May and one done on Beta in April.
        cls.env["calendar.event"].create(
            [
                {
                    "name": name,
                    "start": start,
                    "stop": start.replace(hour=11),
                    "user_id": cls.s1.id,
                    "partner_ids": [Command.set([cls.alpha_contact.id, cls.s1.partner_id.id])],
                }
                for name, start in (
                    ("May visit", datetime(2025, 5, 12, 10)),
                    ("June visit", datetime(2025, 6, 12, 10)),
                )
            ]
        )
        for partner, day in ((cls.epsilon, "2025-05-20"), (cls.beta, "2025-04-20")):
            with freeze_time(day):
                partner.activity_schedule("mail.mail_activity_data_call", user_id=cls.s2.id)
                partner.activity_ids.with_user(cls.s2).action_feedback(feedback="Called")

        # Received orders.
        cls.sek_pricelist = cls.env["product.pricelist"].create(
            {"name": "SEK", "currency_id": cls.sek.id}
        )

        def order(partner, user, price, day, pricelist=None, confirm=True):
            so = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "pricelist_id": (pricelist or cls.env["product.pricelist"]).id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.px.id, "product_uom_qty": 1, "price_unit": price}
                        )
                    ],
                }
            )
            if confirm:
                so.action_confirm()
            else:
                so._action_cancel()
            so.date_order = day
            return so

        cls.so_alpha = order(cls.alpha, cls.s1, 200.0, datetime(2025, 5, 15, 9))
        cls.so_beta = order(cls.beta, cls.s1, 1200.0, datetime(2025, 5, 21, 9), cls.sek_pricelist)
        order(cls.alpha, cls.s1, 999.0, datetime(2025, 5, 16, 9), confirm=False)
        order(cls.alpha, cls.s1, 500.0, datetime(2025, 4, 16, 9))
        cls.partners = (
            cls.alpha | cls.beta | cls.gamma | cls.delta | cls.epsilon | cls.zeta | cls.eta
        )
        cls.snapshots = (
            cls.env["customer.kpi.snapshot"]
            .generate_snapshots(date(2025, 5, 31))
            .filtered(lambda s: s.partner_id.commercial_partner_id in cls.partners)
        )
        cls.base_domain = [
            ("month", "=", MAY),
            ("company_id", "=", cls.company.id),
            ("partner_id", "in", cls.partners.ids),
        ]
        cls.base = cls.env["customer.kpi.base"].search(cls.base_domain)

    def _row(self, partner):
        rows = self.snapshots.filtered(lambda s: s.partner_id == partner)
        self.assertLessEqual(len(rows), 1)
        return rows

    def _base(self, partner):
        return self.base.filtered(lambda b: b.partner_id == partner)

    def test_customer_base(self):
        self.assertEqual(len(self.base), 6, "Eta (draft only) is no customer")
        expected = {
            # customer, active, young, lost, retention base, retained, categories 12m
            self.alpha: (1, 1, 0, 0, 1, 1, 2),
            self.beta: (1, 1, 1, 0, 0, 0, 1),
            self.gamma: (1, 0, 0, 1, 0, 0, 0),
            self.delta: (1, 1, 0, 0, 1, 1, 1),
            self.epsilon: (1, 1, 0, 0, 1, 0, 0),
            self.zeta: (1, 1, 1, 0, 0, 0, 1),
        }
        for partner, values in expected.items():
            row = self._base(partner)
            self.assertEqual(
                (
                    row.customer_count,
                    row.active_customer_count,
                    row.young_account_count,
                    row.lost_customer_count,
                    row.retention_base_count,
                    row.retained_customer_count,
                    row.category_count_12m,
                ),
                values,
                partner.name,
            )
            self.assertEqual(row.user_id, partner.user_id)
            self.assertEqual(row.team_id, self.team)

    def test_shares_grouped(self):
        """Grouped, the shares are the group's share (not an average of rows)."""
        Base = self.env["customer.kpi.base"]
        domain = self.base_domain
        [(loss, young, retention)] = Base._read_group(
            domain, [], ["loss_rate:avg", "young_account_share:avg", "retention_rate:avg"]
        )
        self.assertEqual((loss, young, retention), (16.7, 40.0, 66.7))
        by_user = dict(Base._read_group(domain, ["user_id"], ["loss_rate:avg"]))
        self.assertEqual(by_user, {self.s1: 0.0, self.s2: 33.3})
        # Retention per segment (the class): A 1 of 1, B 1 of 2 (Delta yes, Epsilon no).
        by_class = dict(Base._read_group(domain, ["abc_class"], ["retention_rate:avg"]))
        self.assertEqual(by_class["A"], 100.0)
        self.assertEqual(by_class["B"], 50.0)

    def test_snapshot_measures(self):
        alpha, beta, delta, epsilon = (
            self._row(p) for p in (self.alpha, self.beta, self.delta, self.epsilon)
        )
        self.assertEqual(
            (alpha.user_id, alpha.category_count, alpha.cross_sell_count),
            (self.s1, 2, 1),
            "X and Y bought in May, Y for the first time; Z was only credited",
        )
        self.assertEqual((alpha.contacted_customer_count, alpha.new_customer_count), (1, 0))
        self.assertEqual(alpha.abc_class, "A")
        self.assertEqual((alpha.order_amount, alpha.quotation_confirmed_count), (200.0, 1))
        self.assertEqual(alpha.quotation_cancelled_count, 1)
        self.assertEqual(
            (beta.new_customer_count, beta.returning_customer_count, beta.cross_sell_count),
            (1, 0, 0),
        )
        self.assertEqual(beta.order_amount, 100.0, "1200 SEK at 12 SEK/EUR, untaxed")
        self.assertEqual(beta.average_order_value, 100.0)
        self.assertEqual(beta.contacted_customer_count, 0, "its activity was done in April")
        self.assertEqual(
            (delta.user_id, delta.new_customer_count, delta.returning_customer_count),
            (self.s2, 1, 1),
        )
        self.assertEqual(delta.cross_sell_count, 1)
        self.assertEqual((epsilon.user_id, epsilon.contacted_customer_count), (self.s2, 1))
        self.assertFalse(self._row(self.gamma).new_customer_count, "a credit note is no purchase")
        self.assertFalse(self._row(self.eta))
        [(average,)] = self.env["customer.kpi.snapshot"]._read_group(
            [("id", "in", self.snapshots.ids), ("user_id", "=", self.s1.id)],
            [],
            ["average_order_value:avg"],
        )
        self.assertEqual(average, 150.0)

    def test_targets_salesperson_and_team(self):
        Target = self.env["customer.kpi.target"].with_user(self.manager)
        s1, s2, team = Target.create(
            [
                {
                    "month": "2025-05-01",
                    "user_id": self.s1.id,
                    "target_new_customers": 2,
                    "target_loss_rate": 10.0,
                    "target_contacted": 2,
                    "target_average_order_value": 120.0,
                    "target_cross_sell": 1,
                },
                {"month": "2025-05-01", "user_id": self.s2.id, "target_loss_rate": 10.0},
                {
                    "month": "2025-05-01",
                    "team_id": self.team.id,
                    "target_new_customers": 4,
                    "target_cross_sell": 4,
                },
            ]
        )
        self.assertEqual((s1.actual_new_customers, s1.new_customers_achievement), (1, 50.0))
        self.assertEqual((s1.actual_loss_rate, s1.loss_rate_achievement), (0.0, 100.0))
        self.assertEqual((s1.actual_contacted, s1.contacted_achievement), (1, 50.0))
        self.assertEqual((s1.actual_order_count, s1.actual_order_amount), (2, 300.0))
        self.assertEqual(s1.actual_average_order_value, 150.0)
        self.assertEqual(s1.average_order_value_achievement, 125.0)
        self.assertEqual((s1.actual_cross_sell, s1.cross_sell_achievement), (1, 100.0))
        self.assertEqual(s1.actual_young_account_share, 66.7)
        self.assertEqual(s2.actual_loss_rate, 33.3)
        self.assertEqual(s2.loss_rate_achievement, 30.0)
        self.assertEqual((s2.actual_customers, s2.actual_lost_customers), (3, 1))
        self.assertEqual(s2.actual_retention_rate, 50.0)
        self.assertEqual((team.actual_new_customers, team.new_customers_achievement), (2, 50.0))
        self.assertEqual((team.actual_contacted, team.actual_cross_sell), (2, 2))
        self.assertEqual(team.actual_loss_rate, 16.7)
        self.assertEqual(team.actual_average_order_value, 150.0)
        self.assertEqual(team.average_order_value_achievement, 0.0, "no target, no division")

        progress = self.env["customer.kpi.progress"].search([("target_id", "=", s1.id)])
        by_series = {p.series: p for p in progress}
        self.assertEqual(
            (by_series["target"].new_customers, by_series["actual"].new_customers), (2, 1)
        )
        self.assertEqual(by_series["target"].average_order_value, 120.0)
        self.assertEqual(by_series["actual"].average_order_value, 150.0)
        self.assertEqual(by_series["actual"].contacted, 1)
        self.assertEqual(by_series["actual"].cross_sell, 1)
        team_actual = self.env["customer.kpi.progress"].search(
            [("target_id", "=", team.id), ("series", "=", "actual")]
        )
        self.assertEqual(team_actual.loss_rate, 16.7)

    def test_bad_targets(self):
        Target = self.env["customer.kpi.target"].with_user(self.manager)
        for values, label in (
            ({"target_new_customers": -1}, "Target New Customers"),
            ({"target_contacted": -2}, "Target Customers Contacted"),
            ({"target_average_order_value": -5.0}, "Target Average Order Value"),
            ({"target_cross_sell": -1}, "Target Cross-sell"),
            ({"target_loss_rate": -0.5}, "Target Loss"),
            ({"target_loss_rate": 120.0}, "Target Loss"),
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(ValidationError, label),
                self.env.cr.savepoint(),
            ):
                Target.create(dict(values, month="2025-05-01", user_id=self.s1.id))
        self.assertFalse(Target.search([("user_id", "=", self.s1.id)]))
        target = Target.create(
            {"month": "2025-05-01", "user_id": self.s1.id, "target_loss_rate": 5.0}
        )
        with (
            self.assertRaisesRegex(ValidationError, "between 0 and 100"),
            self.env.cr.savepoint(),
        ):
            target.write({"target_loss_rate": 100.5})
        self.assertEqual(target.target_loss_rate, 5.0)
        target.target_loss_rate = 100.0  # the edge is allowed

    def test_second_company_apart(self):
        """Alpha's May purchase in a second company makes it a new customer there; the main
        company's figures do not move, and a month without invoices divides by nothing."""
        company2 = self.env["res.company"].create(
            {"name": "KPI Set Toinen Oy", "currency_id": self.env.ref("base.EUR").id}
        )
        self.env["account.chart.template"].try_loading("fi", company=company2, install_demo=False)
        self.env.user.company_ids |= company2
        self._invoice(self.alpha, "2025-05-18", [(self.py, 1, 70.0)], company=company2)
        Snapshot = self.env["customer.kpi.snapshot"]
        rows = Snapshot.generate_snapshots(date(2025, 5, 31), companies=company2)
        self.assertEqual(rows.partner_id, self.alpha)
        self.assertEqual((rows.new_customer_count, rows.cross_sell_count), (1, 0))
        base2 = self.env["customer.kpi.base"].search(
            [("company_id", "=", company2.id), ("month", "=", MAY)]
        )
        self.assertEqual((base2.partner_id, base2.young_account_count), (self.alpha, 1))
        again = Snapshot.generate_snapshots(date(2025, 5, 31), companies=self.company).filtered(
            lambda s: s.partner_id in self.partners
        )
        self.assertEqual(len(again), len(self.snapshots))
        self.assertEqual(sum(again.mapped("new_customer_count")), 2)
        empty = self.env["customer.kpi.target"].create(
            {
                "month": "2025-05-01",
                "company_id": company2.id,
                "team_id": self.env["crm.team"]
                .create({"name": "Empty", "company_id": company2.id})
                .id,
                "target_new_customers": 3,
                "target_loss_rate": 5.0,
            }
        )
        self.assertEqual(
            (empty.actual_new_customers, empty.actual_loss_rate, empty.actual_average_order_value),
            (0, 0.0, 0.0),
        )
        self.assertEqual(empty.new_customers_achievement, 0.0)
        self.assertEqual(empty.loss_rate_achievement, 100.0)

    def test_month_without_invoices(self):
        """January 2022: nobody had bought yet, nothing is written."""
        rows = self.env["customer.kpi.snapshot"].generate_snapshots(date(2022, 1, 10))
        self.assertFalse(rows)
        self.assertFalse(self.env["customer.kpi.base"].search([("month", "=", date(2022, 1, 1))]))
