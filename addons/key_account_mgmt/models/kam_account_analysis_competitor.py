"""A competitor in a customer's supplier portfolio, as seen in a key-account analysis."""

from odoo import api, fields, models


class KamAccountAnalysisCompetitor(models.Model):
    _name = "kam.account.analysis.competitor"
    _inherit = "kam.number.input.mixin"
    _description = "Competitor in a Key Account Analysis"
    _order = "share desc, id"
    _check_company_auto = True

    analysis_id = fields.Many2one(
        "kam.account.analysis", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="analysis_id.company_id", store=True, index=True)
    competitor_partner_id = fields.Many2one(
        "res.partner",
        string="Competitor Contact",
        check_company=True,
        help="The competitor as a contact, when it is in the address book.",
    )
    name = fields.Char(
        string="Competitor",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
    )
    share = fields.Float(
        string="Share of Purchases (%)",
        digits=(16, 1),
        help="The competitor's estimated share of the customer's purchases in our range.",
    )
    strengths = fields.Text(string="Strengths and Notes")

    @api.depends("competitor_partner_id")
    def _compute_name(self):
        for competitor in self:
            if competitor.competitor_partner_id:
                competitor.name = competitor.competitor_partner_id.name

    @api.constrains("share", "analysis_id")
    def _check_share(self):
        self.analysis_id._check_shares()

    @api.model_create_multi
    def create(self, vals_list):
        analyses = self.env["kam.account.analysis"].browse(
            [vals["analysis_id"] for vals in vals_list if vals.get("analysis_id")]
        )
        analyses._kam_check_draft()
        return super().create(vals_list)

    def write(self, vals):
        self.analysis_id._kam_check_draft()
        if vals.get("analysis_id"):
            self.env["kam.account.analysis"].browse(vals["analysis_id"])._kam_check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        self.analysis_id._kam_check_draft()
