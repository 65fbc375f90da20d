from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..tools.class_reasons import overserved_hours_text, overserved_meetings_text
from ..tools.meetings import customer_meetings_sql
from .kam_activity import close_outdated_reminders, schedule_activity_once
from .res_partner import ABC_CLASSES

# One query for all key accounts: each account's class in each company picks that
# company's targets; the meetings (tools/meetings.py) of each company count per stakeholder
# group of the contacts met. %(now)s is now() in the view and a parameter when called from
# Python.
STATUS_QUERY = """
WITH accounts AS (
    SELECT p.id AS partner_id,
           c.id AS company_id,
           p.key_account_manager_id,
           p.abc_class ->> c.id::text AS abc_class
      FROM res_partner p
      JOIN res_company c ON p.company_id IS NULL OR p.company_id = c.id
     WHERE p.is_key_account AND p.active %(partner_filter)s
),
meetings AS (
    SELECT m.partner_id, m.company_id, m.stakeholder_group_id AS group_id,
           COUNT(DISTINCT m.event_id) FILTER (
               WHERE m.start < %(now)s AND m.start >= %(now)s - interval '12 months'
           ) AS held,
           COUNT(DISTINCT m.event_id) FILTER (WHERE m.start >= %(now)s) AS planned
      FROM (%(meetings)s) m
     GROUP BY 1, 2, 3
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
      JOIN meetings m ON m.partner_id = acc.partner_id AND m.company_id = acc.company_id
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
    ON m.partner_id = l.partner_id AND m.company_id = l.company_id
   AND m.group_id IS NOT DISTINCT FROM l.group_id
"""
BEHIND_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_meetings_behind"


def status_query(now, partner_ids=None):
    """The meeting status rows as of ``now`` (an SQL expression), of every key account or
    of ``partner_ids``."""
    partner_filter = SQL()
    if partner_ids is not None:
        partner_filter = SQL("AND p.id = ANY(%s)", list(partner_ids))
    return SQL(
        STATUS_QUERY,
        now=now,
        partner_filter=partner_filter,
        meetings=customer_meetings_sql(accounts=SQL("SELECT partner_id FROM accounts")),
    )


class KamMeetingStatus(models.Model):
    _name = "kam.meeting.status"
    _description = "Meetings per Key Account and Stakeholder Group"
    _auto = False
    _order = "partner_id, company_id, stakeholder_group_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Key Account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    key_account_manager_id = fields.Many2one("res.users", readonly=True)
    abc_class = fields.Selection(ABC_CLASSES, string="Class", readonly=True)
    stakeholder_group_id = fields.Many2one("kam.stakeholder.group", readonly=True)
    has_target = fields.Boolean(readonly=True)
    meetings_target = fields.Integer(string="Target per Year", readonly=True)
    as_needed = fields.Boolean(readonly=True)
    meetings_held = fields.Integer(string="Held (12 months)", readonly=True)
    meetings_planned = fields.Integer(string="Planned", readonly=True)
    is_behind = fields.Boolean(string="Behind Target", readonly=True)
    target_display = fields.Char(string="Target", compute="_compute_target_display")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = status_query(SQL("(now() AT TIME ZONE 'UTC')"))
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), query)
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
        self.env.flush_all()
        self.env.cr.execute(status_query(SQL("%s::timestamp", now), partner_ids))
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

    @api.model
    def _kam_overserved_reasons(self, company, partner_ids=None, now=None):
        """Over-served key accounts of ``company``: ``{partner id: reason in words}``.

        Only key accounts whose final class in ``company`` is B or C can be over-served
        (an A account is worth the effort). Either rule suffices:

        * meetings: the meetings held with any of its contacts in the 12 months before
          ``now`` exceed ``kam_overserved_meeting_factor`` x the sum of the class's meeting
          targets of ``company`` ("as needed" counts 0, the sum counts at least 1);
        * hours: the resource hours per month of its active account plan in ``company``
          exceed ``kam_overserved_hours_b`` / ``kam_overserved_hours_c``.

        A factor or limit of 0 switches that rule off. Three grouped queries in all.
        """
        now = now or fields.Datetime.now()
        Partner = self.env["res.partner"].sudo().with_company(company)
        domain = [
            ("is_key_account", "=", True),
            "|",
            ("company_id", "=", False),
            ("company_id", "=", company.id),
        ]
        if partner_ids is not None:
            domain.append(("id", "in", list(partner_ids)))
        accounts = Partner.search(domain).filtered(lambda p: p.abc_class in ("B", "C"))
        if not accounts:
            return {}
        targets = dict(
            self.env["kam.meeting.target"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("as_needed", "=", False)],
                ["abc_class"],
                ["meetings_per_year:sum"],
            )
        )
        hours = {
            partner.id: total
            for partner, total in self.env["kam.account.plan"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", accounts.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                ],
                ["partner_id"],
                ["total_hours_per_month:sum"],
            )
        }
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, COUNT(DISTINCT event_id) FROM (%s) m GROUP BY 1",
                customer_meetings_sql(
                    accounts=accounts.ids,
                    company_ids=company.ids,
                    start_from=SQL("%s::timestamp - interval '12 months'", now),
                    start_before=now,
                ),
            )
        )
        held = dict(self.env.cr.fetchall())
        factor = company.kam_overserved_meeting_factor
        hour_limits = {"B": company.kam_overserved_hours_b, "C": company.kam_overserved_hours_c}
        number = self.env["kam.class.engine"]._kam_number_formatter()
        result = {}
        for partner in accounts:
            lines = []
            meeting_limit = factor * max(targets.get(partner.abc_class, 0), 1)
            meetings = held.get(partner.id, 0)
            if factor and meetings > meeting_limit:
                lines.append(
                    overserved_meetings_text(
                        self.env._, number, meetings, meeting_limit, factor, partner.abc_class
                    )
                )
            hour_limit = hour_limits[partner.abc_class]
            planned = hours.get(partner.id, 0.0)
            if hour_limit and planned > hour_limit:
                lines.append(
                    overserved_hours_text(
                        self.env._, number, planned, hour_limit, partner.abc_class
                    )
                )
            if lines:
                result[partner.id] = "\n".join(lines)
        return result
