"""Cross-module scenarios: key_account_mgmt and customer_scoring used together by real users.

Every figure is worked out by hand in the comments. Scoring runs "as of" AS_OF, so the
rolling 12 months are 2024-07-01 .. 2025-06-30. Meetings are placed relative to the real
clock (the meeting status and the KPI snapshot both compare them with the current time).
"""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

AS_OF = date(2025, 6, 30)


class ScenarioCommon(TransactionCase):
    """Users of every role and one untaxed product; each test class adds its customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        company = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.salesman = new_test_user(
            cls.env, login="sc_sales", groups="sales_team.group_sale_salesman", **company
        )
        cls.manager = new_test_user(
            cls.env, login="sc_manager", groups="sales_team.group_sale_manager", **company
        )
        cls.accountant = new_test_user(
            cls.env, login="sc_accountant", groups="account.group_account_invoice", **company
        )
        # Products without taxes: the untaxed amount is then the line total too.
        cls.product = cls.env["product.product"].create(
            {"name": "Heat pump", "standard_price": 0.0, "type": "consu", "taxes_id": False}
        )

    @classmethod
    def _post(cls, partner, invoice_date, quantity, price, move_type="out_invoice", post=True):
        """The accountant creates (and posts) a one-line customer invoice or credit note."""
        move = (
            cls.env["account.move"]
            .with_user(cls.accountant)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def _score(self, partners=None):
        return (
            self.env["customer.score"]
            .with_user(self.manager)
            .compute_scores(companies=self.company, partners=partners, date=AS_OF)
        )

    def _row(self, partner):
        return self.env["customer.score"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def _history(self, partner):
        return self.env["kam.abc.class.history"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)],
            order="id",
        )


@tagged("post_install", "-at_install")
class TestScenarioClassFromInvoices(ScenarioCommon):
    """a. and b.: invoices posted by the accountant decide the class; manual override wins."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # All three criteria must hold, so the class depends on the invoices (with "2 of 3"
        # turnover and installers alone would make Aurora A before any sale).
        cls.company.kam_class_rule_mode = "all_three"
        Partner = cls.env["res.partner"]
        # Turnover 25 M > 20 M and 60 installers > 50: both A criteria hold on their own.
        cls.aurora = Partner.create(
            {
                "name": "Aurora Rakennus Oy",
                "is_company": True,
                "customer_turnover": 25_000_000,
                "installer_count": 60,
                "user_id": cls.salesman.id,
            }
        )
        cls.aino = Partner.create({"name": "Aino Aurora", "parent_id": cls.aurora.id})
        # Same size: purchases decide between A (> 200,000), B (> 100,000) and C.
        cls.borealis = Partner.create(
            {
                "name": "Borealis Oy",
                "is_company": True,
                "customer_turnover": 25_000_000,
                "installer_count": 60,
            }
        )

    def test_a_end_to_end_accountant_invoices_make_class_a(self):
        # 2025-01-15: 1,000 x 150.00 = 150,000.00 to the company.
        # 2025-05-10: 400 x 200.00 = 80,000.00 to its contact Aino (counts for Aurora).
        # Not counted: 2024-06-30 (one day before the window) 50,000.00, a draft 30,000.00
        # and a cancelled 20,000.00. Revenue 12 months = 150,000 + 80,000 = 230,000.00.
        self._post(self.aurora, "2025-01-15", 1000, 150.0)
        self._post(self.aino, "2025-05-10", 400, 200.0)
        self._post(self.aurora, "2024-06-30", 500, 100.0)
        self._post(self.aurora, "2025-06-01", 300, 100.0, post=False)
        cancelled = self._post(self.aurora, "2025-06-02", 200, 100.0)
        cancelled.with_user(self.accountant).button_draft()
        cancelled.with_user(self.accountant).button_cancel()
        self.assertEqual(cancelled.state, "cancel")

        self._score()

        row = self._row(self.aurora)
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.revenue_12m, 230_000.00, places=2)
        self.assertEqual(row.invoice_count_12m, 2)
        self.assertFalse(self._row(self.aino), "A contact gets no row of its own")
        aurora = self.aurora.with_company(self.company)
        self.assertEqual(aurora.abc_class_computed, "A")
        self.assertEqual(aurora.abc_class, "A")
        self.assertFalse(aurora.abc_class_manual)
        # Created as C (no purchases yet), then C -> A by this scoring run.
        history = self._history(self.aurora)
        self.assertEqual(
            [(h.old_class or False, h.new_class, h.source) for h in history],
            [(False, "C", "computed"), ("C", "A", "computed")],
        )
        self.assertIn("230", history[-1].reason)

        # "Invoices counted" shows exactly the journal items summed into revenue_12m.
        action = row.with_user(self.accountant).action_open_invoice_lines()
        lines = self.env["account.move.line"].with_user(self.accountant).search(action["domain"])
        self.assertEqual(len(lines), 2)
        self.assertAlmostEqual(-sum(lines.mapped("balance")), 230_000.00, places=2)
        self.assertEqual(set(lines.move_id.mapped("state")), {"posted"})
        self.assertEqual(
            sorted(lines.mapped("invoice_date")), [date(2025, 1, 15), date(2025, 5, 10)]
        )

    def test_a_only_scoring_managers_compute_and_partner_button_matches(self):
        self._post(self.aurora, "2025-02-03", 100, 2500.0)  # 250,000.00
        # The salesperson and the accountant may not run the scoring: nothing is written.
        for user in (self.salesman, self.accountant):
            with self.assertRaises(AccessError):
                self.env["customer.score"].with_user(user).compute_scores(date=AS_OF)
        self.assertFalse(self._row(self.aurora))
        self.assertEqual(self.aurora.with_company(self.company).abc_class, "C")
        self._score()
        # The accountant opens "Invoices counted" from the partner form (contact or company).
        for partner in (self.aurora, self.aino):
            as_accountant = partner.with_user(self.accountant)
            self.assertAlmostEqual(as_accountant.customer_revenue_12m, 250_000.00, places=2)
            action = as_accountant.action_open_score_invoice_lines()
            lines = (
                self.env["account.move.line"].with_user(self.accountant).search(action["domain"])
            )
            self.assertAlmostEqual(-sum(lines.mapped("balance")), 250_000.00, places=2)
        self.assertEqual(self.aurora.with_user(self.salesman).customer_score_class, "A")

    def test_b_cancelled_invoice_rescored_by_marked_run(self):
        # Aurora 1,000 x 250.00 = 250,000.00 (A); Borealis 150 x 1,000.00 = 150,000.00 (B).
        invoice = self._post(self.aurora, "2025-01-15", 1000, 250.0)
        self._post(self.borealis, "2025-02-01", 150, 1000.0)
        self._score()
        Mark = self.env["customer.score.mark"]
        self.assertFalse(Mark.search([("company_id", "=", self.company.id)]))
        self.assertEqual(self.aurora.with_company(self.company).abc_class, "A")
        self.assertEqual(self.borealis.with_company(self.company).abc_class, "B")

        # The accountant cancels Aurora's invoice: Aurora alone is marked for rescoring.
        invoice.with_user(self.accountant).button_draft()
        invoice.with_user(self.accountant).button_cancel()
        marks = Mark.search([("company_id", "=", self.company.id)])
        self.assertEqual(marks.partner_id, self.aurora)
        rows = (
            self.env["customer.score"]
            .with_user(self.manager)
            .compute_scores(companies=self.company, date=AS_OF, only_marked=True)
        )
        self.assertEqual(rows.partner_id, self.aurora)
        self.assertEqual(self._row(self.aurora).revenue_12m, 0.0)
        self.assertAlmostEqual(self._row(self.borealis).revenue_12m, 150_000.00, places=2)
        self.assertFalse(Mark.search([("company_id", "=", self.company.id)]))
        # No purchases left: neither A nor B has all three criteria, so C again.
        self.assertEqual(self.aurora.with_company(self.company).abc_class, "C")
        self.assertEqual(self._history(self.aurora)[-1].old_class, "A")
        self.assertEqual(self.borealis.with_company(self.company).abc_class, "B")

    def test_a_rerun_is_idempotent(self):
        self.assertEqual(self.aurora.with_company(self.company).abc_class, "C")
        self._post(self.aurora, "2025-01-15", 1000, 250.0)  # 250,000.00
        self._score()
        self._score()
        self.assertAlmostEqual(self._row(self.aurora).revenue_12m, 250_000.00, places=2)
        self.assertEqual(len(self._history(self.aurora)), 2, "C -> A once, not twice")

    def test_b_credit_note_drops_class_then_manual_class_wins(self):
        # Created with turnover and installers only: no purchases yet, so C.
        borealis = self.borealis.with_company(self.company)
        self.assertEqual(borealis.abc_class, "C")
        # 2025-02-01: 250 x 1,000.00 = 250,000.00 > 200,000: all three A criteria hold.
        self._post(self.borealis, "2025-02-01", 250, 1000.0)
        self._score()
        self.assertEqual(borealis.abc_class, "A")
        self.assertAlmostEqual(self._row(self.borealis).revenue_12m, 250_000.00, places=2)

        # Credit note 2025-06-01: 100 x 1,000.00 -> 250,000 - 100,000 = 150,000.00.
        # A: 150,000 is not above 200,000. B: 25 M > 10 M, 60 > 20, 150,000 > 100,000.
        self._post(self.borealis, "2025-06-01", 100, 1000.0, move_type="out_refund")
        self._score()
        row = self._row(self.borealis)
        self.assertAlmostEqual(row.revenue_12m, 150_000.00, places=2)
        self.assertEqual(row.refund_count_12m, 1)
        self.assertEqual(borealis.abc_class_computed, "B")
        self.assertEqual(borealis.abc_class, "B")
        history = self._history(self.borealis)
        self.assertEqual(
            [(h.old_class or False, h.new_class, h.source) for h in history],
            [(False, "C", "computed"), ("C", "A", "computed"), ("A", "B", "computed")],
        )
        self.assertEqual(history.mapped("is_upgrade"), [False, True, False])

        # The salesperson may not set the class by hand ...
        with self.assertRaises(AccessError):
            self.borealis.with_user(self.salesman).with_company(self.company).write(
                {"abc_class_manual": "A"}
            )
        self.assertEqual(borealis.abc_class, "B")
        # ... the manager may, and the manual class wins over the computed one.
        self.borealis.with_user(self.manager).with_company(self.company).write(
            {"abc_class_manual": "A"}
        )
        self.assertEqual(borealis.abc_class, "A")
        self.assertEqual(borealis.abc_class_computed, "B")
        self.assertEqual(self._history(self.borealis)[-1].source, "manual")
        self.assertEqual(self._history(self.borealis)[-1].user_id, self.manager)

        # Rescoring keeps the manual class and writes no new history row.
        self._score()
        self.assertEqual(borealis.abc_class, "A")
        self.assertEqual(borealis.abc_class_computed, "B")
        self.assertEqual(len(self._history(self.borealis)), 4)


