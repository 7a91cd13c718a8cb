"""Credit amounts in words: whole numbers print whole, quarters with at most two places."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cmeledger.lib.credits import counted_of, credit_text, credits_phrase, day_text, unit_word


@pytest.mark.parametrize(
    ("value", "text"),
    [("48", "48"), ("48.00", "48"), ("12.5", "12.5"), ("0.25", "0.25"), ("0", "0")],
)
def test_a_credit_amount_prints_without_trailing_zeros(value, text):
    assert credit_text(Decimal(value)) == text


def test_a_missing_amount_prints_as_a_dash():
    assert credit_text(None) == "–"


@pytest.mark.parametrize(
    ("value", "text"), [("1250", "1,250"), ("1250.50", "1,250.5"), ("144.75", "144.75")]
)
def test_thousands_are_grouped_for_people(value, text):
    assert credit_text(Decimal(value)) == text


def test_files_for_programs_get_amounts_without_grouping():
    assert credit_text(Decimal("1250.50"), grouping=False) == "1250.5"


def test_negative_zero_prints_as_zero():
    assert credit_text(Decimal("-0.001")) == "0"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        ("1", "credit", "1 credit"),
        ("1.00", "credit", "1 credit"),
        ("0", "credit", "0 credits"),
        ("1.5", "credit", "1.5 credits"),
        ("1", "hour", "1 hour"),
        ("2", "hour", "2 hours"),
    ],
)
def test_an_amount_with_its_word_is_singular_only_for_exactly_one(value, unit, text):
    assert credits_phrase(Decimal(value), unit) == text


def test_a_date_is_written_in_words():
    assert day_text(date(2027, 2, 28)) == "Feb 28, 2027"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        ("1", "contact-hours", "1 contact hour"),
        ("0", "contact-hours", "0 contact hours"),
        ("12.5", "contact-hours", "12.5 contact hours"),
        ("1", "hours", "1 hour"),
        ("2.25", "hours", "2.25 hours"),
        ("1", "credits", "1 credit"),
        ("75", "credits", "75 credits"),
    ],
)
def test_an_amount_speaks_its_sets_unit_with_the_right_plural(value, unit, text):
    assert credits_phrase(Decimal(value), unit) == text


@pytest.mark.parametrize(
    ("unit", "text"),
    [
        ("contact-hours", "12.5 of 75 contact hours"),
        ("hours", "12.5 of 75 hours"),
        # A credit set keeps the bare numbers: points boards are credit sets too.
        ("credits", "12.5 of 75"),
    ],
)
def test_counted_against_required_names_a_unit_other_than_credits(unit, text):
    assert counted_of(Decimal("12.5"), Decimal(75), unit) == text


def test_a_units_word_follows_the_amount():
    assert unit_word(Decimal(1), "contact-hours") == "contact hour"
    assert unit_word(Decimal("0.5"), "contact-hours") == "contact hours"
    assert unit_word(None, "credits") == "credits"
