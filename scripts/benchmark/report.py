"""The whole benchmark: every measurement in its own process, one table, printed and
written at the top of docs/benchmarks.md (the history of measurements, newest first)."""

import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime

from .common import LIST_ROWS, NAIVE_PARTNERS, ROOT, SKIP_HOOK, TIMEOUT, log
from .queue import queue_rows
from .scale import measure_scale, scale_rows

BENCH_PY = os.path.join(ROOT, "scripts", "bench.py")
# customer companies: every company partner except our own companies
CUSTOMERS_SQL = (
    "SELECT COUNT(*) FROM res_partner p WHERE p.is_company AND p.parent_id IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM res_company c WHERE c.partner_id = p.id)"
)
STOPPED = {
    "timeout": True,
    "seconds": float("inf"),
    "peak_rss_mb": float("nan"),
    "rows": 0,
    "marked": 0,
    "moves": 0,
    "hooks_seconds": float("nan"),
    "class_hook_seconds": float("nan"),
}


def run_measure(name, db, today, *extra):
    """One measurement in a subprocess (`bench.py measure`); its JSON result."""
    cmd = [sys.executable, BENCH_PY, "measure", name, "-d", db, "--today", today.isoformat()]
    log(f"measuring {name} on {db}")
    t0 = time.monotonic()
    try:
        proc = subprocess.run(
            [*cmd, *extra], cwd=ROOT, capture_output=True, text=True, check=False, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        log(f"  {name}: stopped after {TIMEOUT} s (BENCH_TIMEOUT)")
        return dict(STOPPED)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"measurement {name} on {db} failed (exit {proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    log(f"  {name}: {json.dumps(result)} ({time.monotonic() - t0:.0f} s with start-up)")
    return result


def _count(db, sql):
    cmd = ["psql", "-d", db, "-tAc", sql]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return int(out.stdout.strip() or 0)


def _machine():
    cores = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        kb = int(meminfo.readline().split()[1])
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{cores} cores, {kb / 1024 / 1024:.1f} GiB RAM, {platform.platform(terse=True)}; "
        f"load average at the end {load}"
    )


def _s(seconds, digits=1):
    if seconds == float("inf"):
        return f"> {TIMEOUT} s (stopped)"
    return f"{seconds:.{digits}f} s"


def _row(figure, value, target="", ratio=None, ok=None):
    ratio_text = "" if ratio is None else f"{ratio:.2f}x"
    if ratio_text == "1.00x":
        # Near the target, rounding could show a miss as 1.00x: one more digit.
        ratio_text = f"{ratio:.3f}x"
    verdict = "" if ok is None else ("pass" if ok else "MISS")
    return [figure, value, target, ratio_text, verdict]


def _full_run_rows(figure, result, target=60):
    """A full run against its target, and the class hook's share of it."""
    return [
        _row(
            figure,
            _s(result["seconds"], 1),
            f"<= {target} s",
            result["seconds"] / target,
            result["seconds"] <= target,
        ),
        _row(
            "  of which key_account_mgmt class hook (_kam_recompute_abc_classes)",
            "skipped" if SKIP_HOOK else _s(result["class_hook_seconds"]),
        ),
    ]


def _times_ours(result, ours):
    """ " (1.2x ours)" after a time, or nothing when either run was stopped."""
    if result.get("timeout") or ours.get("timeout") or not ours["seconds"]:
        return ""
    return f" ({result['seconds'] / ours['seconds']:.1f}x ours)"


