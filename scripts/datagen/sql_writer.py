"""How to write a plan in bulk: PostgreSQL COPY (the benchmark database; the demo's older
order history through `history_writer`).

The demo database is written through the ORM (`orm_writer`): real business flows, but far
too slow for 100,000 customers and 2,000,000 invoice lines. This writer keeps the small
set-up on the ORM (companies and their charts of accounts, currency rates, products, users,
teams: reused from `OrmWriter`) and COPYs the bulk tables itself: customers and contacts,
customer invoices, credit notes and payments with their journal items, taxes, tax tags and
reconciliations.

What is written is valid accounting data, the way Odoo 18 itself stores a posted invoice:
product lines, one tax line per tax and one receivable ("payment_term") line per move;
every move balanced; document-currency amounts in ``amount_currency`` and company-currency
amounts (``balance``/``debit``/``credit``) converted at the invoice date's rate; names and
sequence numbers unique per journal, numbered in date order within each year; accounts,
journals and taxes are the real ones of each company's chart. `validate()` checks this with
SQL and returns the problems found.

Simplifications (documented, deliberate): no sale orders are written (the benchmark is
about invoices); one payment per paid invoice instead of weekly payment runs; a payment of a
foreign-currency invoice is booked at the invoice's rate (no exchange difference moves);
a credit note keeps the rate of the invoice it reverses, as Odoo's reversal does.

Memory: the plan's customers are in memory (as in the demo); orders and lines are streamed
per customer and written in COPY chunks by a background thread, so the writer never holds
more than a few chunks of rows.
"""

import io
import json
import math
import queue
import threading
import time
from array import array
from datetime import timedelta

from .orm_writer import PAYMENT_TERM_XMLIDS, STAKEHOLDER_XMLIDS, OrmWriter
from .plan import SECOND

CHUNK_ROWS = 50_000
UID = 1  # OdooBot/superuser as author, as the ORM writer's env does

PARTNER_COLUMNS = [
    "id",
    "company_id",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    "name",
    "complete_name",
    "parent_id",
    "user_id",
    "country_id",
    "commercial_partner_id",
    "lang",
    "type",
    "street",
    "zip",
    "city",
    "email",
    "email_normalized",
    "function",
    "commercial_company_name",
    "active",
    "is_company",
    "partner_share",
    "message_bounce",
    "supplier_rank",
    "customer_rank",
    "invoice_warn",
    "sale_warn",
    "autopost_bills",
    "color",
    "property_payment_term_id",
    "kam_turnover_currency_id",
    "customer_turnover",
    "installer_count",
    "kam_stakeholder_group_id",
    "kam_org_level",
    "is_key_account",
    "key_account_manager_id",
]
MOVE_COLUMNS = [
    "id",
    "name",
    "sequence_prefix",
    "sequence_number",
    "journal_id",
    "company_id",
    "currency_id",
    "partner_id",
    "commercial_partner_id",
    "invoice_user_id",
    "team_id",
    "invoice_payment_term_id",
    "reversed_entry_id",
    "ref",
    "state",
    "move_type",
    "auto_post",
    "payment_state",
    "payment_reference",
    "invoice_partner_display_name",
    "date",
    "invoice_date",
    "invoice_date_due",
    "invoice_currency_rate",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
    "is_storno",
    "always_tax_exigible",
    "checked",
    "posted_before",
    "made_sequence_gap",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
]
LINE_COLUMNS = [
    "id",
    "move_id",
    "journal_id",
    "company_id",
    "company_currency_id",
    "sequence",
    "account_id",
    "currency_id",
    "partner_id",
    "product_id",
    "product_uom_id",
    "tax_line_id",
    "tax_group_id",
    "tax_repartition_line_id",
    "full_reconcile_id",
    "move_name",
    "parent_state",
    "ref",
    "name",
    "matching_number",
    "display_type",
    "date",
    "invoice_date",
    "date_maturity",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "tax_base_amount",
    "amount_residual",
    "amount_residual_currency",
    "quantity",
    "price_unit",
    "price_subtotal",
    "price_total",
    "discount",
    "tax_tag_invert",
    "reconciled",
    "score_cost",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
]
PARTIAL_COLUMNS = [
    "id",
    "debit_move_id",
    "credit_move_id",
    "full_reconcile_id",
    "debit_currency_id",
    "credit_currency_id",
    "company_id",
    "max_date",
    "amount",
    "debit_amount_currency",
    "credit_amount_currency",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
]
FULL_COLUMNS = ["id", "create_uid", "write_uid", "create_date", "write_date"]
TAX_REL_COLUMNS = ["account_move_line_id", "account_tax_id"]
TAG_REL_COLUMNS = ["account_move_line_id", "account_account_tag_id"]

