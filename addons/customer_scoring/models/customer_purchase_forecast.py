"""The monthly purchase forecast of the customer-base model: per customer, company and
month of the next 12 months, the expected purchases and revenue. A database view over the
score rows, which hold the purchases of the 12 months the run predicted
(``customer.score`` ``forecast_purchases``; the revenue is those times the row's expected
purchase value): the forecast is written once, with the customer's other figures, and
cannot disagree with them."""

from odoo import fields, models, tools
from odoo.tools import SQL


class CustomerPurchaseForecast(models.Model):
    """Expected purchases and revenue of a customer in one month, from the customer-base
    model fitted by the customer's last scoring run. Read only."""

    _name = "customer.purchase.forecast"
    _description = "Customer Purchase Forecast"
    _auto = False
    _order = "month, partner_id"
    _rec_name = "month"

    score_id = fields.Many2one("customer.score", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(
        readonly=True,
        help="First day of the forecast month. Month 1 is the calendar month after the "
        "month of the scoring date; the forecast covers 12 months.",
    )
    expected_purchases = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Purchase days expected in the month (each month counted as 365 / 12 days).",
    )
    expected_revenue = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="Expected purchases times the customer's expected purchase value, "
        "untaxed, in company currency.",
    )
    clv_model_id = fields.Many2one("customer.clv.model", string="Model Fit", readonly=True)

    def init(self):
        if tools.sql.table_kind(self.env.cr, self._table) == tools.sql.TableKind.Regular:
            # The forecast was a table of its own before it was read from the score rows.
            self.env.cr.execute(SQL("DROP TABLE %s CASCADE", SQL.identifier(self._table)))
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE VIEW %(table)s AS
SELECT cs.id * 12 + p.month - 1 AS id,
       cs.id AS score_id,
       cs.partner_id,
       cs.company_id,
       cs.clv_model_id,
       (date_trunc('month', cs.date_computed) + make_interval(months => p.month::int))::date
           AS month,
       p.value::float8 AS expected_purchases,
       ROUND(p.value::numeric * cs.expected_purchase_value, cur.decimal_places::int)
           AS expected_revenue
  FROM customer_score cs
  JOIN res_currency cur ON cur.id = cs.currency_id
 CROSS JOIN LATERAL jsonb_array_elements_text(cs.forecast_purchases)
       WITH ORDINALITY AS p(value, month)
 WHERE cs.forecast_purchases IS NOT NULL
""",
                table=SQL.identifier(self._table),
            )
        )
