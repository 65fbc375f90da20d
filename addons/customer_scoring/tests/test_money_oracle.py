"""Money edge cases of the score rows against the independent oracle of ``oracle.py``.

Every case is built with the ORM as an accountant would (credit-note wizard, reset to
draft, cancel, archive, merge wizard, payments at another rate, miscellaneous entries),
the scoring runs as a scoring manager, and every journal figure of every row of the
company is compared to the oracle: money to the cent, counts and dates exactly.

Business answers chosen here (see readme/DESCRIPTION.md):

- a credit note counts in the window of its own date, whatever the date of the invoice
  it reverses;
- a contact moved to another company takes its invoices with it, those posted before the
  move too: Odoo itself rewrites the commercial partner of the moves and the partner of
  their journal items (the receivable is in the new company's partner ledger), so nothing
  in the journal remembers the first company; the scoring follows the ledger;
- merged customers: every invoice of the merged ones counts for the surviving customer,
  and the merged ones have no row left;
- an archived customer has no row, and its revenue is not in the company's total;
- a company of ours that is archived is not scored by the scheduled run; its customers
  get no row in the other companies.
"""

import logging
from datetime import date

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from . import oracle
from .common import ScoringCommon

_logger = logging.getLogger(__name__)

AS_OF = date(2025, 6, 30)
LATER = date(2026, 2, 28)


class OracleMixin:
    """Comparison of the score rows of a company with the oracle."""

    compared = 0

    def _score(self, company, as_of, user=None):
        self.env.invalidate_all()
        self.env["customer.score"].with_user(user or self.manager).compute_scores(
            companies=company, date=as_of
        )
        self.env.invalidate_all()

    def assertRowsMatchOracle(self, company, as_of):
        """Every row of ``company`` equals the oracle, field by field; returns the oracle's
        rows (``{partner id: figures}``)."""
        # The revenue days the rows were read from are those of the journal items, after
        # every edge case (the ORM kept them up to date).
        mismatches, examples = self.env["customer.revenue.day"]._check()
        self.assertEqual(mismatches, 0, f"revenue days unlike their lines: {examples}")
        rows = self.env["customer.score"].search([("company_id", "=", company.id)])
        figures = oracle.expected_figures(self.env.cr, company.id, as_of)
        expected = oracle.with_shares(
            figures, rows.partner_id.ids, company.score_concentration_threshold, as_of
        )
        places = oracle.currency_places(self.env.cr, company.id)
        for row in rows:
            want = expected[row.partner_id.id]
            for name in oracle.ORACLE_FIELDS:
                got = row[name]
                message = f"{row.partner_id.name} as of {as_of}: {name}"
                if name in oracle.MONEY_FIELDS:
                    self.assertAlmostEqual(got, float(want[name]), places=places, msg=message)
                elif name in oracle.PERCENT_FIELDS:
                    self.assertAlmostEqual(got, float(want[name]), places=2, msg=message)
                elif name in oracle.DAY_FIELDS:
                    self.assertAlmostEqual(got, float(want[name]), places=1, msg=message)
                else:
                    self.assertEqual(got, want[name], message)
                type(self).compared += 1
        _logger.info(
            "Oracle: %s rows of %s as of %s, %s figures compared so far",
            len(rows),
            company.name,
            as_of,
            type(self).compared,
        )
        return expected


