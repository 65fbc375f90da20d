"""The partner's chatter shows the reminders of the companies selected in the switcher.

The web client loads a chatter through ``/mail/thread/data`` without the user's context,
so ``env.companies`` there is every company the user may work in, and the record rule on
key-account reminders lets every company's reminder through. Odoo itself reads the
switcher's ``cids`` cookie for such requests (mail's ``session_info``); so does this.
"""

from odoo import models
from odoo.http import request


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _thread_to_store(self, store, /, *, fields=None, request_list=None):
        return super(ResPartner, self._kam_with_switcher_companies())._thread_to_store(
            store, fields=fields, request_list=request_list
        )

    def _kam_with_switcher_companies(self):
        """``self`` with the companies of the switcher when the request brought none."""
        if "allowed_company_ids" in self.env.context or not request:
            return self
        cookie = request.cookies.get("cids") or ""
        allowed = set(self.env.user.company_ids.ids)
        company_ids = [int(cid) for cid in cookie.replace(",", "-").split("-") if cid.isdigit()]
        company_ids = [cid for cid in company_ids if cid in allowed]
        if not company_ids:
            return self
        return self.with_context(allowed_company_ids=company_ids)
