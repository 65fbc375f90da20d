"""Plan goals measured on posted invoices: revenue, margin %, revenue of a product
category and the number of product categories bought, from the revenue lines of
``tools/revenue_lines.py`` (the lines the score is summed from), dated by invoice date in
the goal's period."""

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..tools.revenue_lines import (
    invoice_lines_action,
    line_cost_sql,
    revenue_line_domain,
    revenue_line_where_sql,
)

REVENUE = "revenue"
MARGIN = "margin"
CATEGORY_REVENUE = "category_revenue"
CATEGORY_COUNT = "category_count"
INVOICE_MEASURES = (REVENUE, MARGIN, CATEGORY_REVENUE, CATEGORY_COUNT)


class KamAccountPlanGoal(models.Model):
    _inherit = "kam.account.plan.goal"

    measure_type = fields.Selection(
        selection_add=[
            (REVENUE, "Revenue"),
            (MARGIN, "Margin %"),
            (CATEGORY_REVENUE, "Revenue of a product category"),
            (CATEGORY_COUNT, "Product categories bought"),
        ],
        ondelete=dict.fromkeys(INVOICE_MEASURES, "set default"),
    )
    product_category_id = fields.Many2one(
        "product.category",
        ondelete="restrict",
        help="Revenue of the products of this category and its subcategories counts.",
    )

    @api.model
    def _kam_measure_units(self):
        return {
            **super()._kam_measure_units(),
            REVENUE: "amount",
            MARGIN: "percent",
            CATEGORY_REVENUE: "amount",
            CATEGORY_COUNT: "number",
        }

    @api.model
    def _kam_measure_required_fields(self):
        return {**super()._kam_measure_required_fields(), CATEGORY_REVENUE: ["product_category_id"]}

    @api.constrains("measure_type", "product_category_id")
    def _check_measure_category(self):
        self._kam_check_measure()

    @api.depends("product_category_id")
    def _compute_current_value(self):
        return super()._compute_current_value()

    @api.depends("product_category_id")
    def _compute_measure_display(self):
        return super()._compute_measure_display()

    def _kam_measure_text(self):
        if self.measure_type == CATEGORY_REVENUE and self.product_category_id:
            return self.env._(
                "Revenue of %(category)s", category=self.product_category_id.display_name
            )
        return super()._kam_measure_text()

    def _kam_measured_values(self):
        values = super()._kam_measured_values()
        invoiced = self.filtered(lambda g: g.measure_type in INVOICE_MEASURES)
        if invoiced:
            values.update(invoiced._kam_invoiced_values())
        return values

    def _kam_invoiced_values(self):
        """``{goal: value}`` from the revenue lines of the plan's account (its contacts'
        lines included) in the plan's company, invoice date in the goal's period, all goals
        in one query: revenue, margin % = (revenue - cost) / revenue * 100 (0 without
        revenue) as the score computes it, revenue of the category (with subcategories),
        and the categories with a positive net revenue."""
        rows = self._kam_live_rows("product_category_id", extra_required=False)
        goals = rows[0]
        if not goals:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
WITH lines AS (
    SELECT g.key, pt.categ_id, -aml.balance AS revenue, %(cost)s AS cost,
           (g.categ_id IS NULL OR pc.parent_path LIKE gc.parent_path || %(any)s) AS in_category
      FROM %(goals)s
      LEFT JOIN product_category gc ON gc.id = g.categ_id
      JOIN res_partner p ON p.commercial_partner_id = g.partner_id
      JOIN account_move_line aml
        ON aml.partner_id = p.id AND aml.company_id = g.company_id
       AND aml.invoice_date BETWEEN g.date_from AND g.date_to
      JOIN account_move am ON am.id = aml.move_id
      LEFT JOIN product_product pp ON pp.id = aml.product_id
      LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
      LEFT JOIN product_category pc ON pc.id = pt.categ_id
     WHERE %(revenue_lines)s
),
categories AS (
    SELECT key, categ_id FROM lines
     WHERE categ_id IS NOT NULL
  GROUP BY key, categ_id
    HAVING SUM(revenue) > 0
)
SELECT l.key, SUM(l.revenue)::float, SUM(l.cost)::float,
       COALESCE(SUM(l.revenue) FILTER (WHERE l.in_category), 0)::float,
       (SELECT COUNT(*) FROM categories c WHERE c.key = l.key)
  FROM lines l
 GROUP BY l.key""",
                goals=self._kam_goal_rows_sql(rows, "categ_id"),
                any="%",
                cost=line_cost_sql("aml", "am"),
                revenue_lines=revenue_line_where_sql("aml", "am"),
            )
        )
        values = {}
        for key, revenue, cost, category_revenue, category_count in self.env.cr.fetchall():
            goal = goals[key]
            currency = goal.plan_id.company_id.currency_id
            if goal.measure_type == REVENUE:
                values[goal] = currency.round(revenue)
            elif goal.measure_type == MARGIN:
                values[goal] = round((revenue - cost) / revenue * 100, 2) if revenue else 0.0
            elif goal.measure_type == CATEGORY_REVENUE:
                values[goal] = currency.round(category_revenue) if goal.product_category_id else 0.0
            else:
                values[goal] = float(category_count)
        return values

    def _kam_invoice_line_domain(self):
        """Domain of the invoice lines behind the current value of this goal."""
        self.ensure_one()
        domain = revenue_line_domain(
            company_ids=self.plan_id.company_id.ids,
            partner_ids=self.plan_id.partner_id.commercial_partner_id.ids,
        ) + [("invoice_date", ">=", self.date_from), ("invoice_date", "<=", self.date_to)]
        if self.measure_type == CATEGORY_REVENUE:
            domain.append(("product_id.categ_id", "child_of", self.product_category_id.id))
        return domain

    def action_open_invoice_lines(self):
        """Open the invoice lines the current value of this goal is computed from, all on
        one page (the list's total is the whole set)."""
        self.ensure_one()
        if self.measure_type not in INVOICE_MEASURES or not (self.date_from and self.date_to):
            return False
        return invoice_lines_action(
            self.env,
            self.env._(
                "Invoice lines of goal %(goal)s: %(partner)s, %(start)s - %(end)s",
                goal=self.name,
                partner=self.plan_id.partner_id.name,
                start=format_date(self.env, self.date_from),
                end=format_date(self.env, self.date_to),
            ),
            self._kam_invoice_line_domain(),
            self.env._(
                "<p>No invoice line counted in this goal.</p><p>Counted: posted customer "
                "invoices and credit notes of %(company)s dated in the goal's period, product "
                "lines only, untaxed, in company currency; credit notes are deducted.</p>",
                company=self.plan_id.company_id.name,
            ),
        )
