from odoo import api, fields, models

from ..tools.revenue_lines import CUSTOMER_MOVE_TYPES, POSTED, PRODUCT_LINE, line_cost

# Fields of a move, and of a journal item, whose change on a posted customer move moves its
# revenue days (customer.revenue.day).
DAY_MOVE_FIELDS = {"state", "date", "partner_id", "move_type", "company_id", "line_ids"}
DAY_LINE_FIELDS = {
    "partner_id",
    "date",
    "balance",
    "debit",
    "credit",
    "quantity",
    "product_id",
    "product_uom_id",
    "score_cost",
    "company_id",
    "display_type",
    "move_id",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        # The revenue days are refreshed once below, after the costs are frozen.
        posted = super(AccountMove, self.with_context(score_days_on_post=False))._post(soft=soft)
        posted = posted.with_env(self.env)
        customer_moves = posted.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES)
        if customer_moves:
            customer_moves.line_ids._score_freeze_cost()
            customer_moves._score_mark_partners()
            Day = self.env["customer.revenue.day"].sudo()
            Day._refresh(Day._keys_of_moves(customer_moves.ids))
        return posted

    def write(self, vals):
        moves = self._score_day_moves(vals)
        if not moves:
            return super().write(vals)
        Day = self.env["customer.revenue.day"].sudo()
        keys = Day._keys_of_moves(moves.ids)
        res = super().write(vals)
        Day._refresh(keys | Day._keys_of_moves(moves.ids))
        return res

    def unlink(self):
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES and m.state == POSTED)
        Day = self.env["customer.revenue.day"].sudo()
        keys = Day._keys_of_moves(moves.ids) if moves else set()
        res = super().unlink()
        Day._refresh(keys)
        return res

    def _score_day_moves(self, vals):
        """The customer moves of ``self`` whose revenue days ``write(vals)`` can move: posted
        ones, or being posted (the posting itself refreshes in ``_post``)."""
        if not DAY_MOVE_FIELDS.intersection(vals):
            return self.browse()
        if vals.get("state") == POSTED and self.env.context.get("score_days_on_post") is False:
            return self.browse()
        return self.filtered(
            lambda m: (
                m.move_type in CUSTOMER_MOVE_TYPES
                and (m.state == POSTED or vals.get("state") == POSTED)
            )
        )

    def button_draft(self):
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES and m.state == "posted")
        res = super().button_draft()
        moves._score_mark_partners()
        return res

    def button_cancel(self):
        moves = self.filtered(lambda m: m.move_type in CUSTOMER_MOVE_TYPES)
        res = super().button_cancel()
        moves._score_mark_partners()
        return res

    def _score_mark_partners(self):
        """Flag the customers of these moves so the next run can rescore just them."""
        self.env["customer.score.mark"].sudo()._mark(
            (move.partner_id.commercial_partner_id.id, move.company_id.id) for move in self
        )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    score_cost = fields.Monetary(
        string="Cost of Goods (Scoring)",
        currency_field="company_currency_id",
        copy=False,
        readonly=True,
        groups="account.group_account_invoice,sales_team.group_sale_salesman",
        help="Cost of the goods of this invoice line in company currency, frozen when the "
        "invoice was posted (product cost at invoicing) so that margins in customer "
        "scoring do not move when the product cost changes later. Signed like the revenue: "
        "negative on credit notes.",
    )

    score_revenue = fields.Monetary(
        string="Revenue (Scoring)",
        currency_field="company_currency_id",
        compute="_compute_score_revenue",
        groups="account.group_account_invoice,sales_team.group_sale_salesman",
        help="Untaxed amount of this invoice line in company currency as counted in the "
        "customer's revenue: positive on invoices, negative on credit notes.",
    )

    @api.depends("balance")
    def _compute_score_revenue(self):
        for line in self:
            line.score_revenue = -line.balance

    def write(self, vals):
        lines = self._score_day_lines(vals)
        if not lines:
            return super().write(vals)
        Day = self.env["customer.revenue.day"].sudo()
        keys = Day._keys_of_lines(lines.ids)
        res = super().write(vals)
        Day._refresh(keys | Day._keys_of_lines(lines.ids))
        return res

    def _score_day_lines(self, vals):
        """The posted customer product lines of ``self`` whose revenue days ``write(vals)``
        can move (a contact moved to another company, a line edited on a posted move)."""
        if not DAY_LINE_FIELDS.intersection(vals):
            return self.browse()
        return self.filtered(
            lambda line: (
                line.parent_state == POSTED
                and line.display_type == PRODUCT_LINE
                and line.move_id.move_type in CUSTOMER_MOVE_TYPES
            )
        )

    def _score_freeze_cost(self):
        """Store the cost of goods of posted customer invoice lines (one UPDATE), as defined
        in ``tools/revenue_lines.py``."""
        values = [
            (line.id, line_cost(line))
            for line in self
            if line.display_type == PRODUCT_LINE and line.product_id
        ]
        if not values:
            return
        ids, costs = zip(*values, strict=True)
        self.env.cr.execute(
            """UPDATE account_move_line aml SET score_cost = v.cost
                 FROM unnest(%s::int[], %s::numeric[]) AS v(id, cost)
                WHERE aml.id = v.id""",
            [list(ids), list(costs)],
        )
        self.invalidate_recordset(["score_cost"])
