"""The key-account data of a customer: its size, key-account status and KAM, its class
in each company of ours, its ratings; the checks on who changes them and the manager's
actions. The class engine is ``kam.class.engine``; the follow-up indicators and the
key-account review have their own files (``res_partner_follow_up.py``,
``res_partner_key_account_review.py``)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import ratings
from ..tools.access import is_kam_manager
from ..tools.class_reasons import class_explanation, outdated_reason_note
from .kam_activity import in_lang_of
from .kam_class_engine import CLASS_FIELDS

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
# The evaluative ratings of a customer (0 = not rated, else 1-5), in the order shown.
RATING_FIELDS = (
    "kam_reference_value",
    "kam_network_value",
    "kam_emotional_value",
    "kam_learning_value",
    "kam_regularity_value",
)
# Selecting key accounts and naming their KAM is a manager's decision.
SELECTION_FIELDS = ("is_key_account", "key_account_manager_id")
# Fields the criteria rule reads from the partner: changing them recomputes the class.
CRITERIA_FIELDS = ("customer_turnover", "kam_turnover_currency_id", "installer_count")


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "kam.number.input.mixin"]

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
    # check_company: a customer of one company only gets a KAM who works in it; a shared
    # customer any internal user.
    key_account_manager_id = fields.Many2one(
        "res.users",
        tracking=True,
        groups="base.group_user",
        domain=[("share", "=", False)],
        check_company=True,
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
    # Not stored: the rule's sentences are built for the partners shown, from the same
    # inputs the last recompute used; a recompute needs the letters only.
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
        "kam.abc.class.history",
        "partner_id",
        string="Class History",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_class_proposal_ids = fields.One2many(
        "kam.class.proposal",
        "partner_id",
        string="Class Proposals",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_pending_proposal_count = fields.Integer(
        compute="_compute_kam_pending_proposal_count", groups="key_account_mgmt.group_kam_user"
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

    # --- Key account selection ------------------------------------------------------
    kam_key_account_history_ids = fields.One2many(
        "kam.key.account.history",
        "partner_id",
        string="Selection History",
        groups="key_account_mgmt.group_kam_user",
    )

    # ===================================================================================
    # Constraints
    # ===================================================================================
    @api.constrains(*RATING_FIELDS)
    def _check_kam_ratings(self):
        ratings.check_ratings(self, RATING_FIELDS, lambda partner: partner)

    @api.constrains("customer_turnover", "installer_count")
    def _check_kam_size(self):
        for partner in self:
            for fname in ("customer_turnover", "installer_count"):
                if (partner[fname] or 0) < 0:
                    raise ValidationError(
                        self.env._(
                            "“%(field)s” of %(partner)s cannot be negative (%(value)s).",
                            field=self._fields[fname]._description_string(self.env),
                            partner=partner.display_name,
                            value=partner[fname],
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
            values = (
                self.env["kam.class.engine"]
                .sudo()
                ._kam_compute_class_values(self.env.company, self.sudo().browse(ids))
            )
        for partner in self:
            letter, reason = values.get(partner._origin.id, (None, None))
            if reason and letter != partner.abc_class_computed:
                reason += "\n" + outdated_reason_note(
                    self.env._, letter, partner.abc_class_computed
                )
            partner.abc_class_reason = reason or False

    @api.depends_context("company")
    @api.depends("abc_class", "abc_class_computed", "abc_class_manual", "abc_class_reason")
    def _compute_abc_class_explanation(self):
        for partner in self:
            partner.abc_class_explanation = class_explanation(
                self.env._,
                partner.abc_class,
                partner.abc_class_computed,
                partner.abc_class_manual,
                partner.abc_class_reason,
            )

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
            self.env["kam.class.engine"]._kam_sync_final_class(
                partners, {p.id: False for p in partners}, source="manual"
            )
        if not self.env.context.get("kam_skip_class_recompute") and any(
            CRITERIA_FIELDS[0] in v or CRITERIA_FIELDS[2] in v for v in vals_list
        ):
            self.env["kam.class.engine"]._kam_recompute_abc_classes(partners=partners)
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
        old_kam = (
            {p.id: p.key_account_manager_id for p in self}
            if "key_account_manager_id" in vals
            else {}
        )
        res = super().write(vals)
        if class_keys and not internal:
            source = "computed" if class_keys == {"abc_class_computed"} else "manual"
            self.env["kam.class.engine"]._kam_sync_final_class(
                self,
                old_final,
                source=self.env.context.get("kam_class_source", source),
                reason=self.env.context.get("kam_class_reason"),
            )
        if old_key or old_kam:
            self._kam_log_key_account_changes(old_key, old_kam)
        if set(CRITERIA_FIELDS) & vals.keys() and not self.env.context.get(
            "kam_skip_class_recompute"
        ):
            self.env["kam.class.engine"]._kam_recompute_abc_classes(partners=self)
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
        if is_kam_manager(self.env):
            return
        raise AccessError(
            self.env._(
                "Only a key account manager can select key accounts or change their key "
                "account manager. Ask your sales manager, or propose the account in the "
                "chatter."
            )
        )

    def _kam_check_class_write_access(self):
        if is_kam_manager(self.env):
            return
        raise AccessError(
            self.env._(
                "Only a key account manager can set the class of a customer. "
                "Use 'Propose class' to ask a manager for a change."
            )
        )

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
        self.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=self.env.company, partners=self
        )
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

    @api.model
    def _cron_kam_recompute_abc_classes(self, **kwargs):
        """The scheduled action's entry point (its record names this model)."""
        return self.env["kam.class.engine"]._cron_kam_recompute_abc_classes(**kwargs)
