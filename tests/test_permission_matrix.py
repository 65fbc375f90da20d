"""Permission matrix of both add-ons, generated from the registry.

Every model defined by key_account_mgmt or customer_scoring (found through ir.model.data,
not listed by hand), plus res.partner which they extend, is tried by seven real users:
read, create, write and unlink for real inside a savepoint (rolled back), and every public
method of ours on the model. The outcome of each cell is compared with one expected table
kept below; any cell that differs fails, and a model or method without an expected entry
fails too. The fields the add-ons put on res.partner are read one by one by every role.
"""

import logging
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import LOG_ACCESS_COLUMNS, BaseModel
from odoo.tests import TransactionCase, new_test_user, tagged

_logger = logging.getLogger(__name__)

OUR_MODULES = ("key_account_mgmt", "customer_scoring")

# Roles, in the order of the columns of the method strings below.
ROLES = ("portal", "internal", "owner", "other", "manager", "accountant", "manager2")
ROLE_GROUPS = {
    # The customer's own contact, logged in to the portal.
    "portal": "base.group_portal",
    # An employee without any sales or accounting rights.
    "internal": "base.group_user",
    # The customer's salesperson (user_id), and a salesperson of other customers.
    "owner": "sales_team.group_sale_salesman",
    "other": "sales_team.group_sale_salesman",
    # Sales manager: implies the key account manager and the scoring manager.
    "manager": "sales_team.group_sale_manager",
    "accountant": "account.group_account_invoice",
    # A sales manager of the second company only.
    "manager2": "sales_team.group_sale_manager",
}

