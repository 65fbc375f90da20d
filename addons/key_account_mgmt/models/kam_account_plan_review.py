from odoo import api, fields, models

from .kam_account_plan import REVIEW_ACTIVITY
from .kam_activity import close_activities


class KamAccountPlanReview(models.Model):
    _name = "kam.account.plan.review"
    _description = "Quarterly Account Plan Review"
    _order = "date desc, id desc"

    plan_id = fields.Many2one("kam.account.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    participant_ids = fields.Many2many("res.users", string="Participants")
    conclusions = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        plans = reviews.plan_id
        # The review is done: the old reminder is closed, the next one is scheduled.
        close_activities(plans, REVIEW_ACTIVITY, feedback=self.env._("Reviewed"))
        for review in reviews:
            review.plan_id.message_post(
                body=self.env._(
                    "Quarterly review of %(date)s recorded. Next review due %(next)s.",
                    date=review.date,
                    next=review.plan_id.next_review_date,
                )
            )
        plans._kam_schedule_review_reminders()
        return reviews
