"""The relationship health of the key accounts: one set-based pass over every key account
and company of ours, written as ``kam.relationship.health`` rows with their lines and the
month's ``kam.account.snapshot``.

Each factor gives a score from 0 to 1 per (account, company) and stores its figures in
``params`` (the line's text is built from them in the reader's language). A factor that
does not apply (no target, no key contact) gives its weight to the others:
health = 100 x sum(weight x score) / sum(weights of the factors that apply).
"""

import json
import logging
from calendar import isleap
from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.health import (
    ACCOUNTS_TABLE,
    MIN_ORG_LEVELS,
    REVIEW_GRACE_DAYS,
    SWOT_VALID_MONTHS,
    combine_health,
    factor_result,
    health_band,
    health_trend,
)
from ..tools.meetings import customer_meetings_sql

_logger = logging.getLogger(__name__)


class KamHealthEngine(models.AbstractModel):
    _name = "kam.health.engine"
    _description = "Relationship Health Engine"

    # ===================================================================================
    # Entry points
    # ===================================================================================
    @api.model
    def _cron_kam_compute_health(self):
        """Daily: the health of every key account in every company."""
        return self.sudo()._kam_compute_health()

    @api.model
    def _kam_compute_health(self, partners=None, companies=None, date=None):
        """Compute and store the health of the active key accounts ``partners`` (default:
        all) in ``companies`` (default: every company) as of ``date`` (default: today),
        with this month's snapshot. Rows of accounts no longer key accounts (or archived)
        in that scope are removed. Returns the health rows written."""
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        companies = (
            companies if companies is not None else self.env["res.company"].sudo().search([])
        )
        Health = self.env["kam.relationship.health"]
        if not companies:
            return Health
        self.env.flush_all()
        partner_ids = None
        if partners is not None:
            partner_ids = list(set(partners.commercial_partner_id.ids) | set(partners.ids))
        accounts = self._kam_prepare_accounts(companies, partner_ids)
        self._kam_drop_stale_rows(companies, partner_ids)
        if not accounts:
            self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(ACCOUNTS_TABLE)))
            self._kam_invalidate()
            return Health
        ctx = self._kam_context(date, accounts)
        weights = self._kam_weights(companies)
        results = {
            factor: getattr(self, f"_kam_factor_{factor}")(ctx)
            for factor in self._kam_factors(companies)
        }
        rows = combine_health(accounts, results, weights)
        previous = self._kam_previous_health(ctx["month"] - relativedelta(months=1))
        health_ids = self._kam_write_health(date, rows, previous)
        self._kam_write_lines(health_ids, rows)
        self._kam_write_snapshots(ctx["month"], rows)
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(ACCOUNTS_TABLE)))
        self._kam_invalidate()
        healths = Health.browse(sorted(health_ids.values()))
        healths.sudo()._kam_after_compute()
        _logger.info(
            "Relationship health as of %s: %s rows in %s companies", date, len(rows), len(companies)
        )
        return healths

    # ===================================================================================
    # Accounts, weights and shared figures
    # ===================================================================================
    @api.model
    def _kam_prepare_accounts(self, companies, partner_ids):
        """The active key accounts per company of ours (a shared account in each company,
        a company's own account there), in a temporary table; returns
        ``[(partner_id, company_id, abc_class)]``."""
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(ACCOUNTS_TABLE)))
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL("AND p.id = ANY(%s)", partner_ids)
        cr.execute(
            SQL(
                """CREATE TEMP TABLE %s ON COMMIT DROP AS
                   SELECT p.id AS partner_id, c.id AS company_id,
                          p.abc_class ->> c.id::text AS abc_class
                     FROM res_partner p
                     JOIN res_company c ON p.company_id IS NULL OR p.company_id = c.id
                    WHERE p.is_key_account AND p.active AND c.id = ANY(%s) %s""",
                SQL.identifier(ACCOUNTS_TABLE),
                companies.ids,
                partner_filter,
            )
        )
        cr.execute(
            SQL(
                "SELECT partner_id, company_id, abc_class FROM %s ORDER BY 1, 2",
                SQL.identifier(ACCOUNTS_TABLE),
            )
        )
        return cr.fetchall()

    @api.model
    def _kam_drop_stale_rows(self, companies, partner_ids):
        """Health rows in scope of partners that are no longer active key accounts."""
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL("AND h.partner_id = ANY(%s)", partner_ids)
        self.env.cr.execute(
            SQL(
                """DELETE FROM kam_relationship_health h
                    USING res_partner p
                    WHERE p.id = h.partner_id AND h.company_id = ANY(%s) %s
                      AND NOT (p.is_key_account AND p.active
                               AND (p.company_id IS NULL OR p.company_id = h.company_id))""",
                companies.ids,
                partner_filter,
            )
        )

    @api.model
    def _kam_factors(self, companies):
        return list(companies._kam_health_weight_fields())

    @api.model
    def _kam_weights(self, companies):
        """``{company id: {factor: weight}}``."""
        fnames = companies._kam_health_weight_fields()
        return {
            company.id: {factor: company[fname] for factor, fname in fnames.items()}
            for company in companies.sudo()
        }

    @api.model
    def _kam_context(self, date, accounts):
        """The dates of the computation and the figures several factors share: the
        numeric meeting targets per account and the account's contacts."""
        now = fields.Datetime.now()
        as_of = min(now, datetime.combine(date + timedelta(days=1), time.min))
        year_start = date.replace(month=1, day=1)
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT a.partner_id, a.company_id, t.stakeholder_group_id, t.meetings_per_year
                     FROM %s a
                     JOIN kam_meeting_target t
                       ON t.company_id = a.company_id AND t.abc_class = a.abc_class
                      AND t.active AND NOT COALESCE(t.as_needed, FALSE)
                      AND t.meetings_per_year > 0
                     JOIN kam_stakeholder_group g ON g.id = t.stakeholder_group_id AND g.active
                    ORDER BY a.partner_id, a.company_id, g.sequence, g.id""",
                SQL.identifier(ACCOUNTS_TABLE),
            )
        )
        targets = defaultdict(dict)
        for partner_id, company_id, group_id, per_year in cr.fetchall():
            targets[partner_id, company_id][group_id] = per_year
        cr.execute(
            SQL(
                """SELECT a.partner_id, a.company_id, ct.id, ct.kam_stakeholder_group_id,
                          ct.kam_org_level
                     FROM %s a
                     JOIN res_partner ct
                       ON ct.commercial_partner_id = a.partner_id AND ct.id <> a.partner_id
                    WHERE ct.active
                      AND (ct.kam_stakeholder_group_id IS NOT NULL OR ct.kam_org_level IS NOT NULL)
                    ORDER BY ct.id""",
                SQL.identifier(ACCOUNTS_TABLE),
            )
        )
        contacts = defaultdict(list)
        for partner_id, company_id, contact_id, group_id, level in cr.fetchall():
            contacts[partner_id, company_id].append((contact_id, group_id, level))
        days_in_year = 366 if isleap(date.year) else 365
        return {
            "date": date,
            "as_of": as_of,
            "year_start": year_start,
            "month": date.replace(day=1),
            "elapsed_days": (date - year_start).days + 1,
            "days_in_year": days_in_year,
            "accounts": [(pid, cid) for pid, cid, _cls in accounts],
            "classes": {(pid, cid): cls for pid, cid, cls in accounts},
            "targets": targets,
            "contacts": contacts,
        }

    @api.model
    def _kam_meetings_sql(self, start_from=None, start_before=None):
        """The customer meetings (tools/meetings.py) of the accounts in scope, in the
        companies they are computed for."""
        table = SQL.identifier(ACCOUNTS_TABLE)
        return SQL(
            """SELECT m.* FROM (%s) m
                 JOIN %s a ON a.partner_id = m.partner_id AND a.company_id = m.company_id""",
            customer_meetings_sql(
                accounts=SQL("SELECT partner_id FROM %s", table),
                start_from=start_from,
                start_before=start_before,
            ),
            table,
        )

    # ===================================================================================
    # Factors: each returns {(partner id, company id): factor_result(...)}
    # ===================================================================================
    @api.model
    def _kam_factor_meetings(self, ctx):
        """Meetings held this calendar year per stakeholder group with a numeric target,
        against the meetings due by today: floor(target x elapsed share of the year).
        Score: the mean over the groups of min(1, held / due); 0 due counts as 1."""
        self.env.cr.execute(
            SQL(
                """SELECT partner_id, company_id, stakeholder_group_id, COUNT(DISTINCT event_id)
                     FROM (%s) m
                    WHERE stakeholder_group_id IS NOT NULL
                    GROUP BY 1, 2, 3""",
                self._kam_meetings_sql(start_from=ctx["year_start"], start_before=ctx["as_of"]),
            )
        )
        held = {(pid, cid, gid): count for pid, cid, gid, count in self.env.cr.fetchall()}
        result = {}
        for key in ctx["accounts"]:
            targets = ctx["targets"].get(key)
            if not targets:
                result[key] = factor_result(applicable=False, reason="no_target")
                continue
            groups = []
            for group_id, per_year in targets.items():
                due = per_year * ctx["elapsed_days"] // ctx["days_in_year"]
                count = held.get((*key, group_id), 0)
                ratio = 1.0 if not due else min(1.0, count / due)
                groups.append((ratio, -(due - count), group_id, count, due, per_year))
            score = sum(g[0] for g in groups) / len(groups)
            worst = min(groups, key=lambda g: (g[0], g[1]))
            result[key] = factor_result(
                score,
                group_id=worst[2] if worst[0] < 1 else None,
                groups=[
                    {"group_id": g[2], "held": g[3], "due": g[4], "target": g[5]} for g in groups
                ],
                held=worst[3],
                due=worst[4],
                target=worst[5],
                held_total=sum(g[3] for g in groups),
                due_total=sum(g[4] for g in groups),
            )
        return result

    @api.model
    def _kam_factor_coverage(self, ctx):
        """Each group with a target has a contact, and the contacts span at least two
        organisation levels: (covered groups + 1 if levels >= 2) / (groups + 1)."""
        result = {}
        for key in ctx["accounts"]:
            groups = list(ctx["targets"].get(key, {}))
            contacts = ctx["contacts"].get(key, [])
            contact_groups = {group_id for _cid, group_id, _level in contacts if group_id}
            levels = len({level for _cid, _group, level in contacts if level})
            uncovered = [group_id for group_id in groups if group_id not in contact_groups]
            covered = len(groups) - len(uncovered)
            score = (covered + (1 if levels >= MIN_ORG_LEVELS else 0)) / (len(groups) + 1)
            result[key] = factor_result(
                score,
                group_id=uncovered[0] if uncovered else None,
                groups=len(groups),
                covered=covered,
                levels=levels,
                min_levels=MIN_ORG_LEVELS,
                uncovered=uncovered,
            )
        return result

    @api.model
    def _kam_factor_freshness(self, ctx):
        """Key contacts (in a group with a numeric target) met within their group's
        interval, 365 / target days: the share of them. The line names the stalest key
        contact, one not met on time first (never met before long ago)."""
        self.env.cr.execute(
            SQL(
                """SELECT partner_id, company_id, contact_id, MAX(start)
                     FROM (%s) m GROUP BY 1, 2, 3""",
                self._kam_meetings_sql(start_before=ctx["as_of"]),
            )
        )
        last_met = {(pid, cid, ct): start for pid, cid, ct, start in self.env.cr.fetchall()}
        as_of = ctx["as_of"]
        result = {}
        for key in ctx["accounts"]:
            targets = ctx["targets"].get(key, {})
            key_contacts = []
            for contact_id, group_id, _level in ctx["contacts"].get(key, []):
                if group_id not in targets:
                    continue
                interval = 365.0 / targets[group_id]
                last = last_met.get((*key, contact_id))
                days = (as_of - last).days if last else None
                fresh = last is not None and last >= as_of - timedelta(days=interval)
                key_contacts.append((fresh, days, interval, contact_id, group_id))
            if not key_contacts:
                result[key] = factor_result(applicable=False, reason="no_key_contact")
                continue
            fresh_count = sum(1 for c in key_contacts if c[0])
            stalest = min(
                key_contacts,
                key=lambda c: (c[0], c[1] is not None, -(c[1] or 0), c[3]),
            )
            result[key] = factor_result(
                fresh_count / len(key_contacts),
                group_id=stalest[4],
                contact_id=stalest[3],
                key_contacts=len(key_contacts),
                fresh=fresh_count,
                days=stalest[1],
                interval=round(stalest[2]),
                contact_fresh=stalest[0],
            )
        return result

    @api.model
    def _kam_factor_swot(self, ctx):
        """1 with a SWOT item of the company dated within the last 12 months, else 0."""
        self.env.cr.execute(
            SQL(
                """SELECT s.partner_id, s.company_id, MAX(s.date)
                     FROM kam_swot_item s
                     JOIN %s a ON a.partner_id = s.partner_id AND a.company_id = s.company_id
                    WHERE s.date <= %s
                    GROUP BY 1, 2""",
                SQL.identifier(ACCOUNTS_TABLE),
                ctx["date"],
            )
        )
        last_dates = {(pid, cid): last for pid, cid, last in self.env.cr.fetchall()}
        limit = ctx["date"] - relativedelta(months=SWOT_VALID_MONTHS)
        result = {}
        for key in ctx["accounts"]:
            last = last_dates.get(key)
            if not last:
                result[key] = factor_result(0.0, last=None)
                continue
            age = relativedelta(ctx["date"], last)
            result[key] = factor_result(
                1.0 if last > limit else 0.0,
                last=fields.Date.to_string(last),
                months=age.years * 12 + age.months,
            )
        return result

    @api.model
    def _kam_factor_review(self, ctx):
        """The current account plan of the company (the one ``kam_current_plan_id``
        picks): review not overdue 1; overdue max(0, 1 - days overdue / 90); no plan 0."""
        date = ctx["date"]
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (p.partner_id, p.company_id)
                          p.partner_id, p.company_id, p.id, p.next_review_date
                     FROM kam_account_plan p
                     JOIN %(accounts)s a
                       ON a.partner_id = p.partner_id AND a.company_id = p.company_id
                    WHERE p.state IN ('active', 'draft')
                      AND (p.state = 'active' OR (p.date_start <= %(date)s
                           AND (p.date_end IS NULL OR p.date_end >= %(date)s)))
                    ORDER BY p.partner_id, p.company_id,
                             CASE WHEN p.date_start <= %(date)s
                                       AND (p.date_end IS NULL OR p.date_end >= %(date)s)
                                  THEN CASE WHEN p.state = 'active' THEN 0 ELSE 1 END
                                  ELSE 2 END,
                             p.date_start DESC, p.id DESC""",
                accounts=SQL.identifier(ACCOUNTS_TABLE),
                date=date,
            )
        )
        plans = {(pid, cid): (plan_id, nxt) for pid, cid, plan_id, nxt in self.env.cr.fetchall()}
        result = {}
        for key in ctx["accounts"]:
            plan = plans.get(key)
            if not plan:
                result[key] = factor_result(0.0, plan_id=None)
                continue
            plan_id, next_review = plan
            overdue = (date - next_review).days if next_review and next_review < date else 0
            result[key] = factor_result(
                max(0.0, 1.0 - overdue / REVIEW_GRACE_DAYS),
                plan_id=plan_id,
                next_review=fields.Date.to_string(next_review) if next_review else None,
                days_overdue=overdue,
            )
        return result

    # ===================================================================================
    # Health and writing
    # ===================================================================================
    @api.model
    def _kam_previous_health(self, month):
        """``{(partner id, company id): health}`` of the snapshots of ``month``."""
        self.env.cr.execute(
            SQL(
                """SELECT s.partner_id, s.company_id, s.health
                     FROM kam_account_snapshot s
                     JOIN %s a ON a.partner_id = s.partner_id AND a.company_id = s.company_id
                    WHERE s.month = %s AND s.health IS NOT NULL""",
                SQL.identifier(ACCOUNTS_TABLE),
                month,
            )
        )
        return {(pid, cid): health for pid, cid, health in self.env.cr.fetchall()}

    @api.model
    def _kam_write_health(self, date, rows, previous):
        """Upsert one health row per (account, company); ``{(partner, company): id}``."""
        partner_ids, company_ids, healths, prevs, trends, bands = [], [], [], [], [], []
        for row in rows:
            key = (row["partner_id"], row["company_id"])
            prev = previous.get(key)
            partner_ids.append(row["partner_id"])
            company_ids.append(row["company_id"])
            healths.append(row["health"])
            prevs.append(prev)
            trends.append(health_trend(row["health"], prev))
            bands.append(health_band(row["health"]))
        self.env.cr.execute(
            SQL(
                """INSERT INTO kam_relationship_health
                        (partner_id, company_id, key_account_manager_id, salesperson_id, date,
                         health, health_previous, trend, band,
                         create_uid, create_date, write_uid, write_date)
                   SELECT v.partner_id, v.company_id, p.key_account_manager_id, p.user_id,
                          %(date)s, v.health, v.prev, v.trend, v.band,
                          %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM unnest(%(partners)s::int[], %(companies)s::int[], %(healths)s::int[],
                                 %(prevs)s::int[], %(trends)s::varchar[], %(bands)s::varchar[])
                          AS v(partner_id, company_id, health, prev, trend, band)
                     JOIN res_partner p ON p.id = v.partner_id
              ON CONFLICT (partner_id, company_id) DO UPDATE SET
                          key_account_manager_id = EXCLUDED.key_account_manager_id,
                          salesperson_id = EXCLUDED.salesperson_id,
                          date = EXCLUDED.date,
                          health = EXCLUDED.health,
                          health_previous = EXCLUDED.health_previous,
                          trend = EXCLUDED.trend,
                          band = EXCLUDED.band,
                          write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date
                RETURNING partner_id, company_id, id""",
                date=date,
                uid=self.env.uid,
                partners=partner_ids,
                companies=company_ids,
                healths=healths,
                prevs=prevs,
                trends=trends,
                bands=bands,
            )
        )
        return {(pid, cid): hid for pid, cid, hid in self.env.cr.fetchall()}

    @api.model
    def _kam_write_lines(self, health_ids, rows):
        """Replace the lines of the rows written: one batch delete, one batch insert."""
        cr = self.env.cr
        cr.execute(
            "DELETE FROM kam_relationship_health_line WHERE health_id = ANY(%s)",
            [list(health_ids.values())],
        )
        columns = defaultdict(list)
        for row in rows:
            health_id = health_ids[row["partner_id"], row["company_id"]]
            for line in row["lines"]:
                columns["health"].append(health_id)
                columns["partner"].append(row["partner_id"])
                columns["company"].append(row["company_id"])
                columns["factor"].append(line["factor"])
                columns["applicable"].append(line["applicable"])
                columns["weight"].append(line["weight"])
                columns["score"].append(round(line["score"], 4) if line["applicable"] else None)
                columns["points"].append(line["points"])
                columns["gap"].append(line["gap"])
                columns["group"].append(line["group_id"])
                columns["contact"].append(line["contact_id"])
                columns["params"].append(json.dumps(line["params"]))
        if not columns:
            return
        cr.execute(
            SQL(
                """INSERT INTO kam_relationship_health_line
                        (health_id, partner_id, company_id, factor, applicable, weight, score,
                         points, gap, stakeholder_group_id, contact_id, params,
                         create_uid, create_date, write_uid, write_date)
                   SELECT v.*, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM unnest(%(health)s::int[], %(partner)s::int[], %(company)s::int[],
                                 %(factor)s::varchar[], %(applicable)s::bool[], %(weight)s::int[],
                                 %(score)s::numeric[], %(points)s::numeric[], %(gap)s::numeric[],
                                 %(group)s::int[], %(contact)s::int[], %(params)s::jsonb[]) AS v""",
                uid=self.env.uid,
                **columns,
            )
        )

    @api.model
    def _kam_write_snapshots(self, month, rows):
        """Upsert the snapshot of ``month`` per (account, company): health and the
        account's class there. Returns the snapshot ids."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO kam_account_snapshot
                        (partner_id, company_id, month, health, abc_class,
                         create_uid, create_date, write_uid, write_date)
                   SELECT v.partner_id, v.company_id, %(month)s, v.health, a.abc_class,
                          %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM unnest(%(partners)s::int[], %(companies)s::int[], %(healths)s::int[])
                          AS v(partner_id, company_id, health)
                     JOIN %(accounts)s a
                       ON a.partner_id = v.partner_id AND a.company_id = v.company_id
              ON CONFLICT (partner_id, company_id, month) DO UPDATE SET
                          health = EXCLUDED.health,
                          abc_class = EXCLUDED.abc_class,
                          write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date
                RETURNING id""",
                month=month,
                uid=self.env.uid,
                partners=[row["partner_id"] for row in rows],
                companies=[row["company_id"] for row in rows],
                healths=[row["health"] for row in rows],
                accounts=SQL.identifier(ACCOUNTS_TABLE),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _kam_invalidate(self):
        for model in ("kam.relationship.health", "kam.relationship.health.line"):
            self.env[model].invalidate_model()
        self.env["kam.account.snapshot"].invalidate_model()
