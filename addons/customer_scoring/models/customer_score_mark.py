from odoo import api, fields, models


class CustomerScoreMark(models.Model):
    """A customer whose invoices changed since its score was computed."""

    _name = "customer.score.mark"
    _description = "Customer Marked for Rescoring"

    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)", "Already marked."),
    ]

    @api.model
    def _mark(self, pairs):
        """Mark (commercial partner id, company id) pairs; repeated marks are ignored."""
        pairs = {(partner_id, company_id) for partner_id, company_id in pairs if partner_id}
        if not pairs:
            return
        partner_ids, company_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            """INSERT INTO customer_score_mark
                   (partner_id, company_id, create_uid, create_date, write_uid, write_date)
               SELECT p, c, %s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC'
                 FROM unnest(%s::int[], %s::int[]) AS t(p, c)
               ON CONFLICT (partner_id, company_id) DO NOTHING""",
            [self.env.uid, self.env.uid, list(partner_ids), list(company_ids)],
        )

    @api.model
    def _unmark(self, company, partner_ids):
        self.env.cr.execute(
            "DELETE FROM customer_score_mark WHERE company_id = %s AND partner_id = ANY(%s)",
            [company.id, list(partner_ids)],
        )
