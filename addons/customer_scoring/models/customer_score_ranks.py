"""The company-wide part of the score rows: share and concentration, value ABC,
retention and lifetime value, composite score (see score_rules), and the class
recomputation of key_account_mgmt. Inherited by ``customer.score``."""

from odoo import api, fields, models
from odoo.tools import SQL

from . import score_rules
from .customer_score_figures import (
    FINAL_COLUMNS,
    SNAPSHOT_COLUMNS,
    VALUE_CLASSES,
    _assign_moved_sql,
)

TURNOVER_CURRENCY_INDEX = "res_partner_kam_turnover_currency_idx"


def turnover_currency_ids(cr):
    """The currencies customers' own turnovers are entered in (``customer_turnover``
    not 0), one index probe per currency (``TURNOVER_CURRENCY_INDEX``) instead of a
    pass over every partner: the class rule key of every run reads them."""
    cr.execute(
        """WITH RECURSIVE cur AS (
               (SELECT kam_turnover_currency_id AS id FROM res_partner
                 WHERE customer_turnover <> 0 AND kam_turnover_currency_id IS NOT NULL
              ORDER BY kam_turnover_currency_id LIMIT 1)
               UNION ALL
               SELECT (SELECT p.kam_turnover_currency_id FROM res_partner p
                        WHERE p.customer_turnover <> 0 AND p.kam_turnover_currency_id > cur.id
                     ORDER BY p.kam_turnover_currency_id LIMIT 1)
                 FROM cur WHERE cur.id IS NOT NULL
           )
           SELECT id FROM cur WHERE id IS NOT NULL"""
    )
    return [row[0] for row in cr.fetchall()]


