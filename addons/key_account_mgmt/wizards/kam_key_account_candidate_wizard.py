from odoo import fields, models
from odoo.exceptions import UserError

CANDIDATE_LIMIT = 200


class KamKeyAccountCandidateWizard(models.TransientModel):
    _name = "kam.key.account.candidate.wizard"
    _inherit = "kam.number.input.mixin"
    _description = "Propose Key Account Candidates"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_turnover = fields.Monetary(
        string="Turnover above",
        default=lambda self: self.env.company.kam_a_min_turnover,
    )
    min_installers = fields.Integer(
        string="Installers above", default=lambda self: self.env.company.kam_a_min_installers
    )
    min_purchases = fields.Monetary(
        string="Yearly purchases above",
        default=lambda self: self.env.company.kam_a_min_purchases,
    )
    min_criteria = fields.Integer(
        string="Criteria that must hold",
        default=lambda self: self.env.company.kam_key_account_min_criteria or 2,
        help="How many of the three criteria (1-3) a customer must meet to be a candidate.",
    )
    line_ids = fields.One2many("kam.key.account.candidate.line", "wizard_id")

    def action_find(self):
        """Fill the lines: new candidates, and key accounts that no longer qualify."""
        self.ensure_one()
        if not 1 <= self.min_criteria <= 3:
            raise UserError(
                self.env._(
                    "“%(field)s” must be 1, 2 or 3, not %(value)s.",
                    field=self._fields["min_criteria"]._description_string(self.env),
                    value=self.min_criteria,
                )
            )
        Partner = self.env["res.partner"].with_company(self.company_id)
        partners = Partner.search(
            self.env["kam.class.engine"]._kam_classifiable_domain(self.company_id)
        )
        criteria = Partner._kam_key_account_criteria(
            self.company_id, partners, self.min_turnover, self.min_installers, self.min_purchases
        )
        lines = []
        for partner in partners:
            met, turnover, bought = criteria[partner.id]
            qualifies = met >= self.min_criteria
            if qualifies == partner.is_key_account:
                continue
            lines.append(
                {
                    "partner_id": partner.id,
                    "turnover": turnover,
                    "installer_count": partner.installer_count,
                    "purchases": bought,
                    "criteria_met": met,
                    "suggestion": "add" if qualifies else "remove",
                    "key_account_manager_id": (
                        partner.key_account_manager_id or partner.user_id
                    ).id,
                }
            )
        lines.sort(key=lambda v: (v["suggestion"], -v["criteria_met"], -v["purchases"]))
        self.line_ids = [(5, 0, 0)] + [(0, 0, vals) for vals in lines[:CANDIDATE_LIMIT]]
        return self._reopen()

    def action_apply(self):
        """Apply the ticked lines and record each decision in the selection history."""
        self.ensure_one()
        chosen = self.line_ids.filtered("selected")
        if not chosen:
            raise UserError(self.env._("Tick at least one line to apply."))
        for line in chosen:
            reason = self.env._(
                "Candidate wizard: %(met)s of 3 criteria met (turnover %(t)s, installers "
                "%(i)s, purchases %(p)s).",
                met=line.criteria_met,
                t=line.turnover,
                i=line.installer_count,
                p=line.purchases,
            )
            vals = {"is_key_account": line.suggestion == "add"}
            if line.suggestion == "add" and line.key_account_manager_id:
                vals["key_account_manager_id"] = line.key_account_manager_id.id
            line.partner_id.with_context(kam_key_account_reason=reason).write(vals)
        return {"type": "ir.actions.act_window_close"}

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class KamKeyAccountCandidateLine(models.TransientModel):
    _name = "kam.key.account.candidate.line"
    _description = "Key Account Candidate"
    _order = "suggestion, criteria_met desc, purchases desc"
    _check_company_auto = True

    wizard_id = fields.Many2one("kam.key.account.candidate.wizard", ondelete="cascade")
    company_id = fields.Many2one(related="wizard_id.company_id")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    selected = fields.Boolean(string="Apply")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, check_company=True
    )
    turnover = fields.Monetary(readonly=True)
    installer_count = fields.Integer(string="Installers", readonly=True)
    purchases = fields.Monetary(string="Yearly Purchases", readonly=True)
    criteria_met = fields.Integer(readonly=True)
    suggestion = fields.Selection(
        [("add", "Select as key account"), ("remove", "No longer qualifies")], readonly=True
    )
    key_account_manager_id = fields.Many2one("res.users", check_company=True)
