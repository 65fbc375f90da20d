"""Bad input, property-based: the scoring's settings (weights, value-ABC shares, lifecycle
thresholds and horizons, early signals, activity classes, profitability costs and signals,
health weights) and the KPI targets, typed in any combination and order, are accepted
(then stored as typed and the scoring runs on them) or refused with a message naming the
field and the typed value, and a refused save writes nothing.
"""

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from odoo.addons.key_account_mgmt.tests.bad_input import (
    PROPERTY_SETTINGS,
    SETTINGS_PAGE,
    BadInputMixin,
    editable_number_fields,
    field_values,
    float_values,
    merged,
    value_dicts,
    weight_dicts,
)
from odoo.addons.key_account_mgmt.tests.test_bad_input_properties import (
    COVERED as KAM_COVERED,
)
from odoo.addons.key_account_mgmt.tests.test_bad_input_properties import (
    NOT_TYPED as KAM_NOT_TYPED,
)
from odoo.tests import new_test_user, tagged

from ..models.res_company import WEIGHT_FIELDS
from ..models.res_company_activity import ACTIVITY_FIELDS
from ..models.res_company_health import SCORING_HEALTH_DEFAULTS
from ..models.res_company_profitability import PROFIT_SETTINGS_FIELDS
from .common import AS_OF, ScoringCommon

HEALTH_FIELDS = tuple(SCORING_HEALTH_DEFAULTS)
# Drawn near their valid ranges (and beyond them), besides the huge, NaN and missing values.
RANGES = {
    "score_abc_a_share": (-5, 120),
    "score_abc_b_share": (-5, 120),
    "score_abc_aaa_share": (-5, 120),
    "score_abc_aa_share": (-5, 120),
    "score_passive_gap_factor": (-1, 150),
    "score_passive_min_days": (-5, 50000),
    "score_lost_months": (-2, 2000),
    "score_passive_p_alive": (-0.5, 1.5),
    "score_passive_min_purchases": (-2, 20),
    "score_decline_share": (-0.5, 1.5),
    "score_new_months": (-2, 2000),
    "score_concentration_threshold": (-5, 120),
    "score_clv_horizon_years": (-2, 150),
    "score_clv_discount_rate": (-5, 120),
    "score_return_pause_days": (-5, 800),
    "score_active_weeks": (-2, 60),
    "score_active_days_per_week": (-1, 8),
    "score_occasional_months": (-2, 36),
    "score_occasional_days_per_month": (-1, 31),
    "profit_field_sales_cost": (-100, 10_000_000),
    "profit_telesales_cost": (-100, 10_000_000),
    "profit_visit_cost": (-100, 5000),
    "profit_late_days": (-5, 400),
    "profit_credit_note_share": (-5, 120),
}
SETTINGS_FIELDS = (
    "score_abc_a_share",
    "score_abc_b_share",
    "score_abc_fine_tiers",
    "score_abc_aaa_share",
    "score_abc_aa_share",
    "score_passive_gap_factor",
    "score_passive_min_days",
    "score_lost_months",
    "score_passive_p_alive",
    "score_passive_min_purchases",
    "score_decline_share",
    "score_new_months",
    "score_concentration_threshold",
    "score_clv_horizon_years",
    "score_clv_discount_rate",
)
NUMBER_SETTINGS = tuple(
    name
    for name in (*SETTINGS_FIELDS, *ACTIVITY_FIELDS, *PROFIT_SETTINGS_FIELDS)
    if name != "score_abc_fine_tiers"
)
# Every number the scoring's settings screens write on the company.
COMPANY_FIELDS = (*WEIGHT_FIELDS, *NUMBER_SETTINGS, *HEALTH_FIELDS)
KPI_TARGET_FIELDS = (
    "target_revenue",
    "target_margin",
    "target_meetings",
    "target_hit_rate",
    "target_new_customers",
    "target_loss_rate",
    "target_contacted",
    "target_average_order_value",
    "target_cross_sell",
)
COVERED = (
    {("res.company", name) for name in COMPANY_FIELDS}
    | {("res.config.settings", name) for name in COMPANY_FIELDS}
    | {("customer.scoring.settings", name) for name in (*WEIGHT_FIELDS, *NUMBER_SETTINGS)}
    | {("customer.kpi.target", name) for name in KPI_TARGET_FIELDS}
)
# Numbers of the scoring nobody types: set by the scoring run.
NOT_TYPED = {
    ("customer.score.run", "done_count"): "progress of a run, written by the run",
    ("customer.score.run", "total_count"): "progress of a run, written by the run",
    ("kam.account.snapshot", "score"): "monthly snapshot written by the health engine",
}


def company_values(fields):
    """The scoring settings as a user types them on a settings screen."""
    others = {name: field_values(fields[name], *RANGES[name]) for name in NUMBER_SETTINGS}
    return merged(
        weight_dicts(WEIGHT_FIELDS),
        weight_dicts(HEALTH_FIELDS),
        value_dicts(others, min_size=0, max_size=6),
        st.one_of(st.just({}), st.fixed_dictionaries({"score_abc_fine_tiers": st.booleans()})),
    )


