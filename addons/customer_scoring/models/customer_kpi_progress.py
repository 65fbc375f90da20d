from odoo import api, fields, models, tools
from odoo.tools import SQL

KPI_SERIES = [("target", "Target"), ("actual", "Actual")]


class CustomerKpiProgress(models.Model):
    """Each monthly KPI target twice: once with its targets, once with the actual figures
    of its salesperson or team that month (summed from the monthly KPI snapshots like
    ``customer.kpi.target`` computes them), so that a line graph over the months shows
    actual against target and the trend of both. The percentages and the average order
    value are a target's own: summed over several targets, read them as averages."""

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
            "target_new_customers",
            "target_loss_rate",
            "target_contacted",
            "target_average_order_value",
            "target_cross_sell",
        ],
        "customer.kpi.snapshot": [
            "month",
            "company_id",
            "user_id",
            "team_id",
            "revenue",
            "margin",
            "meeting_count",
            "new_customer_count",
            "contacted_customer_count",
            "quotation_confirmed_count",
            "order_amount",
            "cross_sell_count",
        ],
        "customer.kpi.base": [
            "month",
            "company_id",
            "user_id",
            "team_id",
            "customer_count",
            "lost_customer_count",
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
    new_customers = fields.Integer(readonly=True)
    loss_rate = fields.Float(string="Loss (%)", digits=(16, 1), aggregator="avg", readonly=True)
    contacted = fields.Integer(string="Customers Contacted", readonly=True)
    average_order_value = fields.Monetary(aggregator="avg", readonly=True)
    cross_sell = fields.Integer(string="Cross-sell", readonly=True)

    @api.model
    def _kpi_progress_measures(self):
        """``[(column, target expression, actual expression)]``: a target's value from
        its row ``t`` (customer_kpi_target) and the actual one from the sums of the rows it
        counts, ``s`` (snapshots) and ``b`` (customer base), named like the fields of
        ``customer.kpi.target._kpi_summed_fields``; an add-on adds its field and its line
        here."""
        return [
            ("revenue", SQL("t.target_revenue"), SQL("s.revenue")),
            ("margin", SQL("t.target_margin"), SQL("s.margin")),
            ("meetings", SQL("t.target_meetings"), SQL("s.meeting_count")),
            ("new_customers", SQL("t.target_new_customers"), SQL("s.new_customer_count")),
            (
                "loss_rate",
                SQL("t.target_loss_rate"),
                SQL("ROUND(b.lost_customer_count * 100.0 / NULLIF(b.customer_count, 0), 1)"),
            ),
            ("contacted", SQL("t.target_contacted"), SQL("s.contacted_customer_count")),
            (
                "average_order_value",
                SQL("t.target_average_order_value"),
                SQL("ROUND(s.order_amount / NULLIF(s.quotation_confirmed_count, 0), 2)"),
            ),
            ("cross_sell", SQL("t.target_cross_sell"), SQL("s.cross_sell_count")),
        ]

    @api.model
    def _kpi_sums_sql(self, model, alias):
        """LATERAL join of the sums of ``model``'s rows a target ``t`` counts: its
        salesperson's rows (a salesperson's target) or its team's, that month."""
        names = self.env["customer.kpi.target"]._kpi_summed_fields()[model]
        return SQL(
            """LEFT JOIN LATERAL (
                   SELECT %(sums)s FROM %(table)s r
                    WHERE r.month = t.month AND r.company_id = t.company_id
                      AND CASE WHEN t.user_id IS NOT NULL THEN r.user_id = t.user_id
                               ELSE r.team_id = t.team_id END
               ) %(alias)s ON TRUE""",
            sums=SQL(", ").join(
                SQL("SUM(r.%s) AS %s", SQL.identifier(name), SQL.identifier(name)) for name in names
            ),
            table=SQL.identifier(self.env[model]._table),
            alias=SQL.identifier(alias),
        )

    def init(self):
        measures = self._kpi_progress_measures()
        targets = SQL(", ").join(
            SQL("COALESCE(%s, 0) AS %s", target, SQL.identifier(column))
            for column, target, _actual in measures
        )
        actuals = SQL(", ").join(
            SQL("COALESCE(%s, 0) AS %s", actual, SQL.identifier(column))
            for column, _target, actual in measures
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %(table)s AS (
SELECT t.id * 2 AS id, t.id AS target_id, t.month, t.company_id, c.currency_id,
       t.team_id, t.user_id, 'target' AS series, %(targets)s
  FROM customer_kpi_target t
  JOIN res_company c ON c.id = t.company_id
UNION ALL
SELECT t.id * 2 + 1, t.id, t.month, t.company_id, c.currency_id,
       t.team_id, t.user_id, 'actual', %(actuals)s
  FROM customer_kpi_target t
  JOIN res_company c ON c.id = t.company_id
  %(snapshots)s
  %(base)s
)""",
                table=SQL.identifier(self._table),
                targets=targets,
                actuals=actuals,
                snapshots=self._kpi_sums_sql("customer.kpi.snapshot", "s"),
                base=self._kpi_sums_sql("customer.kpi.base", "b"),
            )
        )
