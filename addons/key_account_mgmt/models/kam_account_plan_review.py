from odoo import api, fields, models
from odoo.tools import format_date

from .kam_account_plan import REVIEW_ACTIVITY
from .kam_activity import close_activities, in_lang_of


class KamAccountPlanReview(models.Model):
    _name = "kam.account.plan.review"
    _description = "Quarterly Account Plan Review"
    _order = "date desc, id desc"
    _check_company_auto = True

    plan_id = fields.Many2one("kam.account.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    participant_ids = fields.Many2many("res.users", string="Participants", check_company=True)
    conclusions = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        plans = reviews.plan_id
        # The review is done: the old reminder is closed, the next one is scheduled.
        close_activities(plans, REVIEW_ACTIVITY, feedback=lambda act: act.env._("Reviewed"))
        for review in reviews:
            # In the language of the plan's key account manager.
            plan = in_lang_of(review.plan_id, review.plan_id.user_id)
            plan.message_post(
                body=plan.env._(
                    "Quarterly review of %(date)s recorded. Next review due %(next)s.",
                    date=format_date(plan.env, review.date),
                    next=format_date(plan.env, plan.next_review_date),
                )
            )
        plans._kam_schedule_review_reminders()
        return reviews
