"""Audit packets, the mock audit and entry exports (clinician only): files and JSON."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cmeledger.api.auth import clinicians
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.ledger.vocabulary import CreditType, Source
from cmeledger.portable.schema import dumps
from cmeledger.reports import exports
from cmeledger.reports.exports import ExportError
from cmeledger.reports.packet import PacketError, missing_proof, write_packet
from cmeledger.reports.transcript import TranscriptError

router = Router(tags=["packets"], auth=clinicians())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _binary(content_type: str, description: str) -> dict:
    schema = {"type": "string", "format": "binary"}
    return {
        "responses": {
            "200": {"description": description, "content": {content_type: {"schema": schema}}}
        }
    }


ZIP = _binary(
    "application/zip",
    "The audit packet: cover sheet, transcript, certificates, manifest.csv, SHA256SUMS.",
)
CSV = _binary("text/csv", "One row per entry; the columns are in docs/audit-packets.md.")
# A JSON document, not bytes: described as an object here; its full JSON Schema is
# `cmeledger ledger schema` (docs/formats/ledger.md), kept out of the OpenAPI document
# because its internal references would not resolve inside it.
LEDGER = {
    "responses": {
        "200": {
            "description": "The portable ledger (docs/formats/ledger.md).",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "required": ["clinician", "entries"]}
                }
            },
        }
    }
}


class Cycle(Schema):
    set: str = Field(min_length=1, max_length=64, description="A requirement set you follow.")
    on: date | None = Field(None, description="The cycle holding this day; default today.")


class Filters(Schema):
    # `from` is a Python keyword, hence the alias.
    start: date | None = Field(None, alias="from", description="Completed on or after.")
    to: date | None = Field(None, description="Completed on or before.")
    credit_type: CreditType | None = None
    source: Source | None = None
    set: str | None = Field(None, max_length=64, description="Only that set's current cycle.")

    def query(self) -> dict[str, str]:
        values = {
            "from": self.start, "to": self.to, "credit_type": self.credit_type,
            "source": self.source, "set": self.set,
        }  # fmt: skip
        return {name: str(value) for name, value in values.items() if value}


class MissingOut(Schema):
    id: str
    completed_on: date
    title: str
    provider: str
    credit_type: str
    credits: Decimal
    organization_reported: bool
    reported_by: str = Field(description="The organization holding the record; empty if yours.")
    advice: str


class MockAuditOut(Schema):
    set_id: str
    count: int
    missing: list[MissingOut]


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/packet", response={200: None, **ERRORS}, openapi_extra=ZIP)
def packet(request: HttpRequest, cycle: Query[Cycle]) -> HttpResponse:
    """The audit packet of a set's cycle. Issues a transcript (listed by GET /transcripts)."""
    target = tempfile.TemporaryFile()
    try:
        summary = write_packet(request.auth, target, set_id=cycle.set, on=cycle.on)
    except (TranscriptError, PacketError) as error:
        target.close()
        return Status(400, {"error": str(error)})
    target.seek(0)
    return _attachment(FileResponse(target, content_type="application/zip"), summary.filename)


@router.get("/mock-audit", response={200: MockAuditOut, **ERRORS})
def mock_audit(request: HttpRequest, cycle: Query[Cycle]) -> dict | Status:
    """The entries of the cycle with no certificate, as an auditor would find them."""
    try:
        gaps = missing_proof(request.auth, set_id=cycle.set, on=cycle.on)
    except TranscriptError as error:
        return Status(400, {"error": str(error)})
    missing = [
        {**asdict(gap), "organization_reported": gap.organization_reported, "advice": gap.advice}
        for gap in gaps
    ]
    return {"set_id": cycle.set, "count": len(missing), "missing": missing}


def _parsed(request: HttpRequest, filters: Filters) -> exports.ExportFilter:
    return exports.parse_filter(request.auth, filters.query())


@router.get("/exports/entries.csv", response={200: None, **ERRORS}, openapi_extra=CSV)
def entries_csv(request: HttpRequest, filters: Query[Filters]) -> HttpResponse:
    """Your counted entries (never deleted ones) as CSV, streamed."""
    try:
        chosen = _parsed(request, filters)
    except ExportError as error:
        return Status(400, {"error": str(error)})
    lines = exports.csv_lines(request.auth, chosen)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _attachment(response, exports.filename(chosen, "csv"))


@router.get("/exports/ledger.json", response={200: None, **ERRORS}, openapi_extra=LEDGER)
def ledger_json(request: HttpRequest, filters: Query[Filters]) -> HttpResponse:
    """The portable ledger of your counted entries, narrowed by the same filters."""
    try:
        chosen = _parsed(request, filters)
    except ExportError as error:
        return Status(400, {"error": str(error)})
    document = exports.ledger_document(request.auth, chosen)
    response = HttpResponse(dumps(document), content_type="application/json")
    return _attachment(response, exports.filename(chosen, "json"))