# Outcomes: y = allowed, n = denied (AccessError), v = refused by a business rule or by
# "only ... may" (UserError / ValidationError); anything else is the exception's class name
# (its first letter in the method strings).
#
# EXPECTED[model] = (crud, methods)
#   crud: per role (ROLES order, comma-separated) the operations it may do on the owned
#         customer's row of company 1: r read, c create, w write, u unlink; "-" none.
#         manager2 works in company 2 only: every company-1 row is out of its reach.
#   methods: {method: outcome per role, one letter each, in ROLES order}.
# Abstract models (no table) have crud None and only their methods are called; the
# abstract mixins that our concrete models inherit have no methods of their own here
# (theirs are called on the concrete models).
SALES_READ = "-, -, r, r, r, -, -"
OWNER_EDITS = "-, -, rcwu, r, rcwu, -, -"
MANAGER_READS = "-, -, -, -, r, -, -"
OPEN_OWN = "nnynynn"  # buttons of the owner's own rows: the owner and the managers
MANAGERS = "nnnnynn"  # sales manager only (company 1)
SCORING_MANAGERS = "nnnnyny"  # scoring managers, each in the companies he works in
EXPECTED = {
    "customer.clv.backtest": (MANAGER_READS, {"action_open_chart": MANAGERS}),
    "customer.clv.backtest.line": (MANAGER_READS, {}),
    "customer.clv.backtest.point": (MANAGER_READS, {}),
    "customer.clv.model": (MANAGER_READS, {"action_open_backtest_chart": MANAGERS}),
    "customer.kpi.base": ("-, -, r, r, rcwu, r, -", {}),
    "customer.kpi.progress": (SALES_READ, {}),
    "customer.kpi.snapshot": (
        "-, -, r, r, rcwu, r, -",
        {
            "action_rebuild_history": SCORING_MANAGERS,
            "action_refresh_snapshots": SCORING_MANAGERS,
            "generate_snapshots": SCORING_MANAGERS,
        },
    ),
    "customer.kpi.target": ("-, -, r, r, rcwu, -, -", {}),
    # A salesperson reads the profitability of her own customers only.
    "customer.profitability": (
        "-, -, r, -, r, r, -",
        {
            "action_open_credit_note_lines": "nnynyyn",
            "action_open_invoice_lines": "nnynyyn",
            "action_open_overdue_invoices": "nnynyyn",
            "action_open_partner": "nnynyyn",
            "action_recompute": SCORING_MANAGERS,
        },
    ),
    "customer.profitability.engine": (None, {"compute_profitability": SCORING_MANAGERS}),
    # No row in this world (the customer-base model needs more customers): access rights
    # only, see ACL_ONLY.
    "customer.purchase.forecast": ("-, -, r, r, r, r, r", {}),
    "customer.revenue.day": ("-, -, -, -, r, -, -", {}),
    "customer.revenue.report": ("-, -, r, r, r, r, -", {}),
    # The whole sales organisation and the accountants read the scores.
    "customer.score": (
        "-, -, r, r, rcwu, r, -",
        {
            "action_open_invoice_lines": "nnyyyyn",
            "action_recompute_scores": SCORING_MANAGERS,
            "compute_scores": SCORING_MANAGERS,
        },
    ),
    # What the classes were computed from: the scoring's own bookkeeping (system only).
    "customer.score.class.input": ("-, -, -, -, -, -, -", {}),
    "customer.score.figures": (None, {}),
    "customer.score.mark": ("-, -, -, -, ru, -, -", {}),
    "customer.score.placement": (None, {}),
    "customer.score.ranks": (None, {}),
    "customer.score.run": ("-, -, -, -, ru, -, -", {}),
    "customer.score.runner": (None, {}),
    "customer.scoring.settings": ("-, -, -, -, rcw, -, -", {"action_save": MANAGERS}),
    "customer.scoring.settings.fields": (None, {}),
    "kam.abc.class.history": (SALES_READ, {}),
    # Accountants read the analyses (the figures behind the volume), never edit them;
    # only managers decide (a UserError for the others).
    "kam.account.analysis": (
        "-, -, rcwu, r, rcwu, r, -",
        {
            "action_open_volume_lines": "nnyyyyn",
            "action_promote": "vvvvyvn",
            "action_refresh_figures": OPEN_OWN,
            "action_stop": "vvvvyvn",
        },
    ),
    "kam.account.analysis.competitor": ("-, -, rcwu, r, rcwu, r, -", {}),
    "kam.account.plan": (
        OWNER_EDITS,
        {
            "action_activate": OPEN_OWN,
            "action_close": OPEN_OWN,
            "action_print": "nnyyynn",
            "action_reset_to_draft": OPEN_OWN,
        },
    ),
    "kam.account.plan.action": (OWNER_EDITS, {}),
    "kam.account.plan.goal": (OWNER_EDITS, {"action_open_invoice_lines": "nnyyynn"}),
    "kam.account.plan.resource": (OWNER_EDITS, {}),
    "kam.account.plan.review": (OWNER_EDITS, {}),
    "kam.account.snapshot": (SALES_READ, {}),
    "kam.class.engine": (None, {}),
    "kam.class.mix": (SALES_READ, {}),
    "kam.class.movement": (SALES_READ, {}),
    # A salesperson reads her own goals and the company's, not a colleague's.
    "kam.class.movement.goal": (
        "-, -, r, -, rcwu, -, -",
        {
            "action_open_a_kept": OPEN_OWN,
            "action_open_b_to_a": OPEN_OWN,
            "action_open_c_to_b": OPEN_OWN,
            "action_open_new_customers": OPEN_OWN,
            "kam_actual_partners": OPEN_OWN,
        },
    ),
    # Any salesperson may propose a class (her proposal is hers); managers decide. The
    # dialog's submit button only closes the dialog (the record is saved by then).
    "kam.class.proposal": (
        "-, -, rcw, rc, rcwu, -, -",
        {"action_approve": "vvvvyvn", "action_reject": "vvvvyvn", "action_submit": "yyyyyyy"},
    ),
    "kam.class.settings.fields": (None, {}),
    "kam.company.settings.mixin": (None, {}),
    "kam.director.overview": (None, {"get_tiles": SCORING_MANAGERS}),
    "kam.health.engine": (None, {}),
    "kam.key.account.candidate.line": ("-, -, -, -, rcwu, -, -", {}),
    "kam.key.account.candidate.wizard": (
        "-, -, -, -, rcwu, -, -",
        {"action_apply": "nnnnvnn", "action_find": MANAGERS},
    ),
    # Not per company: the key-account flag is the customer's.
    "kam.key.account.history": ("-, -, r, r, r, -, r", {}),
    "kam.manager.settings.mixin": (None, {}),
    "kam.meeting.status": (SALES_READ, {}),
    "kam.meeting.target": ("-, -, r, r, rcwu, -, -", {}),
    "kam.number.input.mixin": (None, {}),
    "kam.relationship.health": (SALES_READ, {"action_kam_do_next_action": OPEN_OWN}),
    "kam.relationship.health.line": (SALES_READ, {}),
    # The owner rates and decides; a colleague is refused with a UserError.
    "kam.segmentation": ("-, -, rcw, r, rcwu, -, -", {"action_confirm_decision": "nnyvynn"}),
    "kam.segmentation.history": (SALES_READ, {}),
    "kam.service.level": ("-, -, r, r, rcwu, -, -", {}),
    "kam.settings": ("-, -, -, -, rcw, -, -", {"action_save": MANAGERS}),
    # Shared by the companies.
    "kam.stakeholder.group": ("-, -, r, r, rcwu, -, rcwu", {}),
    "kam.start.page": (None, {"get_start_page": "nnyyyny"}),
    "kam.swot.item": (OWNER_EDITS, {"action_mark_reviewed": OPEN_OWN}),
    # Customers are shared by the companies; a salesperson edits her own, key account
    # managers every one. The buttons that only open a window return the window (no
    # data); the records behind it keep their own rules.
    "res.partner": (
        "r, r, rcw, rc, rcw, r, rcw",
        {
            "action_kam_clear_manual_class": SCORING_MANAGERS,
            "action_kam_do_next_action": "nnynyny",
            "action_kam_keep_key_account": SCORING_MANAGERS,
            "action_kam_open_analyses": "yyyyyyy",
            "action_kam_open_key_accounts": "nyyyyyy",
            "action_kam_open_segmentation": "nnyyyny",
            "action_kam_propose_class": "yyyyyyy",
            "action_kam_recompute_class": "nnynyny",
            "action_kam_refresh_health": "nnyyyny",
            "action_kam_remove_key_account": SCORING_MANAGERS,
            "action_open_customer_profitability": "nnyyyyy",
            "action_open_purchase_forecast": "yyyyyyy",
            # manager2: no score row in company 2, the button fails (reported).
            "action_open_score_invoice_lines": "nnyyyyv",
        },
    ),
}
# SQL views with no row in this world: only the access rights are checked there.
ACL_ONLY = {"customer.purchase.forecast"}

