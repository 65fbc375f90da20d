"""The timed runs of the benchmark, each in its own process (`bench.py measure <name>`), so
that its peak memory (RSS high-water mark) is its own. Every run but ``full`` is rolled
back: the benchmark database stays as of its date between runs."""

import json
import subprocess
import time
from datetime import timedelta

from .common import LIST_ROWS, SKIP_HOOK, odoo_env, peak_rss_mb
from .model import measure_model
from .naive import measure_naive, measure_naive_revenue, sample_partners
from .queue import measure_queue
from .startpage import measure_startpage

# The score columns of the customers list (those that exist are added to the plain list).
SCORE_COLUMNS = (
    "customer_score",
    "customer_score_class",
    "customer_lifecycle_stage",
    "customer_revenue_12m",
    "customer_revenue_growth",
    "customer_margin_12m",
)


def scorer(env):
    """customer.score in every company, and the companies."""
    companies = env["res.company"].search([])
    return env["customer.score"].with_context(allowed_company_ids=companies.ids), companies


def _timed_full_run(env, day, commit):
    """compute_scores() over every customer of both companies as of ``day``; committed or
    rolled back. Returns its seconds, rows and the memory before it."""
    score, companies = scorer(env)
    base_rss = peak_rss_mb()
    t0 = time.perf_counter()
    rows = score.compute_scores(companies=companies, date=day)
    seconds = time.perf_counter() - t0
    count = len(rows)
    if commit:
        env.cr.commit()
    else:
        env.cr.rollback()
    return {"seconds": seconds, "rows": count, "rss_before_mb": base_rss}


def measure_full(env, args):
    """compute_scores() over every customer of both companies, as of --today (committed):
    the first run of a new database, else a second run on the same day."""
    env.cr.execute("SELECT COUNT(*) FROM customer_score")
    first = env.cr.fetchone()[0] == 0
    return dict(_timed_full_run(env, args.today, commit=True), first_run=first)


def measure_first(env, args):
    """The first run of a database: compute_scores() as of --today with no score row,
    class, class history row or owners' to-do yet. Run on a copy of the database
    (see ``measure``) whose rows are removed and committed here, then vacuumed and analysed
    (as autovacuum does), so that the run meets rows as after an install: removing them in
    the timed transaction would make PostgreSQL re-check every foreign key of each partner
    row that the class hook then updates a second time in that transaction."""
    reset_first_run(env)
    tables = ("res_partner", "customer_score", "kam_abc_class_history", "mail_activity")
    vacuum = ["vacuumdb", "--analyze", "--quiet", "-d", env.cr.dbname]
    subprocess.run([*vacuum, *(f"--table={table}" for table in tables)], check=True)
    env.invalidate_all()
    return _timed_full_run(env, args.today, commit=False)


def reset_first_run(env):
    """Remove what a first run writes (committed): score rows (with their forecasts),
    classes, class history and the passive and declining to-dos."""
    env.cr.execute("DELETE FROM customer_score")
    env.cr.execute("DELETE FROM kam_abc_class_history")
    env.cr.execute(
        """UPDATE res_partner SET abc_class = NULL, abc_class_computed = NULL
            WHERE abc_class IS NOT NULL OR abc_class_computed IS NOT NULL"""
    )
    types = [
        env.ref(f"customer_scoring.mail_activity_type_{name}").id
        for name in ("passive_customer", "declining_spend")
    ]
    env.cr.execute("DELETE FROM mail_activity WHERE activity_type_id = ANY(%s)", [types])
    env.cr.commit()


def measure_nightly(env, args):
    """The daily run: compute_scores() as of the day after --today, over rows computed as of
    --today, so every row moves (as-of date, recency). Rolled back."""
    return _timed_full_run(env, args.today + timedelta(days=1), commit=False)


