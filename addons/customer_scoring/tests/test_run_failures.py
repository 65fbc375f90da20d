from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import AS_OF, ScoringCommon

LOGGER = "odoo.addons.customer_scoring.models.customer_score_run"


@tagged("post_install", "-at_install")
class TestRunFailures(ScoringCommon):
    """A company whose data makes its run raise: the others are scored, its rows stay as
    they were, and the button and the scheduled action name it.

    The bad data is a setting stored past its check through SQL, as an import or an old
    migration can leave it: "lost after" 30,000 months puts the start of the lost period
    in a year before 1, which no date holds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        cls.second = cls.env["res.company"].create({"name": "Toinen Oy", "currency_id": eur.id})
        cls.third = cls.env["res.company"].create({"name": "Kolmas Oy", "currency_id": eur.id})
        for company in cls.second | cls.third:
            cls.env["account.chart.template"].try_loading("fi", company=company, install_demo=False)
        cls.companies = cls.company | cls.second | cls.third
        cls.env.user.company_ids |= cls.companies
        for company, amount in ((cls.company, 100.0), (cls.second, 200.0), (cls.third, 300.0)):
            cls._invoice(cls.alpha, "2025-05-02", [(cls.product_a, 2, amount)], company=company)
            cls._invoice(cls.beta, "2025-06-02", [(cls.product_b, 1, amount)], company=company)
        cls.manager = new_test_user(
            cls.env,
            login="cs_failure_manager",
            groups="base.group_user,customer_scoring.group_scoring_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.companies.ids)],
        )

    def _break(self, company):
        self.env.cr.execute(
            "UPDATE res_company SET score_lost_months = 30000 WHERE id = %s", [company.id]
        )
        self.env.invalidate_all()

    def _rows(self, company):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT partner_id, date_computed, revenue_12m, score, ctid::text
                 FROM customer_score WHERE company_id = %s ORDER BY partner_id""",
            [company.id],
        )
        return self.env.cr.fetchall()

    def _dates(self, company):
        return {row[1] for row in self._rows(company)}

    def test_button_scores_the_others_and_names_the_failed_company(self):
        Score = self.env["customer.score"]
        with freeze_time(AS_OF - timedelta(days=1)):
            Score.compute_scores(companies=self.companies)
        before = self._rows(self.second)
        self.assertLessEqual({self.alpha.id, self.beta.id}, {row[0] for row in before})
        self._break(self.second)
        scorer = Score.with_user(self.manager).with_context(
            allowed_company_ids=[self.company.id, self.second.id, self.third.id]
        )
        with freeze_time(AS_OF), self.assertLogs(LOGGER, level="ERROR") as logs:
            action = scorer.action_recompute_scores()
        self.assertIn("Customer scoring of Toinen Oy failed", logs.output[0])
        self.assertIn("year -475 is out of range", logs.output[0])
        # The first and the last company are scored as of today, the middle one kept its
        # rows of yesterday untouched.
        self.assertEqual(self._dates(self.company), {AS_OF})
        self.assertEqual(self._dates(self.third), {AS_OF})
        self.assertEqual(self._rows(self.second), before)
        params = action["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn("Toinen Oy", params["message"])
        self.assertIn("year -475 is out of range", params["message"])
        self.assertNotIn("Kolmas Oy", params["message"])
        scored = Score.search_count([("company_id", "in", (self.company | self.third).ids)])
        self.assertTrue(params["message"].startswith(f"{scored} customer scores recomputed."))
        runs = self.env["customer.score.run"].search([("date", "=", AS_OF)])
        self.assertEqual(
            {run.company_id: run.state for run in runs},
            {self.company: "done", self.second: "failed", self.third: "done"},
        )
        failed = runs.filtered(lambda run: run.state == "failed")
        self.assertIn("year -475 is out of range", failed.message)
        # The manager finds it in Customer Scoring > Scoring Runs, under "Failed".
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_scoring.action_customer_score_run"
        )
        Run = self.env["customer.score.run"].with_user(self.manager)
        self.assertIn("message", Run.get_views([(False, "list")])["models"][Run._name]["fields"])
        listed = Run.with_context(allowed_company_ids=self.companies.ids).search_read(
            [("state", "=", "failed")], ["company_id", "message"]
        )
        self.assertEqual(action["res_model"], Run._name)
        self.assertEqual([row["company_id"][0] for row in listed], [self.second.id])
        # The setting repaired, the next press scores it and clears the failure.
        self.env.cr.execute(
            "UPDATE res_company SET score_lost_months = 18 WHERE id = %s", [self.second.id]
        )
        self.env.invalidate_all()
        with freeze_time(AS_OF):
            action = scorer.action_recompute_scores()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self._dates(self.second), {AS_OF})
        self.assertEqual((failed.state, failed.message), ("done", False))

    def test_scheduled_run_moves_on_and_reports_the_failed_company(self):
        Score = self.env["customer.score"]
        Run = self.env["customer.score.run"]
        companies = self.env["res.company"].search([])
        self.assertGreaterEqual(len(companies), 3)
        bad = companies[1]
        with freeze_time(AS_OF - timedelta(days=1)):
            Score.compute_scores(companies=companies)
        before = self._rows(bad)
        self._break(bad)
        with freeze_time(AS_OF):
            self.assertEqual(Score._cron_compute_scores(), len(companies) - 1)
            with self.assertLogs(LOGGER, level="ERROR") as logs:
                self.assertEqual(Score._cron_compute_scores(), len(companies) - 2)
            self.assertIn(f"Customer scoring of {bad.name} failed", logs.output[0])
            self.assertEqual(Run.search([("company_id", "=", bad.id)], limit=1).state, "failed")
            with self.assertLogs(LOGGER, level="ERROR") as logs:
                remaining, calls = len(companies) - 2, 0
                while remaining and calls < 20:
                    remaining = Score._cron_compute_scores()
                    calls += 1
            self.assertEqual(remaining, 0)
            self.assertEqual(calls, len(companies) - 2)
            # The last call says which company failed.
            self.assertIn(f"done except for {bad.name}", logs.output[-1])
            # A call after that does not try the failed company again today.
            with self.assertNoLogs(LOGGER, level="ERROR"):
                self.assertEqual(Score._cron_compute_scores(), 0)
        runs = Run.search([("date", "=", AS_OF)])
        self.assertEqual(runs.company_id, companies)
        self.assertEqual(
            {run.company_id for run in runs if run.state == "failed"}, {bad}, runs.mapped("state")
        )
        for company in companies - bad:
            self.assertEqual(self._dates(company), {AS_OF}, company.name)
        self.assertEqual(self._rows(bad), before)
