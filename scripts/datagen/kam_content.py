"""The key account content of the demo: Finnish, SWOT, account plans, class proposals, KPIs.

Written through the add-ons' own flows (plan activation and reviews schedule their
reminders, proposals are submitted by the salespeople themselves, targets are set by the
sales manager) and deterministic: every choice comes from a random stream seeded by the
plan's seed. Texts are Finnish, as a Finnish building-supplies wholesaler writes them.
"""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from .plan import MAIN, frequency

LANG = "fi_FI"

SWOT_TEXTS = {
    "strength": [
        "Pitkä asiakassuhde ja tasainen kuukausivolyymi",
        "Työmaatoimitukset aamuseitsemään mennessä toimivat luotettavasti",
        "Hankintapäällikkö arvostaa nopeaa tarjousvastausta",
        "Laaja valikoima eristeitä ja kiinnitystarvikkeita samasta paikasta",
    ],
    "weakness": [
        "Tilaukset tulevat usein lyhyellä varoitusajalla",
        "Laskutusosoitteet vaihtelevat työmaittain, reklamaatioita laskuista",
        "Yhteyshenkilöt vain operatiivisella tasolla, johtoon ei suoraa kontaktia",
    ],
    "opportunity": [
        "Uudet kerrostalokohteet Pirkanmaalla vuodelle %(year)s",
        "Korjausrakentamisen kasvu: julkisivu- ja kattoremontit",
        "Yhteinen materiaalisuunnittelu projektien alussa",
        "Kestävät rakennusmateriaalit: asiakas hakee ympäristösertifioituja tuotteita",
    ],
    "threat": [
        "Kilpailija tarjoaa projektihinnoittelua suurkohteisiin",
        "Rakentamisen aloitukset vähenevät korkotason vuoksi",
        "Asiakas harkitsee suoraostoja valmistajilta",
    ],
}
PLAN_TEXTS = {
    "value_short_term": (
        "Varma toimitus työmaille ja yksi yhteyshenkilö tilauksille; kuukausiraportti "
        "ostoista tuoteryhmittäin."
    ),
    "value_long_term": (
        "Kumppanuus asuntotuotannon materiaalilogistiikassa: yhteinen suunnittelu "
        "hankkeen alusta alkaen ja kilpailukykyinen kokonaiskustannus."
    ),
    "development_targets": (
        "Laajennetaan ostot eristeisiin ja kiinnitystarvikkeisiin, otetaan käyttöön "
        "työmaakohtaiset toimitusaikataulut ja tavataan johto kahdesti vuodessa."
    ),
    "risks": (
        "Rakentamisen aloitusten väheneminen; kilpailijan projektihinnoittelu; "
        "avainhenkilön vaihtuminen asiakkaan hankinnassa."
    ),
}
# (name, type, measure, unit, fixed target or None: the revenue goal, actual share of it)
GOALS = [
    ("Kasvatetaan ostoja vuodessa", "own", "liikevaihto EUR", "amount", None, None),
    ("Toimitusvarmuus työmaille", "joint", "toimitusvarmuus %", "percent", 98.0, 0.96),
    ("Uudet tuoteryhmät käyttöön", "own", "tuoteryhmiä kpl", "number", 6.0, 0.66),
    ("Yhteiset asuntokohteet", "joint", "voitettuja projekteja kpl", "number", 4.0, 0.5),
]
ACTIONS = {
    0: [
        ("Vuosisopimusneuvottelu hankintajohdon kanssa", "vuosisopimus allekirjoitettu"),
        ("Tarjous kattoremonttien materiaalipaketista", "tarjous hyväksytty"),
    ],
    1: [
        ("Sovitaan työmaakohtaiset toimitusikkunat", "myöhästyneet toimitukset alle 2 %"),
        ("Kuukausittainen toimituspalaveri työnjohdon kanssa", "palaveri pidetty kuukausittain"),
    ],
    2: [
        ("Eristeiden tuote-esittely työnjohdolle", "2 uutta tuoteryhmää tilauksissa"),
    ],
    3: [
        ("Materiaalisuunnittelu kahteen uuteen kerrostalokohteeseen", "2 kohdetta sovittu"),
        ("Yhteinen hankepalaveri kevään kohteista", "hankelista päivitetty"),
    ],
}
REVIEW_TEXTS = [
    "Ostot kasvussa tavoitteen mukaisesti; toimitusvarmuutta parannettava kahdella "
    "työmaalla. Seuraavaksi tuote-esittely eristeistä.",
    "Vuosisopimus etenee, hinnoittelu sovittu. Asiakas toivoo kuukausiraporttia tuoteryhmittäin.",
]
PROPOSALS = [
    (
        "new",
        "A",
        "Uusi asiakas on tilannut joka viikko ja aloittaa kaksi kerrostalokohdetta: "
        "ostot ovat nousemassa A-luokan tasolle.",
    ),
    (
        "regular",
        "B",
        "Ostot ovat kasvaneet tasaisesti kaksi vuotta ja asiakas keskittää "
        "eristehankintansa meille: B-luokan palvelutaso on perusteltu.",
    ),
    (
        "regular",
        "A",
        "Asiakas on voittanut suuren koulurakennuskohteen; materiaalit "
        "ostetaan meiltä ensi vuonna.",
    ),
    (
        "occasional",
        "B",
        "Asiakas siirtää ostonsa meille kilpailijalta, sopimus allekirjoitetaan joulukuussa.",
    ),
]


