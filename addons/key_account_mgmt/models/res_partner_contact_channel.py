"""How a customer's contact may be reached: her preferred channel (visit, phone, e-mail)
and whether she must not be contacted at all.

A contact marked "Do not contact" (or whose company is) is never proposed; an e-mail
address on Odoo's blacklist (mail's opt-out) rules out e-mail, and a phone number on the
phone blacklist (where phone_validation is installed) rules out calls. One helper gives
the channels allowed for a whole set of contacts with one query per source.

The account's side of the next best action (kam_next_action.py) is here too: its
sentence in the current company and the form's "Do it" button.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .kam_next_action import NEXT_ACTION_KINDS

CONTACT_CHANNELS = [("visit", "Visit"), ("phone", "Phone"), ("email", "E-mail")]
# Without a preference a meeting comes first: the relationship health counts meetings.
DEFAULT_CHANNEL_ORDER = ("visit", "phone", "email")


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_contact_channel = fields.Selection(
        CONTACT_CHANNELS,
        string="Preferred Channel",
        groups="base.group_user",
        help="How this contact wants to be reached. Empty: any channel. The next best "
        "action of the key account proposes a meeting, a call or an e-mail accordingly.",
    )
    kam_do_not_contact = fields.Boolean(
        string="Do not contact",
        groups="base.group_user",
        help="This contact (on a company: all of its contacts) must not be contacted: it is "
        "never proposed as the next best action and no meeting or activity is created "
        "for it.",
    )

    kam_next_action_kind = fields.Selection(
        NEXT_ACTION_KINDS,
        string="Next Action Kind",
        compute="_compute_kam_next_action",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_next_action_text = fields.Char(
        string="Next Best Action",
        compute="_compute_kam_next_action",
        groups="key_account_mgmt.group_kam_user",
        help="The action that wins back the most points of the account's relationship "
        "health in the current company.",
    )

    def _kam_allowed_channels(self):
        """``{partner id: [channels]}``: the channels by which each partner of ``self``
        may be reached, the one to use first. An empty list: she must not be contacted
        (do-not-contact on her or on her company). E-mail needs an address that is not
        blacklisted; a call is offered instead of a blacklisted e-mail when she has a
        phone number, else a visit."""
        partners = self.sudo().with_context(active_test=False)
        emails = {p.email_normalized for p in partners if p.email_normalized}
        blacklisted = set()
        if emails:
            blacklisted = set(
                self.env["mail.blacklist"]
                .sudo()
                .search([("email", "in", list(emails))])
                .mapped("email")
            )
        phone_blocked = "phone_sanitized_blacklisted" in self._fields
        allowed = {}
        for partner in partners:
            if partner.kam_do_not_contact or partner.commercial_partner_id.kam_do_not_contact:
                allowed[partner.id] = []
                continue
            usable = {"visit"}
            if partner.email_normalized and partner.email_normalized not in blacklisted:
                usable.add("email")
            if not (phone_blocked and partner.phone_sanitized_blacklisted):
                usable.add("phone")
            preferred = partner.kam_contact_channel
            if preferred in usable:
                order = [preferred, *(c for c in DEFAULT_CHANNEL_ORDER if c != preferred)]
            elif preferred == "email":
                # No e-mail to this address: a call if she has a number, else a visit.
                has_number = bool(partner.phone or partner.mobile) and "phone" in usable
                order = ["phone", "visit"] if has_number else ["visit", "phone"]
            else:
                order = list(DEFAULT_CHANNEL_ORDER)
            allowed[partner.id] = [channel for channel in order if channel in usable]
        return allowed

    def _kam_current_health(self):
        """``{account id: health row}`` of ``self`` in the current company."""
        healths = self.env["kam.relationship.health"].search(
            [("partner_id", "in", self._origin.ids), ("company_id", "=", self.env.company.id)]
        )
        return {health.partner_id.id: health for health in healths}

    @api.depends_context("company", "lang")
    def _compute_kam_next_action(self):
        healths = self._kam_current_health()
        for partner in self:
            health = healths.get(partner._origin.id)
            partner.kam_next_action_kind = health.next_action_kind if health else False
            partner.kam_next_action_text = health.next_action_text if health else False

    def action_kam_do_next_action(self):
        """The partner form's "Do it": the next best action of the account here."""
        self.ensure_one()
        health = self._kam_current_health().get(self.id)
        if not health:
            raise UserError(
                self.env._(
                    "%(account)s has no relationship health in %(company)s yet: it is "
                    "computed every night for key accounts.",
                    account=self.name,
                    company=self.env.company.name,
                )
            )
        return health.action_kam_do_next_action()
