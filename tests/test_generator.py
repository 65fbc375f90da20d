"""The demo data generator: deterministic plan, ORM writer, refuse-twice guard, COPY rows.

Runs the ORM writer with a tiny plan inside the test transaction (nothing is committed).
"""

import os
import sys
import unittest
from collections import Counter
from datetime import date

from odoo.tests import TransactionCase, tagged

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "scripts"))

from datagen.copy_rows import MOVES, CopyTable, N  # noqa: E402
from datagen.orm_writer import MARKER_PARAM, GeneratorError, OrmWriter  # noqa: E402
from datagen.plan import MAIN, SECOND, build_plan, frequency  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402

TODAY = date(2026, 11, 23)
PLAN_ARGS = {"seed": 7, "today": TODAY, "customers": 5, "months": 2, "orders_per_customer": 60}
# the demo's own mix (regular customers monthly, key accounts weekly), a small company
WHOLESALE_ARGS = {"seed": 42, "today": TODAY, "customers": 40, "months": 24}

# orders invoiced in the last 20 days go through the sales flow, the older ones in bulk
FLOW_FROM = TODAY - relativedelta(days=20)


class TestCopyRows(unittest.TestCase):
    """A COPY row is built by column name: defaults fill the rest, in the table's order."""

    def test_row_by_column_name_with_defaults(self):
        table = CopyTable("t", ["id", "name", "state", "note"], {"state": "posted"}).bind("now")
        self.assertEqual(table.row(id=7, name="a"), f"7\ta\tposted\t{N}")
        self.assertEqual(table.row(note="x", id=8, state="draft"), f"8\t{N}\tdraft\tx")

    def test_audit_dates_take_the_writer_stamp(self):
        row = MOVES.bind("2026-11-23 10:00:00").row(id=1).split("\t")
        self.assertEqual(row[-2:], ["2026-11-23 10:00:00"] * 2)
        self.assertEqual(len(row), len(MOVES.columns))

    def test_unknown_column_raises(self):
        with self.assertRaises(KeyError):
            MOVES.bind("now").row(id=1, amount_totl="1.00")
        with self.assertRaises(KeyError):
            CopyTable("t", ["id"], {"idd": 1})


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
        # the plan's key accounts, and the candidates the manager promoted after their
        # key-account analysis
        planned = self.env["res.partner"].browse(
            [self.writer.partners[c.key].id for c in self.plan.customers if c.is_key_account]
        )
        promoted = self.env["kam.account.analysis"].search([("decision", "=", "promote")])
        self.assertTrue(planned)
        self.assertEqual(key, planned | promoted.partner_id)
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
        self.assertEqual(
            main_row["sale orders"], sum(1 for o in self.orders if o.company_key == MAIN)
        )
        self.assertEqual(
            main_row["paid invoices"],
            sum(1 for o in self.orders if o.company_key == MAIN and o.payment_date),
        )
        self.assertGreater(main_row["revenue (untaxed)"], 0)


