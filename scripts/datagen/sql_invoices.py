"""The invoice rows of the bulk writer: invoices, credit notes, payments, reconciliations.

Each planned order becomes what Odoo 18 stores for a posted invoice: product lines, one tax
line per tax and one receivable ("payment_term") line per move, every move balanced;
document-currency amounts in ``amount_currency``, company-currency amounts
(``balance``/``debit``/``credit``) converted at the invoice date's rate. A credit note
keeps the rate of the invoice it reverses, as Odoo's reversal does; a payment is one bank
entry at the invoice's rate (no exchange difference moves). A move and its receivable line
are written once their reconciliation is known (payment state, residuals, matching number).
"""

import time
from datetime import timedelta

from .copy_rows import N, cents, esc, flag, to_company


class InvoiceRows:
    """Writes the planned orders' moves; mixed into `SqlWriter`, which provides the
    references (``self.ref``, ids, partners, users, teams, terms, products)."""

    def _write_moves(self, copier, numbers):
        counters = dict.fromkeys(numbers, 0)
        customers = 0
        t0 = time.monotonic()
        for c in self.plan.customers:
            if c.key not in self.partner_ids:
                continue
            for order in self.plan.iter_orders(c):
                if order.company_key not in self.ref:
                    continue
                assigned = {}
                for kind, day in self._events(order):
                    key = (order.company_key, kind, day.year)
                    assigned[kind] = numbers[key][counters[key]]
                    counters[key] += 1
                self._write_order(copier, c, order, assigned)
            copier.maybe_flush()
            customers += 1
            if customers % 20000 == 0:
                self.log(f"  {customers:,} customers written ({time.monotonic() - t0:.1f} s)")

    def _rate(self, order):
        if order.currency == self.ref[order.company_key]["currency_name"]:
            return 1.0
        day = order.invoice_date
        return self.plan.sek_per_eur[(day.year, day.month)]

    def _write_order(self, copier, customer, order, assigned):
        ref = self.ref[order.company_key]
        rate = self._rate(order)
        currency = self.currency_ids[order.currency]
        pid = self.partner_ids[customer.key]
        state = {"posted": "posted", "draft": "draft"}.get(order.invoice_state, "cancel")
        # per line: (plan line, price cents, subtotal cents, tax cents)
        lines = []
        for line in order.lines:
            price_c = round(line.price_unit * 100)
            factor = round((100 - line.discount) * 100)
            subtotal_c = (round(line.qty) * price_c * factor + 5000) // 10000
            tax_c = (subtotal_c * ref["tax_bp"] + 5000) // 10000
            lines.append((line, price_c, subtotal_c, tax_c))
        due = order.invoice_date + timedelta(days=customer.payment_days)
        inv_name = None
        if "inv" in assigned:
            inv_name = self._name(ref["sale_code"], "", order.invoice_date, assigned["inv"])
        context = {
            "ref": ref,
            "order": order,
            "customer": customer,
            "pid": pid,
            "rate": rate,
            "currency": currency,
        }
        invoice = self._write_invoice(
            copier, context, "out_invoice", inv_name, state, order.invoice_date, due, lines
        )
        self.stats["invoices"] = self.stats.get("invoices", 0) + 1
        if state != "posted":
            return
        receivable_line, total_cc, total_dc = invoice["receivable"]
        residual_cc, residual_dc = total_cc, total_dc
        refund = None
        if order.credit:
            indexes = order.credit.line_indexes
            credited = lines if indexes is None else [lines[i] for i in indexes]
            ref_name = self._name(ref["sale_code"], "R", order.credit.date, assigned["ref"])
            refund = self._write_invoice(
                copier,
                context,
                "out_refund",
                ref_name,
                "posted",
                order.credit.date,
                order.credit.date,
                credited,
                reversed_id=invoice["id"],
            )
            residual_cc -= refund["receivable"][1]
            residual_dc -= refund["receivable"][2]
        pays = bool(order.payment_date and residual_cc > 0)
        full_id = None
        # one full reconciliation when the invoice ends up settled (credit note and/or payment)
        if pays or (refund is not None and residual_cc == 0):
            full_id = self._take("account_full_reconcile")
            copier.write("account_full_reconcile", id=full_id)
        partials = []  # (credit line, company cents, document cents, date)
        if refund is not None:
            partials.append(
                (
                    refund["receivable"][0],
                    refund["receivable"][1],
                    refund["receivable"][2],
                    max(order.invoice_date, order.credit.date),
                )
            )
        if pays:
            pay_name = self._name(ref["bank_code"], "", order.payment_date, assigned["pay"])
            partials.append(
                (self._take("account_move_line"), residual_cc, residual_dc, order.payment_date)
            )
        partial_ids = []
        for credit_line, cc, dc, day in partials:
            partial_id = self._take("account_partial_reconcile")
            partial_ids.append(partial_id)
            copier.write(
                "account_partial_reconcile",
                id=partial_id,
                debit_move_id=receivable_line,
                credit_move_id=credit_line,
                full_reconcile_id=full_id,
                debit_currency_id=currency,
                credit_currency_id=currency,
                company_id=ref["company"],
                max_date=day,
                amount=cents(cc),
                debit_amount_currency=cents(dc),
                credit_amount_currency=cents(dc),
            )
        matching = str(full_id) if full_id else (f"P{partial_ids[0]}" if partial_ids else None)
        if pays:
            self._write_payment(
                copier,
                context,
                pay_name,
                invoice["values"]["name"],
                residual_cc,
                residual_dc,
                partials[-1][0],
                full_id,
            )
            residual_cc = residual_dc = 0
        # as Odoo computes it: an invoice settled together with its credit note is
        # "reversed", the credit note itself "paid"
        if refund is not None and residual_cc == 0:
            inv_state = "reversed"
        elif residual_cc == 0:
            inv_state = "paid"
        elif partials:
            inv_state = "partial"
        else:
            inv_state = "not_paid"
        self._emit_move(copier, invoice, inv_state, residual_cc, residual_dc, full_id, matching)
        if refund is not None:
            # the credit note is always used up against the invoice it reverses
            self._emit_move(copier, refund, "paid", 0, 0, full_id, matching, reconciled=True)

    @staticmethod
    def _name(code, prefix, day, number):
        seq_prefix = f"{prefix}{code}/{day.year}/"
        return seq_prefix, number, f"{seq_prefix}{number:05d}"

    def _write_invoice(
        self, copier, context, move_type, name, state, day, due, lines, reversed_id=None
    ):
        """One invoice or credit note: its product lines and tax line are written; the move
        and its receivable line are returned (column values by name), written by
        `_emit_move` once their reconciliation is known.

        :param context: the order's references (ref, order, customer, pid, rate, currency)
        :param reversed_id: the invoice a credit note reverses
        """
        ref, order, customer = context["ref"], context["order"], context["customer"]
        pid, rate, currency = context["pid"], context["rate"], context["currency"]
        move_id = self._take("account_move")
        sign = 1 if move_type == "out_invoice" else -1  # receivable side
        doc = "invoice" if move_type == "out_invoice" else "refund"
        seq_prefix, seq_number, move_name = name if name else (N, N, "/")
        move_name = esc(move_name)
        ref_text = esc(f"Työmaa {order.key[-4:]}")
        invert = flag(sign > 0)
        common = {
            "move_id": move_id,
            "journal_id": ref["sale_journal"],
            "company_id": ref["company"],
            "company_currency_id": ref["currency"],
            "currency_id": currency,
            "partner_id": pid,
            "move_name": move_name,
            "parent_state": state,
            "ref": ref_text,
            "date": day,
            "invoice_date": day,
        }
        untaxed_dc = untaxed_cc = tax_dc = 0
        cost_cents = ref["cost_cents"]
        for sequence, (line, price_c, subtotal_c, tax_c) in enumerate(lines, 1):
            line_id = self._take("account_move_line")
            product_id, uom_id, label = self.products[line.product_key]
            balance_c = to_company(subtotal_c, rate)
            untaxed_dc += subtotal_c
            untaxed_cc += balance_c
            tax_dc += tax_c
            signed_c = -sign * balance_c
            cost = sign * round(line.qty) * cost_cents[line.product_key]
            copier.write(
                "account_move_line",
                **common,
                id=line_id,
                sequence=sequence,
                account_id=ref["income"],
                product_id=product_id,
                product_uom_id=uom_id,
                name=label,
                display_type="product",
                debit=cents(max(signed_c, 0)),
                credit=cents(max(-signed_c, 0)),
                balance=cents(signed_c),
                amount_currency=cents(-sign * subtotal_c),
                quantity=f"{line.qty:.2f}",
                price_unit=cents(price_c),
                price_subtotal=cents(subtotal_c),
                price_total=cents(subtotal_c + tax_c),
                discount=f"{line.discount:.2f}",
                tax_tag_invert=invert,
                score_cost=cents(cost),
            )
            copier.write(
                "account_move_line_account_tax_rel",
                account_move_line_id=line_id,
                account_tax_id=ref["tax"],
            )
        # tax line: the sum of the per-line rounded taxes (round per line), converted once
        tax_cc = to_company(tax_dc, rate)
        rep_id, tax_account, tags = ref["rep"][doc]
        tax_line = self._take("account_move_line")
        signed_c = -sign * tax_cc
        copier.write(
            "account_move_line",
            **common,
            id=tax_line,
            sequence=10000,
            account_id=tax_account,
            tax_line_id=ref["tax"],
            tax_group_id=ref["tax_group"],
            tax_repartition_line_id=rep_id,
            name=ref["tax_name"],
            display_type="tax",
            debit=cents(max(signed_c, 0)),
            credit=cents(max(-signed_c, 0)),
            balance=cents(signed_c),
            amount_currency=cents(-sign * tax_dc),
            tax_base_amount=cents(untaxed_cc),
            tax_tag_invert=invert,
        )
        for tag in tags:
            copier.write(
                "account_account_tag_account_move_line_rel",
                account_move_line_id=tax_line,
                account_account_tag_id=tag,
            )
        # receivable line: balances the move exactly in both currencies
        total_dc = untaxed_dc + tax_dc
        total_cc = untaxed_cc + tax_cc
        receivable = self._take("account_move_line")
        signed_c = sign * total_cc
        payment_reference = esc(move_name.replace("/", "")) if name else N
        receivable_values = {
            **common,
            "id": receivable,
            "sequence": 12000,
            "account_id": ref["receivable"],
            "name": payment_reference if name else "",
            "display_type": "payment_term",
            "date_maturity": due,
            "debit": cents(max(signed_c, 0)),
            "credit": cents(max(-signed_c, 0)),
            "balance": cents(signed_c),
            "amount_currency": cents(sign * total_dc),
        }
        move_values = {
            "id": move_id,
            "name": move_name,
            "sequence_prefix": seq_prefix,
            "sequence_number": seq_number,
            "journal_id": ref["sale_journal"],
            "company_id": ref["company"],
            "currency_id": currency,
            "partner_id": pid,
            "commercial_partner_id": pid,
            "invoice_user_id": self.users[customer.salesperson_key],
            "team_id": self.teams[customer.team_key],
            "invoice_payment_term_id": (
                self.terms[customer.payment_days] if move_type == "out_invoice" else None
            ),
            "reversed_entry_id": reversed_id,
            "ref": ref_text,
            "state": state,
            "move_type": move_type,
            "payment_reference": payment_reference,
            "invoice_partner_display_name": esc(customer.name),
            "date": day,
            "invoice_date": day,
            "invoice_date_due": due,
            "invoice_currency_rate": f"{rate:.6f}",
            "amount_untaxed": cents(untaxed_dc),
            "amount_tax": cents(tax_dc),
            "amount_total": cents(total_dc),
            "amount_untaxed_signed": cents(sign * untaxed_cc),
            "amount_untaxed_in_currency_signed": cents(sign * untaxed_dc),
            "amount_tax_signed": cents(sign * tax_cc),
            "amount_total_signed": cents(sign * total_cc),
            "amount_total_in_currency_signed": cents(sign * total_dc),
            "posted_before": flag(state != "draft"),
        }
        move = {
            "id": move_id,
            "values": move_values,
            "sign": sign,
            "line": receivable_values,
            "receivable": (receivable, total_cc, total_dc),
        }
        if state != "posted":
            # drafts and cancelled invoices: nothing reconciled, all open
            self._emit_move(copier, move, "not_paid", total_cc, total_dc, None, None)
        return move

    def _write_payment(self, copier, context, name, inv_name, cc, dc, receivable_line, full_id):
        """A bank entry paying ``cc``/``dc`` (company/document cents) of the invoice."""
        ref, order, pid, currency = (
            context["ref"],
            context["order"],
            context["pid"],
            context["currency"],
        )
        move_id = self._take("account_move")
        day = order.payment_date
        journal = ref["bank_journal"]
        company = ref["company"]
        seq_prefix, seq_number, move_name = name
        memo = esc(f"Payment: {inv_name}")
        bank_line = self._take("account_move_line")
        rows = (
            (bank_line, ref["bank_account"], cc, dc, None, None, "f"),
            (receivable_line, ref["receivable"], -cc, -dc, full_id, full_id, "t"),
        )
        for line_id, account, bal, amount, full, matching, reconciled in rows:
            copier.write(
                "account_move_line",
                id=line_id,
                move_id=move_id,
                journal_id=journal,
                company_id=company,
                company_currency_id=ref["currency"],
                sequence=100,
                account_id=account,
                currency_id=currency,
                partner_id=pid,
                full_reconcile_id=full,
                move_name=move_name,
                parent_state="posted",
                ref=inv_name,
                name=memo,
                matching_number=matching,
                display_type="product",
                date=day,
                date_maturity=day,
                debit=cents(max(bal, 0)),
                credit=cents(max(-bal, 0)),
                balance=cents(bal),
                amount_currency=cents(amount),
                quantity="1.00",
                price_subtotal=cents(amount),
                price_total=cents(amount),
                reconciled=reconciled,
            )
        copier.write(
            "account_move",
            id=move_id,
            name=move_name,
            sequence_prefix=seq_prefix,
            sequence_number=seq_number,
            journal_id=journal,
            company_id=company,
            currency_id=currency,
            partner_id=pid,
            commercial_partner_id=pid,
            ref=inv_name,
            move_type="entry",
            payment_state="not_paid",
            date=day,
            invoice_currency_rate="0.000000",
            amount_untaxed="0.00",
            amount_tax="0.00",
            amount_total=cents(dc),
            amount_residual="0.00",
            amount_untaxed_signed="0.00",
            amount_untaxed_in_currency_signed="0.00",
            amount_tax_signed="0.00",
            amount_total_signed=cents(cc),
            amount_total_in_currency_signed=cents(dc),
            amount_residual_signed="0.00",
            always_tax_exigible="t",
        )

    def _emit_move(
        self, copier, move, payment_state, residual_cc, residual_dc, full, matching, reconciled=None
    ):
        """Write a move and its receivable line once its reconciliation is known."""
        sign = move["sign"]
        copier.write(
            "account_move",
            **move["values"],
            payment_state=payment_state,
            amount_residual=cents(residual_dc),
            amount_residual_signed=cents(sign * residual_cc),
        )
        if reconciled is None:
            reconciled = residual_cc == 0 and full is not None
        copier.write(
            "account_move_line",
            **move["line"],
            full_reconcile_id=full,
            matching_number=matching,
            amount_residual=cents(sign * residual_cc),
            amount_residual_currency=cents(sign * residual_dc),
            reconciled=flag(reconciled),
        )
