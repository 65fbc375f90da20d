from odoo import api, models

from ..tools.numbers import check_typed_numbers

MODULES = frozenset(("key_account_mgmt", "customer_scoring", "customer_scoring_stock"))


class KamNumberInputMixin(models.AbstractModel):
    """Number fields of the add-ons refuse, with a message naming the field and the value,
    what they cannot hold (a 64-bit integer, NaN, infinity, 1e308): the ORM would otherwise
    fail on them with a server error while rounding or storing them."""

    _name = "kam.number.input.mixin"
    _description = "Typed numbers within what the fields hold"

    @api.model_create_multi
    def create(self, vals_list):
        check_typed_numbers(self, vals_list, MODULES)
        return super().create(vals_list)

    def write(self, vals):
        check_typed_numbers(self, [vals], MODULES)
        return super().write(vals)
