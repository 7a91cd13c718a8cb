"""Small filters for showing requirement progress."""

from __future__ import annotations

from django import template

from cmeledger.front import glance
from cmeledger.front.templatetags import numbers
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


# The same filter as the builtin `numbers` library's, for the templates that load this one.
register.filter("credits", numbers.credits, is_safe=True)
