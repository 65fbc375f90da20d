import json
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, format_date, formatLang, get_lang, split_every

from .kam_activity import (
    close_activities,
    close_outdated_reminders,
    in_lang_of,
    schedule_activity_once,
)

ORG_LEVELS = [
    ("strategic", "Strategic"),
    ("tactical", "Tactical"),
    ("operational", "Operational"),
]
ABC_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]
RELATIONSHIP_TYPES = [
    ("partner", "Partner"),
    ("friend", "Friend"),
    ("acquaintance", "Acquaintance"),
    ("competitor", "Competitor"),
]
RATING_FIELDS = (
    "kam_reference_value",
    "kam_network_value",
    "kam_emotional_value",
    "kam_learning_value",
    "kam_regularity_value",
)
# Fields that hold the class of a partner; writes to them go through _kam_sync_final_class.
# Selecting key accounts and naming their KAM is a manager's decision.
SELECTION_FIELDS = ("is_key_account", "key_account_manager_id")
CLASS_FIELDS = ("abc_class", "abc_class_computed", "abc_class_manual")
# Fields the criteria rule reads from the partner: changing them recomputes the class.
CRITERIA_FIELDS = ("customer_turnover", "kam_turnover_currency_id", "installer_count")
RECOMPUTE_BATCH = 5000
CRON_CHUNK = 20000
CRON_CURSOR_PARAM = "key_account_mgmt.class_recompute_cursor"
MANAGER_GROUP = "key_account_mgmt.group_kam_manager"
REVIEW_KEY_ACCOUNT_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_review_key_account"
SWOT_OVERDUE_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_swot_overdue"
# A manager who keeps a key account below the criteria silences the review for a year.
REVIEW_KEEP_MONTHS = 12
# Contacts should span several levels of the customer's organisation.
MIN_ORG_LEVELS = 2
# Meetings with any contact of the account, last 12 months, not declined, not archived.
MEETINGS_HELD_QUERY = """
SELECT contact.commercial_partner_id, COUNT(DISTINCT e.id)
  FROM calendar_event e
  JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = e.id
  JOIN res_partner contact ON contact.id = rel.res_partner_id
 WHERE e.active
   AND e.start < %(now)s AND e.start >= %(now)s - interval '12 months'
   AND contact.commercial_partner_id = ANY(%(partner_ids)s)
   AND NOT EXISTS (
       SELECT 1 FROM calendar_attendee att
        WHERE att.event_id = e.id AND att.partner_id = contact.id AND att.state = 'declined')
 GROUP BY 1
"""


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_turnover = fields.Monetary(
        string="Customer's Own Turnover",
        currency_field="kam_turnover_currency_id",
        groups="base.group_user",
        help="The customer's own annual turnover, as reported by the customer.",
    )
    kam_turnover_currency_id = fields.Many2one(
        "res.currency",
        string="Turnover Currency",
        default=lambda self: (
            self.env.ref("base.EUR", raise_if_not_found=False) or self.env.company.currency_id
        ),
    )
    installer_count = fields.Integer(
        string="Installers",
        groups="base.group_user",
        help="Number of the customer's own field staff (installers).",
    )
    is_key_account = fields.Boolean(string="Key Account", tracking=True, groups="base.group_user")
    key_account_manager_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        tracking=True,
        groups="base.group_user",
        domain=[("share", "=", False)],
    )
    kam_stakeholder_group_id = fields.Many2one(
        "kam.stakeholder.group", string="Stakeholder Group", groups="base.group_user"
    )
    kam_org_level = fields.Selection(
        ORG_LEVELS, string="Organisation Level", groups="base.group_user"
    )

    # --- ABC class, per company of ours -------------------------------------------------
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="Class",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Final class in the current company: the approved manual class if there is "
        "one, else the computed class.",
    )
    abc_class_computed = fields.Selection(
        ABC_CLASSES,
        string="Computed Class",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Class given by the company's classification rule.",
    )
    abc_class_manual = fields.Selection(
        ABC_CLASSES,
        string="Manual Class",
        company_dependent=True,
        copy=False,
        groups="base.group_user",
        help="Override set by a key account manager; it wins over the computed class.",
    )
    # Not stored: the rule's sentences are built when shown, for the partners shown, from
    # the same inputs the last recompute used (building and storing them for every
    # customer took most of a classification run on 100,000 customers).
    abc_class_reason = fields.Text(
        string="Reason of the Computed Class",
        compute="_compute_abc_class_reason",
        groups="base.group_user",
    )
    abc_class_explanation = fields.Text(
        string="Why this class",
        compute="_compute_abc_class_explanation",
        groups="base.group_user",
    )
    abc_class_history_ids = fields.One2many(
        "kam.abc.class.history", "partner_id", string="Class History", groups="base.group_user"
    )
    kam_class_proposal_ids = fields.One2many(
        "kam.class.proposal", "partner_id", string="Class Proposals", groups="base.group_user"
    )
    kam_pending_proposal_count = fields.Integer(
        compute="_compute_kam_pending_proposal_count", groups="base.group_user"
    )

    # --- Relationship and evaluative value --------------------
    kam_relationship_type = fields.Selection(
        RELATIONSHIP_TYPES,
        string="Relationship Type",
        groups="base.group_user",
        help="From the value of the cooperation and the alignment of goals: partner (high "
        "value, aligned goals), friend (aligned, small value), acquaintance (small "
        "resources), competitor (to be ended).",
    )
    kam_reference_value = fields.Integer(
        string="Reference Value",
        groups="base.group_user",
        help="1-5, 0 = not rated: known, successful, would recommend us.",
    )
    kam_network_value = fields.Integer(
        string="Contact Network Value",
        groups="base.group_user",
        help="1-5, 0 = not rated: part of a larger group, opens doors.",
    )
    kam_emotional_value = fields.Integer(
        string="Emotional Value",
        groups="base.group_user",
        help="1-5, 0 = not rated: trust and pleasant cooperation.",
    )
    kam_learning_value = fields.Integer(
        string="Learning Value",
        groups="base.group_user",
        help="1-5, 0 = not rated: top of its field, we learn from it.",
    )
    kam_regularity_value = fields.Integer(
        string="Regularity",
        groups="base.group_user",
        help="1-5, 0 = not rated: regular, predictable orders.",
    )

    # --- Key account follow-up ---------------------------------------------------------
    kam_key_account_history_ids = fields.One2many(
        "kam.key.account.history",
        "partner_id",
        string="Selection History",
        groups="base.group_user",
    )
    kam_swot_item_ids = fields.One2many(
        "kam.swot.item", "partner_id", string="SWOT", groups="base.group_user"
    )
    kam_swot_last_date = fields.Date(
        string="SWOT Last Reviewed", compute="_compute_kam_swot", groups="base.group_user"
    )
    kam_swot_overdue = fields.Boolean(
        string="SWOT Overdue",
        compute="_compute_kam_swot",
        search="_search_kam_swot_overdue",
        groups="base.group_user",
    )
    kam_meeting_status_ids = fields.One2many(
        "kam.meeting.status", "partner_id", string="Meeting Status", groups="base.group_user"
    )
    kam_meetings_behind = fields.Boolean(
        string="Behind Meeting Targets",
        compute="_compute_kam_meetings_behind",
        search="_search_kam_meetings_behind",
        groups="base.group_user",
    )
    kam_account_plan_ids = fields.One2many(
        "kam.account.plan", "partner_id", string="Account Plans", groups="base.group_user"
    )
    kam_current_plan_id = fields.Many2one(
        "kam.account.plan",
        string="Current Account Plan",
        compute="_compute_kam_current_plan_id",
        groups="base.group_user",
    )
    kam_overserved = fields.Boolean(
        string="Over-served",
        compute="_compute_kam_overserved",
        search="_search_kam_overserved",
        groups="base.group_user",
        help="A key account of class B or C that gets more effort than its value: more "
        "meetings in 12 months than the company's factor times its class's meeting targets, "
        "or more resource hours per month in its active account plan than the company's "
        "limit for the class (Key Accounts settings).",
    )
    kam_overserved_reason = fields.Text(
        string="Why over-served", compute="_compute_kam_overserved", groups="base.group_user"
    )
    kam_review_key_account = fields.Boolean(
        string="Review key-account status",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
        help="Set by the daily check when a key account no longer meets the selection "
        "criteria: decide to keep it or to remove the key-account status.",
    )
    # Not stored: the criteria of the current company only, in its currency and in the
    # reader's language (one text about several companies mixed currencies).
    kam_review_key_account_reason = fields.Text(
        string="Why review",
        compute="_compute_kam_review_key_account_reason",
        groups="base.group_user",
    )
    kam_review_keep_until = fields.Date(
        string="Kept as key account until",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="A manager kept this key account although it is below the criteria; the "
        "daily check does not flag it again before this date.",
    )
    kam_org_level_count = fields.Integer(
        string="Organisation levels covered",
        compute="_compute_kam_org_levels",
        groups="base.group_user",
        help="Distinct organisation levels (strategic, tactical, operational) of the "
        "customer's contacts.",
    )
    kam_org_level_warning = fields.Boolean(
        string="Contacts on too few levels",
        compute="_compute_kam_org_levels",
        search="_search_kam_org_level_warning",
        groups="base.group_user",
        help="A key account whose contacts cover fewer than 2 organisation levels.",
    )
    kam_service_level_text = fields.Text(
        string="Service level",
        compute="_compute_kam_service_level_text",
        groups="base.group_user",
        help="What customers of this class get in the current company (scope, response "
        "time, priority, visits).",
    )

    # ===================================================================================
    # Constraints
    # ===================================================================================
    @api.constrains(*RATING_FIELDS)
    def _check_kam_ratings(self):
        for partner in self:
            for fname in RATING_FIELDS:
                if not 0 <= (partner[fname] or 0) <= 5:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(partner)s must be between 1 and 5 "
                            "(0 = not rated), not %(value)s.",
                            field=self._fields[fname].string,
                            partner=partner.display_name,
                            value=partner[fname],
                        )
                    )

    @api.constrains("customer_turnover", "installer_count")
    def _check_kam_size(self):
        for partner in self:
            if (partner.customer_turnover or 0) < 0 or (partner.installer_count or 0) < 0:
                raise ValidationError(
                    self.env._(
                        "The turnover and the installer count of %(partner)s cannot be negative.",
                        partner=partner.display_name,
                    )
                )

    # ===================================================================================
    # Computes
    # ===================================================================================
    @api.depends_context("company")
    @api.depends("abc_class_computed", *CRITERIA_FIELDS)
    def _compute_abc_class_reason(self):
        """The criteria rule's reason for the computed class, in the user's language.

        Only partners that have a computed class get one. If the rule's inputs changed
        since the class was computed (thresholds edited, say), the reason says so."""
        ids = [p._origin.id for p in self if p._origin.id and p.abc_class_computed]
        values = {}
        if ids:
            values = self.sudo()._kam_compute_class_values(
                self.env.company, self.sudo().browse(ids)
            )
        for partner in self:
            letter, reason = values.get(partner._origin.id, (None, None))
            if reason and letter != partner.abc_class_computed:
                reason += "\n" + self.env._(
                    "The rule now gives class %(letter)s; the computed class %(computed)s "
                    "changes at the next recompute.",
                    letter=letter,
                    computed=partner.abc_class_computed,
                )
            partner.abc_class_reason = reason or False

    @api.depends_context("company")
    @api.depends("abc_class", "abc_class_computed", "abc_class_manual", "abc_class_reason")
    def _compute_abc_class_explanation(self):
        for partner in self:
            if not partner.abc_class:
                partner.abc_class_explanation = self.env._("Not classified yet in this company.")
                continue
            lines = []
            if partner.abc_class_manual:
                lines.append(
                    self.env._(
                        "Class %(final)s: manual class, set or approved by a key account "
                        "manager; it overrides the computed class %(computed)s.",
                        final=partner.abc_class,
                        computed=partner.abc_class_computed or "-",
                    )
                )
            else:
                lines.append(
                    self.env._("Class %(final)s = the computed class.", final=partner.abc_class)
                )
            if partner.abc_class_reason:
                lines.append(partner.abc_class_reason)
            partner.abc_class_explanation = "\n".join(lines)

    @api.depends_context("company")
    @api.depends("kam_class_proposal_ids.state")
    def _compute_kam_pending_proposal_count(self):
        counts = dict(
            self.env["kam.class.proposal"]._read_group(
                [
                    ("partner_id", "in", self._origin.ids),
                    ("state", "=", "pending"),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.kam_pending_proposal_count = counts.get(partner._origin, 0)

    @api.depends_context("company")
    @api.depends("kam_swot_item_ids.date")
    def _compute_kam_swot(self):
        last_dates = self.env["kam.swot.item"]._kam_last_dates(self._origin.ids)
        limit = self.env["kam.swot.item"]._kam_overdue_limit()
        for partner in self:
            last = last_dates.get(partner._origin.id)
            partner.kam_swot_last_date = last
            partner.kam_swot_overdue = bool(last and last <= limit)

    def _search_kam_swot_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on SWOT Overdue."))
        overdue_ids = self.env["kam.swot.item"]._kam_overdue_partner_ids()
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", overdue_ids)]

    @api.depends_context("company")
    def _compute_kam_meetings_behind(self):
        behind = set(self.env["kam.meeting.status"]._kam_behind_partner_ids(self._origin.ids))
        for partner in self:
            partner.kam_meetings_behind = partner._origin.id in behind

    def _search_kam_meetings_behind(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Behind Meeting Targets."))
        behind_ids = self.env["kam.meeting.status"]._kam_behind_partner_ids()
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", behind_ids)]

    @api.depends_context("company")
    @api.depends("is_key_account", "abc_class")
    def _compute_kam_overserved(self):
        reasons = self._kam_overserved_reasons(self.env.company, self._origin.ids)
        for partner in self:
            reason = reasons.get(partner._origin.id)
            partner.kam_overserved = bool(reason)
            partner.kam_overserved_reason = reason or False

    def _search_kam_overserved(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Over-served."))
        overserved_ids = list(self._kam_overserved_reasons(self.env.company))
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", overserved_ids)]

    @api.depends("child_ids.kam_org_level", "child_ids.active", "is_key_account")
    def _compute_kam_org_levels(self):
        counts = self._kam_org_level_counts(self._origin.ids)
        for partner in self:
            count = counts.get(partner._origin.id, 0)
            partner.kam_org_level_count = count
            partner.kam_org_level_warning = partner.is_key_account and count < MIN_ORG_LEVELS

    def _search_kam_org_level_warning(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Contacts on too few levels."))
        counts = self._kam_org_level_counts()
        covered = [pid for pid, count in counts.items() if count >= MIN_ORG_LEVELS]
        warning = [("is_key_account", "=", True), ("id", "not in", covered)]
        if (operator == "=") == value:
            return warning
        return ["!", "&", *warning]

    @api.model
    def _kam_org_level_counts(self, partner_ids=None):
        """``{commercial partner id: distinct organisation levels of its contacts}``.

        One grouped query; without ``partner_ids`` it covers every key account.
        """
        domain = [("kam_org_level", "!=", False), ("parent_id", "!=", False)]
        if partner_ids is None:
            domain.append(("commercial_partner_id.is_key_account", "=", True))
        else:
            domain.append(("commercial_partner_id", "in", list(partner_ids)))
        counts = defaultdict(int)
        for commercial, _level in self.sudo()._read_group(
            domain, ["commercial_partner_id", "kam_org_level"]
        ):
            counts[commercial.id] += 1
        return dict(counts)

    @api.depends_context("company", "lang")
    @api.depends("abc_class")
    def _compute_kam_service_level_text(self):
        # sudo: every internal user who serves the customer sees what its class gets.
        levels = {
            level.abc_class: level.summary
            for level in self.env["kam.service.level"]
            .sudo()
            .search([("company_id", "=", self.env.company.id)])
        }
        for partner in self:
            partner.kam_service_level_text = levels.get(partner.abc_class, False)

    @api.depends_context("company")
    @api.depends(
        "kam_account_plan_ids.state",
        "kam_account_plan_ids.date_start",
        "kam_account_plan_ids.date_end",
    )
    def _compute_kam_current_plan_id(self):
        """The plan of the current company whose period covers today, the active one
        before a draft (the latest start first); else the active plan, whatever its
        period. Closed plans are never current."""
        today = fields.Date.context_today(self)
        plans = self.env["kam.account.plan"].search(
            [
                ("partner_id", "in", self._origin.ids),
                ("state", "in", ("active", "draft")),
                ("company_id", "=", self.env.company.id),
            ],
            order="date_start desc, id desc",
        )

        def rank(plan):
            covers = plan.date_start <= today and (not plan.date_end or plan.date_end >= today)
            if covers:
                return 0 if plan.state == "active" else 1
            return 2 if plan.state == "active" else None

        by_partner = {}
        for plan in plans:
            plan_rank = rank(plan)
            best = by_partner.get(plan.partner_id.id)
            if plan_rank is not None and (best is None or plan_rank < best[0]):
                by_partner[plan.partner_id.id] = (plan_rank, plan)
        for partner in self:
            best = by_partner.get(partner._origin.id)
            partner.kam_current_plan_id = best[1] if best else False

    # ===================================================================================
    # ORM overrides
    # ===================================================================================
    @api.model_create_multi
    def create(self, vals_list):
        class_vals = [v for v in vals_list if set(CLASS_FIELDS) & v.keys()]
        internal = self.env.context.get("kam_class_sync")
        if class_vals and not internal:
            self._kam_check_class_write_access()
            vals_list = [self._kam_final_as_manual(v) for v in vals_list]
        if any(v.get(f) for v in vals_list for f in SELECTION_FIELDS):
            self._kam_check_selection_access()
        partners = super().create(vals_list)
        keyed = partners.filtered("is_key_account")
        if keyed:
            keyed._kam_log_key_account_changes({p.id: False for p in keyed})
        if class_vals and not internal:
            partners._kam_sync_final_class({p.id: False for p in partners}, source="manual")
        if not self.env.context.get("kam_skip_class_recompute") and any(
            CRITERIA_FIELDS[0] in v or CRITERIA_FIELDS[2] in v for v in vals_list
        ):
            self._kam_recompute_abc_classes(partners=partners)
        return partners

    @api.model
    def _kam_final_as_manual(self, vals):
        """Setting the final class by hand is a manual override."""
        if "abc_class" not in vals:
            return vals
        vals = dict(vals)
        final = vals.pop("abc_class")
        vals.setdefault("abc_class_manual", final)
        return vals

    def write(self, vals):
        class_keys = set(CLASS_FIELDS) & vals.keys()
        internal = self.env.context.get("kam_class_sync")
        old_final = {}
        if class_keys and not internal:
            self._kam_check_class_write_access()
            vals = self._kam_final_as_manual(vals)
            old_final = {p.id: p.abc_class for p in self}
        if self._kam_selection_changes(vals):
            self._kam_check_selection_access()
        old_key = {p.id: p.is_key_account for p in self} if "is_key_account" in vals else {}
        dropped = self.browse()
        if "is_key_account" in vals and not vals["is_key_account"]:
            # A removed key account needs no status review any more.
            dropped = self.filtered("kam_review_key_account")
            vals = dict(
                vals,
                kam_review_key_account=False,
                kam_review_keep_until=False,
            )
        old_kam = (
            {p.id: p.key_account_manager_id for p in self}
            if "key_account_manager_id" in vals
            else {}
        )
        res = super().write(vals)
        if class_keys and not internal:
            source = "computed" if class_keys == {"abc_class_computed"} else "manual"
            self._kam_sync_final_class(
                old_final,
                source=self.env.context.get("kam_class_source", source),
                reason=self.env.context.get("kam_class_reason"),
            )
        if old_key or old_kam:
            self._kam_log_key_account_changes(old_key, old_kam)
        if dropped:
            close_activities(
                dropped,
                REVIEW_KEY_ACCOUNT_ACTIVITY,
                feedback=lambda act: act.env._("Key account removed"),
            )
        if set(CRITERIA_FIELDS) & vals.keys() and not self.env.context.get(
            "kam_skip_class_recompute"
        ):
            self._kam_recompute_abc_classes(partners=self)
        return res

    def _kam_selection_changes(self, vals):
        """Whether ``vals`` changes the key-account status or the KAM of a partner.

        Rewriting the same values (as the web client does on save) is no change.
        """
        if "is_key_account" in vals and any(
            p.is_key_account != bool(vals["is_key_account"]) for p in self
        ):
            return True
        if "key_account_manager_id" in vals:
            new_kam = vals["key_account_manager_id"] or False
            return any(p.key_account_manager_id.id != new_kam for p in self)
        return False

    def _kam_check_selection_access(self):
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only a key account manager can select key accounts or change their key "
                "account manager. Ask your sales manager, or propose the account in the "
                "chatter."
            )
        )

    def _kam_check_class_write_access(self):
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only a key account manager can set the class of a customer. "
                "Use 'Propose class' to ask a manager for a change."
            )
        )

    # ===================================================================================
    # Classification: hooks of the contract
    # ===================================================================================
    @api.model
    def _kam_yearly_purchases(self, company, partners):
        """Yearly purchases from us per commercial partner, in the company currency.

        Returns ``{commercial partner id: amount}``. The base module has no sales data
        and returns an empty dict (everyone has zero); customer_scoring overrides it with
        the revenue of the last 12 months from posted invoices.
        """
        return {}

    @api.model
    def _kam_turnovers_in_company_currency(self, company, partners):
        """Customer turnover converted to the company currency at today's rate.

        Returns ``{partner id: amount}`` for the partners that have a turnover entered;
        read with one query, one conversion rate per currency, not per partner.
        """
        if not partners:
            return {}
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            """SELECT id, customer_turnover, kam_turnover_currency_id FROM res_partner
                WHERE id = ANY(%s) AND customer_turnover <> 0""",
            [partners.ids],
        )
        return self._kam_convert_turnovers(company, self.env.cr.fetchall())

    @api.model
    def _kam_convert_turnovers(self, company, rows):
        """``{partner id: amount in the company currency}`` from rows ``(partner id,
        turnover, turnover currency id)`` with a turnover; one rate per currency."""
        today = fields.Date.context_today(self)
        Currency = self.env["res.currency"]
        target = company.currency_id
        rates = {}
        result = {}
        for partner_id, amount, currency_id in rows:
            currency_id = currency_id or target.id
            if currency_id not in rates:
                rates[currency_id] = Currency.browse(currency_id)._get_conversion_rate(
                    Currency.browse(currency_id), target, company, today
                )
            result[partner_id] = target.round(float(amount) * rates[currency_id])
        return result

    @api.model
    def _kam_class_inputs(self, company, partners):
        """The three inputs of the criteria rule per partner, set-based:
        ``{partner id: {"turnover", "installers", "purchases"}}``, None when missing."""
        if not partners:
            return {}
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            """SELECT id, commercial_partner_id, installer_count, customer_turnover,
                      kam_turnover_currency_id
                 FROM res_partner WHERE id = ANY(%s)""",
            [partners.ids],
        )
        rows = self.env.cr.fetchall()
        purchases = self._kam_yearly_purchases(company, partners)
        turnovers = self._kam_convert_turnovers(
            company, [(pid, amount, cur) for pid, _c, _i, amount, cur in rows if amount]
        )
        return {
            partner_id: {
                "turnover": turnovers.get(partner_id),
                "installers": installers or None,
                "purchases": purchases.get(commercial_id or partner_id) or None,
            }
            for partner_id, commercial_id, installers, _amount, _currency in rows
        }

    @api.model
    def _kam_class_thresholds(self, company):
        """``{letter: (turnover, installers, purchases)}``: the company's thresholds."""
        return {
            letter: tuple(
                company[f"kam_{letter.lower()}_min_{name}"]
                for name in ("turnover", "installers", "purchases")
            )
            for letter in ("A", "B")
        }

    @api.model
    def _kam_compute_class_values(self, company, partners, with_reason=True):
        """Seed-004 criteria rule: ``{partner id: (class letter, reason text)}``.

        A criterion of a class holds when the customer's value is strictly above the
        company's threshold for that class; a missing value never holds. The customer
        gets the highest class (A, then B) for which enough criteria hold (2 of 3, or all
        3 when the company demands it); otherwise C. ``with_reason=False`` leaves the
        reason out (None): a recompute needs only the letters, the sentences are built
        for the partners shown or logged.
        """
        inputs = self._kam_class_inputs(company, partners)
        needed = 3 if company.kam_class_rule_mode == "all_three" else 2
        thresholds = self._kam_class_thresholds(company)
        rule = self._kam_reason_context(company, needed, thresholds) if with_reason else None
        ordered = [(letter, *thresholds[letter]) for letter in ("A", "B")]
        result = {}
        for partner_id, values in inputs.items():
            turnover, installers = values["turnover"], values["installers"]
            purchases = values["purchases"]
            chosen = "C"
            # Plain comparisons: this loop runs for every customer of a company.
            for letter, min_turnover, min_installers, min_purchases in ordered:
                held = (
                    (turnover is not None and turnover > min_turnover)
                    + (installers is not None and installers > min_installers)
                    + (purchases is not None and purchases > min_purchases)
                )
                if held >= needed:
                    chosen = letter
                    break
            reason = None
            if with_reason:
                reason = self._kam_class_reason_text(rule, values, chosen)
            result[partner_id] = (chosen, reason)
        return result

    @api.model
    def _kam_reason_context(self, company, needed, thresholds):
        """What the reasons of one company share, formatted once per call: the heads, and
        per class each criterion's label, threshold (as text too), formatter and sentence
        for a missing value. Formatting them again for every partner was half the time
        of the reasons of a first classification."""
        texts = self._kam_rule_texts()
        money = self._kam_money_formatter(company.currency_id)
        labels = (
            (texts["turnover"], money),
            (texts["installers"], str),
            (texts["purchases"], money),
        )
        criteria = {
            letter: [
                (
                    label,
                    limit,
                    show(limit),
                    texts["missing"] % {"label": label, "threshold": show(limit)},
                )
                for (label, show), limit in zip(labels, thresholds[letter], strict=True)
            ]
            for letter in ("A", "B")
        }
        head_args = {
            "needed": needed,
            "company": company.name,
            "currency": company.currency_id.name,
        }
        heads = {letter: texts["head"] % dict(head_args, letter=letter) for letter in "AB"}
        heads["C"] = texts["head_c"] % head_args
        return {
            "texts": texts,
            "shows": [show for _label, show in labels],
            "criteria": criteria,
            "heads": heads,
            "needed": needed,
        }

    @api.model
    def _kam_class_reason_text(self, rule, values, chosen):
        """The rule's sentences for one partner: the class, then each criterion of A and
        B (``rule``: see ``_kam_reason_context``)."""
        texts = rule["texts"]
        inputs = (values["turnover"], values["installers"], values["purchases"])
        shown = [
            None if value is None else show(value)
            for value, show in zip(inputs, rule["shows"], strict=True)
        ]
        lines = [rule["heads"][chosen]]
        for letter in ("A", "B"):
            parts = []
            held_count = 0
            for (label, limit, limit_text, missing), value, value_text in zip(
                rule["criteria"][letter], inputs, shown, strict=True
            ):
                if value is None:
                    parts.append(missing)
                    continue
                held = value > limit
                held_count += held
                parts.append(
                    texts["check"]
                    % {
                        "label": label,
                        "value": value_text,
                        "cmp": ">" if held else texts["not_above"],
                        "threshold": limit_text,
                        "verdict": texts["held"] if held else texts["not_held"],
                    }
                )
            lines.append(
                texts["class"]
                % {
                    "letter": letter,
                    "checks": "; ".join(parts),
                    "held": held_count,
                    "needed": rule["needed"],
                }
            )
        return "\n".join(lines)

    @api.model
    def _kam_money_formatter(self, currency):
        """A fast amount formatter in the user's language (the rule runs on many rows)."""
        lang = get_lang(self.env)
        thousands, decimal = lang.thousands_sep or "", lang.decimal_point or "."
        digits = currency.decimal_places

        def fmt(amount):
            text = f"{amount:,.{digits}f}".replace(",", "\x00").replace(".", decimal)
            text = text.replace("\x00", thousands)
            if currency.position == "before":
                return f"{currency.symbol}\N{NO-BREAK SPACE}{text}"
            return f"{text}\N{NO-BREAK SPACE}{currency.symbol}"

        return fmt

    @api.model
    def _kam_rule_texts(self):
        """The sentences of the criteria rule, translated once per run: looking a
        translation up for every criterion of every partner dominated the rule's time."""
        _ = self.env._
        return {
            "turnover": _("turnover"),
            "installers": _("installers"),
            "purchases": _("yearly purchases"),
            "missing": _("%(label)s missing (needs above %(threshold)s): not held"),
            "check": _("%(label)s %(value)s %(cmp)s %(threshold)s: %(verdict)s"),
            "not_above": _("not above"),
            "held": _("held"),
            "not_held": _("not held"),
            "class": _("Class %(letter)s: %(checks)s. %(held)s of 3 hold, %(needed)s needed."),
            "head_c": _(
                "Computed class C: neither A nor B has %(needed)s of the 3 criteria "
                "(thresholds of %(company)s, amounts in %(currency)s)."
            ),
            "head": _(
                "Computed class %(letter)s: the highest class with %(needed)s of the 3 "
                "criteria (thresholds of %(company)s, amounts in %(currency)s)."
            ),
        }

    @api.model
    def _kam_classifiable_domain(self, company):
        """Commercial customer companies that get a class in ``company`` (several
        companies: in any of them)."""
        own_partners = self.env["res.company"].sudo().search([]).partner_id.ids
        return [
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("id", "not in", own_partners),
            ("company_id", "in", [False, *company.ids]),
        ]

    @api.model
    def _kam_recompute_abc_classes(self, company=None, partners=None):
        """Recompute ``abc_class_computed`` (and the final class) set-based.

        ``company``: one or more companies (default: all companies). ``partners``: only
        these (their commercial partners); default: every commercial customer company.
        Writes only what changed and a history row for every change of the final class.
        The classes of all the companies are written together, one UPDATE per partner: a
        second UPDATE of a row in the same transaction re-checks its 14 foreign keys, which
        doubled the first classification of 100,000 customers in two companies.
        Returns the number of partners whose final class changed.
        """
        companies = company or self.env["res.company"].sudo().search([])
        changed = 0
        for batch in self._kam_recompute_batches(companies, partners):
            current = self._kam_read_classes(sorted({pid for ids in batch.values() for pid in ids}))
            values = {}
            for comp, ids in batch.items():
                # Stored reasons (class history) are read by the whole company: they
                # are written in the company's language.
                Partner = in_lang_of(self.sudo().with_company(comp), comp.partner_id)
                key = str(comp.id)
                # A partner without a class here gets one now, and a history row with the
                # rule's reason: its reason comes with its letter. The others get letters
                # only; reasons follow for those whose class changes.
                first = [pid for pid in ids if pid in current and key not in current[pid][1]]
                known = [pid for pid in ids if pid in current and key in current[pid][1]]
                values[comp] = {}
                for part, with_reason in ((first, True), (known, False)):
                    if part:
                        values[comp].update(
                            Partner._kam_compute_class_values(
                                comp, Partner.browse(part), with_reason=with_reason
                            )
                        )
            changed += self.sudo()._kam_apply_class_values(values, current=current)
            # Memory stays flat over 100,000 partners: nothing of a batch is kept.
            self.env.invalidate_all()
        return changed

    @api.model
    def _kam_recompute_batches(self, companies, partners=None):
        """Batches of partners to classify: ``{company: [partner ids]}`` per batch.

        Given ``partners``: their commercial partners. Otherwise every classifiable
        customer of the companies, read batch by batch in id order (never all ids at
        once: the memory of a run over 100,000 customers stays that of one batch)."""
        if partners is not None:
            commercial = partners.sudo().commercial_partner_id
            for chunk in split_every(RECOMPUTE_BATCH, commercial.ids):
                batch = {}
                for comp in companies:
                    ids = [
                        p.id
                        for p in commercial.browse(chunk)
                        if not p.company_id or p.company_id == comp
                    ]
                    if ids:
                        batch[comp] = ids
                yield batch
            return
        Partner = self.sudo().with_context(active_test=True)
        domain = self._kam_classifiable_domain(companies)
        last = 0
        while True:
            query = Partner._search([*domain, ("id", ">", last)], order="id", limit=RECOMPUTE_BATCH)
            self.env.cr.execute(
                query.select(
                    SQL.identifier(query.table, "id"), SQL.identifier(query.table, "company_id")
                )
            )
            owners = dict(self.env.cr.fetchall())
            if not owners:
                return
            ids = sorted(owners)
            last = ids[-1]
            batch = {}
            for comp in companies:
                in_comp = [pid for pid in ids if owners[pid] in (None, comp.id)]
                if in_comp:
                    batch[comp] = in_comp
            yield batch

    @api.model
    def _kam_read_classes(self, ids):
        """``{id: (computed, final, manual)}``: the class columns of the partners, as
        dicts keyed by company id (the jsonb of the company-dependent fields)."""
        self.env["res.partner"].flush_model(list(CLASS_FIELDS))
        self.env.cr.execute(
            """SELECT id, abc_class_computed, abc_class, abc_class_manual
                 FROM res_partner WHERE id = ANY(%s)""",
            [list(ids)],
        )
        return {
            pid: (dict(computed or {}), dict(final or {}), manual or {})
            for pid, computed, final, manual in self.env.cr.fetchall()
        }

    @api.model
    def _kam_apply_class_values(self, values_by_company, current=None):
        """Write computed classes given as ``{company: {id: (class, reason or None)}}``
        (``current``: the partners' class columns if already read, see
        ``_kam_read_classes``).

        Set-based: one read of the current values, then one SQL update per changed
        partner for all the companies (the company-dependent fields are jsonb columns
        keyed by company id) and one INSERT of the history rows. The final class follows
        the usual rule (manual if set, else computed); every change of the final class
        gets a history row with source 'computed' and the rule's reason, built for those
        partners only. No chatter: the history rows are the trail.
        Returns the number of final class changes.
        """
        ids = sorted({pid for values in values_by_company.values() for pid in values})
        if not ids:
            return 0
        Partner = self.env["res.partner"]
        cr = self.env.cr
        if current is None:
            current = self._kam_read_classes(ids)
        moved = set()
        history = []
        for company, values in values_by_company.items():
            key = str(company.id)
            for pid, (new_class, reason) in values.items():
                if pid not in current:
                    continue
                computed, final, manual = current[pid]
                new_class = new_class or None
                new_final = manual.get(key) or new_class
                old_final = final.get(key) or None
                if (computed.get(key), old_final) != (new_class, new_final):
                    moved.add(pid)
                    for column, value in ((computed, new_class), (final, new_final)):
                        if value:
                            column[key] = value
                        else:
                            column.pop(key, None)
                if old_final != new_final:
                    history.append([pid, company, old_final, new_final, reason])
        self._kam_fill_history_reasons(history)
        now = fields.Datetime.now()
        uid = self.env.uid
        for chunk in split_every(1000, sorted(moved)):
            cr.execute(
                SQL(
                    """UPDATE res_partner p
                          SET abc_class_computed = v.computed,
                              abc_class = v.final,
                              write_uid = %(uid)s,
                              write_date = %(now)s
                         FROM (VALUES %(rows)s) v(id, computed, final)
                        WHERE p.id = v.id""",
                    uid=uid,
                    now=now,
                    rows=SQL(", ").join(
                        SQL(
                            "(%s, %s::jsonb, %s::jsonb)",
                            pid,
                            # An empty value is no key, as the ORM stores it.
                            json.dumps(current[pid][0]) if current[pid][0] else None,
                            json.dumps(current[pid][1]) if current[pid][1] else None,
                        )
                        for pid in chunk
                    ),
                )
            )
        for chunk in split_every(1000, history):
            cr.execute(
                SQL(
                    """INSERT INTO kam_abc_class_history
                           (partner_id, company_id, date, old_class, new_class, source,
                            user_id, reason, is_upgrade,
                            create_uid, create_date, write_uid, write_date)
                       SELECT v.partner_id, v.company_id, %(now)s, v.old, v.new, 'computed',
                              %(uid)s, v.reason,
                              COALESCE(v.old IS NOT NULL AND v.new IS NOT NULL
                                       AND v.new COLLATE "C" < v.old COLLATE "C", FALSE),
                              %(uid)s, %(now)s, %(uid)s, %(now)s
                         FROM (VALUES %(rows)s) v(partner_id, company_id, old, new, reason)""",
                    now=now,
                    uid=uid,
                    rows=SQL(", ").join(
                        SQL(
                            "(%s, %s, %s::varchar, %s::varchar, %s::text)",
                            pid,
                            company.id,
                            old,
                            new,
                            reason,
                        )
                        for pid, company, old, new, reason in chunk
                    ),
                )
            )
        if moved:
            Partner.invalidate_model([*CLASS_FIELDS, "write_uid", "write_date"])
        if history:
            self.env["kam.abc.class.history"].invalidate_model()
            Partner.invalidate_model(["abc_class_history_ids"])
        return len(history)

    @api.model
    def _kam_fill_history_reasons(self, history):
        """The rule's reason of each history row ``[pid, company, old, new, reason]``
        that has none yet, built per company for those partners only."""
        missing = defaultdict(list)
        for row in history:
            if row[4] is None:
                missing[row[1]].append(row[0])
        for company, pids in missing.items():
            Partner = in_lang_of(self.sudo().with_company(company), company.partner_id)
            reasons = Partner._kam_compute_class_values(company, Partner.browse(pids))
            for row in history:
                if row[4] is None and row[1] == company:
                    row[4] = reasons.get(row[0], (None, None))[1]

    def _kam_sync_final_class(self, old_final, source, reason=None, company=None):
        """Set the final class = manual or computed; log each change. Returns the count."""
        company = company or self.env.company
        partners = self.with_company(company).with_context(
            kam_class_sync=True, tracking_disable=True
        )
        by_final = defaultdict(list)
        history = []
        for partner in partners:
            final = partner.abc_class_manual or partner.abc_class_computed or False
            if partner.abc_class != final:
                by_final[final].append(partner.id)
            old = old_final.get(partner.id, partner.abc_class) or False
            if old != final:
                history.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "old_class": old,
                        "new_class": final,
                        "source": source,
                        "user_id": self.env.uid,
                        "reason": reason
                        or (partner.abc_class_reason if source == "computed" else False),
                    }
                )
        for final, ids in by_final.items():
            partners.browse(ids).sudo().write({"abc_class": final})
        if history:
            self.env["kam.abc.class.history"].sudo().create(history)
            if source == "manual" and not self.env.context.get("kam_class_chatter_done"):
                partners._kam_post_manual_change(history, company)
        return len(history)

    def _kam_post_manual_change(self, history, company):
        """Chatter trail of a manual class change (proposals post their own)."""
        for row in history:
            partner = self.browse(row["partner_id"]).sudo()
            # Chatter about an account speaks the language of its responsible user.
            partner = in_lang_of(partner, partner._kam_responsible_user())
            partner.message_post(
                body=partner.env._(
                    "%(user)s set the class in %(company)s by hand: %(old)s -> %(new)s. %(reason)s",
                    user=self.env.user.name,
                    company=company.name,
                    old=row["old_class"] or "-",
                    new=row["new_class"] or "-",
                    reason=row["reason"] or "",
                )
            )

    @api.model
    def _cron_kam_recompute_abc_classes(self, chunk=CRON_CHUNK):
        """Daily: recompute the classes of every company, ``chunk`` partners per call.

        The position (company id, last partner id) is kept in a system parameter, so that
        the scheduler's re-runs (``_notify_progress`` with something remaining) and a run
        after an interruption continue where the last committed call stopped. Returns
        the number of partners processed by this call.
        """
        params = self.env["ir.config_parameter"].sudo()
        cursor = params.get_param(CRON_CURSOR_PARAM) or "0:0"
        cursor_company, cursor_partner = (int(x) for x in cursor.split(":"))
        Partner = self.sudo()
        done = 0
        companies = self.env["res.company"].sudo().search([("id", ">=", cursor_company)])
        for company in companies.sorted("id"):
            start = cursor_partner if company.id == cursor_company else 0
            domain = [*self._kam_classifiable_domain(company), ("id", ">", start)]
            ids = Partner.search(domain, order="id", limit=chunk - done).ids
            if ids:
                self._kam_recompute_abc_classes(company=company, partners=Partner.browse(ids))
            done += len(ids)
            if done >= chunk:
                params.set_param(CRON_CURSOR_PARAM, f"{company.id}:{ids[-1]}")
                remaining = Partner.search_count(
                    [*self._kam_classifiable_domain(company), ("id", ">", ids[-1])]
                ) + sum(
                    Partner.search_count(self._kam_classifiable_domain(other))
                    for other in companies.filtered(lambda c, cid=company.id: c.id > cid)
                )
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                return done
        params.set_param(CRON_CURSOR_PARAM, "0:0")
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done

    # ===================================================================================
    # Class proposals
    # ===================================================================================
    def action_kam_propose_class(self):
        """Open the proposal form for this customer in the current company."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Propose a class"),
            "res_model": "kam.class.proposal",
            "view_mode": "form",
            "views": [(self.env.ref("key_account_mgmt.view_kam_class_proposal_form").id, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.env.company.id,
            },
        }

    def action_kam_clear_manual_class(self):
        """Managers: drop the manual override, the computed class becomes final again."""
        self._kam_check_class_write_access()
        self.sudo().with_context(
            kam_class_reason=self.env._("Manual override removed"), kam_class_chatter_done=True
        ).write({"abc_class_manual": False})
        for partner in self:
            partner = in_lang_of(partner, partner._kam_responsible_user())
            partner.message_post(
                body=partner.env._(
                    "Manual class removed in %(company)s; the computed class %(computed)s applies.",
                    company=self.env.company.name,
                    computed=partner.abc_class_computed or "-",
                )
            )
        return True

    def action_kam_recompute_class(self):
        self._kam_recompute_abc_classes(company=self.env.company, partners=self)
        return True

    # ===================================================================================
    # Key account selection history
    # ===================================================================================
    def _kam_log_key_account_changes(self, old_key, old_kam=None):
        old_kam = old_kam or {}
        rows = []
        reason = self.env.context.get("kam_key_account_reason")
        for partner in self:
            if partner.id in old_key and bool(old_key[partner.id]) != partner.is_key_account:
                rows.append(
                    {
                        "partner_id": partner.id,
                        "event": "selected" if partner.is_key_account else "removed",
                        "key_account_manager_id": partner.key_account_manager_id.id,
                        "reason": reason,
                    }
                )
            elif (
                partner.id in old_kam
                and partner.is_key_account
                and old_kam[partner.id] != partner.key_account_manager_id
            ):
                rows.append(
                    {
                        "partner_id": partner.id,
                        "event": "manager_changed",
                        "key_account_manager_id": partner.key_account_manager_id.id,
                        "reason": reason,
                    }
                )
        if rows:
            self.env["kam.key.account.history"].sudo().create(rows)

    def _kam_responsible_user(self):
        """Who is reminded about this account: its KAM, else its salesperson."""
        self.ensure_one()
        return self.key_account_manager_id or self.user_id

    # ===================================================================================
    # Reminders
    # ===================================================================================
    @api.model
    def _cron_kam_swot_overdue(self):
        """Daily: one open activity per key account and company whose SWOT there is
        overdue, for its KAM, in his language; reminders of SWOTs reviewed since are
        closed."""
        activities = self.env["mail.activity"]
        Swot = self.env["kam.swot.item"].sudo()
        overdue = {
            company: Swot._kam_overdue_partner_ids(company)
            for company in self.env["res.company"].sudo().search([])
        }
        close_outdated_reminders(
            self,
            SWOT_OVERDUE_ACTIVITY,
            {(pid, company.id) for company, ids in overdue.items() for pid in ids},
            feedback=lambda act: act.env._("SWOT reviewed"),
        )
        for company, partner_ids in overdue.items():
            partners = self.sudo().browse(partner_ids)
            activities |= schedule_activity_once(
                partners,
                SWOT_OVERDUE_ACTIVITY,
                user_of=lambda p: p._kam_responsible_user(),
                summary=lambda p, company=company: p.env._(
                    "SWOT overdue in %(company)s: review it (at least once a year)",
                    company=company.name,
                ),
                company=company,
            )
        return activities

    # ===================================================================================
    # Over-served key accounts
    # ===================================================================================
    @api.model
    def _kam_overserved_reasons(self, company, partner_ids=None, now=None):
        """Over-served key accounts of ``company``: ``{partner id: reason in words}``.

        Only key accounts whose final class in ``company`` is B or C can be over-served
        (an A account is worth the effort). Either rule suffices:

        * meetings: the meetings held with any of its contacts in the 12 months before
          ``now`` exceed ``kam_overserved_meeting_factor`` x the sum of the class's meeting
          targets of ``company`` ("as needed" counts 0, the sum counts at least 1);
        * hours: the resource hours per month of its active account plan in ``company``
          exceed ``kam_overserved_hours_b`` / ``kam_overserved_hours_c``.

        A factor or limit of 0 switches that rule off. Three grouped queries in all.
        """
        now = now or fields.Datetime.now()
        Partner = self.sudo().with_company(company)
        domain = [
            ("is_key_account", "=", True),
            "|",
            ("company_id", "=", False),
            ("company_id", "=", company.id),
        ]
        if partner_ids is not None:
            domain.append(("id", "in", list(partner_ids)))
        accounts = Partner.search(domain).filtered(lambda p: p.abc_class in ("B", "C"))
        if not accounts:
            return {}
        targets = dict(
            self.env["kam.meeting.target"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("as_needed", "=", False)],
                ["abc_class"],
                ["meetings_per_year:sum"],
            )
        )
        hours = {
            partner.id: total
            for partner, total in self.env["kam.account.plan"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", accounts.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                ],
                ["partner_id"],
                ["total_hours_per_month:sum"],
            )
        }
        self.env.flush_all()
        self.env.cr.execute(MEETINGS_HELD_QUERY, {"now": now, "partner_ids": accounts.ids})
        held = dict(self.env.cr.fetchall())
        factor = company.kam_overserved_meeting_factor
        hour_limits = {"B": company.kam_overserved_hours_b, "C": company.kam_overserved_hours_c}
        result = {}
        for partner in accounts:
            lines = []
            meeting_limit = factor * max(targets.get(partner.abc_class, 0), 1)
            meetings = held.get(partner.id, 0)
            if factor and meetings > meeting_limit:
                limit_text, factor_text = self._kam_number(meeting_limit), self._kam_number(factor)
                lines.append(
                    self.env._(
                        "%(held)s meetings in 12 months, more than %(limit)s "
                        "(%(factor)s x the meeting targets of class %(cls)s).",
                        held=meetings,
                        limit=limit_text,
                        factor=factor_text,
                        cls=partner.abc_class,
                    )
                )
            hour_limit = hour_limits[partner.abc_class]
            planned = hours.get(partner.id, 0.0)
            if hour_limit and planned > hour_limit:
                hours_text, limit_text = self._kam_number(planned), self._kam_number(hour_limit)
                lines.append(
                    self.env._(
                        "%(hours)s resource hours per month in the active account plan, more "
                        "than %(limit)s for class %(cls)s.",
                        hours=hours_text,
                        limit=limit_text,
                        cls=partner.abc_class,
                    )
                )
            if lines:
                result[partner.id] = "\n".join(lines)
        return result

    @api.model
    def _kam_number(self, value):
        """``value`` in the user's number format with the decimals it needs (2, 20,5)."""
        digits = next((d for d in (0, 1) if round(value, d) == value), 2)
        return formatLang(self.env, value, digits=digits)

    # ===================================================================================
    # Key-account selection criteria and re-selection
    # ===================================================================================
    @api.model
    def _kam_key_account_criteria(
        self, company, partners, min_turnover, min_installers, min_purchases
    ):
        """Selection criteria met by each partner in ``company``.

        Returns ``{partner id: (criteria met 0-3, turnover, yearly purchases)}`` with
        amounts in the company currency; each criterion holds when the value is strictly
        above its minimum. Shared by the candidate wizard and the daily re-selection check.
        """
        purchases = self._kam_yearly_purchases(company, partners)
        turnovers = self._kam_turnovers_in_company_currency(company, partners)
        result = {}
        for partner in partners:
            turnover = turnovers.get(partner.id, 0.0)
            bought = purchases.get(partner.id, 0.0)
            met = (
                (turnover > min_turnover)
                + ((partner.installer_count or 0) > min_installers)
                + (bought > min_purchases)
            )
            result[partner.id] = (int(met), turnover, bought)
        return result

    @api.model
    def _kam_key_accounts_to_review(self, partners=None):
        """Key accounts below the selection criteria in every company:
        ``{partner id: {company: (met, turnover, yearly purchases)}}``, one entry per
        company of ours the account belongs to.

        The criteria are the candidate wizard's defaults: the company's class A thresholds
        and ``kam_key_account_min_criteria``. An account shared by several companies stays
        a key account while it qualifies in one of them. Accounts a manager kept (until a
        date not yet passed) are skipped.
        """
        today = fields.Date.context_today(self)
        domain = [
            ("is_key_account", "=", True),
            "|",
            ("kam_review_keep_until", "=", False),
            ("kam_review_keep_until", "<", today),
        ]
        if partners is not None:
            domain.append(("id", "in", partners.ids))
        keyed = self.sudo().search(domain)
        qualifies = set()
        below = defaultdict(dict)
        for company in self.env["res.company"].sudo().search([]):
            in_company = keyed.filtered(lambda p, c=company: not p.company_id or p.company_id == c)
            if not in_company:
                continue
            criteria = self.with_company(company)._kam_key_account_criteria(
                company,
                in_company,
                company.kam_a_min_turnover,
                company.kam_a_min_installers,
                company.kam_a_min_purchases,
            )
            for partner in in_company:
                if criteria[partner.id][0] >= company.kam_key_account_min_criteria:
                    qualifies.add(partner.id)
                else:
                    below[partner.id][company] = criteria[partner.id]
        return {pid: found for pid, found in below.items() if pid not in qualifies}

    def _kam_review_reason(self, company, figures):
        """Why this key account is below the criteria of ``company``, in the language of
        ``self.env`` and the currency of the company (``figures``: met, turnover,
        yearly purchases)."""
        self.ensure_one()
        met, turnover, bought = figures
        money = self._kam_money_formatter(company.currency_id)
        return self.env._(
            "%(company)s: %(met)s of 3 criteria met, %(needed)s needed (turnover "
            "%(turnover)s above %(min_turnover)s, installers %(installers)s above "
            "%(min_installers)s, yearly purchases %(purchases)s above "
            "%(min_purchases)s).",
            company=company.name,
            met=met,
            needed=company.kam_key_account_min_criteria,
            turnover=money(turnover),
            min_turnover=money(company.kam_a_min_turnover),
            installers=formatLang(self.env, self.sudo().installer_count or 0, digits=0),
            min_installers=formatLang(self.env, company.kam_a_min_installers, digits=0),
            purchases=money(bought),
            min_purchases=money(company.kam_a_min_purchases),
        )

    @api.depends_context("company", "lang")
    @api.depends("kam_review_key_account")
    def _compute_kam_review_key_account_reason(self):
        flagged = self.filtered(lambda p: p._origin.id and p.kam_review_key_account)
        below = {}
        if flagged:
            below = self._kam_key_accounts_to_review(flagged._origin)
        company = self.env.company
        for partner in self:
            figures = below.get(partner._origin.id, {}).get(company)
            partner.kam_review_key_account_reason = (
                partner._kam_review_reason(company, figures) if figures else False
            )

    @api.model
    def _cron_kam_review_key_accounts(self):
        """Daily: flag key accounts that no longer meet the criteria, remind their KAM once
        per company of ours, with that company's criteria, in the KAM's language.

        Flags that no longer apply (the account qualifies again, or a manager kept it)
        are cleared and their open review activities are closed.
        """
        to_review = self._kam_key_accounts_to_review()
        Partner = self.sudo().with_context(tracking_disable=True, kam_skip_class_recompute=True)
        flagged = Partner.search([("kam_review_key_account", "=", True)])
        cleared = flagged.filtered(lambda p: p.id not in to_review)
        if cleared:
            cleared.write({"kam_review_key_account": False})
            close_activities(
                cleared,
                REVIEW_KEY_ACCOUNT_ACTIVITY,
                feedback=lambda act: act.env._("The account meets the key-account criteria again."),
            )
        partners = Partner.browse(list(to_review))
        partners.filtered(lambda p: not p.kam_review_key_account).write(
            {"kam_review_key_account": True}
        )
        activities = self.env["mail.activity"]
        companies = {company for found in to_review.values() for company in found}
        for company in sorted(companies, key=lambda c: c.id):
            in_company = partners.filtered(lambda p, c=company: c in to_review[p.id])
            activities |= schedule_activity_once(
                in_company,
                REVIEW_KEY_ACCOUNT_ACTIVITY,
                user_of=lambda p: p._kam_responsible_user(),
                summary=lambda p, c=company: p.env._(
                    "Review key-account status in %(company)s: below the selection criteria",
                    company=c.name,
                ),
                note_of=lambda p, c=company: p._kam_review_reason(c, to_review[p.id][c]),
                company=company,
            )
        return activities

    def action_kam_keep_key_account(self):
        """Managers: keep the flagged key accounts; the check is silenced for 12 months."""
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._("Only a key account manager can keep a key account under review.")
            )
        keep_until = fields.Date.context_today(self) + relativedelta(months=REVIEW_KEEP_MONTHS)
        partners = self.filtered("kam_review_key_account")
        partners.sudo().write(
            {"kam_review_key_account": False, "kam_review_keep_until": keep_until}
        )
        close_activities(
            partners,
            REVIEW_KEY_ACCOUNT_ACTIVITY,
            feedback=lambda act: act.env._("Kept as key account"),
        )
        for partner in partners:
            partner = in_lang_of(partner, partner._kam_responsible_user())
            partner.message_post(
                body=partner.env._(
                    "%(user)s kept %(partner)s as a key account below the selection criteria "
                    "until %(date)s.",
                    user=self.env.user.name,
                    partner=partner.display_name,
                    date=format_date(partner.env, keep_until),
                )
            )
        return True

    def action_kam_remove_key_account(self):
        """Managers: end the key-account status of the flagged accounts."""
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._("Only a key account manager can remove the key-account status.")
            )
        self.with_context(
            kam_key_account_reason=self.env._("Below the selection criteria (status review)")
        ).write({"is_key_account": False})
        return True
