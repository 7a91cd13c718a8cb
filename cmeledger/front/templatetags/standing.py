"""Small filters for showing requirement progress."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat
from django.utils import translation

register = template.Library()

STATUS_LABELS = {
    "met": "Met",
    "on-track": "On track",
    "behind": "Behind",
    "not-met": "Not met",
    "not-applicable": "Does not apply",
}


@register.filter
def percent_of(counted: Decimal, required: Decimal | None) -> int:
    """How full a rule's bar is, 0-100 (a rule with nothing required is full)."""
    if not required:
        return 100
    return int(min(Decimal(100), counted * 100 / required))


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(str(status), str(status))


@lru_cache(maxsize=4096)
def _credits(language: str | None, value: Decimal | int) -> str:
    return floatformat(value, "-2")


@register.filter(is_safe=True)
def credits(value) -> str:
    """`floatformat:"-2"` (12, 12.50), remembered per value and language: the dashboard
    writes a few hundred credit figures, most of them the same handful of numbers."""
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        if not isinstance(value, Decimal) or value.is_finite():
            return _credits(translation.get_language(), value)
    return floatformat(value, "-2")
