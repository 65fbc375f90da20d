from odoo import fields, models, tools
from odoo.tools import SQL

from .kam_abc_class_history import CLASS_SOURCES
from .res_partner import ABC_CLASSES

MOVE_DIRECTIONS = [
    ("up", "Up"),
    ("down", "Down"),
    ("new", "New class"),
    ("removed", "Class removed"),
]


class KamClassMovement(models.Model):
    """One change of a customer's class in one company, with its direction and month:
    the class history read for the director's overview (graph per month, pivot per
    salesperson). Rows where the class stayed the same are left out."""

    _name = "kam.class.movement"
    _description = "Customer Class Movement"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # Flushed before the view is read: the pending writes of these fields count.
    _depends = {
        "kam.abc.class.history": [
            "partner_id",
            "company_id",
            "date",
            "old_class",
            "new_class",
            "source",
            "salesperson_id",
            "key_account_manager_id",
        ],
        "res.partner": ["is_key_account"],
    }

    history_id = fields.Many2one("kam.abc.class.history", string="Class Change", readonly=True)
    date = fields.Datetime(readonly=True)
    month = fields.Date(readonly=True, help="First day of the month of the change (UTC).")
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        help="The customer's salesperson when the class changed: the move counts for them "
        "even if someone else serves the customer now.",
    )
    key_account_manager_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="The customer's key account manager when the class changed.",
    )
    is_key_account = fields.Boolean(string="Key Account", readonly=True)
    old_class = fields.Selection(ABC_CLASSES, readonly=True)
    new_class = fields.Selection(ABC_CLASSES, readonly=True)
    direction = fields.Selection(MOVE_DIRECTIONS, readonly=True)
    source = fields.Selection(CLASS_SOURCES, readonly=True)
    move_count = fields.Integer(string="Moves", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Each move counts for the salesperson (and key account manager) the customer had
        # when its class changed, as recorded on the history row: a later change of the
        # customer's salesperson does not move past moves to the new one.
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %(table)s AS (
SELECT h.id,
       h.id AS history_id,
       h.date,
       date_trunc('month', h.date)::date AS month,
       h.company_id,
       h.partner_id,
       h.salesperson_id AS user_id,
       h.key_account_manager_id,
       COALESCE(p.is_key_account, FALSE) AS is_key_account,
       h.old_class,
       h.new_class,
       h.source,
       -- Classes sort A < B < C: a smaller letter is the better class.
       CASE WHEN h.old_class IS NULL THEN 'new'
            WHEN h.new_class IS NULL THEN 'removed'
            WHEN h.new_class < h.old_class THEN 'up'
            ELSE 'down'
        END AS direction,
       1 AS move_count
  FROM kam_abc_class_history h
  JOIN res_partner p ON p.id = h.partner_id
 WHERE h.old_class IS DISTINCT FROM h.new_class
)""",
                table=SQL.identifier(self._table),
            )
        )
