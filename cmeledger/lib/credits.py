"""Credit amounts and dates in words: the one style every page, e-mail and PDF uses.

Credits print with at most two places and no trailing zeros ("48", "12.5", "144.75"),
thousands grouped ("1,250") in the active language's way; dates print as "Feb 28, 2027"
(the DATE_FORMAT of cmeledger/formats/). Files meant for programs (CSV, JSON) pass
``grouping=False`` or keep ISO dates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import ngettext


def credit_text(value: Decimal | int | None, *, grouping: bool = True) -> str:
    if value is None:
        return "–"
    plain = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    if plain == "-0":
        plain = "0"
    if not grouping:
        return plain
    return number_format(Decimal(plain), force_grouping=True)


def credits_phrase(value: Decimal | int, unit: str = "credit") -> str:
    """ "1 credit", "0 credits", "1.5 credits": the amount with its word, singular only
    for exactly one. `unit` is "credit" or "hour"."""
    amount = credit_text(value)
    # ngettext takes a whole number: 1 picks the singular, any other the plural.
    one = 1 if Decimal(value) == 1 else 2
    if unit == "hour":
        return ngettext("%(amount)s hour", "%(amount)s hours", one) % {"amount": amount}
    return ngettext("%(amount)s credit", "%(amount)s credits", one) % {"amount": amount}


def day_text(value: date | None) -> str:
    """The date as people read it, "Feb 28, 2027"; no date: a dash, as for credits."""
    if value is None:
        return "–"
    return date_format(value, "DATE_FORMAT")
