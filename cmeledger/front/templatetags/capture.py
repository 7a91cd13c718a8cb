"""Confidence badges on a form filled in from a certificate."""

from __future__ import annotations

from django import template

from cmeledger.capture.extract import Confidence

register = template.Library()


@register.filter
def level_of(confidence: dict[str, str], field: str) -> str:
    """The field's confidence code, or "" for a field the reading does not fill."""
    return str(confidence.get(field, ""))


@register.filter
def level_label(level: str) -> str:
    return Confidence(level).label if level else ""
