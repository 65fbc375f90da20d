"""Who may change the key-account data of a customer, and what the tab tells her.

A salesperson changes the key-account data of the accounts that are hers (she is the
salesperson or the key account manager of the commercial partner) and of their
contacts; key account managers change every account. The record rules give the write
access; the checks here give the reason in words and keep users who may write any
partner (Contact Creation) off the key-account data of accounts that are not theirs.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.access import is_kam_manager
from .res_partner import RATING_FIELDS

# What the Key account tab lets the account's salesperson or KAM change.
KAM_EDIT_FIELDS = frozenset(
    (
        "customer_turnover",
        "kam_turnover_currency_id",
        "installer_count",
        "kam_relationship_type",
        "kam_stakeholder_group_id",
        "kam_org_level",
        *RATING_FIELDS,
    )
)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_can_edit = fields.Boolean(
        string="Can change the key-account data",
        compute="_compute_kam_can_edit",
        groups="base.group_user",
    )
    kam_edit_blocked_reason = fields.Char(
        string="Why read-only",
        compute="_compute_kam_can_edit",
        groups="base.group_user",
    )
    kam_class_source_text = fields.Char(
        string="Computed by",
        compute="_compute_kam_class_source_text",
        groups="base.group_user",
        help="The rule that computes the class of customers in the current company "
        "(Key Accounts settings).",
    )

    # ===================================================================================
    # Ownership
    # ===================================================================================
    def _kam_account(self):
        """The account (commercial partner) whose owners decide on this partner."""
        self.ensure_one()
        # A contact being created has no stored commercial partner yet: its parent's.
        return (self.parent_id or self).commercial_partner_id or self

    def _kam_is_owned_by(self, user):
        """Whether ``user`` is the salesperson or the KAM of this partner's account, or
        the account has neither yet."""
        account = self._kam_account()
        owners = account.user_id | account.key_account_manager_id
        return not owners or user in owners

    def _kam_is_kam_manager(self):
        return is_kam_manager(self.env)

    def _kam_blocked_message(self):
        """Why the current user cannot change this partner, in her language."""
        self.ensure_one()
        account = self._kam_account()
        owners = account.user_id | account.key_account_manager_id
        if owners:
            return self.env._(
                "This account belongs to %(owners)s: only its salesperson, its key account "
                "manager or a key account manager can change it.",
                owners=", ".join(owners.mapped("name")),
            )
        return self.env._(
            "This account has no salesperson yet: only the user who created it or a key "
            "account manager can change it."
        )

    @api.depends_context("uid")
    @api.depends(
        "parent_id",
        "commercial_partner_id.user_id",
        "commercial_partner_id.key_account_manager_id",
    )
    def _compute_kam_can_edit(self):
        user = self.env.user
        manager = self._kam_is_kam_manager()
        saved = self._origin.filtered("id")
        writable = saved if manager else saved._filtered_access("write")
        for partner in self:
            if manager:
                allowed = True
            elif partner._origin.id:
                allowed = partner._origin in writable and partner._kam_is_owned_by(user)
            else:
                # Not saved yet: the record rules decide on save; the account decides here.
                allowed = partner._kam_is_owned_by(user)
            partner.kam_can_edit = allowed
            partner.kam_edit_blocked_reason = False if allowed else partner._kam_blocked_message()

    @api.depends_context("company")
    def _compute_kam_class_source_text(self):
        text = self.env["kam.class.engine"]._kam_class_source_text(self.env.company)
        for partner in self:
            partner.kam_class_source_text = text

    # ===================================================================================
    # Checks
    # ===================================================================================
    def _kam_check_edit_access(self, fnames=None):
        """Raise a clear AccessError unless the current user may change these partners.

        ``fnames``: the fields written (None: key-account data in general). Key-account
        data needs an owner of the account (or none yet); for the rest the record rules
        decide, and this gives their refusal in words. A user without any write access
        on partners gets Odoo's own error.
        """
        if self._kam_is_kam_manager() or not self:
            return
        user = self.env.user
        blocked = self.browse()
        if fnames is None or KAM_EDIT_FIELDS & set(fnames):
            blocked = self.filtered(lambda p: not p._kam_is_owned_by(user))
        if not blocked and self.env["ir.model.access"].check(
            "res.partner", "write", raise_exception=False
        ):
            blocked = self - self._filtered_access("write")
        if blocked:
            raise AccessError(blocked[0]._kam_blocked_message())

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if not self._kam_is_kam_manager():
            # A default currency is no key-account data; a value set by the user is.
            given = [
                {key for key, value in vals.items() if value}
                & KAM_EDIT_FIELDS - {"kam_turnover_currency_id"}
                for vals in vals_list
            ]
            for partner, keys in zip(partners, given, strict=True):
                if keys:
                    partner._kam_check_edit_access(keys)
        return partners

    def write(self, vals):
        if not self.env.su:
            self._kam_check_edit_access(vals.keys())
        return super().write(vals)

    def action_kam_recompute_class(self):
        self._kam_check_edit_access()
        return super().action_kam_recompute_class()

    # ===================================================================================
    # Landing
    # ===================================================================================
    @api.model
    def action_kam_open_key_accounts(self):
        """The Key Accounts app's first screen.

        A salesperson with key accounts of her own (as salesperson or key account
        manager) sees those first, with a filter she can remove; managers see them all.
        """
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account_mgmt.action_kam_key_accounts"
        )
        uid = self.env.uid
        mine = self.search_count(
            [
                ("is_key_account", "=", True),
                "|",
                ("key_account_manager_id", "=", uid),
                ("user_id", "=", uid),
            ],
            limit=1,
        )
        if mine and not is_kam_manager(self.env, superuser=False):
            action["context"] = {
                "default_is_key_account": True,
                "default_is_company": True,
                "search_default_my_key_accounts": 1,
            }
        return action
