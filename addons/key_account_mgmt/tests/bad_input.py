"""Property-based bad input (hypothesis): the values a user can type into a number field,
and the check of one save.

A save is either accepted (the database then holds what was typed, and the engine that
reads the values runs on them) or refused with a ``ValidationError`` / ``UserError`` whose
message names a typed field by its label and the value typed into it; a refused save
leaves the database as it was. Any other exception (a psycopg2 error, ValueError,
OverflowError, ...) is a server error and fails the property.
"""

import contextlib
import logging
import math
import os
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

NUMBER_TYPES = ("integer", "float", "monetary")


# The examples of each property: enough to meet every kind of value in several
# combinations, few enough for the file to run in about a minute on the project's machine.
# The same examples on every run of `make test` (a failure there is reproducible);
# KAM_HYPOTHESIS_RANDOM=1 draws new ones, to look for more.
def property_settings(max_examples):
    return settings(
        max_examples=max_examples,
        derandomize=os.environ.get("KAM_HYPOTHESIS_RANDOM") != "1",
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


PROPERTY_SETTINGS = property_settings(40)
# Odoo's Settings page saves and executes every add-on's settings: a quarter second each.
SETTINGS_PAGE = property_settings(15)

MISSING = st.sampled_from([None, False])
HUGE_INTEGERS = st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**53, 2**63, -(2**63), 10**30])
HUGE_FLOATS = st.sampled_from(
    [1e308, -1e308, 2.0**63, 1e16, -1e16, math.inf, -math.inf, math.nan, 5e-324]
)


def integer_values(low=-5, high=120):
    """What a user types into an integer field: usual, negative, zero, huge, missing."""
    return st.one_of(st.integers(low, high), st.just(0), HUGE_INTEGERS, MISSING, st.integers())


def float_values(low=-5.0, high=120.0):
    """The same for a float or money field, with NaN and infinities too."""
    return st.one_of(
        st.floats(low, high, allow_nan=False),
        st.just(0.0),
        HUGE_FLOATS,
        MISSING,
        st.floats(allow_nan=True, allow_infinity=True),
    )


def field_values(field, low=None, high=None):
    if field.type == "integer":
        return integer_values(*(v for v in (low, high) if v is not None))
    return float_values(*(float(v) for v in (low, high) if v is not None))


def value_dicts(values_by_field, min_size=1, max_size=None):
    """A dict of several of the fields with a value each, in a drawn order (the order the
    fields were typed in and are written in)."""
    names = sorted(values_by_field)
    return st.lists(
        st.sampled_from(names), unique=True, min_size=min_size, max_size=max_size or len(names)
    ).flatmap(lambda order: st.fixed_dictionaries({name: values_by_field[name] for name in order}))


def editable_number_fields(env, modules):
    """``{(model, field)}`` of the number fields the add-ons ``modules`` declare and a user
    can type into: stored or related, not read-only, not computed without an inverse."""
    found = set()
    for model_name in env.registry:
        model = env[model_name]
        if model._abstract:
            continue
        for name, field in model._fields.items():
            if field.type not in NUMBER_TYPES or field.readonly:
                continue
            if field.compute and not field.inverse and not field.related:
                continue
            if not field.store and not field.related:
                continue
            if not set(getattr(field, "_modules", ()) or (field._module,)) & modules:
                continue
            found.add((model_name, name))
    return found


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?")


def typed_number(value):
    """The number the ORM makes of a typed value: missing (None / False) is 0."""
    return 0 if value is None or value is False else value


def message_shows_value(message, value):
    """Whether ``message`` shows the number ``value`` (as formatted for a user: grouped,
    rounded to the digits shown, or in exponent notation)."""
    value = typed_number(value)
    # Odoo's amounts put invisible marks between the sign, the digits and the currency.
    message = re.sub("[\ufeff\u200b\u200e\u200f]", "", message)
    lowered = message.lower()
    if isinstance(value, float) and math.isnan(value):
        return "nan" in lowered
    if isinstance(value, float) and math.isinf(value):
        return "inf" in lowered and (value > 0 or "-inf" in lowered)
    for text in _NUMBER.findall(message):
        number = float(text.replace(",", ""))
        digits = len(text.split(".")[1].split("e")[0].split("E")[0]) if "." in text else 0
        if "e" in text.lower():
            tolerance = abs(number) * 1e-5
        else:
            tolerance = 0.5 * 10**-digits + 1e-9
        if abs(number - value) <= max(tolerance, abs(value) * 1e-12):
            return True
    return False


def names_typed_field(message, vals, labels):
    """Whether ``message`` names one typed field by its label and shows its typed value."""
    pairs = vals.items() if isinstance(vals, dict) else vals
    lowered = message.lower()
    return any(
        labels.get(name, name).lower() in lowered and message_shows_value(message, value)
        for name, value in pairs
    )


