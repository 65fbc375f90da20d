import json
from datetime import date

from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import new_test_user, tagged

from .common import AS_OF, CustomerModelCommon

# The key account of the journey: three purchases, February to April 2025.
KEY_ACCOUNT_INDEX = 16
FIRST_MONTH = date(2025, 7, 1)  # month 1 of the forecast: the month after the scoring date


def _float(value, digits):
    """A float as the web client shows it in English (thousands separator, fixed digits)."""
    return f"{value:,.{digits}f}"


def _percentage(value):
    """A 0..1 share as the percentage widget shows it: two decimals, trailing zeros cut."""
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourCustomerModel(KamTourCase, CustomerModelCommon):
    """A sales manager reads the customer-base model: the company's fit, its parameters
    and its backtest, the monthly forecast, and a key account's P(alive), CLV and
    months."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_model_world("Tour")
        cls.manager = new_test_user(
            cls.env,
            login="tour_model_manager",
            name="Tour Model Manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        cls.key_account = cls.customers[KEY_ACCOUNT_INDEX]
        cls.key_account.write({"is_key_account": True, "key_account_manager_id": cls.manager.id})
        cls.env["customer.score"].compute_scores(companies=cls.company | cls.company2, date=AS_OF)

    def _figures(self):
        """What the manager must read, from the stored rows (not from the tour)."""
        Model = self.env["customer.clv.model"]
        fit = Model.search([("company_id", "=", self.company.id), ("date", "=", AS_OF)])
        self.assertEqual(fit.state, "fitted", fit.message)
        # The purchase plans: 18 customers bought by the scoring date, 16 of them again.
        self.assertEqual(fit.customer_count, 18)
        self.assertEqual(fit.repeat_customer_count, 16)
        other = Model.search([("company_id", "=", self.company2.id)])
        self.assertEqual(other.state, "too_few_data")
        Forecast = self.env["customer.purchase.forecast"]
        month_total = sum(
            Forecast.search(
                [("company_id", "=", self.company.id), ("month", "=", FIRST_MONTH)]
            ).mapped("expected_revenue")
        )
        own = Forecast.search(
            [("company_id", "=", self.company.id), ("partner_id", "=", self.key_account.id)]
        )
        self.assertEqual(len(own), 12)
        own_first = own.filtered(lambda row: row.month == FIRST_MONTH)
        score = self.row(self.key_account)
        self.assertTrue(0.0 < score.p_alive < 1.0, score.p_alive)
        self.assertGreater(score.clv, 0.0)
        self.assertGreater(month_total, own_first.expected_revenue)
        # The backtest of the fit: fitted 26 weeks back, its prediction beside what happened.
        backtest = fit.backtest_ids
        self.assertEqual(len(backtest), 1)
        self.assertEqual(backtest.state, "done", backtest.message)
        self.assertGreater(backtest.actual_total, 0.0)
        return {
            "backtestPredicted": _float(backtest.predicted_total, 1),
            "backtestActual": _float(backtest.actual_total, 0),
            "backtestMae": _float(backtest.mae, 3),
            "customers": str(fit.customer_count),
            "repeat": str(fit.repeat_customer_count),
            "r": _float(fit.bgnbd_r, 4),
            "alpha": _float(fit.bgnbd_alpha, 4),
            "a": _float(fit.bgnbd_a, 4),
            "b": _float(fit.bgnbd_b, 4),
            "p": _float(fit.gg_p, 4),
            "message": fit.message.splitlines()[0],
            "monthTotal": _float(month_total, 2),
            "keyAccount": self.key_account.name,
            "pAlive": _percentage(score.p_alive),
            "clv": _float(score.clv, 2),
            "ownFirstMonth": _float(own_first.expected_revenue, 2),
            "ownTotal": _float(sum(own.mapped("expected_revenue")), 2),
        }

    def test_manager_reads_the_model(self):
        figures = self._figures()
        tour = "customer_model_tour"
        options = {
            "stepDelay": 0,
            "keepWatchBrowser": False,
            "debug": False,
            "startUrl": "/odoo",
            "delayToCheckUndeterminisms": 0,
        }
        # The figures the manager must read go to the page before the tour starts.
        code = (
            f"window.customerModelTourFigures = {json.dumps(figures)}; "
            f"odoo.startTour({tour!r}, {json.dumps(options)})"
        )
        self.start_tour("/odoo", tour, login="tour_model_manager", code=code)
