import ast
from datetime import date

from lxml import etree

from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.revenue_lines import (
    CUSTOMER_INVOICE,
    CUSTOMER_REFUND,
    line_cost,
    line_cost_sql,
    revenue_line_domain,
    revenue_line_where_sql,
)
from .common import AS_OF, ScoringCommon


@tagged("post_install", "-at_install")
class TestFigures(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        cls.rows = cls.env["customer.score"].compute_scores(companies=cls.company, date=AS_OF)

    def test_invoice_credit_note_contact_draft_cancel_and_window(self):
        row = self.row(self.alpha)
        # 1000 (invoice) - 200 (credit note) + 400 (contact's invoice) + 50 (2024-07-01);
        # the draft (999), the cancelled (777) and 2024-06-30 (previous window) are left out.
        self.assertEqual(row.revenue_12m, 1250.0)
        self.assertEqual(row.revenue_prev_12m, 300.0)
        self.assertAlmostEqual(row.revenue_growth, 316.67, places=2)  # (1250 - 300) / 300
        # Costs frozen at posting: 10*60 - 2*60 + 5*30 + 1*30 = 660.
        self.assertEqual(row.cost_12m, 660.0)
        self.assertEqual(row.margin_12m, 590.0)
        self.assertAlmostEqual(row.margin_percent, 47.2, places=2)
        self.assertEqual(row.invoice_count_12m, 3)
        self.assertEqual(row.refund_count_12m, 1)
        self.assertAlmostEqual(row.avg_order_value, 416.67, places=2)
        self.assertEqual(str(row.last_invoice_date), "2025-05-20")
        self.assertEqual(str(row.first_invoice_date), "2024-06-30")
        self.assertEqual(row.recency_days, 41)
        # Gaps between invoice dates 1, 252, 71 days -> median 71.
        self.assertEqual(row.median_gap_days, 71.0)
        # Weighted by the invoice amounts (1000, 400, 50; same tax on all): due 2025-03-10
        # paid 2025-03-20 (10 days), the contact's due 2025-05-20 and 2024-07-01 still open
        # on 2025-06-30 (41 and 364 days): (1000 x 10 + 400 x 41 + 50 x 364) / 1450 = 30.8.
        self.assertEqual(row.avg_days_late, 30.8)
        self.assertEqual(row.lifecycle_stage, "active")
        self.assertEqual(row.date_computed, AS_OF)
        self.assertEqual(row.currency_id, self.company.currency_id)
        self.assertFalse(self.row(self.alpha_contact), "contacts have no row of their own")

    def test_sek_invoice_at_its_date_rate(self):
        row = self.row(self.beta)
        self.assertEqual(row.revenue_12m, 100.0)  # 1150 SEK / 11.5
        self.assertEqual(row.margin_12m, 40.0)
        self.assertEqual(row.recency_days, 149)
        # One invoice 149 days ago (>= 90 days): passive.
        self.assertEqual(row.lifecycle_stage, "passive")

    def test_prospect_has_zeros(self):
        row = self.row(self.gamma)
        self.assertEqual(row.lifecycle_stage, "prospect")
        self.assertEqual(
            (
                row.revenue_12m,
                row.margin_12m,
                row.margin_percent,
                row.avg_order_value,
                row.revenue_growth,
                row.share_of_company_revenue,
                row.clv,
                row.avg_days_late,
            ),
            (0, 0, 0, 0, 0, 0, 0, 0),
        )
        self.assertEqual(row.abc_value_class, "C")
        self.assertFalse(row.last_invoice_date)

    def test_lost_customer(self):
        row = self.row(self.delta)
        self.assertEqual(row.lifecycle_stage, "lost")
        self.assertEqual(row.revenue_12m, 0)
        self.assertEqual(row.revenue_prev_12m, 500.0)
        self.assertEqual(row.revenue_growth, -100.0)

    def test_share_concentration_class_clv(self):
        alpha, beta = self.row(self.alpha), self.row(self.beta)
        # Company revenue 1250 + 100 = 1350.
        self.assertAlmostEqual(alpha.share_of_company_revenue, 92.59, places=2)
        self.assertAlmostEqual(beta.share_of_company_revenue, 7.41, places=2)
        self.assertTrue(alpha.is_concentration_risk)
        self.assertFalse(beta.is_concentration_risk)
        # The largest customer is A even above 80 %; Beta's cumulative share is 100 % -> C.
        self.assertEqual(alpha.abc_value_class, "A")
        self.assertEqual(beta.abc_value_class, "C")
        # Previous year: Delta (500, class A) did not buy again, Alpha (300, class C) did.
        self.assertEqual(alpha.retention_rate, 0.0)
        self.assertEqual(beta.retention_rate, 100.0)
        self.assertEqual(alpha.clv, 0.0)
        # 40 * sum(1 / 1.1 ** t for t in 1..5) = 40 * 3.790787 = 151.63
        self.assertEqual(beta.clv, 151.63)

    def test_score_is_explained(self):
        row = self.row(self.alpha)
        parts = [
            row.score_revenue,
            row.score_growth,
            row.score_margin,
            row.score_frequency,
            row.score_recency,
            row.score_payment,
            row.score_evaluative,
        ]
        self.assertAlmostEqual(row.score, sum(parts), places=2)
        # Nobody rated Alpha: the evaluative weight (10) is left out and the other weights
        # are scaled by 100 / 90. Alpha is the best of 2 buyers in revenue (rank 1, and
        # the largest buyer: size 1), frequency and margin % (47.2 vs 40): 30 + 15 + 15
        # -> 33.33 + 16.67 + 16.67. Growth +316 % (capped at 1) on a previous year of 300,
        # against the median buyer's 675: 0.5 + 0.5 * 300 / 675 = 0.7222 -> 8.02.
        # Recency 10 * (1 - 41/365) -> 9.86; payment 10 * (1 - 30.8/60) -> 5.41.
        self.assertEqual(parts, [33.33, 8.02, 16.67, 16.67, 9.86, 5.41, 0.0])
        self.assertEqual(row.score, 89.96)
        self.assertFalse(row.score_evaluative_rated)
        self.assertIn("Revenue 12 months", row.score_explanation)
        self.assertIn("not rated yet, left out", row.score_explanation)
        self.assertIn("33.33 of 33.33 points", row.score_explanation)
        self.assertIn("89.96", row.score_explanation)
        self.assertEqual(self.row(self.gamma).score, 0.0)

    def test_invoices_counted_opens_the_summed_lines(self):
        row = self.row(self.alpha)
        action = self.alpha.action_open_score_invoice_lines()
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(-sum(lines.mapped("balance")), row.revenue_12m)
        self.assertEqual(
            lines.move_id,
            self.inv_alpha_1 | self.refund_alpha | self.inv_contact | self.inv_first_day,
        )
        # The contact's form opens the same lines (its company's figures).
        contact_action = self.alpha_contact.action_open_score_invoice_lines()
        self.assertEqual(self.env["account.move.line"].search(contact_action["domain"]), lines)

    def test_idempotent(self):
        fields_to_compare = [
            name
            for name, field in self.env["customer.score"]._fields.items()
            if field.store and name not in ("write_date", "write_uid", "create_date")
        ]
        before = self.rows.read(fields_to_compare)
        again = self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(again, self.rows)
        self.assertEqual(again.read(fields_to_compare), before)

    def test_partner_fields_and_kam_hooks(self):
        self.assertEqual(self.alpha.customer_revenue_12m, 1250.0)
        self.assertEqual(self.alpha_contact.customer_score_class, "A")
        self.assertEqual(self.beta.customer_lifecycle_stage, "passive")
        Engine = self.env["kam.class.engine"]
        purchases = Engine._kam_yearly_purchases(self.company, self.alpha | self.beta)
        self.assertEqual(purchases, {self.alpha.id: 1250.0, self.beta.id: 100.0})
        self.company.score_abc_source = "value"
        self.assertIn("Value ABC", Engine._kam_class_source_text(self.company))
        self.assertIn("Value ABC", self.alpha.kam_class_source_text)
        values = Engine._kam_compute_class_values(self.company, self.alpha | self.gamma)
        self.assertEqual(values[self.alpha.id][0], "A")
        self.assertEqual(values[self.gamma.id][0], "C")

    def test_passive_activity_once(self):
        activity_type = self.env.ref("customer_scoring.mail_activity_type_passive_customer")
        domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "=", self.beta.id),
            ("activity_type_id", "=", activity_type.id),
        ]
        activities = self.env["mail.activity"].search(domain)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesman)
        # Still passive, and even recomputed from scratch: no second activity.
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        self.env["customer.score"].search([("partner_id", "=", self.beta.id)]).unlink()
        self.env["customer.score"].compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(self.env["mail.activity"].search_count(domain), 1)
        # Alpha is active: no activity.
        self.assertFalse(
            self.env["mail.activity"].search_count(
                [
                    ("res_id", "=", self.alpha.id),
                    ("activity_type_id", "=", activity_type.id),
                    ("res_model", "=", "res.partner"),
                ]
            )
        )

    def test_marked_partners_only(self):
        Mark = self.env["customer.score.mark"]
        self.assertFalse(Mark.search([]), "a full run clears the marks")
        self._invoice(self.gamma, "2025-06-01", [(self.product_b, 2, 100.0)])
        self.assertEqual(Mark.search([]).partner_id, self.gamma)
        rows = self.env["customer.score"].compute_scores(
            companies=self.company, date=AS_OF, only_marked=True
        )
        self.assertEqual(rows.partner_id, self.gamma)
        self.assertEqual(rows.revenue_12m, 200.0)
        self.assertEqual(rows.lifecycle_stage, "new")
        self.assertFalse(Mark.search([]))
        # Cancelling marks it again.
        self.inv_contact.button_cancel()
        self.assertEqual(Mark.search([]).partner_id, self.alpha)

    def test_cost_frozen_at_posting(self):
        self.product_a.standard_price = 90.0
        rows = self.env["customer.score"].compute_scores(
            companies=self.company, partners=self.alpha, date=AS_OF
        )
        self.assertEqual(rows.cost_12m, 660.0)


