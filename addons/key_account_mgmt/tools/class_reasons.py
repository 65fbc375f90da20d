"""The texts of the class rules, in the reader's language, from plain values.

The criteria rule's reasons, the explanation of the final class, the key-account review
and the over-served rule build their sentences here. ``_`` is the reader's translate
function (``env._``: a source text, then its named arguments); the number and money
formatters come from ``number_formatter`` and ``money_formatter`` with the reader's
language settings. Nothing here reads the database.
"""

NBSP = "\N{NO-BREAK SPACE}"
CRITERIA = ("turnover", "installers", "purchases")
RULE_CLASSES = ("A", "B")


# ---------------------------------------------------------------------------------------
# Numbers and money
# ---------------------------------------------------------------------------------------
def group_digits(digits, grouping=(3, 0), thousands_sep=""):
    """``digits`` (a string of digits) with ``thousands_sep`` between the groups of a
    language's ``grouping`` (``[3, 0]``: threes; ``[3, 2, 0]``: 3, then twos; -1 stops)."""
    groups = []
    rest = digits
    size = len(rest)
    for count in grouping:
        if not rest or count == -1:
            break
        if count == 0:
            while rest:
                groups.append(rest[-size:])
                rest = rest[:-size]
            break
        size = count
        groups.append(rest[-count:])
        rest = rest[:-count]
    if rest:
        groups.append(rest)
    return thousands_sep.join(reversed(groups))


def number_formatter(thousands_sep="", decimal_point=".", grouping=(3, 0)):
    """``fmt(value, digits)``: ``value`` with ``digits`` decimals in a language's format."""

    def fmt(value, digits=2):
        text = f"{value:.{digits}f}"
        sign = "-" if text.startswith("-") else ""
        whole, _dot, decimals = text.lstrip("-").partition(".")
        whole = group_digits(whole, grouping, thousands_sep)
        return sign + whole + (decimal_point + decimals if decimals else "")

    return fmt


def shortest_digits(value):
    """The decimals ``value`` needs, 0 to 2: 2 -> 0, 20.5 -> 1, 0.25 -> 2."""
    return next((digits for digits in (0, 1) if round(value, digits) == value), 2)


def short_number(number, value):
    """``value`` with the decimals it needs (``number``: see ``number_formatter``)."""
    return number(value, shortest_digits(value))


def money_formatter(
    symbol, position="after", decimal_places=2, thousands_sep="", decimal_point="."
):
    """``fmt(amount)``: an amount in a currency (``position``: "before" or "after" the
    amount), thousands grouped by three; fast enough for every customer of a company."""

    def fmt(amount):
        text = f"{amount:,.{decimal_places}f}".replace(",", "\x00").replace(".", decimal_point)
        text = text.replace("\x00", thousands_sep)
        if position == "before":
            return f"{symbol}{NBSP}{text}"
        return f"{text}{NBSP}{symbol}"

    return fmt


# ---------------------------------------------------------------------------------------
# The criteria rule
# ---------------------------------------------------------------------------------------
def rule_texts(_):
    """The sentences of the criteria rule, translated once per run (a lookup for every
    criterion of every partner would cost more than the rule itself)."""
    return {
        "turnover": _("turnover"),
        "installers": _("installers"),
        "purchases": _("yearly purchases"),
        "missing": _("%(label)s missing (needs above %(threshold)s): not held"),
        "check": _("%(label)s %(value)s %(cmp)s %(threshold)s: %(verdict)s"),
        "not_above": _("not above"),
        "held": _("held"),
        "not_held": _("not held"),
        "class": _("Class %(letter)s: %(checks)s. %(held)s of 3 hold, %(needed)s needed."),
        "head_c": _(
            "Computed class C: neither A nor B has %(needed)s of the 3 criteria "
            "(thresholds of %(company)s, amounts in %(currency)s)."
        ),
        "head": _(
            "Computed class %(letter)s: the highest class with %(needed)s of the 3 "
            "criteria (thresholds of %(company)s, amounts in %(currency)s)."
        ),
    }


def reason_context(texts, money, company, currency, needed, thresholds):
    """What the reasons of one company share, formatted once: the heads, and per class
    each criterion's label, threshold (as text too) and sentence for a missing value.

    ``texts``: ``rule_texts``; ``money``: the company currency's formatter; ``company``,
    ``currency``: names; ``needed``: criteria that must hold; ``thresholds``:
    ``{letter: (turnover, installers, purchases)}`` for A and B.
    """
    labels = (
        (texts["turnover"], money),
        (texts["installers"], str),
        (texts["purchases"], money),
    )
    criteria = {
        letter: [
            (
                label,
                limit,
                show(limit),
                texts["missing"] % {"label": label, "threshold": show(limit)},
            )
            for (label, show), limit in zip(labels, thresholds[letter], strict=True)
        ]
        for letter in RULE_CLASSES
    }
    head_args = {"needed": needed, "company": company, "currency": currency}
    heads = {letter: texts["head"] % dict(head_args, letter=letter) for letter in RULE_CLASSES}
    heads["C"] = texts["head_c"] % head_args
    return {
        "texts": texts,
        "shows": [show for _label, show in labels],
        "criteria": criteria,
        "heads": heads,
        "needed": needed,
    }


