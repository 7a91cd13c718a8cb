"""Small filters for showing requirement progress."""

from __future__ import annotations

from decimal import Decimal

from django import template

from cmeledger.front.templatetags import numbers

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


# The same filter as the builtin `numbers` library's, for the templates that load this one.
register.filter("credits", numbers.credits, is_safe=True)