@tagged("post_install", "-at_install")
class TestScoringBadInputProperties(BadInputMixin, ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        cls.company.write(
            {"score_abc_fine_tiers": False, **SCORING_HEALTH_DEFAULTS}
            | dict(zip(WEIGHT_FIELDS, (30, 10, 15, 15, 10, 10, 10), strict=True))
        )
        cls.admin = new_test_user(
            cls.env,
            login="cs_bad_input_admin",
            groups="base.group_system,sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="cs_bad_input_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.customers = cls.alpha | cls.beta | cls.gamma | cls.delta
        company = cls.env["res.company"]
        cls.labels = {name: company._kam_field_label(name) for name in COMPANY_FIELDS}

    def _score_tiny_world(self):
        """The consumer of the settings: the scoring of the four customers."""
        rows = self.env["customer.score"].compute_scores(
            companies=self.company, partners=self.customers, date=AS_OF
        )
        self.assertTrue(rows)

    def _check_company_settings(self, prop, steps, vals):
        numbers = {name: value for name, value in vals.items() if name != "score_abc_fine_tiers"}
        self.check_save(
            prop,
            steps,
            numbers,
            self.labels,
            watched=[(self.company, COMPANY_FIELDS)],
            stored=[(self.company, numbers)],
            consumer=self._score_tiny_world,
        )

    def test_admin_settings_page(self):
        """Odoo's Settings page of an administrator: saved (one request), then executed."""

        @SETTINGS_PAGE
        @given(vals=company_values(self.env["res.company"]._fields))
        # A valid change saved with the form, weights refused when the button runs.
        @example(vals={"score_lost_months": 24, "score_weight_revenue": 31})
        @example(vals={"score_lost_months": 30000})
        def prop(vals):
            state = {}

            def save():
                state["settings"] = (
                    self.env["res.config.settings"].with_user(self.admin).create(dict(vals))
                )

            self._check_company_settings(
                "admin settings page", [save, lambda: state["settings"].execute()], vals
            )

        prop()
        self.assertRanExamples("admin settings page", SETTINGS_PAGE.max_examples)

    def test_manager_settings_screen(self):
        """The scoring manager's own screen, as a sales manager without Administration."""
        Settings = self.env["customer.scoring.settings"].with_user(self.manager)

        @PROPERTY_SETTINGS
        @given(data=st.data())
        def prop(data):
            vals = data.draw(company_values(self.env["res.company"]._fields))
            vals = {name: value for name, value in vals.items() if name not in HEALTH_FIELDS}
            state = {}

            def save():
                state["settings"] = Settings.create(dict(vals))

            self._check_company_settings(
                "manager settings screen", [save, lambda: state["settings"].action_save()], vals
            )

        prop()
        self.assertRanExamples("manager settings screen", PROPERTY_SETTINGS.max_examples)

    def test_kpi_targets(self):
        """A month's targets of a salesperson, created or changed by the sales manager."""
        Target = self.env["customer.kpi.target"].with_user(self.manager)
        fields = Target._fields
        percent = {"target_hit_rate", "target_loss_rate"}
        values = {
            name: float_values(-5.0, 120.0)
            if name in percent
            else field_values(fields[name], -5, 10_000)
            for name in KPI_TARGET_FIELDS
        }
        labels = {name: fields[name]._description_string(self.env) for name in KPI_TARGET_FIELDS}
        achievements = [name for name in fields if name.endswith("_achievement")]
        target = Target.create({"month": date(2025, 6, 1), "user_id": self.salesman.id})
        state = {}

        def create(vals):
            state["target"] = Target.create(
                {"month": date(2025, 5, 1), "user_id": self.salesman.id, **vals}
            )

        def write(vals):
            target.write(dict(vals))
            state["target"] = target

        @PROPERTY_SETTINGS
        @given(vals=value_dicts(values), creating=st.booleans())
        def prop(vals, creating):
            self.check_save(
                "kpi targets",
                lambda: create(vals) if creating else write(vals),
                vals,
                labels,
                watched=[(target, KPI_TARGET_FIELDS)],
                stored=lambda: [(state["target"], vals)],
                consumer=lambda: state["target"].read(achievements),
            )

        prop()
        self.assertRanExamples("kpi targets", PROPERTY_SETTINGS.max_examples)

    def test_every_typed_number_is_drawn(self):
        """A number field added to either add-on that a user can type into must be drawn by
        a property here or in key_account_mgmt (or be listed as not typed, with why)."""
        found = editable_number_fields(self.env, {"key_account_mgmt", "customer_scoring"})
        # res.users mirrors the partner's fields (drawn on res.partner).
        found = {(model, name) for model, name in found if model != "res.users"}
        covered = COVERED | KAM_COVERED | set(NOT_TYPED) | set(KAM_NOT_TYPED)
        self.assertFalse(found - covered, "number fields no property draws")
        self.assertFalse(covered - found, "drawn fields that are not editable numbers")
        self.assertGreater(len(found), 100)
