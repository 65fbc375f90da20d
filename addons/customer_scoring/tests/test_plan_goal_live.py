from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from lxml import html as lxml_html

from odoo.addons.key_account_mgmt.tests.test_plan_report import _table
from odoo.exceptions import ValidationError
from odoo.sql_db import Cursor
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, format_amount

from .common import ScoringCommon

REPORT = "key_account_mgmt.report_kam_account_plan"


@tagged("post_install", "-at_install")
class TestPlanGoalLive(ScoringCommon):
    """Goals measured on posted invoices of Alpha Oy, period 1 January - 30 June 2025.

    Counted (revenue / cost of goods, EUR): invoice 10 Mar, 10 drills x 100 (1000 / 600);
    credit note 15 Apr, 2 drills (-200 / -120); the contact Anna's invoice 20 May, 5 saws x
    80 (400 / 150); 1150 SEK on 1 Feb at 11.5 SEK/EUR, 1 saw (100 / 30); a pipe invoiced
    15 Feb and credited 20 Feb (100 - 100 = 0). Revenue 1300, cost 660, margin % 640 / 1300.
    Not counted: a draft, a cancelled invoice, 31 Dec 2024 and 1 Jul 2025, the second
    company's invoice.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.tools = Category.create({"name": "Tools"})
        cls.drills = Category.create({"name": "Drills", "parent_id": cls.tools.id})
        cls.saws = Category.create({"name": "Saws"})
        cls.pipes = Category.create({"name": "Pipes"})
        cls.product_a.categ_id = cls.drills
        cls.product_b.categ_id = cls.saws
        cls.pipe = cls.env["product.product"].create(
            {
                "name": "Pipe P",
                "list_price": 100.0,
                "standard_price": 70.0,
                "type": "consu",
                "categ_id": cls.pipes.id,
            }
        )
        invoice = cls._invoice
        invoice(cls.alpha, "2025-03-10", [(cls.product_a, 10, 100.0)])
        invoice(cls.alpha, "2025-04-15", [(cls.product_a, 2, 100.0)], move_type="out_refund")
        invoice(cls.alpha_contact, "2025-05-20", [(cls.product_b, 5, 80.0)])
        invoice(cls.alpha, "2025-02-01", [(cls.product_b, 1, 1150.0)], currency=cls.sek)
        invoice(cls.alpha, "2025-02-15", [(cls.pipe, 1, 100.0)])
        invoice(cls.alpha, "2025-02-20", [(cls.pipe, 1, 100.0)], move_type="out_refund")
        invoice(cls.alpha, "2025-05-25", [(cls.product_a, 1, 999.0)], post=False)
        invoice(cls.alpha, "2025-05-26", [(cls.product_a, 1, 777.0)]).button_cancel()
        invoice(cls.alpha, "2024-12-31", [(cls.product_a, 3, 100.0)])
        invoice(cls.alpha, "2025-07-01", [(cls.product_b, 1, 50.0)])

        cls.company2 = cls.env["res.company"].create(
            {"name": "Goal Test Company 2", "currency_id": cls.company.currency_id.id}
        )
        cls.env["account.chart.template"].try_loading(
            "fi", company=cls.company2, install_demo=False
        )
        cls.env.user.company_ids |= cls.company2
        invoice(cls.alpha, "2025-03-01", [(cls.product_a, 1, 500.0)], company=cls.company2)

        cls.accountant = new_test_user(
            cls.env,
            login="goal_accountant",
            groups="account.group_account_invoice,key_account_mgmt.group_kam_user",
            company_id=cls.company.id,
        )
        cls.plan = cls._plan(cls.company)

    @classmethod
    def _plan(cls, company):
        return cls.env["kam.account.plan"].create(
            {
                "name": "Alpha 2025",
                "partner_id": cls.alpha.id,
                "company_id": company.id,
                "date_start": date(2025, 1, 1),
                "date_end": date(2025, 6, 30),
            }
        )

    def _goal(self, measure, target, plan=None, user=None, **vals):
        Goal = self.env["kam.account.plan.goal"]
        return (Goal.with_user(user) if user else Goal).create(
            {
                "plan_id": (plan or self.plan).id,
                "name": f"Goal {measure}",
                "measure_type": measure,
                "target_value": target,
                **vals,
            }
        )

    @contextmanager
    def _refused(self, pattern):
        """A ValidationError matching ``pattern``, its writes rolled back."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def test_revenue(self):
        goal = self._goal("revenue", 2600)
        self.assertEqual(goal.current_value, 1300.0)
        self.assertEqual(goal.progress, 50.0)
        self.assertEqual(goal.value_type, "amount")
        self.assertEqual(
            goal.current_display, format_amount(self.env, 1300.0, self.company.currency_id)
        )

    def test_margin_percent(self):
        goal = self._goal("margin", 50)
        self.assertEqual(goal.value_type, "percent")
        self.assertEqual(goal.current_value, round(640 / 1300 * 100, 2))  # 49.23
        self.assertAlmostEqual(goal.progress, 98.46, places=2)
        # A period without invoices: no revenue, no margin (not a division by zero).
        goal.write({"date_from": date(2025, 1, 1), "date_to": date(2025, 1, 31)})
        self.assertEqual(goal.current_value, 0.0)

    def test_revenue_of_a_category_with_its_subcategories(self):
        tools = self._goal("category_revenue", 1600, product_category_id=self.tools.id)
        self.assertEqual(tools.current_value, 800.0)  # drills: 1000 - 200
        self.assertEqual(tools.progress, 50.0)
        self.assertEqual(tools.measure_display, "Revenue of Tools")
        saws = self._goal("category_revenue", 1000, product_category_id=self.saws.id)
        self.assertEqual(saws.current_value, 500.0)  # 400 + 100 (SEK)
        pipes = self._goal("category_revenue", 1000, product_category_id=self.pipes.id)
        self.assertEqual(pipes.current_value, 0.0)

    def test_categories_bought(self):
        # Drills and saws; the pipe was credited in full.
        goal = self._goal("category_count", 4)
        self.assertEqual((goal.value_type, goal.current_value, goal.progress), ("number", 2, 50))

    def test_only_the_plan_company(self):
        goal = self._goal("revenue", 1000, plan=self._plan(self.company2))
        self.assertEqual(goal.current_value, 500.0)

    def test_one_invoice_query_for_the_batch(self):
        goals = self._goal("revenue", 1) | self._goal("margin", 1) | self._goal("category_count", 1)
        goals |= self._goal("category_revenue", 1, product_category_id=self.saws.id)
        goals.invalidate_recordset()
        executed = []
        original = Cursor.execute

        def execute(cursor, query, params=None, log_exceptions=None):
            code = query.code if isinstance(query, SQL) else query
            if "account_move_line aml" in code:
                executed.append(code)
            return original(cursor, query, params, log_exceptions)

        with patch.object(Cursor, "execute", execute):
            values = goals.mapped("current_value")
        self.assertEqual(values, [1300.0, 49.23, 2.0, 500.0])
        self.assertEqual(len(executed), 1)

    def test_invoice_lines_behind_the_value(self):
        for goal in (
            self._goal("revenue", 1),
            self._goal("category_revenue", 1, product_category_id=self.tools.id),
        ):
            action = goal.with_user(self.accountant).action_open_invoice_lines()
            lines = (
                self.env["account.move.line"].with_user(self.accountant).search(action["domain"])
            )
            self.assertEqual(sum(lines.mapped("score_revenue")), goal.current_value)
            self.assertEqual(action["res_model"], "account.move.line")
        self.assertFalse(self._goal("manual", 1).action_open_invoice_lines())

    def test_bad_input_writes_nothing(self):
        Goal = self.env["kam.account.plan.goal"]
        count = Goal.search_count([])
        with self._refused("fill in the field Product Category"):
            self._goal("category_revenue", 100)
        with self._refused("ends before it starts"):
            self._goal("revenue", 100, date_from=date(2025, 7, 1), date_to=date(2025, 6, 30))
        self.assertEqual(Goal.search_count([]), count)
        goal = self._goal("category_revenue", 100, product_category_id=self.saws.id)
        with self._refused("fill in the field Product Category"):
            goal.product_category_id = False
        goal.invalidate_recordset()
        self.assertEqual(goal.product_category_id, self.saws)

    def test_salesperson_owning_the_plan(self):
        self.assertEqual(self.plan.user_id, self.salesman)
        goal = self._goal(
            "revenue", 2000, plan=self.plan.with_user(self.salesman), user=self.salesman
        )
        self.assertEqual(goal.with_user(self.salesman).current_value, 1300.0)
        self.assertEqual(goal.with_user(self.salesman).progress, 65.0)

    def test_pdf_shows_the_live_values(self):
        self._goal("revenue", 2600)
        self._goal("margin", 50)
        content, _fmt = (
            self.env["ir.actions.report"]
            .with_user(self.salesman)
            ._render_qweb_html(REPORT, self.plan.ids)
        )
        goals = _table(lxml_html.fromstring(content), "o_kam_plan_goals")

        def amount(value):
            return " ".join(format_amount(self.env, value, self.company.currency_id).split())

        self.assertEqual(
            [
                (row["Measure"], row["Target"], row["Current value"], row["Progress"])
                for row in goals
            ],
            [
                ("Revenue", amount(2600), amount(1300), "50 %"),
                ("Margin %", "50 %", "49.23 %", "98 %"),
            ],
        )
