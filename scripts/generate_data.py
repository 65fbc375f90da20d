#!/usr/bin/env python3
"""Generate deterministic demo data into an Odoo 18.0 database with our two add-ons.

Run from the repository root:

    python3 scripts/generate_data.py -c odoo.conf --addons-path=addons -d kam_demo \
        --customers 300 --seed 42 [--today 2026-11-23] [--months 24] [--flow-days 31]

The run ends with the scoring (as `make score`) unless --no-score is given.

Options other than ours are passed to Odoo's configuration parser. Progress lines go to
stderr, the summary table to stdout. The run refuses a database that already holds
generated data (ir.config_parameter `kam_demo.generated`).
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from datagen.plan import build_plan  # noqa: E402


def _log(message):
    print(f"[generate_data {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=300, help="customer companies")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="fixed 'today' (YYYY-MM-DD) the history is relative to; default: today",
    )
    parser.add_argument("--months", type=int, default=24, help="months of order history")
    parser.add_argument(
        "--orders-per-customer",
        type=float,
        default=None,
        help="average confirmed orders per customer over 24 months, spread by size; "
        "default: the wholesale mix (regular customers monthly or more, key accounts "
        "about weekly, some occasional, passive and lost ones)",
    )
    parser.add_argument(
        "--flow-days",
        type=int,
        default=31,
        help="orders invoiced in the last N days go through the sales flow (sale order, "
        "invoice, payment); the older history is written in bulk; 0: all through the flow",
    )
    parser.add_argument("--no-score", action="store_true", help="do not run the scoring at the end")
    args, odoo_args = parser.parse_known_args(argv)
    if args.customers < 1 or args.months < 1:
        parser.error("--customers and --months must be at least 1")
    return args, odoo_args


def format_summary(rows):
    if not rows:
        return "(nothing generated)"
    labels = [key for key in rows[0] if key != "company"]
    width = max(len(label) for label in labels) + 2
    columns = [max(len(str(row["company"])), 14) + 2 for row in rows]
    out = [
        " " * width
        + "".join(str(r["company"]).rjust(c) for r, c in zip(rows, columns, strict=True))
    ]
    for label in labels:
        cells = []
        for row, col in zip(rows, columns, strict=True):
            value = row[label]
            text = f"{value:,.2f}" if isinstance(value, float) else str(value)
            cells.append(text.rjust(col))
        out.append(label.ljust(width) + "".join(cells))
    return "\n".join(out)


def main(argv=None):
    args, odoo_args = _parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import odoo
        from odoo import SUPERUSER_ID, api
    except ImportError:
        _log("ERROR: Odoo 18.0 is not importable ('import odoo' fails); install Odoo 18.0.")
        return 1
    if not odoo.release.version.startswith("18.0"):
        _log(f"ERROR: Odoo 18.0 is required, found {odoo.release.version}.")
        return 1
    from datagen.orm_writer import GeneratorError, OrmWriter

    odoo.tools.config.parse_config(["--log-level=warn", *odoo_args])
    db_name = odoo.tools.config["db_name"]
    if isinstance(db_name, (list, tuple)):
        db_name = db_name[0] if db_name else None
    if not db_name:
        _log("ERROR: no database given: pass -d <database>.")
        return 2
    today = args.today or date.today()
    started = time.monotonic()
    plan = build_plan(
        seed=args.seed,
        today=today,
        customers=args.customers,
        months=args.months,
        orders_per_customer=args.orders_per_customer,
    )
    _log(
        f"plan: {len(plan.customers)} customers, {len(plan.products)} products, "
        f"seed {args.seed}, today {today} ({time.monotonic() - started:.1f} s)"
    )
    try:
        registry = odoo.modules.registry.Registry(db_name)
    except Exception as error:  # noqa: BLE001 - report any bootstrap failure clearly
        _log(f"ERROR: cannot open database '{db_name}': {error}")
        return 1
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        missing = [
            m
            for m in ("key_account_mgmt", "sale_management", "account", "calendar")
            if not env["ir.module.module"].search_count(
                [("name", "=", m), ("state", "=", "installed")]
            )
        ]
        if missing:
            _log(f"ERROR: database '{db_name}' lacks installed modules: {', '.join(missing)}.")
            return 1
        history_before = None
        if args.flow_days:
            history_before = today - timedelta(days=args.flow_days)
        writer = OrmWriter(
            env,
            plan,
            log=_log,
            commit=cr.commit,
            history_before=history_before,
            score=not args.no_score,
        )
        try:
            rows = writer.run()
        except GeneratorError as error:
            cr.rollback()
            _log(f"ERROR: {error}")
            return 3
        except Exception:
            cr.rollback()
            _log("ERROR: generation failed; the database holds a partial result, recreate it.")
            raise
        cr.commit()
    _log(f"finished in {time.monotonic() - started:.1f} s")
    print(format_summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
