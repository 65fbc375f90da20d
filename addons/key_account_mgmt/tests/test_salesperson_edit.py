from odoo.addons.key_account_mgmt.models.res_partner_kam_access import KAM_EDIT_FIELDS
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import KamCase

SALESMAN_ONLY = "sales_team.group_sale_salesman"


@tagged("post_install", "-at_install")
class TestSalespersonEdit(KamCase):
    """A salesperson without Contact Creation edits the key-account data of her own
    accounts and their contacts, reads the others' and is told why she cannot change them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sally = new_test_user(
            cls.env,
            login="kam_sally_only",
            name="Sally Salesman",
            groups=SALESMAN_ONLY,
            company_id=cls.company.id,
        )
        cls.otto = new_test_user(
            cls.env,
            login="kam_otto_only",
            name="Otto Other",
            groups=SALESMAN_ONLY,
            company_id=cls.company.id,
        )
        cls.mine = cls._customer(
            "Oma Oy", turnover=5_000_000, installers=5, is_key_account=True, user_id=cls.sally.id
        )
        cls.kam_of = cls._customer(
            "Hoidettava Oy",
            turnover=5_000_000,
            installers=5,
            is_key_account=True,
            user_id=cls.otto.id,
            key_account_manager_id=cls.sally.id,
        )
        cls.theirs = cls._customer(
            "Toisen Oy", turnover=5_000_000, installers=5, is_key_account=True, user_id=cls.otto.id
        )
        cls.my_contact = cls._contact(cls.mine, "Oma Yhteyshenkilö", "procurement")
        cls.their_contact = cls._contact(cls.theirs, "Toisen Yhteyshenkilö", "procurement")

    def test_salesperson_has_no_contact_creation(self):
        self.assertFalse(self.sally.has_group("base.group_partner_manager"))
        self.assertTrue(self.sally.has_group("key_account_mgmt.group_kam_user"))

    def test_edits_own_account_kam_fields(self):
        for account in (self.mine, self.kam_of):
            account.with_user(self.sally).write(
                {
                    "customer_turnover": 25_000_000,
                    "installer_count": 60,
                    "kam_relationship_type": "partner",
                    "kam_reference_value": 4,
                }
            )
            account.invalidate_recordset()
            self.assertEqual(account.installer_count, 60)
            self.assertEqual(account.kam_relationship_type, "partner")
            # The criteria changed: the class follows at once.
            self.assertEqual(self._class_in(account), "A")

    def test_edits_own_contact_stakeholder_group(self):
        self.my_contact.with_user(self.sally).write(
            {"kam_stakeholder_group_id": self.groups["marketing"].id, "kam_org_level": "strategic"}
        )
        self.assertEqual(self.my_contact.kam_stakeholder_group_id, self.groups["marketing"])
        # As the web client does it: through the account's contact list.
        self.mine.with_user(self.sally).write(
            {
                "child_ids": [
                    (1, self.my_contact.id, {"kam_stakeholder_group_id": self.groups["project"].id})
                ]
            }
        )
        self.assertEqual(self.my_contact.kam_stakeholder_group_id, self.groups["project"])

    def test_adds_swot_through_the_account(self):
        self.mine.with_user(self.sally).write(
            {"kam_swot_item_ids": [(0, 0, {"swot_type": "strength", "description": "Loyal"})]}
        )
        self.assertEqual(self.mine.kam_swot_item_ids.description, "Loyal")
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.sally).write(
                {"kam_swot_item_ids": [(0, 0, {"swot_type": "threat", "description": "x"})]}
            )
        self.assertFalse(self.theirs.kam_swot_item_ids)

    def test_other_salespersons_account_is_read_only(self):
        theirs = self.theirs.with_user(self.sally)
        self.assertEqual(theirs.installer_count, 5)  # she reads it
        self.assertEqual(theirs.abc_class, self._class_in(self.theirs))
        for vals in (
            {"customer_turnover": 25_000_000},
            {"installer_count": 60},
            {"kam_relationship_type": "competitor"},
            {"kam_network_value": 1},
            {"name": "Renamed Oy"},
        ):
            with self.assertRaisesRegex(AccessError, "This account belongs to Otto Other"):
                theirs.write(vals)
        with self.assertRaisesRegex(AccessError, "This account belongs to Otto Other"):
            self.their_contact.with_user(self.sally).write(
                {"kam_stakeholder_group_id": self.groups["marketing"].id}
            )
        self.theirs.invalidate_recordset()
        self.assertEqual(
            (self.theirs.name, self.theirs.customer_turnover, self.theirs.installer_count),
            ("Toisen Oy", 5_000_000, 5),
        )
        self.assertFalse(self.theirs.kam_relationship_type)
        self.assertEqual(self.their_contact.kam_stakeholder_group_id, self.groups["procurement"])

    def test_recompute_only_on_own_accounts(self):
        self.assertTrue(self.mine.with_user(self.sally).action_kam_recompute_class())
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.sally).action_kam_recompute_class()

    def test_can_edit_flag_and_reason(self):
        records = (self.mine | self.kam_of | self.theirs | self.my_contact).with_user(self.sally)
        self.assertEqual(records.mapped("kam_can_edit"), [True, True, False, True])
        self.assertEqual(
            records[2].kam_edit_blocked_reason,
            "This account belongs to Otto Other: only its salesperson, its key account "
            "manager or a key account manager can change it.",
        )
        self.assertFalse(records[0].kam_edit_blocked_reason)
        for user in (self.manager, self.env.ref("base.user_admin")):
            self.assertTrue(self.theirs.with_user(user).kam_can_edit)

    def test_unsaved_records_follow_their_account(self):
        Partner = self.env["res.partner"].with_user(self.sally)
        self.assertTrue(Partner.new({"name": "Uusi Oy", "is_company": True}).kam_can_edit)
        self.assertTrue(Partner.new({"name": "Oma", "parent_id": self.mine.id}).kam_can_edit)
        other = Partner.new({"name": "Toisen", "parent_id": self.theirs.id})
        self.assertFalse(other.kam_can_edit)
        self.assertIn("Otto Other", other.kam_edit_blocked_reason)
        # An existing record edited in the form (onchange) keeps its access.
        self.assertFalse(Partner.new(origin=self.theirs.with_user(self.sally)).kam_can_edit)

    def test_contact_creation_user_cannot_change_others_kam_fields(self):
        """Contact Creation lets a user write any partner, but not another's KAM data."""
        writer = self.salesperson  # sales + Contact Creation, no manager
        self.assertTrue(writer.has_group("base.group_partner_manager"))
        theirs = self.theirs.with_user(writer)
        theirs.write({"phone": "+358 40 123 4567"})  # what Odoo gives her stays
        self.assertEqual(self.theirs.phone, "+358 40 123 4567")
        self.assertFalse(theirs.kam_can_edit)
        with self.assertRaisesRegex(AccessError, "This account belongs to Otto Other"):
            theirs.write({"installer_count": 99})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(writer).create(
                {
                    "name": "Uusi Yhteyshenkilö",
                    "parent_id": self.theirs.id,
                    "kam_stakeholder_group_id": self.groups["marketing"].id,
                }
            )
        self.assertEqual(self.theirs.installer_count, 5)
        self.assertEqual(len(self.theirs.child_ids), 1)

    def test_manager_changes_any_account(self):
        self.theirs.with_user(self.manager).write(
            {"installer_count": 60, "kam_relationship_type": "friend"}
        )
        self.their_contact.with_user(self.manager).kam_org_level = "tactical"
        self.assertEqual(self.theirs.installer_count, 60)
        self.assertEqual(self.their_contact.kam_org_level, "tactical")

    def test_portal_user_cannot_read_class(self):
        own = self.portal_user.partner_id.with_user(self.portal_user)
        self.assertTrue(own.read(["name"]))  # the record is readable, the class is not
        for fname in ("abc_class", "kam_can_edit", "kam_class_source_text"):
            with self.assertRaises(AccessError, msg=fname):
                own.read([fname])
        fields = self.env["res.partner"].with_user(self.portal_user).fields_get()
        hidden = {"abc_class", "kam_can_edit", *KAM_EDIT_FIELDS} - {"kam_turnover_currency_id"}
        self.assertFalse(hidden & fields.keys())

    def test_creates_customers_that_are_hers_or_unassigned(self):
        Partner = self.env["res.partner"].with_user(self.sally)
        # The quick create of a customer field (a quotation's customer, say).
        new_id, _name = Partner.name_create("Pikaluotu Oy")
        new = Partner.browse(new_id)
        self.assertFalse(new.user_id)
        self.assertTrue(new.kam_can_edit)
        new.write({"street": "Satamakatu 1", "installer_count": 3})
        own = Partner.create({"name": "Oma Uusi Oy", "is_company": True, "user_id": self.sally.id})
        Partner.create({"name": "Uusi Yhteyshenkilö", "parent_id": own.id})
        Partner.create({"name": "Toinen Yhteyshenkilö", "parent_id": self.mine.id})
        self.assertEqual(len(self.mine.child_ids), 2)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Tunkeilija", "parent_id": self.theirs.id})
        with self.assertRaises(AccessError):
            Partner.create({"name": "Kollegan Oy", "user_id": self.otto.id})
        # A customer Otto created and nobody was assigned to is not hers to change.
        unassigned = self.env["res.partner"].with_user(self.otto).create({"name": "Oton Oy"})
        self.assertFalse(unassigned.with_user(self.sally).kam_can_edit)
        for vals in ({"phone": "123"}, {"installer_count": 7}):
            with self.assertRaisesRegex(AccessError, "no salesperson yet"):
                unassigned.with_user(self.sally).write(vals)
        self.assertEqual((unassigned.phone, unassigned.installer_count), (False, 0))

    def test_form_save_as_salesperson(self):
        form = Form(self.mine.with_user(self.sally))
        form.customer_turnover = 30_000_000
        form.installer_count = 70
        form.save()
        self.assertEqual(self._class_in(self.mine), "A")

    def test_quotation_with_new_customer(self):
        if "sale.order" not in self.env:
            self.skipTest("sale is not installed")
        customer_id, _name = (
            self.env["res.partner"].with_user(self.sally).name_create("Tarjousasiakas Oy")
        )
        order = (
            self.env["sale.order"]
            .with_user(self.sally)
            .create({"partner_id": customer_id, "user_id": self.sally.id})
        )
        self.assertEqual(order.partner_id.name, "Tarjousasiakas Oy")
        order.partner_id.with_user(self.sally).write({"email": "myynti@tarjous.fi"})
        self.assertEqual(order.partner_id.email, "myynti@tarjous.fi")

    def test_landing_filters_own_key_accounts(self):
        Partner = self.env["res.partner"]
        action = Partner.with_user(self.sally).action_kam_open_key_accounts()
        self.assertEqual(action["context"].get("search_default_my_key_accounts"), 1)
        self.assertEqual(action["res_model"], "res.partner")
        action = Partner.with_user(self.manager).action_kam_open_key_accounts()
        self.assertNotIn("search_default_my_key_accounts", str(action["context"]))
        # Nothing of her own: every key account, no empty screen.
        nobody = new_test_user(self.env, login="kam_new_sales", groups=SALESMAN_ONLY)
        action = Partner.with_user(nobody).action_kam_open_key_accounts()
        self.assertNotIn("search_default_my_key_accounts", str(action["context"]))
        mine = Partner.with_user(self.sally).search(
            [
                ("is_key_account", "=", True),
                "|",
                ("key_account_manager_id", "=", self.sally.id),
                ("user_id", "=", self.sally.id),
            ]
        )
        self.assertEqual(mine, self.mine | self.kam_of)

    def test_class_source_text(self):
        partner = self.mine.with_user(self.sally)
        self.assertIn("Criteria rule (at least 2 of the 3 criteria)", partner.kam_class_source_text)
        self.company.kam_class_rule_mode = "all_three"
        partner.invalidate_recordset()
        self.assertIn("Criteria rule (all 3 criteria)", partner.kam_class_source_text)


