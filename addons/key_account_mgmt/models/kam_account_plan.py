from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from .kam_activity import close_activities, schedule_activity_once
from .kam_swot_item import SWOT_TYPES

SWOT_ORDER = [key for key, _label in SWOT_TYPES]

# The key-account process study: the plan is reviewed quarterly by sales management with the KAM.
REVIEW_INTERVAL_MONTHS = 3
REVIEW_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_plan_review"
# A closed plan is finished: its reviews are never overdue. Drafts and active plans are.
FINISHED_STATES = ("closed",)


class KamAccountPlan(models.Model):
    _name = "kam.account.plan"
    _description = "Key Account Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain=[("is_company", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        check_company=True,
    )
    date_start = fields.Date(
        string="Period Start", required=True, default=fields.Date.context_today
    )
    date_end = fields.Date(string="Period End")
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    value_short_term = fields.Text()
    value_long_term = fields.Text()
    development_targets = fields.Text(string="Key Development Targets")
    risks = fields.Text()
    goal_ids = fields.One2many("kam.account.plan.goal", "plan_id", string="Goals", copy=True)
    action_ids = fields.One2many("kam.account.plan.action", "plan_id", string="Actions")
    resource_ids = fields.One2many(
        "kam.account.plan.resource", "plan_id", string="Resource Allocation", copy=True
    )
    review_ids = fields.One2many("kam.account.plan.review", "plan_id", string="Reviews")
    contact_ids = fields.One2many(
        related="partner_id.child_ids", string="Contact Map", readonly=True
    )
    contact_level_count = fields.Integer(
        string="Organisation Levels Covered", related="partner_id.kam_org_level_count"
    )
    contact_level_warning = fields.Boolean(
        string="Contacts on Too Few Levels", related="partner_id.kam_org_level_warning"
    )
    total_hours_per_month = fields.Float(compute="_compute_total_hours", store=True)
    last_review_date = fields.Date(compute="_compute_review_dates", store=True)
    next_review_date = fields.Date(
        string="Next Review Due",
        compute="_compute_review_dates",
        store=True,
        help="Three months after the last review; before the first review, three months "
        "after the start of the period.",
    )
    review_overdue = fields.Boolean(
        compute="_compute_review_overdue",
        search="_search_review_overdue",
        help="The next review date has passed and the plan is not closed (drafts too).",
    )
    report_filename = fields.Char(compute="_compute_report_filename")

    @api.depends("partner_id")
    def _compute_user_id(self):
        # The customer's key account manager, else its salesperson, if they work in the
        # plan's company (a shared customer's KAM may work in another company of ours).
        for plan in self:
            responsible = (
                plan.partner_id.key_account_manager_id | plan.partner_id.user_id
            ).filtered(lambda user, plan=plan: plan.company_id in user.company_ids)
            plan.user_id = responsible[:1] or plan.user_id

    @api.depends("resource_ids.hours_per_month")
    def _compute_total_hours(self):
        for plan in self:
            plan.total_hours_per_month = sum(plan.resource_ids.mapped("hours_per_month"))

    @api.depends("review_ids.date", "date_start")
    def _compute_review_dates(self):
        for plan in self:
            last = max(plan.review_ids.mapped("date"), default=False)
            plan.last_review_date = last
            base = last or plan.date_start
            plan.next_review_date = base and base + relativedelta(months=REVIEW_INTERVAL_MONTHS)

    @api.depends("next_review_date", "state")
    def _compute_review_overdue(self):
        today = fields.Date.context_today(self)
        for plan in self:
            plan.review_overdue = bool(
                plan.state not in FINISHED_STATES
                and plan.next_review_date
                and plan.next_review_date < today
            )

    def _search_review_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Review Overdue."))
        overdue = [
            ("state", "not in", FINISHED_STATES),
            ("next_review_date", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    @api.depends_context("lang")
    @api.depends("name", "partner_id.name", "date_start", "date_end")
    def _compute_report_filename(self):
        for plan in self:
            plan.report_filename = plan.env._(
                "%(plan)s - %(partner)s - %(period)s",
                plan=plan.name or "",
                partner=plan.partner_id.name or "",
                period=plan._kam_period_text(),
            )

    def _kam_period_text(self):
        """The plan's period in the user's date format, e.g. 1.1.2026-31.12.2026."""
        self.ensure_one()
        start = format_date(self.env, self.date_start) if self.date_start else ""
        if not self.date_end:
            return self.env._("from %(start)s", start=start)
        return f"{start}\N{EN DASH}{format_date(self.env, self.date_end)}"

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end and plan.date_end < plan.date_start:
                raise ValidationError(
                    self.env._("The period of plan %(plan)s ends before it starts.", plan=plan.name)
                )

    @api.constrains("state", "partner_id", "company_id")
    def _check_single_active(self):
        active = self.filtered(lambda p: p.state == "active")
        if not active:
            return
        # One grouped query for the whole batch instead of a count per plan.
        counts = {
            (partner.id, company.id): count
            for partner, company, count in self.sudo()._read_group(
                [
                    ("partner_id", "in", active.partner_id.ids),
                    ("company_id", "in", active.company_id.ids),
                    ("state", "=", "active"),
                ],
                ["partner_id", "company_id"],
                ["__count"],
            )
        }
        for plan in active:
            if counts.get((plan.partner_id.id, plan.company_id.id), 0) > 1:
                raise ValidationError(
                    self.env._(
                        "%(partner)s already has an active account plan in %(company)s: "
                        "close it before activating another one.",
                        partner=plan.partner_id.display_name,
                        company=plan.company_id.name,
                    )
                )

    def action_activate(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be activated."))
        self.write({"state": "active"})
        self._kam_schedule_review_reminders()
        return True

    def action_close(self):
        self.write({"state": "closed"})
        close_activities(self, REVIEW_ACTIVITY, feedback=lambda act: act.env._("Plan closed"))
        return True

    def action_reset_to_draft(self):
        self.write({"state": "draft"})
        return True

    def _kam_schedule_review_reminders(self):
        """One open 'quarterly review' activity per active plan, due on the next review."""
        plans = self.filtered(lambda p: p.state == "active" and p.next_review_date)
        activities = self.env["mail.activity"]
        for company in plans.company_id:
            activities |= schedule_activity_once(
                plans.filtered(lambda p, c=company: p.company_id == c),
                REVIEW_ACTIVITY,
                user_of=lambda p: p.user_id,
                summary=lambda p: p.env._(
                    "Quarterly review of the account plan %(plan)s", plan=p.name
                ),
                deadline_of=lambda p: p.next_review_date,
                company=company,
            )
        return activities

    @api.model
    def _cron_kam_plan_reviews(self):
        """Daily: every active plan has its review reminder (never twice)."""
        return self.sudo().search([("state", "=", "active")])._kam_schedule_review_reminders()

    def _kam_report_swot_items(self):
        """The SWOT of the plan's account in the plan's company, for the printed plan."""
        self.ensure_one()
        return (
            self.env["kam.swot.item"]
            .search(
                [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
            )
            .sorted(lambda item: (SWOT_ORDER.index(item.swot_type), -item.impact, item.id))
        )

    def action_print(self):
        # The report reads the plans: whoever cannot read them gets no print action.
        self.check_access("read")
        return self.env.ref("key_account_mgmt.action_report_kam_account_plan").report_action(self)
