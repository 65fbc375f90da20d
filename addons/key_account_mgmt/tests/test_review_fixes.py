from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import KamCase


@tagged("post_install", "-at_install")
class TestSelectionAccess(KamCase):
    """Selecting key accounts and naming their KAM is a manager's decision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Valinta Oy", is_key_account=True, key_account_manager_id=cls.salesperson.id
        )
        cls.plain = cls._customer("Tavis Oy", user_id=cls.salesperson.id)

    def test_salesperson_cannot_select_or_reassign(self):
        as_sales = self.plain.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            as_sales.write({"is_key_account": True})
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesperson).write(
                {"key_account_manager_id": self.salesperson2.id}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesperson).create(
                {"name": "Uusi Avain Oy", "is_company": True, "is_key_account": True}
            )
        self.assertFalse(self.plain.is_key_account)
        self.assertEqual(self.account.key_account_manager_id, self.salesperson)
        self.assertFalse(self.plain.kam_key_account_history_ids)

    def test_salesperson_may_save_unchanged_values(self):
        """The web client sends every dirty field; unchanged selection fields pass."""
        self.account.with_user(self.salesperson).write(
            {"is_key_account": True, "key_account_manager_id": self.salesperson.id, "city": "Oulu"}
        )
        self.assertEqual(self.account.city, "Oulu")

    def test_manager_selects(self):
        self.plain.with_user(self.manager).write(
            {"is_key_account": True, "key_account_manager_id": self.salesperson2.id}
        )
        self.assertTrue(self.plain.is_key_account)
        self.assertEqual(self.plain.kam_key_account_history_ids.event, "selected")

    def test_form_fields_readonly_for_salesperson(self):
        form = Form(self.account.with_user(self.salesperson))
        with self.assertRaises(AssertionError):
            form.is_key_account = False
        form = Form(self.account.with_user(self.manager))
        form.key_account_manager_id = self.salesperson2
        form.save()
        self.assertEqual(self.account.key_account_manager_id, self.salesperson2)

    def test_new_tab_fields_load(self):
        for user in (self.salesperson, self.manager):
            data = self.account.with_user(user).web_read(
                {
                    "kam_overserved": {},
                    "kam_overserved_reason": {},
                    "kam_review_key_account": {},
                    "kam_org_level_count": {},
                    "kam_org_level_warning": {},
                    "kam_service_level_text": {},
                }
            )[0]
            self.assertEqual(data["kam_org_level_count"], 0)
            self.assertTrue(data["kam_org_level_warning"])
            self.assertFalse(data["kam_overserved"])
            self.assertIn("Visits: At most once a year", data["kam_service_level_text"])

    def test_portal_gets_none_of_the_new_fields(self):
        fields = self.env["res.partner"].with_user(self.portal_user).fields_get()
        for fname in (
            "kam_overserved",
            "kam_review_key_account",
            "kam_org_level_count",
            "kam_service_level_text",
        ):
            self.assertNotIn(fname, fields)


@tagged("post_install", "-at_install")
class TestProposalDecisionFields(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Päätös Oy", turnover=15_000_000, installers=30)
        cls.proposal = (
            cls.env["kam.class.proposal"]
            .with_user(cls.salesperson)
            .create({"partner_id": cls.customer.id, "proposed_class": "A", "reason": "Big"})
        )

    def test_proposer_cannot_approve_by_writing(self):
        as_sales = self.proposal.with_user(self.salesperson)
        with self.assertRaises(UserError):
            as_sales.write({"state": "approved"})
        with self.assertRaises(UserError):
            as_sales.write({"decided_by_id": self.salesperson.id})
        self.assertEqual(self.proposal.state, "pending")
        self.assertFalse(self.proposal.decided_by_id)
        self.assertNotEqual(self.customer.abc_class, "A")

    def test_proposer_edits_reason_while_pending_only(self):
        self.proposal.with_user(self.salesperson).write({"reason": "Hospital project won"})
        self.assertEqual(self.proposal.reason, "Hospital project won")
        self.proposal.with_user(self.manager).action_reject()
        with self.assertRaises(UserError):
            self.proposal.with_user(self.salesperson).write({"reason": "Please"})
        self.assertEqual(self.proposal.reason, "Hospital project won")


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


@tagged("post_install", "-at_install")
class TestCandidateWizardBadInput(KamCase):
    def test_bad_criteria_count_refused(self):
        wizard = (
            self.env["kam.key.account.candidate.wizard"]
            .with_user(self.manager)
            .create({"min_criteria": 4})
        )
        with self.assertRaises(UserError):
            wizard.action_find()
        self.assertFalse(wizard.line_ids)

    def test_nothing_ticked_refused(self):
        self._customer("Ehdokas Oy", turnover=30_000_000, installers=80)
        wizard = self.env["kam.key.account.candidate.wizard"].with_user(self.manager).create({})
        wizard.action_find()
        self.assertTrue(wizard.line_ids)
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertFalse(wizard.line_ids.partner_id.filtered("is_key_account"))

    def test_salesperson_cannot_run_it(self):
        with self.assertRaises(AccessError):
            self.env["kam.key.account.candidate.wizard"].with_user(self.salesperson).create({})


@tagged("post_install", "-at_install")
class TestServiceLevelCompanies(KamCase):
    def test_second_company_rows_hidden_from_single_company_user(self):
        levels = self.env["kam.service.level"].with_user(self.salesperson2).search([])
        self.assertEqual(levels.company_id, self.company)
        self.assertEqual(len(levels), 3)
