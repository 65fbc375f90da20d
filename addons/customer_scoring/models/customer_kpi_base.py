from odoo import api, fields, models
from odoo.addons.key_account_mgmt.models.res_partner import ABC_CLASSES
from odoo.tools import SQL

from ..tools import kpi_measures


class CustomerKpiBase(models.Model):
    """The customer base at each month's end, one row per customer who has bought by then
    (whether it bought that month or not), on its salesperson and team: customers, active,
    lost, accounts under a year old, retention and product categories of 12 months
    (tools/kpi_measures.py defines them). Built with the monthly KPI snapshots."""

    _name = "customer.kpi.base"
    _description = "Monthly Customer Base"
    _order = "month desc, company_id, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    month = fields.Date(required=True, index=True, readonly=True, help="First day of the month.")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, readonly=True, check_company=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, readonly=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, readonly=True, check_company=True
    )
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="Class",
        readonly=True,
        help="The customer's class in the company when the row was built: the segment of "
        "the retention figures.",
    )
    customer_count = fields.Integer(
        string="Customers", readonly=True, help="Has bought by the month's end."
    )
    active_customer_count = fields.Integer(
        string="Active Customers", readonly=True, help="A customer that is not lost."
    )
    young_account_count = fields.Integer(
        string="Accounts under a Year Old",
        readonly=True,
        help="Active customer whose first purchase is in the 12 months to the month's end.",
    )
    lost_customer_count = fields.Integer(
        string="Lost Customers",
        readonly=True,
        help="No purchase for longer than the company's lost setting at the month's end.",
    )
    retention_base_count = fields.Integer(
        string="Bought in the Previous 12 Months",
        readonly=True,
        help="Bought in the 12 months before the 12 months to the month's end.",
    )
    retained_customer_count = fields.Integer(
        string="Retained Customers",
        readonly=True,
        help="Bought in the previous 12 months and again in the 12 months to the month's end.",
    )
    category_count_12m = fields.Integer(
        string="Product Categories in 12 Months",
        readonly=True,
        help="Distinct product categories on the customer's invoices of the 12 months to "
        "the month's end.",
    )

    # Shares per row (100 or 0) whose grouped value is the share of the group: a grouped
    # read divides the sums (_read_group_select), the pivot shows the right percentage.
    loss_rate = fields.Float(
        string="Loss (%)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
        help="Lost customers / all customers.",
    )
    young_account_share = fields.Float(
        string="Accounts under a Year Old (%)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
        help="Accounts under a year old / active customers.",
    )
    retention_rate = fields.Float(
        string="Retention (%)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
        help="Retained customers / customers who bought in the previous 12 months.",
    )

    # share field: (numerator, denominator)
    _KPI_SHARES = {
        "loss_rate": ("lost_customer_count", "customer_count"),
        "young_account_share": ("young_account_count", "active_customer_count"),
        "retention_rate": ("retained_customer_count", "retention_base_count"),
    }

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        fname, _dot, func = aggregate_spec.partition(":")
        if fname in self._KPI_SHARES and func == "avg":
            part, whole = self._KPI_SHARES[fname]
            return SQL(
                "ROUND(SUM(%s) * 100.0 / NULLIF(SUM(%s), 0), 1)::float8",
                self._field_to_sql(self._table, part, query),
                self._field_to_sql(self._table, whole, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _kpi_base_columns(self):
        return [*kpi_measures.BASE_COLUMNS, *kpi_measures.CATEGORY_12M_COLUMNS]

    @api.model
    def _build_months(self, start, end, companies):
        """Delete and rebuild the rows of the months [``start``, ``end``) of
        ``companies`` (called by ``customer.kpi.snapshot._build_months``). Returns the
        number of rows written."""
        cr = self.env.cr
        cr.execute(
            """DELETE FROM customer_kpi_base
                WHERE month >= %s AND month < %s AND company_id = ANY(%s)""",
            [start, end, companies.ids],
        )
        columns = self._kpi_base_columns()
        parts = [
            (
                kpi_measures.customer_base_sql(companies.ids, start, end),
                kpi_measures.BASE_COLUMNS,
            ),
            (
                kpi_measures.categories_12m_sql(companies.ids, start, end),
                kpi_measures.CATEGORY_12M_COLUMNS,
            ),
        ]
        identifiers = [SQL.identifier(name) for name in columns]
        cr.execute(
            SQL(
                """
WITH total AS (
    SELECT month, company_id, partner_id, user_id, %(sums)s
      FROM (%(union)s) u
  GROUP BY 1, 2, 3, 4
)
INSERT INTO customer_kpi_base (
    month, company_id, partner_id, user_id, team_id, abc_class, %(columns)s,
    loss_rate, young_account_share, retention_rate, create_uid, create_date, write_uid, write_date
)
SELECT t.month, t.company_id, t.partner_id, t.user_id, team.id,
       cp.abc_class ->> t.company_id::text, %(values)s,
       t.lost_customer_count * 100.0,
       CASE WHEN t.active_customer_count > 0 THEN t.young_account_count * 100.0 END,
       CASE WHEN t.retention_base_count > 0 THEN t.retained_customer_count * 100.0 END,
       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
  FROM total t
  JOIN res_partner cp ON cp.id = t.partner_id
  LEFT JOIN res_users owner ON owner.id = t.user_id
  LEFT JOIN crm_team team ON team.id = owner.sale_team_id
                         AND (team.company_id IS NULL OR team.company_id = t.company_id)
""",
                sums=SQL(", ").join(SQL("SUM(%s) AS %s", name, name) for name in identifiers),
                union=kpi_measures.union_parts_sql(parts, columns),
                columns=SQL(", ").join(identifiers),
                values=SQL(", ").join(SQL("t.%s", name) for name in identifiers),
                uid=self.env.uid,
            )
        )
        return cr.rowcount
