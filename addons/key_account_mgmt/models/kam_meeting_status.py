from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools import SQL

from .kam_activity import close_outdated_reminders, schedule_activity_once
from .res_partner import ABC_CLASSES

# One query for all key accounts: each account's class in each company picks that
# company's targets; meetings are active calendar events with an attendee contact of the
# stakeholder group whose commercial partner is the account (declined attendees do not
# count). {now} is now() in the view and a parameter when called from Python.
STATUS_QUERY = """
WITH accounts AS (
    SELECT p.id AS partner_id,
           c.id AS company_id,
           p.key_account_manager_id,
           p.abc_class ->> c.id::text AS abc_class
      FROM res_partner p
      JOIN res_company c ON p.company_id IS NULL OR p.company_id = c.id
     WHERE p.is_key_account AND p.active {partner_filter}
),
meetings AS (
    SELECT contact.commercial_partner_id AS partner_id,
           contact.kam_stakeholder_group_id AS group_id,
           COUNT(DISTINCT e.id) FILTER (
               WHERE e.start < {now} AND e.start >= {now} - interval '12 months'
           ) AS held,
           COUNT(DISTINCT e.id) FILTER (WHERE e.start >= {now}) AS planned
      FROM calendar_event e
      JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = e.id
      JOIN res_partner contact ON contact.id = rel.res_partner_id
     WHERE e.active
       AND contact.commercial_partner_id IN (SELECT partner_id FROM accounts)
       AND NOT EXISTS (
           SELECT 1 FROM calendar_attendee att
            WHERE att.event_id = e.id AND att.partner_id = contact.id
              AND att.state = 'declined')
     GROUP BY 1, 2
),
targets AS (
    SELECT acc.partner_id, acc.company_id, t.stakeholder_group_id AS group_id,
           t.meetings_per_year, t.as_needed
      FROM accounts acc
      JOIN kam_meeting_target t
        ON t.company_id = acc.company_id AND t.abc_class = acc.abc_class AND t.active
),
lines AS (
    -- Every group with a target, and every group met without one (contacts without a
    -- group too): the table then adds up to the meetings the over-served rule counts.
    SELECT partner_id, company_id, group_id FROM targets
    UNION
    SELECT acc.partner_id, acc.company_id, m.group_id
      FROM accounts acc
      JOIN meetings m ON m.partner_id = acc.partner_id
     WHERE m.held > 0 OR m.planned > 0
)
SELECT (l.partner_id::bigint * 1000 + l.company_id) * 100000 + COALESCE(l.group_id, 0) AS id,
       l.partner_id,
       l.company_id,
       acc.key_account_manager_id,
       acc.abc_class,
       l.group_id AS stakeholder_group_id,
       (t.partner_id IS NOT NULL) AS has_target,
       COALESCE(t.meetings_per_year, 0) AS meetings_target,
       COALESCE(t.as_needed, FALSE) AS as_needed,
       COALESCE(m.held, 0) AS meetings_held,
       COALESCE(m.planned, 0) AS meetings_planned,
       (t.partner_id IS NOT NULL AND NOT COALESCE(t.as_needed, FALSE)
        AND COALESCE(m.held, 0) < COALESCE(t.meetings_per_year, 0)) AS is_behind
  FROM lines l
  JOIN accounts acc ON acc.partner_id = l.partner_id AND acc.company_id = l.company_id
  LEFT JOIN targets t
    ON t.partner_id = l.partner_id AND t.company_id = l.company_id
   AND t.group_id IS NOT DISTINCT FROM l.group_id
  LEFT JOIN meetings m
    ON m.partner_id = l.partner_id AND m.group_id IS NOT DISTINCT FROM l.group_id
"""
BEHIND_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_meetings_behind"


