from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmeledger.requirements.cycles import (
    Anchors,
    MissingAnchor,
    Window,
    add_months,
    proration,
    window,
)
from cmeledger.requirements.schema import Cycle


def test_a_license_cycle_is_the_period_ending_at_expiry():
    cycle = Cycle(months=24, anchor="license-expiry")
    found = window(cycle, Anchors(license_expiry=date(2027, 2, 28)), on=date(2026, 11, 23))
    assert found == Window(date(2025, 3, 1), date(2027, 2, 28))


def test_a_certification_cycle_uses_its_own_dates():
    cycle = Cycle(months=60, anchor="certification")
    dates = Window(date(2023, 1, 1), date(2027, 12, 31))
    assert window(cycle, Anchors(certification=dates), on=date(2026, 1, 1)) == dates


@pytest.mark.parametrize(
    ("on", "start", "end"),
    [
        (date(2022, 1, 1), date(2022, 1, 1), date(2024, 12, 31)),
        (date(2024, 12, 31), date(2022, 1, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 1, 1), date(2027, 12, 31)),
        (date(2021, 6, 30), date(2019, 1, 1), date(2021, 12, 31)),
    ],
)
def test_calendar_cycles_repeat_from_their_first_start(on, start, end):
    cycle = Cycle(months=36, anchor="calendar", first_start=date(2022, 1, 1))
    assert window(cycle, Anchors(), on) == Window(start, end)


def test_a_birth_month_cycle_ends_on_the_last_day_of_that_month():
    cycle = Cycle(months=24, anchor="birth-month")
    found = window(cycle, Anchors(birth_month=2), on=date(2026, 3, 1))
    assert found.end == date(2027, 2, 28)
    assert found.start == date(2025, 3, 1)


def test_an_award_cycle_runs_from_enrollment():
    cycle = Cycle(months=36, anchor="enrollment")
    found = window(cycle, Anchors(enrolled_on=date(2024, 5, 10)), on=date(2027, 6, 1))
    assert found == Window(date(2027, 5, 10), date(2030, 5, 9))


def test_a_missing_anchor_says_what_is_missing():
    with pytest.raises(MissingAnchor, match="expiry"):
        window(Cycle(months=24, anchor="license-expiry"), Anchors(), date(2026, 1, 1))


def test_adding_months_clamps_to_the_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_proration_counts_whole_months_left_in_the_cycle():
    full = Window(date(2025, 1, 1), date(2026, 12, 31))
    assert proration(full, date(2024, 6, 1)) == (24, 24)
    assert proration(full, date(2025, 7, 1)) == (18, 24)
    assert proration(full, date(2025, 7, 15)) == (17, 24)


@given(
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
)
def test_a_repeating_cycle_always_contains_the_day_asked_about(first, months, on):
    found = window(Cycle(months=months, anchor="enrollment"), Anchors(enrolled_on=first), on)
    assert on in found
    assert add_months(found.start, months) == add_months(found.end, 0) + (
        add_months(found.start, months) - found.end
    )
