"""The start page's section of the scoring: her customers turning passive."""

from odoo import api, models
from odoo.tools import format_date
from odoo.tools.misc import format_amount

# What a score row says of a customer turning passive (customer_score.py): passive by
# the gap rule or early by P(alive) (``passive_signal``), or a spend falling.
PASSIVE_DOMAIN = [
    "|",
    "|",
    ("lifecycle_stage", "=", "passive"),
    ("passive_signal", "!=", False),
    ("spend_declining", "=", True),
]
MAX_LINES = 20


class KamStartPage(models.AbstractModel):
    _inherit = "kam.start.page"

    @api.model
    def _kam_start_page_sections(self, scope):
        sections = super()._kam_start_page_sections(scope)
        sections.append(self._kam_section_passive(scope))
        return sections

    @api.model
    def _kam_passive_domain(self, scope):
        """Score rows in the current companies of the customers she is the salesperson
        or key account manager of, turning passive."""
        uid = scope["user"].id
        return [
            ("company_id", "in", scope["companies"].ids),
            "|",
            ("partner_id.user_id", "=", uid),
            ("partner_id.key_account_manager_id", "=", uid),
            *PASSIVE_DOMAIN,
        ]

    @api.model
    def _kam_section_passive(self, scope):
        """Her customers turning passive, the largest revenue of the 12 months before
        first (the most to win back)."""
        Score = self.env["customer.score"]
        domain = self._kam_passive_domain(scope)
        count = Score.search_count(domain)
        rows = Score.search_fetch(
            domain,
            [
                "partner_id",
                "company_id",
                "currency_id",
                "lifecycle_stage",
                "passive_signal",
                "spend_declining",
                "revenue_12m",
                "revenue_prev_12m",
                "last_invoice_date",
            ],
            order="revenue_prev_12m desc, revenue_12m desc, id",
            limit=MAX_LINES,
        )
        rows.partner_id.mapped("display_name")
        signals = self._kam_selection_labels("customer.score", "passive_signal")
        several = len(scope["companies"]) > 1
        lines = []
        for row in rows:
            if row.passive_signal:
                badge = {"text": signals[row.passive_signal], "tone": "danger"}
            elif row.lifecycle_stage == "passive":
                badge = {"text": self.env._("Passive"), "tone": "danger"}
            else:
                badge = {"text": self.env._("Spend declining"), "tone": "warning"}
            cells = [
                self.env._(
                    "Revenue 12 months %(now)s (before: %(before)s)",
                    now=format_amount(self.env, row.revenue_12m, row.currency_id),
                    before=format_amount(self.env, row.revenue_prev_12m, row.currency_id),
                ),
                row.last_invoice_date
                and self.env._(
                    "Last invoice %(date)s", date=format_date(self.env, row.last_invoice_date)
                ),
                several and row.company_id.name,
            ]
            lines.append(
                self._kam_line(
                    row.partner_id,
                    row.partner_id.display_name,
                    cells,
                    badge=badge,
                    key_suffix=row.company_id.id,
                )
            )
        see_all = self._kam_list_action(
            "customer.score", self.env._("My customers turning passive"), domain
        )
        return self._kam_section(
            "passive",
            self.env._("Customers turning passive"),
            count,
            lines,
            see_all,
            self.env._("None of your customers is turning passive."),
        )