def activate_finnish(env):
    """Finnish active with the Finnish terms of every installed module (ours included)."""
    env["res.lang"]._activate_lang(LANG)
    modules = env["ir.module.module"].search([("state", "=", "installed")])
    modules._update_translations([LANG])
    return f"{LANG} active, terms of {len(modules)} modules loaded"


def finnish_active(env):
    return bool(env["res.lang"].search_count([("code", "=", LANG)]))


def _planned_revenue(plan, customer, since):
    """EUR revenue of the customer's posted main-company invoices from `since` on."""
    total = 0.0
    for order in plan.iter_orders(customer):
        if order.company_key != MAIN or order.invoice_state != "posted":
            continue
        if order.invoice_date < since:
            continue
        rate = 1.0
        if order.currency == "SEK":
            day = order.invoice_date
            rate = plan.sek_per_eur[(day.year, day.month)]
        total += sum(ln.qty * ln.price_unit * (1 - ln.discount / 100) for ln in order.lines) / rate
    return total


def write_swot(writer, key_plans):
    """4-6 items per key account; some accounts not reviewed for over a year (overdue)."""
    plan = writer.plan
    vals_list = []
    company = writer.companies[MAIN]
    for i, c in enumerate(key_plans):
        rng = random.Random(f"{plan.seed}:swot:{c.key}")
        stale = i % 3 == 1  # every third account: the whole SWOT is over a year old
        for kind, texts in SWOT_TEXTS.items():
            for text in rng.sample(texts, 2 if kind in ("strength", "opportunity") else 1):
                if stale:
                    back = rng.randint(380, 600)
                elif rng.random() < 0.15:
                    back = rng.randint(370, 480)  # one old item among fresh ones
                else:
                    back = rng.randint(3, 350)
                vals_list.append(
                    {
                        "partner_id": writer.partners[c.key].id,
                        "company_id": company.id,
                        "swot_type": kind,
                        "description": text % {"year": plan.today.year + 1},
                        "impact": rng.randint(2, 5),
                        # the review date is the item's own date (the field's default is
                        # only for new items typed in today)
                        "date": plan.today - timedelta(days=back),
                    }
                )
    items = writer.env["kam.swot.item"].create(vals_list)
    limit = plan.today - relativedelta(months=12)
    overdue = sum(1 for v in vals_list if v["date"] <= limit)
    return f"{len(items)} SWOT items ({overdue} not reviewed for 12 months)"


