"""The scoring's part of the relationship health: the revenue trend and P(alive)
factors, the score in the monthly snapshot, and the health computed after each full
scoring run."""

from odoo import api, fields, models
from odoo.addons.key_account_mgmt.tools.health import ACCOUNTS_TABLE, factor_result
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..tools.clv_model import FITTED

# Revenue trend: full points at 0 % growth or more, none at -30 % or less.
REVENUE_FLOOR = -30.0


class KamHealthEngine(models.AbstractModel):
    _inherit = "kam.health.engine"

    @api.model
    def _after_full_scoring_run(self, companies, date):
        """After a full scoring run: the relationship health of these companies' key
        accounts, once for the run (the revenue and P(alive) lines read the new rows)."""
        self.sudo()._kam_compute_health(companies=companies, date=date)

    @api.model
    def _kam_factor_revenue(self, ctx):
        """Growth of the revenue of the last 12 months against the 12 before, from the
        company's stored score row: 1 at >= 0 %, 0 at <= -30 %, linear between. Without a
        score row, or without revenue in either 12 months, the factor does not apply."""
        self.env.cr.execute(
            SQL(
                """SELECT a.partner_id, a.company_id, cs.revenue_growth,
                          COALESCE(cs.revenue_12m, 0) <> 0 OR COALESCE(cs.revenue_prev_12m, 0) <> 0
                     FROM %s a
                     JOIN customer_score cs
                       ON cs.partner_id = a.partner_id AND cs.company_id = a.company_id""",
                SQL.identifier(ACCOUNTS_TABLE),
            )
        )
        growth = {(pid, cid): (value, sold) for pid, cid, value, sold in self.env.cr.fetchall()}
        result = {}
        for key in ctx["accounts"]:
            if key not in growth:
                result[key] = factor_result(applicable=False, reason="no_score")
                continue
            value, sold = growth[key]
            if not sold:
                result[key] = factor_result(applicable=False, reason="no_revenue")
                continue
            value = float(value or 0.0)
            score = (value - REVENUE_FLOOR) / -REVENUE_FLOOR
            result[key] = factor_result(score, growth=round(value, 1))
        return result

    @api.model
    def _kam_factor_p_alive(self, ctx):
        """The score row's P(alive) when it comes from a fitted customer-base model of the
        company; else the factor does not apply."""
        self.env.cr.execute(
            SQL(
                """SELECT a.partner_id, a.company_id, cs.p_alive
                     FROM %s a
                     JOIN customer_score cs
                       ON cs.partner_id = a.partner_id AND cs.company_id = a.company_id
                     JOIN customer_clv_model m
                       ON m.id = cs.clv_model_id AND m.company_id = cs.company_id
                      AND m.state = %s""",
                SQL.identifier(ACCOUNTS_TABLE),
                FITTED,
            )
        )
        p_alive = {(pid, cid): value for pid, cid, value in self.env.cr.fetchall()}
        result = {}
        for key in ctx["accounts"]:
            if key not in p_alive:
                result[key] = factor_result(applicable=False, reason="no_model")
                continue
            value = float(p_alive[key] or 0.0)
            result[key] = factor_result(value, p_alive=round(value, 4))
        return result

    @api.model
    def _kam_write_snapshots(self, month, rows):
        """The snapshot also keeps the composite score of the company's score row."""
        snapshot_ids = super()._kam_write_snapshots(month, rows)
        if snapshot_ids:
            self.env.cr.execute(
                """UPDATE kam_account_snapshot s
                      SET score = (SELECT ROUND(cs.score) FROM customer_score cs
                                    WHERE cs.partner_id = s.partner_id
                                      AND cs.company_id = s.company_id)
                    WHERE s.id = ANY(%s)""",
                [snapshot_ids],
            )
        return snapshot_ids


class KamRelationshipHealthLine(models.Model):
    _inherit = "kam.relationship.health.line"

    factor = fields.Selection(
        selection_add=[
            ("revenue", "Revenue trend"),
            ("p_alive", "Still buying (P(alive))"),
        ],
        ondelete={"revenue": "cascade", "p_alive": "cascade"},
    )

    def _kam_not_applicable_reasons(self):
        return {
            **super()._kam_not_applicable_reasons(),
            "no_score": self.env._("No customer score yet in this company"),
            "no_revenue": self.env._("No revenue in the last 24 months to compare"),
            "no_model": self.env._("No fitted customer model in this company"),
        }

    def _kam_text_revenue(self, params):
        growth = params.get("growth") or 0.0
        text = formatLang(self.env, abs(growth), digits=0)
        if round(growth) < 0:
            text = "\N{MINUS SIGN}" + text
        elif round(growth) > 0:
            text = "+" + text
        return self.env._("Revenue %(growth)s %% against the 12 months before", growth=text)

    def _kam_text_p_alive(self, params):
        return self.env._(
            "Customer still buying with a probability of %(p)s %%",
            p=formatLang(self.env, (params.get("p_alive") or 0.0) * 100, digits=0),
        )


class KamAccountSnapshot(models.Model):
    _inherit = "kam.account.snapshot"

    score = fields.Integer(aggregator="avg", help="Composite customer score of the month.")
