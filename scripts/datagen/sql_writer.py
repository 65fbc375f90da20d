"""How to write a plan in bulk: PostgreSQL COPY (the benchmark database; the demo's older
order history through `history_writer`).

The demo database is written through the ORM (`orm_writer`): real business flows, but far
too slow for 100,000 customers and 2,000,000 invoice lines. This writer keeps the small
set-up on the ORM (companies and their charts of accounts, currency rates, products, users,
teams: reused from `OrmWriter`) and COPYs the bulk tables itself: customers and contacts
here, customer invoices, credit notes and payments with their journal items, taxes, tax
tags and reconciliations in `sql_invoices`; rows are built by column name (`copy_rows`).

What is written is valid accounting data, the way Odoo 18 itself stores a posted invoice;
accounts, journals and taxes are the real ones of each company's chart; names and sequence
numbers are unique per journal, numbered in date order within each year. `sql_validate`
checks this with SQL and returns the problems found.

Simplifications (deliberate): no sale orders are written (the benchmark is about
invoices); one payment per paid invoice instead of weekly payment runs; a payment of a
foreign-currency invoice is booked at the invoice's rate (no exchange difference moves).

Memory: the plan's customers are in memory (as in the demo); orders and lines are streamed
per customer and written in COPY chunks by a background thread, so the writer never holds
more than a few chunks of rows.
"""

import json
import queue
import threading
import time
from array import array

from .copy_rows import ID_TABLES, TABLES, Copier, esc, flag
from .orm_writer import PAYMENT_TERM_XMLIDS, STAKEHOLDER_XMLIDS, OrmWriter
from .plan import SECOND
from .sql_invoices import InvoiceRows
from .sql_validate import validate

__all__ = ["SqlWriter", "validate"]


def rebuild_revenue_days(env, log):
    """The scoring's revenue days from the journal items just written in SQL (the ORM that
    keeps them up to date did not see them)."""
    if "customer.revenue.day" not in env:
        return
    t0 = time.monotonic()
    days = env["customer.revenue.day"]._rebuild()
    log(f"revenue days rebuilt from the journal items: {days:,} ({time.monotonic() - t0:.1f} s)")


# The followers Odoo would have written: posting an invoice or credit note subscribes its
# customer (account.move._post), creating a record subscribes its creator (mail.thread), each
# with the default subtypes of the model that the follower may see.
FOLLOWERS_SQL = """
WITH followers AS (
    INSERT INTO mail_followers (res_model, res_id, partner_id)
    SELECT 'account.move', m.id, m.partner_id
      FROM account_move m
     WHERE m.state = 'posted' AND m.partner_id IS NOT NULL
       AND m.move_type IN ('out_invoice', 'out_refund')
     UNION ALL
    SELECT 'res.partner', p.id, u.partner_id
      FROM res_partner p
      JOIN res_users u ON u.id = p.create_uid
     WHERE p.is_company AND p.id <> u.partner_id
    ON CONFLICT DO NOTHING
    RETURNING id, res_model, partner_id
)
INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
SELECT f.id, s.id
  FROM followers f
  JOIN mail_message_subtype s
    ON s."default" AND (s.res_model IS NULL OR s.res_model = f.res_model)
   AND (NOT COALESCE(s.internal, FALSE) OR f.res_model = 'res.partner')
"""


def write_followers(cr, log):
    """The followers of the invoices and customers written in SQL (``FOLLOWERS_SQL``)."""
    t0 = time.monotonic()
    cr.execute(FOLLOWERS_SQL)
    log(
        f"followers as Odoo writes them: {cr.rowcount:,} subscription subtypes "
        f"({time.monotonic() - t0:.1f} s)"
    )


class SqlWriter(InvoiceRows):
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
        copier = Copier(self.cr, self.log, self.stamp)
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
        write_followers(self.cr, self.log)
        self.env.invalidate_all()
        orm._set_marker("complete")
        self.env.flush_all()
        rebuild_revenue_days(self.env, self.log)
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
                "tax_name": esc(tax.name),
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
            key: (product.id, product.uom_id.id, esc(product.display_name))
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
        company_ids = {key: ref["company"] for key, ref in self.ref.items()}
        n_contacts = 0
        for c in plan.customers:
            if c.home_company not in self.ref:
                continue
            pid = self._take("res_partner")
            self.partner_ids[c.key] = pid
            terms = {
                str(company_ids[k]): self.terms[c.payment_days]
                for k, _n in c.relations
                if k in company_ids
            }
            terms.setdefault(str(company_ids[c.home_company]), self.terms[c.payment_days])
            name = esc(c.name)
            email = f"info@{c.contacts[0].email.split('@')[1]}"
            user = self.users[c.salesperson_key]
            # company and contacts alike
            common = {
                "company_id": company_ids[SECOND] if c.home_company == SECOND else None,
                "user_id": user,
                "country_id": self.countries["se" if c.home_company == SECOND else "fi"],
                "commercial_partner_id": pid,
                "street": esc(c.street),
                "zip": c.zip,
                "city": esc(c.city),
                "commercial_company_name": name,
                "property_payment_term_id": json.dumps(terms),
                "kam_turnover_currency_id": self.eur_id,
            }
            copier.write(
                "res_partner",
                **common,
                id=pid,
                name=name,
                complete_name=name,
                email=email,
                email_normalized=email,
                is_company="t",
                customer_rank=sum(n for _k, n in c.relations),
                customer_turnover=f"{c.turnover:.2f}",
                installer_count=c.installers,
                is_key_account=flag(c.is_key_account),
                key_account_manager_id=user if c.is_key_account else None,
            )
            for contact in c.contacts:
                n_contacts += 1
                cname = esc(contact.name)
                copier.write(
                    "res_partner",
                    **common,
                    id=self._take("res_partner"),
                    name=cname,
                    complete_name=f"{name}, {cname}",
                    parent_id=pid,
                    email=contact.email,
                    email_normalized=contact.email,
                    function=esc(contact.function),
                    kam_stakeholder_group_id=self.groups[contact.group],
                    kam_org_level=contact.org_level,
                    kam_contact_channel=contact.channel or None,
                    kam_do_not_contact=contact.do_not_contact,
                )
            copier.maybe_flush()
        self.stats["customers"] = len(self.partner_ids)
        self.stats["contacts"] = n_contacts
