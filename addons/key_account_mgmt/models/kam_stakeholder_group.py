from odoo import fields, models


class KamStakeholderGroup(models.Model):
    _name = "kam.stakeholder.group"
    _description = "Customer Stakeholder Group"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A stakeholder group with this name already exists."),
    ]
