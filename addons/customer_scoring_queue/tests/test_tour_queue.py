from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourQueue(KamTourCase):
    """A scoring manager recomputes the scores with the job queue: the button queues the
    run and says so, and Scoring Runs shows it running with its progress."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="tour_queue_manager",
            name="Tour Queue Manager",
            groups="sales_team.group_sale_manager,customer_scoring.group_scoring_manager",
            company_id=cls.env.company.id,
        )
        cls.env["res.partner"].create({"name": "Tour Queue Oy", "is_company": True})

    def test_recompute_queues_the_run(self):
        Run = self.env["customer.score.run"]
        self.start_tour("/odoo", "customer_scoring_queue_tour", login="tour_queue_manager")
        run = Run.search([("company_id", "=", self.env.company.id), ("state", "=", "running")])
        self.assertEqual(len(run), 1)
        self.assertGreater(run.total_count, 0)
        jobs = self.env["queue.job"].search([("model_name", "=", "customer.score")])
        self.assertEqual(
            set(jobs.mapped("method_name")), {"_job_score_batch", "_job_finish_company"}
        )
        # Queued as the manager: the jobs run as her (the scoring itself is sudo).
        self.assertEqual(set(jobs.mapped("user_id")), {self.manager})