def write_account_plans(writer, key_plans):
    """One active plan per key account for this year, some reviewed, some with an overdue
    review; last year's closed plans for a few, next year's drafts for others."""
    env = writer.env
    plan = writer.plan
    today = plan.today
    company = writer.companies[MAIN]
    manager = writer.users["manager"]
    sales = [u for key, u in writer.users.items() if key.startswith("sales")]
    Plan = env["kam.account.plan"]
    created = Plan
    reviews = 0
    for i, c in enumerate(key_plans):
        rng = random.Random(f"{plan.seed}:account_plan:{c.key}")
        kam = writer.users[c.salesperson_key]
        partner = writer.partners[c.key]
        year_start = today.replace(month=1, day=1)
        revenue_12m = _planned_revenue(plan, c, today - timedelta(days=365))
        revenue_ytd = _planned_revenue(plan, c, year_start)
        # a plan starts when it was written: early in the year, or after the summer
        start = year_start + timedelta(days=rng.choice((14, 30, 45, 200, 215)))
        start = min(start, today - timedelta(days=100))
        # 0, 1: reviewed; 2, 3, 4: review overdue; 4: next year's plan drafted as well
        role = i % 5
        vals = {
            "name": f"Avainasiakassuunnitelma {today.year}: {partner.name}",
            "partner_id": partner.id,
            "company_id": company.id,
            "user_id": kam.id,
            "date_start": start,
            "date_end": today.replace(month=12, day=31),
            **PLAN_TEXTS,
            "resource_ids": [
                Command.create(
                    {"user_id": kam.id, "role": "Avainasiakaspäällikkö", "hours_per_month": 16}
                ),
                Command.create(
                    {"user_id": manager.id, "role": "Myyntijohtaja", "hours_per_month": 4}
                ),
                Command.create(
                    {
                        "user_id": rng.choice([u for u in sales if u != kam] or sales).id,
                        "role": "Sisämyynti ja tarjoukset",
                        "hours_per_month": rng.choice((6, 8, 10)),
                    }
                ),
            ],
        }
        if i % 4 == 0:
            # last year's plan, closed (before this year's is activated: one active plan)
            last = Plan.create(
                {
                    **vals,
                    "name": f"Avainasiakassuunnitelma {today.year - 1}: {partner.name}",
                    "date_start": year_start.replace(year=today.year - 1),
                    "date_end": year_start - timedelta(days=1),
                }
            )
            _write_goals(
                writer, last, rng, (kam, manager), (revenue_12m, revenue_12m), last.date_start
            )
            last.action_activate()
            last.action_close()
            created |= last
        account_plan = Plan.create(vals)
        _write_goals(writer, account_plan, rng, (kam, manager), (revenue_12m, revenue_ytd), start)
        account_plan.action_activate()
        if role in (0, 1):
            # quarterly reviews held: the next one is due in the future
            dates = [today - timedelta(days=rng.randint(20, 60))]
            if role == 0:
                dates.insert(0, dates[0] - timedelta(days=rng.randint(85, 95)))
            for n, day in enumerate(dates):
                env["kam.account.plan.review"].create(
                    {
                        "plan_id": account_plan.id,
                        "date": day,
                        "participant_ids": [Command.set([kam.id, manager.id])],
                        "conclusions": REVIEW_TEXTS[n % len(REVIEW_TEXTS)],
                    }
                )
                reviews += 1
        created |= account_plan
        if role == 4:
            next_start = year_start.replace(year=today.year + 1)
            draft = Plan.create(
                {
                    **vals,
                    "name": f"Avainasiakassuunnitelma {today.year + 1}: {partner.name}",
                    "date_start": next_start,
                    "date_end": next_start.replace(month=12, day=31),
                }
            )
            _write_goals(writer, draft, rng, (kam, manager), (revenue_12m * 1.1, 0.0), next_start)
            created |= draft
    active = created.filtered(lambda p: p.state == "active")
    overdue = active.filtered("review_overdue")
    return (
        f"{len(created)} account plans ({len(active)} active, {len(overdue)} with an overdue "
        f"review, {reviews} reviews), {len(created.goal_ids)} goals, "
        f"{len(created.action_ids)} actions"
    )


def _write_goals(writer, account_plan, rng, owners, revenues, start):
    """Own and joint goals with targets, each with actions (owner, deadline, outcome)."""
    today = writer.plan.today
    kam, manager = owners
    revenue_12m, revenue_ytd = revenues
    end = account_plan.date_end or today
    goal_vals = []
    for n, (name, kind, measure, unit, target, share) in enumerate(GOALS):
        if target is None:  # the revenue goal: last 12 months plus 10 %
            target = round(revenue_12m * 1.1, -3) or 10000.0
            actual = round(revenue_ytd, -2)
        else:
            actual = target * share * rng.uniform(0.8, 1.1)
            actual = min(99.5, round(actual, 1)) if unit == "percent" else float(round(actual))
        if start > today:
            actual = 0.0  # a plan for the coming year: nothing achieved yet
        actions = []
        for m, (action, outcome) in enumerate(ACTIONS[n]):
            deadline = min(end, start + timedelta(days=rng.randint(30, 320)))
            if deadline < today:
                state = "done" if rng.random() < 0.8 else ("todo" if m == 0 else "cancelled")
            else:
                state = "todo"
            actions.append(
                Command.create(
                    {
                        "name": action,
                        "owner_id": (kam if m == 0 or n != 0 else manager).id,
                        "deadline": deadline,
                        "state": state,
                        "outcome": outcome,
                    }
                )
            )
        goal_vals.append(
            {
                "value_type": unit,
                "plan_id": account_plan.id,
                "name": name,
                "goal_type": kind,
                "measure": measure,
                "target_value": target,
                "actual_value": actual,
                "deadline": end,
                "owner_id": kam.id,
                "action_ids": actions,
                **_live_measure(writer.env, n),
            }
        )
    writer.env["kam.account.plan.goal"].create(goal_vals)


# Goals measured on live data where the add-ons measure them: the revenue goal from the
# posted invoices, the product-group goal from the categories bought (with the scoring).
LIVE_MEASURES = {0: "revenue", 2: "category_count"}


