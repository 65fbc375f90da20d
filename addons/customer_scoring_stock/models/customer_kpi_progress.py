from odoo import api, fields, models
from odoo.tools import SQL


class CustomerKpiProgress(models.Model):
    _inherit = "customer.kpi.progress"
    _depends = {
        "customer.kpi.target": ["target_on_time_rate"],
        "customer.kpi.snapshot": ["delivery_count", "delivery_on_time_count"],
    }

    on_time_rate = fields.Float(
        string="On-time Delivery (%)", digits=(16, 1), aggregator="avg", readonly=True
    )

    @api.model
    def _kpi_progress_measures(self):
        return [
            *super()._kpi_progress_measures(),
            (
                "on_time_rate",
                SQL("t.target_on_time_rate"),
                SQL("ROUND(s.delivery_on_time_count * 100.0 / NULLIF(s.delivery_count, 0), 1)"),
            ),
        ]
