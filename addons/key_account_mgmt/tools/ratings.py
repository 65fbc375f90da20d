"""The 1-5 ratings of the key-account records (0 = not rated): the customer's own
evaluative ratings, the segmentation's axes and the key-account analysis' criteria share
one bound and one check."""

from odoo.exceptions import ValidationError

RATING_MAX = 5


def is_valid_rating(value):
    """0 (not rated) or 1-5."""
    return isinstance(value, int) and 0 <= value <= RATING_MAX


def check_ratings(records, fnames, customer):
    """Raise a ValidationError naming the rating, the customer (``customer(record)``) and
    the typed value for the first rating of ``records`` outside 0-5."""
    env = records.env
    for record in records:
        for fname in fnames:
            if not is_valid_rating(record[fname] or 0):
                raise ValidationError(
                    env._(
                        "%(field)s of %(partner)s must be between 1 and 5 "
                        "(0 = not rated), not %(value)s.",
                        field=records._fields[fname].get_description(env)["string"],
                        partner=customer(record).display_name,
                        value=record[fname],
                    )
                )
