from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_amount, formatLang

# Minimum meetings per year by class and stakeholder group.
# None means "as needed"; a missing pair ("-" in the table) has no target at all.
DEFAULT_MEETING_TARGETS = [
    ("stakeholder_group_procurement", "A", 4),
    ("stakeholder_group_procurement", "B", 2),
    ("stakeholder_group_procurement", "C", 1),
    ("stakeholder_group_project_managers", "A", 12),
    ("stakeholder_group_project_managers", "B", 6),
    ("stakeholder_group_project_managers", "C", None),
    ("stakeholder_group_marketing", "A", 2),
]

# (field of the class A threshold, field of the class B threshold)
THRESHOLD_PAIRS = [
    ("kam_a_min_turnover", "kam_b_min_turnover"),
    ("kam_a_min_installers", "kam_b_min_installers"),
    ("kam_a_min_purchases", "kam_b_min_purchases"),
]
THRESHOLD_FIELDS = tuple(fname for pair in THRESHOLD_PAIRS for fname in pair)

OVERSERVED_FIELDS = (
    "kam_overserved_meeting_factor",
    "kam_overserved_hours_b",
    "kam_overserved_hours_c",
)
# The company fields of the key account settings, written together when saved.
KAM_SETTINGS_FIELDS = (
    *THRESHOLD_FIELDS,
    "kam_class_rule_mode",
    "kam_class_approver_id",
    "kam_key_account_min_criteria",
    *OVERSERVED_FIELDS,
)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "kam.number.input.mixin"]

    kam_a_min_turnover = fields.Monetary(
        string="Class A: turnover above",
        currency_field="currency_id",
        default=20_000_000,
        help="Class A criterion: the customer's own annual turnover must be strictly above this.",
    )
    kam_b_min_turnover = fields.Monetary(
        string="Class B: turnover above",
        currency_field="currency_id",
        default=10_000_000,
        help="Class B criterion: the customer's own annual turnover must be strictly above this.",
    )
    kam_a_min_installers = fields.Integer(string="Class A: installers above", default=50)
    kam_b_min_installers = fields.Integer(string="Class B: installers above", default=20)
    kam_a_min_purchases = fields.Monetary(
        string="Class A: yearly purchases above",
        currency_field="currency_id",
        default=200_000,
    )
    kam_b_min_purchases = fields.Monetary(
        string="Class B: yearly purchases above",
        currency_field="currency_id",
        default=100_000,
    )
    kam_class_rule_mode = fields.Selection(
        [("two_of_three", "At least 2 of the 3 criteria"), ("all_three", "All 3 criteria")],
        string="Criteria that must hold",
        default="two_of_three",
        required=True,
    )
    kam_class_approver_id = fields.Many2one(
        "res.users",
        string="Class change approver",
        domain=[("share", "=", False)],
        check_company=True,
        help="Manager who gets the activity when a salesperson proposes a class. "
        "Empty: the salesperson's sales team leader, else any key account manager.",
    )
    # Key-account selection: the candidate wizard and the daily re-selection
    # check use the class A thresholds and this many criteria.
    kam_key_account_min_criteria = fields.Integer(
        string="Key account: criteria that must hold",
        default=2,
        help="How many of the three class A criteria (turnover, installers, yearly purchases) "
        "a key account must meet; a key account below it is flagged for review.",
    )
    # Over-served key accounts: more effort than the value of a B or C class.
    kam_overserved_meeting_factor = fields.Float(
        string="Over-served: meetings factor",
        default=2.0,
        help="A B or C key account is over-served when the meetings held with it in the last "
        "12 months exceed this factor times the sum of its class's meeting targets "
        "(at least 1). 0 switches the meeting rule off.",
    )
    kam_overserved_hours_b = fields.Float(
        string="Over-served: hours per month, class B",
        default=20.0,
        help="A class B key account is over-served when its active account plan allocates more "
        "resource hours per month than this. 0 switches the hours rule off for B.",
    )
    kam_overserved_hours_c = fields.Float(
        string="Over-served: hours per month, class C",
        default=8.0,
        help="A class C key account is over-served when its active account plan allocates more "
        "resource hours per month than this. 0 switches the hours rule off for C.",
    )

    def _kam_field_label(self, fname):
        """The label of a field as the user reads it on the screen (his language)."""
        return self._fields[fname]._description_string(self.env)

    def _kam_format_setting(self, fname):
        """The value of a setting as the user typed it, formatted in his language."""
        self.ensure_one()
        field = self._fields[fname]
        if field.type == "monetary":
            return format_amount(self.env, self[fname], self.currency_id)
        if field.type == "integer":
            return formatLang(self.env, self[fname], digits=0)
        return formatLang(self.env, self[fname], digits=1)

    # All thresholds in one check, run after the write: a change that moves class A and
    # class B together (50 M / 30 M back to 20 M / 10 M) is judged on its final values.
    @api.constrains(*THRESHOLD_FIELDS)
    def _check_kam_thresholds(self):
        for company in self:
            errors = []
            for a_field, b_field in THRESHOLD_PAIRS:
                errors += [
                    self.env._(
                        "“%(field)s” cannot be negative: %(value)s.",
                        field=company._kam_field_label(fname),
                        value=company._kam_format_setting(fname),
                    )
                    for fname in (a_field, b_field)
                    if company[fname] < 0
                ]
                if company[a_field] < company[b_field]:
                    errors.append(
                        self.env._(
                            "“%(a_field)s” (%(a)s) is below the class B threshold "
                            "“%(b_field)s” (%(b)s). Class A must demand at least as much as "
                            "class B: raise A or lower B.",
                            a_field=company._kam_field_label(a_field),
                            a=company._kam_format_setting(a_field),
                            b_field=company._kam_field_label(b_field),
                            b=company._kam_format_setting(b_field),
                        )
                    )
            if errors:
                raise ValidationError(
                    "\n".join(
                        [
                            self.env._(
                                "The class thresholds of %(company)s are not valid:",
                                company=company.name,
                            ),
                            *errors,
                        ]
                    )
                )

    @api.constrains("kam_key_account_min_criteria", *OVERSERVED_FIELDS)
    def _check_kam_followup_settings(self):
        for company in self:
            if not 1 <= company.kam_key_account_min_criteria <= 3:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” of %(company)s must be 1, 2 or 3, not %(value)s.",
                        field=company._kam_field_label("kam_key_account_min_criteria"),
                        company=company.name,
                        value=company._kam_format_setting("kam_key_account_min_criteria"),
                    )
                )
            for fname in OVERSERVED_FIELDS:
                if company[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "“%(field)s” of %(company)s cannot be negative (%(value)s); use 0 "
                            "to switch the rule off.",
                            field=company._kam_field_label(fname),
                            company=company.name,
                            value=company._kam_format_setting(fname),
                        )
                    )

    # res.company does not check its relations by itself (no _check_company_auto): the
    # class change approver must work in the company whose proposals he decides.
    @api.constrains("kam_class_approver_id")
    def _check_kam_class_approver_company(self):
        self._check_company(["kam_class_approver_id"])

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._kam_create_default_meeting_targets()
        self.env["kam.service.level"]._kam_create_defaults(companies)
        return companies

    def _kam_create_default_meeting_targets(self):
        """Load the default meeting targets for the companies that have no meeting targets yet."""
        Target = self.env["kam.meeting.target"].sudo()
        companies = self or self.sudo().search([])
        having = set(Target.search([("company_id", "in", companies.ids)]).company_id.ids)
        vals_list = []
        for company in companies.filtered(lambda c: c.id not in having):
            for group_xmlid, abc_class, per_year in DEFAULT_MEETING_TARGETS:
                group = self.env.ref(f"key_account_mgmt.{group_xmlid}", raise_if_not_found=False)
                if not group:
                    continue
                vals_list.append(
                    {
                        "company_id": company.id,
                        "abc_class": abc_class,
                        "stakeholder_group_id": group.id,
                        "meetings_per_year": per_year or 0,
                        "as_needed": per_year is None,
                    }
                )
        return Target.create(vals_list)
