"""The benchmark database: a plan of N customers written in bulk (COPY), then validated.

2,000,000 posted invoice lines per 100,000 customers: the orders per customer are
calibrated on a small plan, so the line count holds whatever the plan's lines per order
are. The second company's customers are a share on top of the main company's.
"""

import time

from .common import log, odoo_env, peak_rss_mb

SECOND_SHARE = 0.12
LINES_PER_CUSTOMER = 20.0
CALIBRATION_CUSTOMERS = 3000


def plan_for(customers, today, seed=42, months=24):
    """The plan of ``customers`` customer companies (both companies together)."""
    from datagen.plan import build_plan

    main = round(customers / (1 + SECOND_SHARE))
    orders_per_customer = calibrate(seed, today, months)
    log(
        f"{orders_per_customer:.2f} orders per customer give ~{LINES_PER_CUSTOMER:.0f} "
        "posted invoice lines per customer"
    )
    return build_plan(
        seed=seed,
        today=today,
        customers=main,
        months=months,
        orders_per_customer=orders_per_customer,
        second_company_share=SECOND_SHARE,
    )


def calibrate(seed, today, months):
    """Orders per customer (over 24 months) giving LINES_PER_CUSTOMER posted invoice lines."""
    from datagen.plan import build_plan

    probe = 5.0
    plan = build_plan(
        seed=seed,
        today=today,
        customers=CALIBRATION_CUSTOMERS,
        months=months,
        orders_per_customer=probe,
        second_company_share=SECOND_SHARE,
    )
    lines = sum(
        len(order.lines)
        for customer in plan.customers
        for order in plan.iter_orders(customer)
        if order.invoice_state == "posted"
    )
    return probe * LINES_PER_CUSTOMER * len(plan.customers) / max(lines, 1)


def generate(db, customers, today):
    """Write the plan into ``db`` (our modules installed, no generated data yet) and
    validate it; returns the exit code (3: invalid accounting data)."""
    from datagen.sql_validate import validate
    from datagen.sql_writer import SqlWriter

    odoo, registry = odoo_env(db)
    started = time.monotonic()
    plan = plan_for(customers, today)
    log(f"plan: {len(plan.customers):,} customers ({time.monotonic() - started:.1f} s)")
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        writer = SqlWriter(env, plan, log=log, commit=cr.commit)
        writer.run()
        cr.commit()
        log(f"written in {time.monotonic() - started:.1f} s; validating")
        t0 = time.monotonic()
        problems = validate(cr)
        log(f"validated in {time.monotonic() - t0:.1f} s")
    seconds = time.monotonic() - started
    log(f"generation finished in {seconds:.1f} s (peak RSS {peak_rss_mb():.0f} MB)")
    for problem in problems:
        log(f"INVALID: {problem}")
    return 3 if problems else 0


def validate_db(db):
    """The validity check alone; returns the exit code (3: invalid accounting data)."""
    from datagen.sql_validate import validate

    _odoo, registry = odoo_env(db)
    with registry.cursor() as cr:
        problems = validate(cr)
    for problem in problems:
        log(f"INVALID: {problem}")
    if not problems:
        log(f"{db}: accounting data valid")
    return 3 if problems else 0
