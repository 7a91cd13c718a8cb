"""Gathers a clinician's inputs from the database and runs the calculator on each set.

The only place the calculator meets the ORM: a fixed handful of queries whatever the
number of entries or enrollments (entries, their topics, enrollments with their
license or certification, set versions, licenses, the profile).
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max
from pydantic import TypeAdapter

from cmeledger.accounts.models import Certification, ClinicianProfile, License, User
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.ledger.queries import ledger_stamp
from cmeledger.ledger.vocabulary import AwardedAs
from cmeledger.lib.credits import day_text
from cmeledger.requirements import choices
from cmeledger.requirements.cycles import (
    Anchors,
    MissingAnchor,
    NoSuchCycle,
    Window,
    chosen_window,
    number_of,
    window,
)
from cmeledger.requirements.engine import Credit, Credits, Facts, SetResult, evaluate
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.schema import RequirementSet

FORMAT = "cmeledger-progress"
FORMAT_VERSION = 1
CURRENT = "current"
PREVIOUS = "previous"


@dataclass
class EnrollmentProgress:
    enrollment_id: int
    set_id: str
    automatic: bool
    because: str  # what enrolled the clinician: a license, a certification, or a choice
    result: SetResult | None
    problem: str | None  # why there is no result (a missing date, no version in force)
    # Which cycle was judged, counting from 1 for the first (docs/formats/progress.md);
    # None when the day the clinician became subject to the set is not on record.
    cycle_number: int | None = None


@dataclass
class Report:
    format: str
    format_version: int
    clinician: str
    on: date
    sets: list[EnrollmentProgress] = field(default_factory=list)
    cycle: str = CURRENT  # the cycle asked for: current, previous or a number

    def result(self, set_id: str) -> SetResult | None:
        return next((p.result for p in self.sets if p.set_id == set_id and p.result), None)


REPORT = TypeAdapter(Report)


class BadCycle(ValueError):
    """A cycle choice that names no cycle at all (0, text) or needs a set it lacks."""


def cycle_choice(text: str | None, set_id: str | None) -> int | None:
    """`current` (None), `previous` (-1) or a cycle number: N counts from the first cycle
    (1), -N back from the current one (-1 is the one before it). Numbers differ from set
    to set, so one needs the set named."""
    word = CURRENT if text is None else text.strip().lower()
    if word == CURRENT:
        return None
    if word == PREVIOUS:
        return -1
    try:
        number = int(word)
    except ValueError:
        raise BadCycle(
            f"{text!r} is not a cycle: write current, previous, a cycle number counted from "
            "the first (1, 2, …) or back from the current one (-1, -2, …)"
        ) from None
    if number == 0:
        raise BadCycle(
            "0 is not a cycle: cycles count from 1 (the first) or back from the current one "
            "(-1 is the previous); write current for the current cycle"
        )
    if not set_id:
        raise BadCycle(f"cycle {number} counts the cycles of one set: name the set too")
    return number


def credits_of(user: User) -> list[Credit]:
    """Every entry of the clinician that counts, as calculator input (two queries); a
    self-report linked to an organization's report counts once, as the reported one."""
    topics: dict[str, set[str]] = {}
    for entry_id, topic in EntryTopic.objects.filter(
        entry__clinician=user, entry__deleted_at__isnull=True, entry__reported_as__isnull=True
    ).values_list("entry_id", "topic"):
        topics.setdefault(str(entry_id), set()).add(topic)
    rows = (
        CreditEntry.objects.counted()
        .owned_by(user)
        .values_list(
            "id",
            "completed_on",
            "credits",
            "credit_type",
            "activity_kind",
            "specialty_related",
            "title",
            "awarded_as",
        )
    )
    return [
        Credit(
            id=str(pk),
            completed_on=completed_on,
            credits=credits,
            credit_type=credit_type,
            topics=frozenset(topics.get(str(pk), ())),
            activity_kind=activity_kind,
            specialty_related=specialty_related,
            title=title,
            participation=awarded_as == AwardedAs.PARTICIPATION,
        )
        for (
            pk,
            completed_on,
            credits,
            credit_type,
            activity_kind,
            specialty_related,
            title,
            awarded_as,
        ) in rows
    ]


