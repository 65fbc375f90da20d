"""What counts as a meeting with a customer, in which company: one definition for the
meeting status, the over-served rule and the monthly KPIs.

A meeting is an active calendar event with a contact of the customer among its
attendees; a contact who declined does not make it a meeting with the customer (another
contact of the same customer who did not decline does). The organiser's own contact and
the contacts of our internal users are not customers. Calendar events have no company:
a meeting counts for each company its organiser works in (the user's allowed companies),
when the customer is shared or belongs to that company. An event without an organiser
counts for no company.
"""

from odoo.tools import SQL


def customer_meetings_sql(accounts=None, company_ids=None, start_from=None, start_before=None):
    """A query of the meetings with customers, one row per event, customer contact and
    company: ``event_id, start, user_id, company_id, partner_id`` (the commercial
    partner), ``contact_id``, ``stakeholder_group_id`` (of the contact). Count events
    with ``COUNT(DISTINCT event_id)``.

    ``accounts``: a list of commercial partner ids or an ``SQL`` query of them;
    ``company_ids``: a list of company ids; ``start_from`` / ``start_before``: bounds of
    the event start (values or ``SQL`` expressions). None leaves the rows unrestricted.
    """
    conditions = []
    if accounts is not None:
        if isinstance(accounts, SQL):
            conditions.append(SQL("contact.commercial_partner_id IN (%s)", accounts))
        else:
            conditions.append(SQL("contact.commercial_partner_id = ANY(%s)", list(accounts)))
    if company_ids is not None:
        conditions.append(SQL("cu.cid = ANY(%s)", list(company_ids)))
    if start_from is not None:
        conditions.append(SQL("e.start >= %s", start_from))
    if start_before is not None:
        conditions.append(SQL("e.start < %s", start_before))
    return SQL(
        """SELECT e.id AS event_id, e.start, e.user_id, cu.cid AS company_id,
                  contact.commercial_partner_id AS partner_id, contact.id AS contact_id,
                  contact.kam_stakeholder_group_id AS stakeholder_group_id
             FROM calendar_event e
             JOIN res_users organiser ON organiser.id = e.user_id
             JOIN res_company_users_rel cu ON cu.user_id = e.user_id
             JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = e.id
             JOIN res_partner contact ON contact.id = rel.res_partner_id
             JOIN res_partner account ON account.id = contact.commercial_partner_id
            WHERE e.active
              AND contact.id <> organiser.partner_id
              AND (account.company_id IS NULL OR account.company_id = cu.cid)
              AND NOT EXISTS (
                  SELECT 1 FROM calendar_attendee att
                   WHERE att.event_id = e.id AND att.partner_id = contact.id
                     AND att.state = 'declined')
              AND NOT EXISTS (
                  SELECT 1 FROM res_users own
                   WHERE own.partner_id = contact.commercial_partner_id AND NOT own.share)
              %s""",
        SQL(" ").join(SQL("AND %s", condition) for condition in conditions),
    )
