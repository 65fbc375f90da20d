"""The key-account analyses of a customer on its form: how many there are in the current
company and what the latest one decided."""

from odoo import api, fields, models


class ResPartner(models.Model):
    # One file per concern of the partner extension (models/__init__.py lists them).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_analysis_count = fields.Integer(
        string="Key-Account Analyses",
        compute="_compute_kam_analysis",
        groups="key_account_mgmt.group_kam_user",
    )
    kam_analysis_decision = fields.Selection(
        [("promote", "Promoted"), ("stop", "Stopped"), ("draft", "To decide")],
        string="Latest Analysis",
        compute="_compute_kam_analysis",
        groups="key_account_mgmt.group_kam_user",
        help="The decision of the latest key-account analysis in this company.",
    )

    @api.depends_context("company")
    def _compute_kam_analysis(self):
        partners = self.filtered(lambda p: p._origin.id)
        Analysis = self.env["kam.account.analysis"]
        domain = [
            ("partner_id", "in", partners._origin.ids),
            ("company_id", "=", self.env.company.id),
        ]
        counts = dict(Analysis._read_group(domain, ["partner_id"], ["__count"]))
        # Analyses are ordered newest first: the first one per partner is the latest.
        latest = {}
        for analysis in Analysis.search(domain) if partners else Analysis:
            latest.setdefault(analysis.partner_id, analysis)
        for partner in self:
            analysis = latest.get(partner._origin)
            partner.kam_analysis_count = counts.get(partner._origin, 0)
            partner.kam_analysis_decision = analysis and (analysis.decision or "draft")

    def action_kam_open_analyses(self):
        """The key-account analyses of this customer; a new analysis is made for it."""
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account_mgmt.action_kam_account_analysis"
        )
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
