"""How to write a plan: through Odoo's ORM, in batches (demo database and tests).

The phases run in order: companies, products, users and teams, customers and contacts
(here), the sales flows (`orm_sales`: orders, invoices, credit notes, payments), meetings,
key accounts, the key-account content (`kam_content`) and the scoring. With
`history_before`, the orders invoiced before that date are written in bulk instead
(`history_writer`: the demo's two years of a wholesaler's invoices would take about half an
hour through the flows).
"""

import json
import time
from datetime import datetime, timedelta

from odoo import Command

from . import kam_content, kam_process
from .orm_common import GeneratorError, chunks
from .orm_sales import SalesFlows
from .plan import MAIN, SECOND

MARKER_PARAM = "kam_demo.generated"
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_create_nosubscribe": True,
    "no_mail_to_attendees": True,
    "dont_notify": True,
    "mail_auto_subscribe_no_notify": True,
}
PAYMENT_TERM_XMLIDS = {
    15: "account.account_payment_term_15days",
    21: "account.account_payment_term_21days",
    30: "account.account_payment_term_30days",
}
STAKEHOLDER_XMLIDS = {
    "procurement": "key_account_mgmt.stakeholder_group_procurement",
    "project_managers": "key_account_mgmt.stakeholder_group_project_managers",
    "marketing": "key_account_mgmt.stakeholder_group_marketing",
}