def inputs_stamp(user: User) -> str:
    """A digest of everything `report` reads for the user: the ledger (entries, topics and
    their history), the profile, licenses, certifications, enrollments and the catalog's
    versions. Equal digests on the same day mean equal reports, so pages built on a report
    can be kept and shown again until the digest changes (front.overview)."""
    parts = [
        ledger_stamp(user),
        list(ClinicianProfile.objects.filter(user=user).values_list()),
        list(License.objects.filter(clinician=user).order_by("pk").values_list()),
        list(Certification.objects.filter(clinician=user).order_by("pk").values_list()),
        list(Enrollment.objects.filter(clinician=user).order_by("pk").values_list()),
        RequirementSetVersion.objects.aggregate(n=Count("pk"), last=Max("pk")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def version_in_force(
    versions: list[RequirementSetVersion], day: date
) -> RequirementSetVersion | None:
    """The newest version whose effective dates hold `day`."""
    for row in sorted(versions, key=lambda v: v.version, reverse=True):
        if row.effective_from <= day and (row.effective_to is None or day <= row.effective_to):
            return row
    return None


def _judged_by(
    versions: list[RequirementSetVersion], anchors: Anchors, on: date
) -> tuple[RequirementSet, Window]:
    """The version in force for the cycle: the one in force on `on`, or on the cycle's last
    day if the cycle already ended (a closed cycle is judged by the rules it ran under)."""
    current = version_in_force(versions, on) or max(versions, key=lambda v: v.version)
    rset = current.requirement_set()
    cycle = window(rset.cycle, anchors, on)
    if cycle.end < on:
        earlier = version_in_force(versions, cycle.end)
        if earlier is not None and earlier.version != current.version:
            rset = earlier.requirement_set()
            cycle = window(rset.cycle, anchors, on)
    return rset, cycle


# One pause shared by overlapping reports (threads of one process): the collector's state
# is process-wide, so the last report to leave restores what was there before the first.
_pause_lock = threading.Lock()
_pauses = 0
_resume = True


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The calculator allocates tens of thousands of small acyclic objects for a large
    ledger; Python's cycle collector then ran repeatedly over everything alive and took
    half the time (make bench). Reference counting still frees them all. Only the
    calculator runs inside it: no query, no template, nothing that waits."""
    global _pauses, _resume
    with _pause_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def report(
    user: User,
    on: date,
    set_id: str | None = None,
    extra: Iterable[Credit] = (),
    explain: bool = True,
    cycle: int | None = None,
) -> Report:
    """Where `user` stands on `on` in every set they follow (or one); `extra` adds planned
    credits that are not in the ledger (the planner's what-if). `explain=False` leaves out
    each entry's explanation, which only the entry page and the JSON report show.
    `cycle` judges another cycle than the current one (see `cycle_choice`); a set that
    has no such cycle says why in its `problem`, and when no set has it, NoSuchCycle."""
    index = Credits([*credits_of(user), *extra])
    profile = ClinicianProfile.objects.filter(user=user).first()
    licenses = list(user.licenses.all())
    chosen = (
        Enrollment.objects.filter(clinician=user, dropped_at__isnull=True)
        .select_related("license", "certification__board")
        .order_by("set_id", "id")
    )
    if set_id:
        chosen = chosen.filter(set_id=set_id)
    enrollments = list(chosen)
    versions: dict[str, list[RequirementSetVersion]] = {}
    for row in RequirementSetVersion.objects.filter(set_id__in={e.set_id for e in enrollments}):
        versions.setdefault(row.set_id, []).append(row)
    label = CURRENT if cycle is None else PREVIOUS if cycle == -1 else str(cycle)
    out = Report(FORMAT, FORMAT_VERSION, user.email, on, cycle=label)
    missing: list[str] = []
    with _without_cycle_collection():
        for enrollment in enrollments:
            item = _progress(enrollment, versions, index, profile, licenses, on, explain, cycle)
            if isinstance(item, NoSuchCycle):
                missing.append(str(item))
                item = item.progress
            out.sets.append(item)
    if enrollments and len(missing) == len(enrollments):
        raise NoSuchCycle("; ".join(missing))
    return out


def _asked(choice: int | None) -> str:
    return "previous cycle" if choice == -1 else f"cycle {choice}"


class _Missing(NoSuchCycle):
    """A set without the chosen cycle: the report keeps its line, with the reason."""

    def __init__(self, message: str, progress: EnrollmentProgress) -> None:
        super().__init__(message)
        self.progress = progress


def _progress(
    enrollment: Enrollment,
    versions: dict[str, list[RequirementSetVersion]],
    index: Credits,
    profile: ClinicianProfile | None,
    licenses: list,
    on: date,
    explain: bool,
    choice: int | None = None,
) -> EnrollmentProgress | _Missing:
    facts = facts_for(enrollment, profile, licenses, on)
    progress = EnrollmentProgress(
        enrollment.id,
        enrollment.set_id,
        enrollment.automatic,
        choices.because(enrollment),
        None,
        None,
    )
    if enrollment.set_id not in versions:
        progress.problem = f"The set {enrollment.set_id} is not in the catalog."
        return progress
    rows = versions[enrollment.set_id]
    try:
        rset, cycle = _judged_by(rows, facts.anchors, on)
        if choice is None:
            progress.cycle_number = number_of(rset.cycle, facts.anchors, cycle, facts.started_on)
        else:
            rset, cycle, progress.cycle_number = _chosen(rows, rset, cycle, facts, on, choice)
        progress.result = evaluate(rset, index, facts, on, cycle=cycle, explain=explain)
    except MissingAnchor as missing:
        progress.problem = f"No cycle can be worked out: {missing}."
    except NoSuchCycle as absent:
        name = rset.short_name or rset.id
        progress.problem = f"{name} has no {_asked(choice)}: {absent}."
        return _Missing(f"{name}: {absent}", progress)
    return progress


def _chosen(
    rows: list[RequirementSetVersion],
    rset: RequirementSet,
    current: Window,
    facts: Facts,
    on: date,
    choice: int,
) -> tuple[RequirementSet, Window, int | None]:
    """The chosen cycle, judged by the version in force when it ended (or today, if it
    has not ended): a closed cycle keeps the rules it ran under."""
    found, number = chosen_window(rset.cycle, facts.anchors, current, facts.started_on, choice)
    row = version_in_force(rows, min(on, found.end))
    return (row.requirement_set() if row else rset), found, number


def facts_for(enrollment: Enrollment, profile, licenses: list, on: date) -> Facts:
    lic = enrollment.license if enrollment.license_id else None
    cert = enrollment.certification if enrollment.certification_id else None
    specialties = {profile.specialty} if profile and profile.specialty else set()
    if cert and cert.specialty:
        specialties.add(cert.specialty)
    if lic is not None:
        started = lic.first_licensed_on or lic.issued_on
    elif cert is not None:
        started = None  # the certification's own dates are the cycle
    else:
        started = enrollment.started_on
    valid = any(x.expires_on is None or x.expires_on >= on for x in licenses)
    return Facts(
        degree=(lic.profession if lic else profile.degree if profile else "MD"),
        specialties=frozenset(specialties),
        dea_registrant=lic.dea_registrant if lic else any(x.dea_registrant for x in licenses),
        direct_patient_care=(
            lic.direct_patient_care
            if lic
            else any(x.direct_patient_care for x in licenses) or not licenses
        ),
        started_on=started,
        anchors=Anchors(
            license_expiry=lic.expires_on if lic else None,
            certification=Window(cert.cycle_start, cert.cycle_end) if cert else None,
            birth_month=profile.birth_month if profile else None,
            enrolled_on=enrollment.started_on,
        ),
        components=frozenset({"valid-license"} if valid else ()),
    )


def to_json(data: Report) -> str:
    return REPORT.dump_json(data, indent=2).decode()


def schema_text() -> str:
    schema = REPORT.json_schema(mode="serialization")
    schema["$id"] = "https://cmeledger.example/formats/progress-v1.schema.json"
    schema["title"] = "CME Ledger progress report, version 1"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def counted_toward(data: Report) -> dict[str, list[str]]:
    """For each entry id, the sets and rules it counted toward, in words for a list."""
    out: dict[str, list[str]] = {}
    for item in data.sets:
        if item.result is None:
            continue
        label = item.result.short_name
        for entry in item.result.entries:
            names = [share.rule_name for share in entry.rules if share.rule_id != "total"]
            if entry.rules:
                out.setdefault(entry.id, []).append(
                    f"{label}: {', '.join(names)}" if names else label
                )
    return out


@dataclass
class EntryStanding:
    set_name: str
    counted: bool
    lines: list[str]


def entry_standing(data: Report, entry_id: str, completed_on: date) -> list[EntryStanding]:
    """Why one entry counted, or did not, in each set the clinician follows."""
    out = []
    for item in data.sets:
        result = item.result
        if result is None:
            continue
        found = result.entry(entry_id)
        if found is not None:
            out.append(EntryStanding(result.name, bool(found.rules), found.explanation))
            continue
        out.append(
            EntryStanding(
                result.name,
                False,
                [
                    f"Not counted: completed {day_text(completed_on)}, outside the current "
                    f"cycle {day_text(result.cycle_start)} to {day_text(result.cycle_end)}."
                ],
            )
        )
    return out
