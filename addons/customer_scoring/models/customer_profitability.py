"""The profitability row of a customer in a company: margin after cost to serve, the
signals of unprofitable customers and a suggested steer, shown only (never applied).

The rows are written by ``customer.profitability.engine`` (rules in its docstring); here
are their fields, the explanation in the reader's language and the drill-downs an
accountant opens."""

from odoo import api, fields, models
from odoo.addons.key_account_mgmt.models.res_partner import ABC_CLASSES
from odoo.tools import format_amount, format_date, formatLang

from ..tools.revenue_lines import (
    CUSTOMER_INVOICE,
    CUSTOMER_REFUND,
    POSTED,
    invoice_lines_action,
    revenue_line_domain,
)

STEERS = [
    ("none", "None"),
    ("price", "Raise price"),
    ("less_contact", "Less contact"),
    ("self_service", "Self-service"),
]


class CustomerProfitability(models.Model):
    _name = "customer.profitability"
    _description = "Customer Profitability"
    _order = "company_id, margin_after_cost, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        index=True,
        help="The customer's salesperson when the figures were computed.",
    )
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="Class",
        readonly=True,
        help="The customer's final class in the company when the figures were computed: "
        "its service level gives the cost to serve.",
    )
    # One date for the company's rows: a row whose figures did not move is not rewritten.
    date_computed = fields.Date(string="As of", related="company_id.profit_date_computed")

    revenue_12m = fields.Monetary(string="Revenue 12 Months", readonly=True)
    margin_12m = fields.Monetary(
        string="Margin 12 Months",
        readonly=True,
        help="Revenue minus the cost of the goods sold, last 12 months (the customer score).",
    )
    cost_field_sales = fields.Monetary(
        string="Field-Sales Cost",
        readonly=True,
        help="The class's share of the yearly cost of field sales, split evenly over the "
        "customers of the class.",
    )
    cost_telesales = fields.Monetary(
        string="Telesales Cost",
        readonly=True,
        help="The class's share of the yearly cost of telesales, split evenly over the "
        "customers of the class.",
    )
    visits_per_year = fields.Float(
        string="Field Visits per Year", digits=(16, 1), readonly=True, aggregator="sum"
    )
    cost_visits = fields.Monetary(
        string="Visit Cost", readonly=True, help="Field visits per year times the cost per visit."
    )
    cost_to_serve = fields.Monetary(
        string="Cost to Serve",
        readonly=True,
        help="Field-sales cost + telesales cost + visit cost of one year.",
    )
    margin_after_cost = fields.Monetary(
        string="Margin after Cost to Serve",
        readonly=True,
        help="Margin of the last 12 months minus the cost to serve.",
    )
    avg_days_late = fields.Float(
        string="Average Days Late", digits=(16, 1), readonly=True, aggregator="avg"
    )
    late_days_limit = fields.Integer(string="Late-Payment Signal (Days)", readonly=True)
    is_late_payer = fields.Boolean(
        string="Late Payer",
        readonly=True,
        help="Pays on average later than the company's late-payment signal.",
    )
    overdue_count = fields.Integer(
        string="Overdue Invoices",
        readonly=True,
        help="Posted customer invoices still open whose due date has passed.",
    )
    overdue_amount = fields.Monetary(
        readonly=True, help="What is still open on the overdue invoices, in company currency."
    )
    invoiced_12m = fields.Monetary(
        string="Invoiced 12 Months",
        readonly=True,
        help="Untaxed invoice lines of the last 12 months, before credit notes.",
    )
    credited_12m = fields.Monetary(
        string="Credited 12 Months",
        readonly=True,
        help="Untaxed credit-note lines of the last 12 months.",
    )
    credit_note_share = fields.Float(
        string="Credit-Note Share (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Credited / invoiced in the last 12 months; credit notes without invoices "
        "count as 100 %.",
    )
    credit_note_limit = fields.Float(
        string="Credit-Note Signal (%)", digits=(16, 1), readonly=True, aggregator=False
    )
    has_credit_note_signal = fields.Boolean(
        string="Credit-Note Signal",
        readonly=True,
        help="The credit-note share is above the company's credit-note signal.",
    )
    signal_count = fields.Integer(
        string="Signals",
        readonly=True,
        help="Late payer, overdue invoices and credit notes: how many of the three apply.",
    )
    is_unprofitable = fields.Boolean(
        string="Unprofitable",
        readonly=True,
        index=True,
        help="The margin after cost to serve is below zero.",
    )
    steer = fields.Selection(
        STEERS,
        string="Suggested Steer",
        readonly=True,
        help="A suggestion only: nothing about the customer is changed.",
    )
    steer_explanation = fields.Text(string="Why this steer", compute="_compute_steer_explanation")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one profitability row per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Explanation
    # ------------------------------------------------------------------
    @api.depends_context("lang")
    @api.depends(
        "margin_12m",
        "cost_to_serve",
        "margin_after_cost",
        "steer",
        "is_late_payer",
        "overdue_count",
        "has_credit_note_signal",
        "abc_class",
    )
    def _compute_steer_explanation(self):
        for row in self:
            row.steer_explanation = "\n".join(row._explanation_lines())

    def _money(self, amount):
        text = format_amount(self.env, abs(amount or 0.0), self.currency_id)
        return "\N{MINUS SIGN}" + text if self.currency_id.round(amount or 0.0) < 0 else text

    def _explanation_lines(self):
        """The figures and the rule behind the steer, one sentence a line."""
        self.ensure_one()
        lines = []
        if self.abc_class and self.revenue_12m <= 0:
            lines.append(
                self.env._(
                    "No revenue in the last 12 months: class %(cls)s's time goes to its "
                    "buying customers, no cost to serve.",
                    cls=self.abc_class,
                )
            )
        elif self.abc_class:
            lines.append(
                self.env._(
                    "Cost to serve %(cost)s: class %(cls)s's share of field sales "
                    "%(field)s and of telesales %(tele)s, and %(visits)s field visits "
                    "%(visit_cost)s.",
                    cost=self._money(self.cost_to_serve),
                    cls=self.abc_class,
                    field=self._money(self.cost_field_sales),
                    tele=self._money(self.cost_telesales),
                    visits=formatLang(self.env, self.visits_per_year, digits=1),
                    visit_cost=self._money(self.cost_visits),
                )
            )
        else:
            lines.append(
                self.env._("No class in this company: no service level, no cost to serve.")
            )
        lines.append(
            self.env._(
                "Margin of the last 12 months %(margin)s minus the cost to serve leaves %(after)s.",
                margin=self._money(self.margin_12m),
                after=self._money(self.margin_after_cost),
            )
        )
        if self.is_late_payer:
            lines.append(
                self.env._(
                    "Pays on average %(days)s days late (signal above %(limit)s days).",
                    days=formatLang(self.env, self.avg_days_late, digits=1),
                    limit=self.late_days_limit,
                )
            )
        if self.overdue_count:
            lines.append(
                self.env._(
                    "Overdue invoices: %(count)s, %(amount)s still open.",
                    count=self.overdue_count,
                    amount=self._money(self.overdue_amount),
                )
            )
        if self.has_credit_note_signal:
            lines.append(
                self.env._(
                    "Credit notes are %(share)s %% of the invoices (signal above %(limit)s %%).",
                    share=formatLang(self.env, self.credit_note_share, digits=1),
                    limit=formatLang(self.env, self.credit_note_limit, digits=1),
                )
            )
        lines.append(self._steer_reason())
        lines.append(
            self.env._(
                "Only a suggestion: the class, the key-account status and the service stay "
                "as they are until someone decides."
            )
        )
        return lines

    def _steer_reason(self):
        if not self.is_unprofitable:
            return self.env._("The customer earns more than it costs to serve: no steer.")
        if self.steer == "price":
            if self.signal_count:
                return self.env._(
                    "Suggested: raise the price or tighten the terms, so that late payment "
                    "and credit notes are paid for."
                )
            return self.env._(
                "Suggested: raise the price; the goods are sold at or below their cost."
            )
        if self.steer == "self_service":
            return self.env._(
                "Suggested: self-service (web shop, e-mail, phone) instead of visits and calls, "
                "as for the lowest class."
            )
        return self.env._(
            "Suggested: less contact; the margin is positive but smaller than the cost "
            "of the visits and calls."
        )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _window(self):
        # The date is the company's: reading it checks no access to this row, so check it.
        self.check_access("read")
        date = self.date_computed or fields.Date.context_today(self)
        return self.env["customer.score"]._get_windows(date)

    def action_open_invoice_lines(self):
        """The revenue lines of the last 12 months behind the margin and the credit-note
        share (invoices and credit notes)."""
        self.ensure_one()
        windows = self._window()
        return invoice_lines_action(
            self.env,
            self.env._(
                "Invoice lines behind the profitability: %(partner)s, %(start)s - %(end)s",
                partner=self.partner_id.name,
                start=format_date(self.env, windows["start_12m"]),
                end=format_date(self.env, windows["date"]),
            ),
            revenue_line_domain(
                company_ids=self.company_id.ids,
                date_from=windows["start_12m"],
                date_to=windows["date"],
                partner_ids=self.partner_id.ids,
            ),
            self.env._("<p>No invoice line of this customer in the last 12 months.</p>"),
            context={"search_default_counted_in_revenue": 1},
        )

    def action_open_credit_note_lines(self):
        """The credit-note lines of the last 12 months behind the credit-note share."""
        self.ensure_one()
        windows = self._window()
        domain = revenue_line_domain(
            company_ids=self.company_id.ids,
            date_from=windows["start_12m"],
            date_to=windows["date"],
            partner_ids=self.partner_id.ids,
        )
        return invoice_lines_action(
            self.env,
            self.env._("Credit-note lines: %(partner)s", partner=self.partner_id.name),
            [*domain, ("move_id.move_type", "=", CUSTOMER_REFUND)],
            self.env._("<p>No credit note of this customer in the last 12 months.</p>"),
        )

    def _overdue_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("commercial_partner_id", "=", self.partner_id.id),
            ("state", "=", POSTED),
            ("move_type", "=", CUSTOMER_INVOICE),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", self._window()["date"]),
        ]

    def action_open_overdue_invoices(self):
        """The customer's open invoices past their due date, counted in the signal."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action.update(
            {
                "name": self.env._("Overdue invoices: %(partner)s", partner=self.partner_id.name),
                "domain": self._overdue_domain(),
                "context": {"create": False, "default_move_type": CUSTOMER_INVOICE},
            }
        )
        return action

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def action_recompute(self):
        """List button: recompute the rows of the allowed companies from the stored score
        rows (the scoring itself is not run again)."""
        rows = self.env["customer.profitability.engine"].compute_profitability()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Profitability of %(count)s customers recomputed.", count=len(rows)
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