@tagged("post_install", "-at_install")
class TestSalespersonEditFinnish(KamCase):
    """The reason a Finnish salesperson reads is in Finnish."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls.env["ir.module.module"]._load_module_terms(["key_account_mgmt"], ["fi_FI"])
        cls.sally = new_test_user(cls.env, login="kam_sally_fi", groups=SALESMAN_ONLY, lang="fi_FI")
        cls.otto = new_test_user(
            cls.env, login="kam_otto_fi", name="Otto Other", groups=SALESMAN_ONLY
        )
        cls.theirs = cls._customer("Toisen Oy", installers=5, user_id=cls.otto.id)

    def test_reason_in_finnish(self):
        theirs = self.theirs.with_user(self.sally).with_context(lang="fi_FI")
        self.assertEqual(
            theirs.kam_edit_blocked_reason,
            "Tämä asiakas kuuluu käyttäjälle Otto Other: vain sen myyjä, sen "
            "avainasiakaspäällikkö tai muu avainasiakaspäällikkö voi muuttaa sitä.",
        )
        with self.assertRaisesRegex(AccessError, "Tämä asiakas kuuluu käyttäjälle Otto Other"):
            theirs.write({"installer_count": 6})
        self.assertEqual(self.theirs.installer_count, 5)
        self.assertIn("Kriteerisääntö", theirs.kam_class_source_text)
