"""The customer-base model of a company: one ``customer.clv.model`` row per fit (company
and scoring date), and the glue that fits it from posted invoices and writes its
predictions (P(alive), expected purchases and value, CLV) into the score rows being
computed.

The maths is in ``tools/clv_model.py``; the purchase days come from the journal items in
one set-based query per company (``_purchase_summary_sql``)."""

import json
import math

import numpy as np

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import clv_model
from ..tools.revenue_lines import contacts_sql

# Decimals kept of the expected purchase days of one forecast month.
FORECAST_DIGITS = 6
# Customers per chunk of the purchase days read and of the predictions written.
READ_CHUNK = 20000
WRITE_CHUNK = 10000

STATES = [
    (clv_model.FITTED, "Fitted"),
    (clv_model.TOO_FEW_DATA, "Too few data"),
    (clv_model.FAILED, "Failed"),
]
FLOAT_FIELDS = (
    "bgnbd_r",
    "bgnbd_alpha",
    "bgnbd_a",
    "bgnbd_b",
    "gg_p",
    "gg_q",
    "gg_v",
    "log_likelihood",
)


def _finite(value):
    """A float that can be stored: NaN and infinity become 0.0."""
    value = float(value or 0.0)
    return value if math.isfinite(value) else 0.0


def _plain(params):
    """Message parameters as JSON-safe values (numpy numbers become floats / ints)."""
    plain = {}
    for key, value in (params or {}).items():
        if isinstance(value, np.integer):
            value = int(value)
        elif isinstance(value, np.floating | float):
            value = _finite(value)
        elif not isinstance(value, int | str):
            value = str(value)
        plain[key] = value
    return plain


def _monthly_json(values, count, digits, months=12):
    """Per-customer monthly figures as one JSON document, a list of ``count`` lists of
    ``months`` values rounded to ``digits``, parsed once by the database and indexed per
    customer: missing, NaN, infinite or negative values become 0.0."""
    grid = np.asarray(values if values is not None else 0.0, dtype=float)
    grid = np.nan_to_num(grid, nan=0.0, posinf=0.0, neginf=0.0).clip(min=0.0)
    return json.dumps(np.broadcast_to(grid.round(digits), (count, months)).tolist())


