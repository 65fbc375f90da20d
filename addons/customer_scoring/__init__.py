from odoo.tools import SQL

from . import tools
from . import models
from . import report
from . import wizards
from .tools.revenue_lines import customer_move_where_sql


def post_init_hook(env):
    """Monthly KPIs of the last 24 months for the companies that already have posted
    customer invoices, so the trend is there from the first day (not only this and last
    month after the first nightly run). First the revenue days of the journal items
    already posted, which the scoring reads."""
    env["customer.revenue.day"].sudo()._rebuild()
    where = customer_move_where_sql("am")
    env.cr.execute(SQL("SELECT DISTINCT am.company_id FROM account_move am WHERE %s", where))
    company_ids = [row[0] for row in env.cr.fetchall()]
    if company_ids:
        companies = env["res.company"].browse(company_ids)
        env["customer.kpi.snapshot"].sudo()._rebuild_history(months=24, companies=companies)
