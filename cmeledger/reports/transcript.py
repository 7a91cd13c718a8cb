"""The CME transcript: what a clinician hands a board, a licensing board or an employer.

`gather` reads everything from the database in a fixed handful of queries, whatever the
number of entries; `transcript_pdf` is a pure function of that data; `issue` records the
verification code printed on the PDF, so whoever receives it can check it is genuine.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cmeledger.accounts.credentials import credential, display_name_with_credential, license_words
from cmeledger.accounts.models import ClinicianProfile, User
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.ledger.vocabulary import AwardedAs, Source, credit_words
from cmeledger.lib.credits import Unit, credits_phrase, day_text
from cmeledger.reports.models import IssuedTranscript, ShareLink, new_code
from cmeledger.requirements import progress
from cmeledger.requirements.engine import SetResult, Status
from cmeledger.requirements.schema import Confidence

ZERO = Decimal("0")
# A range transcript spans at most this many years: enough for a ten-year MOC cycle.
MAX_RANGE_DAYS = 366 * 12
EARLIEST = date(1950, 1, 1)
# The catalog's set-id shape: anything else (a NUL byte, say) names no set and never
# reaches the database, where PostgreSQL would refuse it with a server error.
SET_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class TranscriptError(ValueError):
    """What was asked cannot be made; the message says why, for a person to act on."""


@dataclass(frozen=True)
class TranscriptEntry:
    id: str
    completed_on: date
    title: str
    provider: str
    accreditor: str
    credit_type: str
    credits: Decimal
    counted: Decimal | None  # what the set counted of it; None on a range transcript
    topics: list[str]
    source: str
    certificate_ids: list[str]
    awarded_as: str = AwardedAs.CREDIT

    @property
    def credit_words(self) -> str:
        """"AMA PRA Category 1 Credit™ — certificate of participation" where it is one: a
        transcript sent to a board says what the clinician holds."""
        return credit_words(self.credit_type, self.awarded_as)


@dataclass(frozen=True)
class RuleLine:
    name: str
    required: Decimal | None
    counted: Decimal
    remaining: Decimal
    status: str
    kind: str
    unconfirmed: bool
    note: str


@dataclass(frozen=True)
class TypeTotal:
    credit_type: str
    credits: Decimal
    entries: int
    awarded_as: str = AwardedAs.CREDIT

    @property
    def credit_words(self) -> str:
        return credit_words(self.credit_type, self.awarded_as)


@dataclass
class Transcript:
    clinician_name: str  # the name alone
    email: str
    degree: str  # the credential: "MD", "PA-C" for a PA certified by NCCPA, "NP"
    npi: str
    licenses: list[str]
    certifications: list[str]
    start: date
    end: date
    on: date
    set_id: str = ""
    set_name: str = ""
    set_version: int | None = None
    authority: str = ""
    status: str = ""
    total_counted: Decimal = ZERO
    rules: list[RuleLine] = field(default_factory=list)
    entries: list[TranscriptEntry] = field(default_factory=list)
    totals: list[TypeTotal] = field(default_factory=list)
    code: str = ""
    generated_at: datetime | None = None
    verify_url: str = ""
    # Where the name stands alone (titles, headings): "Pat Lee, PA-C"; a physician's name.
    clinician_title: str = ""
    unit: str = Unit.CREDITS  # what the set counts in; a range transcript counts credits

    @property
    def counted_words(self) -> str:
        """ "12.5 contact hours counted", in the set's unit."""
        return f"{credits_phrase(self.total_counted, self.unit)} counted"

    @property
    def total_claimed(self) -> Decimal:
        return sum((e.credits for e in self.entries), ZERO)

    @property
    def notes(self) -> list[str]:
        return [
            f"{rule.name}: {rule.note or 'this rule is not confirmed by its authority yet.'}"
            for rule in self.rules
            if rule.unconfirmed
        ]

    @property
    def period(self) -> str:
        return f"{day_text(self.start)} to {day_text(self.end)}"


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        Status.MET: "Met",
        Status.ON_TRACK: "On track",
        Status.BEHIND: "Behind",
        Status.NOT_MET: "Not met",
        Status.NOT_APPLICABLE: "Does not apply",
    }
    return labels.get(status, status)