@tagged("post_install", "-at_install")
class TestScenarioProposalAndAccess(ScenarioCommon):
    """c. Proposal and approval; company isolation of scores; nothing for the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Cirrus Oy", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.contact = Partner.create({"name": "Cecilia Cirrus", "parent_id": cls.customer.id})
        cls.portal = new_test_user(
            cls.env, login="sc_portal", groups="base.group_portal", partner_id=cls.contact.id
        )
        cls.other_company = cls.env["res.company"].create({"name": "Toinen Yhtiö Oy"})
        cls.foreign = Partner.create({"name": "Foreign Customer AB", "is_company": True})
        Score = cls.env["customer.score"]
        cls.own_row = Score.create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "currency_id": cls.company.currency_id.id,
                "revenue_12m": 1234.0,
            }
        )
        cls.foreign_row = Score.create(
            {
                "partner_id": cls.foreign.id,
                "company_id": cls.other_company.id,
                "currency_id": cls.other_company.currency_id.id,
                "revenue_12m": 999.0,
            }
        )
        cls.swot = cls.env["kam.swot.item"].create(
            {
                "partner_id": cls.customer.id,
                "swot_type": "strength",
                "description": "Long relationship",
            }
        )

    def test_c_salesperson_proposes_manager_approves(self):
        Proposal = self.env["kam.class.proposal"].with_user(self.salesman)
        proposal = Proposal.create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "proposed_class": "A",
                "reason": "Won the hospital project; volume doubles next year.",
            }
        )
        self.assertEqual(proposal.state, "pending")
        customer = self.customer.with_company(self.company)
        self.assertFalse(customer.abc_class_manual, "a proposal alone changes nothing")
        # The salesperson cannot approve their own proposal.
        with self.assertRaises(UserError):
            proposal.action_approve()
        self.assertEqual(proposal.state, "pending")

        proposal.with_user(self.manager).action_approve()
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.decided_by_id, self.manager)
        self.assertEqual(customer.abc_class_manual, "A")
        self.assertEqual(customer.abc_class, "A")
        last = self._history(self.customer)[-1]
        self.assertEqual((last.new_class, last.source), ("A", "proposal"))

    def test_c_bad_proposals_are_refused_and_reject_keeps_class(self):
        Proposal = self.env["kam.class.proposal"].with_user(self.salesman)
        vals = {"company_id": self.company.id, "proposed_class": "B", "reason": "Growing fast."}
        # On a contact instead of the company: refused, nothing written.
        with self.assertRaises(ValidationError):
            Proposal.create(dict(vals, partner_id=self.contact.id))
        self.assertFalse(Proposal.search([("partner_id", "in", self.contact.ids)]))
        # Without a reason: refused.
        with self.assertRaises(ValidationError):
            Proposal.create(dict(vals, partner_id=self.customer.id, reason="  "))
        first = Proposal.create(dict(vals, partner_id=self.customer.id))
        # A second pending proposal for the same customer and company: refused.
        with self.assertRaises(UserError):
            Proposal.create(dict(vals, partner_id=self.customer.id, proposed_class="A"))
        first.with_user(self.manager).action_reject()
        self.assertEqual(first.state, "rejected")
        customer = self.customer.with_company(self.company)
        self.assertFalse(customer.abc_class_manual)
        self.assertNotIn("proposal", self._history(self.customer).mapped("source"))

    def test_c_salesperson_sees_only_own_company_scores(self):
        Score = self.env["customer.score"].with_user(self.salesman)
        both = [self.own_row.id, self.foreign_row.id]
        self.assertEqual(Score.search([("id", "in", both)]), self.own_row)
        self.assertEqual(Score.search_count([("company_id", "=", self.other_company.id)]), 0)
        with self.assertRaises(AccessError):
            Score.browse(self.foreign_row.id).read(["revenue_12m"])
        # The salesperson may read the own company's row but not change it.
        self.assertEqual(Score.browse(self.own_row.id).revenue_12m, 1234.0)
        with self.assertRaises(AccessError):
            Score.browse(self.own_row.id).write({"revenue_12m": 1.0})
        self.assertEqual(self.own_row.revenue_12m, 1234.0)

    def test_c_portal_user_sees_no_class_score_or_swot(self):
        portal_env = self.env(user=self.portal)
        with self.assertRaises(AccessError):
            portal_env["customer.score"].search([])
        with self.assertRaises(AccessError):
            portal_env["customer.score"].browse(self.own_row.id).read(["revenue_12m"])
        with self.assertRaises(AccessError):
            portal_env["kam.swot.item"].search([])
        with self.assertRaises(AccessError):
            portal_env["kam.swot.item"].browse(self.swot.id).read(["description"])
        # env.user is a sudo record: browse the partner in the portal user's own env.
        commercial = portal_env["res.partner"].browse(self.portal.partner_id.id)
        commercial = commercial.commercial_partner_id
        self.assertEqual(commercial.id, self.customer.id)
        # The portal user can read its own company's name, but not its class or score.
        self.assertEqual(commercial.name, "Cirrus Oy")
        for field_name in ("abc_class", "abc_class_computed", "customer_score"):
            with self.assertRaises(AccessError, msg=field_name):
                commercial.read([field_name])
        self.assertNotIn("abc_class", portal_env["res.partner"].fields_get())
        self.assertNotIn("customer_revenue_12m", portal_env["res.partner"].fields_get())


@tagged("post_install", "-at_install")
class TestScenarioMeetings(ScenarioCommon):
    """d. Meetings with stakeholder contacts: the KAM's status and the monthly KPI agree."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        ref = cls.env.ref
        cls.account = Partner.create(
            {
                "name": "Delta Talotekniikka Oy",
                "is_company": True,
                "is_key_account": True,
                "key_account_manager_id": cls.salesman.id,
                "user_id": cls.salesman.id,
            }
        )
        cls.account.with_company(cls.company).abc_class_manual = "A"

        def contact(name, group):
            return Partner.create(
                {
                    "name": name,
                    "parent_id": cls.account.id,
                    "kam_stakeholder_group_id": group and ref(f"key_account_mgmt.{group}").id,
                }
            )

        cls.pia = contact("Pia Procurement", "stakeholder_group_procurement")
        cls.pekka = contact("Pekka Project", "stakeholder_group_project_managers")
        cls.olli = contact("Olli Other", False)
        # Last month (always past and within 12 months): days 3, 10 and 17 at 10:00 UTC.
        first = fields.Date.today().replace(day=1) - relativedelta(months=1)
        cls.month = first
        Event = cls.env["calendar.event"].with_user(cls.salesman)
        me = cls.salesman.partner_id

        def meeting(day, attendees, when=None, active=True):
            start = when or datetime.combine(first + timedelta(days=day - 1), time(10, 0))
            return Event.create(
                {
                    "name": f"Meeting {day}",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "user_id": cls.salesman.id,
                    "partner_ids": [Command.set((me | attendees).ids)],
                    "active": active,
                }
            )

        meeting(3, cls.pia)
        meeting(10, cls.pia | cls.pekka)
        meeting(17, cls.olli)
        # Archived: never counts.
        meeting(20, cls.pia, active=False)
        # Planned: 10 days ahead.
        meeting(0, cls.pia, when=fields.Datetime.now().replace(microsecond=0) + timedelta(days=10))

    def test_d_meeting_status_seen_by_kam(self):
        statuses = (
            self.env["kam.meeting.status"]
            .with_user(self.salesman)
            .search([("partner_id", "=", self.account.id), ("company_id", "=", self.company.id)])
        )
        by_group = {
            s.stakeholder_group_id.get_external_id().get(s.stakeholder_group_id.id, "none"): s
            for s in statuses
        }
        # Olli (no stakeholder group): his meeting shows apart, without target, not behind.
        other = by_group["none"]
        self.assertEqual(
            (other.meetings_held, other.has_target, other.is_behind), (1, False, False)
        )
        proc = by_group["key_account_mgmt.stakeholder_group_procurement"]
        proj = by_group["key_account_mgmt.stakeholder_group_project_managers"]
        mark = by_group["key_account_mgmt.stakeholder_group_marketing"]
        # Procurement (A: 4 a year): Pia met on day 3 and 10 = 2 held, 1 planned.
        self.assertEqual(
            (proc.meetings_held, proc.meetings_planned, proc.meetings_target, proc.is_behind),
            (2, 1, 4, True),
        )
        # Project managers (A: 12 a year): Pekka on day 10 = 1 held.
        self.assertEqual(
            (proj.meetings_held, proj.meetings_planned, proj.meetings_target, proj.is_behind),
            (1, 0, 12, True),
        )
        # Marketing (A: 2 a year): nobody met.
        self.assertEqual((mark.meetings_held, mark.meetings_target), (0, 2))
        self.assertTrue(self.account.with_user(self.salesman).kam_meetings_behind)

    def test_d_kpi_snapshot_revenue_and_meetings_of_the_month(self):
        # The accountant invoices the account in the same month: 12 x 100.00 = 1,200.00.
        move = self._post(self.account, self.month + timedelta(days=4), 12, 100.0)
        snapshots = (
            self.env["customer.kpi.snapshot"]
            .with_user(self.manager)
            .generate_snapshots(month=self.month, companies=self.company)
        )
        rows = snapshots.filtered(lambda s: s.partner_id == self.account)
        self.assertAlmostEqual(sum(rows.mapped("revenue")), 1_200.00, places=2)
        self.assertEqual(sum(rows.mapped("invoice_count")), 1)
        self.assertEqual(sum(rows.mapped("meeting_count")), 3)
        # The invoice goes to the customer's salesperson (not to the accountant who made it).
        self.assertEqual(move.invoice_user_id, self.salesman)
        self.assertEqual(rows.user_id, self.salesman)
        # Team-less salesperson: the invoice carries the default team "Sales", but the
        # month belongs to the team of the customer's salesperson (none): one row.
        self.assertTrue(move.team_id)
        self.assertEqual(len(rows), 1)
        self.assertFalse(rows.team_id)

    def test_d_kpi_snapshot_one_row_for_team_member(self):
        team = self.env.ref("sales_team.team_sales_department")
        self.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": self.salesman.id})
        self.assertEqual(self.salesman.sale_team_id, team)
        move = self._post(self.account, self.month + timedelta(days=4), 12, 100.0)
        self.assertEqual(move.team_id, team)
        snapshots = (
            self.env["customer.kpi.snapshot"]
            .with_user(self.manager)
            .generate_snapshots(month=self.month, companies=self.company)
        )
        row = snapshots.filtered(lambda s: s.partner_id == self.account)
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.user_id, row.team_id, row.revenue, row.invoice_count, row.meeting_count),
            (self.salesman, team, 1_200.00, 1, 3),
        )

    def test_d_kpi_snapshot_counts_the_same_meetings(self):
        snapshots = (
            self.env["customer.kpi.snapshot"]
            .with_user(self.manager)
            .generate_snapshots(month=self.month, companies=self.company)
        )
        row = snapshots.filtered(lambda s: s.partner_id == self.account)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.user_id, self.salesman)
        # The events of days 3 and 10 (the ones the status counts: 2 distinct events) plus
        # day 17 with Olli, a contact without stakeholder group: a customer meeting for the
        # KPI, but no target applies to it. The archived and the future event do not count.
        self.assertEqual(row.meeting_count, 3)
        self.assertEqual(row.revenue, 0.0)
        # The salesperson reads the same row.
        seen = self.env["customer.kpi.snapshot"].with_user(self.salesman).browse(row.id)
        self.assertEqual(seen.meeting_count, 3)


