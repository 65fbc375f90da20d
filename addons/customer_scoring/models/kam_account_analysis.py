"""The past figures of a key-account analysis, filled in from the scoring.

- **Sales volume**: revenue of the 12 months ending on the analysis date (the scoring's
  revenue lines, ``tools/revenue_lines.py``: untaxed, company currency, credit notes
  deducted).
- **Profitability**: margin % of that revenue (revenue less cost of goods).
- **Length of the relationship**: years from the first posted customer invoice to the
  analysis date, in months / 12, one decimal.
- **Credit-note share**: credit notes per 100 invoices in the same 12 months (counts of
  posted customer credit notes and invoices); 0 without invoices.

The stored score row of the customer is used when it is as of the analysis date; else the
figures are computed with the scoring's own set-based query (``_aggregate_sql``), one
query per company and date for all the analyses asked for.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import float_round, format_date

from ..tools.revenue_lines import invoice_lines_action, revenue_line_domain

FIGURES_HELP = " Filled in from the posted invoices (Refresh figures); it cannot be typed."


class KamAccountAnalysis(models.Model):
    _inherit = "kam.account.analysis"

    # The figures are the scoring's: read-only on screen, written by the refresh only.
    sales_volume = fields.Monetary(
        readonly=True,
        help="Revenue of the 12 months ending on the analysis date: untaxed, in company "
        "currency, product lines of posted customer invoices, credit notes deducted."
        + FIGURES_HELP,
    )
    margin_percent = fields.Float(
        readonly=True,
        help="Margin of the 12-month revenue after the cost of goods, in %." + FIGURES_HELP,
    )
    relationship_years = fields.Float(
        readonly=True,
        help="Years from the first posted invoice to the analysis date." + FIGURES_HELP,
    )
    credit_note_share = fields.Float(
        readonly=True,
        help="Credit notes per 100 invoices in the 12 months ending on the analysis date: "
        "the measurable side of the complaints." + FIGURES_HELP,
    )
    figures_source = fields.Selection(
        [("score", "Customer score"), ("invoices", "Posted invoices")],
        string="Figures From",
        readonly=True,
        copy=False,
    )
    figures_date = fields.Date(string="Figures Computed On", readonly=True, copy=False)
    figures_hint = fields.Char(compute="_compute_figures_hint")

    @api.depends("figures_source", "figures_date", "date")
    @api.depends_context("lang")
    def _compute_figures_hint(self):
        for analysis in self:
            if not analysis.figures_source:
                analysis.figures_hint = self.env._("Not filled in yet: press Refresh figures.")
                continue
            values = {
                "date": format_date(self.env, analysis.date),
                "on": format_date(self.env, analysis.figures_date),
            }
            if analysis.figures_source == "score":
                analysis.figures_hint = self.env._(
                    "From the customer's score as of %(date)s.", **values
                )
            elif analysis.figures_date == analysis.date:
                analysis.figures_hint = self.env._(
                    "From the posted invoices up to %(date)s.", **values
                )
            else:
                analysis.figures_hint = self.env._(
                    "From the posted invoices up to %(date)s, computed on %(on)s.", **values
                )

    @api.model_create_multi
    def create(self, vals_list):
        analyses = super().create(vals_list)
        analyses._kam_fill_figures()
        return analyses

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "date", "company_id"} & vals.keys():
            self._kam_fill_figures()
        return res

    def action_refresh_figures(self):
        """Fill in the past figures again from the scoring (draft analyses only)."""
        self._kam_check_draft()
        self._kam_fill_figures()
        return True

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def _kam_fill_figures(self):
        """Write the four figures of these analyses, grouped by company and date."""
        groups = defaultdict(lambda: self.browse())
        for analysis in self.filtered(lambda a: a.partner_id and a.date):
            groups[analysis.company_id, analysis.date] |= analysis
        today = fields.Date.context_today(self)
        for (company, date), analyses in groups.items():
            figures = self._kam_figures(company, date, analyses.partner_id.ids)
            for analysis in analyses:
                source, values = figures[analysis.partner_id.id]
                # Not self.write: that would fill the figures again.
                super(KamAccountAnalysis, analysis).write(
                    {**values, "figures_source": source, "figures_date": today}
                )
        return True

    @api.model
    def _kam_figures(self, company, date, partner_ids):
        """``{partner id: (source, {field: value})}`` for ``partner_ids`` in ``company`` as
        of ``date``: from the score rows as of that date, else from the journal items in
        one query for the rest."""
        Score = self.env["customer.score"].sudo()
        scores = Score.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("date_computed", "=", date),
            ]
        )
        result = {
            row.partner_id.id: (
                "score",
                self._kam_figure_values(
                    date,
                    row.revenue_12m,
                    row.margin_percent,
                    row.first_invoice_date,
                    row.invoice_count_12m,
                    row.refund_count_12m,
                ),
            )
            for row in scores
        }
        missing = [pid for pid in partner_ids if pid not in result]
        if not missing:
            return result
        self.env.flush_all()
        self.env.cr.execute(Score._aggregate_sql(company, date, missing))
        found = {row["partner_id"]: row for row in self.env.cr.dictfetchall()}
        digits = company.currency_id.decimal_places
        for pid in missing:
            row = found.get(pid) or {}
            revenue = float_round(row.get("rev12") or 0.0, precision_digits=digits)
            cost = float_round(row.get("cost12") or 0.0, precision_digits=digits)
            margin = (revenue - cost) / revenue * 100 if revenue else 0.0
            result[pid] = (
                "invoices",
                self._kam_figure_values(
                    date,
                    revenue,
                    round(margin, 2),
                    row.get("first_date"),
                    row.get("inv12") or 0,
                    row.get("ref12") or 0,
                ),
            )
        return result

    @api.model
    def _kam_figure_values(self, date, revenue, margin, first_date, invoices, refunds):
        years = 0.0
        if first_date and first_date <= date:
            delta = relativedelta(date, first_date)
            years = round(delta.years + delta.months / 12, 1)
        return {
            "sales_volume": revenue,
            "margin_percent": margin,
            "relationship_years": years,
            "credit_note_share": round(refunds / invoices * 100, 2) if invoices else 0.0,
        }

    def action_open_volume_lines(self):
        """Accountants: the invoice lines summed into the sales volume."""
        self.ensure_one()
        start = self.date - relativedelta(years=1) + relativedelta(days=1)
        return invoice_lines_action(
            self.env,
            self.env._(
                "Invoice lines of the sales volume: %(partner)s, %(start)s - %(end)s",
                partner=self.partner_id.name,
                start=format_date(self.env, start),
                end=format_date(self.env, self.date),
            ),
            revenue_line_domain(
                company_ids=self.company_id.ids,
                date_from=start,
                date_to=self.date,
                partner_ids=self.partner_id.ids,
            ),
            self.env._(
                "<p>No invoice line in this customer's sales volume of the 12 months ending "
                "on the analysis date.</p><p>Counted: posted customer invoices and credit "
                "notes of %(company)s, product lines only, untaxed, in company currency; "
                "credit notes are deducted.</p>",
                company=self.company_id.name,
            ),
            context={"search_default_counted_in_revenue": 1},
        )
