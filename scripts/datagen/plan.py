"""What to generate: a pure-Python, deterministic plan of the demo data (no Odoo import).

The plan is separate from the writers so that the same customers, products and invoice
headers/lines can be written by the ORM writer (demo database, tests) or by a bulk SQL
writer (benchmark, 100,000 customers). Customers, products, users and meetings are held in
memory; orders are produced lazily per customer (`iter_orders`) from a random stream seeded
by (seed, customer), so a writer can stream millions of lines, and the plan of one customer
does not depend on how many customers are generated after it.
"""

import math
import random
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import catalog, names

MAIN = "main"
SECOND = "second"

# Lifecycle profiles of the generated customers and their shares (prospect, lost,
# passive, new, regular): every lifecycle stage of the scoring appears in the demo.
PROFILES = [
    ("prospect", 0.03),
    ("lost", 0.05),
    ("passive", 0.10),
    ("new", 0.07),
    ("regular", 0.75),
]
# Orders per month by profile in the wholesale mix (the demo): a regular customer of a
# building-supplies wholesaler orders at least monthly, a key account about weekly; a share
# of the "regular" draw are occasional buyers (a few orders a year).
OCCASIONAL_SHARE = 0.25
MONTHLY_RATES = {
    "key": (3.0, 4.5),
    "regular": (1.2, 2.0),
    "occasional": (0.2, 0.45),
    "new": (1.2, 2.0),  # over the months since the first order
    "passive": (0.5, 0.8),
    "lost": (0.4, 0.7),  # over the months before the customer stopped
}
# Payment behaviour: most pay on time, some often late, a few nearly always late
# (overall about 20 % of invoices are paid after their due date).
LATE_PAYER_MIX = [(0.70, 0.06), (0.20, 0.40), (0.10, 0.85)]
PAYMENT_TERM_DAYS = [15, 21, 30, 30, 30]
STAKEHOLDER_GROUPS = ["procurement", "project_managers", "marketing"]
ORG_LEVELS = ["strategic", "tactical", "operational"]
MEETING_TOPICS = {
    "procurement": ["Annual purchase agreement", "Price review", "Delivery terms meeting"],
    "project_managers": ["Site visit", "Project kick-off", "Material planning for project"],
    "marketing": ["Joint marketing planning", "Product launch briefing"],
}
SEK_PER_EUR = 11.4


@dataclass
class CompanyPlan:
    key: str
    name: str
    currency: str
    create: bool  # False: the company already exists (the main company)


@dataclass
class ProductPlan:
    key: str
    category: str
    name: str
    type: str
    list_price: float  # EUR
    cost: float  # EUR


@dataclass
class UserPlan:
    key: str
    login: str
    name: str
    role: str  # salesman / manager / accountant
    team_key: str | None = None


@dataclass
class TeamPlan:
    key: str
    name: str


@dataclass
class ContactPlan:
    name: str
    group: str  # procurement / project_managers / marketing
    org_level: str
    function: str
    email: str
    channel: str = ""  # preferred channel: visit / phone / email, empty = any
    do_not_contact: bool = False


def contact_preferences(name, email):
    """(channel, do_not_contact) of a contact, from a hash of her name and address so that
    the random streams of the rest of the plan stay as they were: about 1 in 20 contacts
    must not be contacted, a third prefer the phone, a tenth e-mail, a fifth visits."""
    bucket = zlib.crc32(f"{name}|{email}".encode()) % 20
    channels = ["phone"] * 7 + ["email"] * 2 + ["visit"] * 4 + [""] * 6
    return ("", True) if bucket == 0 else (channels[bucket - 1], False)


@dataclass
class CustomerPlan:
    key: str
    index: int
    name: str
    home_company: str  # company whose customer it is first (MAIN or SECOND)
    city: str
    zip: str
    street: str
    size: float  # Pareto size factor, >= 1
    turnover: float  # EUR, the customer's own annual turnover
    installers: int
    profile: str
    salesperson_key: str
    team_key: str
    payment_days: int
    late_prob: float
    contacts: list[ContactPlan]
    # (company key, number of orders) for each company the customer buys from
    relations: list[tuple[str, int]] = field(default_factory=list)
    is_key_account: bool = False
    frequency: str | None = None  # wholesale mix: "occasional" for some regular ones