@tagged("post_install", "-at_install")
class TestScenarioValueAbcSource(ScenarioCommon):
    """e. With score_abc_source = value the computed class follows the Pareto class.

    The shares assume these three are the company's only buyers in the window (true on the
    test databases of scripts/lib.sh, which have no demo invoices).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.x = Partner.create({"name": "Xenon Oy", "is_company": True})
        cls.y = Partner.create({"name": "Yttrium Oy", "is_company": True})
        cls.z = Partner.create({"name": "Zinc Oy", "is_company": True})
        # 700 + 200 + 100 = 1,000: cumulative shares 70 % (A), 90 % (B), 100 % (C).
        cls._post(cls.x, "2025-03-01", 7, 100.0)
        cls._post(cls.y, "2025-03-02", 2, 100.0)
        cls._post(cls.z, "2025-03-03", 1, 100.0)

    def test_e_criteria_source_gives_c_for_small_buyers(self):
        self._score()
        classes = [
            p.with_company(self.company).abc_class_computed for p in self.x | self.y | self.z
        ]
        # No turnover, no installers, purchases far below 100,000: C for all.
        self.assertEqual(classes, ["C", "C", "C"])
        self.assertEqual(self._row(self.x).abc_value_class, "A")

    def test_e_value_source_follows_pareto(self):
        self.company.score_abc_source = "value"
        self._score()
        self.assertEqual(
            [self._row(p).abc_value_class for p in self.x | self.y | self.z], ["A", "B", "C"]
        )
        self.assertEqual(
            [p.with_company(self.company).abc_class_computed for p in self.x | self.y | self.z],
            ["A", "B", "C"],
        )
        self.assertIn("Value ABC A", self.x.with_company(self.company).abc_class_reason)

    def test_e_value_source_fine_tiers_count_as_a(self):
        # AAA up to 30 %, AA up to 60 %: X (70 %) is then A; with AAA up to 75 % it is AAA.
        self.company.write(
            {
                "score_abc_source": "value",
                "score_abc_fine_tiers": True,
                "score_abc_aaa_share": 75.0,
                "score_abc_aa_share": 78.0,
            }
        )
        self._score()
        self.assertEqual(self._row(self.x).abc_value_class, "AAA")
        self.assertEqual(self.x.with_company(self.company).abc_class_computed, "A")


@tagged("post_install", "-at_install")
class TestScenarioArchivedAndMerged(ScenarioCommon):
    """f. Archived contacts still count; merged companies end up on the surviving partner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.kappa = Partner.create({"name": "Kappa Oy", "is_company": True})
        cls.kalle = Partner.create({"name": "Kalle Kappa", "parent_id": cls.kappa.id})
        cls.lambda_ = Partner.create({"name": "Lambda Oy", "is_company": True})
        cls.lambda_dup = Partner.create({"name": "Lambda Oy (duplicate)", "is_company": True})
        # Kappa: 10 x 100 = 1,000.00 via Kalle + 5 x 100 = 500.00 direct = 1,500.00.
        cls._post(cls.kalle, "2025-03-01", 10, 100.0)
        cls._post(cls.kappa, "2025-04-01", 5, 100.0)
        # Lambda 3 x 100 = 300.00, its duplicate 2 x 100 = 200.00: merged 500.00.
        cls._post(cls.lambda_, "2025-05-01", 3, 100.0)
        cls._post(cls.lambda_dup, "2025-05-15", 2, 100.0)

    def test_f_archived_contact_still_counts_for_company(self):
        self.kalle.action_archive()
        self.assertFalse(self.kalle.active)
        self._score()
        self.assertAlmostEqual(self._row(self.kappa).revenue_12m, 1_500.00, places=2)
        self.assertEqual(self._row(self.kappa).invoice_count_12m, 2)
        self.assertFalse(self._row(self.kalle))
        action = self._row(self.kappa).with_user(self.accountant).action_open_invoice_lines()
        lines = self.env["account.move.line"].with_user(self.accountant).search(action["domain"])
        self.assertAlmostEqual(-sum(lines.mapped("balance")), 1_500.00, places=2)
        # Also when only this customer is rescored (partners=...).
        self._score(partners=self.kappa)
        self.assertAlmostEqual(self._row(self.kappa).revenue_12m, 1_500.00, places=2)

    def test_f_merge_moves_revenue_to_surviving_partner(self):
        self._score()
        self.assertAlmostEqual(self._row(self.lambda_).revenue_12m, 300.00, places=2)
        self.assertAlmostEqual(self._row(self.lambda_dup).revenue_12m, 200.00, places=2)
        dup_id = self.lambda_dup.id

        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [Command.set((self.lambda_ | self.lambda_dup).ids)],
                "dst_partner_id": self.lambda_.id,
            }
        )
        wizard.action_merge()
        self.assertFalse(self.env["res.partner"].browse(dup_id).exists())
        # The merge itself leaves one row (the duplicate's row collides with the
        # survivor's on unique(partner, company) and is deleted by the wizard).
        self.assertFalse(
            self.env["customer.score"].search([("partner_id", "=", dup_id)]),
            "no score row may point at the merged partner",
        )

        self._score()
        row = self._row(self.lambda_)
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.revenue_12m, 500.00, places=2)
        self.assertEqual(row.invoice_count_12m, 2)
        self.env.cr.execute("SELECT COUNT(*) FROM customer_score WHERE partner_id = %s", [dup_id])
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_f_merge_when_only_the_duplicate_was_scored(self):
        self._score(partners=self.lambda_dup)
        self.assertFalse(self._row(self.lambda_))
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [Command.set((self.lambda_ | self.lambda_dup).ids)],
                "dst_partner_id": self.lambda_.id,
            }
        )
        wizard.action_merge()
        # The wizard moves the duplicate's row to the survivor, figures unchanged (200.00)
        # until the next run recomputes them from all invoices (300 + 200 = 500.00).
        self.assertAlmostEqual(self._row(self.lambda_).revenue_12m, 200.00, places=2)
        self._score(partners=self.lambda_)
        self.assertAlmostEqual(self._row(self.lambda_).revenue_12m, 500.00, places=2)
