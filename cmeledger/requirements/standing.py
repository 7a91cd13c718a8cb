"""The arithmetic of standing: a rule's status from what it requires, what counted and
the dates, and a set's status from its rules. Pure.

The calculator (engine.py) and the board-wide run (boards/compliance.py) both judge with
these functions, so a status cannot be worked out two ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from cmeledger.requirements.cycles import Window, years_of
from cmeledger.requirements.schema import MaximumSubset

QUARTER = Decimal("0.25")
ZERO = Decimal(0)


class Status(StrEnum):
    MET = "met"
    ON_TRACK = "on-track"
    BEHIND = "behind"
    NOT_MET = "not-met"
    NOT_APPLICABLE = "not-applicable"


def quarter_up(value: Decimal) -> Decimal:
    return (value / QUARTER).to_integral_value(ROUND_CEILING) * QUARTER


def quarter_down(value: Decimal) -> Decimal:
    return (value / QUARTER).to_integral_value(ROUND_FLOOR) * QUARTER


def elapsed(cycle: Window, on: date) -> Decimal:
    """The share of the cycle gone by on `on`, counting `on` itself."""
    if on >= cycle.end:
        return Decimal(1)
    if on < cycle.start:
        return ZERO
    return Decimal((on - cycle.start).days + 1) / Decimal(cycle.days)


def due_passed(cycle: Window, on: date) -> bool:
    """Whether the cycle's deadline has come: on its last day a rule still short is not
    met (the deadline is that day), not on track or behind."""
    return on >= cycle.end


def minimum_status(
    required: Decimal, counted: Decimal, cycle: Window, on: date, paced: bool
) -> Status:
    """A minimum's status. Only the credit total is `paced` through the cycle; a topic or
    category can be done any time before the deadline, so it is on track until then."""
    if counted >= required:
        return Status.MET
    if due_passed(cycle, on):
        return Status.NOT_MET
    if paced and counted < quarter_down(required * elapsed(cycle, on)):
        return Status.BEHIND
    return Status.ON_TRACK


def share_required(share: Decimal, total: Decimal, total_required: Decimal | None) -> Decimal:
    """What a minimum share needs: its share of the counted total, no more than of the
    required total when the set has one."""
    basis = min(total, total_required) if total_required is not None else total
    return quarter_up(basis * share)


def share_status(
    required: Decimal, counted: Decimal, total: Decimal, cycle: Window, on: date
) -> Status:
    """A minimum share's status. A share of nothing is not met: with no credit counted
    toward the set yet, "half of it" asks for nothing, yet nothing of the kind is done."""
    if total <= 0:
        return component_status(False, cycle, on)
    return minimum_status(required, counted, cycle, on, paced=False)


def pacing(full: Decimal, total: Decimal, cycle: Window, on: date) -> tuple[Decimal, Status]:
    """The credits expected by `on` for a pace of `full` over the cycle, and its status."""
    expected = quarter_down(full * elapsed(cycle, on))
    if total >= full:
        return expected, Status.MET
    if expected - total <= 0:
        return expected, Status.ON_TRACK
    return expected, Status.NOT_MET if due_passed(cycle, on) else Status.BEHIND


def pace_over_cycle(credits_per_year: Decimal, months: int) -> Decimal:
    return credits_per_year * Decimal(months) / 12


def component_status(done: bool, cycle: Window, on: date) -> Status:
    if done:
        return Status.MET
    return Status.NOT_MET if due_passed(cycle, on) else Status.ON_TRACK


@dataclass(frozen=True)
class Year:
    """One year of a cycle (numbered from 1) and whether a record falls in it."""

    number: int
    window: Window
    done: bool


def years_in(cycle: Window, first: int, last: int | None) -> list[tuple[int, Window]]:
    """Years `first` to `last` of the cycle (to its end when `last` is None) that start
    inside it; the last one ends with the cycle."""
    out: list[tuple[int, Window]] = []
    number = first
    while last is None or number <= last:
        year = years_of(cycle, number, number)
        if year.start > cycle.end:
            break
        out.append((number, year))
        number += 1
    return out


def yearly_status(years: Iterable[Year], on: date) -> Status:
    """A record each year: met when every year has one; a year gone by without one is
    lost (not met, whatever comes later); otherwise on track."""
    years = list(years)
    if all(y.done for y in years):
        return Status.MET
    if any(not y.done and y.window.end < on for y in years):
        return Status.NOT_MET
    return Status.ON_TRACK


def cap_period(rule: MaximumSubset, year: int | None) -> int | None:
    """Which of a cap's periods a credit completed in `year` falls in: that calendar year,
    or (None) the whole cycle."""
    return year if rule.per == "calendar-year" else None


def set_status(statuses: Iterable[Status], cycle: Window, on: date) -> Status:
    """The set's status from its rules' (rules that do not apply are left out)."""
    live = [s for s in statuses if s != Status.NOT_APPLICABLE]
    if all(s == Status.MET for s in live):
        return Status.MET
    # A rule can be lost before the cycle ends (a part of it, a year of participation
    # gone by): the set cannot be met any more either.
    if due_passed(cycle, on) or Status.NOT_MET in live:
        return Status.NOT_MET
    if any(s == Status.BEHIND for s in live):
        return Status.BEHIND
    return Status.ON_TRACK