def gather(
    user: User,
    *,
    set_id: str | None = None,
    on: date | None = None,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> Transcript:
    """A set's cycle (the one holding `on`, default today) or, with no set, a date range."""
    today = today or timezone.localdate()
    result = None
    if set_id:
        if start or end:
            raise TranscriptError("Ask for a set's cycle or for a date range, not both.")
        result = _set_result(user, set_id, on or today, today)
        data = _identity(user, result.cycle_start, result.cycle_end, on or today)
        _fill_from_set(data, result)
    else:
        _check_range(start, end, today)
        assert start is not None and end is not None  # _check_range refuses a missing date
        data = _identity(user, start, end, today)
    data.entries = _entries(user, data.start, data.end, _counted_by(result))
    data.totals = _totals(data.entries)
    return data


def _check_range(start: date | None, end: date | None, today: date) -> None:
    if start is None or end is None:
        raise TranscriptError("Choose a requirement set, or both a start and an end date.")
    if end < start:
        raise TranscriptError(f"The end date {end} is before the start date {start}.")
    if start < EARLIEST or start > today:
        raise TranscriptError(f"The start date {start} must be between {EARLIEST} and today.")
    if (end - start).days > MAX_RANGE_DAYS:
        raise TranscriptError("A date range can span at most 12 years.")


def _set_result(user: User, set_id: str, on: date, today: date) -> SetResult:
    if len(set_id) > 64 or not SET_ID.fullmatch(set_id):
        raise TranscriptError(f"You do not follow the requirement set {set_id!r}.")
    if on < EARLIEST or on > date(today.year + 10, 12, 31):
        raise TranscriptError(f"The date {on} is out of range for a cycle.")
    report = progress.report(user, on, set_id)
    if not report.sets:
        raise TranscriptError(f"You do not follow the requirement set {set_id}.")
    item = report.sets[0]
    if item.result is None:
        raise TranscriptError(item.problem or f"No result for {set_id}.")
    result = item.result
    if result.cycle_end < on:
        # A cycle that has ended is judged on its last day, as its authority would.
        result = progress.report(user, result.cycle_end, set_id).sets[0].result or result
    return result


def _identity(user: User, start: date, end: date, on: date) -> Transcript:
    profile = ClinicianProfile.objects.filter(user=user).first()
    licenses = [
        license_words(lic) + (f", expires {day_text(lic.expires_on)}" if lic.expires_on else "")
        for lic in user.licenses.order_by("state", "number")
    ]
    # The certifying body by its full name ("National Commission on Certification of
    # Physician Assistants"), as the Board row spells it.
    certifications = [
        f"{cert.board.name}"
        + (f", {cert.specialty}" if cert.specialty else "")
        + (f", ID {cert.board_id_number}" if cert.board_id_number else "")
        + f", cycle {day_text(cert.cycle_start)} to {day_text(cert.cycle_end)}"
        for cert in user.certifications.select_related("board").order_by("cycle_start")
    ]
    return Transcript(
        clinician_name=user.display_name,
        clinician_title=display_name_with_credential(user, on),
        email=user.email,
        degree=credential(user, on, profile.degree if profile else ""),
        npi=profile.npi if profile else "",
        licenses=licenses,
        certifications=certifications,
        start=start,
        end=end,
        on=on,
    )


def _fill_from_set(data: Transcript, result: SetResult) -> None:
    data.set_id = result.set_id
    data.set_name = result.name
    data.set_version = result.version
    data.authority = result.authority
    data.status = result.status
    data.total_counted = result.total_counted
    data.unit = result.unit
    data.rules = [
        RuleLine(
            name=rule.name,
            required=rule.required,
            counted=rule.counted,
            remaining=rule.remaining,
            status=rule.status,
            kind=rule.kind,
            unconfirmed=rule.confidence == Confidence.UNCONFIRMED,
            note=rule.note,
        )
        for rule in result.rules
    ]


def _counted_by(result: SetResult | None) -> dict[str, Decimal] | None:
    if result is None:
        return None
    return {entry.id: entry.counted for entry in result.entries}


def _entries(
    user: User, start: date, end: date, counted: dict[str, Decimal] | None
) -> list[TranscriptEntry]:
    rows = (
        CreditEntry.objects.counted()
        .owned_by(user)
        .filter(completed_on__gte=start, completed_on__lte=end)
    )
    topics: dict[str, list[str]] = {}
    for entry_id, topic in EntryTopic.objects.filter(entry__in=rows).values_list(
        "entry_id", "topic"
    ):
        topics.setdefault(str(entry_id), []).append(topic)
    certificates: dict[str, list[str]] = {}
    links = CreditEntry.certificates.through.objects.filter(creditentry__in=rows)
    for entry_id, certificate_id in links.order_by(
        "certificate__uploaded_at", "certificate_id"
    ).values_list("creditentry_id", "certificate_id"):
        certificates.setdefault(str(entry_id), []).append(str(certificate_id))
    fields = (
        "id", "completed_on", "title", "provider", "accreditor", "credit_type", "credits",
        "source", "reported_by__name", "awarded_as",
    )  # fmt: skip
    out = []
    for row in rows.order_by("completed_on", "created_at").values_list(*fields):
        (pk, completed_on, title, provider, accreditor, credit_type, credits, source, org,
         awarded_as) = row  # fmt: skip
        key = str(pk)
        out.append(
            TranscriptEntry(
                id=key,
                completed_on=completed_on,
                title=title,
                provider=provider or org or "",
                accreditor=accreditor,
                credit_type=credit_type,
                credits=credits,
                counted=None if counted is None else counted.get(key, ZERO),
                topics=sorted(topics.get(key, [])),
                source=source if source != Source.ORGANIZATION or not org else f"{source}:{org}",
                certificate_ids=certificates.get(key, []),
                awarded_as=awarded_as,
            )
        )
    return out


def _totals(entries: list[TranscriptEntry]) -> list[TypeTotal]:
    sums: dict[tuple[str, str], list] = {}
    for entry in entries:
        item = sums.setdefault((entry.credit_type, entry.awarded_as), [ZERO, 0])
        item[0] += entry.credits
        item[1] += 1
    return [
        TypeTotal(code, total, count, awarded_as)
        for (code, awarded_as), (total, count) in sorted(sums.items())
    ]


def label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def source_label(source: str) -> str:
    code, _, organization = source.partition(":")
    return f"Reported by {organization}" if organization else label(Source, code)


def verify_url() -> str:
    return settings.SITE_URL.rstrip("/") + "/verify/"


@transaction.atomic
def issue(
    user: User,
    *,
    set_id: str | None = None,
    on: date | None = None,
    start: date | None = None,
    end: date | None = None,
    share_link: ShareLink | None = None,
    data: Transcript | None = None,
) -> tuple[bytes, IssuedTranscript]:
    """The transcript PDF, with its verification code recorded against these exact bytes;
    `data` is one already gathered, so a packet's transcript and cover agree."""
    from cmeledger.reports.transcript_pdf import transcript_pdf

    if data is None:
        data = gather(user, set_id=set_id, on=on, start=start, end=end)
    data.code = new_code()
    data.generated_at = timezone.now()
    data.verify_url = verify_url()
    pdf = transcript_pdf(data)
    issued = IssuedTranscript.objects.create(
        code=data.code,
        clinician=user,
        share_link=share_link,
        set_id=data.set_id,
        set_version=data.set_version,
        start=data.start,
        end=data.end,
        status=data.status,
        total_credits=data.total_counted if data.set_id else data.total_claimed,
        entry_count=len(data.entries),
        sha256=hashlib.sha256(pdf).hexdigest(),
        generated_at=data.generated_at,
    )
    return pdf, issued


def default_filename(data_or_issued: Transcript | IssuedTranscript) -> str:
    subject = data_or_issued.set_id or "range"
    return f"transcript-{subject}-{data_or_issued.start:%Y%m%d}-{data_or_issued.end:%Y%m%d}.pdf"
