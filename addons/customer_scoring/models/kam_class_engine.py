"""The class engine of key_account_mgmt fed with the scoring: the yearly purchases are the
revenue of the last 12 months of the latest scoring run, and a company whose class source
is value ABC takes the computed class from the revenue rank instead of the criteria rule."""

from odoo import api, models
from odoo.tools import format_amount, format_date, formatLang


class KamClassEngine(models.AbstractModel):
    _inherit = "kam.class.engine"

    @api.model
    def _kam_yearly_purchases(self, company, partners):
        """Yearly purchases = ``revenue_12m`` of the latest scoring run (company currency)."""
        # Plain SQL: called per batch of thousands of partners (the commercial partners
        # are looked up in the same query, not through the ORM).
        self.env["customer.score"].flush_model(["revenue_12m", "partner_id", "company_id"])
        if partners is None:
            self.env.cr.execute(
                "SELECT partner_id, revenue_12m FROM customer_score WHERE company_id = %s",
                [company.id],
            )
        else:
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            self.env.cr.execute(
                """SELECT s.partner_id, s.revenue_12m FROM customer_score s
                    WHERE s.company_id = %s
                      AND s.partner_id IN (SELECT p.commercial_partner_id FROM res_partner p
                                            WHERE p.id = ANY(%s))""",
                [company.id, partners.ids],
            )
        return {partner_id: float(revenue or 0.0) for partner_id, revenue in self.env.cr.fetchall()}

    @api.model
    def _kam_class_source_text(self, company):
        if company.score_abc_source == "value":
            return self.env._(
                "Value ABC: the customer's share of the company's revenue in 12 months "
                "(see the Scoring tab)."
            )
        return super()._kam_class_source_text(company)

    @api.model
    def _kam_class_reason_data(self, company, partners):
        """Value ABC writes its reasons as text (the criteria figures do not apply)."""
        if company.score_abc_source == "value":
            return {}
        return super()._kam_class_reason_data(company, partners)

    @api.model
    def _kam_compute_class_values(self, company, partners, with_reason=True):
        """Value ABC decides the computed class when the company says so."""
        if company.score_abc_source != "value":
            return super()._kam_compute_class_values(company, partners, with_reason=with_reason)
        # One query for the batch (the class recompute runs on thousands of partners).
        self.env["customer.score"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
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
