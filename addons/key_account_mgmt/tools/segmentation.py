"""The two-stage segmentation of a customer, from plain values (nothing here reads the
database).

The value-based classification study names it as an alternative to the ABC class:
stage 1 crosses the customer's strategic importance with the effort it takes to serve
it, stage 2 crosses its attractiveness with the strength of our relationship, and the
analysis ends in a decision: develop the customer, keep it as is, or withdraw.

Ratings are 1-5, 0 = not rated. A rating of 3 or more is high (important, demanding,
attractive, strong).

The rule of the proposed decision (our design; the study gives the axes, not the rule):

1. Stage 2 gives the base decision:
   attractive + weak relationship -> develop; attractive + strong -> keep as is;
   less attractive + strong -> keep as is; less attractive + weak -> withdraw.
2. Stage 1 adjusts it, when both its ratings are given:
   a less important customer that is demanding to serve is not kept as is unless it is
   attractive: keep as is becomes withdraw; a strategically important customer is never
   withdrawn: withdraw becomes keep as is.
3. Without both stage 2 values there is no proposal.
"""

from .ratings import RATING_MAX

# A rating at or above this is high.
HIGH = 3

DEVELOP = "develop"
KEEP = "keep"
WITHDRAW = "withdraw"
DECISIONS = [(DEVELOP, "Develop"), (KEEP, "Keep as is"), (WITHDRAW, "Withdraw")]

# The quadrants, by (first axis high, second axis high).
STAGE1_QUADRANTS = [
    ("important_easy", "Important, easy to serve"),
    ("important_demanding", "Important, demanding to serve"),
    ("minor_easy", "Less important, easy to serve"),
    ("minor_demanding", "Less important, demanding to serve"),
]
STAGE2_QUADRANTS = [
    ("attractive_weak", "Attractive, relationship still weak"),
    ("attractive_strong", "Attractive, strong relationship"),
    ("unattractive_strong", "Less attractive, strong relationship"),
    ("unattractive_weak", "Less attractive, weak relationship"),
]
_STAGE1 = {
    (True, False): "important_easy",
    (True, True): "important_demanding",
    (False, False): "minor_easy",
    (False, True): "minor_demanding",
}
_STAGE2 = {
    (True, False): "attractive_weak",
    (True, True): "attractive_strong",
    (False, True): "unattractive_strong",
    (False, False): "unattractive_weak",
}
_BASE_DECISION = {
    "attractive_weak": DEVELOP,
    "attractive_strong": KEEP,
    "unattractive_strong": KEEP,
    "unattractive_weak": WITHDRAW,
}


def is_high(value):
    return bool(value) and value >= HIGH


def stage1_quadrant(importance, effort):
    """The stage 1 quadrant key, or False while one of the two is not rated."""
    if not (importance and effort):
        return False
    return _STAGE1[(is_high(importance), is_high(effort))]


def stage2_quadrant(attractiveness, relationship):
    """The stage 2 quadrant key, or False while one of the two is not rated."""
    if not (attractiveness and relationship):
        return False
    return _STAGE2[(is_high(attractiveness), is_high(relationship))]


def proposed_decision(importance, effort, attractiveness, relationship):
    """The proposed decision (develop / keep / withdraw) or False, by the rule of this
    module's docstring."""
    stage2 = stage2_quadrant(attractiveness, relationship)
    if not stage2:
        return False
    decision = _BASE_DECISION[stage2]
    stage1 = stage1_quadrant(importance, effort)
    if stage1 == "minor_demanding" and decision == KEEP and not is_high(attractiveness):
        return WITHDRAW
    if stage1 in ("important_easy", "important_demanding") and decision == WITHDRAW:
        return KEEP
    return decision


def attractiveness_from_score(score):
    """A customer score of 0-100 as an attractiveness of 1-5: below 20 is 1, 20-39 is 2,
    40-59 is 3, 60-79 is 4, 80 and more is 5. No score (None) gives 0, not rated."""
    if score is None or score is False:
        return 0
    return max(1, min(RATING_MAX, int(score // 20) + 1))
