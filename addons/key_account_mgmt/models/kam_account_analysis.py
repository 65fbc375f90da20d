"""The key-account analysis: one record per candidate or key account and analysis date,
with the selection criteria by time (past, present, future), the project base, the
complaints, the competitors in the customer's supplier portfolio and a manager's
decision (promote to key account / stop developing the relationship) that writes the
key-account selection and its history.

The past figures are typed here; with customer_scoring installed they fill themselves
in from the scoring (``customer_scoring/models/kam_account_analysis.py``)."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools import ratings
from ..tools.access import is_kam_manager

# Ratings 0-5, 0 = not rated; the overall rating is the mean of the rated ones.
PRESENT_RATINGS = (
    "relationship_rating",
    "image_rating",
    "location_rating",
    "solvency_rating",
)
FUTURE_RATINGS = (
    "growth_rating",
    "predictability_rating",
    "product_room_rating",
    "reference_rating",
    "learning_rating",
)
RATING_FIELDS = PRESENT_RATINGS + FUTURE_RATINGS
# The figures a company holds about the customer's past (filled by customer_scoring).
FIGURE_FIELDS = ("sales_volume", "margin_percent", "relationship_years", "credit_note_share")
OUR_POSITIONS = [
    ("main", "Main supplier"),
    ("one_of_several", "One of several suppliers"),
    ("minor", "Minor supplier"),
    ("none", "Not a supplier yet"),
]
DECISIONS = [
    ("promote", "Promote to key account"),
    ("stop", "Stop developing the relationship"),
]
# Fields the mail thread writes on a decided analysis (followers, attachments).
THREAD_PREFIXES = ("message_", "activity_")


class KamAccountAnalysis(models.Model):
    _name = "kam.account.analysis"
    _description = "Key Account Analysis"
    _inherit = ["mail.thread", "kam.number.input.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="cascade",
        domain=["|", ("is_company", "=", True), ("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Analyst",
        required=True,
        default=lambda self: self.env.user,
        check_company=True,
        domain=[("share", "=", False)],
    )
    date = fields.Date(string="Analysis Date", required=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("draft", "To decide"), ("decided", "Decided")],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    was_key_account = fields.Boolean(
        string="Key Account at the Time",
        compute="_compute_was_key_account",
        store=True,
        help="Whether the customer was a key account when the analysis was made; "
        "otherwise it is a candidate.",
    )
    key_account_manager_id = fields.Many2one(
        "res.users",
        compute="_compute_key_account_manager_id",
        store=True,
        readonly=False,
        check_company=True,
        domain=[("share", "=", False)],
        help="Who manages the account if it is promoted: the customer's key account "
        "manager, else its salesperson, until changed.",
    )

    # --- Past ------------------------------------------------------------------------
    sales_volume = fields.Monetary(
        string="Sales Volume (12 Months)", help="Our sales to the customer, untaxed."
    )
    margin_percent = fields.Float(
        string="Profitability (Margin %)", digits=(16, 2), help="Margin of our sales in %."
    )
    our_share = fields.Float(
        string="Our Share of Its Purchases (%)",
        digits=(16, 1),
        help="Our estimated share of what the customer buys in our product range.",
    )
    relationship_years = fields.Float(string="Length of the Relationship (Years)", digits=(16, 1))
    credit_note_share = fields.Float(
        string="Credit-Note Share (%)",
        digits=(16, 2),
        help="Credit notes per 100 invoices in the last 12 months: the measurable side of "
        "the complaints.",
    )

    # --- Present (0-5, 0 = not rated) ------------------------------------------------
    relationship_rating = fields.Integer(string="Relationship Strength")
    image_rating = fields.Integer(string="Image")
    location_rating = fields.Integer(string="Location")
    solvency_rating = fields.Integer(string="Solvency")

    # --- Future (0-5, 0 = not rated) -------------------------------------------------
    growth_rating = fields.Integer(string="Growth Potential")
    predictability_rating = fields.Integer(string="Predictability")
    product_room_rating = fields.Integer(
        string="Room for More Products", help="Products of ours the customer does not buy yet."
    )
    reference_rating = fields.Integer(string="Reference Value")
    learning_rating = fields.Integer(string="Learning Value")

    overall_rating = fields.Float(
        compute="_compute_overall_rating",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Mean of the rated present and future criteria (0 = not rated is left out); "
        "0 when none is rated.",
    )
    rated_count = fields.Integer(
        string="Criteria Rated", compute="_compute_overall_rating", store=True
    )

    # --- Project base and complaints -------------------------------------------------
    project_base = fields.Text(help="The customer's ongoing and expected projects.")
    project_count = fields.Integer(string="Ongoing or Expected Projects")
    complaints = fields.Text()
    complaint_count = fields.Integer(string="Number of Complaints")

    # --- Competitors -----------------------------------------------------------------
    competitor_ids = fields.One2many(
        "kam.account.analysis.competitor", "analysis_id", string="Competitors", copy=True
    )
    our_position = fields.Selection(
        OUR_POSITIONS,
        help="Our place in the customer's supplier portfolio.",
    )
    competitor_share_total = fields.Float(
        string="Competitors' Share (%)",
        compute="_compute_competitor_share_total",
        digits=(16, 1),
    )

    # --- Decision --------------------------------------------------------------------
    decision = fields.Selection(DECISIONS, readonly=True, tracking=True, copy=False)
    decision_reason = fields.Text(string="Reason for the Decision", copy=False)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, copy=False)
    decision_date = fields.Date(readonly=True, copy=False)
    history_ids = fields.One2many(
        "kam.key.account.history",
        "analysis_id",
        string="Key-Account Selection History",
        readonly=True,
        # The history is key-account data: accountants read the analyses' figures only.
        groups="key_account_mgmt.group_kam_user",
    )

    @api.depends("partner_id")
    def _compute_was_key_account(self):
        # Depends on the partner only: the status at the time, not followed afterwards.
        for analysis in self:
            analysis.was_key_account = analysis.partner_id.commercial_partner_id.is_key_account

    @api.depends("partner_id")
    def _compute_key_account_manager_id(self):
        for analysis in self:
            partner = analysis.partner_id.commercial_partner_id
            responsible = (partner.key_account_manager_id | partner.user_id).filtered(
                lambda user, a=analysis: a.company_id in user.company_ids
            )
            analysis.key_account_manager_id = responsible[:1] or analysis.key_account_manager_id

    @api.depends(*RATING_FIELDS)
    def _compute_overall_rating(self):
        for analysis in self:
            rated = [analysis[fname] for fname in RATING_FIELDS if analysis[fname]]
            analysis.rated_count = len(rated)
            analysis.overall_rating = round(sum(rated) / len(rated), 2) if rated else 0.0

    @api.depends("competitor_ids.share")
    def _compute_competitor_share_total(self):
        for analysis in self:
            analysis.competitor_share_total = sum(analysis.competitor_ids.mapped("share"))

    @api.depends("partner_id.name", "date")
    def _compute_display_name(self):
        for analysis in self:
            analysis.display_name = self.env._(
                "%(partner)s, %(date)s",
                partner=analysis.partner_id.name or "",
                date=format_date(self.env, analysis.date) if analysis.date else "",
            )

    # ===================================================================================
    # Checks
    # ===================================================================================
    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for analysis in self:
            commercial = analysis.partner_id.commercial_partner_id
            if analysis.partner_id != commercial:
                raise ValidationError(
                    self.env._(
                        "Analyse the customer %(company)s, not its contact %(contact)s.",
                        company=commercial.display_name,
                        contact=analysis.partner_id.display_name,
                    )
                )

    @api.constrains(*RATING_FIELDS)
    def _check_ratings(self):
        ratings.check_ratings(self, RATING_FIELDS, lambda analysis: analysis.partner_id)

    @api.constrains("project_count", "complaint_count", "relationship_years")
    def _check_counts(self):
        for analysis in self:
            for fname in ("project_count", "complaint_count", "relationship_years"):
                if analysis[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s cannot be negative (%(value)s).",
                            field=self._fields[fname].get_description(self.env)["string"],
                            value=analysis[fname],
                        )
                    )

    @api.constrains("our_share", "competitor_ids")
    def _check_shares(self):
        """Each share is 0-100 % and ours plus the competitors' add up to at most 100 %."""
        for analysis in self:
            shares = [(c.display_name, c.share) for c in analysis.competitor_ids]
            ours = self._fields["our_share"]._description_string(self.env)
            for name, share in [(ours, analysis.our_share), *shares]:
                if not 0 <= share <= 100:
                    raise ValidationError(
                        self.env._(
                            "%(name)s: a share of the customer's purchases is 0-100 %%, "
                            "not %(share)s %%.",
                            name=name,
                            share=share,
                        )
                    )
            competitors = sum(share for _name, share in shares)
            if analysis.our_share + competitors > 100:
                raise ValidationError(
                    self.env._(
                        "The shares of %(partner)s's purchases add up to %(total)s %%: ours "
                        "%(ours)s %% and the competitors' %(competitors)s %% (%(each)s). "
                        "Lower them to 100 %% at most.",
                        partner=analysis.partner_id.display_name,
                        total=round(analysis.our_share + competitors, 2),
                        ours=analysis.our_share,
                        competitors=round(competitors, 2),
                        each=", ".join(f"{name} {share} %" for name, share in shares),
                    )
                )

    def _kam_check_draft(self):
        decided = self.filtered(lambda a: a.state == "decided")
        if decided:
            raise UserError(
                self.env._(
                    "The analysis %(analysis)s is decided and can no longer be changed: "
                    "make a new analysis.",
                    analysis=decided[0].display_name,
                )
            )

    def write(self, vals):
        if any(key in self._fields and not key.startswith(THREAD_PREFIXES) for key in vals):
            self._kam_check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        self._kam_check_draft()

    # ===================================================================================
    # Decision
    # ===================================================================================
    def _kam_check_can_decide(self):
        if not is_kam_manager(self.env):
            raise UserError(
                self.env._(
                    "Only a key account manager can decide on a key-account analysis. "
                    "Fill in the analysis and ask your sales manager to decide."
                )
            )
        self._kam_check_draft()

    def _kam_history_reason(self, decision):
        self.ensure_one()
        label = dict(self._fields["decision"]._description_selection(self.env))[decision]
        text = self.env._(
            "Key-account analysis of %(date)s: %(decision)s",
            date=format_date(self.env, self.date),
            decision=label,
        )
        return f"{text}\n{self.decision_reason}" if self.decision_reason else text

    def _kam_write_selection(self, vals, decision):
        """Write the key-account selection fields of the customer, with the analysis as
        the history's reason, and link the history rows written to the analysis."""
        self.ensure_one()
        partner = self.partner_id
        History = self.env["kam.key.account.history"].sudo()
        last_id = History.search([("partner_id", "=", partner.id)], limit=1, order="id desc").id
        partner.with_context(kam_key_account_reason=self._kam_history_reason(decision)).write(vals)
        History.search([("partner_id", "=", partner.id), ("id", ">", last_id or 0)]).write(
            {"analysis_id": self.id}
        )

    def _kam_record_decision(self, decision):
        self.write(
            {
                "state": "decided",
                "decision": decision,
                "decided_by_id": self.env.user.id,
                "decision_date": fields.Date.context_today(self),
            }
        )

    def action_promote(self):
        """Managers: promote the customer to key account with the analysis' key account
        manager; the key-account history names the analysis as the reason."""
        self._kam_check_can_decide()
        for analysis in self:
            if not analysis.key_account_manager_id:
                raise UserError(
                    self.env._(
                        "Choose the key account manager of %(partner)s on the Decision tab "
                        "before promoting it to key account.",
                        partner=analysis.partner_id.display_name,
                    )
                )
            if not analysis.partner_id.active:
                raise UserError(
                    self.env._(
                        "%(partner)s is archived: restore it before promoting it to key account.",
                        partner=analysis.partner_id.display_name,
                    )
                )
        for analysis in self:
            analysis._kam_write_selection(
                {
                    "is_key_account": True,
                    "key_account_manager_id": analysis.key_account_manager_id.id,
                },
                "promote",
            )
            analysis._kam_record_decision("promote")
        return True

    def action_stop(self):
        """Managers: stop developing the relationship. A key account loses its status,
        as when the key-account review removes it: the KAM stays named on the customer,
        the history row names the analysis."""
        self._kam_check_can_decide()
        for analysis in self:
            if analysis.partner_id.is_key_account:
                analysis._kam_write_selection({"is_key_account": False}, "stop")
            analysis._kam_record_decision("stop")
        return True


class KamKeyAccountHistory(models.Model):
    _inherit = "kam.key.account.history"

    analysis_id = fields.Many2one(
        "kam.account.analysis",
        string="Key-Account Analysis",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