TABLES = {
    "res_partner": PARTNER_COLUMNS,
    "account_move": MOVE_COLUMNS,
    "account_full_reconcile": FULL_COLUMNS,
    "account_move_line": LINE_COLUMNS,
    "account_partial_reconcile": PARTIAL_COLUMNS,
    "account_move_line_account_tax_rel": TAX_REL_COLUMNS,
    "account_account_tag_account_move_line_rel": TAG_REL_COLUMNS,
}
# COPY order respects the foreign keys between the tables
COPY_ORDER = list(TABLES)
ID_TABLES = [
    "res_partner",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
]

N = r"\N"


def _esc(text):
    """Escape a value for COPY's text format."""
    if text is None:
        return N
    return str(text).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _c(cents):
    """Cents (int) as a decimal literal."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _to_company(cents, rate):
    """Document-currency cents to company-currency cents, half away from zero."""
    if rate == 1.0:
        return cents
    value = abs(cents) / rate
    out = math.floor(value + 0.5 + 1e-9)
    return out if cents >= 0 else -out


def _b(flag):
    return "t" if flag else "f"


class _Copier:
    """COPY buffers per table, flushed by a background thread (Python builds rows while
    PostgreSQL stores the previous chunk)."""

    def __init__(self, cr, log):
        self.cr = cr
        self.log = log
        self.buffers = {table: [] for table in TABLES}
        self.counts = dict.fromkeys(TABLES, 0)
        self.pending = 0
        self.queue = queue.Queue(maxsize=2)
        self.error = None
        self.thread = threading.Thread(target=self._worker, daemon=True)
        self.thread.start()
        self.copy_seconds = 0.0

    def add(self, table, row):
        self.buffers[table].append(row)
        self.pending += 1

    def maybe_flush(self):
        if self.pending >= CHUNK_ROWS:
            self.flush()

    def flush(self):
        batch = {t: rows for t, rows in self.buffers.items() if rows}
        for table, rows in batch.items():
            self.counts[table] += len(rows)
        self.buffers = {table: [] for table in TABLES}
        self.pending = 0
        if batch:
            self._put(batch)

    def _put(self, item):
        while True:
            if self.error:
                raise self.error
            try:
                self.queue.put(item, timeout=1)
                return
            except queue.Full:
                continue

    def _worker(self):
        while True:
            batch = self.queue.get()
            if batch is None:
                return
            if self.error:
                continue
            try:
                t0 = time.monotonic()
                for table in COPY_ORDER:
                    rows = batch.get(table)
                    if not rows:
                        continue
                    data = io.StringIO("\n".join(rows) + "\n")
                    self.cr.copy_expert(
                        f"COPY {table} ({', '.join(TABLES[table])}) FROM STDIN", data
                    )
                self.copy_seconds += time.monotonic() - t0
            except Exception as error:  # noqa: BLE001 - re-raised in the producer thread
                self.error = error

    def close(self):
        self.flush()
        self._put(None)
        self.thread.join()
        if self.error:
            raise self.error


class SqlWriter:
    """Write a `plan.Plan` in bulk into a database with our modules installed.

    :param env: superuser environment (its cursor is used for COPY)
    :param log: callable(str) for progress lines
    :param commit: callable() run after the ORM set-up and at the end
    """

    def __init__(self, env, plan, log=None, commit=None):
        self.env = env
        self.plan = plan
        self.log = log or (lambda _msg: None)
        self.commit = commit or (lambda: None)
        self.orm = OrmWriter(env, plan, log=self.log, commit=self.commit)
        self.cr = env.cr
        self.stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        self.stats = {}

    # -- driver ------------------------------------------------------------------------------
    def run(self):
        orm = self.orm
        orm.check_not_generated()
        orm._set_marker("in progress")
        started = time.monotonic()
        for label, method in (
            ("companies and currencies", orm.write_companies),
            ("products", orm.write_products),
            ("users and teams", orm.write_users),
        ):
            t0 = time.monotonic()
            detail = method()
            orm.env.flush_all()
            self.commit()
            self.log(f"{label} (ORM): {detail or 'done'} ({time.monotonic() - t0:.1f} s)")
        self._load_references()
        self._allocate_ids()
        t0 = time.monotonic()
        numbers = self._number_moves()
        self.log(f"sequence numbers in date order ({time.monotonic() - t0:.1f} s)")
        t0 = time.monotonic()
        self.cr.execute("SET maintenance_work_mem = '512MB'")
        self.cr.execute("SET synchronous_commit = off")
        indexes = self._drop_indexes()
        foreign_keys = self._drop_foreign_keys()
        copier = _Copier(self.cr, self.log)
        self._write_partners(copier)
        self._write_moves(copier, numbers)
        copier.close()
        self.log(
            "COPY: "
            + ", ".join(f"{table} {count:,}" for table, count in copier.counts.items())
            + f" ({time.monotonic() - t0:.1f} s, of which COPY {copier.copy_seconds:.1f} s)"
        )
        self.stats["rows"] = copier.counts
        t0 = time.monotonic()
        # committed (the marker still says "in progress") so that two connections can build
        # the indexes side by side
        self.commit()
        self._build_indexes(indexes)
        self.log(f"{len(indexes)} indexes rebuilt ({time.monotonic() - t0:.1f} s)")
        t0 = time.monotonic()
        for table, name, definition in foreign_keys:
            # re-adding checks every row at once (one join), as the row triggers would have
            self.cr.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.log(
            f"{len(foreign_keys)} foreign keys re-added and checked ({time.monotonic() - t0:.1f} s)"
        )
        t0 = time.monotonic()
        self._fix_sequences()
        self.env.invalidate_all()
        orm._set_marker("complete")
        self.env.flush_all()
        self.commit()
        self.cr.execute("ANALYZE")
        self.log(f"sequences and ANALYZE ({time.monotonic() - t0:.1f} s)")
        self.log(f"total {time.monotonic() - started:.1f} s")
        return copier.counts

    # -- references --------------------------------------------------------------------------
    def _load_references(self):
        env = self.orm.env
        self.ref = {}
        terms = {days: env.ref(xmlid).id for days, xmlid in PAYMENT_TERM_XMLIDS.items()}
        self.terms = terms
        self.groups = {k: env.ref(x).id for k, x in STAKEHOLDER_XMLIDS.items()}
        self.countries = {"fi": env.ref("base.fi").id, "se": env.ref("base.se").id}
        self.eur_id = env.ref("base.EUR").id
        for key, company in self.orm.companies.items():
            company = company.with_company(company)
            Journal = env["account.journal"]
            sale = Journal.search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
            bank = Journal.search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
            tax = company.account_sale_tax_id
            if not (sale and bank and tax and sale.default_account_id and bank.default_account_id):
                raise RuntimeError(
                    f"Company {company.name} lacks a sale journal with an income account, a "
                    "bank journal or a default sale tax: load its chart of accounts first."
                )
            receivable = env["res.partner"].with_company(company).new({})
            receivable = receivable.property_account_receivable_id
            rep = {}
            for doc in ("invoice", "refund"):
                line = tax[f"{doc}_repartition_line_ids"].filtered(
                    lambda r: r.repartition_type == "tax"
                )
                if len(line) != 1 or not line.account_id:
                    raise RuntimeError(f"Tax {tax.name}: expected one tax repartition line.")
                rep[doc] = (line.id, line.account_id.id, line.tag_ids.ids)
            costs = {
                pkey: product.with_company(company).standard_price
                for pkey, product in self.orm.products.items()
            }
            self.ref[key] = {
                "company": company.id,
                "currency": company.currency_id.id,
                "currency_name": company.currency_id.name,
                "sale_journal": sale.id,
                "sale_code": sale.code,
                "income": sale.default_account_id.id,
                "bank_journal": bank.id,
                "bank_code": bank.code,
                "bank_account": bank.default_account_id.id,
                "receivable": receivable.id,
                "tax": tax.id,
                "tax_name": _esc(tax.name),
                "tax_bp": round(tax.amount * 100),
                "tax_group": tax.tax_group_id.id,
                "rep": rep,
                "cost_cents": {k: round(v * 100) for k, v in costs.items()},
            }
        self.currency_ids = {
            "EUR": self.eur_id,
            "SEK": env.ref("base.SEK").id,
        }
        self.products = {
            key: (product.id, product.uom_id.id, _esc(product.display_name))
            for key, product in self.orm.products.items()
        }
        self.users = {key: user.id for key, user in self.orm.users.items()}
        self.teams = {key: team.id for key, team in self.orm.teams.items()}

    def _drop_indexes(self):
        """Drop the secondary indexes of the bulk tables (rebuilt after COPY: one sort per
        index instead of millions of index insertions). Indexes backing constraints stay."""
        self.cr.execute(
            """SELECT c.relname, pg_get_indexdef(i.indexrelid)
                 FROM pg_index i
                 JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid::regclass::text = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             ORDER BY 1""",
            [list(TABLES)],
        )
        indexes = self.cr.fetchall()
        for name, _definition in indexes:
            self.cr.execute(f'DROP INDEX "{name}"')
        return indexes

    def _build_indexes(self, indexes, workers=2):
        todo = queue.Queue()
        for item in indexes:
            todo.put(item)
        errors = []

        def work():
            with self.env.registry.cursor() as cr:
                cr.execute("SET maintenance_work_mem = '512MB'")
                while not errors:
                    try:
                        name, definition = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        cr.execute(definition)
                        cr.commit()
                    except Exception as error:  # noqa: BLE001 - re-raised below
                        errors.append(f"{name}: {error}")

        threads = [threading.Thread(target=work) for _i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise RuntimeError("index rebuild failed: " + "; ".join(errors))

    def _drop_foreign_keys(self):
        """Drop the foreign keys of the bulk tables: their per-row checks would dominate the
        load; they are re-added (and so checked on all rows) after COPY."""
        self.cr.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                 FROM pg_constraint
                WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
             ORDER BY 1, 2""",
            [list(TABLES)],
        )
        foreign_keys = self.cr.fetchall()
        for table, name, _definition in foreign_keys:
            self.cr.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        return foreign_keys

    def _allocate_ids(self):
        self.next_id = {}
        for table in ID_TABLES:
            self.cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            self.next_id[table] = self.cr.fetchone()[0] + 1

    def _take(self, table, count=1):
        first = self.next_id[table]
        self.next_id[table] = first + count
        return first

    def _fix_sequences(self):
        for table in ID_TABLES:
            self.cr.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )

    # -- sequence numbers --------------------------------------------------------------------
    def _events(self, order):
        """Numbered moves of an order: (kind, date) in a fixed order."""
        if order.company_key not in self.ref:
            return
        if order.invoice_state in ("posted", "cancel_posted"):
            yield "inv", order.invoice_date
        if order.invoice_state == "posted":
            if order.credit:
                yield "ref", order.credit.date
            if order.payment_date:
                yield "pay", order.payment_date

    def _number_moves(self):
        """A first pass over the plan: per (company, kind, year) the rank of each numbered
        move by date, so that numbers follow dates as when invoices are posted day by day."""
        dates = {}
        for customer in self.plan.customers:
            for order in self.plan.iter_orders(customer):
                for kind, day in self._events(order):
                    key = (order.company_key, kind, day.year)
                    dates.setdefault(key, array("i")).append(day.toordinal())
        numbers = {}
        for key, days in dates.items():
            ranks = array("i", bytes(4 * len(days)))
            for rank, index in enumerate(sorted(range(len(days)), key=days.__getitem__), 1):
                ranks[index] = rank
            numbers[key] = ranks
        return numbers

    # -- partners ----------------------------------------------------------------------------
    def _write_partners(self, copier):
        plan = self.plan
        self.partner_ids = {}
        stamp = self.stamp
        company_ids = {key: ref["company"] for key, ref in self.ref.items()}
        eur = self.eur_id
        n_contacts = 0
        for c in plan.customers:
            if c.home_company not in self.ref:
                continue
            pid = self._take("res_partner")
            self.partner_ids[c.key] = pid
            company_id = company_ids[SECOND] if c.home_company == SECOND else None
            country = self.countries["se" if c.home_company == SECOND else "fi"]
            terms = {
                str(company_ids[k]): self.terms[c.payment_days]
                for k, _n in c.relations
                if k in company_ids
            }
            terms.setdefault(str(company_ids[c.home_company]), self.terms[c.payment_days])
            name = _esc(c.name)
            email = f"info@{c.contacts[0].email.split('@')[1]}"
            user = self.users[c.salesperson_key]
            orders = sum(n for _k, n in c.relations)
            manager = user if c.is_key_account else None
            copier.add(
                "res_partner",
                "\t".join(
                    map(
                        str,
                        (
                            pid,
                            company_id or N,
                            stamp,
                            stamp,
                            UID,
                            UID,
                            name,
                            name,
                            N,
                            user,
                            country,
                            pid,
                            "en_US",
                            "contact",
                            _esc(c.street),
                            c.zip,
                            _esc(c.city),
                            email,
                            email,
                            N,
                            name,
                            "t",
                            "t",
                            "t",
                            0,
                            0,
                            orders,
                            "no-message",
                            "no-message",
                            "ask",
                            0,
                            json.dumps(terms),
                            eur,
                            f"{c.turnover:.2f}",
                            c.installers,
                            N,
                            N,
                            _b(c.is_key_account),
                            manager or N,
                        ),
                    )
                ),
            )
            for contact in c.contacts:
                cid = self._take("res_partner")
                n_contacts += 1
                cname = _esc(contact.name)
                copier.add(
                    "res_partner",
                    "\t".join(
                        map(
                            str,
                            (
                                cid,
                                company_id or N,
                                stamp,
                                stamp,
                                UID,
                                UID,
                                cname,
                                f"{name}, {cname}",
                                pid,
                                user,
                                country,
                                pid,
                                "en_US",
                                "contact",
                                _esc(c.street),
                                c.zip,
                                _esc(c.city),
                                contact.email,
                                contact.email,
                                _esc(contact.function),
                                name,
                                "t",
                                "f",
                                "t",
                                0,
                                0,
                                0,
                                "no-message",
                                "no-message",
                                "ask",
                                0,
                                json.dumps(terms),
                                eur,
                                N,
                                N,
                                self.groups[contact.group],
                                contact.org_level,
                                "f",
                                N,
                            ),
                        )
                    ),
                )
            copier.maybe_flush()
        self.stats["customers"] = len(self.partner_ids)
        self.stats["contacts"] = n_contacts

    # -- moves -------------------------------------------------------------------------------
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
        # per line: (product key, qty, price cents, discount, subtotal cents, tax cents)
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
        invoice = self._write_invoice(
            copier,
            ref,
            order,
            customer,
            pid,
            "out_invoice",
            inv_name,
            state,
            order.invoice_date,
            due,
            rate,
            currency,
            lines,
            None,
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
                ref,
                order,
                customer,
                pid,
                "out_refund",
                ref_name,
                "posted",
                order.credit.date,
                order.credit.date,
                rate,
                currency,
                credited,
                invoice["id"],
            )
            residual_cc -= refund["receivable"][1]
            residual_dc -= refund["receivable"][2]
        pays = bool(order.payment_date and residual_cc > 0)
        full_id = None
        # one full reconciliation when the invoice ends up settled (credit note and/or payment)
        if pays or (refund is not None and residual_cc == 0):
            full_id = self._take("account_full_reconcile")
            copier.add(
                "account_full_reconcile", f"{full_id}\t{UID}\t{UID}\t{self.stamp}\t{self.stamp}"
            )
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
            copier.add(
                "account_partial_reconcile",
                "\t".join(
                    map(
                        str,
                        (
                            partial_id,
                            receivable_line,
                            credit_line,
                            full_id or N,
                            currency,
                            currency,
                            ref["company"],
                            day,
                            _c(cc),
                            _c(dc),
                            _c(dc),
                            UID,
                            UID,
                            self.stamp,
                            self.stamp,
                        ),
                    )
                ),
            )
        matching = str(full_id) if full_id else (f"P{partial_ids[0]}" if partial_ids else None)
        if pays:
            self._write_payment(
                copier,
                ref,
                order,
                pid,
                pay_name,
                invoice["row"][1],
                currency,
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
        self,
        copier,
        ref,
        order,
        customer,
        pid,
        move_type,
        name,
        state,
        day,
        due,
        rate,
        currency,
        lines,
        reversed_id,
    ):
        """One invoice or credit note: product lines, one tax line, one receivable line."""
        move_id = self._take("account_move")
        sign = 1 if move_type == "out_invoice" else -1  # receivable side
        doc = "invoice" if move_type == "out_invoice" else "refund"
        stamp = self.stamp
        journal = ref["sale_journal"]
        company = ref["company"]
        company_currency = ref["currency"]
        seq_prefix, seq_number, move_name = name if name else (N, N, "/")
        move_name = _esc(move_name)
        parent_state = state
        ref_text = _esc(f"Työmaa {order.key[-4:]}")
        untaxed_dc = untaxed_cc = tax_dc = 0
        cost_cents = ref["cost_cents"]
        for sequence, (line, price_c, subtotal_c, tax_c) in enumerate(lines, 1):
            line_id = self._take("account_move_line")
            product_id, uom_id, label = self.products[line.product_key]
            balance_c = _to_company(subtotal_c, rate)
            untaxed_dc += subtotal_c
            untaxed_cc += balance_c
            tax_dc += tax_c
            signed_c = -sign * balance_c
            cost = sign * round(line.qty) * cost_cents[line.product_key]
            copier.add(
                "account_move_line",
                "\t".join(
                    map(
                        str,
                        (
                            line_id,
                            move_id,
                            journal,
                            company,
                            company_currency,
                            sequence,
                            ref["income"],
                            currency,
                            pid,
                            product_id,
                            uom_id,
                            N,
                            N,
                            N,
                            N,
                            move_name,
                            parent_state,
                            ref_text,
                            label,
                            N,
                            "product",
                            day,
                            day,
                            N,
                            _c(max(signed_c, 0)),
                            _c(max(-signed_c, 0)),
                            _c(signed_c),
                            _c(-sign * subtotal_c),
                            N,
                            "0.00",
                            "0.00",
                            f"{line.qty:.2f}",
                            _c(price_c),
                            _c(subtotal_c),
                            _c(subtotal_c + tax_c),
                            f"{line.discount:.2f}",
                            "t" if sign > 0 else "f",
                            "f",
                            _c(cost),
                            UID,
                            UID,
                            stamp,
                            stamp,
                        ),
                    )
                ),
            )
            copier.add("account_move_line_account_tax_rel", f"{line_id}\t{ref['tax']}")
        # tax line: the sum of the per-line rounded taxes (round per line), converted once
        tax_cc = _to_company(tax_dc, rate)
        rep_id, tax_account, tags = ref["rep"][doc]
        tax_line = self._take("account_move_line")
        signed_c = -sign * tax_cc
        copier.add(
            "account_move_line",
            "\t".join(
                map(
                    str,
                    (
                        tax_line,
                        move_id,
                        journal,
                        company,
                        company_currency,
                        10000,
                        tax_account,
                        currency,
                        pid,
                        N,
                        N,
                        ref["tax"],
                        ref["tax_group"],
                        rep_id,
                        N,
                        move_name,
                        parent_state,
                        ref_text,
                        ref["tax_name"],
                        N,
                        "tax",
                        day,
                        day,
                        N,
                        _c(max(signed_c, 0)),
                        _c(max(-signed_c, 0)),
                        _c(signed_c),
                        _c(-sign * tax_dc),
                        _c(untaxed_cc),
                        "0.00",
                        "0.00",
                        "0.00",
                        "0.00",
                        "0.00",
                        "0.00",
                        "0.00",
                        "t" if sign > 0 else "f",
                        "f",
                        N,
                        UID,
                        UID,
                        stamp,
                        stamp,
                    ),
                )
            ),
        )
        for tag in tags:
            copier.add("account_account_tag_account_move_line_rel", f"{tax_line}\t{tag}")
        # receivable line: balances the move exactly in both currencies
        total_dc = untaxed_dc + tax_dc
        total_cc = untaxed_cc + tax_cc
        receivable = self._take("account_move_line")
        signed_c = sign * total_cc
        payment_reference = _esc(move_name.replace("/", "")) if name else N
        invoice_line = {
            "id": receivable,
            "row": [
                receivable,
                move_id,
                journal,
                company,
                company_currency,
                12000,
                ref["receivable"],
                currency,
                pid,
                N,
                N,
                N,
                N,
                N,
                None,
                move_name,
                parent_state,
                ref_text,
                payment_reference if name else "",
                None,
                "payment_term",
                day,
                day,
                due,
                _c(max(signed_c, 0)),
                _c(max(-signed_c, 0)),
                _c(signed_c),
                _c(sign * total_dc),
                N,
                None,
                None,
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "f",
                None,
                N,
                UID,
                UID,
                stamp,
                stamp,
            ],
            "sign": sign,
            "cc": total_cc,
            "dc": total_dc,
        }
        move = {
            "id": move_id,
            "row": [
                move_id,
                move_name,
                seq_prefix,
                seq_number,
                journal,
                company,
                currency,
                pid,
                pid,
                self.users[customer.salesperson_key],
                self.teams[customer.team_key],
                self.terms[customer.payment_days] if move_type == "out_invoice" else N,
                reversed_id or N,
                ref_text,
                state,
                move_type,
                "no",
                None,
                payment_reference,
                _esc(customer.name),
                day,
                day,
                due,
                f"{rate:.6f}",
                _c(untaxed_dc),
                _c(tax_dc),
                _c(total_dc),
                None,
                _c(sign * untaxed_cc),
                _c(sign * untaxed_dc),
                _c(sign * tax_cc),
                _c(sign * total_cc),
                _c(sign * total_dc),
                None,
                "f",
                "f",
                "t",
                _b(state != "draft"),
                "f",
                UID,
                UID,
                stamp,
                stamp,
            ],
            "sign": sign,
            "line": invoice_line,
            "receivable": (receivable, total_cc, total_dc),
        }
        if state != "posted":
            # drafts and cancelled invoices: nothing reconciled, all open
            self._emit_move(copier, move, "not_paid", total_cc, total_dc, None, None)
            return move
        return move

    def _write_payment(
        self, copier, ref, order, pid, name, inv_name, currency, cc, dc, receivable_line, full_id
    ):
        """A bank entry paying ``cc``/``dc`` (company/document cents) of the invoice."""
        move_id = self._take("account_move")
        stamp = self.stamp
        day = order.payment_date
        journal = ref["bank_journal"]
        company = ref["company"]
        seq_prefix, seq_number, move_name = name
        memo = _esc(f"Payment: {inv_name}")
        bank_line = self._take("account_move_line")
        rows = (
            (bank_line, ref["bank_account"], cc, dc, N, N, "f"),
            (receivable_line, ref["receivable"], -cc, -dc, full_id, full_id, "t"),
        )
        for line_id, account, bal, amount, full, matching, reconciled in rows:
            copier.add(
                "account_move_line",
                "\t".join(
                    map(
                        str,
                        (
                            line_id,
                            move_id,
                            journal,
                            company,
                            ref["currency"],
                            100,
                            account,
                            currency,
                            pid,
                            N,
                            N,
                            N,
                            N,
                            N,
                            full,
                            move_name,
                            "posted",
                            inv_name,
                            memo,
                            matching,
                            "product",
                            day,
                            N,
                            day,
                            _c(max(bal, 0)),
                            _c(max(-bal, 0)),
                            _c(bal),
                            _c(amount),
                            N,
                            "0.00",
                            "0.00",
                            "1.00",
                            "0.00",
                            _c(amount),
                            _c(amount),
                            "0.00",
                            "f",
                            reconciled,
                            N,
                            UID,
                            UID,
                            stamp,
                            stamp,
                        ),
                    )
                ),
            )
        copier.add(
            "account_move",
            "\t".join(
                map(
                    str,
                    (
                        move_id,
                        move_name,
                        seq_prefix,
                        seq_number,
                        journal,
                        company,
                        currency,
                        pid,
                        pid,
                        N,
                        N,
                        N,
                        N,
                        inv_name,
                        "posted",
                        "entry",
                        "no",
                        "not_paid",
                        N,
                        N,
                        day,
                        N,
                        N,
                        "0.000000",
                        "0.00",
                        "0.00",
                        _c(dc),
                        "0.00",
                        "0.00",
                        "0.00",
                        "0.00",
                        _c(cc),
                        _c(dc),
                        "0.00",
                        "f",
                        "t",
                        "t",
                        "t",
                        "f",
                        UID,
                        UID,
                        stamp,
                        stamp,
                    ),
                )
            ),
        )

    def _emit_move(
        self, copier, move, payment_state, residual_cc, residual_dc, full, matching, reconciled=None
    ):
        """Write a move and its receivable line once its reconciliation is known."""
        sign = move["sign"]
        row = move["row"]
        row[17] = payment_state
        row[27] = _c(residual_dc)
        row[33] = _c(sign * residual_cc)
        copier.add("account_move", "\t".join(map(str, row)))
        line = move["line"]["row"]
        if reconciled is None:
            reconciled = residual_cc == 0 and full is not None
        line[14] = full or N
        line[19] = matching or N
        line[29] = _c(sign * residual_cc)
        line[30] = _c(sign * residual_dc)
        line[37] = _b(reconciled)
        copier.add("account_move_line", "\t".join(map(str, line)))


