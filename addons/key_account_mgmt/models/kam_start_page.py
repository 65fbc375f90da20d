"""The start page of the Key Accounts app: what a salesperson does today on her accounts.

``get_start_page()`` returns the sections of the current user, each built by its own
method with a fixed number of queries however many accounts she has (the accounts are
read once, each section is one or two grouped queries, only the shown lines are read).
Add-ons add sections by extending ``_kam_start_page_sections()``."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL, format_date
from odoo.tools.misc import babel_locale_parse

from ..tools.meetings import customer_meetings_sql

# Lines shown per section; "see all" opens the whole list.
MAX_LINES = 20
BAND_TONES = {"good": "success", "watch": "warning", "risk": "danger"}
TREND_ARROWS = {"up": "↑", "flat": "→", "down": "↓"}
NEXT_ACTION_METHOD = "action_kam_do_next_action"


class KamStartPage(models.AbstractModel):
    _name = "kam.start.page"
    _description = "Key Account Start Page"

    # ===================================================================================
    # Entry point
    # ===================================================================================
    @api.model
    def get_start_page(self):
        """The start page of the current user: ``{"user", "today", "sections"}``; each
        section is a dict (``key``, ``title``, ``count``, ``lines``, ``see_all``,
        ``empty_text``), each line has the record it opens (``res_model``, ``res_id``),
        its ``name`` and display ``cells``."""
        scope = self._kam_start_page_scope()
        return {
            "user": self.env.user.name,
            "today": format_date(self.env, scope["today"]),
            "sections": self._kam_start_page_sections(scope),
        }

    @api.model
    def _kam_start_page_scope(self):
        """What every section needs: the user, the current companies, today and her key
        accounts (key account manager or salesperson) in those companies."""
        user = self.env.user
        companies = self.env.companies
        domain = self._kam_my_accounts_domain()
        accounts = self.env["res.partner"].search(domain, order="name, id")
        return {
            "user": user,
            "companies": companies,
            "today": fields.Date.context_today(self),
            "account_domain": domain,
            "accounts": accounts,
        }

    @api.model
    def _kam_my_accounts_domain(self):
        uid = self.env.uid
        return [
            ("is_key_account", "=", True),
            ("company_id", "in", [False, *self.env.companies.ids]),
            "|",
            ("key_account_manager_id", "=", uid),
            ("user_id", "=", uid),
        ]

    @api.model
    def _kam_start_page_sections(self, scope):
        """The sections in the order shown; extend to add one (``scope``: see
        ``_kam_start_page_scope()``)."""
        return [
            self._kam_section_accounts(scope),
            self._kam_section_activities(scope),
            self._kam_section_meetings(scope),
            self._kam_section_swots(scope),
            self._kam_section_reviews(scope),
        ]

    # ===================================================================================
    # Building blocks
    # ===================================================================================
    @api.model
    def _kam_section(self, key, title, count, lines, see_all=None, empty_text=""):
        return {
            "key": key,
            "title": title,
            "count": count,
            "lines": lines[:MAX_LINES],
            "see_all": see_all,
            "empty_text": empty_text,
        }

    @api.model
    def _kam_line(self, record, name, cells=(), **extra):
        """One line that opens ``record`` (its form), with its ``name`` and ``cells``."""
        return {
            "key": f"{record._name},{record.id},{extra.pop('key_suffix', '')}",
            "res_model": record._name,
            "res_id": record.id,
            "name": name,
            "cells": [cell for cell in cells if cell],
            **extra,
        }

    @api.model
    def _kam_list_action(self, model, name, domain, views=None, context=None):
        """A window action on ``model``'s list (then form) of ``domain``: "see all"."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "views": views or [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": context or {},
            "target": "current",
        }

    @api.model
    def _kam_partner_views(self):
        return [
            [self.env.ref("key_account_mgmt.view_partner_list_key_accounts").id, "list"],
            [self.env.ref("base.view_partner_form").id, "form"],
        ]

    @api.model
    def _kam_selection_labels(self, model, field):
        return dict(self.env[model]._fields[field]._description_selection(self.env))

    # ===================================================================================
    # Sections
    # ===================================================================================
    @api.model
    def _kam_section_accounts(self, scope):
        """Her key accounts, worst relationship health first; accounts without a
        computed health come last."""
        accounts = scope["accounts"]
        Health = self.env["kam.relationship.health"]
        healths = Health.search_fetch(
            [("partner_id", "in", accounts.ids), ("company_id", "in", scope["companies"].ids)],
            ["partner_id", "company_id", "health", "trend", "band"],
            order="health, id",
        )
        missing = accounts - healths.partner_id
        shown = list(healths[:MAX_LINES]) + list(missing[: max(0, MAX_LINES - len(healths))])
        # Only the shown lines read the class and the next best action.
        shown_healths = Health.union(*[row for row in shown if row._name == Health._name])
        has_next = hasattr(Health, NEXT_ACTION_METHOD) and "next_action_text" in Health._fields
        if has_next:
            shown_healths.fetch(["next_action_text", "next_action_kind"])
        partners = self.env["res.partner"].union(
            *[row.partner_id if row._name == Health._name else row for row in shown]
        )
        partners.fetch(["abc_class"])
        partners.mapped("display_name")
        bands = self._kam_selection_labels("kam.relationship.health", "band")
        trends = self._kam_selection_labels("kam.relationship.health", "trend")
        several = len(scope["companies"]) > 1
        lines = []
        for row in shown:
            if row._name != Health._name:
                lines.append(self._kam_account_line(row, None, bands, trends, several, False))
            else:
                lines.append(
                    self._kam_account_line(row.partner_id, row, bands, trends, several, has_next)
                )
        see_all = self._kam_list_action(
            "res.partner",
            self.env._("My key accounts"),
            scope["account_domain"],
            views=self._kam_partner_views(),
        )
        return self._kam_section(
            "accounts",
            self.env._("My accounts by health"),
            len(healths) + len(missing),
            lines,
            see_all,
            self.env._("You have no key accounts yet. Your manager selects them."),
        )

    @api.model
    def _kam_account_line(self, partner, health, bands, trends, several, has_next):
        cells = []
        if partner.abc_class:
            cells.append(self.env._("Class %(class)s", **{"class": partner.abc_class}))
        if several and health:
            cells.append(health.company_id.name)
        values = {
            "health": None,
            "trend": False,
            "trend_arrow": "",
            "trend_label": "",
            "badge": False,
            "note": self.env._("Health not computed yet"),
            "button": False,
        }
        if health:
            values.update(
                health=health.health,
                trend=health.trend or False,
                trend_arrow=TREND_ARROWS.get(health.trend, ""),
                trend_label=trends.get(health.trend, ""),
                badge=health.band and {"text": bands[health.band], "tone": BAND_TONES[health.band]},
                note="",
            )
            if has_next and health.next_action_text:
                values["note"] = health.next_action_text
                values["button"] = {
                    "model": health._name,
                    "res_id": health.id,
                    "method": NEXT_ACTION_METHOD,
                    "label": health.next_action_text,
                    "kind": health.next_action_kind or False,
                }
        return self._kam_line(
            partner,
            partner.display_name,
            cells,
            key_suffix=health.company_id.id if health else "",
            **values,
        )

    @api.model
    def _kam_section_activities(self, scope):
        """Activities assigned to her, due today or earlier, on her key accounts and on
        their account plans, in the current companies."""
        accounts, today = scope["accounts"], scope["today"]
        plans = self.env["kam.account.plan"].search([("partner_id", "in", accounts.ids)])
        domain = [
            ("user_id", "=", scope["user"].id),
            ("date_deadline", "<=", today),
            # A reminder about one company of ours shows in that company.
            "|",
            ("kam_company_id", "=", False),
            ("kam_company_id", "in", scope["companies"].ids),
            "|",
            "&",
            ("res_model", "=", "res.partner"),
            ("res_id", "in", accounts.ids),
            "&",
            ("res_model", "=", "kam.account.plan"),
            ("res_id", "in", plans.ids),
        ]
        Activity = self.env["mail.activity"]
        count = Activity.search_count(domain)
        activities = Activity.search_fetch(
            domain,
            ["res_model", "res_id", "date_deadline", "summary", "activity_type_id"],
            order="date_deadline, id",
            limit=MAX_LINES,
        )
        activities.activity_type_id.fetch(["name"])
        # The documents of the shown activities, read together.
        documents = {
            model: self.env[model].browse(
                [act.res_id for act in activities if act.res_model == model]
            )
            for model in ("res.partner", "kam.account.plan")
        }
        documents["kam.account.plan"].fetch(["name", "partner_id"])
        (documents["res.partner"] | documents["kam.account.plan"].partner_id).mapped("display_name")
        lines = []
        for activity in activities:
            record = documents[activity.res_model].browse(activity.res_id)
            account = record if record._name == "res.partner" else record.partner_id
            late = activity.date_deadline < today
            lines.append(
                self._kam_line(
                    record,
                    activity.summary or activity.activity_type_id.name,
                    [
                        account.display_name,
                        record.name if record._name != "res.partner" else "",
                        activity.activity_type_id.name if activity.summary else "",
                    ],
                    badge={
                        "text": format_date(self.env, activity.date_deadline)
                        if late
                        else self.env._("Today"),
                        "tone": "danger" if late else "warning",
                    },
                    key_suffix=activity.id,
                )
            )
        see_all = self._kam_list_action(
            "mail.activity",
            self.env._("My activities due"),
            domain,
            views=[[False, "list"], [False, "form"]],
        )
        return self._kam_section(
            "activities",
            self.env._("Actions due"),
            count,
            lines,
            see_all,
            self.env._("Nothing due today. Well done!"),
        )

    @api.model
    def _kam_week_bounds(self, today):
        """Monday 00:00 of this week and of the next, in the user's time zone, as UTC."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        monday = today - timedelta(days=today.weekday())
        start = tz.localize(datetime.combine(monday, time.min))
        stop = tz.localize(datetime.combine(monday + timedelta(days=7), time.min))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    @api.model
    def _kam_section_meetings(self, scope):
        """Meetings this week (Monday to Sunday) with contacts of her key accounts, in
        the current companies (one definition of a meeting: ``tools/meetings.py``)."""
        start, stop = self._kam_week_bounds(scope["today"])
        meetings = customer_meetings_sql(
            accounts=scope["accounts"].ids,
            company_ids=scope["companies"].ids,
            start_from=start,
            start_before=stop,
        )
        self.env.cr.execute(
            SQL(
                """SELECT m.event_id, MIN(m.start) AS start,
                          ARRAY_AGG(DISTINCT m.partner_id ORDER BY m.partner_id)
                     FROM (%s) m
                 GROUP BY m.event_id
                 ORDER BY MIN(m.start), m.event_id""",
                meetings,
            )
        )
        rows = self.env.cr.fetchall()
        events = self.env["calendar.event"].browse([row[0] for row in rows[:MAX_LINES]])
        events.fetch(["name", "start", "allday", "user_id"])
        partner_ids = {pid for row in rows[:MAX_LINES] for pid in row[2]}
        partners = self.env["res.partner"].browse(sorted(partner_ids))
        partners.mapped("display_name")
        now = fields.Datetime.now()
        lines = []
        for event, row in zip(events, rows, strict=False):
            accounts = partners.browse(row[2])
            account = accounts[:1]
            lines.append(
                self._kam_line(
                    account,
                    event.name,
                    [
                        ", ".join(accounts.mapped("display_name")),
                        event.user_id.name if event.user_id != scope["user"] else "",
                    ],
                    badge={
                        "text": self._kam_event_time(event),
                        "tone": "secondary" if event.start < now else "info",
                    },
                    key_suffix=event.id,
                )
            )
        see_all = self._kam_list_action(
            "calendar.event",
            self.env._("Meetings this week with my key accounts"),
            [("id", "in", [row[0] for row in rows])],
            views=[[False, "list"], [False, "form"]],
        )
        return self._kam_section(
            "meetings",
            self.env._("Meetings this week"),
            len(rows),
            lines,
            see_all,
            self.env._("No meetings with your key accounts this week."),
        )

    @api.model
    def _kam_event_time(self, event):
        """The event's day and time in the user's language and time zone: "Wed 2 Dec
        09:00" (all-day events: the day only)."""
        from babel.dates import format_skeleton

        locale = babel_locale_parse(self.env.lang or "en_US")
        tz = pytz.timezone(self.env.user.tz or "UTC")
        start = pytz.utc.localize(event.start).astimezone(tz)
        day = format_skeleton("MMMEd", start, locale=locale)
        if event.allday:
            return day
        return f"{day} {start.strftime('%H:%M')}"

    @api.model
    def _kam_section_swots(self, scope):
        """Her key accounts whose newest SWOT item in the current company is 12 months
        old or more (the same rule as the account's "SWOT overdue")."""
        Swot = self.env["kam.swot.item"]
        limit = Swot._kam_overdue_limit()
        rows = Swot._read_group(
            [
                ("partner_id", "in", scope["accounts"].ids),
                ("company_id", "=", self.env.company.id),
            ],
            ["partner_id"],
            ["date:max"],
            having=[("date:max", "<=", limit)],
            order="date:max, partner_id",
        )
        partners = self.env["res.partner"].union(*[partner for partner, _last in rows])
        partners[:MAX_LINES].mapped("display_name")
        lines = [
            self._kam_line(
                partner,
                partner.display_name,
                [self.env._("Last reviewed %(date)s", date=format_date(self.env, last))],
                badge={"text": self.env._("SWOT overdue"), "tone": "warning"},
            )
            for partner, last in rows[:MAX_LINES]
        ]
        see_all = self._kam_list_action(
            "res.partner",
            self.env._("Key accounts with an overdue SWOT"),
            [("id", "in", partners.ids)],
            views=self._kam_partner_views(),
        )
        return self._kam_section(
            "swots",
            self.env._("Overdue SWOTs"),
            len(rows),
            lines,
            see_all,
            self.env._("Every SWOT has been reviewed within the last 12 months."),
        )

    @api.model
    def _kam_section_reviews(self, scope):
        """Account plans of her key accounts whose quarterly review is overdue; a line
        opens the plan."""
        Plan = self.env["kam.account.plan"]
        domain = [
            ("partner_id", "in", scope["accounts"].ids),
            ("company_id", "in", scope["companies"].ids),
            ("review_overdue", "=", True),
        ]
        count = Plan.search_count(domain)
        plans = Plan.search_fetch(
            domain,
            ["name", "partner_id", "next_review_date"],
            order="next_review_date, id",
            limit=MAX_LINES,
        )
        plans.partner_id.mapped("display_name")
        lines = [
            self._kam_line(
                plan,
                plan.name,
                [plan.partner_id.display_name],
                badge={
                    "text": self.env._(
                        "Due %(date)s", date=format_date(self.env, plan.next_review_date)
                    ),
                    "tone": "danger",
                },
            )
            for plan in plans
        ]
        see_all = self._kam_list_action(
            "kam.account.plan", self.env._("Overdue plan reviews"), domain
        )
        return self._kam_section(
            "reviews",
            self.env._("Overdue plan reviews"),
            count,
            lines,
            see_all,
            self.env._("All account plan reviews are on time."),
        )