# Fields of ours on res.partner, by the groups they carry: who reads them (ROLES order).
# A field of ours with other groups, or none, fails the test.
PARTNER_FIELDS_EXPECTED = {
    "base.group_user": "nyyyyyy",
    "key_account_mgmt.group_kam_user": "nnyyyny",
    "sales_team.group_sale_salesman,account.group_account_invoice": "nnyyyyy",
    "sales_team.group_sale_salesman,account.group_account_invoice,"
    "key_account_mgmt.group_kam_manager": "nnyyyyy",
}
# A field open to employees (base.group_user) must be readable by every employee: one whose
# records only key account users may read (SWOT, plans, histories...) would make the
# customer form fail for the others, so it carries key_account_mgmt.group_kam_user.
# Of ours on res.partner without groups: nothing about the customer's standing.
UNGUARDED_PARTNER_FIELDS = {"kam_turnover_currency_id"}

# Arguments of the public methods that take some.
METHOD_ARGS = {
    ("kam.class.movement.goal", "kam_actual_partners"): ("new_customers",),
    ("kam.segmentation", "action_confirm_decision"): ("develop", "Matrix check"),
}
# The write tried on the settings screens changes a company setting for real.
WRITE_VALS = {
    "kam.settings": {"kam_a_min_installers": 55},
    "customer.scoring.settings": {"score_lost_months": 13},
}
# Inherited framework names that are not methods of ours even when a class of ours
# overrides them.
FRAMEWORK = {"pool", "init", "get_values", "set_values"}


class _Rollback(Exception):
    """Raised at the end of an allowed operation so that its savepoint is rolled back."""


