"""Credit amounts in words, as PDFs and messages print them, and in JSON reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema


def credit_text(value: Decimal | None) -> str:
    """Quarter credits need at most two places; whole numbers print whole ("48", "12.5")."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


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
