"""Small filters for showing requirement progress."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat
from django.utils import translation

from cmeledger.front import glance
from cmeledger.requirements.engine import RuleResult, SetResult

register = template.Library()

STATUS_LABELS = {
    "met": "Met",
    "on-track": "On track",
    "behind": "Behind",
    "not-met": "Not met",
    "not-applicable": "Does not apply",
}


@register.filter
def rule_rows(result: SetResult) -> tuple[list[glance.RuleRow], list[RuleResult]]:
    """The set's requirements with their bars, and the caps with no total to stand by."""
    return glance.rows(result)


@register.filter
def still_needed(result: SetResult) -> str:
    return glance.still_needed(result)


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
