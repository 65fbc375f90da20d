"""How a key account is followed up, as the account's indicators: SWOT reviewed this year,
meetings against the targets, over-served for its class, contacts on enough levels of
the customer's organisation, the current account plan and the service level of its
class; with the daily reminder of overdue SWOTs."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_activity import close_outdated_reminders, schedule_activity_once

SWOT_OVERDUE_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_swot_overdue"
# Contacts should span several levels of the customer's organisation.
MIN_ORG_LEVELS = 2


class ResPartner(models.Model):
    # One file per concern of the partner extension (models/__init__.py lists them).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_swot_item_ids = fields.One2many(
        "kam.swot.item", "partner_id", string="SWOT", groups="key_account_mgmt.group_kam_user"
    )
    kam_swot_last_date = fields.Date(
        string="SWOT Last Reviewed",
        compute="_compute_kam_swot",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_swot_overdue = fields.Boolean(
        string="SWOT Overdue",
        compute="_compute_kam_swot",
        search="_search_kam_swot_overdue",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_meeting_status_ids = fields.One2many(
        "kam.meeting.status",
        "partner_id",
        string="Meeting Status",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_meetings_behind = fields.Boolean(
        string="Behind Meeting Targets",
        compute="_compute_kam_meetings_behind",
        search="_search_kam_meetings_behind",
        groups="base.group_user",
    )
    kam_account_plan_ids = fields.One2many(
        "kam.account.plan",
        "partner_id",
        string="Account Plans",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_current_plan_id = fields.Many2one(
        "kam.account.plan",
        string="Current Account Plan",
        compute="_compute_kam_current_plan_id",
        groups="key_account_mgmt.group_kam_user",
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
    # Indicators
    # ===================================================================================
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
        reasons = self.env["kam.meeting.status"]._kam_overserved_reasons(
            self.env.company, self._origin.ids
        )
        for partner in self:
            reason = reasons.get(partner._origin.id)
            partner.kam_overserved = bool(reason)
            partner.kam_overserved_reason = reason or False

    def _search_kam_overserved(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Over-served."))
        overserved_ids = list(
            self.env["kam.meeting.status"]._kam_overserved_reasons(self.env.company)
        )
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