class CustomerClvModel(models.Model):
    """One fit of the customer-base model (BG/NBD purchases, Gamma-Gamma spend) of a
    company as of a scoring date. Written by the scoring run only."""

    _name = "customer.clv.model"
    _description = "Customer-Base Model Fit"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="As of", required=True, index=True)
    bgnbd_r = fields.Float(string="r", digits=(16, 4), readonly=True)
    bgnbd_alpha = fields.Float(
        string="Alpha (weeks)", digits=(16, 4), readonly=True, help="Scale of the purchase rate."
    )
    bgnbd_a = fields.Float(string="a", digits=(16, 4), readonly=True)
    bgnbd_b = fields.Float(string="b", digits=(16, 4), readonly=True)
    gg_p = fields.Float(string="p", digits=(16, 4), readonly=True)
    gg_q = fields.Float(string="q", digits=(16, 4), readonly=True)
    gg_v = fields.Float(string="v", digits=(16, 4), readonly=True)
    log_likelihood = fields.Float(digits=(16, 2), readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    repeat_customer_count = fields.Integer(string="Repeat Buyers", readonly=True)
    state = fields.Selection(STATES, required=True, readonly=True, default=clv_model.TOO_FEW_DATA)
    message = fields.Text(
        compute="_compute_message", help="What the fit says, in the reader's language."
    )
    message_codes = fields.Json(
        readonly=True, help="Reason codes and their parameters, of the fit and the spend fit."
    )
    customer_equity = fields.Monetary(
        readonly=True, help="Sum of the lifetime values of the company's customers."
    )

    _sql_constraints = [
        ("company_date_uniq", "unique(company_id, date)", "One model fit per company and date."),
    ]

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    @api.model
    def _message_template(self, reason):
        """The translated template of a reason code (literal strings, so they are
        exported for translation; the English text is ``clv_model.MESSAGES``)."""
        _ = self.env._
        templates = {
            "few_customers": _(
                "Only %(count)s customers have purchases: the model needs at least %(minimum)s."
            ),
            "no_repeat_buyers": _(
                "None of the %(count)s customers has bought more than once: the model needs "
                "repeat purchases."
            ),
            "few_positive_values": _(
                "Only %(count)s repeat buyers have a positive mean purchase value: the spend "
                "model needs at least %(minimum)s."
            ),
            "not_converged": _("The fit did not converge (%(detail)s)."),
            "invalid_rows": _(
                "Some customers' purchase figures are missing, negative or have a last "
                "purchase after the scoring date."
            ),
            "not_finite": _("The fit gave a value that is not a finite number."),
            "at_edge": _(
                "The customers' purchases are too alike for the model to tell them apart "
                "(parameter %(name)s reached the limit of its range)."
            ),
            "infinite_mean": _(
                "The spend model has no finite mean value (q = %(q).3f is not above 1)."
            ),
            "fitted": _("Fitted on %(count)s customers, %(repeat)s of them repeat buyers."),
        }
        return templates.get(reason) or clv_model.MESSAGES.get(reason, "%(detail)s")

    @api.depends("message_codes")
    @api.depends_context("lang")
    def _compute_message(self):
        for model in self:
            model.message = "\n".join(
                self._code_message(reason, params) for reason, params in (model.message_codes or [])
            )

    @api.model
    def _code_message(self, reason, params):
        try:
            return self._message_template(reason) % (params or {})
        except (KeyError, TypeError, ValueError):
            return reason

    # ------------------------------------------------------------------
    # Purchase days
    # ------------------------------------------------------------------
    @api.model
    def _purchase_summary(self, company, date, rows, partner_ids=None):
        """Per customer of ``company`` with a purchase day on or before ``date``:
        (partner ids, x, t_x, T, mean repeat value, margin ratio) as numpy arrays.

        A purchase day is a day with a posted customer invoice (not a credit note) of the
        commercial partner; its value is the untaxed company-currency revenue of that
        day's invoices. ``rows``: the score table holding revenue_12m and margin_12m
        (margin ratio = margin / revenue clipped to 0..1, 0 without revenue);
        ``partner_ids``: only these customers (a fit needs them all)."""
        return self._purchase_read(company, date, rows, partner_ids)[0]

    @api.model
    def _purchase_read(self, company, date, rows, partner_ids=None, calibration_end=None):
        """``(summary, calibration)``: the ``_purchase_summary`` of ``date`` and, with a
        ``calibration_end``, from the same read, per customer the (x, t_x, T) as of the
        calibration end and the purchase days after it up to ``date`` as numpy arrays
        (x = -1 for a customer whose first purchase is after the calibration end),
        else None."""
        calibration_per = calibration_select = SQL("")
        if calibration_end:
            calibration_per = SQL(
                """, COUNT(*) FILTER (WHERE day <= %(end)s) - 1 AS x_cal,
                   MAX(day) FILTER (WHERE day <= %(end)s) AS last_cal,
                   COUNT(*) FILTER (WHERE day > %(end)s) AS holdout""",
                end=calibration_end,
            )
            calibration_select = SQL(
                """, per.x_cal::float8,
                   COALESCE((per.last_cal - per.first_day) / 7.0, 0)::float8,
                   GREATEST((%(end)s::date - per.first_day) / 7.0, 0)::float8,
                   per.holdout::float8""",
                end=calibration_end,
            )
        partner_filter = SQL("")
        if partner_ids is not None:
            partner_filter = SQL("AND d.partner_id = ANY(%s)", contacts_sql(partner_ids))
        self.env.cr.execute(
            SQL(
                """
WITH days AS (
    -- The revenue days (customer_revenue_day.py) with an invoice.
    SELECT p.commercial_partner_id AS partner_id, d.date AS day,
           SUM(COALESCE(d.invoice_revenue, 0)) AS value
      FROM customer_revenue_day d
      JOIN res_partner p ON p.id = d.partner_id
     WHERE d.company_id = %(company)s
       AND d.invoice_count > 0
       AND d.date <= %(date)s
       %(partner_filter)s
  GROUP BY p.commercial_partner_id, d.date
),
per AS (
    SELECT partner_id, COUNT(*) - 1 AS x, MIN(day) AS first_day, MAX(day) AS last_day,
           SUM(value) - (ARRAY_AGG(value ORDER BY day))[1] AS repeat_total
           %(calibration_per)s
      FROM days
  GROUP BY partner_id
)
SELECT per.partner_id, per.x,
       (per.last_day - per.first_day) / 7.0,
       (%(date)s::date - per.first_day) / 7.0,
       CASE WHEN per.x > 0 THEN per.repeat_total / per.x ELSE 0 END,
       CASE WHEN r.revenue_12m > 0
            THEN LEAST(GREATEST(r.margin_12m / r.revenue_12m, 0), 1) ELSE 0 END
       %(calibration_select)s
  FROM per
  LEFT JOIN %(rows)s r ON r.partner_id = per.partner_id AND r.company_id = %(company)s
 ORDER BY per.partner_id
""",
                company=company.id,
                date=date,
                partner_filter=partner_filter,
                rows=rows,
                calibration_per=calibration_per,
                calibration_select=calibration_select,
            )
        )
        width = 10 if calibration_end else 6
        # Row by row into floats a chunk at a time: the rows of every customer as Python
        # numbers at once were the largest part of a full run's memory.
        ids, chunks = [], []
        while fetched := self.env.cr.fetchmany(READ_CHUNK):
            ids.extend(row[0] for row in fetched)
            chunks.append(np.array([row[1:] for row in fetched], dtype=float))
        values = np.concatenate(chunks) if chunks else np.zeros((0, width - 1))
        values = np.where(np.isfinite(values), values, 0.0)
        columns = [ids] + [np.ascontiguousarray(values[:, i]) for i in range(width - 1)]
        return columns[:6], (columns[6:] if calibration_end else None)

    # ------------------------------------------------------------------
    # Fit
    # ------------------------------------------------------------------
    @api.model
    def _fit_company(self, company, date, rows, summary=None):
        """The model row of ``company`` as of ``date``: reused when already fitted for that
        date, else fitted now on every customer's purchase days (and written).
        ``summary``: the company's ``_purchase_summary`` if already read."""
        Model = self.sudo()
        existing = Model.search([("company_id", "=", company.id), ("date", "=", date)], limit=1)
        if existing.state == clv_model.FITTED:
            return existing
        _ids, x, t_x, T, mean_value, _margin = summary or self._purchase_summary(
            company, date, rows
        )
        bgnbd = clv_model.fit_bgnbd(x, t_x, T)
        spend = clv_model.fit_gamma_gamma(x, mean_value) if bgnbd.is_fitted else None
        codes = [[bgnbd.reason, _plain(bgnbd.message_params)]]
        if spend is not None and not spend.is_fitted:
            codes.append([spend.reason, _plain(spend.message_params)])
        values = {
            "company_id": company.id,
            "date": date,
            "bgnbd_r": bgnbd.r,
            "bgnbd_alpha": bgnbd.alpha,
            "bgnbd_a": bgnbd.a,
            "bgnbd_b": bgnbd.b,
            "gg_p": spend.p if spend is not None and spend.is_fitted else 0.0,
            "gg_q": spend.q if spend is not None and spend.is_fitted else 0.0,
            "gg_v": spend.v if spend is not None and spend.is_fitted else 0.0,
            "log_likelihood": bgnbd.log_likelihood,
            "customer_count": int(len(x)),
            "repeat_customer_count": int(np.count_nonzero(x >= 1)),
            "state": bgnbd.state,
            "message_codes": [code for code in codes if code[0]],
        }
        if bgnbd.is_fitted and not all(math.isfinite(float(values[name])) for name in FLOAT_FIELDS):
            values.update(state=clv_model.FAILED, message_codes=[["not_finite", {}]])
        for name in FLOAT_FIELDS:
            values[name] = _finite(values[name])
        if existing:
            existing.write(values)
            return existing
        return Model.create(values)

    def _fits(self):
        """The BG/NBD and Gamma-Gamma fits of this row, for predictions."""
        self.ensure_one()
        bgnbd = clv_model.BgNbdFit(
            r=self.bgnbd_r, alpha=self.bgnbd_alpha, a=self.bgnbd_a, b=self.bgnbd_b, state=self.state
        )
        spend_fitted = self.gg_p > 0 and self.gg_q > 1 and self.gg_v > 0
        spend = clv_model.GammaGammaFit(
            p=self.gg_p,
            q=self.gg_q,
            v=self.gg_v,
            state=clv_model.FITTED if spend_fitted else clv_model.TOO_FEW_DATA,
        )
        return bgnbd, spend

    @api.model
    def _latest_model(self, company, date):
        """For a partial run: the company's fit of ``date``, else its latest fitted one
        on or before ``date``, else its latest fit (not fitted: the fallback is used)."""
        Model = self.sudo()
        domain = [("company_id", "=", company.id), ("date", "<=", date)]
        return (
            Model.search(domain + [("date", "=", date)], limit=1).filtered(
                lambda m: m.state == clv_model.FITTED
            )
            or Model.search(domain + [("state", "=", clv_model.FITTED)], limit=1)
            or Model.search(domain, limit=1)
        )

    # ------------------------------------------------------------------
    # Predictions into the score rows being computed
    # ------------------------------------------------------------------
    @api.model
    def _apply_predictions(self, company, date, rows, model, partner_ids=None, summary=None):
        """Write the model's figures into ``customer_score_final`` (the rows being
        computed): p_alive, expected purchases, value and revenue, the next 12 months
        (``forecast_purchases``, read with the expected purchase value as the monthly
        purchase forecast) and, when the model is fitted, the CLV (else the retention-rate CLV
        already there stays, and no forecast). One UPDATE from arrays. Returns the sum of
        the CLV of the rows written."""
        cr = self.env.cr
        dp = company.currency_id.decimal_places
        if not model or model.state != clv_model.FITTED:
            cr.execute(
                "UPDATE customer_score_final SET clv_model_id = %s",
                [model.id if model else None],
            )
            cr.execute("SELECT COALESCE(SUM(clv), 0) FROM customer_score_final")
            return float(cr.fetchone()[0])
        ids, x, t_x, T, mean_value, margin = summary or self._purchase_summary(
            company, date, rows, partner_ids
        )
        if ids:
            bgnbd, spend = model._fits()
            predictions = clv_model.predict_customers(
                bgnbd,
                spend,
                x,
                t_x,
                T,
                mean_value,
                margin,
                horizon_months=company.score_clv_horizon_years * 12,
                yearly_discount=company.score_clv_discount_rate / 100.0,
                forecast_months=12,
            )
            arrays = [
                np.clip(np.nan_to_num(predictions.p_alive, nan=0.0, posinf=1.0), 0.0, 1.0),
                predictions.expected_purchases_12m,
                predictions.expected_purchase_value,
                predictions.expected_revenue_12m,
                predictions.clv,
            ]
            arrays = [
                np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0).astype(float) for a in arrays
            ]
            monthly = predictions.monthly_purchases
            # Written WRITE_CHUNK customers at a time: the values of every customer as
            # Python numbers and SQL text at once were the peak of a full run's memory.
            for start in range(0, len(ids), WRITE_CHUNK):
                part = slice(start, start + WRITE_CHUNK)
                count = len(ids[part])
                months = _monthly_json(
                    monthly[part] if np.ndim(monthly) == 2 else monthly, count, FORECAST_DIGITS
                )
                self._write_predictions(
                    model, dp, ids[part], [a[part].tolist() for a in arrays], months
                )
        # The rows without a purchase day (or not predicted): no purchases expected, no CLV.
        cr.execute(
            """UPDATE customer_score_final
                  SET clv_model_id = %s, p_alive = 0, expected_purchases_12m = 0,
                      expected_purchase_value = 0, expected_revenue_12m = 0, clv = 0,
                      forecast_purchases = NULL
                WHERE clv_model_id IS DISTINCT FROM %s""",
            [model.id, model.id],
        )
        cr.execute("SELECT COALESCE(SUM(clv), 0) FROM customer_score_final")
        return float(cr.fetchone()[0])

    @api.model
    def _write_predictions(self, model, dp, ids, arrays, months):
        """One UPDATE of ``customer_score_final`` from the predictions of ``ids``:
        ``arrays`` (p_alive, expected purchases, purchase value, revenue and CLV, one list
        each) and ``months`` (their monthly purchase forecasts, one JSON document)."""
        self.env.cr.execute(
            SQL(
                """
UPDATE customer_score_final f
   SET clv_model_id = %(model)s,
       p_alive = v.p_alive,
       expected_purchases_12m = ROUND(v.purchases::numeric, 2),
       expected_purchase_value = ROUND(v.value::numeric, %(dp)s),
       expected_revenue_12m = ROUND(v.revenue::numeric, %(dp)s),
       clv = ROUND(v.clv::numeric, %(dp)s),
       forecast_purchases = %(months)s::jsonb -> (v.ord::int - 1)
  FROM unnest(%(ids)s::int[], %(p)s::float8[], %(e)s::float8[], %(ev)s::float8[],
              %(er)s::float8[], %(clv)s::float8[]) WITH ORDINALITY
       AS v(partner_id, p_alive, purchases, value, revenue, clv, ord)
 WHERE v.partner_id = f.partner_id
""",
                model=model.id,
                dp=dp,
                ids=[int(i) for i in ids],
                p=arrays[0],
                e=arrays[1],
                ev=arrays[2],
                er=arrays[3],
                clv=arrays[4],
                months=months,
            )
        )

    @api.model
    def _apply_to_run(self, company, date, rows, partner_ids=None, full=False):
        """The model's figures into the rows being computed (``customer_score_final``):
        a full run reads the company's purchase days once, fits the model (or reuses
        the fit of the date), writes the customers' monthly purchase forecast and
        records the customer equity on it, and stores the backtest of the date from the
        same read (``customer.clv.backtest``); a partial run uses
        the latest fit (``_latest_model``)."""
        if not full:
            model = self._latest_model(company, date)
            self._apply_predictions(company, date, rows, model, partner_ids)
            return model
        Backtest = self.env["customer.clv.backtest"]
        summary, calibration = self._purchase_read(
            company, date, rows, calibration_end=Backtest._calibration_end(date)
        )
        model = self._fit_company(company, date, rows, summary)
        model.customer_equity = self._apply_predictions(company, date, rows, model, summary=summary)
        Backtest._run_company(company, date, model, calibration)
        return model
