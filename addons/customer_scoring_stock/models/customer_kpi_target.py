from odoo import api, fields, models


class CustomerKpiTarget(models.Model):
    _inherit = "customer.kpi.target"

    target_on_time_rate = fields.Float(
        string="Target On-time Delivery (%)",
        help="Share of the customers' deliveries done by their deadline (0-100 %).",
    )
    actual_deliveries = fields.Integer(string="Deliveries Done", compute="_compute_actuals")
    actual_on_time_rate = fields.Float(
        string="On-time Delivery (%)", compute="_compute_actuals", digits=(16, 1)
    )
    on_time_achievement = fields.Float(
        string="On-time Delivery Achieved (%)", compute="_compute_actuals", digits=(16, 1)
    )

    @api.model
    def _kpi_target_fields(self):
        return [*super()._kpi_target_fields(), "target_on_time_rate"]

    @api.model
    def _kpi_percent_target_fields(self):
        return [*super()._kpi_percent_target_fields(), "target_on_time_rate"]

    @api.model
    def _kpi_summed_fields(self):
        summed = super()._kpi_summed_fields()
        summed["customer.kpi.snapshot"] += ["delivery_count", "delivery_on_time_count"]
        return summed

    @api.depends("target_on_time_rate")
    def _compute_actuals(self):
        return super()._compute_actuals()

    def _kpi_set_actuals(self, sums):
        result = super()._kpi_set_actuals(sums)
        done, on_time = sums["delivery_count"], sums["delivery_on_time_count"]
        self.actual_deliveries = done
        self.actual_on_time_rate = on_time * 100.0 / done if done else 0.0
        self.on_time_achievement = (
            self.actual_on_time_rate / self.target_on_time_rate * 100
            if self.target_on_time_rate
            else 0.0
        )
        return result
