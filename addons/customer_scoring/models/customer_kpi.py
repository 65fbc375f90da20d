from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.key_account_mgmt.models.res_partner import ABC_CLASSES
from odoo.addons.key_account_mgmt.tools.meetings import customer_meetings_sql
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import kpi_measures
from ..tools.revenue_lines import CUSTOMER_INVOICE, line_cost_sql, revenue_line_where_sql


class CustomerKpiSnapshot(models.Model):
    """Monthly KPI figures per customer, salesperson and team, taken from accounting."""

    _name = "customer.kpi.snapshot"
    _description = "Monthly Customer KPI Snapshot"
    _order = "month desc, company_id, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    month = fields.Date(required=True, index=True, readonly=True, help="First day of the month.")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, readonly=True, check_company=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, readonly=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, readonly=True, check_company=True
    )
    revenue = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    meeting_count = fields.Integer(string="Meetings Held", readonly=True)
    quotation_confirmed_count = fields.Integer(string="Quotations Won", readonly=True)
    quotation_cancelled_count = fields.Integer(string="Quotations Lost", readonly=True)
    hit_rate = fields.Float(
        string="Hit Rate (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Confirmed / (confirmed + cancelled) quotations of the month; summed over "
        "several rows, use the won and lost counts.",
    )
    # The customer base (tools/kpi_measures.py says what each one counts).
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="Class",
        readonly=True,
        help="The customer's class in the company when the row was built: the segment of "
        "the retention figures.",
    )
    order_amount = fields.Monetary(
        string="Received Orders (untaxed)",
        readonly=True,
        help="Untaxed value of the sale orders confirmed in the month, in company currency "
        "at the order's rate; their number is Quotations Won.",
    )
    average_order_value = fields.Monetary(
        aggregator="avg",
        readonly=True,
        help="Received orders' value / their number; grouped, the group's value / number.",
    )
    new_customer_count = fields.Integer(
        string="New Customers",
        readonly=True,
        help="First purchase ever in the month, or the first after a long pause (a return).",
    )
    returning_customer_count = fields.Integer(
        string="Returned after a Pause",
        readonly=True,
        help="Of the new customers, those who bought before and came back after a pause "
        "longer than the company's setting.",
    )
    contacted_customer_count = fields.Integer(
        string="Customers Contacted",
        readonly=True,
        help="A meeting held with the customer's contacts, or an activity done on the "
        "customer, in the month.",
    )
    category_count = fields.Integer(
        string="Product Categories Bought",
        readonly=True,
        help="Distinct product categories on the customer's invoices of the month.",
    )
    cross_sell_count = fields.Integer(
        string="Cross-sell (new categories)",
        readonly=True,
        help="Product categories the customer bought for the first time in the month, "
        "having bought other products before.",
    )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # The group's average order value is its value over its number of orders, not an
        # average of the rows' averages.
        if aggregate_spec == "average_order_value:avg":
            return SQL(
                "ROUND(SUM(%s) / NULLIF(SUM(%s), 0), 2)::float8",
                self._field_to_sql(self._table, "order_amount", query),
                self._field_to_sql(self._table, "quotation_confirmed_count", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _month_bounds(self, day):
        start = fields.Date.to_date(day).replace(day=1)
        return start, start + relativedelta(months=1)

    @api.model
    def generate_snapshots(self, month=None, companies=None):
        """(Re)build the snapshot rows of one month (default: this month), set-based.
        Scoring managers only (the scheduled job runs it as superuser)."""
        self.env["customer.score"]._check_scoring_access()
        companies = companies or self.env.companies
        start, end = self._month_bounds(month or fields.Date.context_today(self))
        self._build_months(start, end, companies)
        return self.search([("month", "=", start), ("company_id", "in", companies.ids)])

    @api.model
    def _rebuild_history(self, months=24, companies=None):
        """(Re)build the snapshots of the last ``months`` months, this month included, in
        one set-based pass over the posted journal items, calendar events and quotations
        (default companies: the user's; the demo data script and the "Rebuild history"
        button call it). Returns the number of rows written."""
        if months < 1:
            raise UserError(self.env._("Rebuild at least one month of history."))
        companies = companies or self.env.companies
        this_month, end = self._month_bounds(fields.Date.context_today(self))
        start = this_month - relativedelta(months=months - 1)
        return self._build_months(start, end, companies)

    def action_rebuild_history(self):
        """Header button (managers): the last 24 months; selected rows are not used."""
        self.env["customer.score"]._check_scoring_access()
        count = self._rebuild_history(months=24)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Monthly KPIs of the last 24 months rebuilt: %(count)s rows.",
                    count=count,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _kpi_measure_columns(self):
        """The measure fields a snapshot row sums from its parts (``_kpi_measure_parts``);
        an add-on that adds a measure adds its field here and a part that fills it."""
        return [
            "revenue",
            "margin",
            "invoice_count",
            "meeting_count",
            "quotation_confirmed_count",
            "quotation_cancelled_count",
            "order_amount",
            *kpi_measures.START_COLUMNS,
            *kpi_measures.CONTACT_COLUMNS,
            *kpi_measures.CATEGORY_COLUMNS,
        ]

    @api.model
    def _kpi_measure_parts(self, start, end, companies):
        """The queries the rows of the months [``start``, ``end``) are summed from: a list
        of ``(query, columns)``; each query returns ``month, company_id, partner_id,
        user_id`` (the commercial partner and the salesperson the figures count for) and
        the measure ``columns`` it fills (the others count 0)."""
        meetings = customer_meetings_sql(
            company_ids=companies.ids, start_from=start, start_before=end
        )
        return [
            (self._kpi_invoice_part(start, end, companies), ("revenue", "margin", "invoice_count")),
            (self._kpi_meeting_part(meetings), ("meeting_count",)),
            (
                self._kpi_order_part(start, end, companies),
                ("quotation_confirmed_count", "quotation_cancelled_count", "order_amount"),
            ),
            (
                kpi_measures.customer_starts_kpi_sql(companies.ids, start, end),
                kpi_measures.START_COLUMNS,
            ),
            (
                kpi_measures.customers_contacted_sql(companies.ids, start, end, meetings),
                kpi_measures.CONTACT_COLUMNS,
            ),
            (
                kpi_measures.product_categories_sql(companies.ids, start, end),
                kpi_measures.CATEGORY_COLUMNS,
            ),
        ]

    @api.model
    def _kpi_invoice_part(self, start, end, companies):
        """Revenue, margin and invoices from the revenue lines, on the invoice's
        salesperson."""
        return SQL(
            """
SELECT date_trunc('month', aml.date)::date AS month,
       aml.company_id, p.commercial_partner_id AS partner_id,
       am.invoice_user_id AS user_id,
       SUM(-aml.balance) AS revenue,
       SUM(-aml.balance - %(cost)s) AS margin,
       COUNT(DISTINCT aml.move_id) FILTER (WHERE am.move_type = %(invoice)s) AS invoice_count
  FROM account_move_line aml
  JOIN account_move am ON am.id = aml.move_id
  JOIN res_partner p ON p.id = aml.partner_id
 WHERE %(revenue_lines)s
   AND aml.company_id = ANY(%(companies)s)
   AND aml.date >= %(start)s AND aml.date < %(end)s
GROUP BY 1, 2, 3, 4""",
            companies=companies.ids,
            start=start,
            end=end,
            cost=line_cost_sql("aml", "am"),
            revenue_lines=revenue_line_where_sql("aml", "am"),
            invoice=CUSTOMER_INVOICE,
        )

    @api.model
    def _kpi_meeting_part(self, meetings):
        """Meetings held, as key_account_mgmt defines them (tools/meetings.py), on the
        organiser."""
        return SQL(
            """
SELECT date_trunc('month', m.start)::date AS month, m.company_id, m.partner_id,
       m.user_id, COUNT(DISTINCT m.event_id) AS meeting_count
  FROM (%s) m
 WHERE m.start <= NOW() AT TIME ZONE 'UTC'
GROUP BY 1, 2, 3, 4""",
            meetings,
        )

    @api.model
    def _kpi_order_part(self, start, end, companies):
        """Quotations won (the received orders: confirmed sale orders dated in the month)
        and lost, on the order's salesperson; the orders' untaxed value in company
        currency at the order's rate."""
        return SQL(
            """
SELECT date_trunc('month', so.date_order)::date AS month, so.company_id,
       p.commercial_partner_id AS partner_id, so.user_id,
       COUNT(*) FILTER (WHERE so.state = 'sale') AS quotation_confirmed_count,
       COUNT(*) FILTER (WHERE so.state = 'cancel') AS quotation_cancelled_count,
       COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                FILTER (WHERE so.state = 'sale'), 0) AS order_amount
  FROM sale_order so
  JOIN res_partner p ON p.id = so.partner_id
 WHERE so.company_id = ANY(%(companies)s)
   AND so.date_order >= %(start)s AND so.date_order < %(end)s
   AND so.state IN ('sale', 'cancel')
GROUP BY 1, 2, 3, 4""",
            companies=companies.ids,
            start=start,
            end=end,
        )

    @api.model
    def _build_months(self, start, end, companies):
        """Delete and rebuild the rows of every month from ``start`` (a 1st) to ``end``
        (excluded) of ``companies``, one row per month, company, customer and salesperson;
        its team is the team of the customer's salesperson at build time, its class the
        customer's class in the company at build time. Returns the number of rows
        written."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """DELETE FROM customer_kpi_snapshot
                WHERE month >= %s AND month < %s AND company_id = ANY(%s)""",
            [start, end, companies.ids],
        )
        columns = self._kpi_measure_columns()
        parts = self._kpi_measure_parts(start, end, companies)

        def each(template):
            return SQL(", ").join(
                SQL(template, column=SQL.identifier(name), round=self._kpi_round_sql(name))
                for name in columns
            )

        cr.execute(
            SQL(
                """
WITH raw AS (%(union)s),
-- A part without salesperson (a customer without one, an invoice without one) joins the
-- customer's row of a salesperson of that month (the lowest id), if there is one.
month_user AS (
    SELECT month, company_id, partner_id, MIN(user_id) AS user_id
      FROM raw
     WHERE user_id IS NOT NULL
  GROUP BY 1, 2, 3
),
total AS (
    SELECT r.month, r.company_id, r.partner_id, COALESCE(r.user_id, mu.user_id) AS user_id,
           %(sums)s
      FROM raw r
      LEFT JOIN month_user mu ON mu.month = r.month AND mu.company_id = r.company_id
                             AND mu.partner_id = r.partner_id
  GROUP BY 1, 2, 3, 4
)
INSERT INTO customer_kpi_snapshot (
    month, company_id, currency_id, partner_id, user_id, team_id, abc_class, %(columns)s,
    hit_rate, average_order_value, create_uid, create_date, write_uid, write_date
)
SELECT t.month, t.company_id, c.currency_id, t.partner_id, t.user_id, team.id,
       cp.abc_class ->> t.company_id::text, %(values)s,
       CASE WHEN t.quotation_confirmed_count + t.quotation_cancelled_count > 0
            THEN ROUND(t.quotation_confirmed_count * 100.0
                       / (t.quotation_confirmed_count + t.quotation_cancelled_count), 2)
            ELSE 0 END,
       CASE WHEN t.quotation_confirmed_count > 0
            THEN ROUND(t.order_amount / t.quotation_confirmed_count, 2) END,
       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
  FROM total t
  JOIN res_company c ON c.id = t.company_id
  -- One team per customer and month, whatever team the invoice, meeting or quotation
  -- carries: the team of the customer's salesperson now, or (customer without salesperson)
  -- the team of the row's salesperson; a team of another company is left out.
  JOIN res_partner cp ON cp.id = t.partner_id
  LEFT JOIN res_users owner ON owner.id = COALESCE(cp.user_id, t.user_id)
  LEFT JOIN crm_team team ON team.id = owner.sale_team_id
                         AND (team.company_id IS NULL OR team.company_id = t.company_id)
""",
                sums=each("SUM(r.%(column)s) AS %(column)s"),
                union=kpi_measures.union_parts_sql(parts, columns),
                columns=each("%(column)s"),
                values=each("%(round)s"),
                uid=self.env.uid,
            )
        )
        count = cr.rowcount
        self.env["customer.kpi.base"]._build_months(start, end, companies)
        self.env.invalidate_all()
        return count

    @api.model
    def _kpi_round_sql(self, name):
        """The column of ``total`` row ``t`` as stored: money rounded to cents."""
        column = SQL("t.%s", SQL.identifier(name))
        if self._fields[name].type == "monetary":
            return SQL("ROUND(%s, 2)", column)
        return column

    def action_refresh_snapshots(self):
        """Header button: rebuild this and last month (the selected rows, if any, are not
        used: the whole months are rebuilt)."""
        self.env["customer.score"]._check_scoring_access()
        today = fields.Date.context_today(self)
        self.generate_snapshots(today - relativedelta(months=1))
        self.generate_snapshots(today)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_generate_snapshots(self):
        """Daily: this month's and last month's rows (late postings still land)."""
        companies = self.env["res.company"].sudo().search([])
        today = fields.Date.context_today(self)
        self.sudo().generate_snapshots(today - relativedelta(months=1), companies)
        self.sudo().generate_snapshots(today, companies)
