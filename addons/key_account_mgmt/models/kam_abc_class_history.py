from odoo import api, fields, models

from .res_partner import ABC_CLASSES

CLASS_SOURCES = [
    ("computed", "Classification rule"),
    ("manual", "Manual override"),
    ("proposal", "Approved proposal"),
]


class KamAbcClassHistory(models.Model):
    _name = "kam.abc.class.history"
    _description = "Customer Class History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    old_class = fields.Selection(ABC_CLASSES, readonly=True)
    new_class = fields.Selection(ABC_CLASSES, readonly=True)
    source = fields.Selection(CLASS_SOURCES, required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Changed by", default=lambda self: self.env.user, readonly=True
    )
    reason = fields.Text(readonly=True)
    is_upgrade = fields.Boolean(
        string="Moved up",
        compute="_compute_is_upgrade",
        store=True,
        help="The customer moved to a better class (C to B, B to A, C to A).",
    )

    @api.depends("old_class", "new_class")
    def _compute_is_upgrade(self):
        for row in self:
            row.is_upgrade = bool(row.old_class and row.new_class and row.new_class < row.old_class)
