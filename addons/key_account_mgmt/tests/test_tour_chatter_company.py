"""The partner's chatter, loaded by the web client, shows the reminders of the companies
selected in the company switcher only (an HTTP test: it needs Odoo's server)."""

from odoo.tests import new_test_user, tagged

from .tour_case import TOUR_TAG, KamTourCase

BEHIND_TYPE = "key_account_mgmt.mail_activity_type_kam_meetings_behind"


@tagged("post_install", "-at_install", TOUR_TAG)
class TestChatterCompany(KamTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fi = cls.env.ref("base.main_company")
        cls.se = cls.env["res.company"].create({"name": "Chatter Sverige AB"})
        cls.kam = new_test_user(
            cls.env,
            login="chatter_kam",
            groups="sales_team.group_sale_salesman",
            company_id=cls.fi.id,
            company_ids=[(6, 0, (cls.fi | cls.se).ids)],
        )
        cls.account = cls.env["res.partner"].create(
            {"name": "Kaksi Maata Oy", "is_company": True, "user_id": cls.kam.id}
        )
        activity_type = cls.env.ref(BEHIND_TYPE)
        for company in (cls.fi, cls.se):
            cls.env["mail.activity"].create(
                {
                    "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                    "res_id": cls.account.id,
                    "activity_type_id": activity_type.id,
                    "user_id": cls.kam.id,
                    "summary": f"Behind meeting targets in {company.name}",
                    "kam_company_id": company.id,
                }
            )

    def _chatter_summaries(self, cids):
        self.authenticate("chatter_kam", "chatter_kam")
        self.opener.cookies.set("cids", cids)
        result = self.make_jsonrpc_request(
            "/mail/thread/data",
            {
                "thread_model": "res.partner",
                "thread_id": self.account.id,
                "request_list": ["activities"],
            },
        )
        return sorted(a["summary"] for a in result.get("mail.activity", []))

    def test_chatter_shows_the_switcher_companies_reminders(self):
        self.assertEqual(
            self._chatter_summaries(str(self.fi.id)),
            [f"Behind meeting targets in {self.fi.name}"],
        )
        self.assertEqual(
            self._chatter_summaries(str(self.se.id)),
            [f"Behind meeting targets in {self.se.name}"],
        )
        self.assertEqual(
            self._chatter_summaries(f"{self.fi.id}-{self.se.id}"),
            sorted(f"Behind meeting targets in {c.name}" for c in (self.fi, self.se)),
        )
