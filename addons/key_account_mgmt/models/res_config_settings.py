from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.access import MANAGER_GROUP, is_manager
from ..tools.numbers import check_typed_numbers
from .kam_number_input import MODULES as NUMBER_MODULES
from .res_company import KAM_SETTINGS_FIELDS


class KamCompanySettingsMixin(models.AbstractModel):
    """Company settings edited on a screen and written on the company in one write.

    The screen's fields are related to the company fields of the same name. The ORM writes
    related fields one by one, so a check over several of them (class A above class B,
    weights adding up to 100) would judge a half-updated set and refuse a valid change.
    Here the values are taken out of the create/write values and written together.
    """

    _name = "kam.company.settings.mixin"
    _inherit = "kam.number.input.mixin"
    _description = "Company settings written together"

    def _kam_company_settings_fields(self):
        """Names of the related company fields this screen writes together."""
        return ()

    def _kam_company_for_settings(self, company):
        """The company record to write the settings with (access checked by the caller)."""
        return company

    def _kam_pop_company_settings(self, vals):
        names = set(self._kam_company_settings_fields()) & set(vals)
        return {name: vals.pop(name) for name in names}

    def _kam_write_company_settings(self, values):
        for record in self:
            company = record.company_id
            changed = {}
            for name, value in values.items():
                field = company._fields[name]
                if company[name] != field.convert_to_record(
                    field.convert_to_cache(value, company), company
                ):
                    changed[name] = value
            if changed:
                record._kam_company_for_settings(company).write(changed)

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before the company's values are compared with them (which rounds them).
        check_typed_numbers(self, vals_list, NUMBER_MODULES)
        pending = [self._kam_pop_company_settings(vals) for vals in vals_list]
        records = super().create(vals_list)
        for record, values in zip(records, pending, strict=True):
            record._kam_write_company_settings(values)
        return records

    def write(self, vals):
        check_typed_numbers(self, [vals], NUMBER_MODULES)
        vals = dict(vals)
        values = self._kam_pop_company_settings(vals)
        res = super().write(vals) if vals else True
        self._kam_write_company_settings(values)
        return res


class KamManagerSettingsMixin(models.AbstractModel):
    """A settings screen for a manager group without Administration rights.

    The manager changes exactly the screen's fields, of the current company, which must be
    one of the companies he works in; other settings and companies stay out of reach.
    """

    _name = "kam.manager.settings.mixin"
    _inherit = "kam.company.settings.mixin"
    _description = "Company settings screen of a manager"

    #: XML id of the group allowed to change the settings of the screen.
    _kam_settings_group = "base.group_system"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    def _kam_company_settings_fields(self):
        return tuple(
            name
            for name, field in self._fields.items()
            if field.related == f"company_id.{name}" and not field.readonly
        )

    def _kam_company_for_settings(self, company):
        if not is_manager(self.env, self._kam_settings_group):
            raise AccessError(
                self.env._(
                    "Only the group “%(group)s” can change these settings.",
                    group=self.env.ref(self._kam_settings_group).name,
                )
            )
        if not self.env.su and company not in self.env.companies:
            raise AccessError(
                self.env._(
                    "You can change the settings of the companies you work in only, "
                    "not of %(company)s.",
                    company=company.name,
                )
            )
        # The access right on res.company is Administration's; the checks above limit the
        # write to the screen's fields of an allowed company.
        return company.sudo()

    def action_save(self):
        """Save button: the values are on the company once the record is saved."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Settings saved for %(company)s.", company=self.company_id.name
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


class KamClassSettingsFields(models.AbstractModel):
    """The class and key-account settings of a company as fields of a settings screen,
    declared once for the manager's screen and for Odoo's Settings page."""

    _name = "kam.class.settings.fields"
    _description = "Key account settings of a company (fields)"

    company_id = fields.Many2one("res.company")
    kam_currency_id = fields.Many2one(related="company_id.currency_id", string="KAM Currency")
    kam_a_min_turnover = fields.Monetary(
        related="company_id.kam_a_min_turnover", readonly=False, currency_field="kam_currency_id"
    )
    kam_b_min_turnover = fields.Monetary(
        related="company_id.kam_b_min_turnover", readonly=False, currency_field="kam_currency_id"
    )
    kam_a_min_installers = fields.Integer(related="company_id.kam_a_min_installers", readonly=False)
    kam_b_min_installers = fields.Integer(related="company_id.kam_b_min_installers", readonly=False)
    kam_a_min_purchases = fields.Monetary(
        related="company_id.kam_a_min_purchases", readonly=False, currency_field="kam_currency_id"
    )
    kam_b_min_purchases = fields.Monetary(
        related="company_id.kam_b_min_purchases", readonly=False, currency_field="kam_currency_id"
    )
    kam_class_rule_mode = fields.Selection(
        related="company_id.kam_class_rule_mode", readonly=False, required=True
    )
    kam_class_approver_id = fields.Many2one(
        related="company_id.kam_class_approver_id", readonly=False
    )
    kam_key_account_min_criteria = fields.Integer(
        related="company_id.kam_key_account_min_criteria", readonly=False
    )
    kam_overserved_meeting_factor = fields.Float(
        related="company_id.kam_overserved_meeting_factor", readonly=False
    )
    kam_overserved_hours_b = fields.Float(
        related="company_id.kam_overserved_hours_b", readonly=False
    )
    kam_overserved_hours_c = fields.Float(
        related="company_id.kam_overserved_hours_c", readonly=False
    )


class KamSettings(models.TransientModel):
    _name = "kam.settings"
    _inherit = ["kam.class.settings.fields", "kam.manager.settings.mixin"]
    _description = "Key account settings of a company"

    _kam_settings_group = MANAGER_GROUP

    @api.depends("company_id")
    def _compute_display_name(self):
        for settings in self:
            settings.display_name = self.env._(
                "Key account settings of %(company)s", company=settings.company_id.name
            )


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "kam.company.settings.mixin", "kam.class.settings.fields"]

    @api.model_create_multi
    def create(self, vals_list):
        # Before Odoo's create compares (and so rounds) the typed values with the company's.
        check_typed_numbers(self, vals_list, NUMBER_MODULES)
        return super().create(vals_list)

    def _kam_company_settings_fields(self):
        return (*super()._kam_company_settings_fields(), *KAM_SETTINGS_FIELDS)
