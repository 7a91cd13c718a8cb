"""Synthetic partner files for tests, demos and benchmarks (no real people).

`write_sample` writes N completions for M generated clinicians: about 94% name a
clinician `create_clinicians` makes, 5% name learners nobody has registered (they wait),
and 1% are invalid in one field each. The same seed gives the same file and people.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cmeledger.accounts.models import (
    Board,
    Certification,
    ClinicianProfile,
    Degree,
    License,
    Organization,
    Role,
    User,
)
from cmeledger.lib.bulk import insert_rows
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.formats import CSV_COLUMNS, PARS_COLUMNS
from cmeledger.reporting.models import Agreement, CredentialKind

FIRST = (
    "Avery Blake Casey Devon Emery Finley Harper Jordan Kendall Logan Morgan Parker Quinn "
    "Reese Riley Rowan Sawyer Skyler Taylor Tatum"
).split()
LAST = (
    "Alder Birch Cedar Dalton Ellery Fenwick Garrison Hollis Irving Jessup Kessler Lowell "
    "Merritt Norwood Oakley Prescott Quimby Radley Stanton Thorne Underhill Vance Whitlock "
    "Yardley"
).split()
STATES = ("TX", "CA", "FL", "NY", "PA", "OH", "MI")
TOPICS = ("ethics", "pain-management", "opioid-prescribing", "patient-safety", "specialty")
KINDS = (("C", "live"), ("IEM", "internet-enduring"), ("JN", "journal"), ("RSS", "live"))
SUBJECTS = (
    "Spasticity Management",
    "Pain Medicine Update",
    "Opioid Prescribing Safety",
    "Spinal Cord Injury Rehabilitation",
    "Ethics in Rehabilitation",
    "Musculoskeletal Ultrasound",
    "Stroke Recovery",
    "Pediatric Rehabilitation",
)
SHARE_UNMATCHED = 0.05
SHARE_INVALID = 0.01


@dataclass(frozen=True, slots=True)
class Person:
    index: int
    first: str
    last: str
    npi: str
    board_id: str
    state: str
    license: str
    month: int
    day: int

    @property
    def email(self) -> str:
        return f"clinician{self.index}@example.org"


def person(index: int) -> Person:
    """The generated clinician number `index`, always the same."""
    rng = random.Random(index)
    return Person(
        index=index,
        first=FIRST[index % len(FIRST)],
        last=f"{LAST[(index // len(FIRST)) % len(LAST)]}{index}",
        npi=make_npi(f"1{index:08d}"),
        board_id=f"P{index:07d}",
        state=STATES[index % len(STATES)],
        license=f"M{index:07d}",
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
    )


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    title: str
    code: str
    kind: str
    start: date
    credits: str
    topics: str
    moc: str


def _activities(rng: random.Random, today: date, count: int = 240) -> list[Activity]:
    activities = []
    for number in range(count):
        code, kind = rng.choice(KINDS)
        start = today - timedelta(days=rng.randint(1, 3 * 365))
        topic = rng.choice(TOPICS) if rng.random() < 0.25 else ""
        activities.append(
            Activity(
                id=f"A{number:05d}",
                title=f"{rng.choice(SUBJECTS)} {2020 + number % 7} (session {number})",
                code=code,
                kind=kind,
                start=start,
                credits=str(rng.choice((0.25, 0.5, 1, 1.5, 2, 3, 4, 6.25))),
                topics=topic,
                moc=str(rng.choice((1, 2, 4))) if rng.random() < 0.1 else "",
            )
        )
    return activities


def _identifiers(rng: random.Random, p: Person) -> dict[str, str]:
    """Each row carries one or two identifiers, as partner files do."""
    roll = rng.random()
    ids = {"first_name": p.first, "last_name": p.last}
    if roll < 0.4:
        ids |= {"board": "abpmr", "board_id": p.board_id}
    elif roll < 0.7:
        ids["npi"] = p.npi
    elif roll < 0.9:
        ids |= {"license_state": p.state, "license_number": p.license}
    ids["birth_date"] = f"{p.month:02d}/{p.day:02d}"
    return ids


_BREAKAGES = (
    ("completed_on", "2025-13-45"),
    ("credits", "-1"),
    ("activity_title", ""),
    ("topics", "astrology"),
    ("npi", "1234567890"),
)


def completions(
    org_slug: str, rows: int, clinicians: int, seed: int = 1, today: date | None = None
) -> Iterator[dict[str, str]]:
    """Rows as flat dicts with CSV column names (record_id, credits, credit_type, ...)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    activities = _activities(rng, today)
    for number in range(rows):
        roll = rng.random()
        if roll < SHARE_UNMATCHED:
            learner = person(clinicians + rng.randrange(max(1, clinicians // 10) + 1000))
        else:
            learner = person(rng.randrange(clinicians))
        activity = activities[rng.randrange(len(activities))]
        completed = min(today, activity.start + timedelta(days=rng.randint(0, 30)))
        row = {
            "record_id": f"{org_slug}-{number:08d}",
            "activity_id": activity.id,
            "activity_title": activity.title,
            "activity_kind": activity.kind,
            "activity_start": activity.start.isoformat(),
            "completed_on": completed.isoformat(),
            "credit_type": "ama-pra-1",
            "credits": activity.credits,
            "moc_points": activity.moc,
            "topics": activity.topics,
            **_identifiers(rng, learner),
        }
        if activity.moc:
            row.setdefault("board", "abpmr")
            row.setdefault("board_id", learner.board_id)
        if SHARE_UNMATCHED <= roll < SHARE_UNMATCHED + SHARE_INVALID:
            field, value = rng.choice(_BREAKAGES)
            row[field] = value
        yield row


def _us_date(iso: str) -> str:
    return f"{iso[5:7]}/{iso[8:10]}/{iso[:4]}" if iso and iso[4] == "-" else iso


# The sample files are input for the importer, not files for people: they are written
# as they are, without lib.csvsafe, so their deliberately invalid cells stay as generated.
def write_pars(rows: Iterator[dict[str, str]], out: TextIO) -> int:
    columns = list(PARS_COLUMNS)
    canonical = [PARS_COLUMNS[column] for column in columns]
    codes = {kind: code for code, kind in KINDS}
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        values = dict(row)
        values["activity_kind"] = codes.get(values.get("activity_kind", ""), "C")
        for name in ("activity_start", "completed_on"):
            values[name] = _us_date(values.get(name, ""))
        values["consent"] = "Y"
        writer.writerow([values.get(name, "") for name in canonical])
        count += 1
    return count


def write_csv(rows: Iterator[dict[str, str]], out: TextIO) -> int:
    columns = [c for c in CSV_COLUMNS if c not in ("status", "consent")]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def as_record(row: dict[str, str]) -> dict:
    """A flat row in the JSON record shape (docs/formats/reporting.md)."""
    credits = {}
    if row.get("credits"):
        credits[row.get("credit_type") or "ama-pra-1"] = row["credits"]
    if row.get("moc_points"):
        credits["moc-points"] = row["moc_points"]
    learner_fields = (
        "board",
        "board_id",
        "npi",
        "license_state",
        "license_number",
        "first_name",
        "last_name",
        "birth_date",
        "email",
    )
    return {
        "record_id": row["record_id"],
        "activity": {
            "id": row.get("activity_id", ""),
            "title": row.get("activity_title", ""),
            "kind": row.get("activity_kind", ""),
            "start": row.get("activity_start") or None,
        },
        "learner": {name: row[name] for name in learner_fields if row.get(name)},
        "completed_on": row.get("completed_on", ""),
        "credits": credits,
        "topics": [t for t in row.get("topics", "").split(";") if t],
    }


def write_sample(
    out: TextIO, format: str, org_slug: str, rows: int, clinicians: int, seed: int = 1
) -> int:
    generated = completions(org_slug, rows, clinicians, seed)
    if format == "pars":
        return write_pars(generated, out)
    if format == "csv":
        return write_csv(generated, out)
    written = 0

    def records() -> Iterator[dict]:
        nonlocal written
        for row in generated:
            written += 1
            yield as_record(row)

    if format == "json":
        from cmeledger.reporting.json_format import write_json

        write_json(records(), out)
        return written
    if format == "medbiq":
        from cmeledger.reporting.medbiq import write_medbiq

        write_medbiq(records(), out, org_slug)
        return written
    raise ValueError(f"unknown format {format}")


def ensure_organization(slug: str, name: str | None = None) -> Organization:
    """The organization with an agreement covering licenses and ABPMR certification."""
    organization, _ = Organization.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").title()}
    )
    agreement, _ = Agreement.objects.get_or_create(
        organization=organization,
        defaults={
            "credential_kinds": [CredentialKind.STATE_LICENSE, CredentialKind.BOARD_CERTIFICATION]
        },
    )
    agreement.boards.add(*Board.objects.filter(code="abpmr"))
    return organization


@transaction.atomic
def create_clinicians(count: int, batch: int = 5000) -> int:
    """Create generated clinicians 0..count-1 that do not exist yet, set-based."""
    board = Board.objects.get(code="abpmr")
    existing = set(
        User.objects.filter(email__endswith="@example.org", email__startswith="clinician")
        .values_list("email", flat=True)
        .iterator()
    )
    # One hash for all: they never sign in, and hashing 50,000 passwords takes minutes.
    unusable = make_password(None)
    confirmed_at = timezone.now()
    today = timezone.localdate()
    made = 0
    for start in range(0, count, batch):
        people = [person(i) for i in range(start, min(count, start + batch))]
        people = [p for p in people if p.email not in existing]
        if not people:
            continue
        users = User.objects.bulk_create(
            [
                User(
                    email=p.email,
                    first_name=p.first,
                    last_name=p.last,
                    role=Role.CLINICIAN,
                    password=unusable,
                    email_confirmed_at=confirmed_at,
                )
                for p in people
            ]
        )
        ids = {user.email: user.pk for user in users}
        if any(pk is None for pk in ids.values()):
            ids = dict(User.objects.filter(email__in=list(ids)).values_list("email", "id"))
        insert_rows(
            ClinicianProfile,
            ("user_id", "middle_name", "degree", "npi", "birth_month", "birth_day", "specialty"),
            [(ids[p.email], "", Degree.MD, p.npi, p.month, p.day, "PM&R") for p in people],
        )
        Certification.objects.bulk_create(
            Certification(
                clinician_id=ids[p.email],
                board=board,
                board_id_number=p.board_id,
                specialty="PM&R",
                cycle_start=date(today.year - 2, 1, 1),
                cycle_end=date(today.year + 2, 12, 31),
            )
            for p in people
        )
        License.objects.bulk_create(
            License(
                clinician_id=ids[p.email],
                state=p.state,
                profession=Degree.MD,
                number=p.license,
                expires_on=date(today.year + 1, 12, 31),
            )
            for p in people
        )
        made += len(people)
    return made
