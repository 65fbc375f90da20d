"""The class engine: the computed class of every customer in every company of ours.

Inputs (yearly purchases, the customer's turnover in the company currency, installers)
against the company's thresholds give the computed class; the final class is the manual
class if set, else the computed one. A recompute runs in batches of partners, writes the
company-dependent class columns (jsonb keyed by company id) with one UPDATE per changed
partner and the class history with one INSERT. Other modules plug in through the hooks
``_kam_yearly_purchases`` (the sales data), ``_kam_compute_class_values`` (another rule)
and ``_kam_class_source_text`` (its name).
"""

import ast
import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, get_lang, split_every

from ..tools.class_reasons import (
    class_reason_text,
    criteria_letter,
    money_formatter,
    number_formatter,
    reason_context,
    reason_data,
    rule_texts,
)
from .kam_activity import in_lang_of

# Fields that hold the class of a partner; writes to them go through _kam_sync_final_class.
CLASS_FIELDS = ("abc_class", "abc_class_computed", "abc_class_manual")
RECOMPUTE_BATCH = 5000
CRON_CHUNK = 20000
CRON_CURSOR_PARAM = "key_account_mgmt.class_recompute_cursor"


class KamClassEngine(models.AbstractModel):
    _name = "kam.class.engine"
    _description = "Customer class computation"

    # ===================================================================================
    # Hooks
    # ===================================================================================
    @api.model
    def _kam_yearly_purchases(self, company, partners):
        """Yearly purchases from us per commercial partner, in the company currency.

        Returns ``{commercial partner id: amount}``. Without sales data everyone has
        zero (an empty dict); a sales module overrides it with the revenue of the last 12
        months.
        """
        return {}

    @api.model
    def _kam_class_source_text(self, company):
        """The rule that computes the class in ``company``, in words."""
        mode = dict(company._fields["kam_class_rule_mode"]._description_selection(self.env))
        return self.env._(
            "Criteria rule (%(mode)s): turnover, installers and yearly purchases against "
            "the class thresholds.",
            mode=mode.get(company.kam_class_rule_mode, "").lower(),
        )

    # ===================================================================================
    # Inputs
    # ===================================================================================
    @api.model
    def _kam_turnovers_in_company_currency(self, company, partners):
        """Customer turnover converted to the company currency at today's rate.

        Returns ``{partner id: amount}`` for the partners that have a turnover entered;
        read with one query, one conversion rate per currency, not per partner.
        """
        if not partners:
            return {}
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            """SELECT id, customer_turnover, kam_turnover_currency_id FROM res_partner
                WHERE id = ANY(%s) AND customer_turnover <> 0""",
            [partners.ids],
        )
        return self._kam_convert_turnovers(company, self.env.cr.fetchall())

    @api.model
    def _kam_convert_turnovers(self, company, rows):
        """``{partner id: amount in the company currency}`` from rows ``(partner id,
        turnover, turnover currency id)`` with a turnover; one rate per currency."""
        today = fields.Date.context_today(self)
        Currency = self.env["res.currency"]
        target = company.currency_id
        rates = {}
        result = {}
        for partner_id, amount, currency_id in rows:
            currency_id = currency_id or target.id
            if currency_id not in rates:
                rates[currency_id] = Currency.browse(currency_id)._get_conversion_rate(
                    Currency.browse(currency_id), target, company, today
                )
            result[partner_id] = target.round(float(amount) * rates[currency_id])
        return result

    @api.model
    def _kam_class_inputs(self, company, partners):
        """The three inputs of the criteria rule per partner, set-based:
        ``{partner id: {"turnover", "installers", "purchases"}}``, None when missing."""
        if not partners:
            return {}
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            """SELECT id, commercial_partner_id, installer_count, customer_turnover,
                      kam_turnover_currency_id
                 FROM res_partner WHERE id = ANY(%s)""",
            [partners.ids],
        )
        rows = self.env.cr.fetchall()
        purchases = self._kam_yearly_purchases(company, partners)
        turnovers = self._kam_convert_turnovers(
            company, [(pid, amount, cur) for pid, _c, _i, amount, cur in rows if amount]
        )
        return {
            partner_id: {
                "turnover": turnovers.get(partner_id),
                "installers": installers or None,
                "purchases": purchases.get(commercial_id or partner_id) or None,
            }
            for partner_id, commercial_id, installers, _amount, _currency in rows
        }

    @api.model
    def _kam_class_thresholds(self, company):
        """``{letter: (turnover, installers, purchases)}``: the company's thresholds."""
        return {
            letter: tuple(
                company[f"kam_{letter.lower()}_min_{name}"]
                for name in ("turnover", "installers", "purchases")
            )
            for letter in ("A", "B")
        }

    # ===================================================================================
    # The rule
    # ===================================================================================
    @api.model
    def _kam_compute_class_values(self, company, partners, with_reason=True):
        """The criteria rule: ``{partner id: (class letter, reason text)}``.

        A criterion of a class holds when the customer's value is strictly above the
        company's threshold for that class; a missing value never holds. The customer
        gets the highest class (A, then B) for which enough criteria hold (2 of 3, or all
        3 when the company demands it); otherwise C. ``with_reason=False`` leaves the
        reason out (None): a recompute needs only the letters, the sentences are built
        for the partners shown or logged.
        """
        inputs = self._kam_class_inputs(company, partners)
        needed = 3 if company.kam_class_rule_mode == "all_three" else 2
        thresholds = self._kam_class_thresholds(company)
        rule = self._kam_reason_context(company, needed, thresholds) if with_reason else None
        ordered = [(letter, *thresholds[letter]) for letter in ("A", "B")]
        result = {}
        for partner_id, values in inputs.items():
            chosen = criteria_letter(
                values["turnover"], values["installers"], values["purchases"], ordered, needed
            )
            reason = class_reason_text(rule, values, chosen) if with_reason else None
            result[partner_id] = (chosen, reason)
        return result

    @api.model
    def _kam_class_reason_data(self, company, partners):
        """What the rule's reason of each partner is built from, stored with a class
        change so that each reader gets it in his own language: ``{partner id: data}``
        (see ``tools.class_reasons.reason_data``). A rule that writes its reasons as text
        only returns ``{}`` (its history rows keep the text)."""
        inputs = self._kam_class_inputs(company, partners)
        needed = 3 if company.kam_class_rule_mode == "all_three" else 2
        thresholds = self._kam_class_thresholds(company)
        ordered = [(letter, *thresholds[letter]) for letter in ("A", "B")]
        currency_id = company.currency_id.id
        return {
            partner_id: reason_data(
                values,
                criteria_letter(
                    values["turnover"], values["installers"], values["purchases"], ordered, needed
                ),
                needed,
                thresholds,
                currency_id,
            )
            for partner_id, values in inputs.items()
        }

    @api.model
    def _kam_reason_context(self, company, needed, thresholds):
        """What the reasons of one company share, in the user's language, formatted once
        per call (see ``tools.class_reasons.reason_context``)."""
        return reason_context(
            rule_texts(self.env._),
            self._kam_money_formatter(company.currency_id),
            company.name,
            company.currency_id.name,
            needed,
            thresholds,
        )

    @api.model
    def _kam_money_formatter(self, currency):
        """A fast amount formatter in the user's language (the rule runs on many rows)."""
        lang = get_lang(self.env)
        return money_formatter(
            currency.symbol,
            currency.position,
            currency.decimal_places,
            lang.thousands_sep or "",
            lang.decimal_point or ".",
        )

    @api.model
    def _kam_number_formatter(self):
        """``fmt(value, digits)`` in the user's number format."""
        lang = get_lang(self.env)
        return number_formatter(
            lang.thousands_sep or "", lang.decimal_point or ".", ast.literal_eval(lang.grouping)
        )

    # ===================================================================================
    # Recompute
    # ===================================================================================
    @api.model
    def _kam_classifiable_domain(self, company):
        """Commercial customer companies that get a class in ``company`` (several
        companies: in any of them)."""
        own_partners = self.env["res.company"].sudo().search([]).partner_id.ids
        return [
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("id", "not in", own_partners),
            ("company_id", "in", [False, *company.ids]),
        ]

    @api.model
    def _kam_recompute_abc_classes(self, company=None, partners=None):
        """Recompute ``abc_class_computed`` (and the final class) set-based.

        ``company``: one or more companies (default: all companies). ``partners``: only
        these (their commercial partners); default: every commercial customer company.
        Writes only what changed and a history row for every change of the final class.
        The classes of all the companies are written together, one UPDATE per partner: a
        second UPDATE of a row in the same transaction re-checks all its foreign keys.
        Returns the number of partners whose final class changed.
        """
        companies = company or self.env["res.company"].sudo().search([])
        changed = 0
        for batch in self._kam_recompute_batches(companies, partners):
            current = self._kam_read_classes(sorted({pid for ids in batch.values() for pid in ids}))
            values = {}
            for comp, ids in batch.items():
                engine = self.sudo().with_company(comp)
                key = str(comp.id)
                # A partner without a class here gets one now, and a history row with the
                # rule's reason: its reason and data come with its letter (one read of the
                # inputs). The others get letters only; reasons follow for those whose
                # class changes.
                first = [pid for pid in ids if pid in current and key not in current[pid][1]]
                known = [pid for pid in ids if pid in current and key in current[pid][1]]
                values[comp] = {}
                if known:
                    values[comp] = engine._kam_compute_class_values(
                        comp, engine.env["res.partner"].browse(known), with_reason=False
                    )
                if first:
                    values[comp].update(engine._kam_class_values_with_data(comp, first))
            changed += self.sudo()._kam_apply_class_values(values, current=current)
            # Memory stays flat over any number of partners: nothing of a batch is kept.
            self.env.invalidate_all()
        return changed

    @api.model
    def _kam_recompute_batches(self, companies, partners=None):
        """Batches of partners to classify: ``{company: [partner ids]}`` per batch.

        Given ``partners``: their commercial partners. Otherwise every classifiable
        customer of the companies, read batch by batch in id order (never all ids at
        once: the memory of a run stays that of one batch)."""
        if partners is not None:
            commercial = partners.sudo().commercial_partner_id
            for chunk in split_every(RECOMPUTE_BATCH, commercial.ids):
                batch = {}
                for comp in companies:
                    ids = [
                        p.id
                        for p in commercial.browse(chunk)
                        if not p.company_id or p.company_id == comp
                    ]
                    if ids:
                        batch[comp] = ids
                yield batch
            return
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        domain = self._kam_classifiable_domain(companies)
        last = 0
        while True:
            query = Partner._search([*domain, ("id", ">", last)], order="id", limit=RECOMPUTE_BATCH)
            self.env.cr.execute(
                query.select(
                    SQL.identifier(query.table, "id"), SQL.identifier(query.table, "company_id")
                )
            )
            owners = dict(self.env.cr.fetchall())
            if not owners:
                return
            ids = sorted(owners)
            last = ids[-1]
            batch = {}
            for comp in companies:
                in_comp = [pid for pid in ids if owners[pid] in (None, comp.id)]
                if in_comp:
                    batch[comp] = in_comp
            yield batch

    @api.model
    def _kam_read_classes(self, ids):
        """``{id: (computed, final, manual)}``: the class columns of the partners, as
        dicts keyed by company id (the jsonb of the company-dependent fields)."""
        self.env["res.partner"].flush_model(list(CLASS_FIELDS))
        self.env.cr.execute(
            """SELECT id, abc_class_computed, abc_class, abc_class_manual
                 FROM res_partner WHERE id = ANY(%s)""",
            [list(ids)],
        )
        return {
            pid: (dict(computed or {}), dict(final or {}), manual or {})
            for pid, computed, final, manual in self.env.cr.fetchall()
        }

    @api.model
    def _kam_apply_class_values(self, values_by_company, current=None):
        """Write computed classes given as ``{company: {id: (class, reason or None)}}``
        (or ``(class, reason, reason data)``, see ``_kam_class_values_with_data``)
        (``current``: the partners' class columns if already read, see
        ``_kam_read_classes``).

        Set-based: one read of the current values, then one SQL update per changed
        partner for all the companies (the company-dependent fields are jsonb columns
        keyed by company id) and one INSERT of the history rows. The final class follows
        the usual rule (manual if set, else computed); every change of the final class
        gets a history row with source 'computed' and the rule's reason, built for those
        partners only. No chatter: the history rows are the trail.
        Returns the number of final class changes.
        """
        ids = sorted({pid for values in values_by_company.values() for pid in values})
        if not ids:
            return 0
        if current is None:
            current = self._kam_read_classes(ids)
        moved = set()
        history = []
        for company, values in values_by_company.items():
            key = str(company.id)
            for pid, (new_class, reason, *data) in values.items():
                if pid not in current:
                    continue
                computed, final, manual = current[pid]
                new_class = new_class or None
                new_final = manual.get(key) or new_class
                old_final = final.get(key) or None
                if (computed.get(key), old_final) != (new_class, new_final):
                    moved.add(pid)
                    for column, value in ((computed, new_class), (final, new_final)):
                        if value:
                            column[key] = value
                        else:
                            column.pop(key, None)
                if old_final != new_final:
                    history.append(
                        [pid, company, old_final, new_final, reason, data[0] if data else None]
                    )
        self._kam_fill_history_reasons(history)
        now = fields.Datetime.now()
        for chunk in split_every(1000, sorted(moved)):
            self._kam_update_class_columns({pid: current[pid] for pid in chunk}, now)
        for chunk in split_every(1000, history):
            self._kam_insert_history(chunk, now)
        Partner = self.env["res.partner"]
        if moved:
            Partner.invalidate_model([*CLASS_FIELDS, "write_uid", "write_date"])
        if history:
            self.env["kam.abc.class.history"].invalidate_model()
            Partner.invalidate_model(["abc_class_history_ids"])
        return len(history)

    @api.model
    def _kam_update_class_columns(self, columns, now):
        """One UPDATE of the computed and final class columns of the partners
        ``{id: (computed, final, manual)}`` (the jsonb dicts to store)."""
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p
                      SET abc_class_computed = v.computed,
                          abc_class = v.final,
                          write_uid = %(uid)s,
                          write_date = %(now)s
                     FROM (VALUES %(rows)s) v(id, computed, final)
                    WHERE p.id = v.id""",
                uid=self.env.uid,
                now=now,
                rows=SQL(", ").join(
                    SQL(
                        "(%s, %s::jsonb, %s::jsonb)",
                        pid,
                        # An empty value is no key, as the ORM stores it.
                        json.dumps(computed) if computed else None,
                        json.dumps(final) if final else None,
                    )
                    for pid, (computed, final, _manual) in columns.items()
                ),
            )
        )

    @api.model
    def _kam_insert_history(self, rows, now):
        """One INSERT of computed class changes ``[pid, company, old, new, reason,
        reason data]``, with the customer's salesperson and key account manager now."""
        self.env["res.partner"].flush_model(["user_id", "key_account_manager_id"])
        self.env.cr.execute(
            SQL(
                """INSERT INTO kam_abc_class_history
                       (partner_id, company_id, date, old_class, new_class, source,
                        user_id, reason, reason_data, is_upgrade, salesperson_id,
                        key_account_manager_id, create_uid, create_date, write_uid, write_date)
                   SELECT v.partner_id, v.company_id, %(now)s, v.old, v.new, 'computed',
                          %(uid)s, v.reason, v.data,
                          COALESCE(v.old IS NOT NULL AND v.new IS NOT NULL
                                   AND v.new COLLATE "C" < v.old COLLATE "C", FALSE),
                          p.user_id, p.key_account_manager_id,
                          %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM (VALUES %(rows)s) v(partner_id, company_id, old, new, reason, data)
                     JOIN res_partner p ON p.id = v.partner_id""",
                now=now,
                uid=self.env.uid,
                rows=SQL(", ").join(
                    SQL(
                        "(%s, %s, %s::varchar, %s::varchar, %s::text, %s::jsonb)",
                        pid,
                        company.id,
                        old,
                        new,
                        reason,
                        json.dumps(data) if data else None,
                    )
                    for pid, company, old, new, reason, data in rows
                ),
            )
        )

    @api.model
    def _kam_fill_history_reasons(self, history):
        """The rule's reason of each history row ``[pid, company, old, new, reason,
        data]`` that has none yet, built per company for those partners only: the data it
        is built from (shown in each reader's language) and its text in the company's
        language (kept with the row). A rule without data gives its text only."""
        missing = defaultdict(list)
        for row in history:
            if row[4] is None:
                missing[row[1]].append(row[0])
        for company, pids in missing.items():
            values = self._kam_class_values_with_data(company, pids)
            for row in history:
                if row[4] is None and row[1] == company:
                    _letter, row[4], row[5] = values.get(row[0], (None, None, None))

    @api.model
    def _kam_class_values_with_data(self, company, pids):
        """``{pid: (class, reason text in the company's language, reason data or None)}``
        with one read of the rule's inputs: the letters and texts come from the data
        (``_kam_class_reason_data``); a rule without data gives letters and texts of
        ``_kam_compute_class_values``. A module that overrides that hook with another
        rule overrides ``_kam_class_reason_data`` too."""
        # Stored reasons are read by the whole company: written in the company's language.
        engine = in_lang_of(self.sudo().with_company(company), company.partner_id)
        Partner = engine.env["res.partner"]
        datas = engine._kam_class_reason_data(company, Partner.browse(pids))
        texts = engine.env["kam.abc.class.history"]._kam_reason_data_texts(company, datas)
        result = {pid: (datas[pid]["chosen"], text, datas[pid]) for pid, text in texts.items()}
        rest = [pid for pid in pids if pid not in result]
        if rest:
            values = engine._kam_compute_class_values(company, Partner.browse(rest))
            result.update((pid, (letter, reason, None)) for pid, (letter, reason) in values.items())
        return result

    # ===================================================================================
    # Final class
    # ===================================================================================
    @api.model
    def _kam_sync_final_class(self, partners, old_final, source, reason=None, company=None):
        """Set the final class of ``partners`` = manual or computed; log each change.

        ``old_final``: ``{partner id: final class before}``. Returns the count."""
        company = company or self.env.company
        partners = partners.with_company(company).with_context(
            kam_class_sync=True, tracking_disable=True
        )
        by_final = defaultdict(list)
        history = []
        datas = {}
        if source == "computed" and not reason:
            # The rule's data, when it gives the class written (else its text says why not).
            datas = self._kam_class_reason_data(company, partners.sudo())
        for partner in partners:
            final = partner.abc_class_manual or partner.abc_class_computed or False
            if partner.abc_class != final:
                by_final[final].append(partner.id)
            old = old_final.get(partner.id, partner.abc_class) or False
            if old != final:
                history.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "old_class": old,
                        "new_class": final,
                        "source": source,
                        "user_id": self.env.uid,
                        "reason": reason
                        or (partner.abc_class_reason if source == "computed" else False),
                        "reason_data": data
                        if (data := datas.get(partner.id))
                        and data["chosen"] == partner.abc_class_computed
                        else False,
                    }
                )
        for final, ids in by_final.items():
            partners.browse(ids).sudo().write({"abc_class": final})
        if history:
            self.env["kam.abc.class.history"].sudo().create(history)
            if source == "manual" and not self.env.context.get("kam_class_chatter_done"):
                self._kam_post_manual_change(partners, history, company)
        return len(history)

    @api.model
    def _kam_post_manual_change(self, partners, history, company):
        """Chatter trail of a manual class change (proposals post their own)."""
        for row in history:
            partner = partners.browse(row["partner_id"]).sudo()
            # Chatter about an account speaks the language of its responsible user.
            partner = in_lang_of(partner, partner._kam_responsible_user())
            partner.message_post(
                body=partner.env._(
                    "%(user)s set the class in %(company)s by hand: %(old)s -> %(new)s. %(reason)s",
                    user=self.env.user.name,
                    company=company.name,
                    old=row["old_class"] or "-",
                    new=row["new_class"] or "-",
                    reason=row["reason"] or "",
                )
            )

    # ===================================================================================
    # Scheduled recompute
    # ===================================================================================
    @api.model
    def _cron_kam_recompute_abc_classes(self, chunk=CRON_CHUNK):
        """Daily: recompute the classes of every company, ``chunk`` partners per call.

        The position (company id, last partner id) is kept in a system parameter, so that
        the scheduler's re-runs (``_notify_progress`` with something remaining) and a run
        after an interruption continue where the last committed call stopped. Returns
        the number of partners processed by this call.
        """
        params = self.env["ir.config_parameter"].sudo()
        cursor = params.get_param(CRON_CURSOR_PARAM) or "0:0"
        cursor_company, cursor_partner = (int(x) for x in cursor.split(":"))
        Partner = self.env["res.partner"].sudo()
        done = 0
        companies = self.env["res.company"].sudo().search([("id", ">=", cursor_company)])
        for company in companies.sorted("id"):
            start = cursor_partner if company.id == cursor_company else 0
            domain = [*self._kam_classifiable_domain(company), ("id", ">", start)]
            ids = Partner.search(domain, order="id", limit=chunk - done).ids
            if ids:
                self._kam_recompute_abc_classes(company=company, partners=Partner.browse(ids))
            done += len(ids)
            if done >= chunk:
                params.set_param(CRON_CURSOR_PARAM, f"{company.id}:{ids[-1]}")
                remaining = Partner.search_count(
                    [*self._kam_classifiable_domain(company), ("id", ">", ids[-1])]
                ) + sum(
                    Partner.search_count(self._kam_classifiable_domain(other))
                    for other in companies.filtered(lambda c, cid=company.id: c.id > cid)
                )
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                return done
        params.set_param(CRON_CURSOR_PARAM, "0:0")
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done
