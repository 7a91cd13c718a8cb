"""The numbers behind the Certification Dashboard: cycles, and credits earned in each.

Every cycle's totals come from one aggregate query for all cycles at once. The
requirement calculator (a later issue) adds what each cycle *requires*; a Cycle has a
place for that in `requirements`, so the page does not change shape when it arrives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from cmeledger.accounts.models import Certification, License
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.vocabulary import CreditType

# A license with no issue date is shown over the usual two-year renewal period.
DEFAULT_LICENSE_YEARS = 2


@dataclass(frozen=True)
class TypeTotal:
    credit_type: str
    label: str
    credits: Decimal
    percent: float  # share of the cycle's total, for the progress bar


@dataclass(frozen=True)
class Cycle:
    kind: str  # "certification" or "license"
    label: str
    short_label: str
    start: date
    end: date
    totals: list[TypeTotal] = field(default_factory=list)
    requirements: list = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        # "Certification", not "Board certification": NCCPA, AANPCB and ANCC are not boards.
        return "Certification cycle" if self.kind == "certification" else "License period"

    @property
    def total(self) -> Decimal:
        return sum((item.credits for item in self.totals), Decimal("0"))

    def elapsed_percent(self, today: date) -> float:
        span = (self.end - self.start).days or 1
        return max(0.0, min(100.0, 100 * (today - self.start).days / span))

    def status(self, today: date) -> str:
        if today < self.start:
            return "upcoming"
        return "ended" if today > self.end else "current"


@dataclass(frozen=True)
class TimelineBar:
    cycle: Cycle
    offset: float  # percent of the timeline's width
    width: float


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    bars: list[TimelineBar]
    today_offset: float | None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _certification_cycles(user) -> list[Cycle]:
    return [
        Cycle(
            kind="certification",
            label=f"{cert.board.name}{f' · {cert.specialty}' if cert.specialty else ''}",
            short_label=cert.board.code.upper(),
            start=cert.cycle_start,
            end=cert.cycle_end,
        )
        for cert in Certification.objects.filter(clinician=user).select_related("board")
    ]


def _license_cycles(user) -> list[Cycle]:
    cycles = []
    for lic in License.objects.filter(clinician=user, expires_on__isnull=False):
        assert lic.expires_on is not None  # the filter keeps licenses that expire
        # Without an issue date the period is the two years that end on the expiry day,
        # as the requirement sets count it (expiry 2026-08-31: from 2024-09-01).
        start = lic.issued_on or _years_before(lic.expires_on, DEFAULT_LICENSE_YEARS) + timedelta(
            days=1
        )
        label = f"{lic.get_state_display()} {lic.get_profession_display()} license {lic.number}"
        short = f"{lic.state} license"
        cycles.append(Cycle("license", label, short, start=start, end=lic.expires_on))
    return cycles


def _totals(user, cycles: list[Cycle]) -> list[list[TypeTotal]]:
    if not cycles:
        return []
    sums = {
        f"cycle_{index}": Sum("credits", filter=Q(completed_on__range=(c.start, c.end)))
        for index, c in enumerate(cycles)
    }
    # The per-cycle sums are annotated under names made at run time.
    rows: list[Mapping[str, Any]] = list(
        CreditEntry.objects.owned_by(user)
        .counted()
        .values("credit_type")
        .annotate(**sums)
        .order_by("credit_type")
    )
    result = []
    for index in range(len(cycles)):
        found = [(row["credit_type"], row[f"cycle_{index}"]) for row in rows]
        found = [(code, credits) for code, credits in found if credits]
        total = sum((credits for _, credits in found), Decimal("0"))
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        result.append(
            [
                TypeTotal(code, CreditType(code).label, credits, float(100 * credits / total))
                for code, credits in found
            ]
        )
    return result


def cycles_for(user) -> list[Cycle]:
    """Board cycles first, then license periods, each with credits by type (one query)."""
    cycles = _certification_cycles(user) + _license_cycles(user)
    cycles.sort(key=lambda c: (c.kind != "certification", c.end))
    return [
        Cycle(c.kind, c.label, c.short_label, c.start, c.end, totals)
        for c, totals in zip(cycles, _totals(user, cycles), strict=True)
    ]


def timeline(cycles: list[Cycle], today: date) -> Timeline | None:
    if not cycles:
        return None
    start = min(c.start for c in cycles)
    end = max(c.end for c in cycles)
    span = (end - start).days or 1

    def at(day: date) -> float:
        return 100 * (day - start).days / span

    bars = [TimelineBar(c, at(c.start), max(at(c.end) - at(c.start), 1.0)) for c in cycles]
    return Timeline(start, end, bars, at(today) if start <= today <= end else None)
