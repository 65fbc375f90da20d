from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.float_utils import float_compare
from odoo.tools.translate import LazyTranslate

from .res_partner import ABC_CLASSES

# The value-based classification study's example of what each class gets (our
# wording); editable per company.
_lt = LazyTranslate(__name__)

DEFAULT_SERVICE_LEVELS = {
    "A": {
        "scope": _lt(
            "Full service: named key account manager, joint account plan, "
            "half of telesales' time for the A accounts."
        ),
        "response_time": _lt("Same working day"),
        "priority": "1",
        "visit_frequency": _lt("Field visit once a month"),
    },
    "B": {
        "scope": _lt("40 % of field sales' and 20 % of telesales' time for the B accounts."),
        "response_time": _lt("Within 2 working days"),
        "priority": "2",
        "visit_frequency": _lt("Field visit once a quarter"),
    },
    "C": {
        "scope": _lt("Phone and e-channels (web shop, e-mail); self-service first."),
        "response_time": _lt("Within 5 working days"),
        "priority": "3",
        "visit_frequency": _lt("At most once a year"),
    },
}
TRANSLATED_FIELDS = ("scope", "response_time", "visit_frequency")

# The time each class gets, from the same study's example: top accounts a field visit a
# month and half of telesales' time, B 40 % of field sales' and 20 % of telesales' time,
# the lowest class at most one visit a year. Field sales' remaining 10 % and telesales'
# remaining 30 % go to the lowest class, so each kind of time adds up to 100 %.
DEFAULT_ALLOCATIONS = {
    "A": {"field_sales_share": 50.0, "telesales_share": 50.0, "visits_per_year": 12.0},
    "B": {"field_sales_share": 40.0, "telesales_share": 20.0, "visits_per_year": 4.0},
    "C": {"field_sales_share": 10.0, "telesales_share": 30.0, "visits_per_year": 1.0},
}
ALLOCATION_FIELDS = ("field_sales_share", "telesales_share", "visits_per_year")
SHARE_FIELDS = ("field_sales_share", "telesales_share")


