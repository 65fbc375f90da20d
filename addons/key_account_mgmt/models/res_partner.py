from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import get_lang, split_every

from .kam_activity import schedule_activity_once

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
CLASS_FIELDS = ("abc_class", "abc_class_computed", "abc_class_manual")
# Fields the criteria rule reads from the partner: changing them recomputes the class.
CRITERIA_FIELDS = ("customer_turnover", "kam_turnover_currency_id", "installer_count")
RECOMPUTE_BATCH = 5000
CRON_CHUNK = 20000
CRON_CURSOR_PARAM = "key_account_mgmt.class_recompute_cursor"
MANAGER_GROUP = "key_account_mgmt.group_kam_manager"


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
    abc_class_reason = fields.Text(
        string="Reason of the Computed Class",
        company_dependent=True,
        readonly=True,
        copy=False,
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

    # --- Relationship and evaluative value (seed 004 and seed 000) --------------------
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
                        "Final class %(final)s: manual class, set or approved by a key account "
                        "manager; it overrides the computed class %(computed)s.",
                        final=partner.abc_class,
                        computed=partner.abc_class_computed or "-",
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "Final class %(final)s = the computed class.", final=partner.abc_class
                    )
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
    @api.depends("kam_account_plan_ids.state")
    def _compute_kam_current_plan_id(self):
        plans = self.env["kam.account.plan"].search(
            [
                ("partner_id", "in", self._origin.ids),
                ("state", "=", "active"),
                ("company_id", "=", self.env.company.id),
            ],
            order="date_start desc, id desc",
        )
        by_partner = {}
        for plan in plans:
            by_partner.setdefault(plan.partner_id.id, plan)
        for partner in self:
            partner.kam_current_plan_id = by_partner.get(partner._origin.id, False)

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
        old_key = {p.id: p.is_key_account for p in self} if "is_key_account" in vals else {}
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
        if set(CRITERIA_FIELDS) & vals.keys() and not self.env.context.get(
            "kam_skip_class_recompute"
        ):
            self._kam_recompute_abc_classes(partners=self)
        return res

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
        one conversion rate per currency, not per partner.
        """
        today = fields.Date.context_today(self)
        rates = {}
        result = {}
        for partner in partners:
            amount = partner.customer_turnover
            if not amount:
                continue
            currency = partner.kam_turnover_currency_id or company.currency_id
            if currency not in rates:
                rates[currency] = currency._get_conversion_rate(
                    currency, company.currency_id, company, today
                )
            result[partner.id] = company.currency_id.round(amount * rates[currency])
        return result

    @api.model
    def _kam_compute_class_values(self, company, partners):
        """Seed-004 criteria rule: ``{partner id: (class letter, reason text)}``.

        A criterion of a class holds when the customer's value is strictly above the
        company's threshold for that class; a missing value never holds. The customer
        gets the highest class (A, then B) for which enough criteria hold (2 of 3, or all
        3 when the company demands it); otherwise C.
        """
        purchases = self._kam_yearly_purchases(company, partners)
        turnovers = self._kam_turnovers_in_company_currency(company, partners)
        needed = 3 if company.kam_class_rule_mode == "all_three" else 2
        currency = company.currency_id
        money = self._kam_money_formatter(currency)
        result = {}
        for partner in partners:
            values = {
                "turnover": turnovers.get(partner.id),
                "installers": partner.installer_count or None,
                "purchases": purchases.get(partner.commercial_partner_id.id or partner.id) or None,
            }
            chosen = "C"
            class_lines = []
            for letter in ("A", "B"):
                checks = self._kam_check_criteria(company, letter, values, money)
                held = sum(1 for _text, ok in checks if ok)
                if held >= needed and chosen == "C":
                    chosen = letter
                class_lines.append(
                    self.env._(
                        "Class %(letter)s: %(checks)s. %(held)s of 3 hold, %(needed)s needed.",
                        letter=letter,
                        checks="; ".join(text for text, _ok in checks),
                        held=held,
                        needed=needed,
                    )
                )
            if chosen == "C":
                head = self.env._(
                    "Computed class C: neither A nor B has %(needed)s of the 3 criteria "
                    "(thresholds of %(company)s, amounts in %(currency)s).",
                    needed=needed,
                    company=company.name,
                    currency=currency.name,
                )
            else:
                head = self.env._(
                    "Computed class %(letter)s: the highest class with %(needed)s of the 3 "
                    "criteria (thresholds of %(company)s, amounts in %(currency)s).",
                    letter=chosen,
                    needed=needed,
                    company=company.name,
                    currency=currency.name,
                )
            result[partner.id] = (chosen, "\n".join([head, *class_lines]))
        return result

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
    def _kam_check_criteria(self, company, letter, values, money=None):
        """The three criteria of one class: a list of (sentence, held)."""
        prefix = letter.lower()
        money = money or self._kam_money_formatter(company.currency_id)
        criteria = [
            (
                self.env._("turnover"),
                values["turnover"],
                company[f"kam_{prefix}_min_turnover"],
                money,
            ),
            (
                self.env._("installers"),
                values["installers"],
                company[f"kam_{prefix}_min_installers"],
                str,
            ),
            (
                self.env._("yearly purchases"),
                values["purchases"],
                company[f"kam_{prefix}_min_purchases"],
                money,
            ),
        ]
        checks = []
        for label, value, threshold, show in criteria:
            if value is None:
                text = self.env._(
                    "%(label)s missing (needs above %(threshold)s): not held",
                    label=label,
                    threshold=show(threshold),
                )
                checks.append((text, False))
                continue
            held = value > threshold
            text = self.env._(
                "%(label)s %(value)s %(cmp)s %(threshold)s: %(verdict)s",
                label=label,
                value=show(value),
                cmp=">" if held else self.env._("not above"),
                threshold=show(threshold),
                verdict=self.env._("held") if held else self.env._("not held"),
            )
            checks.append((text, held))
        return checks

    @api.model
    def _kam_classifiable_domain(self, company):
        """Commercial customer companies that get a class in ``company``."""
        own_partners = self.env["res.company"].sudo().search([]).partner_id.ids
        return [
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("id", "not in", own_partners),
            "|",
            ("company_id", "=", False),
            ("company_id", "=", company.id),
        ]

    @api.model
    def _kam_recompute_abc_classes(self, company=None, partners=None):
        """Recompute ``abc_class_computed`` (and the final class) set-based.

        ``company``: one company (default: all companies). ``partners``: only these
        (their commercial partners); default: every commercial customer company. Writes
        only what changed and a history row for every change of the final class.
        Returns the number of partners whose final class changed.
        """
        companies = company or self.env["res.company"].sudo().search([])
        changed = 0
        for comp in companies:
            Partner = self.sudo().with_company(comp)
            if partners is not None:
                targets = partners.sudo().commercial_partner_id.filtered(
                    lambda p, c=comp: not p.company_id or p.company_id == c
                )
                targets = Partner.browse(targets.ids)
            else:
                targets = Partner.search(self._kam_classifiable_domain(comp), order="id")
            for batch_ids in split_every(RECOMPUTE_BATCH, targets.ids):
                batch = Partner.browse(batch_ids)
                values = Partner._kam_compute_class_values(comp, batch)
                changed += batch._kam_apply_computed_classes(comp, values)
        return changed

    def _kam_apply_computed_classes(self, company, values):
        """Write computed classes and reasons given as ``{id: (class, reason)}``."""
        partners = self.with_company(company).with_context(
            kam_class_sync=True, tracking_disable=True
        )
        by_class = defaultdict(list)
        by_reason = defaultdict(list)
        old_final = {}
        for partner in partners:
            new_class, reason = values[partner.id]
            if partner.abc_class_computed != new_class:
                by_class[new_class].append(partner.id)
            if partner.abc_class_reason != reason:
                by_reason[reason].append(partner.id)
            old_final[partner.id] = partner.abc_class
        for new_class, ids in by_class.items():
            partners.browse(ids).write({"abc_class_computed": new_class})
        for reason, ids in by_reason.items():
            partners.browse(ids).write({"abc_class_reason": reason})
        return partners._kam_sync_final_class(old_final, source="computed", company=company)

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
            self.browse(row["partner_id"]).sudo().message_post(
                body=self.env._(
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
            partner.message_post(
                body=self.env._(
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
        """Daily: one open activity per key account whose SWOT is overdue, for its KAM."""
        partners = self.sudo().browse(self.env["kam.swot.item"].sudo()._kam_overdue_partner_ids())
        partners = partners.filtered(lambda p: p._kam_responsible_user())
        return schedule_activity_once(
            partners,
            "key_account_mgmt.mail_activity_type_kam_swot_overdue",
            user_of=lambda p: p._kam_responsible_user(),
            summary=self.env._("SWOT overdue: review it (at least once a year)"),
        )