class CustomerScoreRanks(models.AbstractModel):
    _name = "customer.score.ranks"
    _description = "Customer Score: Company-wide Ranks"

    # ------------------------------------------------------------------
    # Per company: share, value ABC, retention, CLV and composite score over all rows
    # ------------------------------------------------------------------
    @api.model
    def _prepare_final_table(self, company, rows, partner_ids=None):
        """Temporary table ``customer_score_final``: partner_id and the FINAL_COLUMNS
        (share and concentration flag, value ABC, retention rate and CLV, composite score)
        of the company's customers, ranked over every row of the company in ``rows`` (the
        score table, or the new rows of a full run); only ``partner_ids`` if given.
        Returns the company-wide figures of ``rows`` (``score_rules.company_figures``).
        The company's 12-month revenue is the sum over its score rows (every customer's
        revenue_12m of the run), so the shares of a company add up to 100 %%."""
        figures = score_rules.company_figures(self.env.cr, company, rows)
        total, median, top = figures["total"], figures["median"], figures["top"]
        retention = self._company_retention(company, rows, full=partner_ids is None)
        classes = [value for value, _label in VALUE_CLASSES]
        rates = {cls: retention.get(cls, retention[None]) for cls in classes}
        case_rate = SQL(
            "CASE x.value_class %s ELSE %s END",
            SQL(" ").join(SQL("WHEN %s THEN %s", cls, rates[cls]) for cls in classes),
            retention[None],
        )
        case_factor = SQL(
            "CASE x.value_class %s ELSE %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", cls, self._clv_factor(company, rates[cls]))
                for cls in classes
            ),
            self._clv_factor(company, retention[None]),
        )
        # The regularity computed from the order history stands in for the owner's rating.
        regularity = SQL("r.regularity_computed")
        evaluative, rated = score_rules.evaluative_sql(self.env["res.partner"], regularity)
        subset = SQL("")
        if partner_ids is not None:
            subset = SQL("WHERE r.partner_id = ANY(%s)", list(partner_ids))
        ranked = None
        if partner_ids is not None:
            # A partial run: placed from the last full run's order, not re-sorted.
            ranked = self._placed_rows_sql(company, partner_ids, figures)
        if ranked is None:
            ranked = self._ranked_rows_sql(company, rows, median, top)
        self.env.cr.execute("DROP TABLE IF EXISTS customer_score_final")
        self.env.cr.execute(
            SQL(
                """
CREATE TEMP TABLE customer_score_final ON COMMIT DROP AS
      SELECT x.partner_id,
             CASE WHEN %(total)s > 0
                  THEN ROUND(x.revenue_12m / %(total)s * 100, 2) ELSE 0 END
                 AS share_of_company_revenue,
             %(total)s > 0 AND x.revenue_12m / %(total)s * 100 > %(threshold)s
                 AS is_concentration_risk,
             x.value_class AS abc_value_class,
             ROUND((%(case_rate)s * 100)::numeric, 2) AS retention_rate,
             ROUND((x.margin_12m * %(case_factor)s)::numeric, %(dp)s) AS clv,
             x.score_revenue, x.score_growth, x.score_margin, x.score_frequency,
             x.score_recency, x.score_payment, x.score_evaluative,
             x.is_rated AS score_evaluative_rated,
             %(score)s AS score,
             x.regularity_source,
             0::float8 AS p_alive, 0::numeric AS expected_purchases_12m,
             0::numeric AS expected_purchase_value, 0::numeric AS expected_revenue_12m,
             NULL::int4 AS clv_model_id,
             NULL::jsonb AS forecast_purchases,
             NULL::varchar AS passive_signal, FALSE AS spend_declining,
             %(snapshot_x)s
        FROM (
      SELECT r.partner_id, r.revenue_12m, r.margin_12m, r.lifecycle_stage, e.is_rated,
             e.regularity_source, %(snapshot_r)s,
             CASE WHEN r.revenue_12m > 0 THEN %(class_case)s ELSE 'C' END AS value_class,
             %(points)s
        FROM (%(ranked)s) r
        CROSS JOIN LATERAL (
            SELECT %(evaluative)s AS f_evaluative, %(rated)s AS is_rated,
                   %(regularity_source)s AS regularity_source
              FROM res_partner p WHERE p.id = r.partner_id
        ) e
        %(subset)s
        ) x
""",
                total=total,
                threshold=company.score_concentration_threshold,
                case_rate=case_rate,
                case_factor=case_factor,
                dp=company.currency_id.decimal_places,
                class_case=self._abc_case_sql(company),
                points=score_rules.points_sql(company),
                score=score_rules.score_sql(),
                ranked=ranked,
                snapshot_r=SQL(", ").join(SQL("r.%s", SQL.identifier(n)) for n in SNAPSHOT_COLUMNS),
                snapshot_x=SQL(", ").join(SQL("x.%s", SQL.identifier(n)) for n in SNAPSHOT_COLUMNS),
                evaluative=evaluative,
                rated=rated,
                regularity_source=score_rules.regularity_source_sql(
                    self.env["res.partner"], regularity
                ),
                subset=subset,
            )
        )
        self.env.cr.execute("ANALYZE customer_score_final")
        return figures

    @api.model
    def _ranked_rows_sql(self, company, rows, median, top):
        """The rows of ``company`` in ``rows`` with their ranks over all of them (window
        functions), and the snapshot of the order (SNAPSHOT_COLUMNS) that partial runs
        place their customers in (``_placed_rows_sql``)."""
        positive = SQL("cs.revenue_12m > 0")
        return SQL(
            """
            -- The ranks need every row of the company, but nothing else: the partner
            -- (evaluative ratings) is joined after, only to the rows being written.
            SELECT cs.partner_id, cs.revenue_12m, cs.margin_12m, cs.lifecycle_stage,
                   cs.regularity_computed, %(snapshot)s,
                   SUM(cs.revenue_12m) OVER w_order
                       / NULLIF(SUM(cs.revenue_12m) OVER w_all, 0) * 100 AS cum_share,
                   ROW_NUMBER() OVER w_order AS rank,
                   -- The rank part: CUME_DIST() over the revenue ascending, from the
                   -- rank in the order above (more revenue first): one sort less.
                   %(f_revenue)s AS f_revenue,
                   %(f_growth)s AS f_growth,
                   CASE WHEN cs.revenue_12m > 0 THEN CUME_DIST() OVER w_margin ELSE 0 END
                       AS f_margin,
                   CASE WHEN cs.revenue_12m > 0 AND cs.invoice_count_12m > 0
                        THEN CUME_DIST() OVER w_frequency ELSE 0 END AS f_frequency,
                   CASE WHEN cs.last_invoice_date IS NULL THEN 0
                        ELSE GREATEST(1 - cs.recency_days / 365.0, 0) END AS f_recency,
                   CASE WHEN cs.invoice_count_12m > 0
                        THEN GREATEST(1 - cs.avg_days_late / 60.0, 0) ELSE 0 END AS f_payment
              FROM %(rows)s cs
             WHERE cs.company_id = %(company)s
            -- Sorted as float8 (a cheaper sort than numeric: amounts with 2 decimals keep
            -- their order and ties as float8), summed as numeric.
            WINDOW w_all AS (PARTITION BY cs.revenue_12m > 0),
                   w_order AS (PARTITION BY cs.revenue_12m > 0
                               ORDER BY cs.revenue_12m::float8 DESC, cs.partner_id
                               ROWS UNBOUNDED PRECEDING),
                   w_desc AS (PARTITION BY cs.revenue_12m > 0
                              ORDER BY cs.revenue_12m::float8 DESC),
                   w_margin AS (PARTITION BY cs.revenue_12m > 0
                                ORDER BY cs.margin_percent::float8),
                   w_frequency AS (PARTITION BY cs.revenue_12m > 0
                                   ORDER BY cs.invoice_count_12m)
""",
            f_revenue=score_rules.revenue_factor_sql(top),
            f_growth=score_rules.growth_factor_sql(median),
            snapshot=SQL(
                """CASE WHEN %(p)s THEN -cs.revenue_12m::float8 END AS rank_snap_neg,
                   CASE WHEN %(p)s THEN cs.revenue_12m END AS rank_snap_revenue,
                   CASE WHEN %(p)s THEN cs.margin_percent::float8 END AS rank_snap_margin,
                   CASE WHEN %(p)s THEN cs.invoice_count_12m END AS rank_snap_invoices,
                   CASE WHEN %(p)s THEN SUM(cs.revenue_12m) OVER w_order END AS rank_snap_cum,
                   CASE WHEN %(p)s THEN ROW_NUMBER() OVER w_order END AS rank_snap_position,
                   CASE WHEN %(p)s THEN COUNT(*) OVER w_margin END AS rank_snap_margin_le,
                   CASE WHEN %(p)s THEN COUNT(*) OVER w_frequency END AS rank_snap_invoices_le""",
                p=positive,
            ),
            rows=rows,
            company=company.id,
        )

    @api.model
    def _finalize_company(self, company, date, partner_ids=None):
        """Company-wide figures of the score rows: share and concentration flag, value ABC,
        retention rate and CLV, composite score, in one UPDATE of the rows that moved.

        The ranks (value ABC, revenue / margin / frequency points) are taken over every row
        of the company. A full run rewrites every row whose figures moved. A partial run
        (``partner_ids``: given or marked partners) rewrites only the rows of its partners,
        placed among all the others; the other rows keep the shares and ranks of their last
        run until the next full run (the daily one), which also reclassifies everyone in
        key_account_mgmt: the hourly run after posted invoices stays proportional to the
        customers it rescores, not to the company."""
        if partner_ids is None:
            # Fresh statistics after the upserts, or the planner takes a freshly filled table
            # for empty and joins it to itself with a nested loop.
            self.env.cr.execute("ANALYZE customer_score")
        figures = self._prepare_final_table(company, SQL("customer_score"), partner_ids)
        self._apply_clv_model(
            company, date, SQL("customer_score"), partner_ids, median=figures["median"]
        )
        sets, moved = _assign_moved_sql(FINAL_COLUMNS, SQL("y"))
        self.env.cr.execute(
            SQL(
                """UPDATE customer_score cs SET %(sets)s
                     FROM customer_score_final y
                    WHERE y.partner_id = cs.partner_id AND cs.company_id = %(company)s
                      AND %(moved)s""",
                sets=sets,
                company=company.id,
                moved=moved,
            )
        )
        self.env.cr.execute("DROP TABLE customer_score_final")
        self.env.invalidate_all()
        self._reclassify(company, partner_ids)

    @api.model
    def _reclassify(self, company, partner_ids=None):
        """key_account_mgmt's class recomputation in ``company`` (one or more) for the
        customers (of ``partner_ids``, default all) whose class inputs moved
        (``_class_inputs_moved``); then the inputs are remembered on their score rows."""
        moved = self._class_inputs_moved(company, partner_ids)
        partners = None if moved is None else self.env["res.partner"].browse(moved)
        if partners is None or partners:
            self.env["kam.class.engine"]._kam_recompute_abc_classes(
                company=company, partners=partners
            )
        self._class_inputs_seen(company, partner_ids)

    @api.model
    def _class_rule_key(self, company):
        """What the classes of ``company`` depend on besides each customer's own inputs:
        the rule's source, mode and thresholds, and today's rate of each currency its
        customers' turnovers are entered in. A change of it reclassifies every customer."""
        names = ["score_abc_source", "kam_class_rule_mode"] + [
            f"kam_{letter}_min_{name}"
            for letter in ("a", "b")
            for name in ("turnover", "installers", "purchases")
        ]
        self.env.flush_all()
        currencies = self.env["res.currency"].browse(
            sorted(set(turnover_currency_ids(self.env.cr)) - {company.currency_id.id})
        )
        today = fields.Date.context_today(self)
        rates = [
            (
                currency.id,
                currency._get_conversion_rate(currency, company.currency_id, company, today),
            )
            for currency in currencies
        ]
        return repr([company[name] for name in names if name in company._fields] + rates)

    @api.model
    def _class_inputs_moved(self, companies, partner_ids=None):
        """The commercial partners (of ``partner_ids``, default all) whose class in one of
        ``companies`` may have moved since it was computed: their 12-month revenue or
        value class moved, or they have no computed class there yet. When a company's rule
        or a rate of its customers' turnovers changed (``_class_rule_key``): all of
        ``partner_ids``, or None (every customer); None too when most moved."""
        cr = self.env.cr
        self.env.flush_all()
        if any(
            company.sudo().score_class_rule_key != self._class_rule_key(company)
            for company in companies
        ):
            return None if partner_ids is None else list(partner_ids)
        own = self.env["res.company"].sudo().search([]).partner_id.ids
        subset = SQL("")
        if partner_ids is not None:
            subset = SQL("AND p.id = ANY(%s)", list(partner_ids))
        moved = set()
        for company in companies:
            cr.execute(
                SQL(
                    """SELECT ARRAY_AGG(p.id) FILTER (
                                  WHERE (s.id IS NOT NULL
                                         AND (i.revenue, i.value_class)
                                             IS DISTINCT FROM (s.revenue_12m, s.abc_value_class))
                                     OR NOT COALESCE(p.abc_class_computed ? %(key)s, FALSE)),
                              COUNT(*)
                         FROM res_partner p
                         LEFT JOIN customer_score s
                                ON s.partner_id = p.id AND s.company_id = %(company)s
                         LEFT JOIN customer_score_class_input i
                                ON i.partner_ref = p.id AND i.company_ref = %(company)s
                        WHERE p.active AND p.is_company AND p.parent_id IS NULL
                          AND (p.company_id IS NULL OR p.company_id = %(company)s)
                          AND p.id <> ALL(%(own)s) %(subset)s""",
                    company=company.id,
                    key=str(company.id),
                    own=own,
                    subset=subset,
                )
            )
            ids, classifiable = cr.fetchone()
            # Most of every customer: the engine's own pass over them all is cheaper.
            if partner_ids is None and len(ids or ()) * 2 > classifiable:
                return None
            moved.update(ids or ())
        return sorted(moved)

    @api.model
    def _class_inputs_seen(self, companies, partner_ids=None):
        """Remember (``customer.score.class.input``) the inputs the classes of the score
        rows (of ``partner_ids``, default all) were just computed from, and on the
        companies their rule; a full run also drops the inputs of rows that are gone."""
        cr = self.env.cr
        subset = SQL("")
        if partner_ids is not None:
            subset = SQL("AND s.partner_id = ANY(%s)", list(partner_ids))
        cr.execute(
            SQL(
                """INSERT INTO customer_score_class_input
                           (partner_ref, company_ref, revenue, value_class)
                   SELECT s.partner_id, s.company_id, s.revenue_12m, s.abc_value_class
                     FROM customer_score s
                LEFT JOIN customer_score_class_input i
                       ON i.partner_ref = s.partner_id AND i.company_ref = s.company_id
                    WHERE s.company_id = ANY(%(companies)s) %(subset)s
                      AND (i.revenue, i.value_class)
                          IS DISTINCT FROM (s.revenue_12m, s.abc_value_class)
              ON CONFLICT (partner_ref, company_ref) DO UPDATE
                      SET revenue = EXCLUDED.revenue, value_class = EXCLUDED.value_class""",
                companies=companies.ids,
                subset=subset,
            )
        )
        self.env["customer.score.class.input"].invalidate_model()
        if partner_ids is None:
            cr.execute(
                """DELETE FROM customer_score_class_input i
                    WHERE i.company_ref = ANY(%s)
                      AND NOT EXISTS (SELECT 1 FROM customer_score s
                                       WHERE s.partner_id = i.partner_ref
                                         AND s.company_id = i.company_ref)""",
                [companies.ids],
            )
            for company in companies:
                key = self._class_rule_key(company)
                if company.sudo().score_class_rule_key != key:
                    company.sudo().score_class_rule_key = key

    @api.model
    def _abc_case_sql(self, company):
        """CASE expression turning ``r.cum_share`` / ``r.rank`` into a value class.

        A customer is in A while the cumulative share including it is at most the A share
        (80 %% by default), in B up to the B share (95 %%), else C. The largest customer is
        always at least A, so one dominant customer is not pushed to B.
        """
        eps = 1e-9
        fine = SQL("")
        if company.score_abc_fine_tiers:
            fine = SQL(
                "WHEN r.cum_share <= %s THEN 'AAA' WHEN r.cum_share <= %s THEN 'AA'",
                company.score_abc_aaa_share + eps,
                company.score_abc_aa_share + eps,
            )
        return SQL(
            """CASE %s
                    WHEN r.cum_share <= %s OR r.rank = 1 THEN 'A'
                    WHEN r.cum_share <= %s THEN 'B'
                    ELSE 'C' END""",
            fine,
            company.score_abc_a_share + eps,
            company.score_abc_b_share + eps,
        )

    @api.model
    def _retention_by_class(self, company, rows=None):
        """Share of the previous 12 months' buyers (per previous value class) who bought again.

        Returns {class: rate 0..1}, with key None for the overall rate.
        """
        self.env.cr.execute(
            SQL(
                """
WITH ranked AS (
    SELECT revenue_12m,
           SUM(revenue_prev_12m) OVER (ORDER BY revenue_prev_12m::float8 DESC, partner_id
                                       ROWS UNBOUNDED PRECEDING)
               / NULLIF(SUM(revenue_prev_12m) OVER (), 0) * 100 AS cum_share,
           ROW_NUMBER() OVER (ORDER BY revenue_prev_12m::float8 DESC, partner_id) AS rank
      FROM %(rows)s
     WHERE company_id = %(company)s AND revenue_prev_12m > 0
)
SELECT %(class_case)s AS value_class, COUNT(*), COUNT(*) FILTER (WHERE r.revenue_12m > 0)
  FROM ranked r
 GROUP BY 1
""",
                rows=rows or SQL("customer_score"),
                company=company.id,
                class_case=self._abc_case_sql(company),
            )
        )
        rows = self.env.cr.fetchall()
        rates = {value_class: kept / buyers for value_class, buyers, kept in rows if buyers}
        buyers = sum(row[1] for row in rows)
        rates[None] = (sum(row[2] for row in rows) / buyers) if buyers else 0.0
        return rates

    @api.model
    def _company_retention(self, company, rows, full):
        """Retention rates by class (see ``_retention_by_class``). A full run computes and
        keeps them on the company; a partial run reuses those of the last full run (a
        yearly figure over every customer, which a few rescored customers barely move, and
        whose computation reads every row of the company)."""
        kept = company.sudo().score_retention_rates
        if not full and kept:
            return {(None if key == "*" else key): rate for key, rate in kept.items()}
        rates = self._retention_by_class(company, rows)
        if full:
            company.sudo().score_retention_rates = {
                ("*" if key is None else key): rate for key, rate in rates.items()
            }
        return rates

    @api.model
    def _clv_factor(self, company, retention):
        """Sum over years t = 1..H of (r / (1 + d)) ** t (see readme/CONFIGURE.md)."""
        discount = company.score_clv_discount_rate / 100.0
        ratio = retention / (1.0 + discount)
        return sum(ratio**year for year in range(1, company.score_clv_horizon_years + 1))
