from . import models
from . import report


def post_init_hook(env):
    """Monthly KPIs of the last 24 months for the companies that already have posted
    customer invoices, so the trend is there from the first day (not only this and last
    month after the first nightly run)."""
    env.cr.execute(
        """SELECT DISTINCT company_id FROM account_move
            WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"""
    )
    company_ids = [row[0] for row in env.cr.fetchall()]
    if company_ids:
        companies = env["res.company"].browse(company_ids)
        env["customer.kpi.snapshot"].sudo()._rebuild_history(months=24, companies=companies)
