"""The numbers a user can type into the add-ons' number fields: what the database and the
engines can hold. An integer column is 32 bits; a float or an amount must be finite and
within FLOAT_MAX (beyond it the ORM's rounding overflows, and the engines' sums and
products of the settings with the figures do)."""

import math

from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

NUMBER_TYPES = ("integer", "float", "monetary")
INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1
FLOAT_MAX = 1e15


def is_typable(field, value):
    """Whether ``value`` (as written to ``field``) is a number the field can hold."""
    if value is None or value is False or isinstance(value, str):
        return True  # empty is 0; a text is the ORM's to convert
    if not isinstance(value, (int, float)):
        return True
    if field.type == "integer":
        return math.isfinite(value) and INTEGER_MIN <= value <= INTEGER_MAX
    return math.isfinite(value) and abs(value) <= FLOAT_MAX


def _typed(field):
    """Whether a user types the field (the engines write the read-only and computed ones)."""
    return not field.readonly and not (field.compute and not field.inverse and not field.related)


def format_typed(env, field, value):
    """The typed number as the user reads it (NaN and infinities as Python writes them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if abs(value) >= 1e21:
        return f"{value:g}"
    return formatLang(env, value, digits=0 if field.type == "integer" else 2)


def check_typed_numbers(model, vals_list, modules):
    """Raise a ValidationError naming the field and the value for the first number of
    ``vals_list`` (create / write values of ``model``) that its field cannot hold; only the
    fields declared by ``modules`` are checked."""
    env = model.env
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields.get(name)
            if field is None or field.type not in NUMBER_TYPES or not _typed(field):
                continue
            if not set(field._modules or ()) & modules or is_typable(field, value):
                continue
            integer = field.type == "integer"
            raise ValidationError(
                env._(
                    "“%(field)s” cannot be %(value)s: enter a number between %(min)s and %(max)s.",
                    field=field._description_string(env),
                    value=format_typed(env, field, value),
                    min=formatLang(env, INTEGER_MIN if integer else -FLOAT_MAX, digits=0),
                    max=formatLang(env, INTEGER_MAX if integer else FLOAT_MAX, digits=0),
                )
            )
