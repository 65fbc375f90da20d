"""The arithmetic of the relationship health, from plain values (nothing here reads the
database): a factor's result, the health of an account from its factors and the
company's weights, its band and its trend."""

# The temporary table of the (account, company) pairs of one computation.
ACCOUNTS_TABLE = "kam_health_accounts"
# Contacts should span this many levels of the customer's organisation.
MIN_ORG_LEVELS = 2
# A plan review this many days overdue gives no points.
REVIEW_GRACE_DAYS = 90
# A SWOT item counts for this many months.
SWOT_VALID_MONTHS = 12
# Trend: a change of at least this many points since last month's snapshot.
TREND_POINTS = 5
BAND_GOOD = 70
BAND_WATCH = 40


def health_band(health):
    """good >= 70, watch 40-69, risk < 40."""
    if health >= BAND_GOOD:
        return "good"
    return "watch" if health >= BAND_WATCH else "risk"


def health_trend(health, previous):
    """up / down when the health moved by at least 5 points since last month, else flat
    (also without a snapshot last month)."""
    if previous is None:
        return "flat"
    if health - previous >= TREND_POINTS:
        return "up"
    if previous - health >= TREND_POINTS:
        return "down"
    return "flat"


def factor_result(score=None, applicable=True, group_id=None, contact_id=None, **params):
    """One factor of one account: ``score`` 0..1 (ignored when not applicable)."""
    return {
        "applicable": applicable,
        "score": max(0.0, min(1.0, float(score or 0.0))) if applicable else 0.0,
        "group_id": group_id,
        "contact_id": contact_id,
        "params": params,
    }


def combine_health(accounts, results, weights):
    """``[{partner_id, company_id, health, lines: [...]}]`` of ``accounts``
    (``[(partner id, company id, class)]``) from ``results`` (``{factor: {(partner id,
    company id): factor_result}}``) and ``weights`` (``{company id: {factor: weight}}``).

    The weights of the factors that do not apply are spread over the others:
    health = 100 x sum(weight x score) / sum(weights that apply); a line's points are
    its share of that, its gap the points it loses. When nothing that applies carries
    weight, nothing is lost either: 100.
    """
    rows = []
    for partner_id, company_id, _cls in accounts:
        key = (partner_id, company_id)
        company_weights = weights[company_id]
        factors = [
            (factor, results[factor].get(key) or factor_result(applicable=False))
            for factor in results
        ]
        total = sum(company_weights.get(f, 0) for f, r in factors if r["applicable"])
        lines = []
        raw = 0.0
        for factor, res in factors:
            weight = company_weights.get(factor, 0)
            share = 100.0 * weight / total if total and res["applicable"] else 0.0
            raw += share * res["score"]
            lines.append(
                dict(
                    res,
                    factor=factor,
                    weight=weight,
                    points=round(share * res["score"], 1),
                    gap=round(share * (1.0 - res["score"]), 1),
                )
            )
        health = round(raw) if total else 100
        rows.append(
            {
                "partner_id": partner_id,
                "company_id": company_id,
                "health": int(min(100, max(0, health))),
                "lines": lines,
            }
        )
    return rows
