"""The monthly purchase forecast of the customer-base model: per customer, company and
month of the next 12 months, the expected purchases and revenue. Written set-based by
the full scoring run of a company (``replace_company``)."""

from odoo import api, fields, models
from odoo.tools import SQL


class CustomerPurchaseForecast(models.Model):
    """Expected purchases and revenue of a customer in one month, from the company's
    latest fitted customer-base model. Written by the scoring run only."""

    _name = "customer.purchase.forecast"
    _description = "Customer Purchase Forecast"
    _order = "month, partner_id"
    _rec_name = "month"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(
        required=True,
        index=True,
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
    clv_model_id = fields.Many2one(
        "customer.clv.model", string="Model Fit", readonly=True, ondelete="cascade"
    )

    _sql_constraints = [
        (
            "partner_company_month_uniq",
            "unique(partner_id, company_id, month)",
            "One forecast row per customer, company and month.",
        ),
    ]

    @api.model
    def replace_company(self, company, date, model, ids=None, purchases=None, revenue=None):
        """Delete the forecast rows of ``company`` and, when ``ids`` are given, insert
        the new ones in one statement: ``purchases`` / ``revenue`` are lists of 12 values
        per customer (month 1 = the month after the month of ``date``)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM customer_purchase_forecast WHERE company_id = %s", company.id))
        if ids:
            months = len(purchases[0]) if purchases else 0
            flat_ids = [int(i) for i in ids for _m in range(months)]
            flat_month = [m for _i in ids for m in range(1, months + 1)]
            flat_purchases = [float(v) for row in purchases for v in row]
            flat_revenue = [float(v) for row in revenue for v in row]
            cr.execute(
                SQL(
                    """
INSERT INTO customer_purchase_forecast
       (partner_id, company_id, month, expected_purchases, expected_revenue, clv_model_id,
        create_uid, create_date, write_uid, write_date)
SELECT v.partner_id, %(company)s,
       (date_trunc('month', %(date)s::date) + make_interval(months => v.m))::date,
       v.purchases, ROUND(v.revenue::numeric, %(dp)s), %(model)s,
       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
  FROM unnest(%(ids)s::int[], %(months)s::int[], %(purchases)s::float8[],
              %(revenue)s::float8[]) AS v(partner_id, m, purchases, revenue)
""",
                    company=company.id,
                    date=date,
                    dp=company.currency_id.decimal_places,
                    model=model.id if model else None,
                    uid=self.env.uid,
                    ids=flat_ids,
                    months=flat_month,
                    purchases=flat_purchases,
                    revenue=flat_revenue,
                )
            )
        self.invalidate_model()