def validate(cr, expected=None):
    """Check the written accounting data; return a list of problems (empty: valid).

    :param expected: optional dict {"invoice_lines": n} of exact expected counts
    """
    problems = []
    cr.execute(
        """SELECT COUNT(*) FROM (
               SELECT aml.move_id
                 FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                WHERE am.state = 'posted'
             GROUP BY aml.move_id
               HAVING SUM(aml.debit) <> SUM(aml.credit) OR SUM(aml.balance) <> 0
                   OR SUM(aml.amount_currency) <> 0
           ) unbalanced"""
    )
    unbalanced = cr.fetchone()[0]
    if unbalanced:
        problems.append(f"{unbalanced} posted moves are unbalanced")
    cr.execute(
        """SELECT COUNT(*) FROM account_move_line aml
             JOIN account_move am ON am.id = aml.move_id
            WHERE am.move_type IN ('out_invoice', 'out_refund')
              AND (aml.parent_state IS DISTINCT FROM am.state
                   OR aml.debit <> GREATEST(aml.balance, 0)
                   OR aml.credit <> GREATEST(-aml.balance, 0)
                   OR (aml.display_type IN ('product', 'tax')
                       AND ABS(aml.balance - ROUND(aml.amount_currency
                                                   / am.invoice_currency_rate, 2)) > 0.01))"""
    )
    wrong = cr.fetchone()[0]
    if wrong:
        problems.append(
            f"{wrong} invoice lines disagree with their move (state, debit/credit or "
            "company-currency amount vs amount_currency / rate)"
        )
    cr.execute(
        """SELECT COUNT(*) FROM account_move am
             JOIN res_company c ON c.id = am.company_id
             LEFT JOIN LATERAL (
                 SELECT r.rate FROM res_currency_rate r
                  WHERE r.currency_id = am.currency_id AND r.company_id = am.company_id
                    AND r.name <= am.invoice_date
               ORDER BY r.name DESC LIMIT 1) r ON TRUE
            WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
              AND am.currency_id <> c.currency_id
              AND ABS(am.invoice_currency_rate - COALESCE(r.rate, 0)) > 0.000001"""
    )
    wrong_rate = cr.fetchone()[0]
    if wrong_rate:
        problems.append(f"{wrong_rate} foreign-currency invoices use another rate than Odoo's")
    cr.execute(
        """SELECT COUNT(*) FROM account_move am
            WHERE am.move_type IN ('out_invoice', 'out_refund') AND am.state = 'posted'
              AND (am.amount_total_signed <> (
                       SELECT SUM(balance) FROM account_move_line
                        WHERE move_id = am.id AND display_type = 'payment_term')
                   * CASE WHEN am.move_type = 'out_refund' THEN 1 ELSE 1 END
                   OR am.amount_residual_signed <> (
                       SELECT SUM(amount_residual) FROM account_move_line
                        WHERE move_id = am.id AND display_type = 'payment_term'))"""
    )
    wrong_totals = cr.fetchone()[0]
    if wrong_totals:
        problems.append(f"{wrong_totals} invoices have totals/residuals unlike their lines")
    cr.execute(
        """SELECT COUNT(*) FROM (
               SELECT journal_id, name FROM account_move WHERE state = 'posted'
             GROUP BY journal_id, name HAVING COUNT(*) > 1
           ) d"""
    )
    duplicates = cr.fetchone()[0]
    if duplicates:
        problems.append(f"{duplicates} duplicate move names in a journal")
    if expected:
        cr.execute(
            """SELECT COUNT(*) FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                  AND aml.display_type = 'product'"""
        )
        lines = cr.fetchone()[0]
        if lines != expected["invoice_lines"]:
            problems.append(
                f"{lines} posted invoice lines, the plan has {expected['invoice_lines']}"
            )
    return problems
