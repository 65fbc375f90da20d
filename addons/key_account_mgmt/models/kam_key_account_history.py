from odoo import fields, models


class KamKeyAccountHistory(models.Model):
    _name = "kam.key.account.history"
    _description = "Key Account Selection History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    event = fields.Selection(
        [
            ("selected", "Selected as key account"),
            ("removed", "No longer a key account"),
            ("manager_changed", "Key account manager changed"),
        ],
        required=True,
        readonly=True,
    )
    key_account_manager_id = fields.Many2one("res.users", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Decided by", default=lambda self: self.env.user, readonly=True
    )
    reason = fields.Text(readonly=True)
