from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date
from odoo.tools.safe_eval import safe_eval, time

from .common import SALESPERSON_GROUPS, KamCase

NOW = datetime(2026, 6, 15, 12, 0)
BEHIND_TYPE = "key_account_mgmt.mail_activity_type_kam_meetings_behind"
REVIEW_TYPE = "key_account_mgmt.mail_activity_type_kam_review_key_account"
# Finnish groups thousands with a space (the ORM may give a no-break one).
SPACE = "(?: |\N{NO-BREAK SPACE}|\N{NARROW NO-BREAK SPACE}|&nbsp;)"


@tagged("post_install", "-at_install")
class TestKamFinnish(KamCase):
    """A Finnish-speaking KAM gets his reminders, reasons and printed plans in Finnish."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        modules = ["key_account_mgmt"]
        if "customer.score" in cls.env:
            modules.append("customer_scoring")
        cls.env["ir.module.module"]._load_module_terms(modules, ["fi_FI"], overwrite=True)
        cls.kam_fi = new_test_user(
            cls.env,
            login="kam_fi",
            name="Kalle Kotimainen",
            groups=SALESPERSON_GROUPS,
            lang="fi_FI",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company2).ids)],
        )
        cls.account = cls._customer(
            "Suomi Oy", is_key_account=True, key_account_manager_id=cls.kam_fi.id
        )
        cls.account.abc_class_manual = "A"
        contact = cls._contact(cls.account, "Pirjo Procurement", "procurement")
        cls._event("held", datetime(2026, 3, 1, 9), contact)

    def _activity(self, type_xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.account.id),
                ("activity_type_id", "=", self.env.ref(type_xmlid).id),
                ("kam_company_id", "=", self.company.id),
            ]
        )

    @freeze_time(NOW)
    def test_meeting_reminder_in_finnish(self):
        self.env["kam.meeting.status"]._cron_kam_meeting_reminders()
        activity = self._activity(BEHIND_TYPE)
        self.assertEqual(activity.user_id, self.kam_fi)
        self.assertEqual(
            activity.summary,
            f"Tapaamistavoitteista jäljessä yrityksessä {self.company.name}: "
            "suunnittele tapaamisia",
        )
        self.assertIn("1 / 4 pidetty, 0 suunniteltu", activity.note)

    @freeze_time(NOW)
    def test_review_reason_in_finnish_with_finnish_numbers(self):
        self.env["res.partner"]._cron_kam_review_key_accounts()
        activity = self._activity(REVIEW_TYPE)
        self.assertTrue(activity.summary.startswith("Tarkista avainasiakkuus yrityksessä"))
        note = activity.note
        self.assertIn("0 / 3 kriteeriä täyttyy", note)
        # 200,000.00 in Finnish: 200 000,00 (space groups, comma decimals).
        self.assertRegex(note, f"200{SPACE}000,00")
        self.assertNotIn("200,000.00", note)
        # Read by the Finnish KAM in the web client: the same text, in Finnish.
        reason = self.account.with_user(self.kam_fi).with_context(lang="fi_FI")
        self.assertIn("kriteeriä täyttyy", reason.kam_review_key_account_reason)
        english = self.account.with_user(self.salesperson).with_context(lang="en_US")
        self.assertIn("criteria met", english.kam_review_key_account_reason)
        self.assertIn("200,000.00", english.kam_review_key_account_reason)

    def test_overserved_reason_in_finnish_number_format(self):
        self.company.write({"kam_overserved_hours_b": 20.0, "kam_overserved_meeting_factor": 0})
        self.account.with_user(self.manager).abc_class_manual = "B"
        plan = self.env["kam.account.plan"].create(
            {
                "name": "Suunnitelma",
                "partner_id": self.account.id,
                "resource_ids": [
                    Command.create({"user_id": self.kam_fi.id, "hours_per_month": 20.5})
                ],
            }
        )
        plan.action_activate()
        partner = self.account.with_context(lang="fi_FI")
        partner.invalidate_recordset()
        self.assertEqual(
            partner.kam_overserved_reason,
            "Voimassa olevassa asiakassuunnitelmassa 20,5 resurssituntia kuukaudessa, "
            "enemmän kuin luokan B raja 20.",
        )

    def test_plan_review_chatter_and_reminder_in_the_kam_language(self):
        plan = self.env["kam.account.plan"].create(
            {
                "name": "Suunnitelma 2026",
                "partner_id": self.account.id,
                "date_start": date(2026, 1, 1),
            }
        )
        plan.action_activate()
        reminder = plan.activity_ids
        self.assertEqual(
            reminder.summary, "Asiakassuunnitelman Suunnitelma 2026 neljännesvuosikatselmointi"
        )
        self.env["kam.account.plan.review"].create({"plan_id": plan.id, "date": date(2026, 3, 5)})
        message = plan.message_ids.filtered(
            lambda m: "Neljännesvuosikatselmointi" in (m.body or "")
        )
        self.assertTrue(message)
        self.assertIn("05.03.2026", message.body)
        self.assertIn("05.06.2026", message.body)

    def test_service_level_text_in_finnish(self):
        text = self.account.with_context(lang="fi_FI").kam_service_level_text
        self.assertIn("Vasteaika: Samana työpäivänä", text)
        self.assertIn("Asiakaskäynti kerran kuukaudessa", text)
        self.assertNotIn("Response time:", text)
        english = self.account.with_context(lang="en_US")
        self.assertIn("Response time: Same working day", english.kam_service_level_text)

    def test_new_company_gets_finnish_service_levels(self):
        company = self.env["res.company"].create({"name": "Kolmas Oy"})
        level = self.env["kam.service.level"].search(
            [("company_id", "=", company.id), ("abc_class", "=", "C")]
        )
        self.assertEqual(
            level.with_context(lang="fi_FI").visit_frequency, "Enintään kerran vuodessa"
        )
        self.assertEqual(level.with_context(lang="en_US").visit_frequency, "At most once a year")

    def test_class_history_reason_in_the_company_language(self):
        self.company.partner_id.lang = "fi_FI"
        customer = self._customer("Historia Oy", turnover=30_000_000, installers=80)
        history = customer.abc_class_history_ids.filtered(lambda h: h.company_id == self.company)
        self.assertEqual(history.new_class, "A")
        self.assertIn("Laskettu luokka A", history.reason)
        self.assertRegex(history.reason, f"30{SPACE}000{SPACE}000,00")

    def test_printed_plan_in_finnish(self):
        plan = self.env["kam.account.plan"].create(
            {
                "name": "Suunnitelma 2026",
                "partner_id": self.account.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "goal_ids": [
                    Command.create(
                        {"name": "Kasvu", "value_type": "amount", "target_value": 100_000}
                    )
                ],
            }
        )
        Report = self.env["ir.actions.report"].with_user(self.kam_fi).with_context(lang="fi_FI")
        content, _fmt = Report._render_qweb_html(
            "key_account_mgmt.report_kam_account_plan", plan.ids
        )
        text = content.decode()
        self.assertIn("Asiakassuunnitelma:", text)
        self.assertIn("<strong>Luokka:</strong>", text)
        self.assertRegex(text, f"100{SPACE}000,00")
        report = self.env.ref("key_account_mgmt.action_report_kam_account_plan")
        fi_plan = plan.with_user(self.kam_fi).with_context(lang="fi_FI")
        name = safe_eval(report.print_report_name, {"object": fi_plan, "time": time})
        self.assertEqual(name, "Suunnitelma 2026 - Suomi Oy - 01.01.2026\N{EN DASH}31.12.2026")
        self.assertEqual(format_date(fi_plan.env, date(2026, 1, 1)), "01.01.2026")
