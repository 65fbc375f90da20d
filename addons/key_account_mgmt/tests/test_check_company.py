"""Company-bound records only link records and users of their own company."""

from contextlib import contextmanager

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KamCase


@tagged("post_install", "-at_install")
class TestCheckCompany(KamCase):
    """The manager and the salesperson work in both companies, salesperson2 in the first
    only; both companies are selected in the company switcher."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.both = (cls.company | cls.company2).ids
        cls.shared = cls._customer(
            "Yhteinen Oy", is_key_account=True, key_account_manager_id=cls.salesperson2.id
        )
        cls.swedish = cls._customer(
            "Svensk AB", company_id=cls.company2.id, user_id=cls.salesperson.id
        )

    def _as(self, user, model):
        return self.env[model].with_user(user).with_context(allowed_company_ids=self.both)

    def _plan(self, partner, company, user=None):
        return self._as(user or self.manager, "kam.account.plan").create(
            {"name": "Plan", "partner_id": partner.id, "company_id": company.id}
        )

    @contextmanager
    def assertRefused(self, model, domain):
        """The block raises Odoo's incompatible-companies error; what it wrote before the
        check is rolled back, and no record of ``model`` matches ``domain``."""
        with self.assertRaisesRegex(UserError, "Incompatible companies"), self.env.cr.savepoint():
            yield
        self.env.invalidate_all()
        Model = self.env[model].sudo().with_context(active_test=False)
        self.assertFalse(Model.search(domain), "nothing may be written")

    def test_plan_for_another_company_s_customer_refused(self):
        domain = [("partner_id", "=", self.swedish.id)]
        with self.assertRefused("kam.account.plan", domain):
            self._plan(self.swedish, self.company)
        plan = self._plan(self.swedish, self.company2)
        self.assertEqual(plan.company_id, self.company2)

    def test_plan_takes_a_responsible_who_works_in_its_company(self):
        # The shared account's KAM works in the first company only: the plan of the
        # second company gets no responsible rather than one who cannot open it.
        self.assertEqual(self._plan(self.shared, self.company).user_id, self.salesperson2)
        plan2 = self._plan(self.shared, self.company2)
        self.assertFalse(plan2.user_id)
        self.shared.user_id = self.salesperson
        self.assertEqual(self._plan(self.shared, self.company2).user_id, self.salesperson)
        with self.assertRefused(
            "kam.account.plan", [("id", "=", plan2.id), ("user_id", "!=", False)]
        ):
            plan2.user_id = self.salesperson2

    def test_goal_action_resource_and_review_people_work_in_the_plan_s_company(self):
        plan = self._plan(self.shared, self.company2)
        Goal = self._as(self.manager, "kam.account.plan.goal")
        with self.assertRefused("kam.account.plan.goal", [("plan_id", "=", plan.id)]):
            Goal.create({"plan_id": plan.id, "name": "Grow", "owner_id": self.salesperson2.id})
        goal = Goal.create({"plan_id": plan.id, "name": "Grow", "owner_id": self.salesperson.id})
        self.assertEqual(goal.company_id, self.company2)
        Action = self._as(self.manager, "kam.account.plan.action")
        with self.assertRefused("kam.account.plan.action", [("goal_id", "=", goal.id)]):
            Action.create({"goal_id": goal.id, "name": "Call", "owner_id": self.salesperson2.id})
        Resource = self._as(self.manager, "kam.account.plan.resource")
        with self.assertRefused("kam.account.plan.resource", [("plan_id", "=", plan.id)]):
            Resource.create({"plan_id": plan.id, "user_id": self.salesperson2.id})
        Review = self._as(self.manager, "kam.account.plan.review")
        with self.assertRefused("kam.account.plan.review", [("plan_id", "=", plan.id)]):
            Review.create({"plan_id": plan.id, "participant_ids": [(6, 0, self.salesperson2.ids)]})
        review = Review.create(
            {"plan_id": plan.id, "participant_ids": [(6, 0, self.salesperson.ids)]}
        )
        self.assertEqual(review.participant_ids, self.salesperson)

    def test_swot_item_of_another_company_s_customer_refused(self):
        Swot = self._as(self.salesperson, "kam.swot.item")
        vals = {"partner_id": self.swedish.id, "swot_type": "strength", "description": "Fast"}
        with self.assertRefused("kam.swot.item", [("partner_id", "=", self.swedish.id)]):
            Swot.create({**vals, "company_id": self.company.id})
        item = Swot.create({**vals, "company_id": self.company2.id})
        self.assertEqual(item.company_id, self.company2)

    def test_class_history_of_another_company_s_customer_refused(self):
        History = self.env["kam.abc.class.history"]
        vals = {"partner_id": self.swedish.id, "new_class": "A", "source": "manual"}
        mine = [("partner_id", "=", self.swedish.id), ("company_id", "=", self.company.id)]
        with self.assertRefused("kam.abc.class.history", mine):
            History.create({**vals, "company_id": self.company.id})
        History.create({**vals, "company_id": self.company2.id})
        self.assertEqual(History.search_count(mine), 0)

    def test_class_approver_works_in_the_company(self):
        self.company2.kam_class_approver_id = self.manager
        with self.assertRefused(
            "res.company", [("kam_class_approver_id", "=", self.salesperson2.id)]
        ):
            self.company2.kam_class_approver_id = self.salesperson2
        self.assertEqual(self.company2.kam_class_approver_id, self.manager)

    def test_candidate_line_kam_works_in_the_wizard_s_company(self):
        wizard = self._as(self.manager, "kam.key.account.candidate.wizard").create(
            {"company_id": self.company2.id}
        )
        line = self._as(self.manager, "kam.key.account.candidate.line").create(
            {"wizard_id": wizard.id, "partner_id": self.shared.id, "suggestion": "add"}
        )
        with self.assertRefused(
            "kam.key.account.candidate.line",
            [("id", "=", line.id), ("key_account_manager_id", "!=", False)],
        ):
            line.key_account_manager_id = self.salesperson2
        line.key_account_manager_id = self.salesperson
        self.assertEqual(line.key_account_manager_id, self.salesperson)