def _live_measure(env, index):
    measure = LIVE_MEASURES.get(index)
    selection = env["kam.account.plan.goal"]._fields.get("measure_type")
    if not measure or not selection or measure not in selection.get_values(env):
        return {}
    return {"measure_type": measure, "actual_value": 0.0}


def write_proposals(writer):
    """Class proposals waiting for the manager, each by the customer's own salesperson."""
    env = writer.env
    plan = writer.plan
    company = writer.companies[MAIN]
    taken = set()
    proposals = env["kam.class.proposal"]
    for profile, cls, reason in PROPOSALS:
        candidates = [
            c
            for c in plan.customers
            if c.home_company == MAIN and not c.is_key_account and frequency(c) == profile
        ]
        # a different salesperson for each proposal when possible
        candidates.sort(key=lambda c: c.salesperson_key in taken)
        for c in candidates:
            partner = writer.partners[c.key].with_company(company)
            if partner.abc_class == cls or partner in proposals.partner_id:
                continue
            user = writer.users[c.salesperson_key]
            proposals |= (
                env["kam.class.proposal"]
                .with_user(user)
                .with_company(company)
                .with_context(lang=user.lang)
                .create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "proposed_class": cls,
                        "reason": reason,
                    }
                )
            )
            taken.add(c.salesperson_key)
            break
    return f"{len(proposals)} class proposals waiting for approval"


def write_kpi(writer):
    """Monthly KPI snapshots of the whole history, then the manager's monthly targets."""
    env = writer.env
    plan = writer.plan
    companies = env["res.company"].browse([c.id for c in writer.companies.values()])
    Snapshot = env["customer.kpi.snapshot"].with_context(allowed_company_ids=companies.ids)
    # every month from the plan's first one to this month (the rebuild counts back from
    # the real today; the plan may be dated earlier)
    now = fields.Date.context_today(Snapshot)
    months = (now.year - plan.start.year) * 12 + now.month - plan.start.month + 1
    Snapshot._rebuild_history(months=months, companies=companies)
    snapshots = Snapshot.search_count([("company_id", "in", companies.ids)])
    targets = _write_targets(writer)
    return f"{snapshots} snapshot rows over {months} months, {targets} monthly targets"


def _write_targets(writer):
    """Targets for the last six months, this month and the next one, per team and per
    salesperson: the three previous months' average plus 5 %, rounded."""
    env = writer.env
    plan = writer.plan
    manager = writer.users["manager"]
    company = writer.companies[MAIN]
    Snapshot = env["customer.kpi.snapshot"]
    this_month = plan.today.replace(day=1)
    flow_month = (writer.history_before or plan.start).replace(day=1)
    rows = Snapshot._read_group(
        [("company_id", "=", company.id)],
        ["month:month", "team_id", "user_id"],
        ["revenue:sum", "margin:sum", "meeting_count:sum"],
    )
    by_owner = {}
    for month, team, user, revenue, margin, meetings in rows:
        for owner in (("team", team.id), ("user", user.id)):
            if owner[1]:
                totals = by_owner.setdefault(owner, {}).setdefault(month, [0.0, 0.0, 0])
                totals[0] += revenue
                totals[1] += margin
                totals[2] += meetings
    vals_list = []
    owners = [("team", t.id) for t in writer.teams.values()] + [
        ("user", writer.users[u.key].id) for u in plan.users if u.role == "salesman"
    ]
    for offset in range(-6, 2):
        month = this_month + relativedelta(months=offset)
        for kind, owner_id in owners:
            history = by_owner.get((kind, owner_id), {})
            previous = [
                history.get(month - relativedelta(months=k), [0.0, 0.0, 0]) for k in (1, 2, 3)
            ]
            revenue = sum(p[0] for p in previous) / 3 * 1.05
            if revenue <= 0:
                continue
            vals_list.append(
                {
                    "month": month,
                    "company_id": company.id,
                    "team_id": owner_id if kind == "team" else False,
                    "user_id": owner_id if kind == "user" else False,
                    "target_revenue": round(revenue, -3),
                    "target_margin": round(sum(p[1] for p in previous) / 3 * 1.05, -2),
                    "target_meetings": max(1, round(sum(p[2] for p in previous) / 3 * 1.1)),
                    # quotations exist from the sales flow's days only (the bulk history
                    # has invoices, no sale orders): no hit-rate target before them
                    "target_hit_rate": 85.0 if month >= flow_month else 0.0,
                }
            )
    env["customer.kpi.target"].with_user(manager).with_company(company).create(vals_list)
    return len(vals_list)
