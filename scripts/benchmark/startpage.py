"""The KAM start page of a salesperson with 200 key accounts (`bench.py measure startpage`).

On the benchmark database: the salesperson of the most customers in the first company
is made the key account manager of 200 customer companies (her own first), and only of
those; their relationship health is computed (``kam.health.engine``), then
``kam.start.page.get_start_page()`` is timed as her, with a cold ORM cache each time,
median of five. Everything is rolled back."""

import time
from statistics import median

from .common import log

KEY_ACCOUNTS = 200
REPEAT = 5


def _pick_kam(env, company):
    """The internal salesperson of the most customer companies of ``company``."""
    salesmen = env.ref("sales_team.group_sale_salesman").users.filtered(
        lambda user: not user.share and company in user.company_ids
    )
    if not salesmen:
        raise SystemExit(f"no salesperson works in {company.name}")
    env.cr.execute(
        """SELECT p.user_id FROM res_partner p
            WHERE p.is_company AND p.parent_id IS NULL AND p.user_id = ANY(%s)
              AND (p.company_id IS NULL OR p.company_id = %s)
         GROUP BY p.user_id ORDER BY COUNT(*) DESC, p.user_id LIMIT 1""",
        [salesmen.ids, company.id],
    )
    row = env.cr.fetchone()
    return env["res.users"].browse(row[0]) if row else salesmen[0]


def _assign_key_accounts(env, company, kam, count):
    """Make ``kam`` the key account manager of ``count`` customer companies (her own
    customers first) and of no other; returns them."""
    env.flush_all()
    env.cr.execute(
        """SELECT p.id FROM res_partner p
            WHERE p.is_company AND p.parent_id IS NULL AND p.active
              AND (p.company_id IS NULL OR p.company_id = %(company)s)
              AND NOT EXISTS (SELECT 1 FROM res_company c WHERE c.partner_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
         ORDER BY (p.is_key_account AND (p.user_id = %(uid)s
                   OR p.key_account_manager_id = %(uid)s)) IS TRUE DESC,
                  (p.user_id = %(uid)s) IS TRUE DESC, p.id
            LIMIT %(count)s""",
        {"company": company.id, "uid": kam.id, "count": count},
    )
    chosen = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(
        """UPDATE res_partner SET is_key_account = FALSE
            WHERE is_key_account AND (user_id = %(uid)s OR key_account_manager_id = %(uid)s)
              AND NOT id = ANY(%(chosen)s)""",
        {"uid": kam.id, "chosen": chosen},
    )
    env.cr.execute(
        """UPDATE res_partner SET is_key_account = TRUE, key_account_manager_id = %s
            WHERE id = ANY(%s)""",
        [kam.id, chosen],
    )
    env.invalidate_all()
    return env["res.partner"].browse(chosen)


def measure_startpage(env, args):
    """The start page of a KAM with 200 key accounts: median of five calls, rolled back."""
    company = env["res.company"].search([], order="id", limit=1)
    kam = _pick_kam(env, company)
    accounts = _assign_key_accounts(env, company, kam, KEY_ACCOUNTS)
    t0 = time.perf_counter()
    healths = env["kam.health.engine"]._kam_compute_health(partners=accounts, companies=company)
    health_seconds = time.perf_counter() - t0
    env.flush_all()
    log(f"  {len(accounts)} key accounts of {kam.login}, health in {health_seconds:.2f} s")
    page_env = env(
        user=kam.id,
        context={
            "allowed_company_ids": [company.id],
            "lang": kam.lang or "en_US",
            "tz": kam.tz or "UTC",
        },
    )
    times, queries = [], []
    page = {}
    for _i in range(REPEAT):
        page_env.invalidate_all()
        before = env.cr.sql_log_count
        t0 = time.perf_counter()
        page = page_env["kam.start.page"].get_start_page()
        times.append(time.perf_counter() - t0)
        queries.append(env.cr.sql_log_count - before)
    env.cr.rollback()
    counts = {section["key"]: section["count"] for section in page["sections"]}
    return {
        "seconds": median(times),
        "all": [round(t, 3) for t in times],
        "queries": median(queries),
        "accounts": len(accounts),
        "healths": len(healths),
        "health_seconds": health_seconds,
        "sections": counts,
        "lines": sum(len(section["lines"]) for section in page["sections"]),
    }
