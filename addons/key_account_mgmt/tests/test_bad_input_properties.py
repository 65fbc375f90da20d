"""Bad input, property-based: the key-account numbers a user types (class thresholds and
the key-account settings, health weights, meeting targets, service levels' shares and
visits, the ratings of partner, segmentation and analysis, the partner's turnover and
installers, plan goals and resources, class-movement goals, the candidate search), in any
combination and order, are accepted (then stored as typed, and the engine reading them
runs) or refused with a message naming the field and the typed value; a refused save
writes nothing.
"""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.res_company import KAM_SETTINGS_FIELDS
from ..models.res_company_health import HEALTH_WEIGHT_FIELDS
from .bad_input import (
    PROPERTY_SETTINGS,
    SETTINGS_PAGE,
    BadInputMixin,
    field_values,
    float_values,
    integer_values,
    merged,
    value_dicts,
    weight_dicts,
)
from .common import MANAGER_GROUPS, KamCase

SETTINGS_NUMBERS = tuple(
    name
    for name in KAM_SETTINGS_FIELDS
    if name not in ("kam_class_rule_mode", "kam_class_approver_id")
)
HEALTH_FIELDS = tuple(HEALTH_WEIGHT_FIELDS.values())
RANGES = {
    "kam_a_min_turnover": (-100, 60_000_000),
    "kam_b_min_turnover": (-100, 60_000_000),
    "kam_a_min_installers": (-5, 200),
    "kam_b_min_installers": (-5, 200),
    "kam_a_min_purchases": (-100, 500_000),
    "kam_b_min_purchases": (-100, 500_000),
    "kam_key_account_min_criteria": (-1, 5),
    "kam_overserved_meeting_factor": (-1, 10),
    "kam_overserved_hours_b": (-1, 200),
    "kam_overserved_hours_c": (-1, 200),
}
PARTNER_FIELDS = (
    "customer_turnover",
    "installer_count",
    "kam_reference_value",
    "kam_network_value",
    "kam_emotional_value",
    "kam_learning_value",
    "kam_regularity_value",
)
SEGMENTATION_FIELDS = ("importance", "effort", "attractiveness", "relationship")
ANALYSIS_RATINGS = (
    "relationship_rating",
    "image_rating",
    "location_rating",
    "solvency_rating",
    "growth_rating",
    "predictability_rating",
    "product_room_rating",
    "reference_rating",
    "learning_rating",
)
ANALYSIS_FIELDS = (*ANALYSIS_RATINGS, "project_count", "complaint_count", "our_share")
MOVEMENT_FIELDS = (
    "year",
    "goal_new_customers",
    "goal_c_to_b",
    "goal_b_to_a",
    "goal_a_kept",
    "a_kept_volume",
)
WIZARD_FIELDS = ("min_turnover", "min_installers", "min_purchases", "min_criteria")
COVERED = (
    {("res.company", name) for name in (*SETTINGS_NUMBERS, *HEALTH_FIELDS)}
    | {("res.config.settings", name) for name in (*SETTINGS_NUMBERS, *HEALTH_FIELDS)}
    | {("kam.settings", name) for name in SETTINGS_NUMBERS}
    | {("res.partner", name) for name in PARTNER_FIELDS}
    | {("kam.segmentation", name) for name in SEGMENTATION_FIELDS}
    | {("kam.account.analysis", name) for name in ANALYSIS_FIELDS}
    | {("kam.class.movement.goal", name) for name in MOVEMENT_FIELDS}
    | {("kam.key.account.candidate.wizard", name) for name in WIZARD_FIELDS}
    | {
        ("kam.meeting.target", "meetings_per_year"),
        ("kam.service.level", "field_sales_share"),
        ("kam.service.level", "telesales_share"),
        ("kam.service.level", "visits_per_year"),
        ("kam.account.analysis.competitor", "share"),
        ("kam.account.plan.goal", "target_value"),
        ("kam.account.plan.goal", "actual_value"),
        ("kam.account.plan.resource", "hours_per_month"),
        ("kam.swot.item", "impact"),
    }
)
# Numbers nobody types.
NOT_TYPED = {
    ("kam.stakeholder.group", "sequence"): "order of the list, set by dragging its handle",
    ("kam.account.snapshot", "health"): "monthly snapshot written by the health engine",
}