def table(rows):
    header = ["Figure", "Value", "Target", "Ratio", "Result"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


# Row groups of the table (`--only` / BENCH_ONLY narrows the run to some of them), the
# measurements each needs, and the order the measurements run in: the committed same-day
# run first (on a new database it is the first run), then the daily run of the next day.
GROUPS = (
    "full",
    "floor",
    "naive",
    "incremental",
    "days",
    "memory",
    "list",
    "model",
    "startpage",
    "queue",
)
NEEDS = {
    "full": ("floor", "full", "small_full", "first", "nightly", "small_nightly"),
    "floor": ("floor", "nightly"),
    "naive": ("ours", "naive", "naive_revenue"),
    "incremental": ("incremental",),
    "days": ("days",),
    "memory": ("nightly", "small_nightly"),
    "list": ("list",),
    "model": ("model",),
    "startpage": ("startpage",),
    "queue": ("queue",),
}
ORDER = (
    "floor",
    "full",
    "small_full",
    "first",
    "nightly",
    "small_nightly",
    "ours",
    "naive",
    "naive_revenue",
    "incremental",
    "days",
    "list",
    "model",
    "startpage",
    "queue",
)
# measurement -> (bench.py measure name, database: main, small or queue)
SOURCES = {
    "small_full": ("full", "small"),
    "small_nightly": ("nightly", "small"),
    "queue": ("queue", "queue"),
}


def selected_groups(only):
    """The row groups of ``only`` ("a,b"; empty: all of them), in table order."""
    names = {name.strip() for name in (only or "").split(",") if name.strip()}
    unknown = names - set(GROUPS)
    if unknown:
        raise SystemExit(
            f"unknown row group(s) {', '.join(sorted(unknown))}; known: {', '.join(GROUPS)}"
        )
    return [group for group in GROUPS if not names or group in names]


def _measure_all(args, groups):
    """The measurements the row groups need, in ``ORDER``; {name: result}."""
    needed = {name for group in groups for name in NEEDS[group]}
    if "model" in needed and not _count(
        args.db, f"SELECT COUNT(*) FROM customer_clv_model WHERE date = '{args.today}'"
    ):
        # The daily run replaces the monthly forecast of the day before, as every night.
        needed.add("full")
    results = {}
    for name in ORDER:
        if name not in needed:
            continue
        if name == "first" and results["full"]["first_run"]:
            results[name] = results["full"]
            continue
        measure, where = SOURCES.get(name, (name, "main"))
        db = {"main": args.db, "small": args.small_db, "queue": args.queue_db}[where]
        results[name] = run_measure(measure, db, args.today)
    return results


def _full_rows(m, k, small_k):
    rows = [
        *_full_run_rows(
            f"Full compute_scores(), daily run (every row moves), {k} customers / "
            f"{m['floor']['lines'] / 1e6:.2f} M lines",
            m["nightly"],
        ),
        *_full_run_rows(
            "Full compute_scores(), first run (no scores, classes or history yet)",
            m["first"],
            target=30,
        ),
    ]
    same_day, kind = m["full"], "first run of the database"
    if not same_day["first_run"]:
        kind = "again the same day"
        rows.append(_row("Full compute_scores(), again the same day", _s(same_day["seconds"], 1)))
    notes = [
        f"Full runs at {small_k} customers: daily {_s(m['small_nightly']['seconds'])}, "
        f"{kind} {_s(m['small_full']['seconds'])}.",
        "The daily run scores as of the day after the database's date over rows of that "
        "date, so every row is rewritten, and is rolled back; peak memory is the daily "
        "run's.",
    ]
    return rows, notes


def _floor_rows(m, k, small_k):
    full, floor = m["nightly"], m["floor"]
    rows = [
        _row(
            "SQL floor: one GROUP BY, 12-month revenue per partner and company",
            _s(floor["seconds"], 2),
        ),
        _row(
            "Full run / SQL floor",
            f"{full['seconds'] / floor['seconds']:.1f}x",
            "<= 3x",
            full["seconds"] / floor["seconds"] / 3,
            full["seconds"] <= 3 * floor["seconds"],
        ),
    ]
    return rows, []


def _naive_rows(m, k, small_k):
    naive, naive_revenue, ours = m["naive"], m["naive_revenue"], m["ours"]
    partners = f"{NAIVE_PARTNERS:,}"
    rows = [
        _row(
            "Naive ORM loop (the same figures: a search per partner and company, ORM write), "
            f"{partners} customers",
            _s(naive["seconds"], 1),
        ),
        _row(
            "Naive 12-month revenue only (one read_group per partner and company)",
            _s(naive_revenue["seconds"], 1) + _times_ours(naive_revenue, ours),
        ),
        _row(f"compute_scores(partners=the same {partners})", _s(ours["seconds"], 2)),
        _row(
            "Naive / ours",
            f"{naive['seconds'] / ours['seconds']:.1f}x",
            ">= 50x",
            naive["seconds"] / ours["seconds"] / 50,
            naive["seconds"] >= 50 * ours["seconds"],
        ),
    ]
    return rows, []


def _incremental_rows(m, k, small_k):
    incremental = m["incremental"]
    rows = [
        _row(
            f"Incremental: {incremental['moves']} invoices posted/cancelled, "
            f"{incremental['marked']} marked customers rescored",
            _s(incremental["seconds"], 2),
            "<= 1 s",
            incremental["seconds"],
            incremental["seconds"] <= 1,
        )
    ]
    notes = [
        f"Posting/cancelling the {incremental['moves']} invoices through the ORM "
        f"(hooks included): {incremental['hooks_seconds']:.1f} s."
    ]
    return rows, notes


def _days_rows(m, k, small_k):
    days = m["days"]
    rows = [
        _row(
            f"Revenue days: rebuild from the journal items ({days['days']:,} days of "
            f"{days['lines']:,} revenue lines)",
            _s(days["rebuild_seconds"], 1),
        ),
        _row(
            "Revenue days: check against the journal items (days that differ)",
            f"{_s(days['check_seconds'], 1)} ({days['mismatches']} differ)",
            "0 differ",
            None,
            days["mismatches"] == 0,
        ),
    ]
    return rows, [
        "The daily run reads the revenue days (one row per customer, company and day with "
        "revenue), kept by the ORM as moves are posted, reset or cancelled, not the journal "
        "items; `make revenue-days` rebuilds and checks them."
    ]


def _memory_rows(m, k, small_k):
    full, small_full = m["nightly"], m["small_nightly"]
    rows = [
        _row(
            f"Peak memory (RSS) of the full run, {small_k} customers",
            f"{small_full['peak_rss_mb']:.0f} MB",
        ),
        _row(
            f"Peak memory (RSS) of the full run, {k} customers",
            f"{full['peak_rss_mb']:.0f} MB",
            "<= 1.2x the 10 k run",
            full["peak_rss_mb"] / small_full["peak_rss_mb"] / 1.2,
            full["peak_rss_mb"] <= 1.2 * small_full["peak_rss_mb"],
        ),
    ]
    return rows, []


def _list_rows(m, k, small_k):
    listing = m["list"]
    rows = [
        _row(
            f"Customers list, {LIST_ROWS} rows, plain (web_search_read)",
            f"{listing['plain_seconds'] * 1000:.1f} ms",
        ),
        _row(
            f"Customers list with {listing['score_fields']} score columns",
            f"{listing['scores_seconds'] * 1000:.1f} ms",
            "<= 1.5x plain",
            listing["scores_seconds"] / listing["plain_seconds"] / 1.5,
            listing["scores_seconds"] <= 1.5 * listing["plain_seconds"],
        ),
    ]
    return rows, []


def _model_rows(m, k, small_k):
    model = m["model"]
    ratio = model["with_seconds"] / model["without_seconds"]
    pairs = model["pairs"]
    # The forecast as a table of its own, replaced by each run (a timed piece of its own).
    table_forecast = bool(model.get("forecast_seconds"))
    rows = [
        _row(
            "Customer-base model in the daily run (purchase days, fresh fit, predictions, "
            f"forecast, backtest), {model['customers'] / 1000:,.0f} k customers "
            f"in {model['fitted']} companies",
            _s(model["step_seconds"], 2),
        ),
        _row(
            "  of which purchase-day read (one SQL query per company)",
            _s(model["read_seconds"], 2),
        ),
        _row(
            "  of which fit (_fit_company: BG/NBD, then Gamma-Gamma)", _s(model["fit_seconds"], 2)
        ),
        _row("  of which predictions (predict_customers)", _s(model["predict_seconds"], 2)),
        _row(
            "  of which model figures into the rows being computed (UPDATEs of 10,000 customers)"
            if table_forecast
            else "  of which model figures and monthly forecast into the rows (UPDATEs of 10,000)",
            _s(model["update_seconds"], 2),
        ),
        *(
            [
                _row(
                    "  of which monthly forecast replaced (12 rows per customer)",
                    _s(model["forecast_seconds"], 2),
                )
            ]
            if table_forecast
            else []
        ),
        *(
            [
                _row(
                    "  of which backtest (fit 26 weeks back, predicted vs actual)",
                    _s(model["backtest_seconds"], 2),
                )
            ]
            if model.get("backtest_seconds")
            else []
        ),
        _row(
            f"Daily full run with the model / without, median of {pairs} interleaved pairs",
            f"{ratio:.2f}x ({_s(model['with_seconds'])} / {_s(model['without_seconds'])})",
            "<= 1.2x",
            ratio / 1.2,
            ratio <= 1.2,
        ),
    ]
    notes = [
        f"Model rows: {pairs} pairs of daily runs in one process, the order alternating "
        "(with/without, without/with, ...), each rolled back; the model's figures are the "
        "medians of its runs. Without the model, the run's model step "
        "(`customer.clv.model._apply_to_run`) is patched in the benchmark process to the "
        "path taken when no model could be fitted (retention-rate CLV, no forecast, no "
        "backtest; "
        f"{_s(model['without_step_seconds'], 2)}). Runs with the model: "
        f"{', '.join(f'{s:.1f}' for s in model['with_all'])} s; without: "
        f"{', '.join(f'{s:.1f}' for s in model['without_all'])} s. Peak memory (RSS) of "
        f"the process of these runs: {model['peak_rss_mb']:.0f} MB."
    ]
    return rows, notes


def _startpage_rows(m, k, small_k):
    page = m["startpage"]
    rows = [
        _row(
            f"KAM start page, {page['accounts']} key accounts "
            f"(get_start_page(), median of {len(page['all'])}, cold ORM cache)",
            _s(page["seconds"], 3),
            "< 1 s",
            page["seconds"] / 1,
            page["seconds"] < 1,
        ),
        _row(
            "  relationship health of those accounts (kam.health.engine)",
            _s(page["health_seconds"], 2),
        ),
    ]
    sections = ", ".join(f"{key} {count}" for key, count in page["sections"].items())
    notes = [
        f"Start page rows: the salesperson of the most customers in the first company is made "
        f"the key account manager of {page['accounts']} customer companies (hers first) and "
        f"their health computed, then the page is opened as her, rolled back; "
        f"{page['queries']:.0f} queries per call, {page['lines']} lines shown; sections: "
        f"{sections}. Calls: {', '.join(f'{s:.3f}' for s in page['all'])} s."
    ]
    return rows, notes


ROWS = {
    "full": _full_rows,
    "floor": _floor_rows,
    "naive": _naive_rows,
    "incremental": _incremental_rows,
    "days": _days_rows,
    "memory": _memory_rows,
    "list": _list_rows,
    "model": _model_rows,
    "startpage": _startpage_rows,
    "queue": lambda m, k, small_k: queue_rows(m, k, _row, _s),
}


def run(args):
    """The measurements of the selected row groups, one table (stdout and ``args.output``)."""
    groups = selected_groups(args.only)
    customers = _count(args.db, CUSTOMERS_SQL)
    k = f"{customers / 1000:,.0f} k"
    small_k = k
    if any(group in ("full", "memory") for group in groups):
        small_k = f"{_count(args.small_db, CUSTOMERS_SQL) / 1000:,.0f} k"
    m = _measure_all(args, groups)
    rows, notes = [], []
    for group in groups:
        group_rows, group_notes = ROWS[group](m, k, small_k)
        rows.extend(group_rows)
        notes.extend(group_notes)
    # The scale curve: only with BENCH_SIZES (one database per size).
    curve = measure_scale(args, run_measure, _count)
    group_rows, group_notes = scale_rows(curve, _row, _s)
    rows.extend(group_rows)
    notes.extend(group_notes)
    text = table(rows)
    print(text)
    if len(groups) < len(GROUPS):
        notes.insert(0, f"Only the row groups {', '.join(groups)} (BENCH_ONLY).")
    if SKIP_HOOK:
        notes.append(
            "BENCH_SKIP_CLASS_HOOK=1: key_account_mgmt's class recomputation at the end of "
            "each scoring run was skipped (diagnostic run)."
        )
    notes.append('Ratio = value / target (for "at least" targets: value / target, pass when >= 1).')
    if args.generation:
        notes.insert(0, args.generation)
    if args.label:
        notes.insert(0, args.label)
    write_report(args.output, datetime.now().strftime("%Y-%m-%d %H:%M"), text, notes)
    return 0


HEADER = """# Benchmarks

Results of `make bench`, newest first: the first table is the reference. Not part of the
tests: times are printed, never asserted.

- Data: `kam_bench`, 100,000 customer companies (two companies: a Finnish one in EUR with
  some SEK invoices, a Swedish one in SEK), about 2,000,000 posted customer invoice lines
  over 24 months, ~5 % credit notes, payments reconciled with the invoices. Generated from
  the demo plan (`scripts/datagen/plan.py`) by the bulk writer
  `scripts/datagen/sql_writer.py` (COPY), with the followers Odoo writes (each posted
  invoice's customer, each customer's creator), then checked by a validity query (balanced
  moves, totals, rates, unique names); the first run includes the generation, later runs
  reuse the database after updating its add-ons (`BENCH_REBUILD=1 make bench` regenerates
  it). `kam_bench10k` is the same at 10,000 customers, for the memory comparison.
- Every figure is measured in its own process (`scripts/bench.py measure <name>`), so the
  peak memory (RSS high-water mark, `getrusage`) is that measurement's own; it includes the
  Odoo registry (~165 MB).
- Full runs, three of them: the **daily run** (the target figure) scores as of the day
  after the database's date over rows of that date, so every row moves, as every night;
  the **first run** runs on a copy of the database (`<db>_first`, dropped after) whose score
  rows, classes, class history and passive and declining to-dos were removed and committed,
  then vacuumed, as after an install; **again the same day** reruns on unchanged data. The
  first and daily runs are rolled back, so the database keeps its rows as of its date.
- The floor is one `GROUP BY` of the 12-month revenue per commercial partner and company,
  over the add-on's revenue lines (`customer_scoring/tools/revenue_lines.py`). The naive
  way computes the same figures as `compute_scores()` through the ORM, per partner and
  company: a `search_read` of its revenue lines (the whole history, as ours) summed in
  Python, a `search` of its receivables for the days late, the add-on's lifecycle rule,
  then a `write` of its score row (rolled back); the company-wide figures (share, value
  class, score points) are left out, while `compute_scores()` includes them. One
  `_read_group` of the 12-month revenue per partner and company is shown for information,
  without a target. The incremental run posts new invoices and cancels open ones through
  the ORM (the hooks mark their customers), then runs `compute_scores(only_marked=True)`;
  it is rolled back so the database stays the same.
- The list figures are `web_search_read` on `res.partner` with the list view's field
  specification (the web client's `/web/dataset/call_kw/res.partner/web_search_read`
  payload), 80 rows, as the admin user, median of 15 calls with a cold ORM cache.
- The model rows: pairs of daily runs in one process, with the customer-base model as the
  product runs it and without it (the run's model step patched in the benchmark process
  to the path taken when no model could be fitted), interleaved, medians; the model's own
  pieces are timed inside the runs with it (`scripts/benchmark/model.py`).
- The start page rows: a salesperson made the key account manager of 200 customer
  companies, their health computed, then `kam.start.page.get_start_page()` as her, median
  of five calls with a cold ORM cache, rolled back (`scripts/benchmark/startpage.py`).
- The queue rows: `kam_bench_queue`, a copy of `kam_bench` with OCA's queue_job and
  customer_scoring_queue; per pass an Odoo server with the job runner (`--workers=2`,
  channel `root:1` or `root:2`) runs the daily run queued for both companies, timed from
  the enqueue's commit to the last job done (`scripts/benchmark/queue.py`).
- The scale rows (only with `BENCH_SIZES=10000,100000,300000`): the daily run on one
  database per size, generated by the same plan, time per customer against the smallest.
- `BENCH_ONLY=<groups>` (full, floor, naive, incremental, days, memory, list, model,
  startpage, queue; comma-separated) measures only those rows; the table says so.
- The machine is shared: the load average is printed with each table; compare ratios
  between tables of similar load.
"""


def write_report(path, stamp, text, notes):
    """Write ``HEADER``, the new entry, then the earlier entries and sections of ``path``
    (everything after its first ``## `` heading) unchanged."""
    entry = (
        f"## {stamp} ({_machine()})\n\n{text}\n\n" + "\n".join(f"- {note}" for note in notes) + "\n"
    )
    old = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            old = handle.read()
        if old.startswith("# Benchmarks"):
            old = "## " + old.split("\n## ", 1)[1] if "\n## " in old else ""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n" + entry + ("\n" + old if old else ""))
    log(f"table written to {os.path.relpath(path, ROOT)}")
