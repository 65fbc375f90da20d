"""The customer score in the segmentation: when nobody rated a customer's attractiveness,
the proposal uses the one its stored score gives (0-100 -> 1-5, see
``key_account_mgmt.tools.segmentation.attractiveness_from_score``).

The derived value is stored on the segmentation (``score_attractiveness``): set when a
segmentation is created, and refreshed set-based after every scoring run (the score
rows are written in SQL, so nothing would tell the proposal otherwise)."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.key_account_mgmt.tools.segmentation import attractiveness_from_score

from .res_partner import SCORE_GROUPS


class KamSegmentation(models.Model):
    _inherit = "kam.segmentation"

    attractiveness_source = fields.Selection(
        selection_add=[("score", "From the customer score")], ondelete={"score": "set null"}
    )
    score_attractiveness = fields.Integer(
        string="Attractiveness from Score",
        readonly=True,
        aggregator=None,
        help="The customer score of this company as an attractiveness: below 20 is 1, "
        "20-39 is 2, 40-59 is 3, 60-79 is 4, 80 and more is 5; 0 without a score. Used "
        "when the attractiveness is not rated.",
    )
    customer_score = fields.Float(
        compute="_compute_customer_score",
        digits=(16, 2),
        groups=SCORE_GROUPS,
        help="The customer's score (0-100) in the company of this segmentation.",
    )

    def _kam_scores(self):
        """{(partner id, company id): score} of the stored score rows of these
        segmentations, in one query."""
        if not self:
            return {}
        rows = (
            self.env["customer.score"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                ],
                ["partner_id", "company_id"],
                ["score:max"],
            )
        )
        return {(partner.id, company.id): score for partner, company, score in rows}

    @api.depends("partner_id", "company_id")
    def _compute_customer_score(self):
        scores = self.filtered("id")._kam_scores()
        for seg in self:
            seg.customer_score = scores.get((seg.partner_id.id, seg.company_id.id), 0.0)

    def _kam_sync_score_attractiveness(self):
        """Store the attractiveness each segmentation's score gives: one read of the
        scores, one write per value that changed (the proposals follow)."""
        scores = self._kam_scores()
        moved = defaultdict(list)
        for seg in self:
            value = attractiveness_from_score(scores.get((seg.partner_id.id, seg.company_id.id)))
            if value != seg.score_attractiveness:
                moved[value].append(seg.id)
        for value, ids in moved.items():
            self.browse(ids).sudo().write({"score_attractiveness": value})

    @api.model
    def _kam_refresh_scores(self, companies, partner_ids=None):
        """After a scoring run of ``companies`` (for ``partner_ids`` or everyone)."""
        domain = [("company_id", "in", companies.ids)]
        if partner_ids is not None:
            domain.append(("partner_id", "in", list(partner_ids)))
        self.sudo().search(domain)._kam_sync_score_attractiveness()

    @api.model_create_multi
    def create(self, vals_list):
        segs = super().create(vals_list)
        segs._kam_sync_score_attractiveness()
        return segs

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "company_id"} & vals.keys():
            self._kam_sync_score_attractiveness()
        return res

    def _kam_derived_attractiveness(self):
        if self.score_attractiveness:
            return self.score_attractiveness, "score"
        return super()._kam_derived_attractiveness()

    @api.depends("score_attractiveness")
    def _compute_attractiveness_used(self):
        return super()._compute_attractiveness_used()


class CustomerScore(models.Model):
    _inherit = "customer.score"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _reclassify(self, company, partner_ids=None):
        """After the scores moved: the classes, then the segmentations' attractiveness
        from the score."""
        res = super()._reclassify(company, partner_ids)
        self.env["kam.segmentation"]._kam_refresh_scores(company, partner_ids)
        return res
