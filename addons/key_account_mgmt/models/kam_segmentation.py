"""The two-stage segmentation of a customer in one company of ours, ending in a decision:
develop, keep as is or withdraw.

Stage 1 rates strategic importance and the effort to serve, stage 2 attractiveness and
the strength of our relationship (1-5, 0 = not rated). The proposal follows the rule of
``tools/segmentation.py``; the account's salesperson or key account manager, or a
manager, confirms it (or another decision) with ``action_confirm_decision``, and every
confirmation leaves a ``kam.segmentation.history`` row.

Driven from code: ``_kam_get_or_create(partner, company)``, then write the four ratings
and call ``action_confirm_decision(decision=None, reason=None)``.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import ratings
from ..tools import segmentation as rule
from ..tools.access import is_kam_manager
from .res_partner import ABC_CLASSES

RATING_FIELDS = ("importance", "effort", "attractiveness", "relationship")
# Set by the confirmation only (sudo); a user confirms with the button.
CONFIRMED_FIELDS = frozenset(("decision", "decided_by_id", "decision_date"))
RATING_HELP = "1-5, 0 = not rated; 3 or more counts as high."
PROPOSAL_HELP = (
    "Proposed from the ratings. Stage 2 decides first: attractive with a weak "
    "relationship: develop; attractive with a strong relationship: keep as is; less "
    "attractive with a strong relationship: keep as is; less attractive with a weak "
    "relationship: withdraw. Stage 1 then adjusts it when both its ratings are given: a "
    "less important customer that is demanding to serve and not attractive is withdrawn "
    "instead of kept; a strategically important customer is kept as is instead of "
    "withdrawn. A rating of 3 or more counts as high. Without attractiveness and "
    "relationship there is no proposal."
)


class KamSegmentation(models.Model):
    _name = "kam.segmentation"
    _inherit = "kam.number.input.mixin"
    _description = "Customer Segmentation"
    _order = "partner_id, company_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=[("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    key_account_manager_id = fields.Many2one(
        related="partner_id.key_account_manager_id", string="Key Account Manager"
    )
    # The partner's class is company dependent and written by the class engine in SQL:
    # read, grouped and sorted from the partner's column for the row's company
    # (``_field_to_sql``), so it is never stale.
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="Class",
        compute="_compute_abc_class",
        search="_search_abc_class",
        groups="base.group_user",
        help="The customer's final class in the company of this segmentation.",
    )

    # --- Stage 1 ------------------------------------------------------------------------
    importance = fields.Integer(
        string="Strategic Importance", default=0, aggregator=None, help=RATING_HELP
    )
    effort = fields.Integer(string="Effort to Serve", default=0, aggregator=None, help=RATING_HELP)
    stage1_quadrant = fields.Selection(
        rule.STAGE1_QUADRANTS,
        string="Stage 1",
        compute="_compute_quadrants",
        store=True,
        help="Strategic importance against the effort to serve.",
    )
    # --- Stage 2 ------------------------------------------------------------------------
    attractiveness = fields.Integer(default=0, aggregator=None, help=RATING_HELP)
    attractiveness_used = fields.Integer(
        string="Attractiveness in the Proposal",
        compute="_compute_attractiveness_used",
        store=True,
        aggregator=None,
        help="The rated attractiveness; when it is not rated, a value derived from the "
        "customer's data if there is one.",
    )
    attractiveness_source = fields.Selection(
        [("rated", "Rated")],
        string="Attractiveness From",
        compute="_compute_attractiveness_used",
        store=True,
    )
    relationship = fields.Integer(
        string="Strength of Relationship", default=0, aggregator=None, help=RATING_HELP
    )
    stage2_quadrant = fields.Selection(
        rule.STAGE2_QUADRANTS,
        string="Stage 2",
        compute="_compute_quadrants",
        store=True,
        help="Attractiveness of the customer against the strength of our relationship.",
    )

    # --- Decision -----------------------------------------------------------------------
    proposed_decision = fields.Selection(
        rule.DECISIONS,
        string="Proposal",
        compute="_compute_quadrants",
        store=True,
        index=True,
        help=PROPOSAL_HELP,
    )
    chosen_decision = fields.Selection(
        rule.DECISIONS,
        string="Decision to Confirm",
        copy=False,
        help="Leave empty to confirm the proposal.",
    )
    decision = fields.Selection(
        rule.DECISIONS, readonly=True, copy=False, index=True, help="The confirmed decision."
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, copy=False)
    decision_date = fields.Datetime(string="Decided on", readonly=True, copy=False)
    decision_reason = fields.Text(
        string="Reason", copy=False, help="Why this decision; required to withdraw."
    )
    proposal_differs = fields.Boolean(
        string="Proposal Differs from Decision",
        compute="_compute_proposal_differs",
        store=True,
    )
    history_ids = fields.One2many(
        "kam.segmentation.history", "segmentation_id", string="Decision History", readonly=True
    )
    can_decide = fields.Boolean(
        compute="_compute_can_decide",
        help="The account's salesperson or key account manager, or a manager.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one segmentation per company: open the existing one.",
        ),
    ]

    # ===================================================================================
    # Class from the partner, per row's company
    # ===================================================================================
    @api.depends("partner_id", "company_id")
    def _compute_abc_class(self):
        for seg in self:
            seg.abc_class = seg.partner_id.with_company(seg.company_id).sudo().abc_class

    def _kam_class_sql(self, alias):
        """The partner's final class in the row's company, as SQL on table ``alias``."""
        partner_class = self.env["res.partner"]._fields["abc_class"]
        return SQL(
            "(SELECT %s ->> %s::text FROM res_partner p WHERE p.id = %s)",
            SQL.identifier("p", "abc_class", to_flush=partner_class),
            SQL.identifier(alias, "company_id", to_flush=self._fields["company_id"]),
            SQL.identifier(alias, "partner_id", to_flush=self._fields["partner_id"]),
        )

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        if fname == "abc_class":
            self.check_field_access_rights("read", [fname])
            return self._kam_class_sql(alias)
        return super()._field_to_sql(alias, fname, query=query, flush=flush)

    def _search_abc_class(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Search the class with =, !=, in or not in."))
        values = value if isinstance(value, (list, tuple)) else [value]
        classes = [v for v in values if v]
        conditions = []
        if classes:
            conditions.append(SQL("%s IN %s", self._kam_class_sql("s"), tuple(classes)))
        if len(classes) < len(values):
            conditions.append(SQL("%s IS NULL", self._kam_class_sql("s")))
        if not conditions:
            conditions.append(SQL("FALSE"))
        subquery = SQL(
            "(SELECT s.id FROM kam_segmentation s WHERE %s)", SQL(" OR ").join(conditions)
        )
        return [("id", "in" if operator in ("=", "in") else "not in", subquery)]

    # ===================================================================================
    # Ratings, quadrants, proposal
    # ===================================================================================
    @api.constrains(*RATING_FIELDS)
    def _check_ratings(self):
        ratings.check_ratings(self, RATING_FIELDS, lambda seg: seg.partner_id)

    @api.constrains("partner_id", "company_id")
    def _check_partner(self):
        for seg in self:
            if seg.partner_id != seg.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Segment the company %(company)s, not its contact %(contact)s.",
                        company=seg.partner_id.commercial_partner_id.display_name,
                        contact=seg.partner_id.display_name,
                    )
                )
        rows = self.sudo()._read_group(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ],
            ["partner_id", "company_id"],
            ["__count"],
        )
        for partner, company, count in rows:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(partner)s already has a segmentation in %(company)s: open it "
                        "from the customer's Key account tab.",
                        partner=partner.display_name,
                        company=company.name,
                    )
                )

    def _kam_derived_attractiveness(self):
        """An attractiveness (1-5) derived from the customer's data for this unrated
        segmentation, with its source, or (0, False). Extended by customer_scoring (the
        customer score)."""
        self.ensure_one()
        return 0, False

    @api.depends("attractiveness")
    def _compute_attractiveness_used(self):
        for seg in self:
            if seg.attractiveness:
                seg.attractiveness_used = seg.attractiveness
                seg.attractiveness_source = "rated"
            else:
                value, source = seg._kam_derived_attractiveness()
                seg.attractiveness_used = value
                seg.attractiveness_source = source if value else False

    @api.depends("importance", "effort", "attractiveness_used", "relationship")
    def _compute_quadrants(self):
        for seg in self:
            seg.stage1_quadrant = rule.stage1_quadrant(seg.importance, seg.effort)
            seg.stage2_quadrant = rule.stage2_quadrant(seg.attractiveness_used, seg.relationship)
            seg.proposed_decision = rule.proposed_decision(
                seg.importance, seg.effort, seg.attractiveness_used, seg.relationship
            )

    @api.depends("decision", "proposed_decision")
    def _compute_proposal_differs(self):
        for seg in self:
            seg.proposal_differs = bool(
                seg.decision and seg.proposed_decision and seg.decision != seg.proposed_decision
            )

    # ===================================================================================
    # Who decides
    # ===================================================================================
    def _kam_is_owner(self, user):
        """Whether ``user`` is the salesperson or the key account manager of the account."""
        self.ensure_one()
        account = self.partner_id.commercial_partner_id
        return user in (account.user_id | account.key_account_manager_id)

    def _kam_may_decide(self):
        self.ensure_one()
        return is_kam_manager(self.env) or self._kam_is_owner(self.env.user)

    @api.depends_context("uid")
    @api.depends("partner_id.user_id", "partner_id.key_account_manager_id")
    def _compute_can_decide(self):
        for seg in self:
            seg.can_decide = seg._kam_may_decide()

    def _kam_check_may_decide(self):
        for seg in self:
            if not seg._kam_may_decide():
                account = seg.partner_id.commercial_partner_id
                owners = account.user_id | account.key_account_manager_id
                raise UserError(
                    self.env._(
                        "Only the salesperson or the key account manager of %(partner)s "
                        "(%(owners)s) or a key account manager can decide on it.",
                        partner=account.display_name,
                        owners=", ".join(owners.mapped("name")) or self.env._("nobody yet"),
                    )
                )

    # ===================================================================================
    # CRUD
    # ===================================================================================
    @api.model_create_multi
    def create(self, vals_list):
        # The unique index would refuse a second row with a database error: say it first.
        company_id = self.env.company.id
        pairs = [
            (vals.get("partner_id"), vals.get("company_id") or company_id) for vals in vals_list
        ]
        existing = (
            self.sudo()
            .search([("partner_id", "in", [p for p, _c in pairs if p])], order="id")
            .filtered(lambda seg: (seg.partner_id.id, seg.company_id.id) in pairs)
        )
        if existing or len(set(pairs)) < len(pairs):
            seg = existing[:1]
            raise ValidationError(
                self.env._(
                    "%(partner)s already has a segmentation in %(company)s: open it "
                    "from the customer's Key account tab.",
                    partner=seg.partner_id.display_name if seg else "",
                    company=seg.company_id.name if seg else "",
                )
                if seg
                else self.env._("A customer has one segmentation per company.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and CONFIRMED_FIELDS & vals.keys():
            raise UserError(self.env._("Confirm a decision with the Confirm decision button."))
        return super().write(vals)

    @api.model
    def _kam_get_or_create(self, partner, company=None):
        """The segmentation of ``partner``'s company (commercial partner) in ``company``
        (default: the current company), created empty if there is none."""
        account = partner.commercial_partner_id
        company = company or self.env.company
        seg = self.search(
            [("partner_id", "=", account.id), ("company_id", "=", company.id)], limit=1
        )
        return seg or self.create({"partner_id": account.id, "company_id": company.id})

    # ===================================================================================
    # Confirmation
    # ===================================================================================
    def action_confirm_decision(self, decision=None, reason=None):
        """Confirm ``decision`` (default: the decision chosen on the form, else the
        proposal) with ``reason`` (default: the reason on the form).

        The account's salesperson or key account manager, or a manager, may; withdraw
        needs a reason. Everything is checked before anything is written; each
        confirmation writes a history row (also when it re-confirms the same decision).
        """
        self._kam_check_may_decide()
        plans = []
        for seg in self:
            new = decision or seg.chosen_decision or seg.proposed_decision
            if not new:
                raise UserError(
                    self.env._(
                        "%(partner)s has no proposal yet: rate its attractiveness and the "
                        "strength of the relationship, or choose the decision to confirm.",
                        partner=seg.partner_id.display_name,
                    )
                )
            if new not in dict(rule.DECISIONS):
                raise UserError(self.env._("Unknown decision %(d)s.", d=new))
            text = (seg.decision_reason if reason is None else reason) or ""
            if new == rule.WITHDRAW and not text.strip():
                raise UserError(
                    self.env._(
                        "Give the reason to withdraw from %(partner)s before confirming.",
                        partner=seg.partner_id.display_name,
                    )
                )
            plans.append((seg, new, text.strip() or False))
        now = fields.Datetime.now()
        history = []
        for seg, new, text in plans:
            history.append(
                {
                    "segmentation_id": seg.id,
                    "date": now,
                    "user_id": self.env.uid,
                    "old_decision": seg.decision or False,
                    "new_decision": new,
                    "proposed_decision": seg.proposed_decision or False,
                    "importance": seg.importance,
                    "effort": seg.effort,
                    "attractiveness": seg.attractiveness_used,
                    "attractiveness_derived": seg.attractiveness_source not in (False, "rated"),
                    "relationship": seg.relationship,
                    "reason": text,
                }
            )
            seg.sudo().write(
                {
                    "decision": new,
                    "decided_by_id": self.env.uid,
                    "decision_date": now,
                    "decision_reason": text,
                    "chosen_decision": False,
                }
            )
        self.env["kam.segmentation.history"].sudo().create(history)
        return True


class KamSegmentationHistory(models.Model):
    _name = "kam.segmentation.history"
    _description = "Customer Segmentation Decision History"
    _order = "date desc, id desc"
    _rec_name = "segmentation_id"

    segmentation_id = fields.Many2one(
        "kam.segmentation", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        related="segmentation_id.partner_id", string="Customer", store=True, index=True
    )
    company_id = fields.Many2one(related="segmentation_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    old_decision = fields.Selection(rule.DECISIONS, string="Previous Decision", readonly=True)
    new_decision = fields.Selection(rule.DECISIONS, string="Decision", readonly=True)
    proposed_decision = fields.Selection(
        rule.DECISIONS, string="Proposal at the Time", readonly=True
    )
    importance = fields.Integer(string="Strategic Importance", readonly=True, aggregator=None)
    effort = fields.Integer(string="Effort to Serve", readonly=True, aggregator=None)
    attractiveness = fields.Integer(readonly=True, aggregator=None)
    attractiveness_derived = fields.Boolean(
        string="Derived Attractiveness",
        readonly=True,
        help="Not rated: derived from the customer's data (the customer score).",
    )
    relationship = fields.Integer(string="Strength of Relationship", readonly=True, aggregator=None)
    reason = fields.Text(readonly=True)
