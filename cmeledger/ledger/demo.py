"""A demo clinician with three years of realistic history, for trying the product.

Deterministic (a fixed seed) and idempotent: running it again finds the demo account
and adds nothing. Every person and organization here is invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cmeledger.accounts.models import (
    Board,
    Certification,
    ClinicianProfile,
    License,
    Organization,
    User,
)
from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.testing import make_pdf
from cmeledger.ledger.vocabulary import Accreditor, ActivityKind, CreditType, Source

EMAIL = "demo@cmeledger.example"
PASSWORD = "demo-password-2026"
REPORTER_SLUG = "aapmr"

CONFERENCE_SESSIONS = [
    ("Spasticity management: botulinum toxin dosing", ["specialty"]),
    ("Gait analysis after stroke", ["specialty"]),
    ("Opioid stewardship in chronic pain", ["opioid-prescribing", "pain-management"]),
    ("Ethics of capacity assessment in rehabilitation", ["ethics"]),
    ("Spinal cord injury: bowel and bladder programs", ["specialty"]),
    ("Traumatic brain injury: return to work", ["specialty"]),
    ("Electrodiagnosis of peripheral neuropathy", ["specialty"]),
    ("Implicit bias in disability care", ["implicit-bias"]),
    ("Pediatric rehabilitation update", ["specialty"]),
    ("Prosthetic prescription for lower-limb amputation", ["specialty"]),
]
JOURNAL_ARTICLES = [
    "Musculoskeletal ultrasound-guided injections",
    "Cancer rehabilitation outcomes",
    "Fall prevention in older adults",
    "Pressure injury prevention",
    "Concussion management in athletes",
    "Pain neuroscience education",
    "Cardiac rehabilitation after myocardial infarction",
    "Dysphagia after stroke",
]
ONLINE_COURSES = [
    ("Safe prescribing of controlled substances", ["controlled-substances", "opioid-prescribing"]),
    ("Recognizing human trafficking in clinical settings", ["human-trafficking"]),
    ("Medical errors and disclosure", ["medical-errors", "patient-safety"]),
    ("Risk management for physicians", ["risk-management"]),
    ("End-of-life conversations", ["end-of-life-care"]),
    ("Infection control refresher", ["infection-control"]),
    ("Domestic violence screening", ["domestic-violence"]),
    ("Child abuse recognition and reporting", ["child-abuse"]),
]


@dataclass(frozen=True)
class DemoResult:
    user: User
    created: bool


def _profile(user: User, today: date) -> None:
    ClinicianProfile.objects.create(
        user=user,
        degree="MD",
        npi="1234567893",
        birth_month=4,
        birth_day=17,
        specialty="Physical medicine and rehabilitation",
    )
    License.objects.create(
        clinician=user,
        state="TX",
        number="T4821",
        issued_on=date(today.year - 1, 3, 1),
        expires_on=date(today.year + 1, 2, 28),
        dea_registrant=True,
        first_licensed_on=date(2012, 7, 1),
    )
    License.objects.create(
        clinician=user,
        state="CA",
        number="A187342",
        issued_on=date(today.year - 1, 5, 1),
        expires_on=date(today.year + 1, 4, 30),
        first_licensed_on=date(2015, 9, 1),
    )
    board = Board.objects.get(code="abpmr")
    start = date(today.year - 3, 1, 1)
    Certification.objects.create(
        clinician=user,
        board=board,
        board_id_number="PMR-20418",
        specialty="Physical medicine and rehabilitation",
        cycle_start=start,
        cycle_end=date(start.year + 4, 12, 31),
    )


def _fields(title, provider, accreditor, kind, day, credit_type, credits, start=None) -> dict:
    return {
        "title": title,
        "provider": provider,
        "accreditor": accreditor,
        "activity_kind": kind,
        "start_date": start,
        "end_date": day if start else None,
        "completed_on": day,
        "credit_type": credit_type,
        "credits": Decimal(credits),
    }


def _history(user: User, rng: random.Random, today: date) -> list:
    """About 90 entries over three years: annual meetings, journal CME, online courses."""
    entries = []
    for years_ago in (3, 2, 1):
        meeting = date(today.year - years_ago, 10, 14)
        for title, topics in rng.sample(CONFERENCE_SESSIONS, 8):
            fields = _fields(
                title,
                "Gulf Coast Rehabilitation Society",
                Accreditor.ACCME,
                ActivityKind.LIVE,
                meeting,
                CreditType.AMA_PRA_1,
                rng.choice(["1.00", "1.25", "1.50", "2.00"]),
                start=meeting - timedelta(days=2),
            )
            entries.append((fields, topics, Source.SELF))
    month = date(today.year - 3, 1, 15)
    while month < today - timedelta(days=30) and len(entries) < 78:
        title = rng.choice(JOURNAL_ARTICLES)
        fields = _fields(
            f"Journal CME: {title}",
            "Journal of Rehabilitation Medicine CME",
            Accreditor.ACCME,
            ActivityKind.JOURNAL,
            month,
            CreditType.AMA_PRA_1,
            "1.00",
        )
        entries.append((fields, ["specialty"], Source.SELF))
        month += timedelta(days=rng.randrange(25, 50))
        if rng.random() < 0.6:
            title, topics = rng.choice(ONLINE_COURSES)
            credit_type = rng.choice(
                [CreditType.AMA_PRA_1, CreditType.AMA_PRA_1, CreditType.AOA_1A]
            )
            fields = _fields(
                title,
                "Online CME Academy",
                Accreditor.ACCME,
                ActivityKind.INTERNET_ENDURING,
                month - timedelta(days=9),
                credit_type,
                rng.choice(["0.50", "1.00", "2.00", "3.00"]),
            )
            entries.append((fields, topics, Source.SELF))
    for number in range(4):
        day = date(today.year - 3 + number % 3, 6, 1 + number)
        fields = _fields(
            f"Self-assessment module {number + 1}: PM&R board review",
            "ABPMR",
            "",
            ActivityKind.SELF_ASSESSMENT,
            day,
            CreditType.SA_CME,
            "8.00",
        )
        entries.append((fields, ["specialty"], Source.SELF))
    for number in range(8):
        day = date(today.year - 2 + number // 4, 3 + number % 4 * 2, 20)
        fields = _fields(
            f"AAPM&R webinar: {rng.choice(CONFERENCE_SESSIONS)[0]}",
            "American Academy of PM&R (demo)",
            Accreditor.ACCME,
            ActivityKind.INTERNET_LIVE,
            min(day, today),
            CreditType.AMA_PRA_1,
            "1.00",
        )
        entries.append((fields, ["specialty"], Source.ORGANIZATION))
    return entries


def _attach_certificates(user: User, entries: list) -> None:
    """Three certificates, each for the activity it proves."""
    chosen = [
        next(e for e in entries if e.activity_kind == ActivityKind.LIVE),
        next(e for e in entries if "Opioid" in e.title or "controlled" in e.title),
        next(e for e in entries if e.credit_type == CreditType.SA_CME),
    ]
    for entry in chosen:
        text = f"Certificate: {entry.title}, {entry.credits} credits - Dana Demo, MD"
        name = f"{entry.title[:40].lower().replace(' ', '-').replace(':', '')}.pdf"
        certificate = store_certificate(user, make_pdf(text), name).certificate
        services.attach_certificate(entry, certificate, user)


@transaction.atomic
def create_demo(today: date | None = None) -> DemoResult:
    existing = User.objects.filter(email=EMAIL).first()
    if existing is not None:
        return DemoResult(existing, created=False)
    today = today or timezone.localdate()
    rng = random.Random(2026)
    # Confirmed from the start: the demo shows what reported credits look like.
    user = User.objects.create_user(
        EMAIL, PASSWORD, first_name="Dana", last_name="Demo", email_confirmed_at=timezone.now()
    )
    _profile(user, today)
    reporter, _ = Organization.objects.get_or_create(
        slug=REPORTER_SLUG, defaults={"name": "American Academy of PM&R (demo)"}
    )
    entries = []
    for fields, topics, source in _history(user, rng, today):
        # PM&R sessions relate to the specialty: ABPMR's half-PM&R rule counts them.
        fields = {**fields, "specialty_related": "specialty" in topics}
        actor = user if source == Source.SELF else None
        entry = services.create_entry(user, actor, fields, topics=topics, source=source)
        if source == Source.ORGANIZATION:
            entry.reported_by = reporter
            entry.save(update_fields=["reported_by"])
        entries.append(entry)
    _attach_certificates(user, entries)
    return DemoResult(user, created=True)