@tagged("post_install", "-at_install")
class TestKamBadInputProperties(BadInputMixin, KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.health_total = 100 - sum(
            company[name]
            for name in company._kam_health_weight_fields().values()
            if name not in HEALTH_FIELDS
        )
        cls.admin = new_test_user(
            cls.env,
            login="kam_bad_input_admin",
            groups=f"base.group_system,{MANAGER_GROUPS}",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        cls.customer = cls._customer(
            "Syöte Oy",
            turnover=25_000_000,
            installers=60,
            user_id=cls.salesperson.id,
            is_key_account=True,
            key_account_manager_id=cls.salesperson.id,
        )
        cls.small = cls._customer("Pieni Oy", turnover=1_000, installers=1)
        cls.contact = cls._contact(cls.customer, "Kari Kontakti", "procurement")
        cls.customers = cls.customer | cls.small
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "name": "Plan 2026",
                "partner_id": cls.customer.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "goal_ids": [
                    Command.create(
                        {
                            "name": "Share of insulation",
                            "goal_type": "joint",
                            "measure": "Share (%)",
                            "target_value": 60,
                            "actual_value": 45,
                            "deadline": date(2026, 12, 31),
                            "owner_id": cls.salesperson.id,
                        }
                    )
                ],
                "resource_ids": [
                    Command.create({"user_id": cls.salesperson.id, "hours_per_month": 10})
                ],
            }
        )
        cls.analysis = cls.env["kam.account.analysis"].create({"partner_id": cls.customer.id})
        cls.segmentation = cls.env["kam.segmentation"]._kam_get_or_create(cls.customer)
        cls.swot = cls.env["kam.swot.item"].create(
            {"partner_id": cls.customer.id, "swot_type": "strength", "description": "Near"}
        )

    def _labels(self, model, names):
        fields = self.env[model]._fields
        return {name: fields[name]._description_string(self.env) for name in names}

    def _recompute_classes(self):
        self._set_purchases(self.customer, 250_000)
        self._recompute(self.customers)
        self.env["kam.health.engine"]._kam_compute_health(partners=self.customer)

    # --- company settings --------------------------------------------------------------
    def _settings_values(self, health=True):
        fields = self.env["res.company"]._fields
        others = {name: field_values(fields[name], *RANGES[name]) for name in SETTINGS_NUMBERS}
        return merged(
            value_dicts(others, min_size=0, max_size=6),
            weight_dicts(HEALTH_FIELDS, self.health_total) if health else st.just({}),
        )

    def _check_settings(self, prop, model, button, health):
        names = (*SETTINGS_NUMBERS, *HEALTH_FIELDS)
        labels = self._labels("res.company", names)
        prop_settings = SETTINGS_PAGE if health else PROPERTY_SETTINGS

        @prop_settings
        @given(vals=self._settings_values(health))
        def prop_fn(vals):
            state = {}

            def save():
                state["settings"] = model.create(dict(vals))

            self.check_save(
                prop,
                [save, lambda: getattr(state["settings"], button)()],
                vals,
                labels,
                watched=[(self.company, names)],
                stored=[(self.company, vals)],
                consumer=self._recompute_classes,
            )

        prop_fn()
        self.assertRanExamples(prop, prop_settings.max_examples)

    def test_admin_settings_page(self):
        """Odoo's Settings page: thresholds, key-account criteria, over-served limits and
        the health weights, saved (one request) then executed (another)."""
        self._check_settings(
            "admin settings page",
            self.env["res.config.settings"].with_user(self.admin),
            "execute",
            health=True,
        )

    def test_manager_settings_screen(self):
        """The key-account manager's screen, as a sales manager without Administration."""
        model = self.env["kam.settings"].with_user(self.manager)
        self._check_settings("manager settings screen", model, "action_save", health=False)

    # --- one record's numbers ------------------------------------------------------------
    def _check_record(self, prop, record, values, consumer=None):
        """Write drawn ``values`` ({field: strategy}) on ``record`` (with its user)."""
        labels = self._labels(record._name, values)

        @PROPERTY_SETTINGS
        @given(vals=value_dicts(values))
        def prop_fn(vals):
            self.check_save(
                prop,
                lambda: record.write(dict(vals)),
                vals,
                labels,
                watched=[(record, tuple(values))],
                stored=[(record, vals)],
                consumer=consumer,
            )

        prop_fn()
        self.assertRanExamples(prop, PROPERTY_SETTINGS.max_examples)

    def test_partner_facts_and_ratings(self):
        """The salesperson types the customer's turnover, installers and ratings."""
        partner = self.customer.with_user(self.salesperson)
        values = {
            "customer_turnover": float_values(-1000.0, 60_000_000.0),
            "installer_count": integer_values(-5, 200),
            **{name: integer_values(-2, 7) for name in PARTNER_FIELDS[2:]},
        }
        self._check_record("partner", partner, values, consumer=self._recompute_classes)

    def test_segmentation_ratings(self):
        seg = self.segmentation.with_user(self.salesperson)
        values = dict.fromkeys(SEGMENTATION_FIELDS, integer_values(-2, 7))
        self._check_record(
            "segmentation", seg, values, consumer=lambda: seg.read(["proposed_decision"])
        )

    def test_analysis_ratings_and_counts(self):
        analysis = self.analysis.with_user(self.salesperson)
        values = {
            **{name: integer_values(-2, 7) for name in ANALYSIS_RATINGS},
            "project_count": integer_values(-2, 50),
            "complaint_count": integer_values(-2, 50),
            "our_share": float_values(-5.0, 120.0),
        }
        self._check_record(
            "analysis",
            analysis,
            values,
            consumer=lambda: analysis.read(["overall_rating", "competitor_share_total"]),
        )

    def test_analysis_competitor_shares(self):
        """Competitors' shares typed on the analysis' lines, beside our own share."""
        analysis = self.analysis.with_user(self.salesperson)
        labels = {
            "share": self._labels("kam.account.analysis.competitor", ["share"])["share"],
            "our_share": self._labels("kam.account.analysis", ["our_share"])["our_share"],
        }
        Competitor = self.env["kam.account.analysis.competitor"]

        @PROPERTY_SETTINGS
        @given(
            our=st.one_of(st.just(None), float_values(-5.0, 120.0)),
            shares=st.lists(float_values(-5.0, 80.0), min_size=1, max_size=3),
        )
        def prop_fn(our, shares):
            lines = [Command.create({"name": f"K{i}", "share": s}) for i, s in enumerate(shares)]
            vals = {"competitor_ids": lines}
            if our is not None:
                vals["our_share"] = our
            # The message names one of the typed values: our share or a competitor's.
            typed = [("our_share", our)] if our is not None else []
            # A line's check names it, the check of the typed number its field.
            typed += [(key, share) for i, share in enumerate(shares) for key in (f"K{i}", "share")]
            self.check_save(
                "analysis competitors",
                lambda: analysis.write(vals),
                typed,
                labels,
                watched=[(self.analysis, ("our_share",))],
                consumer=lambda: analysis.read(["competitor_share_total"]),
            )

        prop_fn()
        self.assertEqual(Competitor.search_count([("analysis_id", "=", self.analysis.id)]), 0)
        self.assertRanExamples("analysis competitors", PROPERTY_SETTINGS.max_examples)

    def test_plan_goal_and_resource(self):
        goal = self.plan.goal_ids.with_user(self.salesperson)
        self._check_record(
            "plan goal",
            goal,
            dict.fromkeys(("target_value", "actual_value"), float_values(-100.0, 1000.0)),
            consumer=lambda: goal.read(["current_value"]),
        )
        resource = self.plan.resource_ids.with_user(self.salesperson)
        self._check_record(
            "plan resource",
            resource,
            {"hours_per_month": float_values(-5.0, 300.0)},
            consumer=lambda: self.customer.read(["kam_overserved"]),
        )

    def test_swot_impact(self):
        swot = self.swot.with_user(self.salesperson)
        self._check_record("swot impact", swot, {"impact": integer_values(-2, 7)})

    def test_service_levels(self):
        """The manager changes one class's shares and visits (one row of the list)."""
        levels = self.env["kam.service.level"].search([("company_id", "=", self.company.id)])
        values = {
            "field_sales_share": float_values(-5.0, 110.0),
            "telesales_share": float_values(-5.0, 110.0),
            "visits_per_year": float_values(-5.0, 60.0),
        }
        for level in levels:
            self._check_record(
                f"service level {level.abc_class}",
                level.with_user(self.manager),
                values,
                consumer=lambda lv=level: lv.read(["summary"]),
            )

    def test_meeting_targets(self):
        """The manager changes a meeting target, or adds one for a class without."""
        Target = self.env["kam.meeting.target"].with_user(self.manager)
        target = Target.search([("company_id", "=", self.company.id)], limit=1)
        labels = self._labels("kam.meeting.target", ["meetings_per_year"])

        @PROPERTY_SETTINGS
        @given(per_year=integer_values(-5, 60), as_needed=st.booleans(), creating=st.booleans())
        def prop_fn(per_year, as_needed, creating):
            vals = {"meetings_per_year": per_year, "as_needed": as_needed}
            if creating:
                save = lambda: Target.create(  # noqa: E731
                    {
                        **vals,
                        "abc_class": "C",
                        "stakeholder_group_id": self.groups["marketing"].id,
                    }
                )
            else:
                save = lambda: target.write(vals)  # noqa: E731
            self.check_save(
                "meeting targets",
                save,
                {"meetings_per_year": per_year},
                labels,
                watched=[(target, ("meetings_per_year", "as_needed"))],
                stored=[] if creating else [(target, {"meetings_per_year": per_year})],
                consumer=self._recompute_classes,
            )

        prop_fn()
        self.assertRanExamples("meeting targets", PROPERTY_SETTINGS.max_examples)

    def test_class_movement_goals(self):
        Goal = self.env["kam.class.movement.goal"].with_user(self.manager)
        fields = Goal._fields
        values = {
            "year": integer_values(1990, 2110),
            "a_kept_volume": float_values(-100.0, 1_000_000.0),
            **{name: integer_values(-3, 50) for name in MOVEMENT_FIELDS[1:5]},
        }
        labels = self._labels("kam.class.movement.goal", MOVEMENT_FIELDS)
        state = {}

        @PROPERTY_SETTINGS
        @given(vals=value_dicts(values))
        def prop_fn(vals):
            def save():
                state["goal"] = Goal.create({"salesperson_id": self.salesperson.id, **vals})

            self.check_save(
                "class movement goals",
                save,
                vals,
                labels,
                watched=[],
                stored=lambda: [(state["goal"], vals)],
                consumer=lambda: state["goal"].read(
                    [name for name in fields if name.startswith("achievement_")]
                ),
            )

        prop_fn()
        self.assertRanExamples("class movement goals", PROPERTY_SETTINGS.max_examples)

    def test_candidate_search(self):
        """The key-account candidate search with typed thresholds, then Find."""
        Wizard = self.env["kam.key.account.candidate.wizard"].with_user(self.manager)
        fields = Wizard._fields
        values = {
            "min_turnover": float_values(-100.0, 60_000_000.0),
            "min_installers": integer_values(-5, 200),
            "min_purchases": float_values(-100.0, 500_000.0),
            "min_criteria": integer_values(-1, 5),
        }
        labels = self._labels(Wizard._name, WIZARD_FIELDS)
        state = {}

        @PROPERTY_SETTINGS
        @given(vals=value_dicts(values))
        def prop_fn(vals):
            def save():
                state["wizard"] = Wizard.create(dict(vals))

            self.check_save(
                "candidate search",
                [save, lambda: state["wizard"].action_find()],
                vals,
                labels,
                watched=[],
                stored=lambda: [(state["wizard"], vals)],
            )

        del fields
        prop_fn()
        self.assertRanExamples("candidate search", PROPERTY_SETTINGS.max_examples)
