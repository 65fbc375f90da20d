"""Activities that are scheduled at most once per record, type and user."""

from odoo import fields


def schedule_activity_once(records, type_xmlid, user_of, summary, note_of=None, deadline_of=None):
    """Schedule an activity of ``type_xmlid`` on each record that has none open yet.

    ``user_of(record)`` gives the assignee (records without one are skipped),
    ``note_of`` and ``deadline_of`` the optional note and due date. One search for all
    records finds the open activities, so a daily cron never creates a duplicate.
    Returns the created activities.
    """
    env = records.env
    Activity = env["mail.activity"].sudo()
    activity_type = env.ref(type_xmlid)
    if not records:
        return Activity
    model_id = env["ir.model"]._get_id(records._name)
    existing = {
        (act.res_id, act.user_id.id)
        for act in Activity.search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
    }
    today = fields.Date.context_today(records)
    vals_list = []
    for record in records:
        user = user_of(record)
        if not user or (record.id, user.id) in existing:
            continue
        existing.add((record.id, user.id))
        vals_list.append(
            {
                "res_model_id": model_id,
                "res_id": record.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "summary": summary,
                "note": note_of(record) if note_of else False,
                "date_deadline": (deadline_of(record) if deadline_of else None) or today,
            }
        )
    return Activity.create(vals_list)


def close_activities(records, type_xmlid, feedback=None):
    """Mark the open activities of ``type_xmlid`` on ``records`` as done."""
    env = records.env
    activities = (
        env["mail.activity"]
        .sudo()
        .search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", env.ref(type_xmlid).id),
            ]
        )
    )
    if activities:
        activities.action_feedback(feedback=feedback)
    return activities