class KamServiceLevel(models.Model):
    _name = "kam.service.level"
    _inherit = "kam.number.input.mixin"
    _description = "Service Level per Customer Class"
    _order = "company_id, abc_class"
    _rec_name = "abc_class"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    abc_class = fields.Selection(ABC_CLASSES, string="Class", required=True)
    scope = fields.Text(string="Scope of Service", translate=True)
    response_time = fields.Char(translate=True)
    priority = fields.Selection(
        [("1", "1 - Highest"), ("2", "2 - Normal"), ("3", "3 - Low")],
        default="2",
        required=True,
    )
    visit_frequency = fields.Char(translate=True)
    # Numbers beside the texts, for the cost to serve. No field default: a column added
    # to existing rows stays empty until _kam_fill_allocation_defaults fills it, and
    # create() writes 0 for what a new row leaves out.
    field_sales_share = fields.Float(
        string="Field-Sales Time (%)",
        digits=(16, 1),
        help="Share of the field sales force's yearly time given to the customers of this "
        "class. The classes of a company add up to at most 100 %.",
    )
    telesales_share = fields.Float(
        string="Telesales Time (%)",
        digits=(16, 1),
        help="Share of telesales' yearly time given to the customers of this class. The "
        "classes of a company add up to at most 100 %.",
    )
    visits_per_year = fields.Float(
        string="Field Visits per Year",
        digits=(16, 1),
        help="Field visits one customer of this class gets in a year.",
    )
    summary = fields.Text(compute="_compute_summary")

    _sql_constraints = [
        (
            "class_company_uniq",
            "unique(company_id, abc_class)",
            "This class already has a service level in this company.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for fname in ALLOCATION_FIELDS:
                vals.setdefault(fname, 0.0)
        return super().create(vals_list)

    @api.constrains(*ALLOCATION_FIELDS)
    def _check_allocation_range(self):
        for level in self:
            for fname in SHARE_FIELDS:
                value = level[fname]
                if value < 0 or float_compare(value, 100.0, precision_digits=1) > 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of class %(cls)s in %(company)s is %(value)s %%: "
                            "enter a share between 0 and 100 %%.",
                            field=self._fields[fname].get_description(self.env)["string"],
                            cls=level.abc_class,
                            company=level.company_id.name,
                            value=value,
                        )
                    )
            if level.visits_per_year < 0:
                raise ValidationError(
                    self.env._(
                        "%(field)s of class %(cls)s in %(company)s cannot be negative "
                        "(%(value)s): enter 0 for no visits.",
                        field=self._fields["visits_per_year"]._description_string(self.env),
                        cls=level.abc_class,
                        company=level.company_id.name,
                        value=level.visits_per_year,
                    )
                )

    @api.constrains("company_id", *SHARE_FIELDS)
    def _check_allocation_total(self):
        """Per company, the classes' shares of each kind of time add up to at most 100 %."""
        groups = self.sudo()._read_group(
            [("company_id", "in", self.company_id.ids)],
            groupby=["company_id"],
            aggregates=[f"{fname}:sum" for fname in SHARE_FIELDS],
        )
        for company, *totals in groups:
            for fname, total in zip(SHARE_FIELDS, totals, strict=True):
                if float_compare(total or 0.0, 100.0, precision_digits=1) <= 0:
                    continue
                levels = self.sudo().search([("company_id", "=", company.id)])
                values = ", ".join(f"{level.abc_class} {level[fname]:g} %" for level in levels)
                raise ValidationError(
                    self.env._(
                        "The classes' %(field)s in %(company)s add up to %(total)s %% "
                        "(%(values)s); at most 100 %% can be shared out. Lower one class "
                        "first, then raise the other.",
                        field=self._fields[fname].get_description(self.env)["string"],
                        company=company.name,
                        total=round(total, 1),
                        values=values,
                    )
                )

    @api.depends_context("lang")
    @api.depends(
        "abc_class", "scope", "response_time", "priority", "visit_frequency", *ALLOCATION_FIELDS
    )
    def _compute_summary(self):
        priorities = dict(self._fields["priority"]._description_selection(self.env))
        for level in self:
            lines = [
                self.env._("Scope: %(scope)s", scope=level.scope or "-"),
                self.env._("Response time: %(time)s", time=level.response_time or "-"),
                self.env._("Priority: %(priority)s", priority=priorities.get(level.priority, "-")),
                self.env._("Visits: %(visits)s", visits=level.visit_frequency or "-"),
                self.env._(
                    "Time given: field sales %(field)s %%, telesales %(tele)s %%, "
                    "%(visits)s field visits a year per customer",
                    field="%g" % level.field_sales_share,
                    tele="%g" % level.telesales_share,
                    visits="%g" % level.visits_per_year,
                ),
            ]
            level.summary = "\n".join(lines)

    @api.model
    def _kam_create_defaults(self, companies=None):
        """Create the default service levels of the companies that miss some (idempotent)."""
        companies = companies or self.env["res.company"].sudo().search([])
        existing = {
            (level.company_id.id, level.abc_class)
            for level in self.sudo().search([("company_id", "in", companies.ids)])
        }
        english = self.with_context(lang="en_US").env
        vals_list = [
            {
                "company_id": company.id,
                "abc_class": letter,
                **{
                    fname: english._(value) if fname in TRANSLATED_FIELDS else value
                    for fname, value in vals.items()
                },
            }
            for company in companies
            for letter, vals in DEFAULT_SERVICE_LEVELS.items()
            if (company.id, letter) not in existing
        ]
        for vals in vals_list:
            vals.update(DEFAULT_ALLOCATIONS.get(vals["abc_class"], {}))
        levels = self.sudo().create(vals_list)
        levels._kam_translate_defaults()
        self._kam_fill_allocation_defaults(companies)
        return levels

    @api.model
    def _kam_fill_allocation_defaults(self, companies):
        """The default time shares and visits into the rows that have none yet (rows
        created before these fields existed: all three columns empty). Idempotent; a row
        with any number entered is left alone."""
        self.flush_model(ALLOCATION_FIELDS)
        cr = self.env.cr
        for letter, values in DEFAULT_ALLOCATIONS.items():
            cr.execute(
                """UPDATE kam_service_level
                      SET field_sales_share = %(field)s, telesales_share = %(tele)s,
                          visits_per_year = %(visits)s
                    WHERE abc_class = %(letter)s AND company_id = ANY(%(companies)s)
                      AND field_sales_share IS NULL AND telesales_share IS NULL
                      AND visits_per_year IS NULL""",
                {
                    "field": values["field_sales_share"],
                    "tele": values["telesales_share"],
                    "visits": values["visits_per_year"],
                    "letter": letter,
                    "companies": companies.ids,
                },
            )
        self.invalidate_model(ALLOCATION_FIELDS)

    def _kam_translate_defaults(self, langs=None):
        """Give the default texts of these service levels (default: all) their
        translations in ``langs`` (default: the installed languages). A text a manager
        edited is left alone."""
        if langs is None:
            langs = [code for code, _name in self.env["res.lang"].get_installed()]
        langs = [lang for lang in langs if lang != "en_US"]
        levels = self.sudo() or self.sudo().search([])
        if not langs:
            return
        english = self.with_context(lang="en_US").env
        for level in levels.with_context(lang="en_US"):
            defaults = DEFAULT_SERVICE_LEVELS.get(level.abc_class, {})
            for fname in TRANSLATED_FIELDS:
                source = english._(defaults[fname]) if fname in defaults else None
                if not source or level[fname] != source:
                    continue
                translations = {
                    lang: self.with_context(lang=lang).env._(defaults[fname]) for lang in langs
                }
                level.update_field_translations(fname, translations)


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """A language installed later also translates the default service levels."""
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "key_account_mgmt" in modules and "kam.service.level" in self.env:
            self.env["kam.service.level"]._kam_translate_defaults(langs)
        return res
