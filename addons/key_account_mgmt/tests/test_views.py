from lxml import etree

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
        """Every view of the add-on renders for both users (an error in a view's groups,
        fields or expressions raises here); each arch is the view type asked for."""
        for user in (self.salesperson, self.manager):
            for model, types in VIEWS.items():
                result = self.env[model].with_user(user).get_views([(False, t) for t in types])
                for view_type in types:
                    arch = etree.fromstring(result["views"][view_type]["arch"])
                    self.assertEqual(arch.tag, view_type, (user.login, model))

    def _arch(self, user, model="res.partner", view_type="form"):
        result = self.env[model].with_user(user).get_views([(False, view_type)])
        return etree.fromstring(result["views"][view_type]["arch"])

    def _names(self, arch, xpath):
        return [node.get("name") for node in arch.xpath(xpath)]

    def test_partner_form_as_each_user_sees_it(self):
        """The Key account pages for both; the class override, the key-account switch and
        the decisions on proposals only in the manager's form."""
        manager_only_buttons = {
            "action_approve",
            "action_reject",
            "action_kam_clear_manual_class",
            "action_kam_keep_key_account",
            "action_kam_remove_key_account",
        }
        for user in (self.salesperson, self.manager):
            arch = self._arch(user)
            pages = self._names(arch, "//page")
            for page in ("key_account", "key_account_swot", "key_account_history"):
                self.assertIn(page, pages, user.login)
            key_page = arch.xpath("//page[@name='key_account']")[0]
            fields = set(self._names(key_page, ".//field"))
            buttons = set(self._names(key_page, ".//button"))
            self.assertTrue(
                {"abc_class", "abc_class_computed", "abc_class_explanation"} <= fields,
                user.login,
            )
            self.assertIn("kam_meeting_status_ids", fields)
            self.assertIn("action_kam_propose_class", buttons)
            self.assertIn("action_kam_recompute_class", buttons)
            switch = key_page.xpath(".//field[@name='is_key_account']")
            self.assertEqual(len(switch), 1, user.login)
            if user == self.manager:
                self.assertIn("abc_class_manual", fields)
                self.assertTrue(manager_only_buttons <= buttons, buttons)
                self.assertIn(switch[0].get("readonly"), (None, "0", "False"))
            else:
                self.assertNotIn("abc_class_manual", fields)
                self.assertFalse(manager_only_buttons & buttons, buttons)
                self.assertIn(switch[0].get("readonly"), ("1", "True"))

    def test_partner_form_has_no_key_account_parts_for_portal(self):
        arch = self._arch(self.portal_user)
        self.assertTrue(arch.xpath("//field[@name='name']"))
        self.assertFalse(arch.xpath("//page[starts-with(@name, 'key_account')]"))
        self.assertFalse(arch.xpath("//field[@name='abc_class' or @name='is_key_account']"))

    def test_proposal_form_decisions_only_for_manager(self):
        for user, expected in (
            (self.salesperson, set()),
            (self.manager, {"action_approve", "action_reject"}),
        ):
            arch = self._arch(user, "kam.class.proposal")
            buttons = set(self._names(arch, "//header/button"))
            self.assertEqual(buttons & {"action_approve", "action_reject"}, expected, user.login)
            self.assertIn("action_submit", self._names(arch, "//footer/button"))

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
