"""The demo's process decisions: the cost of serving, two-stage segmentations with their
decisions, key-account analyses of candidates, and the year's class-movement goals.

Written through the add-ons' own flows, as the users who make them: salespeople rate and
confirm the segmentation of their own accounts, the sales manager decides analyses and sets
the goals. Deterministic: every choice comes from a random stream seeded by the plan's seed.
"""

import random

from odoo import Command, fields

from .plan import MAIN, frequency

# What serving the customers costs the main company per year (EUR): two field salespeople,
# one telesales seat, a field visit with travel.
SERVICE_COSTS = {
    "profit_field_sales_cost": 180_000.0,
    "profit_telesales_cost": 60_000.0,
    "profit_visit_cost": 150.0,
}
COMPETITORS = [
    ("Rautakesko Pro", "Laaja verkosto ja projektihinnoittelu"),
    ("Stark Suomi", "Hyvä saatavuus pääkaupunkiseudulla"),
    ("Onninen", "Vahva LVI-valikoima"),
    ("Paikallinen rautakauppa", "Läheisyys ja joustavuus"),
]
ANALYSIS_TEXTS = {
    "project_base": "Kaksi kerrostalokohdetta käynnissä, kolmas tarjousvaiheessa keväälle.",
    "complaints": "Yksi toimitusviivereklamaatio syksyllä; ratkaistu hyvityksellä.",
}


def write_service_costs(writer):
    """The main company's yearly costs of serving: the profitability after the next scoring
    run splits them over the classes' customers by the service levels' shares."""
    company = writer.companies[MAIN]
    if "profit_field_sales_cost" not in company._fields:
        return "skipped (no profitability)"
    company.write(SERVICE_COSTS)
    return ", ".join(f"{key} {value:,.0f}" for key, value in SERVICE_COSTS.items())


def _rating(rng, low, high):
    return rng.randint(low, high)


def write_segmentations(writer):
    """Each key account and a sample of regular customers rated by its salesperson; most
    confirm the proposal, a few keep it waiting (the proposal differs from nothing yet)."""
    env = writer.env
    plan = writer.plan
    company = writer.companies[MAIN]
    customers = [
        c
        for c in plan.customers
        if c.home_company == MAIN
        and c.key in writer.partners
        and frequency(c) in ("key", "regular", "occasional", "passive")
    ]
    confirmed = waiting = 0
    for c in customers[:60]:
        rng = random.Random(f"{plan.seed}:segmentation:{c.key}")
        user = writer.users[c.salesperson_key]
        Seg = env["kam.segmentation"].with_user(user).with_company(company)
        seg = Seg._kam_get_or_create(writer.partners[c.key], company)
        key = frequency(c) == "key"
        vals = {
            "importance": _rating(rng, 3, 5) if key else _rating(rng, 1, 4),
            "effort": _rating(rng, 1, 5),
            "relationship": _rating(rng, 2, 5) if key else _rating(rng, 1, 4),
        }
        # half of the others leave attractiveness to the score
        if key or rng.random() < 0.5:
            vals["attractiveness"] = _rating(rng, 1, 5)
        seg.write(vals)
        if rng.random() < 0.8 and seg.proposed_decision:
            reason = "Vuosikatsauksen perusteella" if seg.proposed_decision == "withdraw" else ""
            seg.action_confirm_decision(reason=reason)
            confirmed += 1
        else:
            waiting += 1
    return f"{confirmed} decisions confirmed, {waiting} waiting"


def write_analyses(writer):
    """Analyses of the largest non-key customers by their salespeople; the manager promotes
    one and stops one, the rest wait for a decision."""
    env = writer.env
    plan = writer.plan
    company = writer.companies[MAIN]
    manager = writer.users["manager"]
    candidates = sorted(
        (
            c
            for c in plan.customers
            if c.home_company == MAIN
            and c.key in writer.partners
            and not c.is_key_account
            and frequency(c) == "regular"
        ),
        key=lambda c: -c.size,
    )[:4]
    analyses = env["kam.account.analysis"]
    for index, c in enumerate(candidates):
        rng = random.Random(f"{plan.seed}:analysis:{c.key}")
        user = writer.users[c.salesperson_key]
        competitors = rng.sample(COMPETITORS, 2)
        shares = [rng.randint(15, 35), rng.randint(5, 20)]
        analysis = (
            env["kam.account.analysis"]
            .with_user(user)
            .with_company(company)
            .create(
                {
                    "partner_id": writer.partners[c.key].id,
                    "company_id": company.id,
                    "date": fields.Date.context_today(env.user),
                    "key_account_manager_id": user.id,
                    "our_share": rng.randint(20, 45),
                    "our_position": rng.choice(["main", "one_of_several"]),
                    "relationship_rating": _rating(rng, 2, 5),
                    "image_rating": _rating(rng, 3, 5),
                    "location_rating": _rating(rng, 2, 5),
                    "solvency_rating": _rating(rng, 3, 5),
                    "growth_rating": _rating(rng, 2, 5),
                    "predictability_rating": _rating(rng, 2, 4),
                    "product_room_rating": _rating(rng, 2, 5),
                    "reference_rating": _rating(rng, 1, 4),
                    "learning_rating": _rating(rng, 1, 4),
                    "project_count": rng.randint(1, 4),
                    "complaint_count": rng.randint(0, 2),
                    **ANALYSIS_TEXTS,
                    "competitor_ids": [
                        Command.create({"name": name, "share": share, "strengths": note})
                        for (name, note), share in zip(competitors, shares, strict=True)
                    ],
                }
            )
        )
        decider = analysis.with_user(manager)
        if index == 0:
            decider.decision_reason = "Kasvava projektikanta ja vahva asema: avainasiakkaaksi."
            decider.action_promote()
        elif index == 1:
            decider.decision_reason = "Ostot hajautuvat kilpailijoille; ei lisäpanostusta nyt."
            decider.action_stop()
        analyses |= analysis
    decided = len(analyses.filtered("decision"))
    return f"{len(analyses)} analyses, {decided} decided"


def write_movement_goals(writer):
    """This year's class-movement goals: company-wide and per salesperson."""
    env = writer.env
    plan = writer.plan
    company = writer.companies[MAIN]
    manager = writer.users["manager"]
    year = fields.Date.context_today(env.user).year
    salespeople = [u for u in plan.users if u.role == "salesman"]
    vals_list = [
        {
            "company_id": company.id,
            "year": year,
            "salesperson_id": False,
            "goal_new_customers": 20,
            "goal_c_to_b": 10,
            "goal_b_to_a": 5,
            "goal_a_kept": 10,
            "a_kept_volume": 200_000.0,
        }
    ]
    for user in salespeople:
        rng = random.Random(f"{plan.seed}:movement_goal:{user.key}")
        vals_list.append(
            {
                "company_id": company.id,
                "year": year,
                "salesperson_id": writer.users[user.key].id,
                "goal_new_customers": rng.randint(3, 6),
                "goal_c_to_b": rng.randint(2, 4),
                "goal_b_to_a": rng.randint(1, 2),
                "goal_a_kept": rng.randint(2, 4),
                "a_kept_volume": 200_000.0,
            }
        )
    goals = env["kam.class.movement.goal"].with_user(manager).with_company(company)
    goals.create(vals_list)
    return f"{len(vals_list)} class-movement goals for {year}"
