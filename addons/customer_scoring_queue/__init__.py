from . import models
from .models.customer_score_run import STAGE_TABLE


def uninstall_hook(env):
    """The staging table is no model's table: Odoo would leave it behind."""
    env.cr.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
