from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The revenue days of the merged partners go to the one that remains: the merge
        moves their journal items to it in SQL, so the days are recomputed from them."""
        Day = self.env["customer.revenue.day"].sudo()
        keys = Day._keys_of_partners(partner_ids)
        res = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        remaining = self.env["res.partner"].browse(partner_ids).exists()
        moved = {(partner.id, company, day) for partner in remaining for _p, company, day in keys}
        Day._refresh(keys | moved)
        return res
