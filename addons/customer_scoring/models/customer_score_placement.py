"""Partial runs placed among the company's other rows without sorting the company again.

A full run keeps, on every score row with revenue (the buyers), a snapshot of the order it
ranked them in (SNAPSHOT_COLUMNS): its keys (revenue, margin %, invoices) and, in that
order, the revenue summed up to it, its position and the number of buyers at or below its
margin and its invoice count. A partial run places each of its customers from that
snapshot: one index lookup gives what the snapshot says about the buyers before it, and
the rows that moved since the full run (the customers being rescored and those of earlier
partial runs) are taken out with their snapshot values and put back with their current
ones, in one sort of those rows alone. The result is what the window functions over every
row of the company give (``_ranked_rows_sql``), figure for figure; when the snapshot cannot
say it (no full run yet, or rows deleted since, e.g. by a merge), the partial run ranks
with the windows. Inherited by ``customer.score``."""

from odoo import api, models
from odoo.tools import SQL

from . import score_rules
from .customer_score_figures import SNAPSHOT_COLUMNS


class CustomerScorePlacement(models.AbstractModel):
    _name = "customer.score.placement"
    _description = "Customer Score: Partial Runs Placed in the Last Full Run's Order"

    @api.model
    def _snapshot_rows(self, company):
        """The score rows of ``company`` holding a place in the snapshot."""
        self.env.cr.execute(
            """SELECT COUNT(*) FROM customer_score
                WHERE company_id = %s AND rank_snap_neg IS NOT NULL""",
            [company.id],
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _snapshot_valid(self, company):
        """Whether the rows of ``company`` still hold the whole snapshot of its last full
        run (a row deleted since would leave a gap in the summed revenue)."""
        kept = company.sudo().score_rank_snapshot_count
        if kept is None or kept < 0:
            return False
        return self._snapshot_rows(company) == kept

    @api.model
    def _keep_snapshot(self, company):
        """After a full run: the rows it did not rank (no longer customers) leave the
        snapshot, and the company remembers how many rows it holds."""
        self.env.cr.execute(
            SQL(
                """UPDATE customer_score s SET %s
                    WHERE s.company_id = %s AND s.rank_snap_neg IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM customer_score_new n
                                       WHERE n.partner_id = s.partner_id)""",
                SQL(", ").join(SQL("%s = NULL", SQL.identifier(n)) for n in SNAPSHOT_COLUMNS),
                company.id,
            )
        )
        company.sudo().score_rank_snapshot_count = self._snapshot_rows(company)

    @api.model
    def _placed_rows_sql(self, company, partner_ids, figures):
        """The rows of ``partner_ids`` with the columns of ``_ranked_rows_sql``, placed
        from the snapshot; None when the snapshot cannot place them. ``figures``: the
        company-wide figures of the score rows (``score_rules.company_figures``)."""
        if not self._snapshot_valid(company):
            return None
        buyers, buyers_revenue = figures["buyers"], figures["buyers_revenue"]
        median, top = figures["median"], figures["top"]
        self._prepare_placed_table(company, list(partner_ids))
        return SQL(
            """
SELECT cs.partner_id, cs.revenue_12m, cs.margin_12m, cs.lifecycle_stage,
       cs.regularity_computed, %(snapshot)s,
       pl.cum / NULLIF(%(buyers_revenue)s, 0) * 100 AS cum_share,
       pl.position AS rank,
       %(f_revenue)s AS f_revenue,
       %(f_growth)s AS f_growth,
       CASE WHEN cs.revenue_12m > 0 THEN pl.margin_le::float8 / %(buyers)s ELSE 0 END
           AS f_margin,
       CASE WHEN cs.revenue_12m > 0 AND cs.invoice_count_12m > 0
            THEN pl.invoices_le::float8 / %(buyers)s ELSE 0 END AS f_frequency,
       CASE WHEN cs.last_invoice_date IS NULL THEN 0
            ELSE GREATEST(1 - cs.recency_days / 365.0, 0) END AS f_recency,
       CASE WHEN cs.invoice_count_12m > 0
            THEN GREATEST(1 - cs.avg_days_late / 60.0, 0) ELSE 0 END AS f_payment
  FROM customer_score cs
  LEFT JOIN customer_score_placed pl ON pl.partner_id = cs.partner_id
 WHERE cs.company_id = %(company)s AND cs.partner_id = ANY(%(ids)s)
""",
            snapshot=SQL(", ").join(
                SQL("NULL::%s AS %s", SQL(kind), SQL.identifier(name))
                for name, kind in (
                    ("rank_snap_neg", "float8"),
                    ("rank_snap_revenue", "numeric"),
                    ("rank_snap_margin", "float8"),
                    ("rank_snap_invoices", "int4"),
                    ("rank_snap_cum", "numeric"),
                    ("rank_snap_position", "int8"),
                    ("rank_snap_margin_le", "int8"),
                    ("rank_snap_invoices_le", "int8"),
                )
            ),
            buyers_revenue=buyers_revenue,
            buyers=max(buyers, 1),
            f_revenue=score_rules.revenue_factor_sql(top, SQL("pl.higher"), SQL("%s", buyers)),
            f_growth=score_rules.growth_factor_sql(median),
            company=company.id,
            ids=list(partner_ids),
        )

    @api.model
    def _prepare_placed_table(self, company, partner_ids):
        """Temporary table ``customer_score_placed``: for each buyer of ``partner_ids``,
        the revenue of the buyers up to it in the revenue order (``cum``), its position,
        the buyers with more revenue (``higher``), and those at or below its margin %
        (``margin_le``) and its invoice count (``invoices_le``), over the current rows."""
        cr = self.env.cr
        positive = SQL("cs.revenue_12m > 0")
        cr.execute("DROP TABLE IF EXISTS customer_score_placed")
        cr.execute(
            SQL(
                """
CREATE TEMP TABLE customer_score_placed ON COMMIT DROP AS
WITH moved AS (
    -- The rows placed now and those whose keys moved since the snapshot.
    SELECT * FROM (
        SELECT cs.partner_id, cs.rank_snap_neg AS s_neg, cs.rank_snap_revenue AS s_rev,
               cs.rank_snap_margin AS s_margin, cs.rank_snap_invoices AS s_inv,
               CASE WHEN %(p)s THEN -cs.revenue_12m::float8 END AS c_neg,
               CASE WHEN %(p)s THEN cs.revenue_12m END AS c_rev,
               CASE WHEN %(p)s THEN cs.margin_percent::float8 END AS c_margin,
               CASE WHEN %(p)s THEN cs.invoice_count_12m END AS c_inv
          FROM customer_score cs
         WHERE cs.company_id = %(company)s
    ) m
     WHERE m.partner_id = ANY(%(ids)s)
        OR (m.s_neg, m.s_rev, m.s_margin, m.s_inv)
           IS DISTINCT FROM (m.c_neg, m.c_rev, m.c_margin, m.c_inv)
),
events AS (
    -- Out with the snapshot's values, in with the current ones; a probe per row placed.
    SELECT s_neg AS neg, partner_id AS pid, -s_rev AS w, -1 AS c, s_margin AS margin,
           s_inv AS inv, 0 AS probe
      FROM moved WHERE s_neg IS NOT NULL
    UNION ALL
    SELECT c_neg, partner_id, c_rev, 1, c_margin, c_inv, 0 FROM moved WHERE c_neg IS NOT NULL
    UNION ALL
    SELECT c_neg, partner_id, 0, 0, c_margin, c_inv, 1
      FROM moved WHERE c_neg IS NOT NULL AND partner_id = ANY(%(ids)s)
),
corrections AS (
    SELECT pid, probe, neg, margin, inv,
           -- At an equal key the changes come before the probe (up to and including it),
           -- but after it for "more revenue" (strictly before it).
           SUM(w) OVER (ORDER BY neg, pid, probe ROWS UNBOUNDED PRECEDING) AS cum,
           SUM(c) OVER (ORDER BY neg, pid, probe ROWS UNBOUNDED PRECEDING) AS position,
           SUM(c) OVER (ORDER BY neg, probe DESC ROWS UNBOUNDED PRECEDING) AS higher,
           SUM(c) OVER (ORDER BY margin, probe ROWS UNBOUNDED PRECEDING) AS margin_le,
           SUM(c) OVER (ORDER BY inv, probe ROWS UNBOUNDED PRECEDING) AS invoices_le
      FROM events
)
SELECT k.pid AS partner_id,
       COALESCE(b1.rank_snap_cum, 0) + k.cum AS cum,
       COALESCE(b1.rank_snap_position, 0) + k.position AS position,
       COALESCE(b2.rank_snap_position, 0) + k.higher AS higher,
       COALESCE(b3.rank_snap_margin_le, 0) + k.margin_le AS margin_le,
       COALESCE(b4.rank_snap_invoices_le, 0) + k.invoices_le AS invoices_le
  FROM corrections k
  -- What the snapshot says about the buyers before the probe, from one index lookup each.
  LEFT JOIN LATERAL (
      SELECT s.rank_snap_cum, s.rank_snap_position FROM customer_score s
       WHERE s.company_id = %(company)s AND s.rank_snap_neg IS NOT NULL
         AND (s.rank_snap_neg, s.partner_id) <= (k.neg, k.pid)
    ORDER BY s.rank_snap_neg DESC, s.partner_id DESC LIMIT 1
  ) b1 ON TRUE
  LEFT JOIN LATERAL (
      SELECT s.rank_snap_position FROM customer_score s
       WHERE s.company_id = %(company)s AND s.rank_snap_neg < k.neg
    ORDER BY s.rank_snap_neg DESC, s.partner_id DESC LIMIT 1
  ) b2 ON TRUE
  LEFT JOIN LATERAL (
      SELECT s.rank_snap_margin_le FROM customer_score s
       WHERE s.company_id = %(company)s AND s.rank_snap_neg IS NOT NULL
         AND s.rank_snap_margin <= k.margin
    ORDER BY s.rank_snap_margin DESC LIMIT 1
  ) b3 ON TRUE
  LEFT JOIN LATERAL (
      SELECT s.rank_snap_invoices_le FROM customer_score s
       WHERE s.company_id = %(company)s AND s.rank_snap_neg IS NOT NULL
         AND s.rank_snap_invoices <= k.inv
    ORDER BY s.rank_snap_invoices DESC LIMIT 1
  ) b4 ON TRUE
 WHERE k.probe = 1
""",
                p=positive,
                company=company.id,
                ids=partner_ids,
            )
        )
        cr.execute("CREATE UNIQUE INDEX ON customer_score_placed (partner_id)")
