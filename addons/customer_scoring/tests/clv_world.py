"""Worlds for the customer-base model's tests: drawn from known parameters, or read from
the CDNOW sample, and loaded into the database as posted customer invoices.

The simulation follows the models' stories (see ``tools/clv_model.py``): a customer's
purchase rate is lambda ~ Gamma(r, alpha) (alpha per week), its dropout probability
p ~ Beta(a, b); after its first purchase it buys at Poisson rate lambda and drops out
with probability p after each repeat purchase. Each purchase is worth Gamma(p_gg, nu)
with nu ~ Gamma(q, v) per customer.

``load_invoices`` writes many posted invoices quickly: one real invoice is made and
posted through the ORM, and every other one is a copy of its rows (``account_move`` and
``account_move_line``, all columns) written with one ``INSERT ... SELECT`` per table, with
its own number, partner, dates and amounts. Creating and posting the 6,919 CDNOW invoices
through the ORM takes minutes; the copies take a second and are the same rows.
"""

import datetime
import math
import pathlib
from dataclasses import dataclass

import numpy as np

from odoo import Command
from odoo.tools import SQL

from ..tools import clv_model, purchase_days

CDNOW = pathlib.Path(__file__).parent / "data" / "CDNOW_sample.txt"
CDNOW_CALIBRATION_END = datetime.date(1997, 9, 30)


def cdnow_rows():
    """The CDNOW sample's orders as (customer id, date, amount), in file order."""
    rows = []
    with CDNOW.open() as lines:
        for line in lines:
            _master_id, customer, day, _quantity, amount = line.split()
            rows.append(
                (int(customer), datetime.datetime.strptime(day, "%Y%m%d").date(), float(amount))
            )
    return rows


def rows_by_customer(rows):
    """``{customer: [(date, amount), ...]}`` from (customer, date, amount) rows."""
    purchases = {}
    for customer, day, amount in rows:
        purchases.setdefault(customer, []).append((day, amount))
    return purchases


# ----------------------------------------------------------------------------- simulation


@dataclass
class World:
    """Customers drawn from known parameters.

    ``times``: (customers, purchases) purchase times in weeks from the world's start,
    column 0 the first purchase (the customer's birth), NaN where there is none;
    ``values``: the value of each of those purchases.
    """

    times: np.ndarray
    values: np.ndarray

    @property
    def birth(self):
        return self.times[:, 0]

    def summary(self, as_of):
        """(x, t_x, T, mean repeat value) as of ``as_of`` weeks, of the customers born by
        then (continuous time: every purchase counts on its own)."""
        born = self.birth <= as_of
        times, values = self.times[born], self.values[born]
        seen = times <= as_of
        repeats = seen[:, 1:]
        x = repeats.sum(axis=1).astype(float)
        last = np.max(np.where(seen, times, -np.inf), axis=1)
        t_x = last - times[:, 0]
        T = as_of - times[:, 0]
        total = np.where(repeats, values[:, 1:], 0.0).sum(axis=1)
        mean = np.divide(total, x, out=np.zeros_like(total), where=x > 0)
        return x, t_x, T, mean

    def purchases_between(self, start, end):
        """Repeat purchases in (start, end] weeks per customer born by ``start``."""
        born = self.birth <= start
        times = self.times[born, 1:]
        return ((times > start) & (times <= end)).sum(axis=1).astype(float)

    def day_rows(self, start_date, keys):
        """(key, date, value) of every purchase, times floored to whole days from
        ``start_date``; ``keys``: one per customer."""
        rows = []
        for key, times, values in zip(keys, self.times, self.values, strict=True):
            for when, value in zip(times, values, strict=True):
                if math.isnan(when):
                    break
                day = start_date + datetime.timedelta(days=int(math.floor(when * 7.0)))
                rows.append((key, day, round(float(value), 2)))
        return rows


def draw_world(rng, count, bgnbd, spend, horizon, birth_weeks=0.0):
    """A world of ``count`` customers observed until ``horizon`` weeks.

    :param bgnbd: (r, alpha, a, b)
    :param spend: (p, q, v) of the Gamma-Gamma spend model
    :param birth_weeks: first purchases uniform in [0, birth_weeks) weeks (0: all at 0)
    """
    r, alpha, a, b = bgnbd
    p, q, v = spend
    rate = rng.gamma(r, 1.0 / alpha, count)
    dropout = rng.beta(a, b, count)
    nu = rng.gamma(q, 1.0 / v, count)
    birth = rng.uniform(0.0, birth_weeks, count) if birth_weeks else np.zeros(count)
    columns = [birth]
    clock = birth.copy()
    active = np.ones(count, dtype=bool)
    while active.any():
        clock[active] += rng.exponential(1.0, int(active.sum())) / rate[active]
        bought = active & (clock <= horizon)
        columns.append(np.where(bought, clock, np.nan))
        active = bought & (rng.random(count) >= dropout)
    times = np.column_stack(columns)
    values = np.where(np.isnan(times), np.nan, rng.gamma(p, 1.0, times.shape) / nu[:, None])
    return World(times=times, values=values)


