from odoo import fields, models


class CustomerScoreClassInput(models.Model):
    """What key_account_mgmt's class of a customer in a company was last computed from
    (``customer.score.ranks._reclassify``): a full run reclassifies only the customers
    whose 12-month revenue or value class moved since.

    Kept beside the score rows, not on them, in narrow rows without foreign keys: a second
    write of a score row in the transaction that wrote it re-checks every one of its
    foreign keys (a first run wrote each score row twice, 7.5 s of it at 100,000
    customers). Plain ids: a row whose customer or company is gone is dropped by the next
    full run of the company."""

    _name = "customer.score.class.input"
    _description = "Customer Class Inputs"
    _log_access = False

    partner_ref = fields.Integer(string="Customer ID", required=True, readonly=True)
    company_ref = fields.Integer(string="Company ID", required=True, readonly=True)
    revenue = fields.Float(digits=(16, 2), readonly=True)
    value_class = fields.Char(readonly=True)

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_ref, company_ref)", "One row per customer."),
    ]
