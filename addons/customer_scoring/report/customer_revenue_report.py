from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.revenue_lines import (
    CUSTOMER_INVOICE,
    line_cost_sql,
    line_sign_sql,
    revenue_line_where_sql,
)


class CustomerRevenueReport(models.Model):
    """Revenue and margin per customer, product category, month and company (read-only)."""

    _name = "customer.revenue.report"
    _description = "Customer Revenue and Margin Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    date = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    revenue = fields.Monetary(readonly=True)
    cost = fields.Monetary(string="Cost of Goods", readonly=True)
    margin = fields.Monetary(readonly=True)
    quantity = fields.Float(readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)

    def _query(self):
        return SQL(
            """
SELECT MIN(aml.id) AS id,
       date_trunc('month', aml.date)::date AS date,
       aml.company_id,
       aml.company_currency_id AS currency_id,
       p.commercial_partner_id AS partner_id,
       pt.categ_id,
       am.invoice_user_id AS user_id,
       am.team_id,
       SUM(-aml.balance) AS revenue,
       SUM(l.cost) AS cost,
       SUM(-aml.balance - l.cost) AS margin,
       SUM(%(sign)s * aml.quantity) AS quantity,
       COUNT(DISTINCT aml.move_id) FILTER (WHERE am.move_type = %(invoice)s) AS invoice_count
  FROM account_move_line aml
  JOIN account_move am ON am.id = aml.move_id
  JOIN res_partner p ON p.id = aml.partner_id
  LEFT JOIN product_product pp ON pp.id = aml.product_id
  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
  CROSS JOIN LATERAL (SELECT %(cost)s AS cost) l
 WHERE %(revenue_lines)s
 GROUP BY date_trunc('month', aml.date), aml.company_id, aml.company_currency_id,
          p.commercial_partner_id, pt.categ_id, am.invoice_user_id, am.team_id
""",
            sign=line_sign_sql("am"),
            cost=line_cost_sql("aml", "am"),
            revenue_lines=revenue_line_where_sql("aml", "am"),
            invoice=CUSTOMER_INVOICE,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
