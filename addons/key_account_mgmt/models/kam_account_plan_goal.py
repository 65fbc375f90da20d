from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, format_date, formatLang

from ..tools.meetings import customer_meetings_sql

MANUAL = "manual"
MEETINGS = "meetings"
# Aggregates of the live figures that read_group computes in Python (the values are not
# stored): the pivot and the grouped lists can sum them like stored fields.
LIVE_AGGREGATES = {"current_value:sum", "progress:avg"}


class KamAccountPlanGoal(models.Model):
    _name = "kam.account.plan.goal"
    _inherit = "kam.number.input.mixin"
    _description = "Account Plan Goal"
    _order = "plan_id, deadline, id"
    _check_company_auto = True

    plan_id = fields.Many2one("kam.account.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    partner_id = fields.Many2one(
        related="plan_id.partner_id", string="Key Account", store=True, index=True
    )
    plan_user_id = fields.Many2one(
        related="plan_id.user_id", string="Key Account Manager", store=True
    )
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status", store=True)
    name = fields.Char(string="Goal", required=True)
    goal_type = fields.Selection(
        [("own", "Own"), ("joint", "Joint with the customer")],
        string="Type",
        default="own",
        required=True,
    )
    measure_type = fields.Selection(
        [
            (MANUAL, "Typed in"),
            (MEETINGS, "Meetings held with a stakeholder group"),
        ],
        string="Measure",
        default=MANUAL,
        required=True,
        help="Typed in: the actual value is entered by hand. The other measures compute the "
        "current value from the records (meetings held, posted invoices) of the period.",
    )
    measure = fields.Char(
        string="How It Is Measured",
        help="For a typed-in goal: how the actual value is measured, e.g. projects won.",
    )
    stakeholder_group_id = fields.Many2one(
        "kam.stakeholder.group",
        ondelete="restrict",
        help="Meetings held with contacts of this stakeholder group of the key account count.",
    )
    date_from = fields.Date(
        string="Period From",
        compute="_compute_period",
        store=True,
        precompute=True,
        readonly=False,
        help="First day counted in the current value (by default the start of the plan).",
    )
    date_to = fields.Date(
        string="Period To",
        compute="_compute_period",
        store=True,
        precompute=True,
        readonly=False,
        help="Last day counted in the current value (by default the end of the plan).",
    )
    value_type = fields.Selection(
        [("amount", "Amount"), ("percent", "Percent (%)"), ("number", "Number")],
        string="Unit",
        compute="_compute_value_type",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Amount: money in the company currency; Percent: a share in %; Number: a count "
        "(meetings, projects won, installers trained...). Follows the measure unless the goal "
        "is typed in.",
    )
    currency_id = fields.Many2one(related="plan_id.company_id.currency_id", string="Currency")
    target_value = fields.Float(string="Target", aggregator="sum")
    actual_value = fields.Float(
        string="Actual", help="The typed-in value of a goal that is not measured on records."
    )
    current_value = fields.Float(
        string="Current",
        compute="_compute_current_value",
        aggregator="sum",
        help="Typed in: the actual value. Otherwise computed now from the records of the "
        "period: meetings held until now, or posted invoices minus credit notes (untaxed, "
        "company currency).",
    )
    target_display = fields.Char(string="Target Value", compute="_compute_value_display")
    actual_display = fields.Char(string="Actual Value", compute="_compute_value_display")
    current_display = fields.Char(string="Current Value", compute="_compute_value_display")
    period_display = fields.Char(string="Period", compute="_compute_period_display")
    measure_display = fields.Char(
        string="Measured As",
        compute="_compute_measure_display",
        help="The measure in words: how a typed-in goal is measured, or what is counted.",
    )
    progress = fields.Float(compute="_compute_progress", string="Progress (%)", aggregator="avg")
    deadline = fields.Date()
    owner_id = fields.Many2one("res.users", check_company=True)
    action_ids = fields.One2many("kam.account.plan.action", "goal_id", string="Actions")

    # ------------------------------------------------------------------
    # Measures
    # ------------------------------------------------------------------
    @api.model
    def _kam_measure_units(self):
        """The unit (value_type) each measured measure_type gives its goals."""
        return {MEETINGS: "number"}

    @api.model
    def _kam_measure_required_fields(self):
        """The fields each measure_type needs besides the period, e.g. the group."""
        return {MEETINGS: ["stakeholder_group_id"]}

    @api.depends("plan_id")
    def _compute_period(self):
        # Only when the goal gets its plan: a period chosen later stays when the plan's
        # dates change.
        for goal in self:
            goal.date_from = goal.plan_id.date_start
            goal.date_to = goal.plan_id.date_end

    @api.depends("measure_type")
    def _compute_value_type(self):
        units = self._kam_measure_units()
        for goal in self:
            # A typed-in goal keeps the unit its owner chose.
            goal.value_type = units.get(goal.measure_type) or goal.value_type or "number"

    @api.constrains("measure_type", "stakeholder_group_id", "date_from", "date_to")
    def _check_measure(self):
        self._kam_check_measure()

    def _kam_check_measure(self):
        """The period is in order and a measured goal has what its measure needs."""
        required = self._kam_measure_required_fields()
        for goal in self:
            if goal.date_from and goal.date_to and goal.date_from > goal.date_to:
                raise ValidationError(
                    self.env._(
                        "The period of goal %(goal)s ends before it starts: set a "
                        "'Period To' on or after %(start)s.",
                        goal=goal.name,
                        start=format_date(self.env, goal.date_from),
                    )
                )
            if goal.measure_type == MANUAL:
                continue
            if not (goal.date_from and goal.date_to):
                raise ValidationError(
                    self.env._(
                        "Goal %(goal)s is measured on records: set its period "
                        "(Period From and Period To).",
                        goal=goal.name,
                    )
                )
            for fname in required.get(goal.measure_type, ()):
                if not goal[fname]:
                    raise ValidationError(
                        self.env._(
                            "Goal %(goal)s is measured as '%(measure)s': "
                            "fill in the field %(field)s.",
                            goal=goal.name,
                            measure=goal._kam_measure_label(),
                            field=self._fields[fname]._description_string(self.env),
                        )
                    )

    def _kam_measure_label(self):
        self.ensure_one()
        return dict(self._fields["measure_type"]._description_selection(self.env)).get(
            self.measure_type, ""
        )

    # ------------------------------------------------------------------
    # Current value and progress
    # ------------------------------------------------------------------
    @api.depends(
        "measure_type",
        "actual_value",
        "stakeholder_group_id",
        "date_from",
        "date_to",
        "plan_id.partner_id",
        "plan_id.company_id",
    )
    def _compute_current_value(self):
        measured = self.filtered(lambda g: g.measure_type != MANUAL)._kam_measured_values()
        for goal in self:
            if goal.measure_type == MANUAL:
                goal.current_value = goal.actual_value
            else:
                goal.current_value = measured.get(goal, 0.0)

    def _kam_measured_values(self):
        """``{goal: value}`` of the measured goals in ``self``, one query per measure for
        the whole batch. Goals that lack their account, company or period are left out
        (their value is 0). Modules adding measures extend this."""
        goals = self.filtered(lambda g: g.measure_type == MEETINGS)
        return goals._kam_meetings_held() if goals else {}

    def _kam_live_rows(self, extra_field=None, extra_required=True):
        """The complete goals of ``self`` as parallel arrays for an ``unnest()`` query:
        ``(goals, [key], [account], [company], [extra id], [date from], [date to])``;
        ``key`` is the position in ``goals`` (new records have no id yet), ``extra`` the
        id in ``extra_field`` (a many2one; goals without it are left out if
        ``extra_required``)."""
        goals = self.filtered(
            lambda g: (
                g.plan_id.partner_id
                and g.plan_id.company_id
                and g.date_from
                and g.date_to
                and (not (extra_field and extra_required) or g[extra_field])
            )
        )
        return (
            goals,
            list(range(len(goals))),
            [goal.plan_id.partner_id.commercial_partner_id.id for goal in goals],
            [goal.plan_id.company_id.id for goal in goals],
            [(goal[extra_field].id or None) if extra_field else None for goal in goals],
            [goal.date_from for goal in goals],
            [goal.date_to for goal in goals],
        )

    @api.model
    def _kam_goal_rows_sql(self, rows, extra="extra_id"):
        """``unnest`` of ``_kam_live_rows()`` arrays as a table ``g(key, partner_id,
        company_id, <extra>, date_from, date_to)``."""
        _goals, keys, partners, companies, extras, starts, ends = rows
        return SQL(
            "unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::date[], %s::date[])"
            " AS g(key, partner_id, company_id, %s, date_from, date_to)",
            keys,
            partners,
            companies,
            extras,
            starts,
            ends,
            SQL.identifier(extra),
        )

    def _kam_meetings_held(self):
        """Distinct meetings held (started in the goal's period and before now) with
        contacts of the goal's stakeholder group of the plan's account, counted for the
        plan's company as the meeting status counts them (``tools/meetings.py``)."""
        rows = self._kam_live_rows("stakeholder_group_id")
        goals = rows[0]
        if not goals:
            return {}
        self.env.flush_all()
        meetings = customer_meetings_sql(
            accounts=set(rows[2]),
            company_ids=set(rows[3]),
            start_from=min(rows[5]),
            start_before=fields.Datetime.now(),
        )
        self.env.cr.execute(
            SQL(
                """SELECT g.key, COUNT(DISTINCT m.event_id)
                     FROM %(goals)s
                     JOIN (%(meetings)s) m
                       ON m.partner_id = g.partner_id AND m.company_id = g.company_id
                      AND m.stakeholder_group_id = g.group_id
                      AND m.start >= g.date_from AND m.start < g.date_to + 1
                 GROUP BY g.key""",
                goals=self._kam_goal_rows_sql(rows, "group_id"),
                meetings=meetings,
            )
        )
        return {goals[key]: float(count) for key, count in self.env.cr.fetchall()}

    @api.depends("current_value", "target_value")
    def _compute_progress(self):
        for goal in self:
            goal.progress = (
                100.0 * goal.current_value / goal.target_value if goal.target_value else 0.0
            )

    # ------------------------------------------------------------------
    # Display
    # ------------------------------------------------------------------
    @api.depends_context("lang")
    @api.depends("value_type", "target_value", "actual_value", "current_value", "currency_id")
    def _compute_value_display(self):
        for goal in self:
            goal.target_display = goal._kam_format_value(goal.target_value)
            goal.actual_display = goal._kam_format_value(goal.actual_value)
            goal.current_display = goal._kam_format_value(goal.current_value)

    def _kam_format_value(self, value):
        """``value`` with its unit, in the user's number format (1 000 000,00 EUR)."""
        self.ensure_one()
        if self.value_type == "amount":
            return format_amount(self.env, value, self.currency_id or self.env.company.currency_id)
        digits = 0 if float(value).is_integer() else 2
        text = formatLang(self.env, value, digits=digits)
        return f"{text}\N{NO-BREAK SPACE}%" if self.value_type == "percent" else text

    @api.depends_context("lang")
    @api.depends("measure_type", "measure", "stakeholder_group_id")
    def _compute_measure_display(self):
        for goal in self:
            goal.measure_display = goal._kam_measure_text()

    def _kam_measure_text(self):
        """What the goal counts, in the reader's language (modules adding measures
        extend this)."""
        self.ensure_one()
        if self.measure_type == MANUAL:
            return self.measure or self._kam_measure_label()
        if self.measure_type == MEETINGS and self.stakeholder_group_id:
            return self.env._("Meetings held with %(group)s", group=self.stakeholder_group_id.name)
        return self._kam_measure_label()

    @api.depends_context("lang")
    @api.depends("date_from", "date_to")
    def _compute_period_display(self):
        for goal in self:
            start = format_date(self.env, goal.date_from) if goal.date_from else ""
            end = format_date(self.env, goal.date_to) if goal.date_to else ""
            goal.period_display = f"{start}\N{EN DASH}{end}" if start or end else ""

    # ------------------------------------------------------------------
    # Aggregates of the live figures (pivot, grouped lists)
    # ------------------------------------------------------------------
    def _read_group_select(self, aggregate_spec, query):
        # The live figures are not stored: fetch the records of each group and aggregate
        # their computed values (as stock.quant does for its value).
        if aggregate_spec in LIVE_AGGREGATES:
            return super()._read_group_select("id:recordset", query)
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_postprocess_aggregate(self, aggregate_spec, raw_values):
        if aggregate_spec not in LIVE_AGGREGATES:
            return super()._read_group_postprocess_aggregate(aggregate_spec, raw_values)
        column = list(super()._read_group_postprocess_aggregate("id:recordset", raw_values))
        # All groups' goals in one batch: one query per measure, not one per group.
        everything = self.browse().union(*column)
        values = dict(zip(everything, everything.mapped(aggregate_spec.split(":")[0]), strict=True))
        if aggregate_spec.endswith(":avg"):
            return (
                sum(values[goal] for goal in goals) / len(goals) if goals else 0.0
                for goals in column
            )
        return (sum(values[goal] for goal in goals) for goals in column)