class OrmWriter(SalesFlows):
    """Write a `plan.Plan` with the ORM.

    :param env: superuser environment
    :param log: callable(str) for progress lines
    :param commit: callable() run after each phase (the CLI commits; tests pass None)
    """

    def __init__(self, env, plan, log=None, commit=None, history_before=None, score=False):
        """:param history_before: date; orders invoiced before it are written in bulk
        :param score: run the scoring before the class proposals (the demo)"""
        self.env = env(context=dict(env.context, **QUIET_CONTEXT))
        self.history_before = history_before
        self.score = score
        self.plan = plan
        self.log = log or (lambda _msg: None)
        self.commit = commit or (lambda: None)
        self.companies = {}
        self.currencies = {}
        self.products = {}
        self.users = {}
        self.teams = {}
        self.partners = {}
        self.contacts = {}
        self.pricelists = {}
        self.stats = {}

    # -- driver ------------------------------------------------------------------------------
    def check_not_generated(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MARKER_PARAM)
        if value:
            partial = "in progress" in value
            raise GeneratorError(
                f"Demo data was already generated in database '{self.env.cr.dbname}' "
                f"({MARKER_PARAM} = {value})"
                + (": an earlier run stopped part-way" if partial else "")
                + ". Generate into a fresh database instead "
                "(drop and recreate it with both modules installed)."
            )

    def run(self):
        self.check_not_generated()
        self._set_marker("in progress")
        phases = [
            ("companies and currencies", self.write_companies),
            ("Finnish", lambda: kam_content.activate_finnish(self.env)),
            ("products", self.write_products),
            ("users and teams", self.write_users),
            ("customers and contacts", self.write_customers),
            ("order history in bulk", self.write_history),
            ("orders and invoices", self.write_orders),
            ("credit notes", self.write_credit_notes),
            ("payments", self.write_payments),
            ("meetings", self.write_meetings),
            ("key accounts", self.write_key_accounts),
            ("SWOT", lambda: kam_content.write_swot(self, self._key_plans())),
            ("account plans", lambda: kam_content.write_account_plans(self, self._key_plans())),
            ("KPI snapshots and targets", lambda: kam_content.write_kpi(self)),
            ("cost of serving", lambda: kam_process.write_service_costs(self)),
            ("scores", self.write_scores),
            ("class proposals", lambda: kam_content.write_proposals(self)),
            ("segmentations", lambda: kam_process.write_segmentations(self)),
            ("key-account analyses", lambda: kam_process.write_analyses(self)),
            ("class-movement goals", lambda: kam_process.write_movement_goals(self)),
        ]
        started = time.monotonic()
        for label, method in phases:
            t0 = time.monotonic()
            detail = method()
            self.env.flush_all()
            self.commit()
            self.log(f"{label}: {detail or 'done'} ({time.monotonic() - t0:.1f} s)")
        self._set_marker("complete")
        self.env.flush_all()
        self.commit()
        self.log(f"total {time.monotonic() - started:.1f} s")
        return self.summary()

    def _set_marker(self, status):
        plan = self.plan
        self.env["ir.config_parameter"].sudo().set_param(
            MARKER_PARAM,
            json.dumps(
                {
                    "status": status,
                    "seed": plan.seed,
                    "today": plan.today.isoformat(),
                    "customers": sum(1 for c in plan.customers if c.home_company == MAIN),
                    "months": plan.months,
                }
            ),
        )

    # -- phases ------------------------------------------------------------------------------
    def write_companies(self):
        env = self.env
        main = env.ref("base.main_company")
        self.companies[MAIN] = main
        sek = env.ref("base.SEK")
        sek.active = True
        self.currencies = {"EUR": env.ref("base.EUR"), "SEK": sek}
        for company_plan in self.plan.companies:
            if not company_plan.create:
                continue
            # No country: setting one would make Odoo look for a localisation module to
            # install; the Finnish chart (already installed) is loaded explicitly instead.
            company = env["res.company"].create(
                {
                    "name": company_plan.name,
                    "currency_id": self.currencies[company_plan.currency].id,
                }
            )
            env["account.chart.template"].try_loading("fi", company=company, install_demo=False)
            # the chart sets the fiscal country's currency (EUR); no entries exist yet, so the
            # company can take back its own currency
            company.write(
                {
                    "currency_id": self.currencies[company_plan.currency].id,
                    "country_id": env.ref("base.se").id,
                }
            )
            self.companies[company_plan.key] = company
        # the admin sees every company of the demo
        env.ref("base.user_admin").write(
            {"company_ids": [Command.link(c.id) for c in self.companies.values()]}
        )
        env["res.currency.rate"].create(
            [
                {
                    "name": rate_date,
                    "currency_id": self.currencies[currency].id,
                    "company_id": self.companies[company_key].id,
                    "rate": rate,
                }
                for company_key, currency, rate_date, rate in self.plan.rates
            ]
        )
        # one pricelist per (company, currency) so that orders carry their currency
        for company_key, company in self.companies.items():
            for currency in ("EUR", "SEK"):
                if company_key == SECOND and currency == "EUR":
                    continue
                self.pricelists[company_key, currency] = env["product.pricelist"].create(
                    {
                        "name": f"Tukkuhinnasto {currency}",
                        "currency_id": self.currencies[currency].id,
                        "company_id": company.id,
                    }
                )
        return f"{len(self.companies)} companies, {len(self.plan.rates)} currency rates"

    def write_products(self):
        env = self.env
        main = self.companies[MAIN]
        categories = env["product.category"].create(
            [{"name": name} for name in self.plan.categories]
        )
        category_by_name = dict(zip(self.plan.categories, categories, strict=True))
        templates = (
            env["product.template"]
            .with_company(main)
            .create(
                [
                    {
                        "name": p.name,
                        "type": p.type,
                        "categ_id": category_by_name[p.category].id,
                        "list_price": p.list_price,
                        "standard_price": p.cost,
                        "default_code": p.key.upper(),
                        "sale_ok": True,
                        "invoice_policy": "order",
                    }
                    for p in self.plan.products
                ]
            )
        )
        for product_plan, template in zip(self.plan.products, templates, strict=True):
            self.products[product_plan.key] = template.product_variant_id
        second = self.companies.get(SECOND)
        if second:
            # costs in the second company's currency; its own sale tax on every product
            rate = self.plan.sek_per_eur[max(self.plan.sek_per_eur)]
            for product_plan, template in zip(self.plan.products, templates, strict=True):
                template.with_company(second).standard_price = round(product_plan.cost * rate, 2)
            if second.account_sale_tax_id:
                templates.write({"taxes_id": [Command.link(second.account_sale_tax_id.id)]})
        return f"{len(categories)} categories, {len(templates)} products"

    def write_users(self):
        env = self.env
        groups = {
            "salesman": env.ref("sales_team.group_sale_salesman"),
            "manager": env.ref("sales_team.group_sale_manager"),
            "accountant": env.ref("account.group_account_invoice"),
        }
        company_ids = [c.id for c in self.companies.values()]
        # Finnish when it is active (the demo); the benchmark's users keep the default
        lang = {"lang": kam_content.LANG} if kam_content.finnish_active(env) else {}
        users = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": u.name,
                        "login": u.login,
                        "password": u.login,
                        "email": f"{u.login}@aurora-demo.example",
                        "company_id": self.companies[MAIN].id,
                        "company_ids": [Command.set(company_ids)],
                        "groups_id": [Command.link(groups[u.role].id)],
                        **lang,
                    }
                    for u in self.plan.users
                ]
            )
        )
        self.users = {u.key: user for u, user in zip(self.plan.users, users, strict=True)}
        # Salespeople start their day on the key-account start page (their home action),
        # not in an empty Discuss inbox.
        start_page = env.ref("key_account_mgmt.action_kam_start_page", raise_if_not_found=False)
        if start_page:
            users.filtered(lambda user: user.has_group("sales_team.group_sale_salesman")).write(
                {"action_id": start_page.id}
            )
        manager = self.users.get("manager")
        for team_plan in self.plan.teams:
            members = [self.users[u.key].id for u in self.plan.users if u.team_key == team_plan.key]
            self.teams[team_plan.key] = env["crm.team"].create(
                {
                    "name": team_plan.name,
                    "user_id": manager.id if manager else False,
                    "company_id": False,
                    "member_ids": [Command.set(members)],
                }
            )
        return f"{len(users)} users, {len(self.teams)} teams"

    def write_customers(self):
        env = self.env
        groups = {key: env.ref(xmlid) for key, xmlid in STAKEHOLDER_XMLIDS.items()}
        terms = {days: env.ref(xmlid) for days, xmlid in PAYMENT_TERM_XMLIDS.items()}
        finland = env.ref("base.fi")
        sweden = env.ref("base.se")
        eur = self.currencies["EUR"]
        # Finnish customers read their documents in Finnish (when Finnish is active)
        lang = {"lang": kam_content.LANG} if kam_content.finnish_active(env) else {}
        n_contacts = 0
        for home in (MAIN, SECOND):
            plans = [c for c in self.plan.customers if c.home_company == home]
            if not plans or home not in self.companies:
                continue
            company = self.companies[home]
            # customers of the second company belong to it; the main company's are shared
            company_id = company.id if home == SECOND else False
            partner_model = env["res.partner"].with_company(company)
            for chunk in chunks(plans, 500):
                partners = partner_model.create(
                    [
                        {
                            "name": c.name,
                            "is_company": True,
                            "company_id": company_id,
                            "customer_rank": 1,
                            "street": c.street,
                            "zip": c.zip,
                            "city": c.city,
                            "country_id": (sweden if home == SECOND else finland).id,
                            **(lang if home == MAIN else {}),
                            "email": f"info@{c.contacts[0].email.split('@')[1]}",
                            "user_id": self.users[c.salesperson_key].id,
                            "customer_turnover": c.turnover,
                            "kam_turnover_currency_id": eur.id,
                            "installer_count": c.installers,
                            "property_payment_term_id": terms[c.payment_days].id,
                        }
                        for c in chunk
                    ]
                )
                self.partners.update(zip((c.key for c in chunk), partners, strict=True))
                contact_vals = []
                owners = []
                for c, partner in zip(chunk, partners, strict=True):
                    for index, contact in enumerate(c.contacts):
                        owners.append((c.key, index))
                        contact_vals.append(
                            {
                                "name": contact.name,
                                "parent_id": partner.id,
                                "type": "contact",
                                "company_id": company_id,
                                "function": contact.function,
                                "email": contact.email,
                                "kam_stakeholder_group_id": groups[contact.group].id,
                                "kam_org_level": contact.org_level,
                                "kam_contact_channel": contact.channel or False,
                                "kam_do_not_contact": contact.do_not_contact,
                                **(lang if home == MAIN else {}),
                            }
                        )
                contacts = partner_model.create(contact_vals)
                self.contacts.update(zip(owners, contacts, strict=True))
                n_contacts += len(contacts)
        # a customer of the main company that also buys from the second company
        second = self.companies.get(SECOND)
        for c in self.plan.customers:
            if c.home_company == MAIN and any(k == SECOND for k, _n in c.relations) and second:
                self.partners[c.key].with_company(second).property_payment_term_id = terms[30]
        return f"{len(self.partners)} customers, {n_contacts} contacts"

    def write_history(self):
        """The orders invoiced before `history_before`, in bulk (none without it)."""
        self._history = set()
        if not self.history_before:
            return "none (every order goes through the sales flow)"
        from .history_writer import HistoryWriter  # noqa: PLC0415 - it imports this module

        writer = HistoryWriter(self, self.history_before)
        count = writer.write()
        self._history = {o.key for o in self.plan.orders() if o.invoice_date < self.history_before}
        return f"{count} invoices before {self.history_before} (no sale orders)"

    def write_meetings(self):
        env = self.env
        customers = {c.key: c for c in self.plan.customers}
        vals_list = []
        for meeting in self.plan.meetings:
            if meeting.customer_key not in self.partners:
                continue
            customer = customers[meeting.customer_key]
            organiser = self.users[customer.salesperson_key]
            attendees = [self.contacts[meeting.customer_key, i].id for i in meeting.contact_indexes]
            vals_list.append(
                {
                    "name": meeting.name,
                    "start": meeting.start,
                    "stop": meeting.start + timedelta(hours=meeting.hours),
                    "user_id": organiser.id,
                    "partner_ids": [Command.set([organiser.partner_id.id, *attendees])],
                    "active": not meeting.cancelled,
                }
            )
        events = env["calendar.event"]
        for chunk in chunks(vals_list, 500):
            events |= env["calendar.event"].create(chunk)
        today = datetime.combine(self.plan.today, datetime.min.time())
        planned = sum(1 for v in vals_list if v["start"] > today)
        cancelled = sum(1 for v in vals_list if not v["active"])
        return f"{len(events)} meetings ({planned} planned, {cancelled} cancelled)"

    def write_key_accounts(self):
        key_plans = [c for c in self.plan.customers if c.is_key_account]
        for c in key_plans:
            self.partners[c.key].write(
                {
                    "is_key_account": True,
                    "key_account_manager_id": self.users[c.salesperson_key].id,
                }
            )
        return f"{len(key_plans)} key accounts"

    def _key_plans(self):
        return [c for c in self.plan.customers if c.is_key_account and c.key in self.partners]

    def write_scores(self):
        """The scheduled scoring run, by hand (as `make score`): classes before proposals."""
        if not self.score:
            return "skipped"
        companies = self.env["res.company"].browse([c.id for c in self.companies.values()])
        rows = (
            self.env["customer.score"]
            .with_context(allowed_company_ids=companies.ids)
            .compute_scores(companies=companies)
        )
        return f"{len(rows)} customer rows scored"

    # -- summary -----------------------------------------------------------------------------
    def summary(self):
        """Counts per company of what now exists, as a list of (label, {company: value})."""
        env = self.env
        Move = env["account.move"]
        rows = []
        for company_key, company in self.companies.items():
            domain_c = [("company_id", "=", company.id)]
            customers = [
                self.partners[c.key]
                for c in self.plan.customers
                if any(k == company_key for k, _n in c.relations) or c.home_company == company_key
            ]
            customer_ids = [p.id for p in customers]
            revenue = sum(
                Move.search(
                    domain_c
                    + [("state", "=", "posted"), ("move_type", "in", ("out_invoice", "out_refund"))]
                ).mapped("amount_untaxed_signed")
            )
            rows.append(
                {
                    "company": company.name,
                    "currency": company.currency_id.name,
                    "customers": len(customer_ids),
                    "contacts": env["res.partner"].search_count(
                        [("parent_id", "in", customer_ids)]
                    ),
                    "sale orders": env["sale.order"].search_count(
                        domain_c + [("state", "=", "sale")]
                    ),
                    "posted invoices": Move.search_count(
                        domain_c + [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
                    ),
                    "credit notes": Move.search_count(
                        domain_c + [("move_type", "=", "out_refund"), ("state", "=", "posted")]
                    ),
                    "cancelled": Move.search_count(
                        domain_c + [("move_type", "=", "out_invoice"), ("state", "=", "cancel")]
                    ),
                    "draft": Move.search_count(
                        domain_c + [("move_type", "=", "out_invoice"), ("state", "=", "draft")]
                    ),
                    "paid invoices": Move.search_count(
                        domain_c
                        + [
                            ("move_type", "=", "out_invoice"),
                            ("state", "=", "posted"),
                            ("payment_state", "in", ("paid", "in_payment")),
                        ]
                    ),
                    "payments": env["account.payment"].search_count(domain_c),
                    "meetings": env["calendar.event"]
                    .with_context(active_test=False)
                    .search_count(
                        [
                            (
                                "partner_ids",
                                "in",
                                customers and [p.id for c in customers for p in c.child_ids],
                            )
                        ]
                    )
                    if customers
                    else 0,
                    "revenue (untaxed)": round(revenue, 2),
                }
            )
        return rows
