from datetime import date

from odoo.addons.base.models.ir_qweb import QWebException
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import KamCase

OUR_MODELS = (
    "kam.stakeholder.group",
    "kam.meeting.target",
    "kam.meeting.status",
    "kam.abc.class.history",
    "kam.key.account.history",
    "kam.class.proposal",
    "kam.swot.item",
    "kam.account.plan",
    "kam.account.plan.goal",
    "kam.account.plan.action",
    "kam.account.plan.resource",
    "kam.account.plan.review",
)
SECRET_PARTNER_FIELDS = (
    "abc_class",
    "abc_class_computed",
    "abc_class_manual",
    "abc_class_reason",
    "abc_class_explanation",
    "is_key_account",
    "key_account_manager_id",
    "customer_turnover",
    "installer_count",
    "kam_relationship_type",
    "kam_reference_value",
    "kam_network_value",
    "kam_emotional_value",
    "kam_learning_value",
    "kam_regularity_value",
)


@tagged("post_install", "-at_install")
class TestSecurity(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls._customer(
            "Oma Oy",
            turnover=25_000_000,
            installers=60,
            is_key_account=True,
            key_account_manager_id=cls.salesperson.id,
        )
        cls.theirs = cls._customer(
            "Toisen Oy", is_key_account=True, key_account_manager_id=cls.salesperson2.id
        )
        cls.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=cls.company, partners=cls.mine | cls.theirs
        )
        Swot = cls.env["kam.swot.item"]
        cls.swot_mine = Swot.create(
            {"partner_id": cls.mine.id, "swot_type": "strength", "description": "Loyal"}
        )
        cls.swot_theirs = Swot.create(
            {"partner_id": cls.theirs.id, "swot_type": "weakness", "description": "Pays late"}
        )
        cls.swot_company2 = Swot.create(
            {
                "partner_id": cls.theirs.id,
                "company_id": cls.company2.id,
                "swot_type": "threat",
                "description": "Swedish competitor",
            }
        )
        Plan = cls.env["kam.account.plan"]
        cls.plan_mine = Plan.create({"name": "Mine", "partner_id": cls.mine.id})
        cls.plan_theirs = Plan.create({"name": "Theirs", "partner_id": cls.theirs.id})

    def test_salesperson_reads_all_edits_own(self):
        Swot = self.env["kam.swot.item"].with_user(self.salesperson)
        self.assertEqual(
            Swot.search([("partner_id", "in", (self.mine | self.theirs).ids)]),
            self.swot_mine | self.swot_theirs | self.swot_company2,
        )
        self.swot_mine.with_user(self.salesperson).description = "Loyal for 20 years"
        self.assertEqual(self.swot_mine.description, "Loyal for 20 years")
        with self.assertRaises(AccessError):
            self.swot_theirs.with_user(self.salesperson).write({"description": "Hacked"})
        with self.assertRaises(AccessError):
            Swot.create({"partner_id": self.theirs.id, "swot_type": "threat", "description": "x"})
        self.assertEqual(self.swot_theirs.description, "Pays late")

    def test_salesperson_plans(self):
        self.plan_theirs.with_user(self.salesperson).read(["name"])
        self.plan_mine.with_user(self.salesperson).write({"risks": "Price war"})
        self.env["kam.account.plan.review"].with_user(self.salesperson).create(
            {"plan_id": self.plan_mine.id, "date": date(2026, 1, 10)}
        )
        with self.assertRaises(AccessError):
            self.plan_theirs.with_user(self.salesperson).write({"risks": "x"})
        with self.assertRaises(AccessError):
            self.env["kam.account.plan.review"].with_user(self.salesperson).create(
                {"plan_id": self.plan_theirs.id, "date": date(2026, 1, 10)}
            )
        self.assertFalse(self.plan_theirs.review_ids)

    def test_salesperson_of_partner_may_edit(self):
        """The partner's own salesperson (user_id) counts as owner too."""
        self.theirs.user_id = self.salesperson
        self.swot_theirs.with_user(self.salesperson).description = "Pays late, improving"
        self.assertEqual(self.swot_theirs.description, "Pays late, improving")

    def test_manager_edits_everything(self):
        self.swot_theirs.with_user(self.manager).description = "Checked by manager"
        self.plan_theirs.with_user(self.manager).action_activate()
        target = self.env["kam.meeting.target"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        target.with_user(self.manager).meetings_per_year = 9
        self.assertEqual(target.meetings_per_year, 9)

    def test_salesperson_cannot_change_targets_or_history(self):
        target = self.env["kam.meeting.target"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        before = target.meetings_per_year
        with self.assertRaises(AccessError):
            target.with_user(self.salesperson).write({"meetings_per_year": 99})
        self.assertEqual(target.meetings_per_year, before)
        history = self.mine.abc_class_history_ids[:1]
        self.assertTrue(history)
        history.with_user(self.salesperson).read(["new_class"])
        with self.assertRaises(AccessError):
            history.with_user(self.salesperson).write({"new_class": "C"})

    def test_second_company_records_hidden(self):
        """salesperson2 only works in the main company."""
        Swot = self.env["kam.swot.item"].with_user(self.salesperson2)
        self.assertEqual(Swot.search([("partner_id", "=", self.theirs.id)]), self.swot_theirs)
        with self.assertRaises(AccessError):
            self.swot_company2.with_user(self.salesperson2).read(["description"])
        targets = self.env["kam.meeting.target"].with_user(self.salesperson2).search([])
        self.assertEqual(targets.company_id, self.company)
        statuses = self.env["kam.meeting.status"].with_user(self.salesperson2).search([])
        self.assertLessEqual(set(statuses.company_id.ids), {self.company.id})

    def test_proposal_of_another_salesperson_is_read_only(self):
        proposal = (
            self.env["kam.class.proposal"]
            .with_user(self.salesperson)
            .create({"partner_id": self.mine.id, "proposed_class": "B", "reason": "Why not"})
        )
        proposal.with_user(self.salesperson2).read(["reason"])
        with self.assertRaises(AccessError):
            proposal.with_user(self.salesperson2).write({"reason": "Changed"})

    def test_portal_sees_none_of_it(self):
        for model in OUR_MODELS:
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.mine.with_user(self.portal_user).read(["abc_class"])
        visible = self.env["res.partner"].with_user(self.portal_user).fields_get()
        for fname in SECRET_PARTNER_FIELDS:
            self.assertNotIn(fname, visible, fname)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.portal_user).search([("abc_class", "=", "A")])

    def test_report_not_for_portal(self):
        """The account plan report is for key account users: only they get it in the Print
        menu, and only they can render it (the others cannot read the plans)."""
        report = self.env.ref("key_account_mgmt.action_report_kam_account_plan")
        kam_user = self.env.ref("key_account_mgmt.group_kam_user")
        self.assertEqual(report.groups_id, kam_user)
        internal = new_test_user(self.env, login="kam_internal", groups="base.group_user")
        self.assertFalse(internal.has_group("key_account_mgmt.group_kam_user"))
        self.assertTrue(self.salesperson.has_group("key_account_mgmt.group_kam_user"))

        def printable(user):
            bindings = (
                self.env["ir.actions.actions"].with_user(user).get_bindings("kam.account.plan")
            )
            return report.id in [action["id"] for action in bindings.get("report", [])]

        self.assertTrue(printable(self.salesperson))
        self.assertTrue(printable(self.manager))
        self.assertFalse(printable(internal))
        self.assertFalse(printable(self.portal_user))

        Report = self.env["ir.actions.report"]
        html, _ = Report.with_user(self.salesperson)._render_qweb_html(
            report.report_name, self.plan_mine.ids
        )
        self.assertIn("Oma Oy", html.decode())
        for user in (internal, self.portal_user):
            for render in ("_render_qweb_html", "_render_qweb_pdf"):
                with self.assertRaises(Exception) as caught:
                    getattr(Report.with_user(user), render)(report.report_name, self.plan_mine.ids)
                error = caught.exception
                # The template engine wraps the error of the plan it could not read.
                if isinstance(error, QWebException):
                    error = error.__cause__
                self.assertIsInstance(error, AccessError, (user.login, render))
