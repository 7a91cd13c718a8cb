"""The API's request and response shapes (apart from the models, as DESIGN.md asks)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field

from cmeledger.accounts.models import Degree, IdentifierState
from cmeledger.ledger.vocabulary import (
    Accreditor,
    ActivityKind,
    AwardedAs,
    CreditType,
    Source,
    Topic,
)

# Far beyond any real ledger, and inside every database's integer range.
MAX_OFFSET = 1_000_000


class ErrorOut(Schema):
    error: str


class ValidationErrorOut(Schema):
    errors: dict[str, list[str]] = Field(
        description="Messages by field; nested fields are dotted, e.g. `topics.0`."
    )


STATE_NOTE = (
    'Who verified it and when ("ABPMR roster, 2026-12-03"), or why it is disputed; '
    "empty while claimed."
)


class ProfileOut(Schema):
    middle_name: str
    degree: Degree
    npi: str
    npi_state: IdentifierState = Field(description="claimed, verified or disputed.")
    npi_state_note: str = Field(description=STATE_NOTE)
    birth_month: int | None
    birth_day: int | None
    specialty: str


class LicenseOut(Schema):
    id: int
    state: str
    profession: str
    number: str
    number_state: IdentifierState = Field(description="claimed, verified or disputed.")
    number_state_note: str = Field(description=STATE_NOTE)
    issued_on: date | None
    expires_on: date | None
    dea_registrant: bool
    direct_patient_care: bool
    first_licensed_on: date | None


class CertificationOut(Schema):
    id: int
    board: str = Field(
        description="The certifying body's code: a board such as `abpmr`, or `nccpa`, "
        "`aanpcb`, `ancc`."
    )
    board_name: str
    board_profession: str = Field(description="Whom the body certifies: `physician`, `PA` or `NP`.")
    credential: str = Field(
        description="What its certificants write after their name, e.g. `PA-C`; "
        "empty for the ABMS and AOA boards."
    )
    board_id_number: str = Field(
        description="The board ID, NCCPA ID or certificate number the body gives."
    )
    board_id_state: IdentifierState = Field(description="claimed, verified or disputed.")
    board_id_state_note: str = Field(description=STATE_NOTE)
    specialty: str
    cycle_start: date
    cycle_end: date


class MeOut(Schema):
    email: str
    first_name: str
    last_name: str
    role: str
    profile: ProfileOut | None = None
    licenses: list[LicenseOut] = []
    certifications: list[CertificationOut] = []


class ReporterOut(Schema):
    slug: str
    name: str


class EntryOut(Schema):
    id: UUID
    title: str
    provider: str
    accreditor: Accreditor | None
    activity_kind: ActivityKind
    start_date: date | None
    end_date: date | None
    completed_on: date
    credit_type: CreditType
    credits: Decimal = Field(description='In steps of 0.25, as a string such as `"2.50"`.')
    awarded_as: AwardedAs = Field(
        AwardedAs.CREDIT,
        description="`participation`: a certificate of participation for an activity "
        "designated for `credit_type` (a PA or NP at an AMA PRA Category 1 activity), "
        "not the credit itself; only designated credit types.",
    )
    topics: list[Topic]
    specialty_related: bool
    notes: str
    source: Source
    reported_by: ReporterOut | None
    certificate_ids: list[UUID]
    editable: bool = Field(description="False for entries their reporter owns.")
    deleted: bool
    created_at: datetime
    updated_at: datetime


class EntryIn(Schema):
    # A misspelt or read-only field (`source`, `id`) is refused, not silently dropped.
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    provider: str = Field("", max_length=200)
    accreditor: Accreditor | None = None
    activity_kind: ActivityKind = ActivityKind.LIVE
    start_date: date | None = None
    end_date: date | None = None
    completed_on: date
    credit_type: CreditType
    credits: Decimal = Field(description="Above 0, at most 100, in steps of 0.25.")
    awarded_as: AwardedAs = Field(
        AwardedAs.CREDIT,
        description="`participation`: a certificate of participation for an activity "
        "designated for `credit_type` (a PA or NP at an AMA PRA Category 1 activity), "
        "not the credit itself; only designated credit types.",
    )
    topics: list[Topic] = []
    specialty_related: bool = False
    notes: str = Field("", max_length=5000)
    certificate_ids: list[UUID] = []
    captured_from: UUID | None = Field(
        None,
        description="The certificate whose draft this entry confirms: the entry's source "
        "becomes `captured` and the certificate is attached.",
    )


class EntryPatch(Schema):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=300)
    provider: str | None = Field(None, max_length=200)
    accreditor: Accreditor | None = None
    activity_kind: ActivityKind | None = None
    start_date: date | None = None
    end_date: date | None = None
    completed_on: date | None = None
    credit_type: CreditType | None = None
    credits: Decimal | None = None
    awarded_as: AwardedAs | None = None
    topics: list[Topic] | None = None
    specialty_related: bool | None = None
    notes: str | None = Field(None, max_length=5000)
    certificate_ids: list[UUID] | None = None


class CertificateOut(Schema):
    id: UUID
    original_name: str
    content_type: str
    size: int
    sha256: str
    page_count: int
    uploaded_at: datetime
    entry_ids: list[UUID]
    duplicate: bool = Field(False, description="True when this upload matched a file you had.")


class DraftFieldOut(Schema):
    value: str | list[str] | None
    confidence: Literal["sure", "check", "not-found"]


class DraftOut(Schema):
    page: int
    fields: dict[str, DraftFieldOut] = Field(
        description="learner_name, degree, title, provider, accreditor, start_date, "
        "completed_on, credits, credit_type, activity_kind, location, topics"
    )
    warnings: list[str]


class DraftsOut(Schema):
    certificate: UUID
    status: Literal["queued", "reading", "done"] = Field(
        description="`done` when the drafts are here; otherwise the worker has not read it yet."
    )
    drafts: list[DraftOut]


class ReadingOut(Schema):
    certificate: UUID
    original_name: str
    status: Literal["queued", "reading", "done", "failed"]
    error: str | None = Field(description="Why the file could not be read, when it failed.")
    drafts: int = Field(description="How many certificates were found in the file.")
    entry_ids: list[UUID] = Field(description="Entries already saved from this certificate.")
    queued_at: datetime
    finished_at: datetime | None


class EnrollmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    set_id: str = Field(min_length=1, max_length=64, description="A set id, e.g. `ama-pra-3y`.")
    started_on: date | None = Field(None, description="Follow from this day (default: today).")


class EnrollmentOut(Schema):
    id: int
    set_id: str
    name: str | None = Field(description="The set's name in its newest version.")
    kind: str | None
    authority: str | None
    automatic: bool = Field(description="True when a license or certification brought it.")
    license_id: int | None
    certification_id: int | None
    because: str = Field(description='The license or certification it follows from, or "chosen".')
    started_on: date
    dropped_at: datetime | None
    created_at: datetime
