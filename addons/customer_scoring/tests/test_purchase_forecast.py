from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models.customer_clv_model import FORECAST_DIGITS
from ..tools import clv_model
from .common import AS_OF, CustomerModelCommon


@tagged("post_install", "-at_install")
class TestPurchaseForecast(CustomerModelCommon):
    """The monthly purchase forecast written by a full scoring run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_model_world("Forecast")
        cls.portal = new_test_user(cls.env, login="forecast_portal", groups="base.group_portal")

    def _forecast(self, company=None):
        return self.env["customer.purchase.forecast"].search(
            [("company_id", "=", (company or self.company).id)]
        )

    def _inject(self, company, partner, model):
        """A forecast of 1 purchase day and 50.00 a month on ``partner``'s score row of
        ``company``, written as the run writes it (SQL on the score row)."""
        self.env.cr.execute(
            """UPDATE customer_score
                  SET forecast_purchases = %s::jsonb, expected_purchase_value = %s,
                      clv_model_id = %s
                WHERE company_id = %s AND partner_id = %s""",
            [
                str([1.0] * 12),
                50.0,
                model.id if model else None,
                company.id,
                partner.id,
            ],
        )
        self.assertEqual(self.env.cr.rowcount, 1)
        self.env.invalidate_all()

    def _run(self, company=None, day=AS_OF):
        self.env["customer.score"].compute_scores(companies=company or self.company, date=day)

    def _expected_12m(self, model):
        """The model's 365-day expectation per customer, unrounded, computed afresh."""
        ids, x, t_x, T, mean_value, margin = self.env["customer.clv.model"]._purchase_summary(
            self.company, AS_OF, SQL("customer_score")
        )
        bgnbd, spend = model._fits()
        predictions = clv_model.predict_customers(bgnbd, spend, x, t_x, T, mean_value, margin)
        return dict(zip(ids, predictions.expected_purchases_12m.tolist(), strict=True))

    # ------------------------------------------------------------------
    def test_twelve_months_per_customer(self):
        self._run()
        model = self.env["customer.clv.model"].search(
            [("company_id", "=", self.company.id), ("date", "=", AS_OF)]
        )
        self.assertEqual(model.state, "fitted", model.message)
        forecast = self._forecast()
        expected = self._expected_12m(model)
        months = [date(2025, 7, 1)] + [
            date(2025 + (6 + m) // 12, (6 + m) % 12 + 1, 1) for m in range(1, 12)
        ]
        self.assertEqual(months[-1], date(2026, 6, 1))
        self.assertEqual(set(forecast.partner_id.ids), set(expected))
        for customer in self.customers:
            rows = forecast.filtered(lambda f, c=customer: f.partner_id == c).sorted("month")
            self.assertEqual(rows.mapped("month"), months, customer.name)
            self.assertEqual(rows.clv_model_id, model)
            score = self.row(customer)
            total = sum(rows.mapped("expected_purchases"))
            # 12 months of 365 / 12 days are the 365 days of expected_purchases_12m.
            # Each month is stored with FORECAST_DIGITS decimals.
            self.assertAlmostEqual(
                total,
                expected[customer.id],
                delta=1e-6 * expected[customer.id] + 12 * 0.5 * 10**-FORECAST_DIGITS,
            )
            # The score row keeps 2 decimals.
            self.assertAlmostEqual(total, score.expected_purchases_12m, delta=0.005 + 1e-9)
            for row in rows:
                self.assertGreaterEqual(row.expected_purchases, 0.0)
                self.assertAlmostEqual(
                    row.expected_revenue,
                    row.expected_purchases * score.expected_purchase_value,
                    delta=0.01 + 1e-6 * row.expected_revenue,
                )
        self.assertGreater(sum(forecast.mapped("expected_revenue")), 0.0)

    def test_second_run_replaces(self):
        self._run()
        first = self._forecast()
        self._run()
        second = self._forecast()
        # The same customers and months, each once: the run rewrote, it did not add.
        self.assertEqual(sorted(second.ids), sorted(first.ids))
        pairs = [(row.partner_id.id, row.month) for row in second]
        self.assertEqual(len(pairs), len(set(pairs)))
        # A later scoring date moves the months and still leaves 12 per customer.
        self._run(day=date(2025, 7, 15))
        later = self._forecast()
        self.assertEqual(len(later), 12 * len(set(later.partner_id.ids)))
        self.assertEqual(min(later.mapped("month")), date(2025, 8, 1))
        self.assertEqual(max(later.mapped("month")), date(2026, 7, 1))

    def test_too_few_data_no_forecast(self):
        self._run(company=self.company2)
        model = self.env["customer.clv.model"].search([("company_id", "=", self.company2.id)])
        self.assertEqual(model.state, "too_few_data")
        self.assertFalse(self._forecast(self.company2))
        # A stale forecast goes when the model can no longer be fitted.
        self._inject(self.company2, self.small[0], model)
        self.assertEqual(len(self._forecast(self.company2)), 12)
        self._run(company=self.company2)
        self.assertFalse(self._forecast(self.company2))
        self._assert_finite()

    def _assert_finite(self):
        self.env.cr.execute(
            "SELECT COUNT(*) FROM customer_purchase_forecast WHERE expected_purchases = "
            "'NaN'::float8 OR expected_purchases IN ('Infinity'::float8, '-Infinity'::float8)"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_companies_apart_and_access(self):
        self._run()
        self._run(company=self.company2)
        self._inject(self.company2, self.small[0], False)
        Forecast = self.env["customer.purchase.forecast"]
        own = Forecast.with_user(self.salesman).search([])
        self.assertTrue(own)
        self.assertEqual(own.company_id, self.company)
        self.assertEqual(len(own), len(self._forecast()))
        seller2 = new_test_user(
            self.env,
            login="forecast_seller_c2",
            groups="sales_team.group_sale_salesman",
            company_id=self.company2.id,
            company_ids=[(6, 0, self.company2.ids)],
        )
        other = Forecast.with_user(seller2).search([])
        self.assertEqual(other.company_id, self.company2)
        self.assertEqual(len(other), 12)
        accountant = new_test_user(
            self.env,
            login="forecast_accountant",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        self.assertEqual(len(Forecast.with_user(accountant).search([])), len(own))
        with self.assertRaises(AccessError):
            own[:1].with_user(self.salesman).write({"expected_revenue": 1.0})
        with self.assertRaises(AccessError):
            Forecast.with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            own[:1].with_user(self.portal).read(["expected_revenue"])

    def test_partner_button_opens_its_forecast(self):
        self._run()
        customer = self.customers[0]
        action = customer.with_user(self.salesman).action_open_purchase_forecast()
        self.assertEqual(action["res_model"], "customer.purchase.forecast")
        rows = (
            self.env["customer.purchase.forecast"].with_user(self.salesman).search(action["domain"])
        )
        self.assertEqual(len(rows), 12)
        self.assertEqual(rows.partner_id, customer)
        self.assertIn(customer.name, action["display_name"])