def measure_floor(env, args):
    """The same 12-month revenue per (commercial partner, company): one GROUP BY over the
    add-on's revenue lines; median of three."""
    from odoo.addons.customer_scoring.tools.revenue_lines import revenue_line_where_sql
    from odoo.tools import SQL

    windows = env["customer.score"]._get_windows(args.today)
    query = SQL(
        """SELECT p.commercial_partner_id, aml.company_id, SUM(-aml.balance)
             FROM account_move_line aml
             JOIN account_move am ON am.id = aml.move_id
             JOIN res_partner p ON p.id = aml.partner_id
            WHERE %s AND aml.date BETWEEN %s AND %s
         GROUP BY p.commercial_partner_id, aml.company_id""",
        revenue_line_where_sql("aml", "am"),
        windows["start_12m"],
        windows["date"],
    )
    times = []
    for _i in range(3):
        t0 = time.perf_counter()
        env.cr.execute(query)
        rows = env.cr.fetchall()
        times.append(time.perf_counter() - t0)
    # The size of the data set, in the add-on's own revenue lines.
    env.cr.execute(
        SQL(
            """SELECT COUNT(*) FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id WHERE %s""",
            revenue_line_where_sql("aml", "am"),
        )
    )
    return {"seconds": sorted(times)[1], "rows": len(rows), "lines": env.cr.fetchone()[0]}


def measure_ours(env, args):
    """compute_scores(partners=the same partners as the naive loop); rolled back."""
    partners = sample_partners(env, args.partners)
    score, companies = scorer(env)
    t0 = time.perf_counter()
    rows = score.compute_scores(companies=companies, partners=partners, date=args.today)
    seconds = time.perf_counter() - t0
    count = len(rows)
    env.cr.rollback()
    return {"seconds": seconds, "rows": count}


def measure_incremental(env, args):
    """Post new invoices and cancel open ones through the ORM (the hooks mark their
    customers), then score just the marked customers. Rolled back."""
    from odoo import Command

    score, companies = scorer(env)
    Move = env["account.move"].with_context(
        allowed_company_ids=companies.ids, tracking_disable=True, mail_notrack=True
    )
    env.cr.execute("DELETE FROM customer_score_mark")
    half = args.moves // 2
    env.cr.execute(
        """SELECT id FROM account_move
            WHERE move_type = 'out_invoice' AND state = 'posted' AND payment_state = 'not_paid'
         ORDER BY id LIMIT %s""",
        [args.moves - half],
    )
    to_cancel = Move.browse([row[0] for row in env.cr.fetchall()])
    partners = sample_partners(env, 20000, shared_only=True)[::10][:half]
    product = env["product.product"].search([("sale_ok", "=", True)], limit=1)
    t0 = time.perf_counter()
    new = Move.with_company(env.company).create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": args.today,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 2, "price_unit": 50})
                ],
            }
            for partner in partners
        ]
    )
    new.action_post()
    to_cancel.button_cancel()
    env.flush_all()
    hooks_seconds = time.perf_counter() - t0
    env.cr.execute("SELECT COUNT(*) FROM customer_score_mark")
    marked = env.cr.fetchone()[0]
    t0 = time.perf_counter()
    rows = score.compute_scores(companies=companies, only_marked=True, date=args.today)
    seconds = time.perf_counter() - t0
    count = len(rows)
    env.cr.rollback()
    return {
        "seconds": seconds,
        "rows": count,
        "marked": marked,
        "moves": len(new) + len(to_cancel),
        "hooks_seconds": hooks_seconds,
    }


def measure_days(env, args):
    """The revenue days rebuilt from the journal items, then checked against them (as
    `make revenue-days`); rolled back."""
    from odoo.addons.customer_scoring.tools.revenue_lines import revenue_line_where_sql
    from odoo.tools import SQL

    Day = env["customer.revenue.day"]
    t0 = time.perf_counter()
    days = Day._rebuild()
    rebuild_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    mismatches, _examples = Day._check()
    check_seconds = time.perf_counter() - t0
    env.cr.execute(
        SQL(
            """SELECT COUNT(*) FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id WHERE %s""",
            revenue_line_where_sql("aml", "am"),
        )
    )
    lines = env.cr.fetchone()[0]
    env.cr.rollback()
    return {
        "days": days,
        "lines": lines,
        "rebuild_seconds": rebuild_seconds,
        "check_seconds": check_seconds,
        "mismatches": mismatches,
    }


