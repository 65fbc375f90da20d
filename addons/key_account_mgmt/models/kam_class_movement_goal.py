"""Yearly class-movement goals and their actuals from the class history.

A sales director sets, per company and year, how many new customers the sales force
should win, how many customers it should raise from C to B and from B to A, and how many
A customers it should keep (each at a purchase volume agreed in advance), for the whole
company or for one salesperson. The actuals are read from the class history
(``kam.abc.class.history``) of that year, each move credited to the salesperson the
customer had when its class changed (``salesperson_id`` of the history row).

What counts (a calendar year in UTC, the running year up to now):

- **C -> B** / **B -> A**: customers with at least one such move in the year, each counted
  once per year, for the salesperson of its first such move. A move up counts even if the
  customer drops back later in the year (the drop shows as a move down in the class
  movements); up, down and up again is still one. A move from C straight to A counts as
  both a C -> B and a B -> A move: the customer took both steps.
- **New customers won**: customers whose first class ever in the company was given in the
  year, for the salesperson of that first row (customer_scoring counts the customer
  starts from invoices instead).
- **A customers kept**: customers whose class was A when the year began and still is at
  its end (now, for the running year), for the customer's salesperson now: keeping is no
  move, so no history row names anyone. With customer_scoring the customer's revenue of
  the year must also reach the agreed volume when one is set.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# The measures of a goal: each has a goal_<kind>, actual_<kind> and achievement_<kind>.
KINDS = ("new_customers", "c_to_b", "b_to_a", "a_kept")
MIN_YEAR = 2000
MAX_YEAR = 2100


class KamClassMovementGoal(models.Model):
    _name = "kam.class.movement.goal"
    _inherit = "kam.number.input.mixin"
    _description = "Class Movement Goal"
    _order = "year desc, company_id, salesperson_id asc nulls first, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year,
        aggregator=False,
        help="The calendar year of the goals. The running year counts until today.",
    )
    salesperson_id = fields.Many2one(
        "res.users",
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Goals of one salesperson, counted on the moves made while the customer was "
        "theirs. Empty: goals of the whole company.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    goal_new_customers = fields.Integer(
        string="New Customers Goal", help="New customers to win in the year."
    )
    goal_c_to_b = fields.Integer(
        string="C → B Goal", help="Customers to raise from class C to class B in the year."
    )
    goal_b_to_a = fields.Integer(
        string="B → A Goal", help="Customers to raise from class B to class A in the year."
    )
    goal_a_kept = fields.Integer(
        string="A Kept Goal",
        help="Customers of class A at the start of the year to keep in class A until its end.",
    )
    a_kept_volume = fields.Monetary(
        string="Agreed Volume per A Customer",
        help="The yearly purchases agreed for each A customer kept (company currency). "
        "When sales data are available, a kept A customer counts only if its revenue in "
        "the year reaches this amount; empty: any volume.",
    )
    actual_new_customers = fields.Integer(
        string="New Customers Won",
        compute="_compute_actuals",
        help="Customers that got their first class in the company in the year.",
    )
    actual_c_to_b = fields.Integer(
        string="C → B Actual",
        compute="_compute_actuals",
        help="Customers moved from C to B (or straight to A) in the year, each counted once "
        "even if it dropped back later, for the salesperson it had at its first such move.",
    )
    actual_b_to_a = fields.Integer(
        string="B → A Actual",
        compute="_compute_actuals",
        help="Customers moved from B (or C) to A in the year, each counted once even if it "
        "dropped back later, for the salesperson it had at its first such move.",
    )
    actual_a_kept = fields.Integer(
        string="A Kept Actual",
        compute="_compute_actuals",
        help="Customers of class A at the start of the year that are still A at its end "
        "(today for the running year), for their salesperson now.",
    )
    achievement_new_customers = fields.Float(
        string="New Customers %", compute="_compute_actuals", digits=(16, 0)
    )
    achievement_c_to_b = fields.Float(string="C → B %", compute="_compute_actuals", digits=(16, 0))
    achievement_b_to_a = fields.Float(string="B → A %", compute="_compute_actuals", digits=(16, 0))
    achievement_a_kept = fields.Float(string="A Kept %", compute="_compute_actuals", digits=(16, 0))

    _sql_constraints = [
        (
            "company_year_salesperson_uniq",
            "unique(company_id, year, salesperson_id)",
            "This salesperson already has class movement goals for this year in this company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Checks and names
    # ------------------------------------------------------------------
    @api.constrains("year", *(f"goal_{kind}" for kind in KINDS), "a_kept_volume")
    def _check_goal_values(self):
        for goal in self:
            if not MIN_YEAR <= goal.year <= MAX_YEAR:
                raise ValidationError(
                    self.env._(
                        "The year of class movement goals must be between %(min)s and "
                        "%(max)s, not %(year)s.",
                        min=MIN_YEAR,
                        max=MAX_YEAR,
                        year=goal.year,
                    )
                )
            negative = [
                f"{goal._fields[fname]._description_string(self.env)} ({goal[fname]})"
                for fname in (*(f"goal_{kind}" for kind in KINDS), "a_kept_volume")
                if goal[fname] < 0
            ]
            if negative:
                raise ValidationError(
                    self.env._(
                        "Goals cannot be negative: enter 0 or more in %(fields)s.",
                        fields=", ".join(negative),
                    )
                )

    @api.constrains("company_id", "year", "salesperson_id")
    def _check_one_goal_per_year(self):
        # The SQL constraint leaves out the company-wide goals (an empty salesperson
        # never equals another): one read of the keys checks both.
        groups = self.sudo()._read_group(
            [
                ("company_id", "in", self.company_id.ids),
                ("year", "in", list(set(self.mapped("year")))),
            ],
            ["company_id", "year", "salesperson_id"],
            ["__count"],
        )
        for company, year, salesperson, count in groups:
            if count > 1 and (company, year, salesperson) in {
                (g.company_id, g.year, g.salesperson_id) for g in self
            }:
                raise ValidationError(
                    self.env._(
                        "%(who)s already has class movement goals for %(year)s in "
                        "%(company)s: change those instead.",
                        who=salesperson.name or self.env._("The whole company"),
                        year=year,
                        company=company.name,
                    )
                )

    @api.depends("year", "salesperson_id", "company_id")
    def _compute_display_name(self):
        for goal in self:
            who = goal.salesperson_id.name or self.env._("Company-wide")
            goal.display_name = f"{goal.year} – {who}"

    # ------------------------------------------------------------------
    # Actuals
    # ------------------------------------------------------------------
    @api.depends(
        "company_id", "year", "salesperson_id", "a_kept_volume", *(f"goal_{k}" for k in KINDS)
    )
    def _compute_actuals(self):
        rows = self._kam_goal_rows()
        for goal in self:
            for kind in KINDS:
                actual = len(rows.get(goal.id, {}).get(kind, ()))
                target = goal[f"goal_{kind}"]
                goal[f"actual_{kind}"] = actual
                goal[f"achievement_{kind}"] = 100.0 * actual / target if target > 0 else 0.0

    def _kam_goal_rows(self):
        """The customers behind each goal's actuals: ``{goal id: {kind: [(partner id,
        salesperson id, history id or None)]}}``, one set of facts per company and year
        (a few queries, whatever the number of goals)."""
        by_key = defaultdict(lambda: self.browse())
        for goal in self:
            if goal.company_id and MIN_YEAR <= goal.year <= MAX_YEAR:
                by_key[goal.company_id, goal.year] |= goal
        result = {}
        for (company, year), goals in by_key.items():
            facts = self._kam_goal_facts(company, year)
            for goal in goals:
                rows = {
                    kind: [
                        row
                        for row in facts.get(kind, ())
                        if not goal.salesperson_id or row[1] == goal.salesperson_id.id
                    ]
                    for kind in KINDS
                }
                rows["a_kept"] = goal._kam_kept_a_rows(rows["a_kept"], facts)
                result[goal.id] = rows
        return result

    def _kam_kept_a_rows(self, rows, facts):
        """The kept A customers ``rows`` of this goal that count (hook: the sales data
        check the agreed volume)."""
        return rows

    @api.model
    def _kam_year_window(self, year):
        """``(start, end)`` of ``year`` as UTC datetimes: its first instant and the first
        instant of the next year, or the end of this second for the running year (None for
        a future year): a change made this second is stored with its microseconds, while
        now is cut to the second."""
        start = datetime(year, 1, 1)
        end = min(datetime(year + 1, 1, 1), fields.Datetime.now() + timedelta(seconds=1))
        return (start, end) if start < end else None

    @api.model
    def _kam_year_dates(self, year):
        """``(first day, last day counted)`` of ``year`` as dates: the last day is today
        for the running year (None for a future year)."""
        first, last = date(year, 1, 1), min(date(year, 12, 31), fields.Date.today())
        return (first, last) if first <= last else None

    @api.model
    def _kam_goal_facts(self, company, year):
        """The facts of ``company`` in ``year`` the goals count, from the class history:
        ``{kind: [(partner id, salesperson id, history id)]}``, one row per customer."""
        window = self._kam_year_window(year)
        if not window:
            return {}
        self.env["kam.abc.class.history"].flush_model()
        self.env["res.partner"].flush_model(["user_id"])
        return {
            **self._kam_moves_up(company, *window),
            "new_customers": self._kam_new_customers(company, year),
            "a_kept": self._kam_kept_a(company, *window),
        }

    @api.model
    def _kam_moves_up(self, company, start, end):
        """C -> B and B -> A moves in [start, end): the first of each customer per kind."""
        self.env.cr.execute(
            SQL(
                """SELECT h.id, h.partner_id, h.salesperson_id, h.old_class, h.new_class
                     FROM kam_abc_class_history h
                    WHERE h.company_id = %(company)s
                      AND h.date >= %(start)s AND h.date < %(end)s
                      AND ((h.old_class = 'C' AND h.new_class IN ('B', 'A'))
                           OR (h.old_class = 'B' AND h.new_class = 'A'))
                 ORDER BY h.date, h.id""",
                company=company.id,
                start=start,
                end=end,
            )
        )
        moves = {"c_to_b": {}, "b_to_a": {}}
        for history_id, partner_id, salesperson_id, old, new in self.env.cr.fetchall():
            kinds = (["c_to_b"] if old == "C" else []) + (["b_to_a"] if new == "A" else [])
            for kind in kinds:
                moves[kind].setdefault(partner_id, (partner_id, salesperson_id, history_id))
        return {kind: list(rows.values()) for kind, rows in moves.items()}

    @api.model
    def _kam_new_customers(self, company, year):
        """The new customers won in ``company`` in ``year``: ``[(partner id, salesperson
        id, history id or None)]``. Here the customers that got their first class; a
        module with sales data counts the customer starts from the invoices instead."""
        window = self._kam_year_window(year)
        return self._kam_first_classes(company, *window) if window else []

    @api.model
    def _kam_first_classes(self, company, start, end):
        """Customers whose first class ever in ``company`` was given in [start, end)."""
        self.env.cr.execute(
            SQL(
                """SELECT f.partner_id, f.salesperson_id, f.id
                     FROM (SELECT DISTINCT ON (h.partner_id)
                                  h.id, h.partner_id, h.salesperson_id, h.date
                             FROM kam_abc_class_history h
                            WHERE h.company_id = %(company)s AND h.new_class IS NOT NULL
                         ORDER BY h.partner_id, h.date, h.id) f
                    WHERE f.date >= %(start)s AND f.date < %(end)s
                 ORDER BY f.partner_id""",
                company=company.id,
                start=start,
                end=end,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _kam_kept_a(self, company, start, end):
        """Customers of class A at ``start`` and still at ``end`` (the class at an instant
        is the new class of the last change before it), with their salesperson now and
        the history row that made them A."""
        self.env.cr.execute(
            SQL(
                """WITH changes AS (
                       SELECT h.id, h.partner_id, h.date, h.new_class
                         FROM kam_abc_class_history h
                        WHERE h.company_id = %(company)s AND h.date < %(end)s
                          AND h.old_class IS DISTINCT FROM h.new_class),
                   at_start AS (
                       SELECT DISTINCT ON (partner_id) partner_id, id, new_class
                         FROM changes WHERE date < %(start)s
                     ORDER BY partner_id, date DESC, id DESC),
                   at_end AS (
                       SELECT DISTINCT ON (partner_id) partner_id, new_class
                         FROM changes
                     ORDER BY partner_id, date DESC, id DESC)
                   SELECT s.partner_id, p.user_id, s.id
                     FROM at_start s
                     JOIN at_end e ON e.partner_id = s.partner_id
                     JOIN res_partner p ON p.id = s.partner_id
                    WHERE s.new_class = 'A' AND e.new_class = 'A'
                 ORDER BY s.partner_id""",
                company=company.id,
                start=start,
                end=end,
            )
        )
        return self.env.cr.fetchall()

    def kam_actual_partners(self, kind):
        """The customers counted in this goal's actual ``kind`` (one of ``KINDS``)."""
        self.ensure_one()
        rows = self._kam_goal_rows().get(self.id, {}).get(kind, [])
        return self.env["res.partner"].browse([row[0] for row in rows])

    # ------------------------------------------------------------------
    # From an actual to what it counts
    # ------------------------------------------------------------------
    def action_open_new_customers(self):
        return self._kam_action_open_actual("new_customers")

    def action_open_c_to_b(self):
        return self._kam_action_open_actual("c_to_b")

    def action_open_b_to_a(self):
        return self._kam_action_open_actual("b_to_a")

    def action_open_a_kept(self):
        return self._kam_action_open_actual("a_kept")

    def _kam_action_open_actual(self, kind):
        """The class movements an actual counts (for the kept A customers: the changes
        that made them A); the customers themselves when a figure comes from elsewhere
        (sales data)."""
        self.ensure_one()
        rows = self._kam_goal_rows().get(self.id, {}).get(kind, [])
        titles = {
            "new_customers": self.env._("New customers won"),
            "c_to_b": self.env._("C → B moves"),
            "b_to_a": self.env._("B → A moves"),
            "a_kept": self.env._("A customers kept"),
        }
        name = f"{titles[kind]}: {self.display_name}"
        history_ids = [row[2] for row in rows if row[2]]
        if len(history_ids) == len(rows):
            return {
                "type": "ir.actions.act_window",
                "name": name,
                "res_model": "kam.class.movement",
                "view_mode": "list,pivot,graph",
                "views": [
                    (self.env.ref("key_account_mgmt.view_kam_class_movement_list").id, "list"),
                    (False, "pivot"),
                    (False, "graph"),
                ],
                "domain": [("history_id", "in", history_ids)],
                "context": {"create": False},
            }
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", [row[0] for row in rows])],
            "context": {"create": False},
        }