# ----------------------------------------------------------------------------- precision


def log_standard_errors(log_likelihood, params, step=1e-3):
    """Standard errors of the log-parameters of a maximum-likelihood fit: the square roots
    of the diagonal of the inverse of minus the Hessian of ``log_likelihood`` (a function
    of the parameter tuple) at ``params``, by central differences in log space."""
    theta = np.log(np.asarray(params, dtype=float))
    size = theta.size

    def value(shift):
        return log_likelihood(tuple(np.exp(theta + shift)))

    hessian = np.zeros((size, size))
    eye = np.eye(size) * step
    for i in range(size):
        for j in range(i, size):
            hessian[i, j] = hessian[j, i] = (
                value(eye[i] + eye[j])
                - value(eye[i] - eye[j])
                - value(-eye[i] + eye[j])
                + value(-eye[i] - eye[j])
            ) / (4.0 * step * step)
    return np.sqrt(np.diag(np.linalg.inv(-hessian)))


def plain_fits(rows, as_of):
    """The BG/NBD and Gamma-Gamma fits of (key, date, value) rows as of ``as_of``,
    computed without the database: what the scoring run must store."""
    summary = purchase_days.customer_summary(rows_by_customer(rows), as_of)
    bgnbd = clv_model.fit_bgnbd(summary.x, summary.t_x, summary.T)
    spend = clv_model.fit_gamma_gamma(summary.x, summary.mean_value)
    return summary, bgnbd, spend


# ----------------------------------------------------------------------------- database


def create_customers(env, count, prefix):
    """``count`` customer companies named ``prefix`` and a number, in one create."""
    return env["res.partner"].create(
        [
            {"name": f"{prefix} {index:04d}", "is_company": True, "customer_rank": 1}
            for index in range(1, count + 1)
        ]
    )


def make_invoice(env, company, partner, product, day, amount, move_type="out_invoice"):
    """One customer invoice (or credit note) through the ORM, one line, no taxes, due on
    its date; not posted."""
    return (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_payment_term_id": False,
                "invoice_date_due": day,
                "currency_id": company.currency_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.set([])],
                        }
                    )
                ],
            }
        )
    )


