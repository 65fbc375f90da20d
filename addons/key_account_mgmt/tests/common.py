from datetime import timedelta
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user

SALESPERSON_GROUPS = "sales_team.group_sale_salesman,base.group_partner_manager"
MANAGER_GROUPS = "sales_team.group_sale_manager,base.group_partner_manager"


class KamCase(TransactionCase):
    """Two companies of ours, a salesperson, a manager, a portal user and customers.

    Yearly purchases (customer_scoring's data) are replaced by ``cls.purchases`` so that
    each test states its figures by hand.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.ref("base.main_company")
        cls.company.write(
            {
                "kam_a_min_turnover": 20_000_000,
                "kam_b_min_turnover": 10_000_000,
                "kam_a_min_installers": 50,
                "kam_b_min_installers": 20,
                "kam_a_min_purchases": 200_000,
                "kam_b_min_purchases": 100_000,
                "kam_class_rule_mode": "two_of_three",
                "kam_class_approver_id": False,
            }
        )
        cls.company2 = cls.env["res.company"].create(
            {"name": "Aurora Sverige AB", "currency_id": cls.company.currency_id.id}
        )
        companies = cls.company | cls.company2
        cls.salesperson = new_test_user(
            cls.env,
            login="kam_sales",
            name="Sally Sales",
            groups=SALESPERSON_GROUPS,
            company_id=cls.company.id,
            company_ids=[(6, 0, companies.ids)],
        )
        cls.salesperson2 = new_test_user(
            cls.env,
            login="kam_sales2",
            name="Sam Second",
            groups=SALESPERSON_GROUPS,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="kam_manager",
            name="Maria Manager",
            groups=MANAGER_GROUPS,
            company_id=cls.company.id,
            company_ids=[(6, 0, companies.ids)],
        )
        cls.portal_user = new_test_user(
            cls.env, login="kam_portal", name="Paul Portal", groups="base.group_portal"
        )
        cls.company.kam_class_approver_id = cls.manager

        cls.purchases = {}
        Engine = type(cls.env["kam.class.engine"])
        cls.startClassPatcher(
            patch.object(
                Engine,
                "_kam_yearly_purchases",
                lambda self, company, partners: {
                    pid: amount for (cid, pid), amount in cls.purchases.items() if cid == company.id
                },
            )
        )
        cls.groups = {
            "procurement": cls.env.ref("key_account_mgmt.stakeholder_group_procurement"),
            "project": cls.env.ref("key_account_mgmt.stakeholder_group_project_managers"),
            "marketing": cls.env.ref("key_account_mgmt.stakeholder_group_marketing"),
        }

    def setUp(self):
        super().setUp()
        self.purchases.clear()

    @classmethod
    def _customer(cls, name, turnover=0.0, installers=0, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "customer_turnover": turnover,
                "installer_count": installers,
                "kam_turnover_currency_id": cls.company.currency_id.id,
                **vals,
            }
        )

    @classmethod
    def _event(cls, name, start, partners, active=True):
        """A one-hour calendar meeting with ``partners``; no invitations are mailed."""
        return (
            cls.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": name,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "partner_ids": [(6, 0, partners.ids)],
                    "active": active,
                }
            )
        )

    @classmethod
    def _contact(cls, customer, name, group_key):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "parent_id": customer.id,
                "type": "contact",
                "kam_stakeholder_group_id": cls.groups[group_key].id,
            }
        )

    def _set_purchases(self, partner, amount, company=None):
        self.purchases[((company or self.company).id, partner.id)] = amount

    def _recompute(self, partners, company=None):
        self.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=company or self.company, partners=partners
        )
        partners.invalidate_recordset()

    def _class_in(self, partner, company=None):
        return partner.with_company(company or self.company).abc_class
