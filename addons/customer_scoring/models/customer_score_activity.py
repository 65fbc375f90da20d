"""The activity class, the last start and the computed regularity of a score row, and the
customer's activity class on the partner (with its search). Computed by the scoring run
(``customer_score_figures``, SQL from ``tools/activity.py`` and
``tools/customer_starts.py``); see those modules for the rules."""

from odoo import api, fields, models
from odoo.osv import expression

from ..tools.activity import ACTIVITY_CLASSES, REGULARITY_SOURCES
from .res_partner import SCORE_GROUPS


class CustomerScore(models.Model):
    _inherit = "customer.score"

    activity_class = fields.Selection(
        ACTIVITY_CLASSES,
        readonly=True,
        index=True,
        help="From the customer's rhythm of purchase days in a recent window (Settings): "
        "active about weekly (by default at least 13 purchase days in the last 13 weeks), "
        "occasional about monthly (at least 3 in the last 3 months, or a customer that "
        "started within them), passive when it bought before but less than that, potential "
        "when it never bought.",
    )
    last_start_date = fields.Date(
        string="Customer Since (Last Start)",
        readonly=True,
        help="The first purchase day, or the first purchase after a pause longer than the "
        "company's setting: a customer who returns after a long pause is new again from it.",
    )
    regularity_computed = fields.Integer(
        string="Computed Regularity",
        readonly=True,
        aggregator="avg",
        help="1-5 from the variation of the gaps between purchase days of the last 12 months "
        "(coefficient of variation: 5 up to 0.25, 4 up to 0.50, 3 up to 0.75, 2 up to 1.00, "
        "else 1); 0 with fewer than 4 purchase days. Used in the evaluative factor while "
        "the owner has not rated regularity.",
    )
    regularity_cv = fields.Float(
        string="Variation of Gaps (CV)",
        digits=(16, 4),
        readonly=True,
        help="Standard deviation of the gaps between purchase days of the last 12 months "
        "divided by their mean (0: perfectly even).",
    )
    regularity_source = fields.Selection(
        REGULARITY_SOURCES,
        readonly=True,
        help="Where the regularity in the evaluative factor comes from: the owner's rating "
        "on the customer, or computed from the order history when the owner has not rated "
        "it; empty when neither.",
    )
    is_returning = fields.Boolean(
        string="Returned After a Pause",
        compute="_compute_is_returning",
        help="The customer bought again after a pause longer than the company's setting.",
    )
    # The evaluative factor counts once the owner rated any factor or the regularity was
    # computed from the order history (see score_rules.evaluative_sql).
    score_evaluative_rated = fields.Boolean(
        string="Evaluative Factor Counted",
        help="The owner rated the customer, or its regularity was computed from the order "
        "history. Otherwise the evaluative factor is left out: its weight goes and the other "
        "weights are scaled up to 100.",
    )

    @api.depends("last_start_date", "first_invoice_date")
    def _compute_is_returning(self):
        for row in self:
            row.is_returning = bool(
                row.last_start_date
                and row.first_invoice_date
                and row.last_start_date > row.first_invoice_date
            )


class ResPartner(models.Model):
    # Beside the other score figures of res_partner.py, with a search: the partner list's
    # filters per activity class.
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    customer_activity_class = fields.Selection(
        ACTIVITY_CLASSES,
        string="Activity Class",
        compute="_compute_customer_activity",
        search="_search_customer_activity_class",
        groups=SCORE_GROUPS,
    )
    customer_regularity_computed = fields.Integer(
        string="Computed Regularity", compute="_compute_customer_activity", groups=SCORE_GROUPS
    )
    customer_last_start_date = fields.Date(
        string="Back as a Customer Since",
        compute="_compute_customer_activity",
        groups=SCORE_GROUPS,
        help="The customer bought again after a pause longer than the company's setting: "
        "it counts as new again from this purchase.",
    )

    @api.depends("commercial_partner_id")
    @api.depends_context("company")
    def _compute_customer_activity(self):
        for partner in self:
            row = partner.customer_score_id
            partner.customer_activity_class = row.activity_class if row else False
            partner.customer_regularity_computed = row.regularity_computed if row else 0
            # Shown only for a customer back after a pause (else it is its first purchase).
            partner.customer_last_start_date = row.last_start_date if row.is_returning else False

    def _search_customer_activity_class(self, operator, value):
        """Partners whose commercial partner's score row of the current company has the
        activity class ``value``; an unscored customer has none (``= False``)."""
        if operator not in ("=", "!=", "in", "not in"):
            return expression.FALSE_DOMAIN
        values = value if isinstance(value, list | tuple) else [value]
        classes = [v for v in values if v]
        rows = self.env["customer.score"]._search(
            [("company_id", "=", self.env.company.id), ("activity_class", "in", classes)]
        )
        domain = [("commercial_partner_id", "in", rows.subselect("partner_id"))]
        if len(classes) < len(values):
            # ``False`` among the values: the partners without a class (no score row).
            scored = self.env["customer.score"]._search(
                [("company_id", "=", self.env.company.id), ("activity_class", "!=", False)]
            )
            domain = expression.OR(
                [domain, [("commercial_partner_id", "not in", scored.subselect("partner_id"))]]
            )
        if operator in ("!=", "not in"):
            return ["!", *expression.normalize_domain(domain)]
        return domain
