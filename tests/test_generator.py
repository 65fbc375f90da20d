"""The demo data generator: deterministic plan, ORM writer, refuse-twice guard.

Runs the ORM writer with a tiny plan inside the test transaction (nothing is committed).
"""

import os
import sys
from collections import Counter
from datetime import date

from odoo.tests import TransactionCase, tagged

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "scripts"))

from datagen.orm_writer import MARKER_PARAM, GeneratorError, OrmWriter  # noqa: E402
from datagen.plan import MAIN, SECOND, build_plan  # noqa: E402

TODAY = date(2026, 11, 23)
PLAN_ARGS = {"seed": 7, "today": TODAY, "customers": 5, "months": 2, "orders_per_customer": 60}


@tagged("post_install", "-at_install")
class TestGenerator(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = build_plan(**PLAN_ARGS)
        cls.writer = OrmWriter(cls.env, cls.plan)
        cls.summary = cls.writer.run()
        cls.orders = cls.plan.orders()
        cls.main = cls.env.ref("base.main_company")
        cls.second = cls.writer.companies[SECOND]
        cls.customers = cls.env["res.partner"].browse([p.id for p in cls.writer.partners.values()])
        cls.moves = cls.env["account.move"].search(
            [("partner_id", "child_of", cls.customers.ids), ("move_type", "!=", "entry")]
        )

    # -- plan ---------------------------------------------------------------------------------
    def test_plan_is_deterministic(self):
        again = build_plan(**PLAN_ARGS).orders()
        self.assertEqual(
            [
                (o.key, o.invoice_date, [(ln.product_key, ln.qty, ln.price_unit) for ln in o.lines])
                for o in again
            ],
            [
                (o.key, o.invoice_date, [(ln.product_key, ln.qty, ln.price_unit) for ln in o.lines])
                for o in self.orders
            ],
        )
        other = build_plan(**{**PLAN_ARGS, "seed": 8})
        self.assertNotEqual(
            [c.name for c in other.customers], [c.name for c in self.plan.customers]
        )

    def test_plan_covers_the_cases_this_test_relies_on(self):
        states = Counter(o.invoice_state for o in self.orders)
        self.assertTrue(states["posted"] and states["draft"], states)
        self.assertTrue(any(o.credit for o in self.orders), "no credit note planned")
        self.assertTrue(any(o.payment_date for o in self.orders), "no payment planned")
        self.assertTrue(any(o.currency == "SEK" and o.company_key == MAIN for o in self.orders))
        self.assertEqual(len([c for c in self.plan.customers if c.home_company == MAIN]), 5)
        for order in self.orders:
            self.assertLessEqual(order.invoice_date, TODAY)
            self.assertGreaterEqual(order.invoice_date, order.order_datetime.date())

    # -- written data -------------------------------------------------------------------------
    def test_posted_moves_are_balanced_and_match_the_plan(self):
        posted = self.moves.filtered(lambda m: m.state == "posted")
        self.assertTrue(posted)
        for move in posted:
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")),
                sum(move.line_ids.mapped("credit")),
                places=2,
                msg=move.name,
            )
        planned = Counter(o.invoice_state for o in self.orders)
        invoices = self.moves.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(len(invoices.filtered(lambda m: m.state == "posted")), planned["posted"])
        self.assertEqual(len(invoices.filtered(lambda m: m.state == "draft")), planned["draft"])
        self.assertEqual(
            len(invoices.filtered(lambda m: m.state == "cancel")),
            planned["cancel_posted"] + planned["cancel_draft"],
        )
        refunds = self.moves.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(len(refunds), sum(1 for o in self.orders if o.credit))
        self.assertTrue(all(r.state == "posted" and r.reversed_entry_id for r in refunds))

    def test_invoices_carry_the_planned_dates_currency_and_company(self):
        for order in self.orders:
            invoice = self.writer._invoices[order.key]
            self.assertEqual(invoice.invoice_date, order.invoice_date)
            self.assertEqual(invoice.currency_id.name, order.currency)
            self.assertEqual(invoice.company_id, self.writer.companies[order.company_key])
            sale_order = invoice.line_ids.sale_line_ids.order_id
            self.assertEqual(len(sale_order), 1)
            self.assertEqual(sale_order.state, "sale")
            self.assertEqual(sale_order.date_order, order.order_datetime)
        self.assertEqual(self.second.currency_id.name, "SEK")
        self.assertTrue(self.second.chart_template)

    def test_credit_notes_reverse_the_planned_lines(self):
        credited = [o for o in self.orders if o.credit]
        self.assertTrue(credited)
        for order in credited:
            invoice = self.writer._invoices[order.key]
            refund = self.writer._refunds[order.key]
            self.assertEqual(refund.reversed_entry_id, invoice)
            self.assertEqual(refund.invoice_date, order.credit.date)
            expected = (
                len(order.lines)
                if order.credit.line_indexes is None
                else len(order.credit.line_indexes)
            )
            self.assertEqual(len(refund.invoice_line_ids), expected)
            self.assertTrue(refund.invoice_line_ids.sale_line_ids)
            if order.credit.line_indexes is None:
                self.assertEqual(refund.amount_total, invoice.amount_total)
                self.assertEqual(invoice.payment_state, "reversed")
                self.assertTrue(invoice.line_ids.filtered("reconciled"))
            else:
                self.assertLess(refund.amount_total, invoice.amount_total)

    def test_payments_reconcile_planned_invoices(self):
        for order in self.orders:
            invoice = self.writer._invoices[order.key]
            if order.payment_date:
                self.assertIn(invoice.payment_state, ("paid", "in_payment"), order.key)
                # dates of the payments themselves (a grouped SEK payment may add a
                # 0.01 rounding exchange entry dated when the reconciliation ran)
                partials = invoice.line_ids.matched_credit_ids.filtered(
                    lambda p: p.credit_move_id.payment_id
                )
                self.assertEqual(partials.credit_move_id.mapped("date"), [order.payment_date])
                if order.credit:
                    self.assertGreaterEqual(order.payment_date, order.credit.date)
            elif order.invoice_state == "posted" and not order.credit:
                self.assertEqual(invoice.payment_state, "not_paid", order.key)

    def test_contacts_have_stakeholder_groups_and_levels(self):
        groups = {
            self.env.ref("key_account_mgmt.stakeholder_group_procurement"),
            self.env.ref("key_account_mgmt.stakeholder_group_project_managers"),
        }
        for customer_plan in self.plan.customers:
            partner = self.writer.partners[customer_plan.key]
            contacts = partner.child_ids
            self.assertTrue(3 <= len(contacts) <= 8, partner.name)
            self.assertEqual(len(contacts), len(customer_plan.contacts))
            self.assertTrue(all(contacts.mapped("kam_stakeholder_group_id")))
            self.assertTrue(all(contacts.mapped("kam_org_level")))
            self.assertLessEqual(groups, set(contacts.mapped("kam_stakeholder_group_id")))
            self.assertIn("strategic", contacts.mapped("kam_org_level"))
            self.assertEqual(partner.user_id, self.writer.users[customer_plan.salesperson_key])
        key = self.customers.filtered("is_key_account")
        self.assertEqual(len(key), sum(1 for c in self.plan.customers if c.is_key_account))
        self.assertTrue(key and all(p.key_account_manager_id == p.user_id for p in key))

    def test_users_can_log_in_with_their_login_as_password(self):
        self.assertTrue(self.writer.users["sales1"].has_group("sales_team.group_sale_salesman"))
        self.assertTrue(self.writer.users["manager"].has_group("sales_team.group_sale_manager"))
        self.assertTrue(self.writer.users["accountant"].has_group("account.group_account_invoice"))
        self.env["res.users"].with_user(self.writer.users["sales1"])._check_credentials(
            {"type": "password", "password": "sales1"}, {"interactive": False}
        )

    def test_meetings_past_planned_and_cancelled(self):
        events = (
            self.env["calendar.event"]
            .with_context(active_test=False)
            .search([("partner_ids", "in", self.customers.child_ids.ids)])
        )
        self.assertEqual(len(events), len(self.plan.meetings))
        self.assertEqual(
            len(events.filtered(lambda e: not e.active)),
            sum(1 for m in self.plan.meetings if m.cancelled),
        )
        self.assertTrue(events.filtered(lambda e: e.start.date() > TODAY))
        self.assertTrue(events.filtered(lambda e: e.start.date() < TODAY))

    def test_sek_rates_are_dated_per_company(self):
        rates = self.env["res.currency.rate"].search(
            [
                ("currency_id.name", "in", ("SEK", "EUR")),
                ("company_id", "in", (self.main | self.second).ids),
            ]
        )
        self.assertEqual(len(rates), len(self.plan.rates))
        self.assertEqual(rates.company_id, self.main | self.second)
        sek_main = rates.filtered(lambda r: r.company_id == self.main)
        self.assertEqual(set(sek_main.currency_id.mapped("name")), {"SEK"})
        self.assertTrue(all(10 < r.rate < 13 for r in sek_main))

    def test_refuses_to_run_twice(self):
        self.assertIn('"complete"', self.env["ir.config_parameter"].get_param(MARKER_PARAM))
        partners_before = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(GeneratorError, "already generated"):
            OrmWriter(self.env, build_plan(**PLAN_ARGS)).run()
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)

    def test_summary_counts(self):
        main_row = self.summary[0]
        self.assertEqual(main_row["company"], self.main.name)
        self.assertEqual(main_row["orders"], sum(1 for o in self.orders if o.company_key == MAIN))
        self.assertGreater(main_row["revenue (untaxed)"], 0)
