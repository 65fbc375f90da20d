"""What serving customers costs a company, and the thresholds of the payment and
credit-note signals: the settings of the customer profitability (cost to serve)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

PROFIT_COST_FIELDS = ("profit_field_sales_cost", "profit_telesales_cost", "profit_visit_cost")
PROFIT_SETTINGS_FIELDS = (*PROFIT_COST_FIELDS, "profit_late_days", "profit_credit_note_share")


class ResCompany(models.Model):
    # One file per concern of the company extension (models/__init__.py lists them).
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    profit_date_computed = fields.Date(
        string="Profitability as of",
        readonly=True,
        help="Scoring date of the last computation of the customers' profitability.",
    )
    profit_field_sales_cost = fields.Monetary(
        string="Yearly Cost of Field Sales",
        currency_field="currency_id",
        help="What the field sales force costs in a year (salaries, cars, travel), in "
        "company currency. Each class gets its share of it from its service level, split "
        "evenly over the customers of the class.",
    )
    profit_telesales_cost = fields.Monetary(
        string="Yearly Cost of Telesales",
        currency_field="currency_id",
        help="What telesales cost in a year, in company currency, shared out like field "
        "sales by the telesales share of each class.",
    )
    profit_visit_cost = fields.Monetary(
        string="Cost per Field Visit",
        currency_field="currency_id",
        help="Direct cost of one field visit (travel, time on site), times the visits a "
        "customer of its class gets in a year.",
    )
    profit_late_days = fields.Integer(
        string="Late-Payment Signal (Days)",
        default=14,
        help="A customer whose invoices of the last 12 months are paid on average more "
        "than this many days after the due date is shown as a late payer.",
    )
    profit_credit_note_share = fields.Float(
        string="Credit-Note Signal (%)",
        digits=(16, 1),
        default=10.0,
        help="A customer whose credit notes of the last 12 months come to more than this "
        "share of its invoices is shown with a credit-note signal.",
    )

    @api.constrains(*PROFIT_SETTINGS_FIELDS)
    def _check_profit_settings(self):
        for company in self:
            for name in PROFIT_COST_FIELDS:
                if company[name] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s of %(company)s cannot be negative (%(value)s): "
                            "enter the yearly cost, or 0 to leave it out.",
                            setting=self._fields[name].get_description(self.env)["string"],
                            company=company.name,
                            value=company[name],
                        )
                    )
            if company.profit_late_days < 0:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” of %(company)s cannot be negative (%(value)s days): "
                        "enter 0 to flag any average delay.",
                        field=company._kam_field_label("profit_late_days"),
                        company=company.name,
                        value=company.profit_late_days,
                    )
                )
            if not 0 <= company.profit_credit_note_share <= 100:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” of %(company)s must be between 0 and 100 %% (now "
                        "%(value)s %%).",
                        field=company._kam_field_label("profit_credit_note_share"),
                        company=company.name,
                        value=company.profit_credit_note_share,
                    )
                )


# The same settings on both screens (the scoring manager's own and Odoo's Settings);
# both have the company's currency_id.
class CustomerScoringSettings(models.TransientModel):
    _inherit = "customer.scoring.settings"  # pylint: disable=consider-merging-classes-inherited

    profit_field_sales_cost = fields.Monetary(
        related="company_id.profit_field_sales_cost", readonly=False
    )
    profit_telesales_cost = fields.Monetary(
        related="company_id.profit_telesales_cost", readonly=False
    )
    profit_visit_cost = fields.Monetary(related="company_id.profit_visit_cost", readonly=False)
    profit_late_days = fields.Integer(related="company_id.profit_late_days", readonly=False)
    profit_credit_note_share = fields.Float(
        related="company_id.profit_credit_note_share", readonly=False
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    profit_field_sales_cost = fields.Monetary(
        related="company_id.profit_field_sales_cost", readonly=False
    )
    profit_telesales_cost = fields.Monetary(
        related="company_id.profit_telesales_cost", readonly=False
    )
    profit_visit_cost = fields.Monetary(related="company_id.profit_visit_cost", readonly=False)
    profit_late_days = fields.Integer(related="company_id.profit_late_days", readonly=False)
    profit_credit_note_share = fields.Float(
        related="company_id.profit_credit_note_share", readonly=False
    )