def _list_specs(Partner):
    """The web client's specification of the partner list view: (plain, with scores)."""
    from lxml import etree

    view = Partner.get_views([(False, "list")])
    arch = etree.fromstring(view["views"]["list"]["arch"])
    fields = view["models"]["res.partner"]["fields"]
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        if name not in fields or name in spec:
            continue
        if fields[name]["type"] in ("many2one", "many2many", "one2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    scoring = {name for name in Partner._fields if name.startswith("customer_score")} | set(
        SCORE_COLUMNS
    )
    plain = {k: v for k, v in spec.items() if k not in scoring}
    with_scores = dict(plain)
    for name in SCORE_COLUMNS:
        if name in Partner._fields:
            with_scores[name] = {}
    with_scores.update({k: v for k, v in spec.items() if k in scoring})
    return plain, with_scores


def measure_list(env, args):
    """web_search_read of the customers list (80 rows), plain vs with score columns, as the
    admin user; median of repeated calls, each with a cold ORM cache."""
    admin = env.ref("base.user_admin")
    Partner = (
        env["res.partner"]
        .with_user(admin)
        .with_context(
            lang="en_US",
            res_partner_search_mode="customer",
            allowed_company_ids=[admin.company_id.id],
        )
    )
    plain, with_scores = _list_specs(Partner)
    domain = [("customer_rank", ">", 0)]
    results = {}
    for label, spec in (("plain", plain), ("scores", with_scores)):
        times = []
        for _i in range(args.repeat):
            env.invalidate_all()
            t0 = time.perf_counter()
            Partner.web_search_read(domain, spec, limit=LIST_ROWS, count_limit=10001)
            times.append(time.perf_counter() - t0)
        times.sort()
        results[label] = times[len(times) // 2]
    return {
        "plain_seconds": results["plain"],
        "scores_seconds": results["scores"],
        "plain_fields": len(plain),
        "score_fields": len(with_scores) - len(plain),
    }


MEASURES = {
    "full": measure_full,
    "nightly": measure_nightly,
    "first": measure_first,
    "floor": measure_floor,
    "naive": measure_naive,
    "naive_revenue": measure_naive_revenue,
    "ours": measure_ours,
    "incremental": measure_incremental,
    "days": measure_days,
    "list": measure_list,
    "model": measure_model,
    "startpage": measure_startpage,
    "queue": measure_queue,
}


def _wrap_class_hook(env, spent):
    """Time key_account_mgmt's class recomputation (called at the end of each scoring run)
    into ``spent[0]``; with BENCH_SKIP_CLASS_HOOK=1 skip it, to see the scoring's own cost."""
    Engine = type(env["kam.class.engine"])
    original = Engine._kam_recompute_abc_classes

    def timed(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return 0 if SKIP_HOOK else original(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0

    Engine._kam_recompute_abc_classes = timed


def _copy_database(source, target):
    """``target`` as a file copy of ``source`` (no session may be open on ``source``)."""
    subprocess.run(["dropdb", "--if-exists", target], check=True)
    subprocess.run(["createdb", "-T", source, "--strategy=file_copy", target], check=True)


def measure(name, args):
    """Run one measurement on ``args.db``; prints its result as one JSON line. The first
    run is measured on a copy, ``<db>_first``, dropped afterwards."""
    import odoo

    db = args.db
    if name == "first":
        db = f"{args.db}_first"
        _copy_database(args.db, db)
    try:
        _odoo, registry = odoo_env(db)
        spent = [0.0]
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            _wrap_class_hook(env, spent)
            result = MEASURES[name](env, args)
    finally:
        if name == "first":
            odoo.modules.registry.Registry.delete(db)
            odoo.sql_db.close_db(db)
            subprocess.run(["dropdb", "--if-exists", db], check=True)
    result["peak_rss_mb"] = peak_rss_mb()
    result["class_hook_seconds"] = spent[0]
    print(json.dumps(result))
    return 0
