from odoo import fields, models, tools
from odoo.tools import SQL

KPI_SERIES = [("target", "Target"), ("actual", "Actual")]


class CustomerKpiProgress(models.Model):
    """Each monthly KPI target twice: once with its targets, once with the actual figures
    of its salesperson or team that month (summed from the monthly KPI snapshots like
    ``customer.kpi.target`` computes them), so that a line graph over the months shows
    actual against target and the trend of both."""

    _name = "customer.kpi.progress"
    _description = "Monthly KPIs against Targets"
    _auto = False
    _order = "month desc, target_id, series"
    _rec_name = "target_id"
    # Flushed before the view is read: the pending writes of these fields count.
    _depends = {
        "customer.kpi.target": [
            "month",
            "company_id",
            "team_id",
            "user_id",
            "target_revenue",
            "target_margin",
            "target_meetings",
        ],
        "customer.kpi.snapshot": [
            "month",
            "company_id",
            "user_id",
            "team_id",
            "revenue",
            "margin",
            "meeting_count",
        ],
    }

    target_id = fields.Many2one("customer.kpi.target", readonly=True)
    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    series = fields.Selection(KPI_SERIES, string="Figure", readonly=True)
    revenue = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True)
    meetings = fields.Integer(string="Meetings Held", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %(table)s AS (
SELECT t.id * 2 AS id, t.id AS target_id, t.month, t.company_id, c.currency_id,
       t.team_id, t.user_id, 'target' AS series,
       COALESCE(t.target_revenue, 0) AS revenue,
       COALESCE(t.target_margin, 0) AS margin,
       COALESCE(t.target_meetings, 0) AS meetings
  FROM customer_kpi_target t
  JOIN res_company c ON c.id = t.company_id
UNION ALL
-- A salesperson's target counts her rows, a team's target the rows of its team.
SELECT t.id * 2 + 1, t.id, t.month, t.company_id, c.currency_id,
       t.team_id, t.user_id, 'actual',
       COALESCE(SUM(s.revenue), 0),
       COALESCE(SUM(s.margin), 0),
       COALESCE(SUM(s.meeting_count), 0)
  FROM customer_kpi_target t
  JOIN res_company c ON c.id = t.company_id
  LEFT JOIN customer_kpi_snapshot s
    ON s.month = t.month AND s.company_id = t.company_id
   AND CASE WHEN t.user_id IS NOT NULL THEN s.user_id = t.user_id
            ELSE s.team_id = t.team_id END
 GROUP BY t.id, c.currency_id
)""",
                table=SQL.identifier(self._table),
            )
        )
