from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KamCase

REVIEW_TYPE = "key_account_mgmt.mail_activity_type_kam_plan_review"


@tagged("post_install", "-at_install")
class TestAccountPlan(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Suunnitelma Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        cls.contact = cls._contact(cls.account, "Kaisa Kontakti", "project")
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "name": "Account plan 2026",
                "partner_id": cls.account.id,
                "date_start": date(2025, 11, 30),
                "date_end": date(2026, 12, 31),
                "value_short_term": "Hospital extension, EUR 400k",
                "value_long_term": "Framework agreement for all sites",
                "development_targets": "Become the main supplier of insulation",
                "risks": "Competitor price campaign",
                "goal_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Raise insulation share",
                            "goal_type": "joint",
                            "measure": "Share of insulation purchases (%)",
                            "target_value": 60,
                            "actual_value": 45,
                            "deadline": date(2026, 12, 31),
                            "owner_id": cls.salesperson.id,
                            "action_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "name": "Joint product training",
                                        "owner_id": cls.salesperson.id,
                                        "deadline": date(2026, 3, 31),
                                        "outcome": "20 installers trained",
                                    },
                                )
                            ],
                        },
                    )
                ],
                "resource_ids": [
                    (0, 0, {"user_id": cls.salesperson.id, "role": "KAM", "hours_per_month": 16}),
                    (0, 0, {"user_id": cls.manager.id, "role": "Sponsor", "hours_per_month": 2}),
                ],
            }
        )

    def _review_activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "kam.account.plan"),
                ("res_id", "=", self.plan.id),
                ("activity_type_id", "=", self.env.ref(REVIEW_TYPE).id),
            ]
        )

    def test_plan_content(self):
        self.assertEqual(self.plan.user_id, self.salesperson)
        self.assertEqual(self.plan.total_hours_per_month, 18)
        self.assertEqual(self.plan.goal_ids.progress, 75.0)
        self.assertEqual(self.plan.action_ids.plan_id, self.plan)
        self.assertEqual(self.plan.contact_ids, self.contact)

    def test_first_review_due_3_months_after_start(self):
        # 30 November + 3 months = 28 February (end of the shorter month).
        self.assertEqual(self.plan.next_review_date, date(2026, 2, 28))
        self.assertFalse(self.plan.last_review_date)

    def test_next_review_3_months_after_last(self):
        self.plan.action_activate()
        self.assertEqual(len(self._review_activities()), 1)
        self.assertEqual(self._review_activities().date_deadline, date(2026, 2, 28))
        self.env["kam.account.plan.review"].create(
            {
                "plan_id": self.plan.id,
                "date": date(2026, 3, 5),
                "participant_ids": [(6, 0, (self.salesperson | self.manager).ids)],
                "conclusions": "On track; add a marketing meeting.",
            }
        )
        self.assertEqual(self.plan.last_review_date, date(2026, 3, 5))
        self.assertEqual(self.plan.next_review_date, date(2026, 6, 5))
        activity = self._review_activities()
        self.assertEqual(len(activity), 1, "old reminder done, one new reminder")
        self.assertEqual(activity.date_deadline, date(2026, 6, 5))
        self.assertEqual(activity.user_id, self.salesperson)

    @freeze_time("2026-03-01")
    def test_overdue_review_list_and_cron(self):
        self.plan.state = "active"
        self.assertTrue(self.plan.review_overdue)
        overdue = self.env["kam.account.plan"].search([("review_overdue", "=", True)])
        self.assertIn(self.plan, overdue)
        Plan = self.env["kam.account.plan"]
        Plan._cron_kam_plan_reviews()
        Plan._cron_kam_plan_reviews()
        self.assertEqual(len(self._review_activities()), 1)

    @freeze_time("2026-02-27")
    def test_not_overdue_before_due_date(self):
        self.plan.state = "active"
        self.assertFalse(self.plan.review_overdue)
        self.assertNotIn(
            self.plan, self.env["kam.account.plan"].search([("review_overdue", "=", True)])
        )

    def test_draft_and_closed_plans_are_not_reminded(self):
        self.env["kam.account.plan"]._cron_kam_plan_reviews()
        self.assertFalse(self._review_activities())
        self.plan.action_activate()
        self.plan.action_close()
        self.assertEqual(self.plan.state, "closed")
        self.assertFalse(self._review_activities())

    def test_one_active_plan_per_account_and_company(self):
        self.plan.action_activate()
        other = self.plan.copy({"name": "Second plan"})
        with self.assertRaises(ValidationError):
            other.action_activate()
        other.invalidate_recordset()
        self.assertEqual(other.state, "draft")
        self.assertEqual(self.account.kam_current_plan_id, self.plan)

    def test_bad_period_refused(self):
        with self.assertRaises(ValidationError):
            self.plan.write({"date_end": date(2025, 1, 1)})
        self.plan.invalidate_recordset()
        self.assertEqual(self.plan.date_end, date(2026, 12, 31))

    def test_printable_report(self):
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "key_account_mgmt.report_kam_account_plan", self.plan.ids
        )
        html = html.decode()
        for expected in (
            "Account plan 2026",
            "Raise insulation share",
            "Joint product training",
            "20 installers trained",
            "Kaisa Kontakti",
            "Competitor price campaign",
        ):
            self.assertIn(expected, html)

    @freeze_time("2026-11-01")
    def test_draft_past_its_review_date_is_overdue(self):
        """Eight months past its first review date (2026-02-28): a draft is overdue too."""
        self.assertEqual(self.plan.state, "draft")
        self.assertTrue(self.plan.review_overdue)
        Plan = self.env["kam.account.plan"]
        self.assertIn(self.plan, Plan.search([("review_overdue", "=", True)]))
        self.plan.action_activate()
        self.plan.action_close()
        self.assertFalse(self.plan.review_overdue)
        self.assertNotIn(self.plan, Plan.search([("review_overdue", "=", True)]))
        self.assertIn(self.plan, Plan.search([("review_overdue", "=", False)]))

    @freeze_time("2026-06-15")
    def test_current_plan_covers_today_active_first(self):
        Plan = self.env["kam.account.plan"]
        # Only a draft covering today: it is the current plan (was blank before).
        self.account.invalidate_recordset(["kam_current_plan_id"])
        self.assertEqual(self.account.kam_current_plan_id, self.plan)
        # A plan for next year does not cover today; a closed one never counts.
        Plan.create(
            {"name": "Plan 2027", "partner_id": self.account.id, "date_start": date(2027, 1, 1)}
        )
        closed = Plan.create(
            {"name": "Old", "partner_id": self.account.id, "date_start": date(2026, 1, 1)}
        )
        closed.action_activate()
        closed.action_close()
        self.account.invalidate_recordset(["kam_current_plan_id"])
        self.assertEqual(self.account.kam_current_plan_id, self.plan)
        # An active plan covering today wins over the draft.
        active = Plan.create(
            {
                "name": "Active 2026",
                "partner_id": self.account.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        active.action_activate()
        self.account.invalidate_recordset(["kam_current_plan_id"])
        self.assertEqual(self.account.kam_current_plan_id, active)
        # Another company's plan is not current here.
        self.assertFalse(self.account.with_company(self.company2).kam_current_plan_id)

    @freeze_time("2027-06-15")
    def test_lapsed_active_plan_stays_current_until_closed(self):
        """No plan covers today: the active plan is shown (it should be closed or renewed)."""
        self.assertFalse(self.account.kam_current_plan_id)
        self.plan.action_activate()
        self.account.invalidate_recordset(["kam_current_plan_id"])
        self.assertEqual(self.account.kam_current_plan_id, self.plan)


@tagged("post_install", "-at_install")
class TestPlanBatchConstraint(KamCase):
    def test_two_active_plans_in_one_batch_refused(self):
        account = self._customer("Erä Oy", is_key_account=True)
        other = self._customer("Toinen Erä Oy", is_key_account=True)
        Plan = self.env["kam.account.plan"]
        plans = Plan.create(
            [
                {"name": "P1", "partner_id": account.id},
                {"name": "P2", "partner_id": account.id},
                {"name": "Q1", "partner_id": other.id},
            ]
        )
        with self.assertRaises(ValidationError):
            plans.write({"state": "active"})
        self.assertEqual(set(plans.mapped("state")), {"draft"})
        # One per account and company is fine, also in one batch; another company too.
        (plans[0] | plans[2]).write({"state": "active"})
        plans[1].company_id = self.company2
        plans[1].state = "active"
        self.assertEqual(plans.mapped("state"), ["active", "active", "active"])
