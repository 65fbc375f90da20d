from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Achievements divide by the targets.
_TARGET_DEPENDS = (
    "target_revenue",
    "target_margin",
    "target_new_customers",
    "target_loss_rate",
    "target_contacted",
    "target_average_order_value",
    "target_cross_sell",
)


class CustomerKpiTarget(models.Model):
    """Monthly target for a sales team or a salesperson, beside the actual figures."""

    _name = "customer.kpi.target"
    _inherit = "kam.number.input.mixin"
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
    target_new_customers = fields.Integer()
    target_loss_rate = fields.Float(
        string="Target Loss (%)",
        help="Highest share of lost customers among all customers (0-100 %); lower is better.",
    )
    target_contacted = fields.Integer(string="Target Customers Contacted")
    target_average_order_value = fields.Monetary()
    target_cross_sell = fields.Integer(string="Target Cross-sell")
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
    actual_new_customers = fields.Integer(compute="_compute_actuals")
    new_customers_achievement = fields.Float(
        string="New Customers Achieved (%)", compute="_compute_actuals", digits=(16, 1)
    )
    actual_customers = fields.Integer(compute="_compute_actuals")
    actual_lost_customers = fields.Integer(compute="_compute_actuals")
    actual_loss_rate = fields.Float(
        string="Actual Loss (%)", compute="_compute_actuals", digits=(16, 1)
    )
    loss_rate_achievement = fields.Float(
        string="Loss Target Achieved (%)",
        compute="_compute_actuals",
        digits=(16, 1),
        help="Target loss / actual loss (lower is better): 100 % or more meets the target; "
        "100 % when no customer is lost.",
    )
    actual_young_account_share = fields.Float(
        string="Accounts under a Year Old (%)",
        compute="_compute_actuals",
        digits=(16, 1),
        help="Share of the active customers whose first purchase is in the 12 months to "
        "the month's end.",
    )
    actual_retention_rate = fields.Float(
        string="Retention (%)",
        compute="_compute_actuals",
        digits=(16, 1),
        help="Share of the customers who bought in the previous 12 months that bought again "
        "in the 12 months to the month's end.",
    )
    actual_contacted = fields.Integer(string="Customers Contacted", compute="_compute_actuals")
    contacted_achievement = fields.Float(
        string="Contacted Achieved (%)", compute="_compute_actuals", digits=(16, 1)
    )
    actual_order_count = fields.Integer(string="Received Orders", compute="_compute_actuals")
    actual_order_amount = fields.Monetary(
        string="Received Orders (untaxed)", compute="_compute_actuals"
    )
    actual_average_order_value = fields.Monetary(
        string="Average Order Value", compute="_compute_actuals"
    )
    average_order_value_achievement = fields.Float(
        string="Average Order Value Achieved (%)", compute="_compute_actuals", digits=(16, 1)
    )
    actual_cross_sell = fields.Integer(string="Cross-sell", compute="_compute_actuals")
    cross_sell_achievement = fields.Float(
        string="Cross-sell Achieved (%)", compute="_compute_actuals", digits=(16, 1)
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

    @api.model
    def _kpi_target_fields(self):
        """The target fields that cannot be negative; the percentages of
        ``_kpi_percent_target_fields`` are also at most 100."""
        return [
            "target_revenue",
            "target_margin",
            "target_meetings",
            "target_hit_rate",
            "target_new_customers",
            "target_loss_rate",
            "target_contacted",
            "target_average_order_value",
            "target_cross_sell",
        ]

    @api.model
    def _kpi_percent_target_fields(self):
        return ["target_hit_rate", "target_loss_rate"]

    @api.constrains(lambda self: self._kpi_target_fields())
    def _check_targets(self):
        percents = self._kpi_percent_target_fields()
        for target in self:
            for name in self._kpi_target_fields():
                value = target[name]
                if value < 0 or (name in percents and value > 100):
                    label = self._fields[name]._description_string(self.env)
                    if name in percents:
                        message = self.env._(
                            "“%(field)s” is a percentage between 0 and 100, not %(value)s.",
                            field=label,
                            value=value,
                        )
                    else:
                        message = self.env._(
                            "“%(field)s” cannot be negative (%(value)s).",
                            field=label,
                            value=value,
                        )
                    raise ValidationError(message)

    @api.model
    def _kpi_summed_fields(self):
        """``{model: [fields]}``: the fields of the monthly KPI rows a target's actual
        figures are summed from (its salesperson's or team's rows of the month);
        ``_kpi_set_actuals`` reads them by field name."""
        return {
            "customer.kpi.snapshot": [
                "revenue",
                "margin",
                "meeting_count",
                "invoice_count",
                "quotation_confirmed_count",
                "quotation_cancelled_count",
                "order_amount",
                "new_customer_count",
                "contacted_customer_count",
                "cross_sell_count",
            ],
            "customer.kpi.base": [
                "customer_count",
                "active_customer_count",
                "young_account_count",
                "lost_customer_count",
                "retention_base_count",
                "retained_customer_count",
            ],
        }

    def _kpi_snapshot_sums(self):
        """``{target id: {field: sum}}`` over the rows of each target's month, company and
        salesperson (a salesperson's target) or team (a team's target): two grouped reads
        per model whatever the number of targets."""
        summed = self._kpi_summed_fields()
        months = self.mapped("month")
        by_owner = {}
        if months:
            domain = [("month", "in", months), ("company_id", "in", self.company_id.ids)]
            for model, names in summed.items():
                aggregates = [f"{name}:sum" for name in names]
                for owner in ("user_id", "team_id"):
                    for month, company, record, *values in self.env[model]._read_group(
                        domain, ["month:day", "company_id", owner], aggregates
                    ):
                        key = (owner, month, company.id, record.id)
                        by_owner.setdefault(key, {}).update(zip(names, values, strict=True))
        empty = {name: 0 for names in summed.values() for name in names}
        sums = {}
        for target in self:
            owner = "user_id" if target.user_id else "team_id"
            key = (owner, target.month, target.company_id.id, target[owner].id)
            sums[target.id] = {**empty, **by_owner.get(key, {})}
        return sums

    @api.depends("month", "company_id", "team_id", "user_id", *_TARGET_DEPENDS)
    def _compute_actuals(self):
        sums = self._kpi_snapshot_sums()
        for target in self:
            target._kpi_set_actuals(sums[target.id])

    def _kpi_set_actuals(self, sums):
        """Write the actual figures and achievements of one target from ``sums``."""

        def share(part, whole):
            return part * 100.0 / whole if whole else 0.0

        won, lost = sums["quotation_confirmed_count"], sums["quotation_cancelled_count"]
        self.actual_revenue = sums["revenue"]
        self.actual_margin = sums["margin"]
        self.actual_meetings = sums["meeting_count"]
        self.actual_invoices = sums["invoice_count"]
        self.actual_hit_rate = share(won, won + lost)
        self.revenue_achievement = share(self.actual_revenue, self.target_revenue)
        self.margin_achievement = share(self.actual_margin, self.target_margin)
        self.actual_new_customers = sums["new_customer_count"]
        self.new_customers_achievement = share(self.actual_new_customers, self.target_new_customers)
        self.actual_customers = sums["customer_count"]
        self.actual_lost_customers = sums["lost_customer_count"]
        self.actual_loss_rate = share(self.actual_lost_customers, self.actual_customers)
        # Lower is better: no customer lost meets any loss target.
        if not self.target_loss_rate:
            self.loss_rate_achievement = 0.0
        elif self.actual_loss_rate:
            self.loss_rate_achievement = self.target_loss_rate * 100.0 / self.actual_loss_rate
        else:
            self.loss_rate_achievement = 100.0
        self.actual_young_account_share = share(
            sums["young_account_count"], sums["active_customer_count"]
        )
        self.actual_retention_rate = share(
            sums["retained_customer_count"], sums["retention_base_count"]
        )
        self.actual_contacted = sums["contacted_customer_count"]
        self.contacted_achievement = share(self.actual_contacted, self.target_contacted)
        self.actual_order_count = won
        self.actual_order_amount = sums["order_amount"]
        self.actual_average_order_value = self.currency_id.round(
            sums["order_amount"] / won if won else 0.0
        )
        self.average_order_value_achievement = share(
            self.actual_average_order_value, self.target_average_order_value
        )
        self.actual_cross_sell = sums["cross_sell_count"]
        self.cross_sell_achievement = share(self.actual_cross_sell, self.target_cross_sell)
