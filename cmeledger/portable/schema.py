"""The portable ledger: one clinician's profile, licenses, certifications, certificates
and entries (with history) as a JSON document, optionally zipped with the files.

Export and import are inverses: exporting, importing into an empty install and
exporting again gives the same document. Import checks the whole file first and writes
in one transaction, so a bad file imports nothing. Entries merge by id, so importing the
same file twice changes nothing. Format reference: docs/formats/ledger.md.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field

from cmeledger.accounts.models import Degree
from cmeledger.ledger.models import CertificateKind, RevisionAction
from cmeledger.ledger.vocabulary import (
    Accreditor,
    ActivityKind,
    AwardedAs,
    CreditType,
    Source,
    Topic,
)
from cmeledger.lib.states import USState

FORMAT = "cmeledger-ledger"
VERSION = 1
LEDGER_MEMBER = "ledger.json"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class ProfileDoc(Strict):
    middle_name: str = Field("", max_length=100)
    degree: Degree
    npi: str = Field("", pattern=r"^(\d{10})?$")
    birth_month: int | None = Field(None, ge=1, le=12)
    birth_day: int | None = Field(None, ge=1, le=31)
    specialty: str = Field("", max_length=120)


class LicenseDoc(Strict):
    state: USState
    profession: Degree
    number: str = Field(min_length=1, max_length=40)
    issued_on: date | None = None
    expires_on: date | None = None
    dea_registrant: bool = False
    direct_patient_care: bool = True
    first_licensed_on: date | None = None


class CertificationDoc(Strict):
    board: str = Field(
        description="The certifying body's code: a board such as `abpmr`, or `nccpa`, "
        "`aanpcb`, `ancc`; one the install knows.",
        max_length=32,
    )
    board_id_number: str = Field(
        "",
        description="The board ID, NCCPA ID or certificate number the body gives.",
        max_length=40,
    )
    specialty: str = Field("", max_length=120)
    cycle_start: date
    cycle_end: date


class ClinicianDoc(Strict):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    profile: ProfileDoc | None = None
    licenses: list[LicenseDoc] = []
    certifications: list[CertificationDoc] = []


class CertificateDoc(Strict):
    id: UUID
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    original_name: str = Field(min_length=1, max_length=255)
    content_type: CertificateKind
    size: int = Field(ge=1)
    page_count: int = Field(1, ge=1)
    uploaded_at: datetime
    file: str | None = Field(
        None, description="The file's path inside the zip; null in a JSON-only export."
    )


class ReporterDoc(Strict):
    slug: str = Field(pattern=r"^[-a-zA-Z0-9_]{1,64}$")
    name: str = Field(min_length=1, max_length=200)


class RevisionDoc(Strict):
    action: RevisionAction
    at: datetime
    actor: str | None = Field(None, description="The email of who made the change.")
    changes: dict[str, Any] = {}


class EntryDoc(Strict):
    id: UUID
    title: str = Field(min_length=1, max_length=300)
    provider: str = Field("", max_length=200)
    accreditor: Accreditor | None = None
    activity_kind: ActivityKind = ActivityKind.LIVE
    start_date: date | None = None
    end_date: date | None = None
    completed_on: date
    credit_type: CreditType
    credits: Decimal = Field(description='Decimal string in steps of 0.25, e.g. "2.50".')
    awarded_as: AwardedAs = Field(
        AwardedAs.CREDIT,
        description='"participation": a certificate of participation for an activity '
        "designated for credit_type (a PA or NP at an AMA PRA Category 1 activity), "
        "not the credit itself.",
    )
    topics: list[Topic] = []
    specialty_related: bool = False
    notes: str = Field("", max_length=5000)
    source: Source = Source.SELF
    reported_by: ReporterDoc | None = None
    certificates: list[UUID] = Field([], description="Ids from the top-level certificates.")
    created_at: datetime
    deleted_at: datetime | None = None
    history: list[RevisionDoc] = []


class LicenseKey(Strict):
    state: USState
    profession: Degree
    number: str = Field(min_length=1, max_length=40)


class CertificationKey(Strict):
    board: str = Field(max_length=32)
    board_id_number: str = Field("", max_length=40)
    cycle_start: date


class EnrollmentDoc(Strict):
    """A requirement set the clinician follows; `license` or `certification` names the
    record that enrolled them automatically (both null: chosen by hand)."""

    set_id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    license: LicenseKey | None = None
    certification: CertificationKey | None = None
    automatic: bool = False
    started_on: date
    dropped_at: datetime | None = None


class LedgerDoc(Strict):
    format: Literal["cmeledger-ledger"]
    version: Literal[1]
    exported_at: datetime
    clinician: ClinicianDoc
    enrollments: list[EnrollmentDoc] = []
    certificates: list[CertificateDoc] = []
    entries: list[EntryDoc] = []


def json_schema() -> dict[str, Any]:
    schema = LedgerDoc.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cmeledger.example/formats/ledger-v1.schema.json",
        **schema,
        "title": "CME Ledger portable ledger, version 1",
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def dumps(document: LedgerDoc) -> str:
    return json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def now() -> datetime:
    return timezone.now().replace(microsecond=0)
