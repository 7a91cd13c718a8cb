"""Where a cycle starts and ends, from its anchor and the clinician's dates. Pure."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from cmeledger.requirements.schema import Anchor, Cycle


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Anchors:
    """The dates a cycle can hang on; only the one its anchor names is needed."""

    license_expiry: date | None = None
    certification: Window | None = None
    birth_month: int | None = None
    enrolled_on: date | None = None


class MissingAnchor(ValueError):
    """The clinician's record lacks the date this set's cycle is anchored on."""


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _ending_on(end: date, months: int) -> Window:
    return Window(add_months(end, -months) + timedelta(days=1), end)


def _containing(first_start: date, months: int, on: date) -> Window:
    """The cycle of a repeating series (starting at first_start) that holds `on`.

    Every boundary is counted from first_start, never from the previous cycle, so a
    series starting on the 31st does not drift when a month is shorter."""
    offset = (on.year - first_start.year) * 12 + on.month - first_start.month
    k = offset // months
    while add_months(first_start, k * months) > on:
        k -= 1
    while add_months(first_start, (k + 1) * months) <= on:
        k += 1
    start = add_months(first_start, k * months)
    return Window(start, add_months(first_start, (k + 1) * months) - timedelta(days=1))


def _last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def window(cycle: Cycle, anchors: Anchors, on: date) -> Window:
    """The cycle in force on `on` (for a license, the period ending at its expiry)."""
    if cycle.anchor == Anchor.LICENSE_EXPIRY:
        if anchors.license_expiry is None:
            raise MissingAnchor("the license has no expiry date")
        return _ending_on(anchors.license_expiry, cycle.months)
    if cycle.anchor == Anchor.CERTIFICATION:
        if anchors.certification is None:
            raise MissingAnchor("the certification has no cycle dates")
        return anchors.certification
    if cycle.anchor == Anchor.CALENDAR:
        assert cycle.first_start is not None  # the schema refuses a calendar cycle without one
        return _containing(cycle.first_start, cycle.months, on)
    if cycle.anchor == Anchor.BIRTH_MONTH:
        if anchors.birth_month is None:
            raise MissingAnchor("the profile has no birth month")
        end = _last_day_of_month(on.year, anchors.birth_month)
        if end < on:
            end = _last_day_of_month(on.year + 1, anchors.birth_month)
        return _ending_on(end, cycle.months)
    if anchors.enrolled_on is None:
        raise MissingAnchor("the enrollment has no start date")
    return _containing(anchors.enrolled_on, cycle.months, on)


def years_of(cycle: Window, first: int, last: int) -> Window:
    """Years `first` to `last` (counted from 1) of a cycle, each year 12 months from the
    cycle's start; the last one ends no later than the cycle. A part past a short cycle's
    end starts after it (nothing can fall inside)."""
    start = add_months(cycle.start, 12 * (first - 1))
    end = min(add_months(cycle.start, 12 * last) - timedelta(days=1), cycle.end)
    return Window(start, end)


def proration(full: Window, started: date) -> tuple[int, int]:
    """(months inside the cycle, months in a full cycle) for a clinician who started late.

    Whole months count from the first full month after `started`; the rule minimums are
    then scaled by this fraction (a partial first cycle needs its share)."""
    total = (full.end.year - full.start.year) * 12 + full.end.month - full.start.month + 1
    if started <= full.start:
        return total, total
    first = started if started.day == 1 else add_months(started.replace(day=1), 1)
    inside = max(0, (full.end.year - first.year) * 12 + full.end.month - first.month + 1)
    return min(inside, total), total


# Choosing a cycle other than the current one ----------------------------------------------

DAY = timedelta(days=1)
# No set reaches back further; stepping stops here, so a huge negative number ends quickly.
EARLIEST = date(1900, 1, 1)


class NoSuchCycle(ValueError):
    """The chosen cycle does not exist for this set: before the first, not begun, or a
    certification's (which has only its own dates)."""


_ONE_CERTIFICATION_CYCLE = (
    "a certification has one cycle, its own dates ({} to {}), which is cycle 1; an earlier "
    "cycle is an earlier certification, which you add on your profile"
)


def previous_window(cycle: Cycle, anchors: Anchors, current: Window) -> Window:
    """The cycle of the same series that ended the day before `current` began."""
    if cycle.anchor == Anchor.CERTIFICATION:
        raise NoSuchCycle(_ONE_CERTIFICATION_CYCLE.format(current.start, current.end))
    if cycle.anchor == Anchor.LICENSE_EXPIRY:
        return _ending_on(current.start - DAY, cycle.months)
    return window(cycle, anchors, current.start - DAY)


def _back(cycle: Cycle, anchors: Anchors, current: Window, steps: int) -> Window:
    found = current
    for _ in range(steps):
        if found.start <= EARLIEST:
            raise NoSuchCycle(f"{steps} cycles back would begin before {EARLIEST}")
        found = previous_window(cycle, anchors, found)
    return found


def number_of(cycle: Cycle, anchors: Anchors, current: Window, started: date | None) -> int | None:
    """Which cycle `current` is, counting from 1 for the cycle that holds `started` (the day
    the clinician became subject to the set); None when that day is not known. A
    certification's cycle is its own dates, so always 1."""
    if cycle.anchor == Anchor.CERTIFICATION:
        return 1
    if started is None:
        return None
    number, found = 1, current
    while found.start > started and found.start > EARLIEST:
        found = previous_window(cycle, anchors, found)
        number += 1
    return number


def chosen_window(
    cycle: Cycle, anchors: Anchors, current: Window, started: date | None, choice: int
) -> tuple[Window, int | None]:
    """The cycle `choice` names, with its number: a positive choice counts from the first
    cycle (1), a negative one back from the current (-1 is the one before it)."""
    if cycle.anchor == Anchor.CERTIFICATION:
        if choice == 1:
            return current, 1
        raise NoSuchCycle(_ONE_CERTIFICATION_CYCLE.format(current.start, current.end))
    number = number_of(cycle, anchors, current, started)
    if choice > 0:
        if number is None:
            raise NoSuchCycle(
                f"cycle {choice} counts from the first cycle, which starts on the day you "
                "became subject to the set, and that day is not on record (a license's "
                "first-licensed or issue date); use current, previous or a negative number"
            )
        if choice > number:
            raise NoSuchCycle(
                f"cycle {choice} has not begun: the current cycle is cycle {number} "
                f"({current.start} to {current.end})"
            )
        steps = number - choice
    else:
        steps = -choice
        if number is not None and steps >= number:
            first = _back(cycle, anchors, current, number - 1)
            raise NoSuchCycle(
                f"cycle {choice} would be before the first cycle, {first.start} to "
                f"{first.end} (cycle 1; the current one is cycle {number})"
            )
    found = _back(cycle, anchors, current, steps)
    return found, None if number is None else number - steps
