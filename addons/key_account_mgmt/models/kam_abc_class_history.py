from collections import defaultdict

from odoo import api, fields, models

from ..tools.class_reasons import data_reason_text, reason_context, reason_data_key, rule_texts
from .res_partner import ABC_CLASSES

CLASS_SOURCES = [
    ("computed", "Classification rule"),
    ("manual", "Manual override"),
    ("proposal", "Approved proposal"),
]


class KamAbcClassHistory(models.Model):
    _name = "kam.abc.class.history"
    _description = "Customer Class History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    old_class = fields.Selection(ABC_CLASSES, readonly=True)
    new_class = fields.Selection(ABC_CLASSES, readonly=True)
    source = fields.Selection(CLASS_SOURCES, required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Changed by", default=lambda self: self.env.user, readonly=True
    )
    # Who served the customer when the class changed: class-movement goals credit the
    # move to them, not to whoever serves the customer later (nor to who made the change).
    salesperson_id = fields.Many2one(
        "res.users",
        string="Salesperson at the Time",
        readonly=True,
        index=True,
        help="The customer's salesperson when the class changed.",
    )
    key_account_manager_id = fields.Many2one(
        "res.users",
        string="Key Account Manager at the Time",
        readonly=True,
        help="The customer's key account manager when the class changed.",
    )
    reason = fields.Text(
        string="Reason as written",
        readonly=True,
        help="The reason when the class changed, in the words and language it was written in.",
    )
    reason_data = fields.Json(
        readonly=True,
        help="What the rule's reason is built from: the customer's figures and the "
        "class thresholds when the class changed.",
    )
    reason_text = fields.Text(
        string="Reason",
        compute="_compute_reason_text",
        help="Why the class changed. The rule's reasons are shown in your language; a "
        "reason typed by a user is shown as typed.",
    )
    is_upgrade = fields.Boolean(
        string="Moved up",
        compute="_compute_is_upgrade",
        store=True,
        help="The customer moved to a better class (C to B, B to A, C to A).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A row gets the customer's salesperson and key account manager of the moment
        unless the caller gives them (the partners are read in one query)."""
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse({vals["partner_id"] for vals in vals_list if vals.get("partner_id")})
        )
        partners.fetch(["user_id", "key_account_manager_id"])
        for vals in vals_list:
            if not vals.get("partner_id"):
                continue
            partner = partners.browse(vals["partner_id"])
            vals.setdefault("salesperson_id", partner.user_id.id)
            vals.setdefault("key_account_manager_id", partner.key_account_manager_id.id)
        return super().create(vals_list)

    @api.model
    def _kam_fill_people_at_the_time(self):
        """Rows without a salesperson and key account manager get the customer's current
        ones (one UPDATE): the history written before these columns existed. Returns the
        number of rows filled."""
        self.flush_model(["salesperson_id", "key_account_manager_id"])
        self.env["res.partner"].flush_model(["user_id", "key_account_manager_id"])
        self.env.cr.execute(
            """UPDATE kam_abc_class_history h
                  SET salesperson_id = p.user_id,
                      key_account_manager_id = p.key_account_manager_id
                 FROM res_partner p
                WHERE p.id = h.partner_id
                  AND h.salesperson_id IS NULL
                  AND h.key_account_manager_id IS NULL
                  AND (p.user_id IS NOT NULL OR p.key_account_manager_id IS NOT NULL)"""
        )
        filled = self.env.cr.rowcount
        self.invalidate_model(["salesperson_id", "key_account_manager_id"])
        return filled

    @api.depends_context("lang")
    @api.depends("reason", "reason_data", "company_id")
    def _compute_reason_text(self):
        """The rule's reason rendered from its data in the reader's language, one rule
        context per company and rule (not per row); the stored text otherwise."""
        by_company = defaultdict(dict)
        for row in self:
            if row.reason_data and row.company_id:
                by_company[row.company_id][row.id] = row.reason_data
        texts = {}
        for company, datas in by_company.items():
            texts.update(self._kam_reason_data_texts(company.sudo(), datas))
        for row in self:
            row.reason_text = texts.get(row.id) or row.reason

    @api.model
    def _kam_reason_data_texts(self, company, datas):
        """The reasons of stored ``reason_data`` of ``company`` in the user's language:
        ``{key: text}`` for ``datas`` ``{key: data}`` (keys without a criteria rule's
        data are left out). The rule's context is formatted once per rule, not per row."""
        engine = self.env["kam.class.engine"]
        rules = {}
        texts = {}
        words = None
        for key, data in datas.items():
            rule_key = reason_data_key(data)
            if rule_key is None:
                continue
            if rule_key not in rules:
                currency_id, needed, limits = rule_key
                currency = self.env["res.currency"].sudo().browse(currency_id or []).exists()
                currency = currency[:1] or company.currency_id
                words = words or rule_texts(self.env._)
                rules[rule_key] = reason_context(
                    words,
                    engine._kam_money_formatter(currency),
                    company.name,
                    currency.name,
                    needed,
                    dict(zip(("A", "B"), limits, strict=True)),
                )
            texts[key] = data_reason_text(rules[rule_key], data)
        return texts

    @api.depends("old_class", "new_class")
    def _compute_is_upgrade(self):
        for row in self:
            row.is_upgrade = bool(row.old_class and row.new_class and row.new_class < row.old_class)
