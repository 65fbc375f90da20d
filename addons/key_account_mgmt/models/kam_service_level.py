from odoo import api, fields, models
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


class KamServiceLevel(models.Model):
    _name = "kam.service.level"
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
    summary = fields.Text(compute="_compute_summary")

    _sql_constraints = [
        (
            "class_company_uniq",
            "unique(company_id, abc_class)",
            "This class already has a service level in this company.",
        ),
    ]

    @api.depends_context("lang")
    @api.depends("abc_class", "scope", "response_time", "priority", "visit_frequency")
    def _compute_summary(self):
        priorities = dict(self._fields["priority"]._description_selection(self.env))
        for level in self:
            lines = [
                self.env._("Scope: %(scope)s", scope=level.scope or "-"),
                self.env._("Response time: %(time)s", time=level.response_time or "-"),
                self.env._("Priority: %(priority)s", priority=priorities.get(level.priority, "-")),
                self.env._("Visits: %(visits)s", visits=level.visit_frequency or "-"),
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
        levels = self.sudo().create(vals_list)
        levels._kam_translate_defaults()
        return levels

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