class KamMeetingStatus(models.Model):
    _name = "kam.meeting.status"
    _description = "Meetings per Key Account and Stakeholder Group"
    _auto = False
    _order = "partner_id, company_id, stakeholder_group_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Key Account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    key_account_manager_id = fields.Many2one(
        "res.users", string="Key Account Manager", readonly=True
    )
    abc_class = fields.Selection(ABC_CLASSES, string="Class", readonly=True)
    stakeholder_group_id = fields.Many2one(
        "kam.stakeholder.group", string="Stakeholder Group", readonly=True
    )
    has_target = fields.Boolean(readonly=True)
    meetings_target = fields.Integer(string="Target per Year", readonly=True)
    as_needed = fields.Boolean(readonly=True)
    meetings_held = fields.Integer(string="Held (12 months)", readonly=True)
    meetings_planned = fields.Integer(string="Planned", readonly=True)
    is_behind = fields.Boolean(string="Behind Target", readonly=True)
    target_display = fields.Char(string="Target", compute="_compute_target_display")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = STATUS_QUERY.format(now="(now() AT TIME ZONE 'UTC')", partner_filter="")
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), SQL(query))
        )

    def _compute_target_display(self):
        for row in self:
            if not row.has_target:
                row.target_display = self.env._("no target")
            elif row.as_needed:
                row.target_display = self.env._("as needed")
            else:
                row.target_display = str(row.meetings_target)

    @api.model
    def _kam_fetch_status(self, now=None, partner_ids=None):
        """Meeting status rows as dicts, as of ``now`` (default: the current time).

        Same query as the view, with the time as a parameter so that it follows the
        application clock (and frozen time in tests). Company rules are not applied:
        callers filter on ``company_id`` where it matters.
        """
        now = now or fields.Datetime.now()
        partner_filter = "AND p.id = ANY(%(partner_ids)s)" if partner_ids is not None else ""
        query = STATUS_QUERY.format(now="%(now)s::timestamp", partner_filter=partner_filter)
        self.env.flush_all()
        self.env.cr.execute(query, {"now": now, "partner_ids": list(partner_ids or [])})
        return self.env.cr.dictfetchall()

    @api.model
    def _kam_behind_partner_ids(self, partner_ids=None, now=None):
        """Key accounts behind a meeting target in one of the user's companies."""
        company_ids = set(self.env.companies.ids)
        return sorted(
            {
                row["partner_id"]
                for row in self._kam_fetch_status(now=now, partner_ids=partner_ids)
                if row["is_behind"] and row["company_id"] in company_ids
            }
        )

    @api.model
    def _cron_kam_meeting_reminders(self):
        """Daily: one activity per key account and company of ours where the account is
        behind its meeting targets, for its KAM (if he works in that company); the
        reminders of accounts on target again are closed.

        Each activity speaks of its company only, in the KAM's language, and shows only
        where that company is worked in, like the meeting table of that company."""
        rows_by_company = defaultdict(lambda: defaultdict(list))
        for row in self.sudo()._kam_fetch_status():
            if row["is_behind"]:
                rows_by_company[row["company_id"]][row["partner_id"]].append(row)
        close_outdated_reminders(
            self.env["res.partner"],
            BEHIND_ACTIVITY,
            {(pid, cid) for cid, rows in rows_by_company.items() for pid in rows},
            feedback=lambda act: act.env._("On target again"),
        )
        groups = self.env["kam.stakeholder.group"].sudo().search([])
        activities = self.env["mail.activity"]
        for company in self.env["res.company"].sudo().browse(sorted(rows_by_company)):
            rows_by_partner = rows_by_company[company.id]

            def note_of(partner, rows_by_partner=rows_by_partner):
                names = {g.id: g.name for g in groups.with_env(partner.env)}
                lines = [
                    partner.env._(
                        "%(group)s: %(held)s of %(target)s held, %(planned)s planned",
                        group=names.get(row["stakeholder_group_id"], ""),
                        held=row["meetings_held"],
                        target=row["meetings_target"],
                        planned=row["meetings_planned"],
                    )
                    for row in rows_by_partner[partner.id]
                ]
                return Markup("<br/>").join(lines)

            activities |= schedule_activity_once(
                self.env["res.partner"].sudo().browse(list(rows_by_partner)),
                BEHIND_ACTIVITY,
                user_of=lambda p: p._kam_responsible_user(),
                summary=lambda p, company=company: p.env._(
                    "Behind meeting targets in %(company)s: plan meetings",
                    company=company.name,
                ),
                note_of=note_of,
                company=company,
            )
        return activities
