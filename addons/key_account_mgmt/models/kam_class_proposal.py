from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.access import MANAGER_GROUP, is_kam_manager
from .kam_activity import close_activities, in_lang_of, schedule_activity_once
from .res_partner import ABC_CLASSES

ACTIVITY_TYPE = "key_account_mgmt.mail_activity_type_kam_class_proposal"
DECISION_FIELDS = {
    "state",
    "proposer_id",
    "approver_id",
    "decided_by_id",
    "decision_date",
    "class_at_proposal",
    "computed_class",
    "partner_id",
    "company_id",
}


class KamClassProposal(models.Model):
    _name = "kam.class.proposal"
    _description = "Customer Class Proposal"
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_company", "=", True)],
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    proposed_class = fields.Selection(ABC_CLASSES, required=True)
    class_at_proposal = fields.Selection(ABC_CLASSES, string="Class When Proposed", readonly=True)
    computed_class = fields.Selection(
        ABC_CLASSES, string="Computed Class When Proposed", readonly=True
    )
    reason = fields.Text(required=True, help="Why the customer should get this class.")
    state = fields.Selection(
        [("pending", "Waiting for approval"), ("approved", "Approved"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    proposer_id = fields.Many2one(
        "res.users", string="Proposed by", default=lambda self: self.env.user, readonly=True
    )
    approver_id = fields.Many2one("res.users", readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decision_date = fields.Datetime(readonly=True)
    decision_note = fields.Text()

    @api.constrains("reason")
    def _check_reason(self):
        for proposal in self:
            if not (proposal.reason or "").strip():
                raise ValidationError(self.env._("Give a reason for the proposed class."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["proposer_id"] = self.env.uid
            vals["state"] = "pending"
        proposals = super().create(vals_list)
        for proposal in proposals:
            proposal._check_single_pending()
            partner = proposal.partner_id.with_company(proposal.company_id).sudo()
            proposal.sudo().write(
                {
                    "class_at_proposal": partner.abc_class,
                    "computed_class": partner.abc_class_computed,
                }
            )
            if is_kam_manager(self.env, superuser=False):
                # A manager is an approver: the proposal is a decision at once.
                proposal._approve()
            else:
                proposal._submit()
        return proposals

    def write(self, vals):
        # The decision fields are set by the approval flow (sudo) or by managers only;
        # a proposer may still edit the class, reason and note of a pending proposal.
        decided = DECISION_FIELDS & vals.keys()
        if not is_kam_manager(self.env):
            if decided:
                raise UserError(
                    self.env._(
                        "Only a key account manager can decide on a proposal; use the "
                        "Approve and Reject buttons."
                    )
                )
            self._check_pending()
        return super().write(vals)

    def _check_single_pending(self):
        self.ensure_one()
        if self.partner_id != self.partner_id.commercial_partner_id:
            raise ValidationError(
                self.env._(
                    "Propose the class on the company %(company)s, not on its contact.",
                    company=self.partner_id.commercial_partner_id.display_name,
                )
            )
        other = self.search_count(
            [
                ("id", "!=", self.id),
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "pending"),
            ]
        )
        if other:
            raise UserError(
                self.env._(
                    "%(partner)s already has a class proposal waiting for approval in "
                    "%(company)s. Wait for the decision before proposing again.",
                    partner=self.partner_id.display_name,
                    company=self.company_id.name,
                )
            )

    def _find_approver(self):
        """Company approver, else the proposer's team leader, else any KAM manager."""
        self.ensure_one()
        company = self.company_id
        if company.kam_class_approver_id:
            return company.kam_class_approver_id
        manager_group = self.env.ref(MANAGER_GROUP)
        team = (
            self.env["crm.team"]
            .sudo()
            .search([("member_ids", "in", self.proposer_id.ids), ("user_id", "!=", False)], limit=1)
        )
        if team and manager_group in team.user_id.groups_id:
            return team.user_id
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", manager_group.ids),
                    ("share", "=", False),
                    ("company_ids", "in", company.ids),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
                limit=1,
            )
        )

    def _submit(self):
        self.ensure_one()
        approver = self._find_approver()
        self.sudo().approver_id = approver
        partner = self._kam_chatter_partner()
        partner.message_post(
            body=partner.env._(
                "%(user)s proposes class %(new)s in %(company)s (now %(old)s, computed "
                "%(computed)s). Reason: %(reason)s",
                user=self.proposer_id.name,
                new=self.proposed_class,
                company=self.company_id.name,
                old=self.class_at_proposal or "-",
                computed=self.computed_class or "-",
                reason=self.reason,
            )
        )
        schedule_activity_once(
            partner,
            ACTIVITY_TYPE,
            user_of=lambda _p: approver,
            summary=lambda p: p.env._(
                "Approve class %(cls)s in %(company)s?",
                cls=self.proposed_class,
                company=self.company_id.name,
            ),
            note_of=lambda _p: self.reason,
            company=self.company_id,
        )

    def _kam_chatter_partner(self):
        """The customer, to post on, in the language of its responsible user."""
        partner = self.partner_id.sudo()
        return in_lang_of(partner, partner._kam_responsible_user())

    def _check_manager(self):
        if not is_kam_manager(self.env):
            raise UserError(self.env._("Only a key account manager can decide on a proposal."))

    def _check_pending(self):
        for proposal in self:
            if proposal.state != "pending":
                raise UserError(
                    self.env._(
                        "This proposal was already decided (%(state)s).",
                        state=dict(self._fields["state"].selection)[proposal.state],
                    )
                )

    def action_approve(self):
        """Manager: the proposed class becomes the manual class of the customer."""
        self._check_manager()
        self._check_pending()
        for proposal in self:
            proposal._approve()
        return True

    def _approve(self):
        self.ensure_one()
        source = "proposal" if self.proposer_id != self.env.user else "manual"
        partner = self.partner_id.with_company(self.company_id).sudo()
        partner.with_context(
            kam_class_source=source, kam_class_reason=self.reason, kam_class_chatter_done=True
        ).write({"abc_class_manual": self.proposed_class})
        self.sudo().write(
            {
                "state": "approved",
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        partner = self._kam_chatter_partner()
        partner.message_post(
            body=partner.env._(
                "%(user)s approved class %(new)s in %(company)s. Reason: %(reason)s",
                user=self.env.user.name,
                new=self.proposed_class,
                company=self.company_id.name,
                reason=self.reason,
            )
        )
        close_activities(
            partner,
            ACTIVITY_TYPE,
            feedback=lambda act: act.env._("Approved"),
            company=self.company_id,
        )

    def action_reject(self):
        """Manager: the class stays as it is; the proposer sees why in the chatter."""
        self._check_manager()
        self._check_pending()
        for proposal in self:
            proposal.sudo().write(
                {
                    "state": "rejected",
                    "decided_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                }
            )
            partner = proposal._kam_chatter_partner()
            partner.message_post(
                body=partner.env._(
                    "%(user)s rejected the proposed class %(new)s in %(company)s. %(note)s",
                    user=self.env.user.name,
                    new=proposal.proposed_class,
                    company=proposal.company_id.name,
                    note=proposal.decision_note or "",
                )
            )
            close_activities(
                partner,
                ACTIVITY_TYPE,
                feedback=lambda act: act.env._("Rejected"),
                company=proposal.company_id,
            )
        return True

    def action_submit(self):
        """The dialog's button: the record is already created and submitted on save."""
        return {"type": "ir.actions.act_window_close"}