def _columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = %s
         ORDER BY ordinal_position""",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def _scaled_columns(env, model):
    """Stored money columns of ``model`` proportional to the invoice's amount (the cost
    frozen at posting depends on the quantity, which the copies keep)."""
    names = {
        name
        for name, field in env[model]._fields.items()
        if field.store and field.column_type and field.type == "monetary"
    } - {"score_cost"}
    if model == "account.move.line":
        names.add("price_unit")
    return names


def load_invoices(env, company, product, rows):
    """Posted customer invoices of ``company``, one per (partner, date, amount) row, with
    one product line of that amount and no taxes. Returns the invoices (account.move).

    The first row with a non-zero amount is created and posted through the ORM; every
    other row is a copy of that invoice's rows in ``account_move`` and
    ``account_move_line`` with its own id, number (the journal's sequence of the row's
    year, after its last number), partner, dates and amounts (money columns
    scaled by amount / template amount). The ORM's next invoice of the journal continues
    the numbering."""
    cr = env.cr
    index = next(i for i, row in enumerate(rows) if row[2])
    partner_id, day, amount = rows[index]
    template = make_invoice(
        env, company, env["res.partner"].browse(partner_id), product, day, amount
    )
    template.action_post()
    env.flush_all()
    copies = rows[:index] + rows[index + 1 :]
    cr.execute(
        "SELECT COUNT(*) FROM account_move_line_account_tax_rel r "
        "JOIN account_move_line l ON l.id = r.account_move_line_id WHERE l.move_id = %s",
        [template.id],
    )
    assert cr.fetchone()[0] == 0, "the template invoice must have no taxes"
    cr.execute("DROP TABLE IF EXISTS clv_world_rows")
    cr.execute(
        """CREATE TEMP TABLE clv_world_rows ON COMMIT DROP AS
           SELECT w.seq, w.partner_id, w.day, w.amount::numeric AS amount,
                  nextval('account_move_id_seq')::int AS move_id,
                  NULL::varchar AS prefix, NULL::int AS number
             FROM unnest(%s::int[], %s::date[], %s::float8[]) WITH ORDINALITY
                  AS w(partner_id, day, amount, seq)""",
        [[r[0] for r in copies], [r[1] for r in copies], [r[2] for r in copies]],
    )
    # The journal's numbering per year: the template's prefix with the row's year, the
    # numbers after the last one of that prefix in the journal.
    cr.execute(
        """UPDATE clv_world_rows w
              SET prefix = n.prefix,
                  number = n.number + COALESCE((
                      SELECT MAX(m.sequence_number) FROM account_move m
                       WHERE m.journal_id = n.journal_id AND m.sequence_prefix = n.prefix
                  ), 0)
             FROM (
                SELECT w2.seq, t.journal_id,
                       replace(t.sequence_prefix, extract(year FROM t.date)::text,
                               extract(year FROM w2.day)::text) AS prefix,
                       ROW_NUMBER() OVER (PARTITION BY extract(year FROM w2.day)
                                              ORDER BY w2.day, w2.seq) AS number
                  FROM clv_world_rows w2, account_move t
                 WHERE t.id = %s
             ) n
            WHERE n.seq = w.seq""",
        [template.id],
    )
    digits = len(template.name) - len(template.sequence_prefix)
    name = SQL("(w.prefix || lpad(w.number::text, %s, '0'))", digits)
    scale = SQL("w.amount / %s::numeric", amount)
    move_values = {
        "id": SQL("w.move_id"),
        "name": name,
        "sequence_prefix": SQL("w.prefix"),
        "sequence_number": SQL("w.number"),
        "partner_id": SQL("w.partner_id"),
        "commercial_partner_id": SQL("w.partner_id"),
        "partner_shipping_id": SQL("w.partner_id"),
        "invoice_partner_display_name": SQL("p.name"),
        "date": SQL("w.day"),
        "invoice_date": SQL("w.day"),
        "invoice_date_due": SQL("w.day"),
        "payment_reference": name,
        "access_token": SQL("NULL"),
    }
    line_values = {
        "move_id": SQL("w.move_id"),
        "partner_id": SQL("w.partner_id"),
        "move_name": name,
        "date": SQL("w.day"),
        "invoice_date": SQL("w.day"),
        "date_maturity": SQL("CASE WHEN t.date_maturity IS NOT NULL THEN w.day END"),
        "name": SQL("CASE WHEN t.display_type = 'payment_term' THEN %s ELSE t.name END", name),
    }
    for table, model, values, key in (
        ("account_move", "account.move", move_values, "id"),
        ("account_move_line", "account.move.line", line_values, "move_id"),
    ):
        scaled = _scaled_columns(env, model)
        columns = [c for c in _columns(cr, table) if c != "id" or table == "account_move"]
        expressions = []
        for column in columns:
            if column in values:
                expressions.append(values[column])
            elif column in scaled:
                expressions.append(SQL("ROUND(t.%s * %s, 2)", SQL.identifier(column), scale))
            else:
                expressions.append(SQL("t.%s", SQL.identifier(column)))
        cr.execute(
            SQL(
                """INSERT INTO %s (%s)
                   SELECT %s
                     FROM %s t
                     JOIN clv_world_rows w ON TRUE
                     JOIN res_partner p ON p.id = w.partner_id
                    WHERE t.%s = %s""",
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL(", ").join(expressions),
                SQL.identifier(table),
                SQL.identifier(key),
                template.id,
            )
        )
    cr.execute("SELECT move_id FROM clv_world_rows ORDER BY seq")
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("DROP TABLE clv_world_rows")
    env.invalidate_all()
    # The numbers the ORM handed out in this transaction are cached per sequence; the
    # copies took the following ones, so the next invoice must read them again (as
    # after a write of a move's name).
    env["account.move"]._get_sequence_cache().clear()
    # Statistics of the new rows, so that the queries that follow are planned for the
    # tables as they now are.
    cr.execute("ANALYZE account_move, account_move_line")
    # The revenue days of the copies: written outside the ORM, as an SQL import would.
    Day = env["customer.revenue.day"]
    Day._refresh(Day._keys_of_moves(ids))
    ids.insert(index, template.id)
    return env["account.move"].browse(ids)