@tagged("post_install", "-at_install")
class TestRevenueLines(ScoringCommon):
    """One definition of the revenue lines and of their cost (tools/revenue_lines.py),
    the same in the score rows, the monthly KPIs and the revenue report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        # Sold by the dozen, costed per unit (60): 2 dozens cost 1440, 1 dozen back -720.
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.inv_dozen = cls._invoice(
            cls.beta, "2025-06-02", [(cls.product_a, 2, 1000.0)], post=False
        )
        cls.refund_dozen = cls._invoice(
            cls.beta, "2025-06-03", [(cls.product_a, 1, 1000.0)], move_type="out_refund", post=False
        )
        dozen_moves = cls.inv_dozen | cls.refund_dozen
        dozen_moves.invoice_line_ids.write({"product_uom_id": cls.dozen.id, "price_unit": 1000.0})
        dozen_moves.action_post()
        cls.dozen_lines = dozen_moves.invoice_line_ids

    def _sql_costs(self, lines):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT aml.id, %s FROM account_move_line aml
                     JOIN account_move am ON am.id = aml.move_id
                    WHERE aml.id = ANY(%s)""",
                line_cost_sql("aml", "am"),
                lines.ids,
            )
        )
        return {line_id: float(cost) for line_id, cost in self.env.cr.fetchall()}

    def test_cost_per_unit_of_the_line(self):
        """Frozen at posting and costed without a frozen cost alike: quantity in the line's
        unit times the product's cost converted to that unit, negative on a credit note."""
        frozen = {line.id: line.score_cost for line in self.dozen_lines}
        self.assertEqual(sorted(frozen.values()), [-720.0, 1440.0])
        self.assertEqual({line.id: line_cost(line) for line in self.dozen_lines}, frozen)
        self.env.cr.execute(
            "UPDATE account_move_line SET score_cost = NULL WHERE id = ANY(%s)",
            [self.dozen_lines.ids],
        )
        self.env.invalidate_all()
        # Costed now with the same rule (12 units a dozen), not 2 x 60 and -1 x 60.
        self.assertEqual(self._sql_costs(self.dozen_lines), frozen)
        row = self.env["customer.score"].compute_scores(
            companies=self.company, partners=self.beta, date=AS_OF
        )
        # Beta: the SEK invoice (100 EUR, cost 60), then 2000 - 1000 EUR of dozens.
        self.assertEqual(row.revenue_12m, 1100.0)
        self.assertEqual(row.cost_12m, 60.0 + 1440.0 - 720.0)
        snapshots = self.env["customer.kpi.snapshot"].generate_snapshots(
            month=date(2025, 6, 1), companies=self.company
        )
        june = snapshots.filtered(lambda s: s.partner_id == self.beta)
        self.assertEqual((june.revenue, june.margin), (1000.0, 1000.0 - 720.0))
        report = self.env["customer.revenue.report"].search(
            [("partner_id", "=", self.beta.id), ("date", "=", date(2025, 6, 1))]
        )
        self.assertEqual(sum(report.mapped("cost")), 720.0)
        self.assertEqual(sum(report.mapped("quantity")), 1.0)

    def test_domain_and_sql_select_the_same_lines(self):
        """The drill-down domain and the SQL of the figures select the same journal items:
        product lines of posted customer invoices and credit notes only (no draft,
        cancelled, tax or receivable line, no vendor bill)."""
        bill = self._invoice(self.alpha, "2025-05-01", [(self.product_a, 1, 10.0)], "in_invoice")
        Line = self.env["account.move.line"]
        by_domain = Line.search(revenue_line_domain(company_ids=self.company.ids))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT aml.id FROM account_move_line aml
                     JOIN account_move am ON am.id = aml.move_id
                    WHERE aml.company_id = %s AND %s""",
                self.company.id,
                revenue_line_where_sql("aml", "am"),
            )
        )
        by_sql = Line.browse(row[0] for row in self.env.cr.fetchall())
        self.assertEqual(set(by_sql.ids), set(by_domain.ids))
        self.assertEqual(set(by_domain.mapped("display_type")), {"product"})
        self.assertNotIn(bill, by_domain.move_id)
        self.assertNotIn(self.inv_draft, by_domain.move_id)
        self.assertNotIn(self.inv_cancel, by_domain.move_id)
        self.assertIn(self.refund_alpha, by_domain.move_id)
        self.assertIn(self.inv_dozen, by_domain.move_id)
        # Partner and dates narrow it as the score row's drill-down does.
        alpha_lines = Line.search(
            revenue_line_domain(
                company_ids=self.company.ids,
                partner_ids=self.alpha.ids,
                date_from=date(2024, 7, 1),
                date_to=AS_OF,
            )
        )
        self.assertEqual(-sum(alpha_lines.mapped("balance")), 1250.0)

    def test_search_filter_is_the_revenue_line_domain(self):
        """The drill-down's "Counted in revenue" filter (a view cannot import the domain)
        is the revenue line domain, and so are its invoice / credit note filters."""
        view = self.env.ref("customer_scoring.view_move_line_scoring_search")
        arch = etree.fromstring(view.arch)
        domains = {
            f.get("name"): ast.literal_eval(f.get("domain"))
            for f in arch.iter("filter")
            if f.get("domain")
        }
        self.assertEqual(domains["counted_in_revenue"], revenue_line_domain())
        self.assertEqual(domains["invoices"], [("move_id.move_type", "=", CUSTOMER_INVOICE)])
        self.assertEqual(domains["credit_notes"], [("move_id.move_type", "=", CUSTOMER_REFUND)])
