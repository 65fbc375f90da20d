"""The staging table of the queued full run: the per-customer columns (ROW_COLUMNS) of
each batch job, keyed by (run, partner), read by the run's finish job."""

import logging

from odoo import fields, models
from odoo.addons.customer_scoring.models.customer_score_figures import ROW_COLUMNS
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

STAGE_TABLE = "customer_score_stage"


class CustomerScoreRun(models.Model):
    _inherit = "customer.score.run"

    staged_count = fields.Integer(
        string="Customers staged",
        compute="_compute_staged_count",
        help="Customers whose figures the batch jobs of this queued run have computed so "
        "far; the scores change when the run is done.",
    )

    def _compute_staged_count(self):
        running = self.filtered(lambda run: run.state == "running")
        counts = {}
        if running:
            self.env.cr.execute(
                SQL(
                    "SELECT run_id, COUNT(*) FROM %s WHERE run_id = ANY(%s) GROUP BY run_id",
                    SQL.identifier(STAGE_TABLE),
                    running.ids,
                )
            )
            counts = dict(self.env.cr.fetchall())
        for run in self:
            run.staged_count = counts.get(run.id, 0) if run in running else run.done_count

    def init(self):
        """The staging table, its columns typed as the query of the inline run's new rows
        (``_row_values_sql``), so the finish job ranks exactly the values the inline run
        would. A plain (logged) table: a server that stops between the batch jobs and the
        finish keeps the rows the batches already staged. Rebuilt when empty, so a new
        column of the score rows reaches it with the module update."""
        super().init()
        cr = self.env.cr
        cr.execute(
            """SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
                WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped""",
            [STAGE_TABLE],
        )
        columns = cr.fetchone()[0]
        if columns == ["run_id", *ROW_COLUMNS]:
            cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(STAGE_TABLE)))
            if cr.fetchone():
                return
        elif columns:
            _logger.warning("Rebuilding %s: its columns are not the score row's", STAGE_TABLE)
        scorer = self.env["customer.score"]
        company = self.env["res.company"].search([], limit=1)
        today = fields.Date.context_today(self)
        source = SQL("(%s)", scorer._aggregate_sql(company, today, []))
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(STAGE_TABLE)))
        cr.execute(
            SQL(
                """CREATE TABLE %(table)s AS
                   SELECT NULL::integer AS run_id, v.* FROM (%(rows)s) v WITH NO DATA""",
                table=SQL.identifier(STAGE_TABLE),
                rows=scorer._row_values_sql(company, today, source, []),
            )
        )
        cr.execute(
            SQL(
                """ALTER TABLE %(table)s
                     ALTER COLUMN run_id SET NOT NULL,
                     ALTER COLUMN partner_id SET NOT NULL,
                     ADD PRIMARY KEY (run_id, partner_id),
                     ADD FOREIGN KEY (run_id) REFERENCES customer_score_run (id)
                         ON DELETE CASCADE""",
                table=SQL.identifier(STAGE_TABLE),
            )
        )