@dataclass
class LinePlan:
    product_key: str
    qty: float
    price_unit: float  # in the order currency
    discount: float


@dataclass
class CreditPlan:
    date: date
    line_indexes: list[int] | None  # None: the whole invoice is credited


@dataclass
class OrderPlan:
    key: str
    customer_key: str
    company_key: str
    currency: str
    order_datetime: datetime
    lines: list[LinePlan]
    invoice_date: date
    invoice_state: str  # posted / draft / cancel_posted / cancel_draft
    credit: CreditPlan | None = None
    payment_date: date | None = None  # None: still open (or nothing to pay)


@dataclass
class MeetingPlan:
    customer_key: str
    contact_indexes: list[int]
    name: str
    start: datetime
    hours: float
    cancelled: bool


@dataclass
class Plan:
    seed: int
    today: date
    months: int
    companies: list[CompanyPlan]
    categories: list[str]
    products: list[ProductPlan]
    teams: list[TeamPlan]
    users: list[UserPlan]
    customers: list[CustomerPlan]
    meetings: list[MeetingPlan]
    # (company key, currency name, rate date, rate in Odoo's sense: units per company unit)
    rates: list[tuple[str, str, date, float]]
    sek_per_eur: dict[tuple[int, int], float]
    sek_share: float
    wholesale: bool = False  # order counts from the customers' rhythms (the demo)
    _products_by_key: dict = field(default_factory=dict, repr=False)

    @property
    def start(self):
        return self.today - timedelta(days=round(self.months * 30.44))

    def iter_orders(self, customer):
        """Yield the OrderPlans of one customer (all its companies), deterministic."""
        rng = random.Random(f"{self.seed}:orders:{customer.key}")
        for company_key, count in customer.relations:
            # wholesale mix: a regular rhythm spreads the orders over the window (one in each
            # slot) so that a monthly customer really buys every month
            steady = self.wholesale and frequency(customer) in ("key", "regular", "new")
            for n in range(count):
                yield self._order(rng, customer, company_key, n, count if steady else None)

    def orders(self):
        """All orders sorted by date (materialised: fine for the demo sizes)."""
        result = [order for customer in self.customers for order in self.iter_orders(customer)]
        result.sort(key=lambda o: (o.order_datetime, o.key))
        return result

    # -- order details ---------------------------------------------------------------------
    def _order(self, rng, customer, company_key, n, slots=None):
        horizon = (self.today - self.start).days
        first, last = self._window(customer, horizon, rng)
        if slots:
            width = (first - last) / slots
            first, last = round(first - n * width), round(first - (n + 1) * width)
            last = min(last, max(0, first - 2))  # three days always hold a weekday
            first = max(first, last + 2)
        while True:
            back = rng.randint(last, first)
            day = self.today - timedelta(days=back)
            # Passive customers buy much less in the last quarter of the window.
            if customer.profile == "passive" and back < horizon * 0.25 and rng.random() > 0.15:
                continue
            if day.weekday() < 5:
                break
        order_dt = datetime(day.year, day.month, day.day, rng.randint(6, 14), rng.randint(0, 59))
        if company_key == SECOND:
            currency = "SEK"
        else:
            currency = "SEK" if rng.random() < self.sek_share else "EUR"
        rate = self.sek_per_eur[(day.year, day.month)] if currency == "SEK" else 1.0
        lines = []
        n_lines = rng.randint(3, 7)
        size_factor = customer.size**0.55
        products = rng.sample(self.products, n_lines)
        for product in products:
            typical_qty = max(1.0, 200.0 / product.list_price)
            qty = max(1, round(rng.lognormvariate(math.log(typical_qty), 0.7) * size_factor))
            discount = 0.0
            if customer.size > 5:
                discount = rng.choice((5.0, 8.0, 10.0, 12.0, 15.0))
            elif rng.random() < 0.2:
                discount = rng.choice((2.0, 5.0))
            price = round(product.list_price * rate * (1.04 if company_key == SECOND else 1), 2)
            lines.append(LinePlan(product.key, float(qty), price, discount))
        invoice_date = min(self.today, day + timedelta(days=rng.choice((0, 0, 1, 2, 3, 4))))
        age = (self.today - invoice_date).days
        draw = rng.random()
        if (age <= 7 and draw < 0.35) or draw < 0.005:
            state = "draft"
        elif draw < 0.022:
            state = "cancel_posted" if rng.random() < 0.5 else "cancel_draft"
        else:
            state = "posted"
        order = OrderPlan(
            key=f"{customer.key}-{company_key}-{n:04d}",
            customer_key=customer.key,
            company_key=company_key,
            currency=currency,
            order_datetime=order_dt,
            lines=lines,
            invoice_date=invoice_date,
            invoice_state=state,
        )
        if state != "posted":
            return order
        if rng.random() < 0.05:
            credit_date = min(self.today, invoice_date + timedelta(days=rng.randint(2, 45)))
            partial = len(lines) > 1 and rng.random() < 0.6
            order.credit = CreditPlan(credit_date, [0] if partial else None)
        if order.credit and order.credit.line_indexes is None:
            return order  # fully credited: nothing to pay
        if rng.random() < 0.03:
            return order  # left open on purpose (a dispute, a forgotten invoice)
        due = invoice_date + timedelta(days=customer.payment_days)
        if rng.random() < customer.late_prob:
            pay = due + timedelta(days=rng.randint(1, 75))
        else:
            pay = invoice_date + timedelta(
                days=rng.randint(customer.payment_days // 3, customer.payment_days)
            )
        if order.credit:
            pay = max(pay, order.credit.date)
        if customer.size >= 2 and not order.credit:
            # bigger customers pay in runs on the 15th and the last day of the month: one
            # payment then settles several invoices, as in real B2B ledgers
            pay = _payment_run(pay, invoice_date, due)
        if pay <= self.today:
            order.payment_date = pay
        return order

    def _window(self, customer, horizon, rng):
        """Days back from today (first, last) in which the customer orders."""
        if customer.profile == "lost":
            # stopped entirely: the last order is at least 3/4 of the window ago
            stop = round(horizon * 0.75)
            return horizon, min(horizon - 1, stop)
        if customer.profile == "new":
            return max(1, round(horizon * 0.22)), 0
        return horizon, 0


def _month_end(day):
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def _payment_run(pay, invoice_date, due):
    """Snap a payment date to a payment run (15th / month end): the last run before the
    due date for punctual payments, the next run for late ones."""
    if pay <= due:
        run = (
            pay.replace(day=15)
            if pay.day >= 15
            else _month_end(pay.replace(day=1) - timedelta(days=1))
        )
        if pay.day >= 15 and pay == _month_end(pay):
            run = pay
        return run if run >= invoice_date else pay
    run = pay.replace(day=15) if pay.day <= 15 else _month_end(pay)
    return run


def _pick(rng, weighted):
    draw = rng.random()
    for value, share in weighted:
        draw -= share
        if draw < 0:
            return value
    return weighted[-1][0]


def _rates(seed, today, months):
    """Monthly SEK per EUR, a gentle random walk around 11.4, from start month to today."""
    rng = random.Random(f"{seed}:rates")
    rates = {}
    year, month = today.year, today.month
    keys = []
    for _i in range(months + 2):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    value = SEK_PER_EUR
    for key in reversed(keys):
        value = max(10.6, min(12.2, value + rng.uniform(-0.12, 0.12)))
        rates[key] = round(value, 4)
    return rates


def build_plan(
    seed=42,
    today=None,
    customers=300,
    months=24,
    orders_per_customer=None,
    second_company_share=0.12,
    sek_share=0.05,
    key_accounts=None,
):
    """Build the deterministic plan; same arguments give the same plan.

    :param orders_per_customer: None (the demo): the wholesale mix, orders per customer from
        its profile (`MONTHLY_RATES`); a number (the benchmark): that average over 24
        months, spread in proportion to the customers' sizes
    """
    today = today or date.today()
    rng = random.Random(f"{seed}:master")
    companies = [
        CompanyPlan(MAIN, "Rakennustukku Aurora Oy", "EUR", create=False),
        CompanyPlan(
            SECOND,
            f"{(rng.choice(names.SE_HEADS) + rng.choice(names.SE_TAILS))} Byggvaror AB",
            "SEK",
            create=True,
        ),
    ]
    # products
    products = []
    for category, items in catalog.CATALOG.items():
        for i, (pname, price, ptype) in enumerate(items):
            margin = rng.uniform(0.15, 0.40)
            products.append(
                ProductPlan(
                    f"{category.lower()}-{i}",
                    category,
                    pname,
                    ptype,
                    price,
                    round(price * (1 - margin), 2),
                )
            )
    # teams and users
    teams = [TeamPlan("west", "Myyntitiimi Länsi"), TeamPlan("east", "Myyntitiimi Itä")]
    n_sales = 4 if customers < 100 else (5 if customers < 1000 else 6)
    users = [
        UserPlan(
            f"sales{i + 1}",
            f"sales{i + 1}",
            " ".join(names.SALES_NAMES[i]),
            "salesman",
            teams[i % 2].key,
        )
        for i in range(n_sales)
    ]
    users.append(UserPlan("manager", "manager", "Raili Esimiehinen", "manager"))
    users.append(UserPlan("accountant", "accountant", "Kirsi Tilinpito", "accountant"))
    salespeople = [u for u in users if u.role == "salesman"]
    # customers
    used_names = set()
    customer_plans = []
    n_second = max(2, round(customers * second_company_share))
    total = customers + n_second
    for index in range(total):
        home = MAIN if index < customers else SECOND
        swedish = home == SECOND
        crng = random.Random(f"{seed}:customer:{index}")
        size = min(80.0, crng.paretovariate(1.2))
        turnover = round(min(250e6, 250_000 * size * crng.uniform(0.6, 1.6)), -3)
        installers = max(1, round(turnover / crng.uniform(90_000, 200_000)))
        city, zipcode = crng.choice(names.SE_CITIES if swedish else names.FI_CITIES)
        salesperson = salespeople[crng.randrange(len(salespeople))]
        name = names.company_name(crng, used_names, swedish=swedish)
        slug = "".join(ch for ch in name.split()[0].lower() if ch.isalpha())
        slug = slug.translate(str.maketrans("äöå", "aoa"))
        contacts = []
        n_contacts = min(8, max(3, round(3 + math.log(size) * 1.5 + crng.uniform(0, 2))))
        taken = set()
        for c in range(n_contacts):
            group = STAKEHOLDER_GROUPS[c] if c < 2 else crng.choice(STAKEHOLDER_GROUPS)
            level = "strategic" if c == 0 else crng.choice(ORG_LEVELS[1:] + ["tactical"])
            if c == 2:
                level = "operational"
            pname = names.person_name(crng, swedish=swedish)
            while pname in taken:
                pname = names.person_name(crng, swedish=swedish)
            taken.add(pname)
            first, last = pname.split(" ", 1)
            email_local = f"{first}.{last}".lower().translate(str.maketrans("äöå", "aoa"))
            email = f"{email_local}@{slug}.example"
            channel, do_not_contact = contact_preferences(pname, email)
            contacts.append(
                ContactPlan(
                    pname,
                    group,
                    level,
                    crng.choice(names.CONTACT_TITLES[group]),
                    email,
                    channel,
                    do_not_contact,
                )
            )
        customer_plans.append(
            CustomerPlan(
                key=f"C{index:06d}",
                index=index,
                name=name,
                home_company=home,
                city=city,
                zip=zipcode,
                street=f"{crng.choice(names.STREETS)} {crng.randint(1, 60)}",
                size=size,
                turnover=turnover,
                installers=installers,
                profile=_pick(crng, PROFILES),
                salesperson_key=salesperson.key,
                team_key=salesperson.team_key,
                payment_days=crng.choice(PAYMENT_TERM_DAYS),
                late_prob=_pick(crng, [(p, s) for s, p in LATE_PAYER_MIX]),
                contacts=contacts,
            )
        )
    main_buyers = sorted(
        (c for c in customer_plans if c.home_company == MAIN and c.profile == "regular"),
        key=lambda c: -c.size,
    )
    # key accounts: the biggest regular customers of the main company
    n_key = key_accounts if key_accounts is not None else min(10, max(1, customers // 30))
    for c in main_buyers[:n_key]:
        c.is_key_account = True
    if orders_per_customer is None:
        _wholesale_counts(seed, customer_plans, months)
    else:
        # order counts: proportional to size^0.9 (Pareto-skewed), at least one for buyers
        for home, n_home in ((MAIN, customers), (SECOND, n_second)):
            group = [c for c in customer_plans if c.home_company == home]
            buyers = [c for c in group if c.profile != "prospect"]
            weight = sum(c.size**0.9 for c in buyers) or 1.0
            target = n_home * orders_per_customer * months / 24
            for c in buyers:
                c.relations.append((home, max(1, round(target * c.size**0.9 / weight))))
    # one customer of the main company also buys from the second company
    if main_buyers:
        shared = main_buyers[min(1, len(main_buyers) - 1)]
        shared.relations.append((SECOND, max(3, shared.relations[0][1] // 4)))
    rates_by_month = _rates(seed, today, months)
    rates = []
    for (year, month), sek in sorted(rates_by_month.items()):
        rates.append((MAIN, "SEK", date(year, month, 1), sek))
        rates.append((SECOND, "EUR", date(year, month, 1), round(1 / sek, 6)))
    plan = Plan(
        seed=seed,
        today=today,
        months=months,
        companies=companies,
        categories=list(catalog.CATALOG),
        products=products,
        teams=teams,
        users=users,
        customers=customer_plans,
        meetings=[],
        rates=rates,
        sek_per_eur=rates_by_month,
        sek_share=sek_share,
        wholesale=orders_per_customer is None,
    )
    plan.meetings = _meetings(plan)
    return plan


def frequency(customer):
    """The customer's buying rhythm in the wholesale mix (key, regular, occasional, new,
    passive, lost or prospect)."""
    if customer.is_key_account:
        return "key"
    return customer.frequency or customer.profile


def _wholesale_counts(seed, customer_plans, months):
    """Orders per customer from its rhythm: a regular one at least once a month."""
    for c in customer_plans:
        if c.profile == "prospect":
            continue
        rng = random.Random(f"{seed}:frequency:{c.key}")
        if c.profile == "regular" and not c.is_key_account and rng.random() < OCCASIONAL_SHARE:
            c.frequency = "occasional"
        low, high = MONTHLY_RATES[frequency(c)]
        # bigger customers order more often, within the rhythm's range
        rate = low + (high - low) * min(1.0, math.log(c.size) / math.log(20)) * rng.uniform(
            0.7, 1.0
        )
        active_months = months
        if c.profile == "new":
            active_months = months * 0.22
        elif c.profile == "lost":
            active_months = months * 0.25
        count = max(1, round(rate * active_months))
        if frequency(c) in ("key", "regular"):
            count = max(count, months)
        c.relations.append((c.home_company, count))


def _meetings(plan):
    """Past meetings over the window and planned ones for the next three months."""
    meetings = []
    horizon = (plan.today - plan.start).days
    for customer in plan.customers:
        rng = random.Random(f"{plan.seed}:meetings:{customer.key}")
        yearly = min(8.0, 0.5 + customer.size**0.5) * (2 if customer.is_key_account else 1)
        if customer.profile == "prospect":
            yearly = 1.0
        n_past = max(0, round(rng.gauss(yearly * horizon / 365, 1)))
        n_future = 0
        if customer.is_key_account:
            n_future = rng.randint(2, 5)
        elif customer.profile != "lost" and rng.random() < 0.3:
            n_future = 1
        for i in range(n_past + n_future):
            if i < n_past:
                back = rng.randint(1, horizon)
                if customer.profile == "lost":
                    back = rng.randint(round(horizon * 0.7), horizon)
                day = plan.today - timedelta(days=back)
            else:
                day = plan.today + timedelta(days=rng.randint(1, 90))
            if day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            contact_index = rng.randrange(len(customer.contacts))
            group = customer.contacts[contact_index].group
            indexes = [contact_index]
            if len(customer.contacts) > 1 and rng.random() < 0.35:
                other = rng.randrange(len(customer.contacts))
                if other != contact_index:
                    indexes.append(other)
            meetings.append(
                MeetingPlan(
                    customer_key=customer.key,
                    contact_indexes=indexes,
                    name=f"{rng.choice(MEETING_TOPICS[group])}: {customer.name}",
                    start=datetime(
                        day.year, day.month, day.day, rng.randint(6, 13), rng.choice((0, 30))
                    ),
                    hours=rng.choice((1.0, 1.0, 1.5, 2.0)),
                    cancelled=rng.random() < 0.03,
                )
            )
    return meetings
