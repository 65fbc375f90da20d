from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The revenue days (new in 18.0.1.2.0) from the journal items already posted."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer.revenue.day"]._rebuild()
