from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SALESPERSON_GROUPS
from .tour_case import TOUR_TAG, KamTourCase

REPORT = "key_account_mgmt.report_kam_account_plan"


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourAccountPlan(KamTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kam = new_test_user(
            cls.env,
            login="tour_kam",
            name="Tina Tour",
            groups=SALESPERSON_GROUPS,
            tz="Europe/Helsinki",
        )
        cls.account = cls.env["res.partner"].create(
            {
                "name": "Tour Oy",
                "is_company": True,
                "is_key_account": True,
                "key_account_manager_id": cls.kam.id,
            }
        )
        cls.env["kam.swot.item"].create(
            {
                "partner_id": cls.account.id,
                "swot_type": "strength",
                "description": "Trusted by the site managers",
            }
        )
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "name": "Tour plan 2026",
                "partner_id": cls.account.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "resource_ids": [
                    Command.create({"user_id": cls.kam.id, "role": "KAM", "hours_per_month": 8})
                ],
            }
        )

    def test_kam_fills_and_prints_the_plan(self):
        Report = type(self.env["ir.actions.report"])
        original = Report._render_qweb_pdf
        printed = []

        def render_pdf(report, report_ref, res_ids=None, data=None):
            printed.append((report_ref, list(res_ids or [])))
            return original(report, report_ref, res_ids=res_ids, data=data)

        with patch.object(Report, "_render_qweb_pdf", render_pdf):
            self.start_tour(
                "/odoo/action-key_account_mgmt.action_kam_account_plan",
                "kam_account_plan_tour",
                login="tour_kam",
            )
        plan = self.plan
        plan.invalidate_recordset()
        goal = plan.goal_ids
        self.assertEqual(
            (goal.name, goal.value_type, goal.target_value), ("Grow revenue", "amount", 100000)
        )
        action = goal.action_ids
        self.assertEqual(action.name, "Joint product training")
        self.assertEqual(action.owner_id, self.kam)
        self.assertEqual(action.deadline, date(2026, 3, 31))
        self.assertEqual(action.outcome, "20 installers trained")
        self.assertEqual(plan.review_ids.conclusions, "On track, add a marketing meeting")
        self.assertTrue(plan.last_review_date)
        # The Print button rendered this plan's PDF.
        self.assertIn(plan.id, [rid for ref, ids in printed if REPORT in str(ref) for rid in ids])
