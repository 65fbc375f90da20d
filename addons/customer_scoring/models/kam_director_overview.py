from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import formatLang


class KamDirectorOverview(models.AbstractModel):
    """The scoring's tiles on the sales director's overview: KPIs against targets, revenue
    and margin per key account (against its plan goals where they are measured), and the
    customers over the concentration threshold."""

    _inherit = "kam.director.overview"

    @api.model
    def _kam_overview_tiles(self):
        _ = self.env._
        start = self._kam_history_start()
        this_month = fields.Date.context_today(self).replace(day=1)
        threshold = self.env.company.score_concentration_threshold
        share = formatLang(self.env, threshold, digits=0 if float(threshold).is_integer() else 1)
        share_text = f"{share}\N{NO-BREAK SPACE}%"
        return [
            *super()._kam_overview_tiles(),
            {
                "key": "kpi_targets",
                "sequence": 5,
                "title": _("KPIs against targets"),
                "help": _("Revenue per month, actual and target, the last 12 full months"),
                "res_model": "customer.kpi.progress",
                "view_type": "graph",
                "view": "customer_scoring.view_customer_kpi_progress_graph",
                # Full months only: a month begun would show a few days' actual against
                # the whole month's target.
                "domain": [
                    ("month", ">=", fields.Date.to_string(start - relativedelta(months=1))),
                    ("month", "<", fields.Date.to_string(this_month)),
                ],
                "context": {
                    "graph_mode": "line",
                    "graph_measure": "revenue",
                    "graph_groupbys": ["month:month", "series"],
                    "graph_stacked": False,
                },
                "action": "customer_scoring.action_customer_kpi_progress",
                "empty_help": _("No monthly KPI target in the last 12 months."),
                "size": "full",
            },
            {
                "key": "plan_goals",
                "sequence": 70,
                "title": _("Revenue and margin against plan goals"),
                "help": _("Goals of the active account plans: target and current value"),
                "res_model": "kam.account.plan.goal",
                "view_type": "pivot",
                "view": "key_account_mgmt.view_kam_account_plan_goal_pivot",
                "domain": [
                    ("measure_type", "in", ("revenue", "margin")),
                    ("plan_state", "=", "active"),
                ],
                "context": {
                    "pivot_measures": ["target_value", "current_value"],
                    "pivot_row_groupby": ["partner_id"],
                    "pivot_column_groupby": ["measure_type"],
                },
                "action": "key_account_mgmt.action_kam_plan_goal_progress",
                "empty_help": _("No revenue or margin goal in the active account plans."),
            },
            {
                "key": "key_account_revenue",
                "sequence": 75,
                "title": _("Revenue and margin per key account"),
                "help": _("Last 12 months, from posted invoices"),
                "res_model": "customer.score",
                "view_type": "pivot",
                "view": "customer_scoring.view_customer_score_key_account_pivot",
                "domain": [("partner_id.is_key_account", "=", True)],
                "context": {
                    "pivot_measures": ["revenue_12m", "margin_12m"],
                    "pivot_row_groupby": ["partner_id"],
                },
                "action": "customer_scoring.action_customer_score_key_accounts",
                "empty_help": _("No key account has invoiced revenue yet."),
            },
            {
                "key": "concentration",
                "sequence": 80,
                "title": _("Customers over %(share)s of company revenue", share=share_text),
                "help": _("Share of the company's revenue of the last 12 months"),
                "res_model": "customer.score",
                "view_type": "list",
                "view": "customer_scoring.view_customer_score_concentration_list",
                "domain": [("is_concentration_risk", "=", True)],
                "context": {},
                "action": "customer_scoring.action_customer_score_concentration",
                "empty_help": _("No customer over the concentration threshold."),
            },
        ]
