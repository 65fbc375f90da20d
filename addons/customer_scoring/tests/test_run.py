from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import AS_OF, ScoringCommon

COMPARED = (
    "partner_id",
    "company_id",
    "revenue_12m",
    "revenue_prev_12m",
    "revenue_growth",
    "margin_12m",
    "margin_percent",
    "invoice_count_12m",
    "avg_order_value",
    "last_invoice_date",
    "recency_days",
    "avg_days_late",
    "share_of_company_revenue",
    "abc_value_class",
    "score",
    "clv",
    "lifecycle_stage",
    "date_computed",
    "is_concentration_risk",
    "retention_rate",
)


class MainInvoicesCase(ScoringCommon):
    """The main company's invoices of common.py, and the rows of a run as plain values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The scheduled action's inline run also where customer_scoring_queue is installed
        # (it queues the run instead; its own tests cover that).
        cls.env = cls.env(context=dict(cls.env.context, customer_scoring_inline=True))
        cls._create_main_invoices()

    def _snapshot(self):
        rows = self.env["customer.score"].search(
            [("company_id", "=", self.company.id)], order="partner_id"
        )
        return rows.read(list(COMPARED))


@tagged("post_install", "-at_install")
class TestRun(MainInvoicesCase):
    def test_batches_give_the_same_rows(self):
        """A run for given partners goes in batches of the batch size (a full run works
        per company in SQL): one partner per batch and all in one batch both write the
        rows of the full run."""
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)

        def rows():
            # The rows are written anew: their ids change, not their values.
            return [{k: v for k, v in row.items() if k != "id"} for row in self._snapshot()]

        full = rows()
        ids = sorted(row["partner_id"][0] for row in full)
        self.assertGreaterEqual(len(ids), 3)
        customers = self.env["res.partner"].browse(ids)
        score_class = type(Score)
        original = score_class._compute_batch
        batches = []

        def spy(model, company, partner_ids, date, source=None):
            batches.append(list(partner_ids))
            return original(model, company, partner_ids, date, source=source)

        for batch_size, expected in ((1, [[i] for i in ids]), (5000, [ids])):
            # No rows left: every row is written again by this run.
            self.env.cr.execute(
                "DELETE FROM customer_score WHERE company_id = %s", [self.company.id]
            )
            self.env.invalidate_all()
            batches.clear()
            with patch.object(score_class, "_compute_batch", spy):
                Score.compute_scores(
                    companies=self.company, partners=customers, date=AS_OF, batch_size=batch_size
                )
            self.assertEqual(batches, expected, batch_size)
            self.assertEqual(rows(), full, batch_size)

    def test_second_run_at_the_same_time_is_refused(self):
        self.env["customer.score"]._acquire_lock()
        with self.env.registry.cursor() as other_cr:
            other_env = self.env(cr=other_cr)
            with self.assertRaisesRegex(UserError, "already running"):
                other_env["customer.score"].compute_scores(companies=self.company, date=AS_OF)

    def test_partial_run_reclassifies_only_its_partners(self):
        """A run for given partners hands only those to the class recomputation; a full
        run hands those whose inputs moved (see the next test)."""
        partner_class = type(self.env["kam.class.engine"])
        original = partner_class._kam_recompute_abc_classes
        calls = []

        def spy(model, company=None, partners=None):
            calls.append((company, partners))
            return original(model, company=company, partners=partners)

        with patch.object(partner_class, "_kam_recompute_abc_classes", spy):
            scorer = self.env["customer.score"]
            scorer.compute_scores(companies=self.company, partners=self.alpha_contact, date=AS_OF)
            scorer.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls[0][0], self.company)
        self.assertEqual(calls[0][1], self.alpha)
        # Nobody but Alpha has a class yet: the full run hands everyone (None).
        self.assertIsNone(calls[1][1])

    def test_full_run_reclassifies_only_moved_inputs(self):
        """A full run hands the class recomputation the customers whose inputs moved (the
        12-month revenue, the value class, no class yet), nothing when nothing moved, and
        everyone when the company's class rule or the rate of a turnover currency changed."""
        engine_class = type(self.env["kam.class.engine"])
        original = engine_class._kam_recompute_abc_classes
        calls = []

        def spy(model, company=None, partners=None):
            calls.append(partners)
            return original(model, company=company, partners=partners)

        scorer = self.env["customer.score"]
        self.beta.write({"customer_turnover": 5_000_000.0, "kam_turnover_currency_id": self.sek.id})
        # 30 installers: one criterion of class B (above 20) of the two it needs.
        self.gamma.installer_count = 30
        with patch.object(engine_class, "_kam_recompute_abc_classes", spy):
            scorer.compute_scores(companies=self.company, date=AS_OF)
            self.assertIsNone(calls[-1], "the first run classifies every customer")
            calls.clear()
            scorer.compute_scores(companies=self.company, date=AS_OF)
            self.assertEqual(calls, [], "nothing moved: nobody to reclassify")
            self.company.kam_b_min_purchases = 50.0
            scorer.compute_scores(companies=self.company, date=AS_OF)
            self.assertEqual(calls, [None], "a new threshold reclassifies every customer")
            calls.clear()
            # Beta's turnover is in SEK: a new rate today moves its class input.
            self.env["res.currency.rate"].create(
                {
                    "name": fields.Date.context_today(self.env.user),
                    "rate": 13.0,
                    "currency_id": self.sek.id,
                    "company_id": self.company.id,
                }
            )
            scorer.compute_scores(companies=self.company, date=AS_OF)
            self.assertEqual(calls, [None], "a new rate of a turnover currency: everyone")
            calls.clear()
            self._invoice(self.gamma, "2025-06-20", [(self.product_a, 1, 100.0)])
            scorer.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(len(calls), 1)
        self.assertIn(self.gamma, calls[0])
        self.assertNotIn(self.delta, calls[0], "Delta's revenue did not move")
        # Gamma's 100 EUR are above the new B threshold, its second criterion: class B,
        # with its history row.
        self.env.invalidate_all()
        self.assertEqual(self.gamma.abc_class_computed, "B")
        self.assertEqual(self.gamma.abc_class_history_ids[:1].new_class, "B")

    def test_class_inputs_remembered_beside_the_rows(self):
        """The inputs the classes were computed from are kept per customer and company,
        equal to its score row's, and leave with the row (archived customer, full run)."""
        scorer = self.env["customer.score"]
        scorer.compute_scores(companies=self.company, date=AS_OF)

        def inputs():
            self.env.cr.execute(
                """SELECT partner_ref, revenue, value_class FROM customer_score_class_input
                    WHERE company_ref = %s""",
                [self.company.id],
            )
            return {pid: (float(revenue), value) for pid, revenue, value in self.env.cr.fetchall()}

        rows = scorer.search([("company_id", "=", self.company.id)])
        self.assertTrue(rows)
        self.assertEqual(
            inputs(),
            {row.partner_id.id: (row.revenue_12m, row.abc_value_class) for row in rows},
        )
        self.assertIn(self.alpha.id, inputs())
        self.alpha.action_archive()
        scorer.compute_scores(companies=self.company, date=AS_OF)
        self.assertNotIn(self.alpha.id, inputs())
        self.assertIn(self.beta.id, inputs())

    def test_archived_customer_loses_its_row_on_the_next_full_run(self):
        scorer = self.env["customer.score"]
        scorer.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(len(self.row(self.alpha)), 1)
        self.alpha.action_archive()
        rows = scorer.compute_scores(companies=self.company, date=AS_OF)
        self.assertFalse(self.row(self.alpha))
        self.assertNotIn(self.alpha, rows.partner_id)
        # Other customers keep their rows.
        self.assertEqual(len(self.row(self.beta)), 1)

    def test_scheduled_run_drops_archived_customers_too(self):
        """The scheduled action and the button give the same rows: an archived customer's
        last row leaves both, before the company-wide shares and ranks are taken."""
        Score = self.env["customer.score"]
        # Rows of the day before: today's scheduled run has every company still to do.
        Score.compute_scores(companies=self.company, date=AS_OF - timedelta(days=1))
        self.assertTrue(self.row(self.alpha))
        self.alpha.action_archive()
        with freeze_time(AS_OF):
            remaining, calls = 1, 0
            while remaining and calls < 50:
                remaining = Score._cron_compute_scores(batch_size=2)
                calls += 1
        self.assertEqual(remaining, 0)
        self.assertFalse(self.row(self.alpha))
        by_cron = self._snapshot()
        self.assertAlmostEqual(
            sum(row["share_of_company_revenue"] for row in by_cron), 100.0, places=1
        )
        Score.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(self._snapshot(), by_cron)

    def test_window_edges(self):
        Score = self.env["customer.score"]
        # As of 2025-07-01 the 12 months start 2024-07-02: the 2024-07-01 invoice drops out.
        row = Score.compute_scores(
            companies=self.company, partners=self.alpha, date=date(2025, 7, 1)
        )
        self.assertEqual(row.revenue_12m, 1200.0)
        self.assertEqual(row.revenue_prev_12m, 350.0)
        # As of 2025-06-29 the invoice of 2024-06-30 is inside the 12 months.
        row = Score.compute_scores(
            companies=self.company, partners=self.alpha, date=date(2025, 6, 29)
        )
        self.assertEqual(row.revenue_12m, 1550.0)
        # As of 2025-03-09 nothing after that date counts.
        row = Score.compute_scores(
            companies=self.company, partners=self.alpha, date=date(2025, 3, 9)
        )
        self.assertEqual(row.revenue_12m, 350.0)
        self.assertEqual(row.last_invoice_date, date(2024, 7, 1))


