"""The key-account review: key accounts that no longer meet the selection criteria are
flagged daily, their KAM is reminded, and a manager keeps them (the check is silenced for
a while) or ends their key-account status."""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

from ..tools.access import is_kam_manager
from ..tools.class_reasons import review_reason
from .kam_activity import close_activities, in_lang_of, schedule_activity_once

REVIEW_KEY_ACCOUNT_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_review_key_account"
# A manager who keeps a key account below the criteria silences the review for a year.
REVIEW_KEEP_MONTHS = 12


class ResPartner(models.Model):
    # One file per concern of the partner extension (models/__init__.py lists them).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_review_key_account = fields.Boolean(
        string="Review key-account status",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
        help="Set by the daily check when a key account no longer meets the selection "
        "criteria: decide to keep it or to remove the key-account status.",
    )
    # Not stored: the criteria of the current company only, in its currency and in the
    # reader's language (one text about several companies mixed currencies).
    kam_review_key_account_reason = fields.Text(
        string="Why review",
        compute="_compute_kam_review_key_account_reason",
        groups="base.group_user",
    )
    kam_review_keep_until = fields.Date(
        string="Kept as key account until",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="A manager kept this key account although it is below the criteria; the "
        "daily check does not flag it again before this date.",
    )

    def write(self, vals):
        dropped = self.browse()
        if "is_key_account" in vals and not vals["is_key_account"]:
            # A removed key account needs no status review any more.
            dropped = self.filtered("kam_review_key_account")
            vals = dict(vals, kam_review_key_account=False, kam_review_keep_until=False)
        res = super().write(vals)
        if dropped:
            close_activities(
                dropped,
                REVIEW_KEY_ACCOUNT_ACTIVITY,
                feedback=lambda act: act.env._("Key account removed"),
            )
        return res

    # ===================================================================================
    # Selection criteria
    # ===================================================================================
    @api.model
    def _kam_key_account_criteria(
        self, company, partners, min_turnover, min_installers, min_purchases
    ):
        """Selection criteria met by each partner in ``company``.

        Returns ``{partner id: (criteria met 0-3, turnover, yearly purchases)}`` with
        amounts in the company currency; each criterion holds when the value is strictly
        above its minimum. Shared by the candidate wizard and the daily re-selection check.
        """
        engine = self.env["kam.class.engine"]
        purchases = engine._kam_yearly_purchases(company, partners)
        turnovers = engine._kam_turnovers_in_company_currency(company, partners)
        result = {}
        for partner in partners:
            turnover = turnovers.get(partner.id, 0.0)
            bought = purchases.get(partner.id, 0.0)
            met = (
                (turnover > min_turnover)
                + ((partner.installer_count or 0) > min_installers)
                + (bought > min_purchases)
            )
            result[partner.id] = (int(met), turnover, bought)
        return result

    @api.model
    def _kam_key_accounts_to_review(self, partners=None):
        """Key accounts below the selection criteria in every company:
        ``{partner id: {company: (met, turnover, yearly purchases)}}``, one entry per
        company of ours the account belongs to.

        The criteria are the candidate wizard's defaults: the company's class A thresholds
        and ``kam_key_account_min_criteria``. An account shared by several companies stays
        a key account while it qualifies in one of them. Accounts a manager kept (until a
        date not yet passed) are skipped.
        """
        today = fields.Date.context_today(self)
        domain = [
            ("is_key_account", "=", True),
            "|",
            ("kam_review_keep_until", "=", False),
            ("kam_review_keep_until", "<", today),
        ]
        if partners is not None:
            domain.append(("id", "in", partners.ids))
        keyed = self.sudo().search(domain)
        qualifies = set()
        below = defaultdict(dict)
        for company in self.env["res.company"].sudo().search([]):
            in_company = keyed.filtered(lambda p, c=company: not p.company_id or p.company_id == c)
            if not in_company:
                continue
            criteria = self.with_company(company)._kam_key_account_criteria(
                company,
                in_company,
                company.kam_a_min_turnover,
                company.kam_a_min_installers,
                company.kam_a_min_purchases,
            )
            for partner in in_company:
                if criteria[partner.id][0] >= company.kam_key_account_min_criteria:
                    qualifies.add(partner.id)
                else:
                    below[partner.id][company] = criteria[partner.id]
        return {pid: found for pid, found in below.items() if pid not in qualifies}

    def _kam_review_reason(self, company, figures):
        """Why this key account is below the criteria of ``company``, in the language of
        ``self.env`` and the currency of the company (``figures``: met, turnover,
        yearly purchases)."""
        self.ensure_one()
        met, turnover, bought = figures
        engine = self.env["kam.class.engine"]
        return review_reason(
            self.env._,
            engine._kam_money_formatter(company.currency_id),
            engine._kam_number_formatter(),
            company.name,
            (met, turnover, self.sudo().installer_count, bought),
            (company.kam_a_min_turnover, company.kam_a_min_installers, company.kam_a_min_purchases),
            company.kam_key_account_min_criteria,
        )

    @api.depends_context("company", "lang")
    @api.depends("kam_review_key_account")
    def _compute_kam_review_key_account_reason(self):
        flagged = self.filtered(lambda p: p._origin.id and p.kam_review_key_account)
        below = {}
        if flagged:
            below = self._kam_key_accounts_to_review(flagged._origin)
        company = self.env.company
        for partner in self:
            figures = below.get(partner._origin.id, {}).get(company)
            partner.kam_review_key_account_reason = (
                partner._kam_review_reason(company, figures) if figures else False
            )

    @api.model
    def _cron_kam_review_key_accounts(self):
        """Daily: flag key accounts that no longer meet the criteria, remind their KAM once
        per company of ours, with that company's criteria, in the KAM's language.

        Flags that no longer apply (the account qualifies again, or a manager kept it)
        are cleared and their open review activities are closed.
        """
        to_review = self._kam_key_accounts_to_review()
        Partner = self.sudo().with_context(tracking_disable=True, kam_skip_class_recompute=True)
        flagged = Partner.search([("kam_review_key_account", "=", True)])
        cleared = flagged.filtered(lambda p: p.id not in to_review)
        if cleared:
            cleared.write({"kam_review_key_account": False})
            close_activities(
                cleared,
                REVIEW_KEY_ACCOUNT_ACTIVITY,
                feedback=lambda act: act.env._("The account meets the key-account criteria again."),
            )
        partners = Partner.browse(list(to_review))
        partners.filtered(lambda p: not p.kam_review_key_account).write(
            {"kam_review_key_account": True}
        )
        activities = self.env["mail.activity"]
        companies = {company for found in to_review.values() for company in found}
        for company in sorted(companies, key=lambda c: c.id):
            in_company = partners.filtered(lambda p, c=company: c in to_review[p.id])
            activities |= schedule_activity_once(
                in_company,
                REVIEW_KEY_ACCOUNT_ACTIVITY,
                user_of=lambda p: p._kam_responsible_user(),
                summary=lambda p, c=company: p.env._(
                    "Review key-account status in %(company)s: below the selection criteria",
                    company=c.name,
                ),
                note_of=lambda p, c=company: p._kam_review_reason(c, to_review[p.id][c]),
                company=company,
            )
        return activities

    def action_kam_keep_key_account(self):
        """Managers: keep the flagged key accounts; the check is silenced for 12 months."""
        if not is_kam_manager(self.env):
            raise AccessError(
                self.env._("Only a key account manager can keep a key account under review.")
            )
        keep_until = fields.Date.context_today(self) + relativedelta(months=REVIEW_KEEP_MONTHS)
        partners = self.filtered("kam_review_key_account")
        partners.sudo().write(
            {"kam_review_key_account": False, "kam_review_keep_until": keep_until}
        )
        close_activities(
            partners,
            REVIEW_KEY_ACCOUNT_ACTIVITY,
            feedback=lambda act: act.env._("Kept as key account"),
        )
        for partner in partners:
            partner = in_lang_of(partner, partner._kam_responsible_user())
            partner.message_post(
                body=partner.env._(
                    "%(user)s kept %(partner)s as a key account below the selection criteria "
                    "until %(date)s.",
                    user=self.env.user.name,
                    partner=partner.display_name,
                    date=format_date(partner.env, keep_until),
                )
            )
        return True

    def action_kam_remove_key_account(self):
        """Managers: end the key-account status of the flagged accounts."""
        if not is_kam_manager(self.env):
            raise AccessError(
                self.env._("Only a key account manager can remove the key-account status.")
            )
        self.with_context(
            kam_key_account_reason=self.env._("Below the selection criteria (status review)")
        ).write({"is_key_account": False})
        return True
