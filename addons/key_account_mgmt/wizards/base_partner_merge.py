import json

from odoo import fields, models
from odoo.tools import SQL

from ..models.kam_activity import in_lang_of
from ..models.kam_class_proposal import ACTIVITY_TYPE as PROPOSAL_ACTIVITY
from ..models.res_partner import CLASS_FIELDS


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging customers keeps their classes per company, their class history and at
    most one class proposal waiting for approval per company.

    Odoo moves the history rows and the proposals of the duplicates to the survivor
    (foreign keys), merges the company-dependent columns field by field and then writes
    the values of the current company again through the ORM. For the class that mixed
    the survivor's manual class with a duplicate's computed one, turned a final class
    into a manual override and recomputed the class from the merged inputs. Here the
    classes of one company move as a whole: the survivor keeps its own where it has
    one, else takes the first duplicate's (the highest id, as Odoo does).
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        classes = {}
        if len(partners) >= 2:
            # Read before Odoo touches the columns; used by _update_values.
            classes = self.env["kam.class.engine"].sudo()._kam_read_classes(partners.ids)
        wizard = self.with_context(kam_merge_classes=classes)
        return super(BasePartnerMergeAutomaticWizard, wizard)._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )

    def _update_foreign_keys(self, src_partners, dst_partner):
        res = super()._update_foreign_keys(src_partners, dst_partner)
        self._kam_merge_pending_proposals(src_partners, dst_partner)
        return res

    def _update_reference_fields(self, src_partners, dst_partner):
        res = super()._update_reference_fields(src_partners, dst_partner)
        self._kam_merge_approval_todos(src_partners, dst_partner)
        return res

    def _kam_merge_approval_todos(self, src_partners, dst_partner):
        """One approval to-do per company on the survivor (Odoo has just moved the
        duplicates' to-dos to it): the most recent stays, for the proposal that still
        waits; the others are marked done with the note of the superseded proposals."""
        approvals = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", dst_partner.id),
                    ("activity_type_id", "=", self.env.ref(PROPOSAL_ACTIVITY).id),
                ],
                order="create_date desc, id desc",
            )
        )
        kept = set()
        for approval in approvals:
            company = approval.kam_company_id
            if company in kept:
                # Done activities are deleted: read the company before.
                approval.action_feedback(
                    feedback=self._kam_superseded_note(src_partners, dst_partner)
                )
            kept.add(company)

    def _kam_superseded_note(self, src_partners, dst_partner):
        return in_lang_of(self, self.env.user).env._(
            "Superseded by the merge of %(duplicates)s into %(partner)s: the most recent "
            "proposal waiting for approval was kept.",
            duplicates=", ".join(src_partners.sudo().mapped("display_name")),
            partner=dst_partner.sudo().display_name,
        )

    def _update_values(self, src_partners, dst_partner):
        # The class columns are merged below, for every company at once: Odoo's write of
        # the current company's values must neither turn them into a manual override
        # nor recompute the class (the next recompute re-evaluates the merged customer).
        dst = dst_partner.with_context(kam_class_sync=True, kam_skip_class_recompute=True)
        res = super()._update_values(src_partners, dst)
        self._kam_merge_classes(src_partners, dst_partner)
        return res

    def _kam_merge_pending_proposals(self, src_partners, dst_partner):
        """At most one pending proposal per company on the survivor: the most recent
        stays pending, the others are rejected as superseded."""
        Proposal = self.env["kam.class.proposal"].sudo()
        Proposal.invalidate_model()  # the foreign keys were moved in SQL
        pending = Proposal.search(
            [("partner_id", "=", dst_partner.id), ("state", "=", "pending")],
            order="create_date desc, id desc",
        )
        seen = set()
        superseded = Proposal
        for proposal in pending:
            if proposal.company_id in seen:
                superseded |= proposal
            seen.add(proposal.company_id)
        if not superseded:
            return
        note = self._kam_superseded_note(src_partners, dst_partner)
        superseded.write(
            {
                "state": "rejected",
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
                "decision_note": note,
            }
        )

    def _kam_merge_classes(self, src_partners, dst_partner):
        classes = self.env.context.get("kam_merge_classes") or {}
        if dst_partner.id not in classes:
            return
        computed, final, manual = (dict(column) for column in classes[dst_partner.id])
        sources = [
            (partner, classes[partner.id])
            for partner in src_partners.sorted("id", reverse=True)
            if partner.id in classes
        ]
        keys = {key for _p, columns in sources for column in columns for key in column}
        taken = []
        for key in sorted(keys, key=int):
            if final.get(key) or computed.get(key) or manual.get(key):
                continue  # the survivor has a class of its own in this company
            for partner, (src_computed, src_final, src_manual) in sources:
                if src_final.get(key) or src_computed.get(key) or src_manual.get(key):
                    for column, src_column in (
                        (computed, src_computed),
                        (final, src_final),
                        (manual, src_manual),
                    ):
                        if src_column.get(key):
                            column[key] = src_column[key]
                    if final.get(key):
                        taken.append((int(key), partner, bool(manual.get(key))))
                    break
        Partner = self.env["res.partner"]
        Partner.flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner
                      SET abc_class_computed = %(computed)s::jsonb,
                          abc_class = %(final)s::jsonb,
                          abc_class_manual = %(manual)s::jsonb
                    WHERE id = %(id)s""",
                # An empty value is no key, as the ORM stores it.
                computed=json.dumps(computed) if computed else None,
                final=json.dumps(final) if final else None,
                manual=json.dumps(manual) if manual else None,
                id=dst_partner.id,
            )
        )
        Partner.invalidate_model(list(CLASS_FIELDS))
        rows = []
        for company_id, partner, is_manual in taken:
            company = self.env["res.company"].sudo().browse(company_id)
            env = in_lang_of(self.sudo(), company.partner_id).env
            rows.append(
                {
                    "partner_id": dst_partner.id,
                    "company_id": company_id,
                    "old_class": False,
                    "new_class": final[str(company_id)],
                    "source": "manual" if is_manual else "computed",
                    "user_id": self.env.uid,
                    "reason": env._(
                        "Class taken over from %(duplicate)s when it was merged into %(partner)s.",
                        duplicate=partner.sudo().display_name,
                        partner=dst_partner.sudo().display_name,
                    ),
                }
            )
        if rows:
            self.env["kam.abc.class.history"].sudo().create(rows)
