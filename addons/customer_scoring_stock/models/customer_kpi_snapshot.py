from odoo import api, fields, models
from odoo.tools import SQL

DELIVERY_COLUMNS = ("delivery_count", "delivery_on_time_count")


class CustomerKpiSnapshot(models.Model):
    """On-time delivery in the monthly KPIs: the customer's delivery orders done in the
    month, and those done by their deadline."""

    _inherit = "customer.kpi.snapshot"

    delivery_count = fields.Integer(
        string="Deliveries Done",
        readonly=True,
        help="Delivery orders to the customer done in the month (returns left out).",
    )
    delivery_on_time_count = fields.Integer(
        string="Delivered on Time",
        readonly=True,
        help="Of the deliveries done, those done by their deadline (or by their scheduled "
        "date when they have no deadline).",
    )
    on_time_delivery_rate = fields.Float(
        string="On-time Delivery (%)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
        help="Delivered on time / deliveries done; grouped, the group's share.",
    )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "on_time_delivery_rate:avg":
            return SQL(
                "ROUND(SUM(%s) * 100.0 / NULLIF(SUM(%s), 0), 1)::float8",
                self._field_to_sql(self._table, "delivery_on_time_count", query),
                self._field_to_sql(self._table, "delivery_count", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _kpi_measure_columns(self):
        return [*super()._kpi_measure_columns(), *DELIVERY_COLUMNS]

    @api.model
    def _kpi_measure_parts(self, start, end, companies):
        return [
            *super()._kpi_measure_parts(start, end, companies),
            (self._kpi_delivery_part(start, end, companies), DELIVERY_COLUMNS),
        ]

    @api.model
    def _kpi_delivery_part(self, start, end, companies):
        """Outgoing pickings done in the month per customer (commercial partner of the
        picking's partner), on the customer's salesperson; returns (a picking that is the
        return of another) and cancelled pickings are left out. On time: done at or
        before the deadline, or the scheduled date without a deadline."""
        return SQL(
            """
SELECT date_trunc('month', sp.date_done)::date AS month, sp.company_id,
       p.commercial_partner_id AS partner_id, cp.user_id,
       COUNT(*) AS delivery_count,
       COUNT(*) FILTER (WHERE sp.date_done <= COALESCE(sp.date_deadline, sp.scheduled_date))
           AS delivery_on_time_count
  FROM stock_picking sp
  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
  JOIN res_partner p ON p.id = sp.partner_id
  JOIN res_partner cp ON cp.id = p.commercial_partner_id
 WHERE spt.code = 'outgoing'
   AND sp.state = 'done'
   AND sp.return_id IS NULL
   AND sp.company_id = ANY(%(companies)s)
   AND sp.date_done >= %(start)s AND sp.date_done < %(end)s
 GROUP BY 1, 2, 3, 4""",
            companies=companies.ids,
            start=start,
            end=end,
        )

    @api.model
    def _build_months(self, start, end, companies):
        count = super()._build_months(start, end, companies)
        self.env.cr.execute(
            """UPDATE customer_kpi_snapshot
                  SET on_time_delivery_rate = ROUND(
                          delivery_on_time_count * 100.0 / delivery_count, 1)
                WHERE delivery_count > 0
                  AND month >= %s AND month < %s AND company_id = ANY(%s)""",
            [start, end, companies.ids],
        )
        self.invalidate_model(["on_time_delivery_rate"])
        return count
