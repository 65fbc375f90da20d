from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The class history records the customer's salesperson and key account manager at
    the time of the change (18.0.1.2.0). Rows written before know neither: they get the
    customer's current ones, the best figure there is."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["kam.abc.class.history"]._kam_fill_people_at_the_time()