def class_reason_text(rule, values, chosen):
    """The rule's sentences for one customer: the class, then each criterion of A and B.

    ``rule``: ``reason_context``; ``values``: ``{"turnover", "installers", "purchases"}``
    (None when missing); ``chosen``: the class the rule gives.
    """
    texts = rule["texts"]
    inputs = tuple(values[name] for name in CRITERIA)
    shown = [
        None if value is None else show(value)
        for value, show in zip(inputs, rule["shows"], strict=True)
    ]
    lines = [rule["heads"][chosen]]
    for letter in RULE_CLASSES:
        parts = []
        held_count = 0
        for (label, limit, limit_text, missing), value, value_text in zip(
            rule["criteria"][letter], inputs, shown, strict=True
        ):
            if value is None:
                parts.append(missing)
                continue
            held = value > limit
            held_count += held
            parts.append(
                texts["check"]
                % {
                    "label": label,
                    "value": value_text,
                    "cmp": ">" if held else texts["not_above"],
                    "threshold": limit_text,
                    "verdict": texts["held"] if held else texts["not_held"],
                }
            )
        lines.append(
            texts["class"]
            % {
                "letter": letter,
                "checks": "; ".join(parts),
                "held": held_count,
                "needed": rule["needed"],
            }
        )
    return "\n".join(lines)


def criteria_letter(turnover, installers, purchases, ordered, needed):
    """The class the criteria rule gives: the first of ``ordered`` (``[(letter, min
    turnover, min installers, min purchases)]``, A then B) for which ``needed`` values are
    strictly above the minimums (None never holds); otherwise C."""
    for letter, min_turnover, min_installers, min_purchases in ordered:
        held = (
            (turnover is not None and turnover > min_turnover)
            + (installers is not None and installers > min_installers)
            + (purchases is not None and purchases > min_purchases)
        )
        if held >= needed:
            return letter
    return "C"


def reason_data(values, chosen, needed, thresholds, currency_id):
    """What the criteria rule's reason of one customer is built from, as stored with a
    class change (JSON): the figures, the class given, and the rule at that time."""
    return {
        "rule": "criteria",
        "values": {name: values[name] for name in CRITERIA},
        "chosen": chosen,
        "needed": needed,
        "thresholds": {letter: list(thresholds[letter]) for letter in RULE_CLASSES},
        "currency_id": currency_id,
    }


def reason_data_key(data):
    """The rule a stored ``reason_data`` was built with (rows sharing it share one
    ``reason_context``), or None when ``data`` is no criteria rule's reason."""
    if not isinstance(data, dict) or data.get("rule") != "criteria":
        return None
    thresholds = data.get("thresholds") or {}
    try:
        limits = tuple(tuple(thresholds[letter]) for letter in RULE_CLASSES)
    except (KeyError, TypeError):
        return None
    return (data.get("currency_id"), data.get("needed"), limits)


def data_reason_text(rule, data):
    """The sentences of a stored ``reason_data`` (``rule``: its ``reason_context``)."""
    values = data.get("values") or {}
    return class_reason_text(rule, {name: values.get(name) for name in CRITERIA}, data["chosen"])


def outdated_reason_note(_, letter, computed):
    """Added to a reason when the rule now gives another class than the stored one."""
    return _(
        "The rule now gives class %(letter)s; the computed class %(computed)s "
        "changes at the next recompute.",
        letter=letter,
        computed=computed,
    )


def class_explanation(_, final, computed, manual, reason):
    """Why a customer has its final class: manual override or computed, then the rule's
    reason (if any). ``final``, ``computed``, ``manual``: letters or falsy."""
    if not final:
        return _("Not classified yet in this company.")
    if manual:
        lines = [
            _(
                "Class %(final)s: manual class, set or approved by a key account "
                "manager; it overrides the computed class %(computed)s.",
                final=final,
                computed=computed or "-",
            )
        ]
    else:
        lines = [_("Class %(final)s = the computed class.", final=final)]
    if reason:
        lines.append(reason)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Key-account review and over-served accounts
# ---------------------------------------------------------------------------------------
def review_reason(_, money, number, company, figures, minimums, needed):
    """Why a key account is below the selection criteria of ``company`` (a name).

    ``figures``: (criteria met, turnover, installers, yearly purchases); ``minimums``:
    (turnover, installers, yearly purchases); ``needed``: criteria that must hold.
    """
    met, turnover, installers, bought = figures
    min_turnover, min_installers, min_purchases = minimums
    return _(
        "%(company)s: %(met)s of 3 criteria met, %(needed)s needed (turnover "
        "%(turnover)s above %(min_turnover)s, installers %(installers)s above "
        "%(min_installers)s, yearly purchases %(purchases)s above "
        "%(min_purchases)s).",
        company=company,
        met=met,
        needed=needed,
        turnover=money(turnover),
        min_turnover=money(min_turnover),
        installers=number(installers or 0, 0),
        min_installers=number(min_installers, 0),
        purchases=money(bought),
        min_purchases=money(min_purchases),
    )


def overserved_meetings_text(_, number, held, limit, factor, abc_class):
    """Too many meetings for the class: ``held`` in 12 months above ``limit``."""
    return _(
        "%(held)s meetings in 12 months, more than %(limit)s "
        "(%(factor)s x the meeting targets of class %(cls)s).",
        held=held,
        limit=short_number(number, limit),
        factor=short_number(number, factor),
        cls=abc_class,
    )


def overserved_hours_text(_, number, hours, limit, abc_class):
    """Too many planned resource hours per month for the class."""
    return _(
        "%(hours)s resource hours per month in the active account plan, more "
        "than %(limit)s for class %(cls)s.",
        hours=short_number(number, hours),
        limit=short_number(number, limit),
        cls=abc_class,
    )