def db_values(env, records, fnames):
    """The values in the database (raw SQL: not the cache a refused write may have left)."""
    env.cr.execute(
        "SELECT id, {} FROM {} WHERE id IN %s ORDER BY id".format(  # noqa: S608
            ", ".join(f'"{name}"' for name in fnames), records._table
        ),
        [tuple(records.ids)],
    )
    return env.cr.fetchall()


def same_number(stored, typed, field, record):
    """Whether the stored value is the typed one (after the rounding of the field)."""
    typed = typed_number(typed)
    stored = stored or 0
    if field.type == "integer":
        return stored == typed
    digits = field.get_digits(record.env) if field.type == "float" else None
    if field.type == "monetary":
        places = record[field.get_currency_field(record)].decimal_places
        digits = (16, places) if places is not None else None
    tolerance = 0.5 * 10 ** -digits[1] + 1e-9 if digits else 0.0
    return abs(float(stored) - typed) <= max(tolerance, abs(typed) * 1e-12)


class _Undo(Exception):
    """Raised inside the savepoint of an accepted example to roll it back."""


class BadInputMixin:
    """Counts the examples of each property (class attribute) and logs them at the end."""

    examples = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.examples = {}

    @classmethod
    def tearDownClass(cls):
        for name, (accepted, refused) in sorted(cls.examples.items()):
            _logger.info(
                "bad input property %s: %s examples (%s accepted, %s refused)",
                name,
                accepted + refused,
                accepted,
                refused,
            )
        super().tearDownClass()

    def _count(self, prop, accepted):
        done, refused = self.examples.get(prop, (0, 0))
        self.examples[prop] = (done + accepted, refused + (not accepted))

    def assertRanExamples(self, prop, minimum):
        accepted, refused = self.examples.get(prop, (0, 0))
        self.assertGreaterEqual(accepted + refused, minimum, prop)

    def check_save(self, prop, steps, vals, labels, watched, stored=None, consumer=None):
        """Run the save ``steps`` (callables, one transaction each: the web client saves a
        settings record, then calls its button); check the property of one example and
        roll the example back.

        ``watched``: ``[(records, fnames)]`` whose database values a refused save must
        leave alone, including what an earlier step of it wrote. ``stored``:
        ``[(record, {fname: typed value})]`` an accepted save must hold. ``consumer``: run
        after an accepted save (the engine reading the values)."""
        env = self.env
        steps = steps if isinstance(steps, (list, tuple)) else [steps]
        before = [db_values(env, records, fnames) for records, fnames in watched]
        refused = None
        with contextlib.suppress(_Undo), env.cr.savepoint():
            for step in steps:
                try:
                    with env.cr.savepoint():
                        step()
                except (ValidationError, UserError) as error:
                    refused = error
                    break
            if refused is None:
                env.flush_all()
                env.invalidate_all()
                self._check_stored(stored() if callable(stored) else stored or ())
                if consumer:
                    consumer()
                    env.flush_all()
            else:
                after = [db_values(env, records, fnames) for records, fnames in watched]
                self.assertEqual(after, before, f"a refused save wrote: {vals!r}")
            raise _Undo
        if refused is not None:
            message = refused.args[0]
            self.assertTrue(
                names_typed_field(message, vals, labels),
                f"the message does not name a typed field and its value: {message!r}, "
                f"typed {vals!r}",
            )
        self._count(prop, accepted=refused is None)
        return refused is None

    def _check_stored(self, stored):
        for record, values in stored:
            for name, typed in values.items():
                field = record._fields[name]
                self.assertTrue(
                    same_number(record[name], typed, field, record),
                    f"{name}: typed {typed!r}, stored {record[name]!r}",
                )


def weight_sets(names, total=100):
    """All the weights ``names`` at once, adding up to ``total`` (a valid set)."""
    return st.lists(st.integers(0, total), min_size=len(names) - 1, max_size=len(names) - 1).map(
        lambda cuts: dict(
            zip(
                names,
                [b - a for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), total], strict=True)],
                strict=True,
            )
        )
    )


def weight_dicts(names, total=100):
    """Weights as a user changes them: none, a valid set, a valid set with one value
    spoiled, or any values."""
    spoiled = st.tuples(weight_sets(names, total), st.sampled_from(names), integer_values()).map(
        lambda drawn: {**drawn[0], drawn[1]: drawn[2]}
    )
    return st.one_of(
        st.just({}),
        weight_sets(names, total),
        spoiled,
        value_dicts(dict.fromkeys(names, integer_values())),
    )


def merged(*dict_strategies):
    """The dicts drawn by ``dict_strategies`` in one, in a drawn order."""
    return (
        st.tuples(*dict_strategies)
        .map(lambda dicts: {k: v for d in dicts for k, v in d.items()})
        .flatmap(
            lambda vals: st.permutations(list(vals)).map(lambda order: {k: vals[k] for k in order})
        )
    )
