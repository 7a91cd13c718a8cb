"""Credit amounts in every template, without a `{% load %}` (a builtin in settings).

`{{ value|credits }}` writes cmeledger.lib.credits.credit_text ("12", "12.5", "1,250");
`{{ value|credits_with_word }}` adds the word ("1 credit", "12.5 credits"), or a set's
unit's (`{{ value|credits_with_word:result.unit }}`: "12.5 contact hours");
`{{ unit|unit_words }}` is the unit's plural word ("contact hours").
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import template
from django.utils import translation

from cmeledger.lib.credits import Unit, credit_text, credits_phrase, unit_word

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@lru_cache(maxsize=4096)
def _credits(language: str | None, value: Decimal) -> str:
    return credit_text(value)


@register.filter(is_safe=True)
def credits(value: object) -> str:
    """Remembered per value and language: the dashboard writes a few hundred credit
    figures, most of them the same handful of numbers. Not a number: "" (as floatformat)."""
    number = _decimal(value)
    if number is None:
        return ""
    return _credits(translation.get_language(), number)


@register.filter(is_safe=True)
def credits_with_word(value: object, unit: str = Unit.CREDITS) -> str:
    number = _decimal(value)
    return "" if number is None else credits_phrase(number, unit or Unit.CREDITS)


@register.filter(is_safe=True)
def unit_words(unit: object) -> str:
    return unit_word(2, str(unit or Unit.CREDITS))
