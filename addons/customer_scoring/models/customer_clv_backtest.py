"""The accuracy of the customer-base model, measured: per company and scoring date D, the
model fitted on the purchases up to D minus 26 weeks predicts each customer's purchases
of the 26 weeks that follow, and the prediction is compared with the purchase days that
happened (``customer.clv.backtest``), in total, per customer (mean absolute error) and by
number of calibration repeat purchases (``customer.clv.backtest.line``, and its chart
``customer.clv.backtest.point``). Written by the full scoring run, from the purchase days
it reads for the fit (``customer.clv.model._purchase_read``)."""

import datetime
import logging
import time

import numpy as np

from odoo import api, fields, models, tools
from odoo.tools import format_date, formatLang

from ..tools import backtest, clv_model
from .customer_clv_model import _finite

_logger = logging.getLogger(__name__)

DONE = "done"
STATES = [
    (DONE, "Done"),
    (clv_model.TOO_FEW_DATA, "Too few data"),
    (clv_model.FAILED, "Failed"),
]
FIT_FIELDS = ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "log_likelihood")
DATE_PARAMS = ("end", "date")
NUMBER_PARAMS = {"predicted": 1, "actual": 0, "error": 1, "mae": 2}


class CustomerClvBacktest(models.Model):
    """The holdout check of the customer-base model of a company as of a scoring date:
    fitted on the purchases up to the calibration end, compared with the purchase days
    of the holdout weeks up to the scoring date. Written by the scoring run only."""

    _name = "customer.clv.backtest"
    _description = "Customer-Base Model Backtest"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    model_id = fields.Many2one(
        "customer.clv.model",
        string="Model Fit",
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The customer-base model fit of the scoring date.",
    )
    date = fields.Date(string="As of", required=True, index=True, readonly=True)
    calibration_end = fields.Date(
        readonly=True, help="The model is fitted on the purchases up to this day."
    )
    holdout_weeks = fields.Integer(
        readonly=True,
        default=backtest.HOLDOUT_WEEKS,
        help="Weeks after the calibration end whose purchases are predicted and compared.",
    )
    state = fields.Selection(STATES, required=True, readonly=True, default=clv_model.TOO_FEW_DATA)
    message = fields.Text(
        compute="_compute_message", help="What the backtest says, in the reader's language."
    )
    message_codes = fields.Json(readonly=True, help="Reason code and its parameters.")
    customer_count = fields.Integer(
        string="Customers",
        readonly=True,
        help="Customers with a purchase on or before the calibration end.",
    )
    repeat_customer_count = fields.Integer(
        string="Repeat Buyers",
        readonly=True,
        help="Customers who had bought more than once by the calibration end.",
    )
    # Stored unrounded (shown with 4 decimals): a rerun of the date predicts from them.
    bgnbd_r = fields.Float(string="r", readonly=True)
    bgnbd_alpha = fields.Float(string="Alpha (weeks)", readonly=True)
    bgnbd_a = fields.Float(string="a", readonly=True)
    bgnbd_b = fields.Float(string="b", readonly=True)
    log_likelihood = fields.Float(digits=(16, 2), readonly=True)
    predicted_total = fields.Float(
        string="Predicted Purchases",
        digits=(16, 1),
        readonly=True,
        help="Purchase days the model fitted at the calibration end expected in the "
        "holdout weeks, summed over the customers.",
    )
    actual_total = fields.Float(
        string="Actual Purchases",
        digits=(16, 0),
        readonly=True,
        help="Purchase days these customers made in the holdout weeks.",
    )
    error_percent = fields.Float(
        string="Error (%)",
        digits=(16, 1),
        readonly=True,
        help="(Predicted - actual) / actual purchases, in percent; 0 when no purchase "
        "was made in the holdout weeks.",
    )
    mae = fields.Float(
        string="Mean Absolute Error",
        digits=(16, 3),
        readonly=True,
        help="Mean over the customers of the difference between predicted and actual "
        "purchases in the holdout weeks, in purchases per customer.",
    )
    line_ids = fields.One2many(
        "customer.clv.backtest.line", "backtest_id", string="By Calibration Purchases"
    )

    _sql_constraints = [
        ("company_date_uniq", "unique(company_id, date)", "One backtest per company and date."),
    ]

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    @api.model
    def _message_template(self, reason):
        """The translated template of a reason code."""
        _ = self.env._
        templates = {
            DONE: _(
                "Fitted on the purchases of %(count)s customers up to %(end)s and compared "
                "with the %(weeks)s weeks to %(date)s: %(predicted)s purchases predicted, "
                "%(actual)s made (error %(error)s %%), mean absolute error %(mae)s "
                "purchases per customer."
            ),
            "no_holdout_purchases": _(
                "Fitted on the purchases of %(count)s customers up to %(end)s: "
                "%(predicted)s purchases predicted for the %(weeks)s weeks to %(date)s, "
                "none made, so there is no error percentage."
            ),
            "few_customers": _(
                "Only %(count)s customers had bought by %(end)s, %(weeks)s weeks before "
                "the scoring date: the backtest needs at least %(minimum)s. It is made "
                "again by each full scoring run."
            ),
            "no_repeat_buyers": _(
                "None of the %(count)s customers who had bought by %(end)s had bought more "
                "than once: the backtest needs repeat purchases."
            ),
            "fit_failed": _(
                "The model could not be fitted on the purchases up to %(end)s: %(detail)s"
            ),
        }
        return templates.get(reason)

    @api.depends("message_codes")
    @api.depends_context("lang")
    def _compute_message(self):
        for record in self:
            record.message = "\n".join(
                record._code_message(reason, params)
                for reason, params in (record.message_codes or [])
            )

    def _code_message(self, reason, params):
        """The message of a code with its dates and numbers in the reader's language;
        the fit's own reasons read as the model fit's messages."""
        params = dict(params or {})
        for key in DATE_PARAMS:
            if params.get(key):
                params[key] = format_date(self.env, params[key])
        for key, digits in NUMBER_PARAMS.items():
            if key in params:
                params[key] = formatLang(self.env, _finite(params[key]), digits=digits)
        template = self._message_template(reason)
        if template is None:
            detail = self.env["customer.clv.model"]._code_message(reason, params)
            template, params = self._message_template("fit_failed"), dict(params, detail=detail)
        try:
            return template % params
        except (KeyError, TypeError, ValueError):
            return reason

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------
    @api.model
    def _calibration_end(self, date):
        """The last day of the calibration period of scoring date ``date``."""
        return fields.Date.to_date(date) - datetime.timedelta(weeks=backtest.HOLDOUT_WEEKS)

    @api.model
    def _run_company(self, company, date, model, calibration):
        """Store the backtest of ``company`` as of ``date`` (replacing the one of that
        date) from ``calibration`` = (x, t_x, T as of the calibration end, purchase days
        after it up to ``date``) per customer, x = -1 for customers who had not bought by
        then (``customer.clv.model._purchase_read``). A backtest of the date already
        done keeps its calibration fit, as the model keeps the fit of its date; the
        comparison and the lines are made again."""
        started = time.perf_counter()
        date = fields.Date.to_date(date)
        end = self._calibration_end(date)
        Backtest = self.sudo()
        existing = Backtest.search([("company_id", "=", company.id), ("date", "=", date)], limit=1)
        x, t_x, T, actual = (np.asarray(a, dtype=float) for a in calibration)
        known = x >= 0
        x, t_x, T, actual = x[known], t_x[known], T[known], actual[known]
        fit = None
        if existing.state == DONE:
            fit = clv_model.BgNbdFit(
                r=existing.bgnbd_r,
                alpha=existing.bgnbd_alpha,
                a=existing.bgnbd_a,
                b=existing.bgnbd_b,
                log_likelihood=existing.log_likelihood,
                state=clv_model.FITTED,
                reason="fitted",
            )
        result = backtest.backtest(x, t_x, T, actual, backtest.HOLDOUT_WEEKS, fit=fit)
        values = self._result_values(company, date, end, model, result, x)
        if existing:
            existing.line_ids.unlink()
            existing.write(values)
            record = existing
        else:
            record = Backtest.create(values)
        if record.state == DONE:
            self.env["customer.clv.backtest.line"].sudo().create(
                [
                    {
                        "backtest_id": record.id,
                        "company_id": company.id,
                        "calibration_purchases": line.bucket,
                        "label": backtest.bucket_labels()[line.bucket],
                        "customer_count": line.customer_count,
                        "mean_actual": _finite(line.mean_actual),
                        "mean_predicted": _finite(line.mean_predicted),
                    }
                    for line in result.lines
                ]
            )
        _logger.info(
            "Backtest of company %s as of %s: %s, %s customers, %.2f s",
            company.id,
            date,
            record.state,
            record.customer_count,
            time.perf_counter() - started,
        )
        return record

    @api.model
    def _result_values(self, company, date, end, model, result, x):
        """The backtest row's values of a ``backtest.BacktestResult`` (no NaN or
        infinity: a figure that is not finite makes the backtest failed)."""
        fit = result.fit
        count = int(x.size)
        params = {"end": str(end), "date": str(date), "weeks": backtest.HOLDOUT_WEEKS}
        state = DONE if fit.is_fitted else fit.state
        values = {
            "company_id": company.id,
            "model_id": model.id if model else False,
            "date": date,
            "calibration_end": end,
            "holdout_weeks": backtest.HOLDOUT_WEEKS,
            "customer_count": count,
            "repeat_customer_count": int(np.count_nonzero(x >= 1)),
            "bgnbd_r": fit.r,
            "bgnbd_alpha": fit.alpha,
            "bgnbd_a": fit.a,
            "bgnbd_b": fit.b,
            "log_likelihood": fit.log_likelihood,
            "predicted_total": result.predicted_total,
            "actual_total": result.actual_total,
            "error_percent": result.error_percent,
            "mae": result.mae,
        }
        figures = FIT_FIELDS + ("predicted_total", "actual_total", "error_percent", "mae")
        if state == DONE and not all(np.isfinite(float(values[name])) for name in figures):
            state, fit_code = clv_model.FAILED, ["not_finite", params]
        elif state == DONE:
            reason = DONE if result.actual_total > 0 else "no_holdout_purchases"
            fit_code = [
                reason,
                dict(
                    params,
                    count=count,
                    predicted=result.predicted_total,
                    actual=result.actual_total,
                    error=result.error_percent,
                    mae=result.mae,
                ),
            ]
        else:
            fit_code = [fit.reason, dict(fit.message_params, **params)]
        for name in figures:
            values[name] = _finite(values[name]) if state == DONE else 0.0
        values.update(state=state, message_codes=[fit_code])
        return values

    # ------------------------------------------------------------------
    # Screens
    # ------------------------------------------------------------------
    def action_open_chart(self):
        """The conditional-expectation chart of this backtest: mean actual and mean
        predicted holdout purchases by number of calibration repeat purchases."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_scoring.action_customer_clv_backtest_point"
        )
        action["domain"] = [("backtest_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Backtest as of %(date)s", date=format_date(self.env, self.date)
        )
        return action


class CustomerClvBacktestLine(models.Model):
    """One group of a backtest's customers by number of calibration repeat purchases (the
    last group: that number or more): how many, and their mean actual and predicted
    purchases in the holdout weeks."""

    _name = "customer.clv.backtest.line"
    _description = "Customer-Base Model Backtest Group"
    _order = "backtest_id, calibration_purchases"
    _rec_name = "label"

    backtest_id = fields.Many2one(
        "customer.clv.backtest", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    date = fields.Date(related="backtest_id.date", string="As of")
    calibration_purchases = fields.Integer(
        string="Group",
        readonly=True,
        aggregator=False,
        help="Repeat purchases up to the calibration end (the last group: this many or more).",
    )
    label = fields.Char(string="Calibration Purchases", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True, aggregator="sum")
    mean_actual = fields.Float(
        string="Mean Actual Purchases",
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="Mean purchases per customer of the group in the holdout weeks.",
    )
    mean_predicted = fields.Float(
        string="Mean Predicted Purchases",
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="Mean purchases per customer of the group that the model fitted at the "
        "calibration end expected in the holdout weeks.",
    )


class CustomerClvBacktestPoint(models.Model):
    """The lines of the backtests as chart points: one for the actual and one for the
    predicted mean of each group, so a line chart draws both series."""

    _name = "customer.clv.backtest.point"
    _description = "Customer-Base Model Backtest Chart Point"
    _auto = False
    _order = "backtest_id, calibration_purchases, series"
    _rec_name = "label"

    backtest_id = fields.Many2one("customer.clv.backtest", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    calibration_purchases = fields.Integer(string="Group", readonly=True, aggregator=False)
    label = fields.Char(string="Calibration Purchases", readonly=True)
    series = fields.Selection([("actual", "Actual"), ("predicted", "Predicted")], readonly=True)
    value = fields.Float(
        string="Mean Purchases per Customer",
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="Mean purchases per customer of the group in the holdout weeks.",
    )
    customer_count = fields.Integer(string="Customers", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
CREATE VIEW {self._table} AS (
    SELECT l.id * 2 AS id, l.backtest_id, l.company_id, l.calibration_purchases, l.label,
           'actual' AS series, l.mean_actual AS value, l.customer_count
      FROM customer_clv_backtest_line l
    UNION ALL
    SELECT l.id * 2 + 1, l.backtest_id, l.company_id, l.calibration_purchases, l.label,
           'predicted', l.mean_predicted, l.customer_count
      FROM customer_clv_backtest_line l
)"""
        )


class CustomerClvModel(models.Model):
    _inherit = "customer.clv.model"

    backtest_ids = fields.One2many("customer.clv.backtest", "model_id")

    def action_open_backtest_chart(self):
        """The conditional-expectation chart of this fit's backtest."""
        self.ensure_one()
        return self.backtest_ids[:1].action_open_chart()