@tagged("post_install", "-at_install")
class TestPermissionMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        cls.c1 = env.company
        cls.c2 = env["res.company"].create(
            {"name": "Matrix Company 2", "currency_id": cls.c1.currency_id.id}
        )
        env.user.company_ids |= cls.c2
        Partner = env["res.partner"]
        cls.nobodys = Partner.create({"name": "Nobody's Customer Oy", "is_company": True})
        users = {}
        for role in ROLES:
            company = cls.c2 if role == "manager2" else cls.c1
            users[role] = new_test_user(
                env,
                login=f"matrix_{role}",
                name=f"Matrix {role}",
                groups=ROLE_GROUPS[role],
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
        cls.users = users
        cls.owned = Partner.create(
            {
                "name": "Owned Customer Oy",
                "is_company": True,
                "user_id": users["owner"].id,
                "customer_turnover": 25_000_000,
                "installer_count": 60,
                "kam_turnover_currency_id": cls.c1.currency_id.id,
            }
        )
        # The customer's own contact logs in to the portal.
        users["portal"].partner_id.parent_id = cls.owned
        cls._build_world()
        cls.models = cls._our_models()

    # ------------------------------------------------------------------ the world
    @classmethod
    def _invoice(cls, partner, day, price):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.product.id, "quantity": 10, "price_unit": price}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _build_world(cls):
        env = cls.env
        today = fields.Date.context_today(env.user)
        cls.product = env["product.product"].create(
            {"name": "Matrix Valve", "list_price": 100.0, "standard_price": 40.0, "type": "consu"}
        )
        cls.invoices = env["account.move"]
        for days, price in ((200, 900.0), (120, 1100.0), (30, 1300.0)):
            cls.invoices |= cls._invoice(cls.owned, today - timedelta(days=days), price)
        cls.owned.write({"is_key_account": True, "key_account_manager_id": cls.users["owner"].id})
        # The real engines write their rows: class, scores, health, KPIs, profitability.
        env["kam.class.engine"]._kam_recompute_abc_classes(company=cls.c1, partners=cls.owned)
        env["customer.score"].compute_scores(companies=cls.c1)
        env["customer.score.mark"].create({"partner_id": cls.owned.id, "company_id": cls.c1.id})
        cls.owned.action_kam_refresh_health()
        env["customer.kpi.snapshot"].generate_snapshots(companies=cls.c1)
        env["customer.profitability.engine"].compute_profitability(companies=cls.c1)
        owner = cls.users["owner"]
        env["kam.swot.item"].create(
            {"partner_id": cls.owned.id, "swot_type": "strength", "description": "Loyal"}
        )
        plan = env["kam.account.plan"].create({"name": "Plan 2026", "partner_id": cls.owned.id})
        goal = env["kam.account.plan.goal"].create({"plan_id": plan.id, "name": "Grow"})
        env["kam.account.plan.action"].create({"goal_id": goal.id, "name": "Visit"})
        env["kam.account.plan.resource"].create({"plan_id": plan.id, "user_id": owner.id})
        env["kam.account.plan.review"].create({"plan_id": plan.id, "date": today})
        env["kam.class.proposal"].with_user(owner).create(
            {"partner_id": cls.owned.id, "proposed_class": "B", "reason": "Fewer installers"}
        )
        seg = env["kam.segmentation"].create({"partner_id": cls.owned.id})
        seg.action_confirm_decision(decision="keep", reason="Steady")
        analysis = env["kam.account.analysis"].create({"partner_id": cls.owned.id})
        env["kam.account.analysis.competitor"].create(
            {"analysis_id": analysis.id, "name": "Rival Oy"}
        )
        env["kam.class.movement.goal"].create(
            {"company_id": cls.c1.id, "year": today.year, "salesperson_id": owner.id}
        )
        env["customer.kpi.target"].create(
            {"month": today, "company_id": cls.c1.id, "user_id": owner.id}
        )
        # The scoring run fitted (or tried to fit) the customer-base model of today.
        model = env["customer.clv.model"].search([("company_id", "=", cls.c1.id)], limit=1)
        backtest = env["customer.clv.backtest"].search([("company_id", "=", cls.c1.id)], limit=1)
        backtest = backtest or env["customer.clv.backtest"].create(
            {"company_id": cls.c1.id, "date": today, "model_id": model.id}
        )
        env["customer.clv.backtest.line"].create(
            {"backtest_id": backtest.id, "company_id": cls.c1.id, "calibration_purchases": 1}
        )
        wizard = env["kam.key.account.candidate.wizard"].create({"company_id": cls.c1.id})
        env["kam.key.account.candidate.line"].create(
            {"wizard_id": wizard.id, "partner_id": cls.owned.id, "criteria_met": 3}
        )
        env["kam.settings"].create({"company_id": cls.c1.id})
        env["customer.scoring.settings"].create({"company_id": cls.c1.id})
        env["customer.kpi.snapshot"]._rebuild_history(months=12, companies=cls.c1)

    @classmethod
    def _our_models(cls):
        """Models defined by our modules (ir.model.data), and res.partner they extend."""
        data = cls.env["ir.model.data"].search(
            [("model", "=", "ir.model"), ("module", "in", OUR_MODULES)]
        )
        names = set(cls.env["ir.model"].browse(data.mapped("res_id")).mapped("model"))
        names = {n for n in names if cls.env[n]._original_module in OUR_MODULES}
        return sorted(names | {"res.partner"})

    def _record(self, name):
        """The owned customer's row of ``name`` in company 1 (as the superuser)."""
        Model = self.env[name].sudo().with_context(active_test=False)
        if name == "res.partner":
            return self.owned
        domain = []
        if "company_id" in Model._fields and Model._fields["company_id"].store:
            domain.append(("company_id", "in", [self.c1.id, False]))
        for path in (
            "partner_id",
            "plan_id.partner_id",
            "goal_id.plan_id.partner_id",
            "health_id.partner_id",
            "analysis_id.partner_id",
            "segmentation_id.partner_id",
            "salesperson_id.partner_id",
            "user_id",
        ):
            head = path.split(".")[0]
            if head in Model._fields:
                value = self.users["owner"].id if path == "user_id" else self.owned.id
                if path == "salesperson_id.partner_id":
                    path, value = "salesperson_id", self.users["owner"].id
                record = Model.search(domain + [(path, "=", value)], limit=1)
                if record:
                    return record
        return Model.search(domain, limit=1)

    # ------------------------------------------------------------------ trying
    def _try(self, operation):
        """Run ``operation`` in a savepoint that is always rolled back; its outcome."""
        try:
            with self.env.cr.savepoint():
                operation()
                self.env.flush_all()
                raise _Rollback()
        except _Rollback:
            outcome = "y"
        except AccessError:
            outcome = "n"
        except (UserError, ValidationError):
            outcome = "v"
        except Exception as error:  # noqa: BLE001 - any other failure is a cell value
            outcome = type(error).__name__
        self.env.invalidate_all()
        return outcome

    @staticmethod
    def _write_vals(record):
        """One harmless stored field of ``record``, rewritten with its own value (editable
        fields first; the ORM lets code write read-only ones too)."""
        if record._name in WRITE_VALS:
            return WRITE_VALS[record._name]
        preferred = ("description", "name", "note", "notes", "reason", "comment", "risks")
        names = [n for n in preferred if n in record._fields]
        names += sorted(record._fields, key=lambda n: bool(record._fields[n].readonly))
        for fname in names:
            field = record._fields[fname]
            if (
                field.store
                and not field.compute
                and not field.related
                and field.type in ("char", "text", "integer", "float", "boolean", "date")
                and not hasattr(BaseModel, fname)
                and fname not in LOG_ACCESS_COLUMNS
            ):
                return {fname: record[fname]}
        return {}

    def _crud_operations(self, name, user):
        """{letter: operation} of ``user`` on the owned customer's row of ``name``."""
        record = self._record(name)
        mine = record.with_user(user)
        Model = self.env[name].with_user(user)
        if name in ACL_ONLY:
            self.assertFalse(record, f"{name} has rows now: take it out of ACL_ONLY")
            return {
                op: (lambda op=op: Model.check_access(op))
                for op in ["read", "create", "write", "unlink"]
            }
        self.assertTrue(record, f"no row of {name} in the test world")
        if name == "res.partner":
            # Its fields of ours are read one by one in test_partner_fields.
            fnames = ["name", "commercial_partner_id"]
        else:
            # Every stored field the user's groups let through.
            fnames = [
                n
                for n, f in Model._fields.items()
                if f.store and (not f.groups or user.has_groups(f.groups))
            ]
        if not Model._auto:
            # SQL views: nothing can be written, the access rights and rules decide.
            return {
                "r": lambda: mine.read(fnames),
                "c": lambda: Model.check_access("create"),
                "w": lambda: mine.check_access("write"),
                "u": lambda: mine.check_access("unlink"),
            }
        partner = name == "res.partner"
        vals = {"name": "New Oy", "is_company": True} if partner else record.copy_data()[0]

        def create():
            # The original goes first (as the superuser), so that its copy breaks no "one
            # per customer" rule.
            if not partner:
                record.unlink()
            Model.create(vals)

        write_vals = self._write_vals(record)
        return {
            "r": lambda: mine.read(fnames),
            "c": create,
            "w": (lambda: mine.write(write_vals))
            if write_vals
            else (lambda: mine.check_access("write")),
            "u": lambda: mine.unlink(),
        }

    def _crud(self, name, user):
        cells = ""
        for letter, operation in self._crud_operations(name, user).items():
            outcome = self._try(operation)
            if outcome == "y":
                cells += letter[0]
            elif outcome != "n":
                cells += f"[{letter[0]}:{outcome}]"
        return cells or "-"

    def _methods(self, name):
        """Public methods our modules define on ``name`` (introspection of the classes);
        none for an abstract mixin that models of ours inherit."""
        Model = self.env[name]
        if Model._abstract and any(
            not self.env[child]._abstract for child in Model._inherit_children
        ):
            return []
        found = set()
        for klass in type(Model).__mro__:
            if getattr(klass, "_module", None) in OUR_MODULES:
                for attr, value in vars(klass).items():
                    if (
                        callable(value)
                        and not attr.startswith("_")
                        and not hasattr(BaseModel, attr)
                        and attr not in FRAMEWORK
                    ):
                        found.add(attr)
        return sorted(found)

    def _call(self, name, method, user):
        Model = self.env[name].with_user(user)
        target = Model if Model._abstract else self._record(name).with_user(user)
        args = METHOD_ARGS.get((name, method), ())
        return self._try(lambda: getattr(target, method)(*args))

    # ------------------------------------------------------------------ the tests
    def test_matrix(self):
        """Every cell of every model of ours against the expected table."""
        missing = [name for name in self.models if name not in EXPECTED]
        self.assertFalse(missing, f"models without an expected row: {missing}")
        stale = sorted(set(EXPECTED) - set(self.models))
        self.assertFalse(stale, f"expected rows of models that are not ours: {stale}")
        differences, cells = [], 0
        for name in self.models:
            crud, methods = EXPECTED[name]
            if self.env[name]._abstract:
                self.assertIsNone(crud, name)
            else:
                wanted = [cell.strip() for cell in crud.split(",")]
                self.assertEqual(len(wanted), len(ROLES), name)
                for role, want in zip(ROLES, wanted, strict=True):
                    got = self._crud(name, self.users[role])
                    cells += 4
                    if got != want:
                        differences.append(f"{name} {role}: expected {want!r}, got {got!r}")
            found = self._methods(name)
            unknown = sorted(set(found) - set(methods))
            gone = sorted(set(methods) - set(found))
            if unknown or gone:
                differences.append(f"{name}: methods without expectation {unknown}, gone {gone}")
            for method in found:
                want = methods.get(method, "?" * len(ROLES))
                for role, letter in zip(ROLES, want, strict=True):
                    got = self._call(name, method, self.users[role])
                    cells += 1
                    if got[:1] != letter:
                        differences.append(
                            f"{name}.{method} {role}: expected {letter!r}, got {got!r}"
                        )
        _logger.info("Permission matrix: %s cells checked on %s models", cells, len(self.models))
        self.assertFalse(differences, "\n".join(differences))
        # Models of both add-ons, their operations and buttons, seven roles.
        self.assertGreater(cells, 1000)

    def test_partner_fields(self):
        """Every field of ours on res.partner, read alone by every role."""
        ours = {
            fname: field
            for fname, field in self.env["res.partner"]._fields.items()
            if field._module in OUR_MODULES
        }
        self.assertIn("abc_class", ours)
        self.assertIn("customer_score_class", ours)
        differences, cells = [], 0
        for fname, field in sorted(ours.items()):
            if not field.groups:
                if fname not in UNGUARDED_PARTNER_FIELDS:
                    differences.append(f"{fname}: no groups, anyone reads it")
                continue
            want = PARTNER_FIELDS_EXPECTED.get(field.groups)
            if want is None:
                differences.append(f"{fname}: groups {field.groups!r} have no expected row")
                continue
            for role, letter in zip(ROLES, want, strict=True):
                partner = self.owned.with_user(self.users[role])
                got = self._try(lambda partner=partner, fname=fname: partner.read([fname]))
                cells += 1
                if got != letter:
                    differences.append(f"res.partner.{fname} {role}: expected {letter}, got {got}")
        _logger.info("Partner fields: %s cells checked on %s fields", cells, len(ours))
        self.assertFalse(differences, "\n".join(differences))
        self.assertGreater(cells, 400)

    def test_company_two_is_out_of_reach(self):
        """The cross-company cell on its own: company 2's manager manages his company and
        reads nothing of company 1's."""
        manager2 = self.users["manager2"]
        swot = self._record("kam.swot.item")
        score = self._record("customer.score")
        for record in (swot, score, self._record("kam.settings")):
            with self.assertRaises(AccessError, msg=record._name):
                record.with_user(manager2).read(["company_id"])
        Swot = self.env["kam.swot.item"].with_user(manager2)
        self.assertFalse(Swot.search([("id", "=", swot.id)]))
        own = self.env["res.partner"].create({"name": "Company 2 Customer AB", "is_company": True})
        item = Swot.create({"partner_id": own.id, "swot_type": "threat", "description": "New"})
        self.assertEqual(item.company_id, self.c2)

    def test_customer_of_nobody(self):
        """A customer nobody owns (created by someone else): the salespeople read it and
        leave it alone, the sales manager edits it."""
        for role in ("owner", "other"):
            user = self.users[role]
            customer = self.nobodys.with_user(user)
            self.assertEqual(customer.name, "Nobody's Customer Oy")
            self.assertEqual(self._try(lambda c=customer: c.write({"phone": "+358 1"})), "n")
            Swot = self.env["kam.swot.item"].with_user(user)
            vals = {"partner_id": self.nobodys.id, "swot_type": "threat", "description": "x"}
            self.assertEqual(self._try(lambda s=Swot, v=vals: s.create(v)), "n", role)
        manager = self.nobodys.with_user(self.users["manager"])
        self.assertEqual(self._try(lambda: manager.write({"phone": "+358 2"})), "y")

    def test_customer_form_opens(self):
        """The customer form as each employee role gets it from the server: every field the
        view keeps for that role is read in one go, as the web client does. Odoo's own
        Invoicing fields (account) are read for the roles with invoicing or sales rights;
        for the employee without them only ours, which Odoo's own fields already refuse."""
        for role in ROLES[1:]:
            user = self.users[role]
            Partner = self.env["res.partner"].with_user(user)
            view_fields = Partner.get_views([(False, "form")])["models"]["res.partner"]["fields"]
            if role == "internal":
                view_fields = [f for f in view_fields if Partner._fields[f]._module in OUR_MODULES]
            self.assertIn("abc_class", view_fields, role)
            partner = self.owned
            if role == "manager2":
                partner = Partner.create({"name": "Company 2 Form Oy", "is_company": True})
            values = partner.with_user(user).web_read({fname: {} for fname in view_fields})
            self.assertEqual(values[0]["id"], partner.id, role)
