from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.key_account_mgmt.tools.meetings import customer_meetings_sql
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

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

    @api.model
    def _month_bounds(self, day):
        start = fields.Date.to_date(day).replace(day=1)
        return start, start + relativedelta(months=1)

    @api.model
    def generate_snapshots(self, month=None, companies=None):
        """(Re)build the snapshot rows of one month (default: this month), set-based."""
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
    def _build_months(self, start, end, companies):
        """Delete and rebuild the rows of every month from ``start`` (a 1st) to ``end``
        (excluded) of ``companies``, one row per month, company, customer and salesperson;
        its team is the team of the customer's salesperson at build time. Returns the number
        of rows written."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """DELETE FROM customer_kpi_snapshot
                WHERE month >= %s AND month < %s AND company_id = ANY(%s)""",
            [start, end, companies.ids],
        )
        cr.execute(
            SQL(
                """
WITH inv AS (
    SELECT date_trunc('month', aml.date)::date AS month,
           aml.company_id, p.commercial_partner_id AS partner_id,
           am.invoice_user_id AS user_id,
           SUM(-aml.balance) AS revenue,
           SUM(-aml.balance - %(cost)s) AS margin,
           COUNT(DISTINCT aml.move_id) FILTER (WHERE am.move_type = %(invoice)s) AS invoices,
           0 AS meetings, 0 AS won, 0 AS lost
      FROM account_move_line aml
      JOIN account_move am ON am.id = aml.move_id
      JOIN res_partner p ON p.id = aml.partner_id
     WHERE %(revenue_lines)s
       AND aml.company_id = ANY(%(companies)s)
       AND aml.date >= %(start)s AND aml.date < %(end)s
  GROUP BY 1, 2, 3, 4
),
meet AS (
    -- Meetings held, as key_account_mgmt defines them (tools/meetings.py).
    SELECT date_trunc('month', m.start)::date AS month, m.company_id, m.partner_id,
           m.user_id, 0 AS revenue, 0 AS margin, 0 AS invoices,
           COUNT(DISTINCT m.event_id) AS meetings, 0 AS won, 0 AS lost
      FROM (%(meetings)s) m
     WHERE m.start <= NOW() AT TIME ZONE 'UTC'
  GROUP BY 1, 2, 3, 4
),
orders AS (
    SELECT date_trunc('month', so.date_order)::date AS month, so.company_id,
           p.commercial_partner_id AS partner_id, so.user_id,
           0 AS revenue, 0 AS margin, 0 AS invoices, 0 AS meetings,
           COUNT(*) FILTER (WHERE so.state = 'sale') AS won,
           COUNT(*) FILTER (WHERE so.state = 'cancel') AS lost
      FROM sale_order so
      JOIN res_partner p ON p.id = so.partner_id
     WHERE so.company_id = ANY(%(companies)s)
       AND so.date_order >= %(start)s AND so.date_order < %(end)s
       AND so.state IN ('sale', 'cancel')
  GROUP BY 1, 2, 3, 4
),
total AS (
    SELECT month, company_id, partner_id, user_id,
           SUM(revenue) AS revenue, SUM(margin) AS margin, SUM(invoices) AS invoices,
           SUM(meetings) AS meetings, SUM(won) AS won, SUM(lost) AS lost
      FROM (SELECT * FROM inv UNION ALL SELECT * FROM meet UNION ALL SELECT * FROM orders) u
  GROUP BY 1, 2, 3, 4
)
INSERT INTO customer_kpi_snapshot (
    month, company_id, currency_id, partner_id, user_id, team_id, revenue, margin,
    invoice_count, meeting_count, quotation_confirmed_count, quotation_cancelled_count,
    hit_rate, create_uid, create_date, write_uid, write_date
)
SELECT t.month, t.company_id, c.currency_id, t.partner_id, t.user_id, team.id,
       ROUND(t.revenue, 2), ROUND(t.margin, 2), t.invoices, t.meetings, t.won, t.lost,
       CASE WHEN t.won + t.lost > 0 THEN ROUND(t.won * 100.0 / (t.won + t.lost), 2) ELSE 0 END,
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
                companies=companies.ids,
                start=start,
                end=end,
                uid=self.env.uid,
                cost=line_cost_sql("aml", "am"),
                revenue_lines=revenue_line_where_sql("aml", "am"),
                invoice=CUSTOMER_INVOICE,
                meetings=customer_meetings_sql(
                    company_ids=companies.ids, start_from=start, start_before=end
                ),
            )
        )
        count = cr.rowcount
        self.env.invalidate_all()
        return count

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


