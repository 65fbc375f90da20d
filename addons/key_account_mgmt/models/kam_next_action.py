"""The next best action of a key account: its health line with the largest gap turned
into one concrete proposal (meet, call or e-mail a contact of a stakeholder group, find a
contact, review the SWOT, hold the plan review, call the customer turning passive, talk
about falling revenue), and the click that creates the prefilled calendar event or
activity.

Contacts who must not be contacted are never proposed, and the channel follows the
contact's preference and the blacklist (``res.partner._kam_allowed_channels``). The
proposal is written set-based when the health engine has written its rows
(``_kam_after_compute``); its sentence is computed in the reader's language.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.access import is_kam_manager
from ..tools.meetings import customer_meetings_sql

NEXT_ACTION_KINDS = [
    ("meeting", "Meet a contact"),
    ("call", "Call a contact"),
    ("email", "E-mail a contact"),
    ("find_contact", "Find a contact"),
    ("swot", "Review the SWOT"),
    ("review", "Hold the plan review"),
    ("passive", "Call the customer turning passive"),
    ("revenue", "Talk about falling revenue"),
]
# Factors answered by reaching a contact of a stakeholder group.
CONTACT_FACTORS = ("meetings", "coverage", "freshness")
# Factors answered by the account's owner (the customer model adds p_alive and revenue).
FACTOR_KINDS = {"swot": "swot", "review": "review", "p_alive": "passive", "revenue": "revenue"}
# Factors whose action reaches the customer: never for a do-not-contact account.
CUSTOMER_KINDS = ("passive", "revenue")
# Equal gaps: a meeting with a person first, paperwork last.
FACTOR_ORDER = ("meetings", "freshness", "coverage", "p_alive", "revenue", "review", "swot")
CHANNEL_KINDS = {"visit": "meeting", "phone": "call", "email": "email"}
KIND_CHANNELS = {kind: channel for channel, kind in CHANNEL_KINDS.items()}
ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "email": "mail.mail_activity_data_email",
    "passive": "mail.mail_activity_data_call",
}
TODO_TYPE = "mail.mail_activity_data_todo"
MEETING_HOUR = 10


def _factor_rank(factor):
    return FACTOR_ORDER.index(factor) if factor in FACTOR_ORDER else len(FACTOR_ORDER)


class KamRelationshipHealth(models.Model):
    _inherit = "kam.relationship.health"

    next_action_kind = fields.Selection(NEXT_ACTION_KINDS, string="Next Action", readonly=True)
    next_action_contact_id = fields.Many2one(
        "res.partner", string="Contact to Reach", readonly=True, ondelete="set null"
    )
    next_action_group_id = fields.Many2one(
        "kam.stakeholder.group",
        string="Stakeholder Group of the Action",
        readonly=True,
        ondelete="set null",
    )
    next_action_factor = fields.Selection(
        selection="_selection_next_action_factor", string="Factor of the Action", readonly=True
    )
    next_action_line_id = fields.Many2one(
        "kam.relationship.health.line",
        string="Line of the Action",
        readonly=True,
        ondelete="set null",
    )
    next_action_text = fields.Char(
        string="Next Best Action",
        compute="_compute_next_action_text",
        help="The health line that loses the most points, as one concrete action.",
    )

    def _selection_next_action_factor(self):
        return self.env["kam.relationship.health.line"]._fields["factor"].selection

    # ===================================================================================
    # The proposal, set-based
    # ===================================================================================
    def _kam_after_compute(self):
        res = super()._kam_after_compute()
        self._kam_write_next_actions()
        return res

    def _kam_write_next_actions(self):
        """Write the next best action of every health row of ``self`` in one UPDATE,
        from its applicable lines with a gap (largest first, ties by FACTOR_ORDER)."""
        healths = self.sudo().exists()
        if not healths:
            return
        lines = (
            self.env["kam.relationship.health.line"]
            .sudo()
            .search([("health_id", "in", healths.ids), ("applicable", "=", True), ("gap", ">", 0)])
        )
        lines_of = defaultdict(list)
        for line in lines.sorted(lambda ln: (-ln.gap, _factor_rank(ln.factor), ln.id)):
            lines_of[line.health_id.id].append(line)
        context = healths._kam_contact_context()
        rows = []
        for health in healths:
            proposal = {}
            for line in lines_of.get(health.id, ()):
                proposal = health._kam_proposal_of(line, context)
                if proposal:
                    break
            rows.append(
                (
                    health.id,
                    proposal.get("kind"),
                    proposal.get("contact_id"),
                    proposal.get("group_id"),
                    proposal.get("factor"),
                    proposal.get("line_id"),
                )
            )
        columns = [list(col) for col in zip(*rows, strict=True)]
        self.env.cr.execute(
            SQL(
                """UPDATE kam_relationship_health h
                      SET next_action_kind = v.kind, next_action_contact_id = v.contact_id,
                          next_action_group_id = v.group_id, next_action_factor = v.factor,
                          next_action_line_id = v.line_id
                     FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::varchar[]) AS kind,
                                  unnest(%s::int[]) AS contact_id, unnest(%s::int[]) AS group_id,
                                  unnest(%s::varchar[]) AS factor, unnest(%s::int[]) AS line_id
                          ) v
                    WHERE h.id = v.id""",
                *columns,
            )
        )
        healths.invalidate_recordset(
            [
                "next_action_kind",
                "next_action_contact_id",
                "next_action_group_id",
                "next_action_factor",
                "next_action_line_id",
                "next_action_text",
            ]
        )

    def _kam_contact_context(self):
        """What the proposals of ``self`` need, read in a few queries: the contacts of
        each account, the channels each may be reached by, and when each was last met
        in each company."""
        accounts = self.partner_id
        contacts = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", accounts.ids),
                    ("id", "not in", accounts.ids),
                    ("type", "=", "contact"),
                ]
            )
        )
        contacts |= (
            self.env["kam.relationship.health.line"]
            .sudo()
            .search([("health_id", "in", self.ids), ("contact_id", "!=", False)])
            .contact_id
        )
        contacts_of = defaultdict(lambda: self.env["res.partner"])
        for contact in contacts:
            contacts_of[contact.commercial_partner_id.id] |= contact
        return {
            "contacts_of": contacts_of,
            "channels": contacts._kam_allowed_channels(),
            "last_met": self._kam_last_meetings(accounts),
            "blocked_accounts": set(accounts.filtered("kam_do_not_contact").ids),
        }

    def _kam_last_meetings(self, accounts):
        """``{(company id, contact id): start of the last meeting held}`` for the
        contacts of ``accounts`` in the companies of ``self``: one query."""
        if not accounts:
            return {}
        meetings = customer_meetings_sql(
            accounts=accounts.ids,
            company_ids=self.company_id.ids,
            start_before=fields.Datetime.now(),
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT company_id, contact_id, MAX(start) FROM (%s) m GROUP BY 1, 2",
                meetings,
            )
        )
        return {(cid, pid): start for cid, pid, start in self.env.cr.fetchall()}

    def _kam_proposal_of(self, line, context):
        """The proposal that answers ``line`` (a dict of the next_action_* values), or
        an empty dict when it cannot be answered (the customer must not be contacted)."""
        self.ensure_one()
        factor = line.factor
        account = self.partner_id
        blocked = account.id in context["blocked_accounts"]
        proposal = {"factor": factor, "line_id": line.id}
        if factor in CONTACT_FACTORS:
            if blocked:
                return {}
            group = line.stakeholder_group_id or line.contact_id.kam_stakeholder_group_id
            contact = self.env["res.partner"]
            # A coverage gap without a contact is a group (or level) nobody covers yet.
            if factor != "coverage" or line.contact_id:
                contact = self._kam_reachable_contact(line.contact_id, group, context, stalest=True)
            return {
                **proposal,
                "kind": (
                    CHANNEL_KINDS[context["channels"][contact.id][0]] if contact else "find_contact"
                ),
                "contact_id": contact.id or None,
                "group_id": group.id or None,
            }
        kind = FACTOR_KINDS.get(factor)
        if not kind:
            return {}
        if kind not in CUSTOMER_KINDS:
            return {**proposal, "kind": kind}
        if blocked:
            return {}
        # Someone who knows us: the line's contact, else the one met last.
        contact = self._kam_reachable_contact(line.contact_id, None, context, stalest=False)
        return {
            **proposal,
            "kind": kind,
            "contact_id": contact.id or None,
            "group_id": contact.kam_stakeholder_group_id.id or None,
        }

    def _kam_reachable_contact(self, preferred, group, context, stalest):
        """``preferred`` if she may be contacted, else another contact of the account
        (of ``group`` when given) who may: the one met longest ago (never met first)
        when ``stalest``, else the one met last. Empty when nobody may be."""
        channels = context["channels"]
        if preferred and channels.get(preferred.id):
            return preferred
        candidates = context["contacts_of"][self.partner_id.id].filtered(
            lambda c: (
                channels.get(c.id)
                and (not group or c.kam_stakeholder_group_id == group)
                and c.active
            )
        )
        if not candidates:
            return candidates
        never = datetime.min
        last_met = context["last_met"]
        company_id = self.company_id.id

        def met(contact):
            return last_met.get((company_id, contact.id)) or never

        if stalest:
            ordered = candidates.sorted(lambda c: (met(c), c.name or "", c.id))
        else:
            ordered = candidates.sorted(lambda c: (met(c), c.id), reverse=True)
        return ordered[0]

    # ===================================================================================
    # The sentence, in the reader's language
    # ===================================================================================
    @api.depends_context("lang")
    @api.depends(
        "next_action_kind",
        "next_action_contact_id",
        "next_action_group_id",
        "next_action_line_id",
    )
    def _compute_next_action_text(self):
        staffed = self._kam_staffed_groups()
        for health in self:
            health.next_action_text = health._kam_next_action_sentence(staffed) or False

    def _kam_staffed_groups(self):
        """``{(account id, group id)}`` of the find-a-contact proposals of ``self`` whose
        group has contacts (all of whom must not be contacted)."""
        find = self.filtered(lambda h: h.next_action_kind == "find_contact")
        if not find.next_action_group_id:
            return set()
        rows = (
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [
                    ("commercial_partner_id", "in", find.partner_id.ids),
                    ("kam_stakeholder_group_id", "in", find.next_action_group_id.ids),
                    ("type", "=", "contact"),
                ],
                ["commercial_partner_id", "kam_stakeholder_group_id"],
            )
        )
        return {(account.id, group.id) for account, group in rows}

    def _kam_next_action_sentence(self, staffed=()):
        """The proposal as one sentence: what to do, with whom, and the line's reason."""
        self.ensure_one()
        _ = self.env._
        kind = self.next_action_kind
        if not kind:
            return ""
        contact = self.next_action_contact_id.sudo().name
        group = self.next_action_group_id.sudo().name
        account = self.partner_id.sudo().name
        who = _("%(contact)s (%(group)s)", contact=contact, group=group) if group else contact
        if kind == "meeting":
            head = _("Meet %(who)s", who=who)
        elif kind == "call":
            head = _("Call %(who)s", who=who)
        elif kind == "email":
            head = _("E-mail %(who)s", who=who)
        elif kind == "find_contact":
            if group and (self.partner_id.id, self.next_action_group_id.id) in staffed:
                return _("No contact may be reached in %(group)s: find a new contact", group=group)
            if group:
                head = _("Find a contact in %(group)s", group=group)
            else:
                head = _("Find a new contact at %(account)s", account=account)
        elif kind == "swot":
            head = _("Review the SWOT")
        elif kind == "review":
            head = _("Hold the plan review")
        elif kind == "passive":
            head = _("Call %(who)s: the customer is turning passive", who=contact or account)
        else:
            head = _("Talk with %(who)s about the falling revenue", who=contact or account)
        reason = self._kam_next_action_reason()
        if not reason:
            return head
        if kind in CUSTOMER_KINDS:
            return _("%(action)s (%(reason)s)", action=head, reason=reason)
        return _("%(action)s: %(reason)s", action=head, reason=reason)

    def _kam_next_action_reason(self):
        """Why: the line's figures, without the group or contact the action already
        names (the line's own text where there is nothing to leave out)."""
        line = self.next_action_line_id.sudo()
        params = line.params or {}
        _ = self.env._
        if line.factor == "meetings" and line.stakeholder_group_id and "due" in params:
            return _(
                "%(held)s of %(due)s meetings due by now held",
                held=params.get("held", 0),
                due=params["due"],
            )
        if line.factor == "coverage" and line.stakeholder_group_id and "groups" in params:
            return _(
                "%(covered)s of %(groups)s stakeholder groups have a contact",
                covered=params.get("covered", 0),
                groups=params["groups"],
            )
        if line.factor == "freshness" and "key_contacts" in params:
            if self.next_action_contact_id != line.contact_id:
                return _(
                    "%(fresh)s of %(count)s key contacts met on time",
                    fresh=params.get("fresh", 0),
                    count=params["key_contacts"],
                )
            if params.get("days") is None:
                return _("never met")
            return _(
                "last met %(days)s days ago (every %(interval)s days wanted)",
                days=params["days"],
                interval=params.get("interval", 0),
            )
        return line.text or ""

    def _kam_activity_summary(self):
        """The short title of the activity a click schedules."""
        self.ensure_one()
        _ = self.env._
        kind = self.next_action_kind
        contact = self.next_action_contact_id.name
        group = self.next_action_group_id.name
        if kind == "call":
            return _("Call %(contact)s", contact=contact)
        if kind == "email":
            return _("E-mail %(contact)s", contact=contact)
        if kind == "find_contact":
            if group:
                return _("Find a contact in %(group)s", group=group)
            return _("Find a new contact")
        return dict(self._fields["next_action_kind"]._description_selection(self.env))[kind]

    # ===================================================================================
    # The click
    # ===================================================================================
    def _kam_check_next_action_access(self):
        """Only the account's salesperson or key account manager, or a key account
        manager, acts on its next best action."""
        self.ensure_one()
        if is_kam_manager(self.env):
            return
        account = self.partner_id.sudo()
        if self.env.user not in account.user_id | account.key_account_manager_id:
            raise AccessError(
                self.env._(
                    "Only the salesperson or the key account manager of %(account)s, or a "
                    "key account manager, can act on its next best action.",
                    account=account.name,
                )
            )

    def _kam_check_still_reachable(self):
        """At click time: the contact (or the customer) may still be reached by the
        proposed channel; else a clear error and nothing is written."""
        self.ensure_one()
        kind = self.next_action_kind
        contact = self.next_action_contact_id
        if kind in CUSTOMER_KINDS and self.partner_id.sudo().kam_do_not_contact:
            raise UserError(
                self.env._(
                    "%(account)s must not be contacted any more: the proposal is out of "
                    "date and will be replaced at the next health computation.",
                    account=self.partner_id.sudo().name,
                )
            )
        if not contact:
            return
        channels = contact._kam_allowed_channels().get(contact.id, [])
        if not channels:
            raise UserError(
                self.env._(
                    "%(contact)s must not be contacted any more: choose another contact, "
                    "or wait for the next health computation, which proposes one.",
                    contact=contact.sudo().name,
                )
            )
        channel = KIND_CHANNELS.get(kind)
        if channel and channel not in channels:
            raise UserError(
                self.env._(
                    "%(contact)s may no longer be reached this way (e-mail address "
                    "blacklisted, or another preferred channel): the next health "
                    "computation proposes how to reach her.",
                    contact=contact.sudo().name,
                )
            )

    def action_kam_do_next_action(self):
        """Carry out the next best action: a meeting opens a prefilled calendar event
        (created once: while one with the contact is planned, the click opens it);
        the other actions schedule one activity on the account for the current user
        (again only when the previous one is done)."""
        self.ensure_one()
        self._kam_check_next_action_access()
        if not self.next_action_kind:
            raise UserError(
                self.env._(
                    "%(account)s has no next best action: no line of its relationship "
                    "health loses points that an action can win back.",
                    account=self.partner_id.sudo().name,
                )
            )
        self._kam_check_still_reachable()
        if self.next_action_kind == "meeting":
            return self._kam_open_meeting()
        return self._kam_schedule_activity()

    def _kam_next_working_day_start(self):
        """Next working day (Monday to Friday) at 10:00 in the user's time zone, as UTC."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        day = fields.Date.context_today(self) + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        local = tz.localize(datetime.combine(day, time(MEETING_HOUR)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _kam_open_meeting(self):
        user = self.env.user
        contact = self.next_action_contact_id
        Event = self.env["calendar.event"]
        event = Event.search(
            [
                ("partner_ids", "in", contact.id),
                ("start", ">=", fields.Datetime.now()),
                "|",
                ("user_id", "=", user.id),
                ("partner_ids", "in", user.partner_id.id),
            ],
            order="start",
            limit=1,
        )
        if not event:
            start = self._kam_next_working_day_start()
            # No invitation is mailed yet: the user checks the time first and sends it
            # from the event.
            event = Event.with_context(no_mail_to_attendees=True).create(
                {
                    "name": self.env._(
                        "Meeting: %(contact)s, %(account)s",
                        contact=contact.sudo().name,
                        account=self.partner_id.sudo().name,
                    ),
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "duration": 1.0,
                    "user_id": user.id,
                    "partner_ids": [(6, 0, (user.partner_id | contact).ids)],
                    "description": Markup("<p>%s</p>") % self.next_action_text,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": event.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _kam_schedule_activity(self):
        user = self.env.user
        account = self.partner_id
        activity_type = self.env.ref(ACTIVITY_TYPES.get(self.next_action_kind, TODO_TYPE))
        summary = self._kam_activity_summary()
        Activity = self.env["mail.activity"]
        existing = Activity.search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", account.id),
                ("user_id", "=", user.id),
                ("activity_type_id", "=", activity_type.id),
                ("summary", "=", summary),
            ],
            limit=1,
        )
        if existing:
            message = self.env._(
                "Already planned: %(summary)s (due %(date)s).",
                summary=summary,
                date=existing.date_deadline,
            )
        else:
            Activity.create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": account.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "kam_company_id": self.company_id.id,
                    "summary": summary,
                    "note": Markup("<p>%s</p>") % escape(self.next_action_text or ""),
                    "date_deadline": activity_type._get_date_deadline(),
                }
            )
            message = self.env._("Activity scheduled: %(summary)s", summary=summary)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
