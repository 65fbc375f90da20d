"""The sales flows of the ORM writer: sale orders, invoices, credit notes and payments.

Business flows are the real ones (sale order confirmation, invoice preparation from the
order, posting, reversal, payment and reconciliation) so the demo data looks exactly like
data entered by users; only the historical dates of confirmed orders are restored with one
SQL statement because `action_confirm` stamps "now" on them.
"""

import time
from collections import defaultdict

from odoo import Command

from .orm_common import GeneratorError, chunks


class SalesFlows:
    """Orders through the sales flow; mixed into `OrmWriter`, which provides the companies,
    partners, users, teams, pricelists and products."""

    def write_orders(self):
        history = getattr(self, "_history", set())
        orders = [
            o
            for o in self.plan.orders()
            if o.company_key in self.companies and o.key not in history
        ]
        customers = {c.key: c for c in self.plan.customers}
        self._orders = orders
        self._invoices = {}
        dates = []
        done = 0
        # one company per batch (date order kept inside each company) so batches stay full
        by_company = defaultdict(list)
        for order in orders:
            by_company[order.company_key].append(order)
        for company_key, company_orders in by_company.items():
            company = self.companies[company_key]
            for group in chunks(company_orders):
                t0 = time.monotonic()
                sale_orders = self._create_sale_orders(company, group, customers)
                sale_orders.action_confirm()
                dates.extend(zip(sale_orders.ids, (o.order_datetime for o in group), strict=True))
                self._create_invoices(company, group, sale_orders)
                self.env.flush_all()
                done += len(group)
                self.log(
                    f"  {done}/{len(orders)} orders confirmed and invoiced "
                    f"({time.monotonic() - t0:.1f} s for {len(group)})"
                )
        # action_confirm stamps "now" as the order date: restore the historical one
        self._restore_order_dates(dates)
        t0 = time.monotonic()
        self._post_and_cancel()
        self.log(f"  invoices posted and cancelled ({time.monotonic() - t0:.1f} s)")
        n_lines = sum(len(o.lines) for o in orders)
        return f"{len(orders)} confirmed orders with {n_lines} lines"

    def _create_sale_orders(self, company, group, customers):
        vals_list = []
        for order in group:
            customer = customers[order.customer_key]
            vals_list.append(
                {
                    "partner_id": self.partners[order.customer_key].id,
                    "company_id": company.id,
                    "user_id": self.users[customer.salesperson_key].id,
                    "team_id": self.teams[customer.team_key].id,
                    "pricelist_id": self.pricelists[order.company_key, order.currency].id,
                    "date_order": order.order_datetime,
                    "client_order_ref": f"Työmaa {order.key[-4:]}",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.products[line.product_key].id,
                                "product_uom_qty": line.qty,
                                "price_unit": line.price_unit,
                                "discount": line.discount,
                            }
                        )
                        for line in order.lines
                    ],
                }
            )
        return self.env["sale.order"].with_company(company).create(vals_list)

    def _create_invoices(self, company, group, sale_orders):
        """Invoice each order the way `_create_invoices` does, with its historical date."""
        vals_list = []
        for order, sale_order in zip(group, sale_orders, strict=True):
            vals = sale_order._prepare_invoice()
            vals["invoice_date"] = order.invoice_date
            vals["invoice_line_ids"] = [
                Command.create(line._prepare_invoice_line(sequence=sequence))
                for sequence, line in enumerate(sale_order._get_invoiceable_lines(), start=1)
            ]
            vals_list.append(vals)
        moves = (
            self.env["account.move"]
            .with_company(company)
            .with_context(default_move_type="out_invoice")
            .create(vals_list)
        )
        self._invoices.update(zip((o.key for o in group), moves, strict=True))

    def _restore_order_dates(self, dates):
        cr = self.env.cr
        self.env.flush_all()
        for chunk in chunks(dates, 1000):
            cr.execute(
                "UPDATE sale_order so SET date_order = v.d FROM (VALUES %s) AS v(id, d) "
                "WHERE so.id = v.id" % ",".join(["(%s, %s::timestamp)"] * len(chunk)),
                [x for pair in chunk for x in pair],
            )
        self.env["sale.order"].invalidate_model(["date_order"])

    def _post_and_cancel(self):
        """Post in date order (invoice numbers follow dates), then cancel the planned ones."""
        Move = self.env["account.move"]
        to_post = sorted(
            (o for o in self._orders if o.invoice_state in ("posted", "cancel_posted")),
            key=lambda o: (o.invoice_date, o.key),
        )
        for chunk in chunks(to_post, 500):
            for company_key in self.companies:
                moves = Move.union(
                    *(self._invoices[o.key] for o in chunk if o.company_key == company_key)
                )
                if moves:
                    moves.with_company(self.companies[company_key]).action_post()
        to_cancel = Move.union(
            *(self._invoices[o.key] for o in self._orders if o.invoice_state.startswith("cancel"))
        )
        to_cancel.button_cancel()

    def write_credit_notes(self):
        """Credit notes for complaints: the whole invoice or its first line(s).

        Built like Odoo's reversal (same partner, journal, currency, product lines linked to
        the sale order lines, `reversed_entry_id`), but created in one batch:
        `_reverse_moves` copies moves one by one and was 5x slower here.
        """
        credited = sorted(
            (o for o in self._orders if o.credit and o.company_key in self.companies),
            key=lambda o: (o.credit.date, o.key),
        )
        self._refunds = {}
        for company_key, company in self.companies.items():
            group = [o for o in credited if o.company_key == company_key]
            if not group:
                continue
            vals_list = []
            for o in group:
                invoice = self._invoices[o.key]
                lines = invoice.invoice_line_ids.filtered(
                    lambda line: line.display_type == "product"
                ).sorted("sequence")
                if o.credit.line_indexes is not None:
                    lines = lines.browse([lines[i].id for i in o.credit.line_indexes])
                vals_list.append(
                    {
                        "move_type": "out_refund",
                        "partner_id": invoice.partner_id.id,
                        "company_id": company.id,
                        "journal_id": invoice.journal_id.id,
                        "currency_id": invoice.currency_id.id,
                        "fiscal_position_id": invoice.fiscal_position_id.id,
                        "invoice_user_id": invoice.invoice_user_id.id,
                        "team_id": invoice.team_id.id,
                        "invoice_origin": invoice.invoice_origin,
                        "invoice_date": o.credit.date,
                        "date": o.credit.date,
                        "ref": f"Hyvitys: {invoice.name}",
                        "reversed_entry_id": invoice.id,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": line.product_id.id,
                                    "name": line.name,
                                    "quantity": line.quantity,
                                    "product_uom_id": line.product_uom_id.id,
                                    "price_unit": line.price_unit,
                                    "discount": line.discount,
                                    "account_id": line.account_id.id,
                                    "tax_ids": [Command.set(line.tax_ids.ids)],
                                    "sale_line_ids": [Command.set(line.sale_line_ids.ids)],
                                }
                            )
                            for line in lines
                        ],
                    }
                )
            refunds = self.env["account.move"].with_company(company).create(vals_list)
            self._refunds.update(zip((o.key for o in group), refunds, strict=True))
            # posting reconciles each credit note with the invoice it reverses
            refunds.with_company(company).action_post()
        full = sum(1 for o in credited if o.credit.line_indexes is None)
        return f"{len(credited)} credit notes ({full} full, {len(credited) - full} partial)"

    def write_payments(self):
        """One payment per (customer, company, currency, date): a payment run settles all
        the invoices planned to be paid that day, reconciled with their credit notes."""
        env = self.env
        paid = [o for o in self._orders if o.payment_date and o.company_key in self.companies]
        groups = defaultdict(list)
        for o in paid:
            groups[o.company_key, o.payment_date, o.customer_key, o.currency].append(o)
        late = sum(
            1
            for o in paid
            if self._invoices[o.key].invoice_date_due
            and o.payment_date > self._invoices[o.key].invoice_date_due
        )
        n_payments = 0
        for company_key, company in self.companies.items():
            keys = sorted(k for k in groups if k[0] == company_key)
            if not keys:
                continue
            journal = env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
            )
            if not journal:
                raise GeneratorError(f"No bank journal in company {company.name}.")
            Payment = env["account.payment"].with_company(company)
            for chunk in chunks(keys, 500):
                vals_list = []
                for key in chunk:
                    invoices = env["account.move"].union(
                        *(self._invoices[o.key] for o in groups[key])
                    )
                    refunds = env["account.move"].union(
                        *(self._refunds[o.key] for o in groups[key] if o.key in self._refunds)
                    )
                    amount = sum(invoices.mapped("amount_total")) - sum(
                        refunds.mapped("amount_total")
                    )
                    vals_list.append(
                        {
                            "payment_type": "inbound",
                            "partner_type": "customer",
                            "partner_id": invoices[0].commercial_partner_id.id,
                            "amount": invoices[0].currency_id.round(amount),
                            "currency_id": invoices[0].currency_id.id,
                            "date": key[1],
                            "journal_id": journal.id,
                            "memo": ", ".join(invoices.mapped("name")),
                        }
                    )
                payments = Payment.create(vals_list)
                payments.action_post()
                plan_lines = []
                for key, payment in zip(chunk, payments, strict=True):
                    moves = payment.move_id
                    for o in groups[key]:
                        moves |= self._invoices[o.key]
                        if o.key in self._refunds:
                            moves |= self._refunds[o.key]
                    plan_lines.append(
                        moves.line_ids.filtered(
                            lambda line: (
                                line.account_type == "asset_receivable" and not line.reconciled
                            )
                        )
                    )
                env["account.move.line"]._reconcile_plan(plan_lines)
                n_payments += len(payments)
        self.stats["late_payments"] = late
        return f"{n_payments} payments for {len(paid)} invoices ({late} paid after the due date)"