class CustomerKpiTarget(models.Model):
    """Monthly target for a sales team or a salesperson, beside the actual figures."""

    _name = "customer.kpi.target"
    _description = "Monthly KPI Target"
    _order = "month desc, team_id, user_id"
    _check_company_auto = True

    month = fields.Date(required=True, index=True, help="Any day of the month; stored as the 1st.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, check_company=True)
    target_revenue = fields.Monetary()
    target_margin = fields.Monetary()
    target_meetings = fields.Integer()
    target_hit_rate = fields.Float(string="Target Hit Rate (%)")
    actual_revenue = fields.Monetary(compute="_compute_actuals")
    actual_margin = fields.Monetary(compute="_compute_actuals")
    actual_meetings = fields.Integer(compute="_compute_actuals")
    actual_invoices = fields.Integer(compute="_compute_actuals")
    actual_hit_rate = fields.Float(compute="_compute_actuals", digits=(16, 2))
    revenue_achievement = fields.Float(
        string="Revenue Achieved (%)", compute="_compute_actuals", digits=(16, 1)
    )
    margin_achievement = fields.Float(
        string="Margin Achieved (%)", compute="_compute_actuals", digits=(16, 1)
    )

    _sql_constraints = [
        (
            "one_owner",
            "CHECK ((team_id IS NULL) <> (user_id IS NULL))",
            "A target belongs to either a sales team or a salesperson, not both.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("month"):
                vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("month"):
            vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        return super().write(vals)

    @api.constrains("target_revenue", "target_margin", "target_meetings", "target_hit_rate")
    def _check_targets(self):
        for target in self:
            if min(target.target_revenue, target.target_margin, target.target_meetings) < 0 or not (
                0 <= target.target_hit_rate <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "Targets cannot be negative and the hit rate target is between 0 and 100 %."
                    )
                )

    @api.depends("month", "company_id", "team_id", "user_id")
    def _compute_actuals(self):
        Snapshot = self.env["customer.kpi.snapshot"]
        aggregates = [
            "revenue:sum",
            "margin:sum",
            "meeting_count:sum",
            "invoice_count:sum",
            "quotation_confirmed_count:sum",
            "quotation_cancelled_count:sum",
        ]
        months = self.mapped("month")
        companies = self.company_id
        by_user, by_team = {}, {}
        if months:
            domain = [("month", "in", months), ("company_id", "in", companies.ids)]
            for month, company, user, *values in Snapshot._read_group(
                domain, ["month:day", "company_id", "user_id"], aggregates
            ):
                by_user[(month, company.id, user.id)] = values
            for month, company, team, *values in Snapshot._read_group(
                domain, ["month:day", "company_id", "team_id"], aggregates
            ):
                by_team[(month, company.id, team.id)] = values
        for target in self:
            if target.user_id:
                values = by_user.get((target.month, target.company_id.id, target.user_id.id))
            else:
                values = by_team.get((target.month, target.company_id.id, target.team_id.id))
            revenue, margin, meetings, invoices, won, lost = values or (0, 0, 0, 0, 0, 0)
            target.actual_revenue = revenue
            target.actual_margin = margin
            target.actual_meetings = meetings
            target.actual_invoices = invoices
            target.actual_hit_rate = won * 100.0 / (won + lost) if won + lost else 0.0
            target.revenue_achievement = (
                revenue / target.target_revenue * 100 if target.target_revenue else 0.0
            )
            target.margin_achievement = (
                margin / target.target_margin * 100 if target.target_margin else 0.0
            )
