from datetime import date

from lxml import html as lxml_html

from odoo import Command
from odoo.tests import tagged
from odoo.tools import format_amount, format_date
from odoo.tools.safe_eval import safe_eval, time

from .common import KamCase

REPORT = "key_account_mgmt.report_kam_account_plan"


def _table(root, css_class):
    """The rows of the table with ``css_class`` as dicts {header text: cell text}."""
    table = root.xpath(f"//table[contains(@class, '{css_class}')]")[0]
    headers = [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th")]
    return [
        dict(
            zip(
                headers,
                [" ".join(td.text_content().split()) for td in row.xpath("./td")],
                strict=True,
            )
        )
        for row in table.xpath(".//tbody/tr")
    ]


@tagged("post_install", "-at_install")
class TestPlanReport(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Raportti Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        cls.account.with_user(cls.manager).abc_class_manual = "A"
        Swot = cls.env["kam.swot.item"]
        Swot.create(
            [
                {
                    "partner_id": cls.account.id,
                    "swot_type": "threat",
                    "description": "Competitor opens a branch nearby",
                    "impact": 5,
                },
                {
                    "partner_id": cls.account.id,
                    "swot_type": "strength",
                    "description": "Long relationship with procurement",
                    "impact": 4,
                },
                {
                    "partner_id": cls.account.id,
                    "company_id": cls.company2.id,
                    "swot_type": "weakness",
                    "description": "Swedish sites unknown to us",
                    "impact": 2,
                },
            ]
        )
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "name": "Account plan 2026",
                "partner_id": cls.account.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "goal_ids": [
                    Command.create(
                        {
                            "name": "Grow revenue",
                            "measure": "Invoiced revenue",
                            "value_type": "amount",
                            "target_value": 100_000,
                            "actual_value": 45_000,
                            "owner_id": cls.salesperson.id,
                            "action_ids": [
                                Command.create(
                                    {
                                        "name": "Joint product training",
                                        "owner_id": cls.salesperson.id,
                                        "deadline": date(2026, 3, 31),
                                        "outcome": "20 installers trained",
                                        "state": "done",
                                    }
                                )
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "name": "Raise insulation share",
                            "measure": "Share of insulation purchases",
                            "value_type": "percent",
                            "target_value": 60,
                            "actual_value": 45.5,
                        }
                    ),
                ],
                "review_ids": [
                    Command.create(
                        {
                            "date": date(2026, 3, 5),
                            "participant_ids": [Command.set(cls.manager.ids)],
                            "conclusions": "On track; add a marketing meeting.",
                        }
                    )
                ],
            }
        )

    def _render(self, user=None):
        Report = self.env["ir.actions.report"].with_user(user or self.salesperson)
        content, _fmt = Report._render_qweb_html(REPORT, self.plan.ids)
        return content.decode(), lxml_html.fromstring(content)

    def test_company_header_and_class(self):
        text, root = self._render()
        # The company's external layout: its name heads the page.
        self.assertIn(self.company.name, text)
        self.assertTrue(root.xpath("//div[contains(@class, 'header')]"))
        # Also in the body: wkhtmltopdf builds without patched Qt print no header.
        body = root.xpath("//div[@name='kam_plan_header']")[0].text_content()
        self.assertIn(f"Company: {self.company.name}", " ".join(body.split()))
        class_cell = root.xpath("//div[@name='kam_plan_class']")[0].text_content()
        self.assertEqual(" ".join(class_cell.split()), "Class: A")

    def test_swot_of_the_plan_company_only(self):
        _text, root = self._render()
        rows = _table(root, "o_kam_plan_swot")
        self.assertEqual(
            [(row["Type"], row["Description"], row["Impact (1-5)"]) for row in rows],
            [
                ("Strength", "Long relationship with procurement", "4"),
                ("Threat", "Competitor opens a branch nearby", "5"),
            ],
        )

    def test_goal_values_with_their_unit_in_their_columns(self):
        _text, root = self._render()
        goals = _table(root, "o_kam_plan_goals")
        currency = self.company.currency_id
        amount = format_amount(self.env, 100_000, currency).replace("\N{NO-BREAK SPACE}", " ")
        self.assertEqual(goals[0]["Goal"], "Grow revenue")
        self.assertEqual(goals[0]["Measure"], "Invoiced revenue")
        self.assertEqual(goals[0]["Target"], " ".join(amount.split()))
        self.assertIn(currency.symbol, goals[0]["Target"])
        self.assertIn("45,000.00", goals[0]["Current value"])
        self.assertEqual(goals[0]["Progress"], "45 %")
        self.assertEqual(goals[1]["Target"], "60 %")
        self.assertEqual(goals[1]["Current value"], "45.50 %")
        actions = _table(root, "o_kam_plan_actions")
        self.assertEqual(
            actions,
            [
                {
                    "Goal": "Grow revenue",
                    "Action": "Joint product training",
                    "Owner": "Sally Sales",
                    "Deadline": "03/31/2026",
                    "Measurable outcome": "20 installers trained",
                    "Status": "Done",
                }
            ],
        )
        reviews = _table(root, "o_kam_plan_reviews")
        self.assertEqual(reviews[0]["Participants"], "Maria Manager")

    def test_sections_are_kept_together(self):
        _text, root = self._render()
        for name in ("kam_plan_goals", "kam_plan_reviews", "kam_plan_swot"):
            section = root.xpath(f"//div[@name='{name}']")[0]
            self.assertIn("page-break-inside: avoid", section.get("style"))

    def test_file_name_has_customer_and_period(self):
        report = self.env.ref("key_account_mgmt.action_report_kam_account_plan")
        plan = self.plan.with_user(self.salesperson)
        name = safe_eval(report.print_report_name, {"object": plan, "time": time})
        start = format_date(self.env, date(2026, 1, 1))
        end = format_date(self.env, date(2026, 12, 31))
        self.assertEqual(name, f"Account plan 2026 - Raportti Oy - {start}\N{EN DASH}{end}")

    def test_pdf_renders(self):
        pdf, fmt = (
            self.env["ir.actions.report"]
            .with_user(self.salesperson)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.plan.ids)
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_score_and_revenue_from_posted_invoices(self):
        if "customer.score" not in self.env:
            self.skipTest("customer_scoring is not installed")
        product = self.env["product.product"].create(
            {"name": "Pipe", "list_price": 100.0, "standard_price": 60.0, "type": "consu"}
        )
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.account.id,
                "invoice_date": date.today(),
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 12, "price_unit": 100.0})
                ],
            }
        )
        move.action_post()
        self.env["customer.score"].compute_scores(companies=self.company, partners=self.account)
        _text, root = self._render()
        revenue = root.xpath("//div[@name='kam_plan_revenue']")[0].text_content()
        expected = format_amount(self.env, 1200.0, self.company.currency_id)
        self.assertEqual(
            " ".join(revenue.split()),
            " ".join(f"Revenue 12 months: {expected}".replace("\N{NO-BREAK SPACE}", " ").split()),
        )
        score = root.xpath("//div[@name='kam_plan_score']")[0].text_content()
        self.assertRegex(" ".join(score.split()), r"^Score: \d+\.\d$")
