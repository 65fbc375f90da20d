"""The segmentation decision of a customer in the current company, on the partner: for
the Key account tab, the key-account list and its filters. The segmentation itself is
``kam.segmentation``."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.segmentation import DECISIONS

SEARCH_OPERATORS = ("=", "!=", "in", "not in")


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_segmentation_ids = fields.One2many(
        "kam.segmentation",
        "partner_id",
        string="Segmentations",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_segmentation_id = fields.Many2one(
        "kam.segmentation",
        string="Segmentation",
        compute="_compute_kam_segmentation",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_decision = fields.Selection(
        DECISIONS,
        string="Segmentation Decision",
        compute="_compute_kam_segmentation",
        search="_search_kam_decision",
        groups="key_account_mgmt.group_kam_user",
        help="Develop, keep as is or withdraw: the decision confirmed in the customer's "
        "segmentation in the current company.",
    )
    kam_decision_proposed = fields.Selection(
        DECISIONS,
        string="Proposed Decision",
        compute="_compute_kam_segmentation",
        search="_search_kam_decision_proposed",
        groups="key_account_mgmt.group_kam_user",
        help="The decision the segmentation's ratings propose in the current company.",
    )

    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id.kam_segmentation_ids.decision",
        "commercial_partner_id.kam_segmentation_ids.proposed_decision",
    )
    def _compute_kam_segmentation(self):
        accounts = self.commercial_partner_id
        segs = self.env["kam.segmentation"].search(
            [("partner_id", "in", accounts.ids), ("company_id", "=", self.env.company.id)]
        )
        by_account = {seg.partner_id.id: seg for seg in segs}
        empty = self.env["kam.segmentation"]
        for partner in self:
            seg = by_account.get(partner.commercial_partner_id.id, empty)
            partner.kam_segmentation_id = seg
            partner.kam_decision = seg.decision
            partner.kam_decision_proposed = seg.proposed_decision

    def _kam_search_segmentation(self, fname, operator, value):
        """Partners whose account's segmentation in the current company has ``fname``
        matching; an empty value matches accounts without a segmentation too."""
        if operator not in SEARCH_OPERATORS:
            raise UserError(
                self.env._("Search the segmentation decision with =, !=, in or not in.")
            )
        values = value if isinstance(value, (list, tuple)) else [value]
        wanted = [v for v in values if v]
        in_company = ("company_id", "=", self.env.company.id)
        path = "commercial_partner_id.kam_segmentation_ids"
        terms = []
        if wanted:
            terms.append([(path, "any", [in_company, (fname, "in", wanted)])])
        if len(wanted) < len(values):
            terms.append([(path, "not any", [in_company, (fname, "!=", False)])])
        if not terms:
            return [(0, "=", 1)] if operator in ("=", "in") else []
        domain = terms[0] if len(terms) == 1 else ["|", *terms[0], *terms[1]]
        return domain if operator in ("=", "in") else ["!", *domain]

    def _search_kam_decision(self, operator, value):
        return self._kam_search_segmentation("decision", operator, value)

    def _search_kam_decision_proposed(self, operator, value):
        return self._kam_search_segmentation("proposed_decision", operator, value)

    def action_kam_open_segmentation(self):
        """The account's segmentation in the current company; a new one, prefilled, when
        there is none yet (saved when the user saves it)."""
        self.ensure_one()
        account = self.commercial_partner_id
        seg = account.kam_segmentation_id
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Segmentation of %(partner)s", partner=account.display_name),
            "res_model": "kam.segmentation",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
        if seg:
            action["res_id"] = seg.id
        else:
            action["context"] = {
                "default_partner_id": account.id,
                "default_company_id": self.env.company.id,
            }
        return action
