from odoo.tests import Form, tagged

from .common import KamCase

VIEWS = {
    "res.partner": ["form", "kanban", "list", "search"],
    "kam.account.plan": ["form", "list", "search"],
    "kam.meeting.status": ["list", "search"],
    "kam.meeting.target": ["list"],
    "kam.swot.item": ["list", "search"],
    "kam.class.proposal": ["form", "list", "search"],
    "kam.abc.class.history": ["list", "search"],
    "kam.key.account.history": ["list"],
}


@tagged("post_install", "-at_install")
class TestWebClientData(KamCase):
    """What the web client loads for the partner's Key account tab and the menus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customer(
            "Näkymä Oy",
            turnover=25_000_000,
            installers=60,
            is_key_account=True,
            key_account_manager_id=cls.salesperson.id,
        )

    def test_views_load_for_salesperson_and_manager(self):
        for user in (self.salesperson, self.manager):
            for model, types in VIEWS.items():
                result = self.env[model].with_user(user).get_views([(False, t) for t in types])
                self.assertEqual(set(result["views"]), set(types), model)
            form = self.env["res.partner"].with_user(user).get_views([(False, "form")])
            arch = form["views"]["form"]["arch"]
            self.assertIn('name="key_account"', arch)
            self.assertIn("action_kam_propose_class", arch)

    def test_key_account_tab_data(self):
        account = self.account.with_user(self.salesperson).with_context(
            allowed_company_ids=[self.company.id]
        )
        data = account.web_read(
            {
                "abc_class": {},
                "abc_class_computed": {},
                "abc_class_explanation": {},
                "kam_meetings_behind": {},
                "kam_swot_overdue": {},
                "kam_current_plan_id": {},
                "kam_meeting_status_ids": {"fields": {"stakeholder_group_id": {}, "is_behind": {}}},
            }
        )[0]
        self.assertEqual((data["abc_class"], data["abc_class_computed"]), ("A", "A"))
        self.assertIn("Computed class A", data["abc_class_explanation"])
        self.assertTrue(data["kam_meetings_behind"])
        # One row per Table 1 target of class A in the selected company.
        self.assertEqual(len(data["kam_meeting_status_ids"]), 3)

    def test_new_partner_form(self):
        """The computed tab fields work on a record that is not saved yet."""
        form = Form(self.env["res.partner"].with_user(self.salesperson))
        form.name = "Uusi Asiakas Oy"
        form.company_type = "company"
        form.customer_turnover = 25_000_000
        form.installer_count = 60
        self.assertFalse(form.kam_meetings_behind)
        partner = form.save()
        self.assertEqual(partner.abc_class, "A")

    def test_existing_partner_form_edit(self):
        form = Form(self.account.with_user(self.salesperson))
        form.installer_count = 30
        form.save()
        self.assertEqual(self.account.abc_class, "B")

    def test_kanban_grouped_by_class(self):
        groups = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .web_read_group([("is_key_account", "=", True)], ["abc_class"], ["abc_class"])["groups"]
        )
        by_class = {g["abc_class"]: g["abc_class_count"] for g in groups}
        self.assertEqual(by_class.get("A"), 1)

    def test_portal_gets_no_class_fields(self):
        fields = self.env["res.partner"].with_user(self.portal_user).fields_get()
        self.assertNotIn("abc_class", fields)
        self.assertNotIn("kam_meeting_status_ids", fields)