@tagged("post_install", "-at_install")
class TestWholesaleDemo(TransactionCase):
    """The demo's shape: two years of a wholesaler's orders (the older ones in bulk), key
    account content, Finnish users, scores, class proposals and KPI history.

    Dates are compared with the plan's fixed today (TODAY), which is not after the real
    today: what is overdue on TODAY is overdue now too.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = build_plan(**WHOLESALE_ARGS, key_accounts=5)
        cls.writer = OrmWriter(cls.env, cls.plan, history_before=FLOW_FROM, score=True)
        cls.writer.run()
        cls.main = cls.env.ref("base.main_company")
        cls.key = cls.env["res.partner"].browse(
            [cls.writer.partners[c.key].id for c in cls.plan.customers if c.is_key_account]
        )
        cls.sales = cls.env["res.users"].browse(
            [u.id for k, u in cls.writer.users.items() if k.startswith("sales")]
        )
        cls.manager = cls.writer.users["manager"]

    def test_wholesale_volume_regular_customers_buy_monthly(self):
        plan = build_plan(seed=42, today=TODAY, customers=300, months=24)
        counts = Counter(o.customer_key for o in plan.orders())
        main = [c for c in plan.customers if c.home_company == MAIN]
        by_rhythm = {}
        for c in main:
            by_rhythm.setdefault(frequency(c), []).append(counts[c.key])
        regular = by_rhythm["regular"] + by_rhythm["key"]
        self.assertGreaterEqual(len(regular) / len(main), 0.45)
        self.assertGreaterEqual(min(regular), 24, "a regular customer orders every month")
        self.assertGreaterEqual(min(by_rhythm["key"]), 24 * 3, "key accounts about weekly")
        self.assertLess(max(by_rhythm["occasional"]), 12)
        self.assertTrue(by_rhythm["passive"] and by_rhythm["lost"] and by_rhythm["new"])
        self.assertEqual(set(by_rhythm["prospect"]), {0})
        # a regular customer's orders are spread over the two years, not bunched
        c = next(c for c in main if frequency(c) == "regular")
        months = {o.order_datetime.date().replace(day=1) for o in plan.iter_orders(c)}
        self.assertGreaterEqual(len(months), 20)
        # lost customers stopped: nothing in the last 3/4 of the window
        horizon = (plan.today - plan.start).days
        for c in main:
            if frequency(c) == "lost":
                last = max(o.order_datetime.date() for o in plan.iter_orders(c))
                self.assertGreater((plan.today - last).days, horizon * 0.7)

    def test_history_in_bulk_recent_orders_through_the_sales_flow(self):
        orders = [o for o in self.plan.orders() if o.company_key == MAIN]
        Move = self.env["account.move"]
        invoices = Move.search(
            [("company_id", "=", self.main.id), ("move_type", "=", "out_invoice")]
        )
        self.assertEqual(len(invoices), len(orders))
        posted = invoices.filtered(lambda m: m.state == "posted")
        self.assertEqual(len(posted), sum(1 for o in orders if o.invoice_state == "posted"))
        old = posted.filtered(lambda m: m.invoice_date < FLOW_FROM)
        recent = posted - old
        self.assertTrue(old and recent)
        self.assertFalse(old.line_ids.sale_line_ids, "the bulk history has no sale orders")
        for move in recent:
            self.assertEqual(len(move.line_ids.sale_line_ids.order_id), 1, move.name)
        # one numbering per year, in date order, the flow continuing the bulk's numbers
        # (cancelled invoices that had been posted keep their number)
        numbered = invoices.filtered(lambda m: m.sequence_number)
        self.assertLessEqual(posted, numbered)
        for year in {m.invoice_date.year for m in numbered}:
            of_year = numbered.filtered(lambda m, y=year: m.invoice_date.year == y)
            numbers = sorted(of_year.mapped("sequence_number"))
            self.assertEqual(numbers, list(range(1, len(of_year) + 1)), year)
            dates = of_year.sorted("sequence_number").mapped("invoice_date")
            self.assertEqual(dates, sorted(dates), year)
        for move in old[:50] | recent[:20]:
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")), 2
            )
        paid = old.filtered(lambda m: m.payment_state in ("paid", "in_payment", "reversed"))
        self.assertGreater(len(paid), len(old) * 0.8)

    def test_finnish_is_active_for_the_sales_users(self):
        self.assertTrue(self.env["res.lang"]._lang_get("fi_FI").active)
        for user in self.sales | self.manager:
            self.assertEqual(user.lang, "fi_FI", user.login)
        self.assertEqual(self.env.ref("base.user_admin").lang, "en_US")
        finnish = [
            self.writer.partners[c.key] for c in self.plan.customers if c.home_company == MAIN
        ]
        self.assertEqual({p.lang for p in finnish}, {"fi_FI"})
        self.assertEqual({p.lang for p in finnish[0].child_ids}, {"fi_FI"})
        fi = self.env(context={"lang": "fi_FI"})
        menu = fi.ref("customer_scoring.menu_customer_score_recompute")
        self.assertEqual(menu.name, "Laske pisteet uudelleen")
        plan_model = fi["ir.model"]._get("kam.account.plan")
        self.assertNotEqual(plan_model.name, "Key Account Plan", "key_account_mgmt terms")
        self.assertEqual(
            self.env(context={"lang": "en_US"})["ir.model"]._get("kam.account.plan").name,
            "Key Account Plan",
        )

    def test_account_plans_have_content_and_varied_states(self):
        plans = self.env["kam.account.plan"].search([("partner_id", "in", self.key.ids)])
        current = plans.filtered(lambda p: p.date_start.year == TODAY.year)
        self.assertEqual(current.partner_id, self.key)
        self.assertEqual(
            set(plans.mapped("state")), {"draft", "active", "closed"}, plans.mapped("state")
        )
        self.assertEqual(set(current.mapped("state")), {"active"})
        drafts = plans.filtered(lambda p: p.state == "draft")
        self.assertTrue(all(p.date_start > TODAY for p in drafts), "next year's drafts")
        self.assertFalse(any(drafts.goal_ids.mapped("actual_value")))
        for plan in current:
            self.assertEqual(set(plan.goal_ids.mapped("goal_type")), {"own", "joint"})
            self.assertTrue(all(g.target_value > 0 and g.measure for g in plan.goal_ids))
            self.assertTrue(plan.value_short_term and plan.value_long_term and plan.risks)
            self.assertGreater(plan.total_hours_per_month, 0)
            self.assertTrue(plan.action_ids)
            for action in plan.action_ids:
                self.assertTrue(action.owner_id and action.deadline and action.outcome)
        actions = plans.action_ids
        self.assertIn("done", actions.mapped("state"))
        self.assertIn("todo", actions.mapped("state"))
        active = current.filtered(lambda p: p.state == "active")
        reviewed = active.filtered("review_ids")
        self.assertTrue(reviewed, "some active plans have had their quarterly review")
        self.assertTrue(all(r.conclusions and r.participant_ids for r in reviewed.review_ids))
        self.assertTrue(active.filtered(lambda p: p.next_review_date < TODAY), "an overdue review")
        self.assertTrue(active.filtered("review_overdue"))
        # the add-on's flow scheduled the review reminders of the active plans
        activity = self.env.ref("key_account_mgmt.mail_activity_type_kam_plan_review")
        for plan in active:
            self.assertIn(activity, plan.activity_ids.activity_type_id, plan.name)
        revenue_goal = current.goal_ids.filtered(lambda g: g.measure == "liikevaihto EUR")
        self.assertEqual(len(revenue_goal), len(current))

    def test_swot_items_have_varied_ages_some_overdue(self):
        items = self.env["kam.swot.item"].search([("partner_id", "in", self.key.ids)])
        self.assertEqual(items.partner_id, self.key)
        limit = TODAY - relativedelta(months=12)
        old = items.filtered(lambda i: i.date <= limit)
        fresh = items - old
        self.assertTrue(old and fresh)
        self.assertTrue(all(i.is_overdue for i in old))
        self.assertGreater(len(set(fresh.mapped("date"))), len(fresh) // 2, "dates spread")
        self.assertTrue(all(i.date > TODAY - relativedelta(months=21) for i in items))
        self.assertEqual(
            set(items.mapped("swot_type")), {"strength", "weakness", "opportunity", "threat"}
        )
        stale = self.env["kam.swot.item"]._kam_overdue_partner_ids()
        self.assertTrue(set(stale) & set(self.key.ids), "an account whose SWOT is a year old")

    def test_class_proposals_pending_by_the_salespeople(self):
        proposals = self.env["kam.class.proposal"].search([("state", "=", "pending")])
        self.assertGreaterEqual(len(proposals), 3)
        for proposal in proposals:
            self.assertIn(proposal.proposer_id, self.sales)
            self.assertEqual(proposal.partner_id.user_id, proposal.proposer_id)
            self.assertEqual(proposal.approver_id, self.manager)
            self.assertTrue(proposal.reason.strip())
            self.assertTrue(proposal.class_at_proposal, "proposed after the scoring")
            self.assertNotEqual(proposal.proposed_class, proposal.class_at_proposal)
        self.assertEqual(len(proposals.partner_id), len(proposals))

    def test_process_decisions_by_the_people_who_make_them(self):
        customers = [p.id for p in self.writer.partners.values()]
        mine = [("company_id", "=", self.main.id), ("partner_id", "in", customers)]
        segs = self.env["kam.segmentation"].search(mine)
        decided = segs.filtered("decision")
        self.assertTrue(decided and segs - decided, "some confirmed, some still waiting")
        for seg in decided:
            self.assertEqual(seg.decided_by_id, seg.partner_id.user_id)
            self.assertEqual(seg.history_ids.user_id, seg.decided_by_id)
        self.assertTrue(all(s.decision_reason for s in decided if s.decision == "withdraw"))
        analyses = self.env["kam.account.analysis"].search(mine)
        self.assertEqual(
            sorted(analyses.mapped(lambda a: a.decision or "")), ["", "", "promote", "stop"]
        )
        self.assertEqual(analyses.filtered("decision").decided_by_id, self.manager)
        self.assertTrue(all(a.sales_volume > 0 and a.competitor_ids for a in analyses))
        goals = self.env["kam.class.movement.goal"].search(
            [("company_id", "=", self.main.id), ("create_uid", "=", self.manager.id)]
        )
        self.assertEqual(len(goals.filtered(lambda g: not g.salesperson_id)), 1)
        self.assertEqual(goals.filtered("salesperson_id").salesperson_id, self.sales)
        self.assertEqual(self.main.profit_field_sales_cost, 180_000.0)

    def test_kpi_history_and_targets(self):
        Snapshot = self.env["customer.kpi.snapshot"]
        rows = Snapshot.search([("company_id", "=", self.main.id)])
        months = set(rows.mapped("month"))
        self.assertGreaterEqual(len(months), 24)
        # the snapshots hold what accounting holds: posted product lines of customer moves
        self.env.cr.execute(
            """SELECT COALESCE(SUM(-aml.balance), 0) FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                WHERE aml.parent_state = 'posted' AND aml.display_type = 'product'
                  AND am.move_type IN ('out_invoice', 'out_refund') AND aml.company_id = %s""",
            [self.main.id],
        )
        self.assertAlmostEqual(sum(rows.mapped("revenue")), float(self.env.cr.fetchone()[0]), 0)
        targets = self.env["customer.kpi.target"].search([("company_id", "=", self.main.id)])
        self.assertTrue(targets.filtered("team_id") and targets.filtered("user_id"))
        self.assertEqual(targets.create_uid, self.manager)
        this_month = TODAY.replace(day=1)
        self.assertIn(this_month, targets.mapped("month"))
        self.assertGreater(len(set(targets.mapped("month"))), 3)
        past = targets.filtered(lambda t: t.month < this_month and t.team_id)
        self.assertTrue(all(t.target_revenue > 0 for t in past))
        self.assertTrue(any(t.actual_revenue > 0 for t in past))
