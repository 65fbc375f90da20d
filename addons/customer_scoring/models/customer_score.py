"""The score row of a customer in a company: its fields, the explanation of the score
and the drill-down to the invoice lines its revenue was summed from.

Computing the rows: ``customer_score_run.py`` (lock, button, full and partial runs,
scheduled actions), ``customer_score_figures.py`` (figures from the journal items) and
``customer_score_ranks.py`` (company-wide shares, ranks and score), inherited here."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..tools.revenue_lines import invoice_lines_action, revenue_line_domain
from . import score_rules
from .customer_score_figures import (  # noqa: F401 (CUSTOMER_MOVE_TYPES: imported from here)
    CUSTOMER_MOVE_TYPES,
    LIFECYCLE_STAGES,
    PASSIVE_SIGNALS,
    VALUE_CLASSES,
)
from .score_rules import SCORE_FACTORS


class CustomerScore(models.Model):
    _name = "customer.score"
    _inherit = [
        "customer.score.figures",
        "customer.score.ranks",
        "customer.score.placement",
        "customer.score.runner",
    ]
    _description = "Customer Score"
    _order = "company_id, score desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        index=True,
        help="The customer's salesperson when the score was computed.",
    )
    date_computed = fields.Date(
        string="As of", readonly=True, help="The date the figures were computed for."
    )

    # Money and frequency (company currency; see readme/DESCRIPTION.md for the rules).
    revenue_12m = fields.Monetary(string="Revenue 12 Months", readonly=True)
    revenue_prev_12m = fields.Monetary(string="Revenue Previous 12 Months", readonly=True)
    revenue_growth = fields.Float(string="Growth (%)", digits=(16, 2), readonly=True)
    cost_12m = fields.Monetary(string="Cost of Goods 12 Months", readonly=True)
    margin_12m = fields.Monetary(string="Margin 12 Months", readonly=True)
    margin_percent = fields.Float(string="Margin (%)", digits=(16, 2), readonly=True)
    invoice_count_12m = fields.Integer(string="Invoices 12 Months", readonly=True)
    refund_count_12m = fields.Integer(string="Credit Notes 12 Months", readonly=True)
    avg_order_value = fields.Monetary(string="Average Invoice Value", readonly=True)
    first_invoice_date = fields.Date(readonly=True)
    last_invoice_date = fields.Date(readonly=True)
    recency_days = fields.Integer(string="Days Since Last Invoice", readonly=True)
    median_gap_days = fields.Float(
        string="Median Days Between Invoices", digits=(16, 1), readonly=True
    )
    avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        readonly=True,
        help="Amount-weighted average of the days past the due date of the invoices of the "
        "last 12 months: up to the full payment for paid ones, up to the scoring date for open "
        "or partly paid ones; not yet due or paid early counts as 0.",
    )
    share_of_company_revenue = fields.Float(
        string="Share of Company Revenue (%)", digits=(16, 2), readonly=True
    )
    is_concentration_risk = fields.Boolean(
        string="Concentration Risk",
        readonly=True,
        help="The customer's share of the company's 12-month revenue is above the threshold "
        "set in Settings (15 % by default).",
    )

    # Classification, score and value.
    abc_value_class = fields.Selection(
        VALUE_CLASSES,
        string="Revenue Rank (ABC by Value)",
        readonly=True,
        help="Pareto rank of the 12-month revenue among the company's buyers. An input to "
        "the customer's class only when the company's class source is value ABC; the "
        "class that counts is the final class on the Key account tab of the customer.",
    )
    # The last full run's order of the buyers (customer_score_placement.py).
    rank_snap_neg = fields.Float(readonly=True, groups="base.group_system")
    rank_snap_revenue = fields.Monetary(readonly=True, groups="base.group_system")
    rank_snap_margin = fields.Float(readonly=True, groups="base.group_system")
    rank_snap_invoices = fields.Integer(readonly=True, groups="base.group_system")
    rank_snap_cum = fields.Monetary(readonly=True, groups="base.group_system")
    rank_snap_position = fields.Integer(readonly=True, groups="base.group_system")
    rank_snap_margin_le = fields.Integer(readonly=True, groups="base.group_system")
    rank_snap_invoices_le = fields.Integer(readonly=True, groups="base.group_system")
    score = fields.Float(digits=(16, 2), readonly=True, aggregator="avg")
    score_revenue = fields.Float(string="Revenue Points", digits=(16, 2), readonly=True)
    score_growth = fields.Float(string="Growth Points", digits=(16, 2), readonly=True)
    score_margin = fields.Float(string="Margin Points", digits=(16, 2), readonly=True)
    score_frequency = fields.Float(string="Frequency Points", digits=(16, 2), readonly=True)
    score_recency = fields.Float(string="Recency Points", digits=(16, 2), readonly=True)
    score_payment = fields.Float(string="Payment Points", digits=(16, 2), readonly=True)
    score_evaluative = fields.Float(string="Evaluative Points", digits=(16, 2), readonly=True)
    score_evaluative_rated = fields.Boolean(
        string="Rated by the Owner",
        readonly=True,
        help="Unrated customers are scored without the evaluative factor: its weight is "
        "left out and the other weights are scaled up to 100.",
    )
    score_explanation = fields.Text(compute="_compute_score_explanation")
    retention_rate = fields.Float(
        string="Retention Rate (%)",
        digits=(16, 2),
        readonly=True,
        help="Share of last year's buyers of this value class who bought again this year.",
    )
    clv = fields.Monetary(string="Customer Lifetime Value", readonly=True)
    p_alive = fields.Float(
        string="P(alive)",
        readonly=True,
        help="Probability that the customer still buys, from the customer-base model.",
    )
    expected_purchases_12m = fields.Float(
        string="Expected Purchases 12 Months",
        digits=(16, 2),
        readonly=True,
        help="Purchase days the customer-base model expects in the next 365 days.",
    )
    expected_purchase_value = fields.Monetary(
        readonly=True, help="Expected untaxed value of one purchase day."
    )
    expected_revenue_12m = fields.Monetary(
        string="Expected Revenue 12 Months",
        readonly=True,
        help="Expected purchases of the next 365 days times the expected purchase value.",
    )
    clv_model_id = fields.Many2one(
        "customer.clv.model", string="Customer-Base Model", readonly=True, ondelete="set null"
    )
    # The next 12 months of the fitted model (month 1 = the month after the month of
    # date_computed), read with the expected purchase value through
    # customer.purchase.forecast; empty without a fitted model.
    forecast_purchases = fields.Json(
        readonly=True, help="Expected purchase days in each of the next 12 months."
    )
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True, index=True)
    purchase_day_count = fields.Integer(
        string="Purchase Days",
        readonly=True,
        help="Days with a posted invoice of the customer up to the scoring date.",
    )
    passive_signal = fields.Selection(
        PASSIVE_SIGNALS,
        readonly=True,
        help="What made the customer passive: no invoice for longer than its usual rhythm, "
        "or a P(alive) below the company's threshold after a regular rhythm (earlier).",
    )
    spend_declining = fields.Boolean(
        string="Declining Spend",
        readonly=True,
        help="The revenue of the last 12 months is below the 12 months before by more than "
        "the company's share (Settings), on a base of at least the median buyer's revenue.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one score row per company.",
        ),
    ]

    def init(self):
        # Every row is rewritten by each daily run (the "as of" date and recency move):
        # with room left in each page the new versions stay in the page (HOT updates) and
        # the indexes are not touched.
        self.env.cr.execute("ALTER TABLE customer_score SET (fillfactor = 50)")
        # The company-wide passes of a partial run (``score_rules.company_figures``, the
        # rows whose keys moved since the snapshot in ``_prepare_placed_table``) read
        # these columns of every row of the company: from this index alone (12 MB at
        # 190 k rows) instead of the table's pages (150 MB). Its columns move when the
        # snapshot's do, so it keeps the daily rewrites HOT as the others.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS customer_score_company_keys_idx
                   ON customer_score (company_id)
                   INCLUDE (partner_id, revenue_12m, margin_percent, invoice_count_12m,
                            rank_snap_neg, rank_snap_revenue, rank_snap_margin,
                            rank_snap_invoices)"""
        )
        # The lookups of partial runs in the last full run's order (a row's keys move only
        # when its own revenue, margin or invoices move: most daily rewrites stay HOT).
        for name, columns in (
            ("customer_score_rank_snap_neg_idx", ("rank_snap_neg", "partner_id")),
            ("customer_score_rank_snap_margin_idx", ("rank_snap_margin",)),
            ("customer_score_rank_snap_invoices_idx", ("rank_snap_invoices",)),
        ):
            self.env.cr.execute(
                SQL(
                    """CREATE INDEX IF NOT EXISTS %s ON customer_score (company_id, %s)
                        WHERE rank_snap_neg IS NOT NULL""",
                    SQL.identifier(name),
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                )
            )

    @api.depends(
        *(f"score_{name}" for name in SCORE_FACTORS),
        "score",
        "score_evaluative_rated",
        "lifecycle_stage",
        "clv_model_id",
        "p_alive",
        "passive_signal",
        "spend_declining",
        "recency_days",
        "median_gap_days",
        "purchase_day_count",
        "revenue_12m",
        "revenue_prev_12m",
        "revenue_growth",
    )
    @api.depends_context("lang")
    def _compute_score_explanation(self):
        for row in self:
            row.score_explanation = score_rules.explanation(row)

    # ------------------------------------------------------------------
    # Windows and drill-down
    # ------------------------------------------------------------------
    @api.model
    def _get_windows(self, date):
        """Return the date bounds used by a computation as of ``date``.

        The 12 months "ending on date" include ``date`` and start the day after the same
        date one year earlier: as of 2025-06-30 they are 2024-07-01 .. 2025-06-30, so an
        invoice dated exactly 2024-06-30 belongs to the previous 12 months.
        """
        start_12m = date - relativedelta(years=1) + relativedelta(days=1)
        return {
            "date": date,
            "start_12m": start_12m,
            "end_prev_12m": start_12m - relativedelta(days=1),
            "start_prev_12m": start_12m - relativedelta(years=1),
        }

    def _get_revenue_line_domain(self):
        """Domain of the journal items summed into ``revenue_12m`` of this row."""
        self.ensure_one()
        windows = self._get_windows(self.date_computed or fields.Date.context_today(self))
        return revenue_line_domain(
            company_ids=self.company_id.ids,
            date_from=windows["start_12m"],
            date_to=windows["date"],
            partner_ids=self.partner_id.ids,
        )

    def action_open_invoice_lines(self):
        """Open exactly the journal items summed into ``revenue_12m``, all on one page (so
        the list's total is the whole set), with their revenue as a positive amount."""
        self.ensure_one()
        windows = self._get_windows(self.date_computed or fields.Date.context_today(self))
        return invoice_lines_action(
            self.env,
            self.env._(
                "Invoice lines counted in revenue (12 months): %(partner)s, %(start)s - %(end)s",
                partner=self.partner_id.name,
                start=format_date(self.env, windows["start_12m"]),
                end=format_date(self.env, windows["date"]),
            ),
            self._get_revenue_line_domain(),
            self.env._(
                "<p>No invoice line counted in this customer's revenue of the last 12 "
                "months.</p><p>Counted: posted customer invoices and credit notes of "
                "%(company)s, product lines only, untaxed, in company currency; credit "
                "notes are deducted. Odoo's own Invoiced button sums every posted invoice "
                "since the first one, in all the companies you work in.</p>",
                company=self.company_id.name,
            ),
            context={"search_default_counted_in_revenue": 1},
        )