@tagged("post_install", "-at_install")
class TestScheduledRun(MainInvoicesCase):
    """The scheduled action and the button: the same full run of each company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create(
            {"name": "Toinen Oy", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.env["account.chart.template"].try_loading("fi", company=cls.other, install_demo=False)
        cls.env.user.company_ids |= cls.other
        cls._invoice(cls.alpha, "2025-05-02", [(cls.product_b, 4, 90.0)], company=cls.other)
        cls._invoice(cls.gamma, "2025-06-02", [(cls.product_a, 1, 30.0)], company=cls.other)

    def test_cron_resumes_after_stop_with_identical_rows(self):
        """The scheduled action runs one company per call; a call that fails halfway
        (its transaction rolled back) leaves the companies done before it done, and the
        next call runs the failed company again."""
        Score = self.env["customer.score"]
        Run = self.env["customer.score.run"]
        companies = self.env["res.company"].search([])
        with freeze_time(AS_OF):
            remaining = Score._cron_compute_scores()
            self.assertEqual(remaining, len(companies) - 1)
            first = Run.search([("date", "=", AS_OF)])
            self.assertEqual(first.company_id, companies[0])
            self.assertEqual(first.state, "done")
            self.assertEqual(
                first.done_count, Score.search_count([("company_id", "=", companies[0].id)])
            )
            # The next company's run fails before it is done: nothing of it stays.
            with (
                patch.object(type(Score), "_record_runs", side_effect=RuntimeError("stop")),
                self.assertRaises(RuntimeError),
                self.env.cr.savepoint(),
            ):
                Score._cron_compute_scores()
            self.env.invalidate_all()
            self.assertEqual(Run.search([("date", "=", AS_OF)]), first)
            self.assertFalse(Score.search_count([("company_id", "=", companies[1].id)]))
            calls = 0
            while remaining and calls < 50:
                remaining = Score._cron_compute_scores()
                calls += 1
            self.assertEqual(remaining, 0)
            self.assertEqual(calls, len(companies) - 1)
            runs = Run.search([("date", "=", AS_OF)])
            self.assertEqual(runs.company_id, companies)
            self.assertEqual(set(runs.mapped("state")), {"done"})
            by_cron = self._snapshot()
            # A call after every company is done changes nothing.
            self.assertEqual(Score._cron_compute_scores(), 0)
            self.assertEqual(self._snapshot(), by_cron)
            Score.compute_scores(companies=companies, date=AS_OF)
        self.assertEqual(self._snapshot(), by_cron)
        alpha = next(r for r in by_cron if r["partner_id"][0] == self.alpha.id)
        self.assertEqual(alpha["revenue_12m"], 1250.0)

    def test_cron_and_button_write_identical_rows(self):
        """Every stored column of every row, and the customers' classes: the button's run
        of all the companies at once, and the scheduled action's run of one company per
        call, stopped after the first company and called again, on the same data."""
        Score = self.env["customer.score"]
        companies = self.env["res.company"].search([])
        meta = ("id", "create_uid", "create_date", "write_uid", "write_date")
        columns = [
            name for name, field in Score._fields.items() if field.store and name not in meta
        ]

        def rows():
            self.env.invalidate_all()
            found = Score.search(
                [("company_id", "in", companies.ids)], order="company_id, partner_id"
            )
            # The rows are written anew: their ids change, not their values.
            return [
                {k: v for k, v in row.items() if k != "id"}
                for row in found.read(columns, load=None)
            ]

        def classes():
            self.env.cr.execute(
                "SELECT id, abc_class_computed::text, abc_class::text FROM res_partner ORDER BY id"
            )
            return self.env.cr.fetchall()

        with freeze_time(AS_OF):
            Score.compute_scores(companies=companies, date=AS_OF)
            by_button, button_classes = rows(), classes()
            self.assertTrue(any(computed for _id, computed, _final in button_classes))
            self.assertEqual({row["company_id"] for row in by_button}, set(companies.ids))
            self.env.cr.execute("DELETE FROM customer_score")
            self.env.cr.execute("DELETE FROM customer_score_run")
            # The classes too: the scheduled run gives them again.
            self.env.cr.execute(
                "UPDATE res_partner SET abc_class_computed = NULL, abc_class = NULL"
            )
            self.env.invalidate_all()
            remaining = Score._cron_compute_scores()
            self.assertEqual(remaining, len(companies) - 1)
            self.assertEqual({row["company_id"] for row in rows()}, {companies[0].id})
            calls = 0
            while remaining and calls < 50:
                remaining = Score._cron_compute_scores()
                calls += 1
            self.assertEqual(rows(), by_button)
            self.assertEqual(classes(), button_classes)


@tagged("post_install", "-at_install")
class TestAbcBoundaries(ScoringCommon):
    def _rows(self, company, revenues):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(len(revenues))]
        )
        rows = self.env["customer.score"].create(
            [
                {
                    "partner_id": p.id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "revenue_12m": revenue,
                }
                for p, revenue in zip(partners, revenues, strict=True)
            ]
        )
        self.env["customer.score"]._finalize_company(company, AS_OF)
        return [rows.filtered(lambda r, p=p: r.partner_id == p).abc_value_class for p in partners]

    def test_exact_boundaries(self):
        company = self.env["res.company"].create({"name": "ABC Test Oy"})
        # Cumulative 80 % (A, exactly on the bound), 95 % (B, exactly), 100 % (C); no revenue C.
        self.assertEqual(self._rows(company, [800, 150, 50, 0]), ["A", "B", "C", "C"])

    def test_just_above_boundaries(self):
        company = self.env["res.company"].create({"name": "ABC Test 2 Oy"})
        # 50 (50 %) A, 31 (81 %) B, 14 (95 %) B, 5 (100 %) C; a net refund is C.
        self.assertEqual(self._rows(company, [50, 31, 14, 5, -10]), ["A", "B", "B", "C", "C"])

    def test_fine_tiers(self):
        company = self.env["res.company"].create(
            {"name": "ABC Test 3 Oy", "score_abc_fine_tiers": True}
        )
        # AAA up to 30 %, AA up to 60 %, A up to 80 %.
        self.assertEqual(self._rows(company, [30, 30, 20, 15, 5]), ["AAA", "AA", "A", "B", "C"])


@tagged("post_install", "-at_install")
class TestSettings(ScoringCommon):
    def test_weights_must_sum_to_100(self):
        with self.assertRaisesRegex(ValidationError, "add up to 90"):
            self.company.score_weight_revenue = 20
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.company.write({"score_weight_revenue": -10, "score_weight_growth": 50})

    def test_settings_save_all_weights_together(self):
        settings = self.env["res.config.settings"].create(
            {"score_weight_revenue": 20, "score_weight_growth": 20}
        )
        settings.execute()
        self.assertEqual(self.company.score_weight_revenue, 20)
        self.assertEqual(self.company.score_weight_growth, 20)
        self.env.flush_all()
        # The weights are saved with the page (the first request), so a wrong sum is
        # refused there, before the button runs.
        with self.assertRaisesRegex(ValidationError, "add up to 130"):
            self.env["res.config.settings"].create({"score_weight_revenue": 50})
        self.env.invalidate_all(flush=False)
        self.env.cr.execute(
            "SELECT score_weight_revenue FROM res_company WHERE id = %s", [self.company.id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 20, "nothing written")

    def test_bad_abc_and_thresholds_refused(self):
        with self.assertRaises(ValidationError):
            self.company.score_abc_a_share = 96.0  # above B
        with self.assertRaises(ValidationError):
            self.company.score_concentration_threshold = 0.0
        with self.assertRaises(ValidationError):
            self.company.score_lost_months = 0


@tagged("post_install", "-at_install")
class TestFinalizeRewrites(MainInvoicesCase):
    """The company-wide update rewrites only the rows whose figures moved."""

    def _ctids(self):
        self.env.cr.execute(
            "SELECT id, ctid::text FROM customer_score WHERE company_id = %s", [self.company.id]
        )
        return dict(self.env.cr.fetchall())

    def test_unchanged_rows_not_rewritten(self):
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)
        before = self._ctids()
        self.assertTrue(before)
        Score._finalize_company(self.company, AS_OF)
        self.assertEqual(self._ctids(), before)

    def test_moved_row_is_repaired(self):
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)
        expected = self._snapshot()
        self.env.cr.execute(
            """UPDATE customer_score SET score = 0, abc_value_class = NULL, clv = 0
                WHERE company_id = %s AND partner_id = %s""",
            [self.company.id, self.alpha.id],
        )
        before = self._ctids()
        Score._finalize_company(self.company, AS_OF)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(), expected)
        after = self._ctids()
        moved = [row_id for row_id, ctid in after.items() if before[row_id] != ctid]
        alpha_row = Score.search(
            [("company_id", "=", self.company.id), ("partner_id", "=", self.alpha.id)]
        )
        self.assertEqual(moved, alpha_row.ids)

    def test_partial_run_rewrites_only_its_rows(self):
        """A run for given partners writes their rows only, placed among all the rows;
        the others keep their shares until the next full run."""
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)
        beta_share = self.row(self.beta).share_of_company_revenue
        before = self._ctids()
        self._invoice(self.alpha, "2025-06-01", [(self.product_a, 10, 100.0)])
        Score.compute_scores(companies=self.company, partners=self.alpha, date=AS_OF)
        self.env.invalidate_all()
        after = self._ctids()
        moved = [row_id for row_id, ctid in after.items() if before[row_id] != ctid]
        alpha = self.row(self.alpha)
        self.assertEqual(moved, alpha.ids)
        self.assertEqual(alpha.revenue_12m, 2250.0)
        total = sum(Score.search([("company_id", "=", self.company.id)]).mapped("revenue_12m"))
        self.assertAlmostEqual(alpha.share_of_company_revenue, round(2250 / total * 100, 2))
        self.assertEqual(self.row(self.beta).share_of_company_revenue, beta_share)
        Score.compute_scores(companies=self.company, date=AS_OF)
        self.assertAlmostEqual(
            self.row(self.beta).share_of_company_revenue, round(100 / total * 100, 2)
        )
        self.assertNotEqual(self.row(self.beta).share_of_company_revenue, beta_share)

    def test_marked_run_leaves_companies_without_marks_alone(self):
        other = self.env["res.company"].create({"name": "Toinen Oy"})
        companies = self.company | other
        Score = self.env["customer.score"]
        Score.compute_scores(companies=companies, date=AS_OF)
        self.env.cr.execute(
            "SELECT id, ctid::text FROM customer_score WHERE company_id = %s", [other.id]
        )
        before = dict(self.env.cr.fetchall())
        self.assertTrue(before)
        self._invoice(self.beta, "2025-06-01", [(self.product_a, 1, 100.0)])
        rows = Score.compute_scores(companies=companies, only_marked=True, date=AS_OF)
        self.assertEqual(rows.company_id, self.company)
        self.assertEqual(rows.partner_id, self.beta)
        self.env.cr.execute(
            "SELECT id, ctid::text FROM customer_score WHERE company_id = %s", [other.id]
        )
        self.assertEqual(dict(self.env.cr.fetchall()), before)

    def test_second_run_same_day_rewrites_nothing(self):
        """Running again on the same day writes no row (nothing moved); the next day every
        row gets its new "as of" date."""
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)
        before = self._ctids()
        Score.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(self._ctids(), before)
        rows = Score.compute_scores(companies=self.company, date=AS_OF + timedelta(days=1))
        after = self._ctids()
        self.assertTrue(all(after[row_id] != ctid for row_id, ctid in before.items()))
        self.assertEqual(set(rows.mapped("date_computed")), {AS_OF + timedelta(days=1)})

    def test_partial_run_reuses_the_retention_of_the_full_run(self):
        Score = self.env["customer.score"]
        Score.compute_scores(companies=self.company, date=AS_OF)
        kept = self.company.score_retention_rates
        self.assertIn("*", kept)
        alpha_class = self.row(self.alpha).abc_value_class
        self.assertEqual(self.row(self.alpha).retention_rate, round(kept[alpha_class] * 100, 2))
        # A partial run takes the kept rates, not a new computation ...
        self.company.score_retention_rates = dict(kept, **{alpha_class: 0.5})
        Score.compute_scores(companies=self.company, partners=self.alpha, date=AS_OF)
        self.assertEqual(self.row(self.alpha).retention_rate, 50.0)
        # ... and the next full run computes and keeps them again.
        Score.compute_scores(companies=self.company, date=AS_OF)
        self.assertEqual(self.company.score_retention_rates, kept)
        self.assertEqual(self.row(self.alpha).retention_rate, round(kept[alpha_class] * 100, 2))
