"""Class-movement goals measured on the invoices as well as the class history.

- **New customers won** are the customer starts of the year (``tools/customer_starts.py``):
  a customer's first purchase ever in the company, or its first after a pause longer
  than the company's ``score_return_pause_days``, each customer counted once per year for
  the salesperson of the invoice it started with.
- **A customers kept** count only if the customer's revenue in the year (the revenue
  lines of ``tools/revenue_lines.py``: posted invoices minus credit notes, untaxed,
  company currency; the running year until today) reaches the goal's agreed volume, when
  one is set.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.customer_starts import customer_starts_sql
from ..tools.revenue_lines import revenue_line_where_sql


class KamClassMovementGoal(models.Model):
    _inherit = "kam.class.movement.goal"

    actual_new_customers = fields.Integer(
        help="Customers that bought for the first time in the year, or again after a "
        "longer pause than the company's setting, each counted once, for the salesperson "
        "of the invoice they started with."
    )
    actual_a_kept = fields.Integer(
        help="Customers of class A at the start of the year that are still A at its end "
        "(today for the running year) and, when a volume is agreed, bought at least that "
        "much in the year; for their salesperson now."
    )

    @api.model
    def _kam_goal_facts(self, company, year):
        facts = super()._kam_goal_facts(company, year)
        dates = self._kam_year_dates(year)
        if not dates:
            return facts
        self._kam_flush_sales_data()
        kept = [row[0] for row in facts.get("a_kept", ())]
        facts["revenue"] = self._kam_year_revenue(company, *dates, kept) if kept else {}
        return facts

    @api.model
    def _kam_new_customers(self, company, year):
        """The customer starts of the year replace the first classes (no super)."""
        dates = self._kam_year_dates(year)
        if not dates:
            return []
        self._kam_flush_sales_data()
        return self._kam_customer_starts(company, *dates)

    @api.model
    def _kam_flush_sales_data(self):
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        self.env["res.company"].flush_model(["score_return_pause_days"])

    def _kam_kept_a_rows(self, rows, facts):
        rows = super()._kam_kept_a_rows(rows, facts)
        if not self.a_kept_volume or "revenue" not in facts:
            return rows
        revenue, currency = facts["revenue"], self.currency_id
        return [
            row
            for row in rows
            if currency.compare_amounts(revenue.get(row[0], 0.0), self.a_kept_volume) >= 0
        ]

    @api.model
    def _kam_customer_starts(self, company, date_from, date_to):
        """Customers that started (again) in [date_from, date_to]: ``[(partner id,
        salesperson id, None)]``, the first start of each customer in the period."""
        starts = customer_starts_sql([company.id], date_from, date_to, None)
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (s.partner_id) s.partner_id, s.user_id
                     FROM (%s) s
                 ORDER BY s.partner_id, s.start_date""",
                starts,
            )
        )
        return [(partner_id, user_id, None) for partner_id, user_id in self.env.cr.fetchall()]

    @api.model
    def _kam_year_revenue(self, company, date_from, date_to, partner_ids):
        """``{commercial partner id: revenue}`` in [date_from, date_to] (company currency,
        credit notes deducted) of ``partner_ids``."""
        self.env.cr.execute(
            SQL(
                """SELECT p.commercial_partner_id, SUM(-aml.balance)
                     FROM account_move_line aml
                     JOIN account_move am ON am.id = aml.move_id
                     JOIN res_partner p ON p.id = aml.partner_id
                    WHERE %(revenue)s
                      AND aml.company_id = %(company)s
                      AND aml.date BETWEEN %(date_from)s AND %(date_to)s
                      AND p.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY p.commercial_partner_id""",
                revenue=revenue_line_where_sql("aml", "am"),
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partners=list(partner_ids),
            )
        )
        return {partner_id: float(amount or 0.0) for partner_id, amount in self.env.cr.fetchall()}
