"""Activities that are scheduled at most once per record, type, user and company.

An activity about one company of ours (behind its meeting targets, below its key-account
criteria, its SWOT overdue) carries that company in ``kam_company_id``: a record rule
shows it only to users working in that company, and its text speaks of that company
only, in its currency. Each text is written in the language of the user it is for.
"""

from odoo import api, fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    kam_company_id = fields.Many2one(
        "res.company",
        string="Company of the Reminder",
        index="btree_not_null",
        readonly=True,
        help="The company of ours this key-account reminder is about; shown only to users "
        "working in that company.",
    )

    @api.model
    def _kam_split_legacy_reminders(self):
        """On update: reminders made before they were kept per company. A plan review or
        a class proposal reminder gets its company; a meeting, SWOT or key-account review
        reminder spoke of several companies at once: it is removed, and the next daily
        check schedules one per company."""
        Activity = self.sudo()
        types = {
            xmlid: self.env.ref(f"key_account_mgmt.{xmlid}", raise_if_not_found=False)
            for xmlid in LEGACY_TYPES
        }
        legacy = Activity.search(
            [
                ("kam_company_id", "=", False),
                ("activity_type_id", "in", [t.id for t in types.values() if t]),
            ]
        )
        if not legacy:
            return
        plan_type = types["mail_activity_type_kam_plan_review"]
        proposal_type = types["mail_activity_type_kam_class_proposal"]
        for activity in legacy.filtered(lambda a: a.activity_type_id == plan_type):
            plan = self.env["kam.account.plan"].sudo().browse(activity.res_id).exists()
            activity.kam_company_id = plan.company_id
        proposals = self.env["kam.class.proposal"].sudo()
        for activity in legacy.filtered(lambda a: a.activity_type_id == proposal_type):
            pending = proposals.search(
                [("partner_id", "=", activity.res_id), ("state", "=", "pending")], limit=1
            )
            activity.kam_company_id = pending.company_id
        legacy.filtered(lambda a: a.activity_type_id not in (plan_type | proposal_type)).unlink()


# Reminder types of this module.
LEGACY_TYPES = (
    "mail_activity_type_kam_plan_review",
    "mail_activity_type_kam_class_proposal",
    "mail_activity_type_kam_meetings_behind",
    "mail_activity_type_kam_swot_overdue",
    "mail_activity_type_kam_review_key_account",
)


def in_lang_of(records, user):
    """``records`` in the language of ``user`` (texts generated for that user)."""
    lang = user.lang if user else None
    return records.with_context(lang=lang) if lang else records


def schedule_activity_once(
    records, type_xmlid, user_of, summary, note_of=None, deadline_of=None, company=None
):
    """Schedule an activity of ``type_xmlid`` on each record that has none open yet.

    ``user_of(record)`` gives the assignee (records without one are skipped; with
    ``company``, so are users who do not work in that company). ``summary`` is a text or
    ``summary(record)``; ``note_of(record)`` and ``deadline_of(record)`` give the optional
    note and due date. The callables get the record in the assignee's language, so that
    ``record.env._(...)`` speaks it. One search for all records finds the open activities,
    so a daily cron never creates a duplicate. Returns the created activities.
    """
    env = records.env
    Activity = env["mail.activity"].sudo()
    activity_type = env.ref(type_xmlid)
    if not records:
        return Activity
    model_id = env["ir.model"]._get_id(records._name)
    existing = {
        (act.res_id, act.user_id.id, act.kam_company_id.id)
        for act in Activity.search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
    }
    company_id = company.id if company else False
    today = fields.Date.context_today(records)
    vals_list = []
    for record in records:
        user = user_of(record)
        if not user or (record.id, user.id, company_id) in existing:
            continue
        if company and company not in user.sudo().company_ids:
            continue
        existing.add((record.id, user.id, company_id))
        local = in_lang_of(record.with_company(company) if company else record, user)
        vals_list.append(
            {
                "res_model_id": model_id,
                "res_id": record.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "kam_company_id": company_id,
                "summary": summary(local) if callable(summary) else summary,
                "note": note_of(local) if note_of else False,
                "date_deadline": (deadline_of(record) if deadline_of else None) or today,
            }
        )
    return Activity.create(vals_list)


def close_activities(records, type_xmlid, feedback=None, company=None):
    """Mark the open activities of ``type_xmlid`` on ``records`` as done (with
    ``company``: only the reminders about that company). ``feedback`` is a text or
    ``feedback(activity)``, called with the activity in its assignee's language."""
    env = records.env
    domain = [
        ("res_model", "=", records._name),
        ("res_id", "in", records.ids),
        ("activity_type_id", "=", env.ref(type_xmlid).id),
    ]
    if company:
        domain.append(("kam_company_id", "=", company.id))
    activities = env["mail.activity"].sudo().search(domain)
    for activity in activities:
        text = feedback(in_lang_of(activity, activity.user_id)) if callable(feedback) else feedback
        activity.action_feedback(feedback=text)
    return activities


def close_outdated_reminders(model, type_xmlid, still_due, feedback):
    """Close the open reminders of ``type_xmlid`` on records of ``model`` whose
    (record id, company id) is not in ``still_due`` any more: the account caught up, so the
    reminder would contradict the screens of its company. ``feedback(activity)`` gets the
    activity in its assignee's language."""
    activities = (
        model.env["mail.activity"]
        .sudo()
        .search(
            [
                ("res_model", "=", model._name),
                ("activity_type_id", "=", model.env.ref(type_xmlid).id),
                ("kam_company_id", "!=", False),
            ]
        )
    )
    outdated = activities.filtered(lambda a: (a.res_id, a.kam_company_id.id) not in still_due)
    for activity in outdated:
        activity.action_feedback(feedback=feedback(in_lang_of(activity, activity.user_id)))
    return outdated
