from odoo import fields, models, tools
from odoo.tools import SQL

from .res_partner import ABC_CLASSES

ACCOUNT_KINDS = [("key", "Key account"), ("other", "Other customer")]


class KamClassMix(models.Model):
    """The current class of every classified customer in every company it belongs to
    (``abc_class`` is company-dependent: one JSON value per company), for the class mix
    of the director's overview."""

    _name = "kam.class.mix"
    _description = "Customer Class Mix"
    _auto = False
    _order = "company_id, abc_class, partner_id"
    _rec_name = "partner_id"
    # Flushed before the view is read: the pending writes of these fields count.
    _depends = {
        "res.partner": [
            "abc_class",
            "is_key_account",
            "user_id",
            "key_account_manager_id",
            "active",
            "company_id",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    abc_class = fields.Selection(ABC_CLASSES, string="Class", readonly=True)
    account_kind = fields.Selection(ACCOUNT_KINDS, string="Account", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    key_account_manager_id = fields.Many2one("res.users", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %(table)s AS (
SELECT p.id::bigint * 1000 + c.id AS id,
       p.id AS partner_id,
       c.id AS company_id,
       p.abc_class ->> c.id::text AS abc_class,
       CASE WHEN p.is_key_account THEN 'key' ELSE 'other' END AS account_kind,
       p.user_id,
       p.key_account_manager_id
  FROM res_partner p
  JOIN res_company c ON p.company_id IS NULL OR p.company_id = c.id
 WHERE p.active
   AND p.abc_class ->> c.id::text IN ('A', 'B', 'C')
)""",
                table=SQL.identifier(self._table),
            )
        )
