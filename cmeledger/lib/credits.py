"""Credit amounts and dates in words: the one style every page, e-mail and PDF uses, and
the two-place form of the JSON reports.

Credits print with at most two places and no trailing zeros ("48", "12.5", "144.75"),
thousands grouped ("1,250") in the active language's way; dates print as "Feb 28, 2027"
(the DATE_FORMAT of cmeledger/formats/). Files meant for programs (CSV, JSON) pass
``grouping=False``, use `Amount`, or keep ISO dates.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated

from django.utils.formats import date_format, number_format
from django.utils.translation import ngettext
from pydantic import PlainSerializer, WithJsonSchema


def credit_text(value: Decimal | int | None, *, grouping: bool = True) -> str:
    if value is None:
        return "–"
    plain = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    if plain == "-0":
        plain = "0"
    if not grouping:
        return plain
    return number_format(Decimal(plain), force_grouping=True)


class Unit(StrEnum):
    """What a requirement set counts in, as its authority words it (docs/catalog.md,
    `unit`): physician and PA bodies count credits, nursing boards contact hours, and a
    few nursing rules plain hours."""

    CREDITS = "credits"
    CONTACT_HOURS = "contact-hours"
    HOURS = "hours"


def _one(value: Decimal | int) -> int:
    # ngettext takes a whole number: 1 picks the singular, any other the plural.
    return 1 if Decimal(value) == 1 else 2


def unit_word(value: Decimal | int | None, unit: str = Unit.CREDITS) -> str:
    """The unit's word for this amount: "credit" for 1, "contact hours" for 12.5."""
    one = _one(value or 0)
    if unit == Unit.CONTACT_HOURS:
        return ngettext("contact hour", "contact hours", one)
    if unit in (Unit.HOURS, "hour"):
        return ngettext("hour", "hours", one)
    return ngettext("credit", "credits", one)


def credits_phrase(value: Decimal | int, unit: str = Unit.CREDITS) -> str:
    """ "1 credit", "0 credits", "1.5 contact hours": the amount with its unit's word,
    singular only for exactly one. `unit` is a Unit (or the older "credit", "hour")."""
    amount = credit_text(value)
    one = _one(value)
    if unit == Unit.CONTACT_HOURS:
        return ngettext("%(amount)s contact hour", "%(amount)s contact hours", one) % {
            "amount": amount
        }
    if unit in (Unit.HOURS, "hour"):
        return ngettext("%(amount)s hour", "%(amount)s hours", one) % {"amount": amount}
    return ngettext("%(amount)s credit", "%(amount)s credits", one) % {"amount": amount}


def set_amount(value: Decimal | int, unit: str = Unit.CREDITS) -> str:
    """An amount in a set's rule explanation: "12 contact hours" for a set that names its
    unit, the bare "12" for one that counts credits (board sets that count MOC points are
    credit sets too, and "credits" would name the wrong thing for them)."""
    return credit_text(value) if unit == Unit.CREDITS else credits_phrase(value, unit)


def counted_of(counted: Decimal | int, required: Decimal | int, unit: str = Unit.CREDITS) -> str:
    """ "12.5 of 75 contact hours" ("12.5 of 75" in a credit set): counted against required."""
    return f"{credit_text(counted)} of {set_amount(required, unit)}"


def day_text(value: date | None) -> str:
    """The date as people read it, "Feb 28, 2027"; no date: a dash, as for credits."""
    if value is None:
        return "–"
    return date_format(value, "DATE_FORMAT")


def two_places(value: Decimal) -> str:
    """A credit amount as the JSON formats write it: always two places ("48.00")."""
    return str(value.quantize(CENT, ROUND_HALF_UP))


CENT = Decimal("0.01")
# A credit amount in a JSON report: one form for every amount, whatever the arithmetic
# left behind ("48", "12.5", "1.875" all read differently to a consumer). Weighted
# amounts (a 1.5 weight on quarter credits) can have a third place; it is rounded half up.
Amount = Annotated[
    Decimal,
    PlainSerializer(two_places, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["48.00", "2.50"]},
        mode="serialization",
    ),
]
