from odoo import api, fields, models
from odoo.tools import format_amount, format_date, formatLang

from .customer_score import LIFECYCLE_STAGES, VALUE_CLASSES

SCORE_GROUPS = "sales_team.group_sale_salesman,account.group_account_invoice"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The score row of the commercial partner for the current company; never shown to
    # portal or public users (groups=).
    customer_score_id = fields.Many2one(
        "customer.score",
        string="Customer Score Row",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_score_currency_id = fields.Many2one(
        "res.currency", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_score = fields.Float(
        string="Customer Score", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_score_class = fields.Selection(
        VALUE_CLASSES,
        string="Revenue rank (ABC by value)",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
        help="Where the customer's revenue of the last 12 months ranks among the company's "
        "buyers (Pareto: A up to 80 % of the revenue, B up to 95 %). It is not the "
        "customer's class: it is an input to the class only when the company's class "
        "source is value ABC (Settings). The class that counts, for service level and "
        "meeting targets, is the final class on the Key account tab.",
    )
    customer_final_class_note = fields.Char(
        string="Class that counts",
        compute="_compute_customer_final_class_note",
        groups=SCORE_GROUPS,
    )
    customer_lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        string="Lifecycle",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_revenue_12m = fields.Monetary(
        string="Revenue 12 Months",
        currency_field="customer_score_currency_id",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_revenue_growth = fields.Float(
        string="Growth (%)", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_margin_12m = fields.Monetary(
        string="Margin 12 Months",
        currency_field="customer_score_currency_id",
        compute="_compute_customer_score",
        groups=SCORE_GROUPS,
    )
    customer_margin_percent = fields.Float(
        string="Margin (%)", compute="_compute_customer_score", groups=SCORE_GROUPS
    )
    customer_concentration_risk = fields.Boolean(
        string="Concentration Risk", compute="_compute_customer_score", groups=SCORE_GROUPS
    )

    @api.depends("commercial_partner_id")
    @api.depends_context("company")
    def _compute_customer_score(self):
        company = self.env.company
        rows = self.env["customer.score"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", company.id),
            ]
        )
        by_partner = {row.partner_id.id: row for row in rows}
        for partner in self:
            row = by_partner.get(partner.commercial_partner_id.id)
            partner.customer_score_id = row
            partner.customer_score_currency_id = row.currency_id if row else company.currency_id
            partner.customer_score = row.score if row else 0.0
            partner.customer_score_class = row.abc_value_class if row else False
            partner.customer_lifecycle_stage = row.lifecycle_stage if row else False
            partner.customer_revenue_12m = row.revenue_12m if row else 0.0
            partner.customer_revenue_growth = row.revenue_growth if row else 0.0
            partner.customer_margin_12m = row.margin_12m if row else 0.0
            partner.customer_margin_percent = row.margin_percent if row else 0.0
            partner.customer_concentration_risk = row.is_concentration_risk if row else False

    @api.depends_context("company", "lang")
    def _compute_customer_final_class_note(self):
        has_class = "abc_class" in self._fields
        for partner in self:
            final = has_class and partner.commercial_partner_id.abc_class
            partner.customer_final_class_note = (
                self.env._("Class: %(final)s (Key account tab)", final=final)
                if final
                else self.env._("Class: not set yet (Key account tab)")
            )

    def action_open_score_invoice_lines(self):
        """Smart button: the journal items summed into this customer's revenue_12m."""
        self.ensure_one()
        return self.customer_score_id.action_open_invoice_lines()

    # ------------------------------------------------------------------
    # key_account_mgmt hooks
    # ------------------------------------------------------------------
    @api.model
    def _kam_yearly_purchases(self, company, partners):
        """Yearly purchases = ``revenue_12m`` of the latest scoring run (company currency)."""
        # Plain SQL: called by key_account_mgmt per batch of thousands of partners (the
        # commercial partners are looked up in the same query, not through the ORM).
        self.env["customer.score"].flush_model(["revenue_12m", "partner_id", "company_id"])
        if partners is None:
            self.env.cr.execute(
                "SELECT partner_id, revenue_12m FROM customer_score WHERE company_id = %s",
                [company.id],
            )
        else:
            self.flush_model(["commercial_partner_id"])
            self.env.cr.execute(
                """SELECT s.partner_id, s.revenue_12m FROM customer_score s
                    WHERE s.company_id = %s
                      AND s.partner_id IN (SELECT p.commercial_partner_id FROM res_partner p
                                            WHERE p.id = ANY(%s))""",
                [company.id, partners.ids],
            )
        return {partner_id: float(revenue or 0.0) for partner_id, revenue in self.env.cr.fetchall()}

    @api.model
    def _kam_compute_class_values(self, company, partners, with_reason=True):
        """Value ABC decides the computed class when the company says so."""
        if company.score_abc_source != "value":
            parent = getattr(super(), "_kam_compute_class_values", None)
            return parent(company, partners, with_reason=with_reason) if parent else {}
        # One query for the batch (the class recompute runs on thousands of partners).
        self.env["customer.score"].flush_model()
        self.flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            """SELECT p.id, s.abc_value_class, s.revenue_12m, s.share_of_company_revenue,
                      s.date_computed, s.id IS NOT NULL
                 FROM res_partner p
                 LEFT JOIN customer_score s
                        ON s.partner_id = p.commercial_partner_id AND s.company_id = %s
                WHERE p.id = ANY(%s)""",
            [company.id, partners.ids],
        )
        rows = self.env.cr.fetchall()
        currency = company.currency_id
        result = {}
        for partner_id, value_class, revenue, share, date, scored in rows:
            value_class = value_class if scored else "C"
            letter = "A" if value_class in ("AAA", "AA", "A") else (value_class or "C")
            reason = None
            if with_reason and scored:
                reason = self.env._(
                    "Value ABC %(value_class)s: revenue 12 months %(revenue)s, "
                    "%(share)s %% of the company's revenue (as of %(date)s).",
                    value_class=value_class,
                    revenue=format_amount(self.env, float(revenue or 0.0), currency),
                    share=formatLang(self.env, share or 0.0, digits=2),
                    date=format_date(self.env, date),
                )
            elif with_reason:
                reason = self.env._("Value ABC C: no scored revenue yet.")
            result[partner_id] = (letter, reason)
        return result
