"""Limits of the scoring against the independent oracle of ``oracle.py``: a customer with
10,000 posted invoices, a company without customers of its own, companies in currencies
with 0 and 3 decimals, and a scoring date before any invoice."""

import logging
import time
from datetime import date

from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from . import oracle
from .common import ScoringCommon
from .test_money_oracle import OracleMixin

_logger = logging.getLogger(__name__)

AS_OF = date(2025, 6, 30)
BULK_INVOICES = 10_000
# The copies of the template invoice are spread over the four years before AS_OF.
BULK_SPREAD_DAYS = 1461


def _columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND column_name <> 'id' ORDER BY ordinal_position""",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def replicate_invoice(env, template, count):
    """``count`` copies of the posted invoice ``template`` written with SQL into
    account_move and account_move_line (every column copied; new name, dates and due
    date), each balanced like the template; returns the ids of the copies."""
    env.flush_all()
    cr = env.cr
    day = SQL("(%s::date - mod(g, %s))", AS_OF, BULK_SPREAD_DAYS)
    name = SQL("('BULK/' || lpad(g::text, 6, '0'))")
    move_overrides = {
        "name": name,
        "date": day,
        "invoice_date": day,
        "invoice_date_due": day,
        "payment_reference": name,
        "sequence_prefix": SQL("'BULK/'"),
        "sequence_number": SQL("g"),
    }
    move_cols = _columns(cr, "account_move")
    cr.execute(
        SQL(
            """INSERT INTO account_move (%s)
               SELECT %s FROM account_move m, generate_series(1, %s) g WHERE m.id = %s
               RETURNING id""",
            SQL(", ").join(SQL.identifier(col) for col in move_cols),
            SQL(", ").join(
                move_overrides.get(col, SQL("m.%s", SQL.identifier(col))) for col in move_cols
            ),
            count,
            template.id,
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    # Fresh statistics, or the copies of the lines join the new moves by a scan each.
    cr.execute("ANALYZE account_move")
    line_overrides = {
        "move_id": SQL("n.id"),
        "move_name": SQL("n.name"),
        "date": SQL("n.date"),
        "invoice_date": SQL("n.invoice_date"),
        "date_maturity": SQL(
            "CASE WHEN l.date_maturity IS NULL THEN NULL ELSE n.invoice_date_due END"
        ),
    }
    line_cols = _columns(cr, "account_move_line")
    cr.execute(
        SQL(
            """INSERT INTO account_move_line (%s)
               SELECT %s FROM account_move_line l
                 JOIN unnest(%s::int[]) AS copy(id) ON TRUE
                 JOIN account_move n ON n.id = copy.id
                WHERE l.move_id = %s""",
            SQL(", ").join(SQL.identifier(col) for col in line_cols),
            SQL(", ").join(
                line_overrides.get(col, SQL("l.%s", SQL.identifier(col))) for col in line_cols
            ),
            ids,
            template.id,
        )
    )
    env.invalidate_all()
    # The revenue days of the copies: written outside the ORM, as an SQL import would.
    Day = env["customer.revenue.day"]
    Day._refresh(Day._keys_of_moves(ids))
    return ids


@tagged("post_install", "-at_install")
class TestMoneyLimits(OracleMixin, ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="cs_limits_manager",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls._create_main_invoices()
        cls.bulk = cls.env["res.partner"].create({"name": "Bulk Buyer Oy", "is_company": True})
        cls.template = cls._invoice(
            cls.bulk, "2025-06-01", [(cls.product_a, 3, 100.0), (cls.product_b, 2, 80.0)]
        )
        cls.paid = cls._invoice(cls.bulk, "2025-04-10", [(cls.product_a, 1, 100.0)])
        cls._pay(cls.paid, "2025-04-20")
        cls._invoice(cls.bulk, "2025-05-15", [(cls.product_a, 1, 100.0)], move_type="out_refund")
        started = time.monotonic()
        cls.copies = replicate_invoice(cls.env, cls.template, BULK_INVOICES - 2)
        # What autovacuum does once such an import is committed: without fresh statistics
        # PostgreSQL plans the new 40,000 journal items as a handful of rows (nested loops
        # that take minutes instead of a second).
        cls.env.cr.execute("ANALYZE account_move, account_move_line")
        _logger.info(
            "%s invoices copied with SQL in %.1f s", len(cls.copies), time.monotonic() - started
        )

    def test_customer_with_10000_invoices(self):
        self.env.cr.execute(
            """SELECT COUNT(*), COUNT(DISTINCT name), SUM(amount_total_signed)
                 FROM account_move WHERE state = 'posted' AND move_type = 'out_invoice'
                  AND commercial_partner_id = %s""",
            [self.bulk.id],
        )
        count, names, _total = self.env.cr.fetchone()
        self.assertEqual((count, names), (BULK_INVOICES, BULK_INVOICES))
        self.env.cr.execute(
            """SELECT COUNT(*) FROM (SELECT move_id FROM account_move_line
                WHERE move_id = ANY(%s) GROUP BY move_id HAVING SUM(balance) <> 0) u""",
            [self.copies],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "every copy is balanced")
        started = time.monotonic()
        self._score(self.company, AS_OF)
        elapsed = time.monotonic() - started
        _logger.info("Scoring with a customer of %s invoices: %.1f s", BULK_INVOICES, elapsed)
        self.assertRowsMatchOracle(self.company, AS_OF)
        row = self.row(self.bulk)
        # 365 days of copies in the 12 months (2024-07-01 .. 2025-06-30), about 7 a day.
        self.assertGreater(row.invoice_count_12m, 2400)
        self.assertEqual(row.purchase_day_count, BULK_SPREAD_DAYS)
        self.assertLess(elapsed, 30.0)

    def test_company_without_customers(self):
        """A new company with no invoice: the shared customers get rows with nothing in
        them (they may buy from it), no error, and the run counts them."""
        empty = self.env["res.company"].create(
            {"name": "Empty Oy", "currency_id": self.env.ref("base.EUR").id}
        )
        self.env.user.company_ids |= empty
        self.manager.company_ids |= empty
        self._score(empty, AS_OF)
        expected = self.assertRowsMatchOracle(empty, AS_OF)
        run = self.env["customer.score.run"].search(
            [("company_id", "=", empty.id), ("date", "=", AS_OF)]
        )
        rows = self.env["customer.score"].search([("company_id", "=", empty.id)])
        self.assertEqual((run.state, run.done_count), ("done", len(rows)))
        self.assertEqual(
            [figures for figures in expected.values() if figures != oracle.empty_figures(AS_OF)],
            [],
        )
        self.assertFalse(any(rows.mapped("revenue_12m")))

    def _company_in(self, name, country, currency):
        currency.active = True
        company = self.env["res.company"].create(
            {"name": name, "country_id": country.id, "currency_id": currency.id}
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        # The generic chart sets a currency of its own: ours is written back before any
        # journal item exists.
        company.currency_id = currency
        self.env.user.company_ids |= company
        self.manager.company_ids |= company
        self.assertEqual(company.currency_id, currency)
        return company

    def test_currencies_with_0_and_3_decimals(self):
        cases = (
            # Yen: 3 x 1,234.50 = 3,703.50 -> 3,704; cost 3 x 617.30 = 1,851.90 -> 1,852.
            ("Yen KK", "base.jp", "base.JPY", 3, 1234.5, 617.3, 0),
            # Kuwaiti dinar: 1.25 x 3.33 = 4.1625 -> 4.163; cost 1.25 x 0.77 -> 0.963.
            ("Dinar WLL", "base.kw", "base.KWD", 1.25, 3.33, 0.77, 3),
        )
        for name, country, currency, quantity, price, cost, places in cases:
            with self.subTest(currency=currency):
                company = self._company_in(name, self.env.ref(country), self.env.ref(currency))
                self.assertEqual(company.currency_id.decimal_places, places)
                self.product_a.with_company(company).standard_price = cost
                lines = [(self.product_a, quantity, price)]
                for day in ("2025-01-07", "2025-02-11", "2025-05-23"):
                    self._invoice(self.alpha, day, lines, company=company)
                self._invoice(self.beta, "2025-03-03", lines * 2, company=company)
                self._invoice(
                    self.alpha, "2025-06-01", lines, move_type="out_refund", company=company
                )
                self._score(company, AS_OF)
                self.assertRowsMatchOracle(company, AS_OF)
                line_total = company.currency_id.round(quantity * price)
                line_cost = company.currency_id.round(quantity * cost)
                alpha = self.row(self.alpha, company)
                self.assertAlmostEqual(alpha.revenue_12m, 2 * line_total, places=places)
                self.assertAlmostEqual(alpha.cost_12m, 2 * line_cost, places=places)
                # 2 x line total / 3 invoices, rounded to the currency.
                self.assertAlmostEqual(
                    alpha.avg_order_value,
                    company.currency_id.round(2 * line_total / 3),
                    places=places,
                )

    def test_date_before_any_invoice(self):
        before = date(1990, 1, 1)
        self._score(self.company, before)
        expected = self.assertRowsMatchOracle(self.company, before)
        self.assertEqual(
            [figures for figures in expected.values() if figures != oracle.empty_figures(before)],
            [],
        )
        rows = self.env["customer.score"].search([("company_id", "=", self.company.id)])
        self.assertIn(self.bulk, rows.partner_id)
        self.assertFalse(any(rows.mapped("revenue_12m")) or any(rows.mapped("first_invoice_date")))
