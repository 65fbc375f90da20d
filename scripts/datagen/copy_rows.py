"""COPY rows by column name: the bulk tables, their columns with defaults, the text format.

Each bulk table is a `CopyTable`: its columns in COPY order, each with the value most rows
take. A row is built from the values that differ, by column name
(``MOVE_LINES.row(id=..., move_id=..., balance=...)``); a misspelt column raises instead of
shifting every later value. `Copier` buffers the rows and COPYs them in chunks from a
background thread, so Python builds rows while PostgreSQL stores the previous chunk.
"""

import io
import math
import queue
import threading
import time

CHUNK_ROWS = 50_000
UID = 1  # OdooBot/superuser as author, as the ORM writer's env does
N = r"\N"  # NULL in COPY's text format
STAMP = object()  # default of the audit dates: the writer's own timestamp (`bind`)
AUDIT = {"create_uid": UID, "write_uid": UID, "create_date": STAMP, "write_date": STAMP}


def esc(text):
    """Escape a value for COPY's text format."""
    if text is None:
        return N
    return str(text).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def cents(value):
    """Cents (int) as a decimal literal."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def to_company(value, rate):
    """Document-currency cents to company-currency cents, half away from zero."""
    if rate == 1.0:
        return value
    converted = math.floor(abs(value) / rate + 0.5 + 1e-9)
    return converted if value >= 0 else -converted


def flag(value):
    """A boolean in COPY's text format."""
    return "t" if value else "f"


class CopyTable:
    """A table written with COPY: its columns in order, each with its default (None: NULL).

    Values are written with ``str()`` (None as NULL): text columns are escaped with `esc`
    by the caller, where the text comes from.
    """

    def __init__(self, name, columns, defaults=None):
        defaults = defaults or {}
        unknown = set(defaults) - set(columns)
        if unknown:
            raise KeyError(f"{name}: defaults for unknown columns {sorted(unknown)}")
        self.name = name
        self.columns = tuple(columns)
        self.defaults = {column: defaults.get(column) for column in self.columns}

    def bind(self, stamp):
        """The same table with the audit dates set to ``stamp``."""
        bound = CopyTable(self.name, self.columns)
        bound.defaults = {
            column: stamp if value is STAMP else value for column, value in self.defaults.items()
        }
        return bound

    def row(self, **values):
        """One line of COPY text: the defaults overridden by ``values`` (by column name)."""
        cells = self.defaults.copy()
        cells.update(values)
        if len(cells) != len(self.columns):
            unknown = sorted(set(values) - set(self.columns))
            raise KeyError(f"{self.name}: unknown columns {unknown}")
        return "\t".join([N if value is None else str(value) for value in cells.values()])

    def copy_sql(self):
        return f"COPY {self.name} ({', '.join(self.columns)}) FROM STDIN"


PARTNERS = CopyTable(
    "res_partner",
    [
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
        "kam_contact_channel",
        "kam_do_not_contact",
        "is_key_account",
        "key_account_manager_id",
    ],
    {
        **AUDIT,
        "lang": "en_US",
        "type": "contact",
        "active": "t",
        "is_company": "f",
        "partner_share": "t",
        "message_bounce": 0,
        "supplier_rank": 0,
        "customer_rank": 0,
        "invoice_warn": "no-message",
        "sale_warn": "no-message",
        "autopost_bills": "ask",
        "color": 0,
        "is_key_account": "f",
        "kam_contact_channel": None,
        "kam_do_not_contact": "f",
    },
)
MOVES = CopyTable(
    "account_move",
    [
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
    ],
    {
        **AUDIT,
        "state": "posted",
        "auto_post": "no",
        "is_storno": "f",
        "always_tax_exigible": "f",
        "checked": "t",
        "posted_before": "t",
        "made_sequence_gap": "f",
    },
)
MOVE_LINES = CopyTable(
    "account_move_line",
    [
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
    ],
    {
        **AUDIT,
        "amount_residual": "0.00",
        "amount_residual_currency": "0.00",
        "quantity": "0.00",
        "price_unit": "0.00",
        "price_subtotal": "0.00",
        "price_total": "0.00",
        "discount": "0.00",
        "tax_tag_invert": "f",
        "reconciled": "f",
    },
)
PARTIALS = CopyTable(
    "account_partial_reconcile",
    [
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
    ],
    AUDIT,
)
FULL_RECONCILES = CopyTable(
    "account_full_reconcile", ["id", "create_uid", "write_uid", "create_date", "write_date"], AUDIT
)
LINE_TAXES = CopyTable(
    "account_move_line_account_tax_rel", ["account_move_line_id", "account_tax_id"]
)
LINE_TAGS = CopyTable(
    "account_account_tag_account_move_line_rel", ["account_move_line_id", "account_account_tag_id"]
)

# COPY order respects the foreign keys between the tables
TABLES = {
    table.name: table
    for table in (
        PARTNERS,
        MOVES,
        FULL_RECONCILES,
        MOVE_LINES,
        PARTIALS,
        LINE_TAXES,
        LINE_TAGS,
    )
}
ID_TABLES = [
    "res_partner",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
]


class Copier:
    """COPY buffers per table, flushed by a background thread (Python builds rows while
    PostgreSQL stores the previous chunk).

    :param stamp: the audit dates of every row (text, UTC)
    """

    def __init__(self, cr, log, stamp):
        self.cr = cr
        self.log = log
        self.tables = {name: table.bind(stamp) for name, table in TABLES.items()}
        self.buffers = {table: [] for table in TABLES}
        self.counts = dict.fromkeys(TABLES, 0)
        self.pending = 0
        self.queue = queue.Queue(maxsize=2)
        self.error = None
        self.thread = threading.Thread(target=self._worker, daemon=True)
        self.thread.start()
        self.copy_seconds = 0.0

    def write(self, table, **values):
        """Buffer one row of ``table`` (its name), given by column name (`CopyTable.row`)."""
        self.buffers[table].append(self.tables[table].row(**values))
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
                for table, definition in TABLES.items():
                    rows = batch.get(table)
                    if not rows:
                        continue
                    data = io.StringIO("\n".join(rows) + "\n")
                    self.cr.copy_expert(definition.copy_sql(), data)
                self.copy_seconds += time.monotonic() - t0
            except Exception as error:  # noqa: BLE001 - re-raised in the producer thread
                self.error = error

    def close(self):
        self.flush()
        self._put(None)
        self.thread.join()
        if self.error:
            raise self.error