@tagged("post_install", "-at_install")
class TestMoneyOracle(OracleMixin, ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="cs_oracle_manager",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls._create_main_invoices()
        Partner = cls.env["res.partner"]

        def customer(name, **values):
            return Partner.create({"name": name, "is_company": True, **values})

        product_a, product_b = cls.product_a, cls.product_b
        # 1. A credit note this year for an invoice of last year.
        cls.old = customer("Old Invoice Oy")
        cls.old_invoice = cls._invoice(cls.old, "2024-05-10", [(product_a, 10, 100.0)])
        cls.old_refund = cls._reverse(cls.old_invoice, "2025-02-10")
        cls.old_refund.action_post()
        cls._reconcile(cls.old_invoice + cls.old_refund)
        cls._invoice(cls.old, "2025-03-01", [(product_b, 2, 80.0)])
        # 2. A partial refund: 3 of 10 drills back, the rest paid late.
        cls.partial = customer("Partial Oy")
        cls.partial_invoice = cls._invoice(cls.partial, "2025-01-15", [(product_a, 10, 100.0)])
        cls.partial_refund = cls._reverse(cls.partial_invoice, "2025-01-25")
        cls.partial_refund.invoice_line_ids.quantity = 3
        cls.partial_refund.action_post()
        cls._reconcile(cls.partial_invoice + cls.partial_refund)
        cls._pay(cls.partial_invoice, "2025-02-20")
        # 3. A USD invoice revalued after posting: 1.10 USD/EUR when posted, 1.25 when paid
        # (the exchange difference is an entry on the receivable account); a second one
        # still open.
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True
        Rate = cls.env["res.currency.rate"]
        Rate.create(
            {
                "name": "2025-01-01",
                "rate": 1.10,
                "currency_id": cls.usd.id,
                "company_id": cls.company.id,
            }
        )
        cls.dollar = customer("Dollar Inc")
        cls.usd_invoice = cls._invoice(
            cls.dollar, "2025-02-01", [(product_a, 1, 1100.0)], currency=cls.usd
        )
        Rate.create(
            {
                "name": "2025-03-01",
                "rate": 1.25,
                "currency_id": cls.usd.id,
                "company_id": cls.company.id,
            }
        )
        cls._pay(cls.usd_invoice, "2025-03-15")
        cls.usd_open = cls._invoice(
            cls.dollar, "2025-04-01", [(product_b, 3, 333.33)], currency=cls.usd
        )
        # 4. An invoice reset to draft, changed and posted again.
        cls.redraft = customer("Redraft Oy")
        cls.redraft_invoice = cls._invoice(cls.redraft, "2025-04-01", [(product_b, 5, 80.0)])
        cls.redraft_invoice.button_draft()
        cls.redraft_invoice.write({"invoice_date": "2025-04-10", "invoice_date_due": "2025-04-10"})
        cls.redraft_invoice.invoice_line_ids.quantity = 6
        cls.redraft_invoice.action_post()
        # 5. A cancelled credit note.
        cls.cancel_cn = customer("Cancelled Credit Oy")
        cls._invoice(cls.cancel_cn, "2025-02-01", [(product_a, 4, 100.0)])
        cls.cancelled_refund = cls._invoice(
            cls.cancel_cn, "2025-03-01", [(product_a, 1, 100.0)], move_type="out_refund"
        )
        cls.cancelled_refund.button_cancel()
        # 6. An archived customer.
        cls.archived = customer("Archived Oy")
        cls._invoice(cls.archived, "2025-03-03", [(product_a, 50, 100.0)])
        cls.archived.action_archive()
        # 7. A contact moved to another company between two invoices.
        cls.old_parent = customer("Old Parent Oy")
        cls.new_parent = customer("New Parent Oy")
        cls.mover = Partner.create(
            {"name": "Mia Mover", "parent_id": cls.old_parent.id, "type": "contact"}
        )
        cls._invoice(cls.mover, "2025-03-05", [(product_a, 3, 100.0)])
        cls.mover.parent_id = cls.new_parent
        cls._invoice(cls.mover, "2025-05-05", [(product_b, 2, 80.0)])
        # 8. Two customers to merge (in test_merge).
        cls.keep = customer("Merge Keep Oy")
        cls.gone = customer("Merge Gone Oy")
        cls.gone_contact = Partner.create(
            {"name": "Gus Gone", "parent_id": cls.gone.id, "type": "contact"}
        )
        cls._invoice(cls.keep, "2025-02-02", [(product_a, 2, 100.0)])
        cls._invoice(cls.gone, "2024-12-12", [(product_b, 4, 80.0)])
        cls._invoice(cls.gone_contact, "2025-04-04", [(product_a, 1, 100.0)])
        # 10. Entries of other types on the receivable account: a miscellaneous entry, an
        # unreconciled customer payment and a vendor bill of a customer.
        cls.entries = customer("Entries Oy")
        cls._invoice(cls.entries, "2025-03-03", [(product_a, 10, 100.0)])
        cls._misc_receivable_entry(cls.entries, "2025-04-04", 500.0)
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.entries.id,
                "amount": 300.0,
                "date": "2025-05-05",
            }
        )
        payment.action_post()
        bill = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.entries.id,
                "invoice_date": "2025-03-10",
                "invoice_line_ids": [
                    Command.create({"product_id": product_a.id, "quantity": 5, "price_unit": 60.0})
                ],
            }
        )
        bill.action_post()

    @classmethod
    def _reverse(cls, move, reversal_date):
        """The draft credit note of ``move`` from the credit-note wizard."""
        wizard = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"date": reversal_date, "reason": "Returned", "journal_id": move.journal_id.id})
        )
        wizard.refund_moves()
        return wizard.new_move_ids

    @classmethod
    def _reconcile(cls, moves):
        """Reconcile the receivables of ``moves`` (posting a credit note from the wizard
        already does it when it reverses the whole invoice)."""
        lines = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if len(lines) > 1:
            lines.reconcile()

    @classmethod
    def _misc_receivable_entry(cls, partner, day, amount):
        receivable = partner.with_company(cls.company).property_account_receivable_id
        income = cls.product_a.categ_id.property_account_income_categ_id or cls.env[
            "account.account"
        ].search([("company_ids", "in", cls.company.ids), ("account_type", "=", "income")], limit=1)
        journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "general")], limit=1
        )
        entry = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": day,
                "line_ids": [
                    Command.create(
                        {"account_id": receivable.id, "partner_id": partner.id, "debit": amount}
                    ),
                    Command.create(
                        {"account_id": income.id, "partner_id": partner.id, "credit": amount}
                    ),
                ],
            }
        )
        entry.action_post()
        return entry

    def test_edge_cases_as_of(self):
        self._score(self.company, AS_OF)
        expected = self.assertRowsMatchOracle(self.company, AS_OF)
        # The business answers, by hand, so that the oracle cannot share a mistake with
        # the engine unseen.
        old = self.row(self.old)
        self.assertEqual(old.revenue_prev_12m, 1000.0)  # the invoice of 2024-05-10
        self.assertEqual(old.revenue_12m, -1000.0 + 160.0)  # its credit note of 2025-02-10
        self.assertEqual(old.refund_count_12m, 1)
        self.assertEqual(old.cost_12m, -600.0 + 60.0)
        partial = self.row(self.partial)
        self.assertEqual(partial.revenue_12m, 700.0)
        self.assertEqual(partial.cost_12m, 420.0)
        # Due 2025-01-15, 30 % settled by the credit note, the rest paid 2025-02-20.
        self.assertEqual(partial.avg_days_late, 36.0)
        dollar = self.row(self.dollar)
        # 1100 USD at 1.10 = 1000.00 EUR (not revalued at 1.25); 999.99 USD at 1.25.
        self.assertAlmostEqual(dollar.revenue_12m, 1000.0 + 799.99, places=2)
        self.assertEqual(dollar.invoice_count_12m, 2)
        exchange = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.dollar.id),
                ("journal_id", "=", self.company.currency_exchange_journal_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        self.assertEqual(exchange.move_id.move_type, "entry", "the exchange difference")
        # The receivable (taxes included) booked at 1.10, paid at 1.25: a loss.
        booked = self.usd_invoice.amount_total_signed
        self.assertAlmostEqual(
            exchange.balance, -(booked - self.usd_invoice.amount_total / 1.25), places=2
        )
        self.assertEqual(dollar.avg_days_late, round((42 * 1000.0 + 90 * 799.99) / 1799.99, 1))
        redraft = self.row(self.redraft)
        self.assertEqual(redraft.revenue_12m, 480.0)  # counted once, as posted again
        self.assertEqual(redraft.cost_12m, 180.0)  # cost frozen again at the new posting
        self.assertEqual(str(redraft.last_invoice_date), "2025-04-10")
        cancel_cn = self.row(self.cancel_cn)
        self.assertEqual((cancel_cn.revenue_12m, cancel_cn.refund_count_12m), (400.0, 0))
        self.assertFalse(self.row(self.archived), "an archived customer has no row")
        self.assertNotIn(self.archived.id, expected)
        self.assertEqual(self.row(self.old_parent).revenue_12m, 0.0)
        self.assertEqual(self.row(self.new_parent).revenue_12m, 300.0 + 160.0)
        self.assertEqual(self.row(self.new_parent).invoice_count_12m, 2)
        self.assertFalse(self.row(self.mover))
        entries = self.row(self.entries)
        self.assertEqual((entries.revenue_12m, entries.invoice_count_12m), (1000.0, 1))
        # The invoice of 2025-03-03 is open (the payment is not reconciled): 119 days.
        self.assertEqual(entries.avg_days_late, 119.0)
        # The shares add up to 100 % without the archived customer's 5,000.
        rows = self.env["customer.score"].search([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(sum(rows.mapped("share_of_company_revenue")), 100.0, delta=0.1)

    def test_edge_cases_later(self):
        # As of 2026-02-28 the 2025 invoices are in the 12 months, the 2024 ones before.
        self._score(self.company, AS_OF)
        self._score(self.company, LATER)
        self.assertRowsMatchOracle(self.company, LATER)
        old = self.row(self.old)
        # 2025-03-01 .. 2026-02-28: the invoice of 2025-03-01; before: the invoice of
        # 2024-05-10 and its credit note of 2025-02-10.
        self.assertEqual(old.revenue_12m, 160.0)
        self.assertEqual(old.revenue_prev_12m, 0.0)
        self.assertEqual(old.revenue_growth, 100.0)

    def test_merge(self):
        self._score(self.company, AS_OF)
        self.assertTrue(self.row(self.gone))
        self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [Command.set((self.keep + self.gone).ids)],
                "dst_partner_id": self.keep.id,
            }
        ).action_merge()
        self.assertFalse(self.gone.exists())
        self._score(self.company, AS_OF)
        self.assertRowsMatchOracle(self.company, AS_OF)
        keep = self.row(self.keep)
        self.assertEqual(keep.revenue_12m, 200.0 + 320.0 + 100.0)
        self.assertEqual(keep.invoice_count_12m, 3)
        self.assertEqual(str(keep.first_invoice_date), "2024-12-12")
        rows = self.env["customer.score"].search([("company_id", "=", self.company.id)])
        self.assertNotIn(self.gone.id, rows.partner_id.ids)

    def test_archived_company(self):
        """A customer of a company of ours that was archived: the scheduled run skips the
        company, the customer has no row in the other companies."""
        sister = self.env["res.company"].create(
            {"name": "Sister Oy", "currency_id": self.env.ref("base.EUR").id}
        )
        self.env["account.chart.template"].try_loading("fi", company=sister, install_demo=False)
        self.env.user.company_ids |= sister
        own = self.env["res.partner"].create(
            {"name": "Sister's Customer Oy", "is_company": True, "company_id": sister.id}
        )
        self._invoice(own, "2025-03-03", [(self.product_a, 2, 100.0)], company=sister)
        self._invoice(self.alpha, "2025-03-04", [(self.product_a, 1, 100.0)], company=sister)
        sister.action_archive()
        self.assertFalse(sister.active)
        today = fields.Date.context_today(self.env["customer.score"])
        Score = self.env["customer.score"].sudo()
        for _attempt in range(10):
            if not Score._cron_compute_scores():
                break
        runs = self.env["customer.score.run"].search([("date", "=", today)])
        self.assertIn(self.company, runs.company_id)
        self.assertNotIn(sister, runs.company_id)
        self.assertFalse(Score.search([("company_id", "=", sister.id)]))
        self.assertFalse(Score.search([("partner_id", "=", own.id)]))
        self.assertRowsMatchOracle(self.company, today)
