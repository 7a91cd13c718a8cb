"""Reporting, for organizations: completion batches, file jobs, records and corrections.

Every object is looked up within the caller's organization; anything else is 404.
"""

from __future__ import annotations

import codecs
from datetime import date, datetime
from typing import Any, Literal

import orjson
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from cmeledger.api.auth import organizations
from cmeledger.api.pagination import LimitOffset, Listing, paginated
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.reporting import jobs, services
from cmeledger.reporting.json_format import LABELS, flatten
from cmeledger.reporting.matching import describe
from cmeledger.reporting.models import (
    Channel,
    CorrectionRequest,
    CorrectionStatus,
    RecordState,
    ReportedRecord,
    RowError,
    Submission,
    SubmissionStatus,
)

router = Router(tags=["reporting"], auth=organizations())

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


# --- shapes --------------------------------------------------------------------------------


class Counts(Schema):
    created: int = Field(description="Records stored for the first time.")
    updated: int = Field(description="Stored records that the submission changed.")
    unchanged: int = Field(description="Records sent again exactly as stored.")
    withdrawn: int = Field(description='Records withdrawn by `"status": "withdrawn"`.')
    invalid: int = Field(description="Records refused; their errors say why.")
    matched: int = Field(description="Created or updated records credited to a clinician.")
    waiting: int = Field(
        description="Created or updated records waiting until a clinician matches them."
    )


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    records: list[Any] = Field(
        min_length=1,
        description=(
            f"Up to {services.MAX_BATCH:,} completion records in the JSON reporting format "
            "(docs/formats/reporting.md). Each is checked on its own: a bad record gets "
            "its own errors in `results` and the others are still stored."
        ),
    )


class FieldError(Schema):
    field: str = Field(description="The record's own dotted path, e.g. `activity.title`.")
    message: str


class RecordResult(Schema):
    index: int = Field(description="The record's position in `records`, from 1.")
    record_id: str
    status: Literal["created", "updated", "unchanged", "withdrawn", "invalid"]
    state: Literal["matched", "unmatched", "ambiguous", "withdrawn", ""] = Field(
        description="Where the stored record stands; empty for invalid records."
    )
    errors: list[FieldError]


class BatchOut(Schema):
    submission: int = Field(description="The job id this batch is kept under.")
    counts: Counts
    results: list[RecordResult] = Field(description="One per record sent, in order.")


class JobLinks(Schema):
    errors: str = Field(description="The refused rows as JSON, paginated.")
    errors_csv: str = Field(description="The refused rows as CSV.")


class JobOut(Schema):
    id: int
    status: SubmissionStatus
    channel: Channel
    format: str = Field(description="csv, pars, json or medbiq; empty until detected.")
    original_name: str = Field(description="The uploaded file's name; empty for batches.")
    size: int = Field(description="The file's size in bytes.")
    bytes_done: int = Field(description="Bytes of the file read and committed so far.")
    rows_done: int = Field(description="The last row read and committed so far.")
    percent: int = Field(description="0-100, by bytes read; 100 once finished.")
    counts: Counts
    message: str = Field(description="Why the job failed or was cancelled; else empty.")
    cancel_requested: bool
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: JobLinks


class RowErrorOut(Schema):
    row: int = Field(description="The file's row (header = 1) or the batch record's index.")
    record_id: str
    field: str
    message: str


class RecordQuery(Schema):
    q: str = Field(
        "", max_length=200, description="An exact record id, or words of learner or title."
    )
    state: RecordState | None = None


class RecordOut(Schema):
    record_id: str = Field(description="The organization's own id of the record.")
    state: RecordState
    wait_reason: str = Field(
        description='Why the record waits ("last name differs from the account holding its '
        'NPI"); empty once attached.'
    )
    learner: str
    activity_title: str
    completed_on: date
    updated_at: datetime


class RecordDetail(RecordOut):
    matched_by: str = Field(description="The identifier that matched the clinician, if any.")
    match_evidence: str = Field(
        description='What agreed when it attached: "matched by NPI, last name and month/day '
        'of birth (NPI claimed at the time)"; empty while it waits.'
    )
    submission: int | None = Field(description="The job that last stored it.")
    created_at: datetime
    withdrawn_at: datetime | None
    payload: dict[str, Any] = Field(description="The record as stored, in the JSON format.")


class CorrectionQuery(Schema):
    status: CorrectionStatus | None = None


class CorrectionOut(Schema):
    id: int
    record_id: str
    activity_title: str
    learner: str
    message: str = Field(description="What the clinician says is wrong.")
    status: CorrectionStatus
    response: str = Field(description="The organization's answer, e.g. the reason declined.")
    created_at: datetime
    resolved_at: datetime | None


class DeclineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000, description="Shown to the clinician; required.")


# --- helpers -------------------------------------------------------------------------------


def _job(request: HttpRequest, job_id: int) -> Submission:
    try:
        return services.submission_of(request.organization, job_id)
    except services.NotYours:
        raise services.NotYours(f"Your organization has no job {job_id}.") from None


def _record(request: HttpRequest, record_id: str) -> ReportedRecord:
    record = ReportedRecord.objects.filter(
        organization=request.organization, record_key=record_id
    ).first()
    if record is None:
        raise services.NotYours(f"Your organization has no record '{record_id[:100]}'.")
    return record


def job_out(job: Submission) -> dict:
    return {
        **{
            name: getattr(job, name)
            for name in (
                "id",
                "status",
                "channel",
                "format",
                "original_name",
                "size",
                "bytes_done",
                "rows_done",
                "percent",
                "message",
                "cancel_requested",
                "submitted_at",
                "started_at",
                "finished_at",
            )
        },
        "counts": job.counts(),
        "links": {
            "errors": reverse("api:report_job_errors", kwargs={"job_id": job.pk}),
            "errors_csv": reverse("api:report_job_errors_csv", kwargs={"job_id": job.pk}),
        },
    }


def record_out(record: ReportedRecord) -> dict:
    return {
        "record_id": record.record_key,
        "state": record.state,
        "wait_reason": record.wait_reason if record.state != RecordState.MATCHED else "",
        "learner": record.learner,
        "activity_title": record.activity_title,
        "completed_on": record.completed_on,
        "updated_at": record.updated_at,
    }


def record_detail(record: ReportedRecord) -> dict:
    return {
        **record_out(record),
        "matched_by": record.matched_by,
        "match_evidence": describe(record.match_evidence),
        "submission": record.submission_id,
        "created_at": record.created_at,
        "withdrawn_at": record.withdrawn_at,
        "payload": orjson.loads(record.payload),
    }


def correction_out(correction: CorrectionRequest) -> dict:
    return {
        "id": correction.pk,
        "record_id": correction.record.record_key,
        "activity_title": correction.record.activity_title,
        "learner": correction.record.learner,
        "message": correction.message,
        "status": correction.status,
        "response": correction.response,
        "created_at": correction.created_at,
        "resolved_at": correction.resolved_at,
    }


def _checked_encoding(encoding: str) -> str:
    if not encoding:
        return ""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ValidationError(
            {"encoding": f"Unknown encoding '{encoding[:40]}'; for example utf-8 or cp1252."}
        ) from None


# --- batches and files ---------------------------------------------------------------------


@router.post("/reports/completions", response={200: BatchOut, 413: ErrorOut, **ERRORS})
def submit_completions(request: HttpRequest, payload: BatchIn) -> dict:
    """Store a batch of completions at once. Records are keyed by `record_id`: a new id
    is created, a known one updated, one sent again as it was is `unchanged`."""
    records = payload.records
    if len(records) > services.MAX_BATCH:
        raise HttpError(
            413,
            f"At most {services.MAX_BATCH:,} records per request; this one has "
            f"{len(records):,}. Send them in several requests, or upload them as a file "
            "to /api/v1/reports/files. Nothing was stored.",
        )
    rows = [flatten(index, record) for index, record in enumerate(records, 1)]
    with transaction.atomic():
        submission, outcomes = services.submit_batch(request.user, request.organization, rows)
    return {
        "submission": submission.pk,
        "counts": submission.counts(),
        "results": [
            {
                "index": outcome.number,
                "record_id": outcome.key,
                "status": outcome.status,
                "state": outcome.state,
                "errors": [
                    {"field": LABELS.get(p.field, p.field), "message": p.message}
                    for p in outcome.problems
                ],
            }
            for outcome in outcomes
        ],
    }


@router.post("/reports/files", response={202: JobOut, 413: ErrorOut, **ERRORS})
def submit_file(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Literal["auto", "csv", "pars", "json", "medbiq"] = Form(
        "auto", description="The file's format; `auto` detects it from the content."
    ),
    encoding: str = Form(
        "", description="The text encoding, e.g. `cp1252`; default UTF-8 (with or without BOM)."
    ),
) -> Status:
    """Multipart field `file`: a CSV, PARS tab-delimited, JSON or MedBiquitous XML file.
    It is read in the background; follow the job it answers with."""
    checked = _checked_encoding(encoding)
    with transaction.atomic():
        job = jobs.submit_file(
            request.organization,
            file,
            user=request.user,
            channel=Channel.API,
            format=format,
            encoding=checked,
        )
    job.refresh_from_db()
    return Status(202, job_out(job))


# --- jobs ----------------------------------------------------------------------------------


@router.get("/reports/jobs/{int:job_id}", response={200: JobOut, **ERRORS}, url_name="report_job")
def read_job(request: HttpRequest, job_id: int) -> dict:
    """A file upload's or batch's progress and counts."""
    return job_out(_job(request, job_id))


@router.get(
    "/reports/jobs/{int:job_id}/errors",
    response={200: list[RowErrorOut], **ERRORS},
    url_name="report_job_errors",
)
@paginated(LimitOffset)
def list_job_errors(request: HttpRequest, job_id: int) -> Listing:
    """The refused rows, by row: one item per problem."""
    errors = _job(request, job_id).errors.order_by("row", "id")
    return Listing(errors, _row_error_out)


def _row_error_out(error: RowError) -> dict:
    return {
        "row": error.row,
        "record_id": error.record_key,
        "field": error.field,
        "message": error.message,
    }


@router.get(
    "/reports/jobs/{int:job_id}/errors.csv",
    response={200: None, **ERRORS},
    url_name="report_job_errors_csv",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Columns row, record_id, field, message.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_job_errors(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    """The refused rows as CSV, to fix and send again."""
    job = _job(request, job_id)
    response = StreamingHttpResponse(jobs.result_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-errors.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/reports/jobs/{int:job_id}/cancel", response={200: JobOut, **ERRORS})
def cancel_job(request: HttpRequest, job_id: int) -> dict:
    """Stop after the batch being written; what was written stays. A finished job is
    left as it is."""
    job = _job(request, job_id)
    with transaction.atomic():
        jobs.cancel(job)
    job.refresh_from_db()
    return job_out(job)


# --- records -------------------------------------------------------------------------------


@router.get("/reports/records", response={200: list[RecordOut], **ERRORS})
@paginated(LimitOffset)
def list_records(request: HttpRequest, filters: Query[RecordQuery]) -> Listing:
    """The organization's records, most recently changed first."""
    records = services.search_records(
        request.organization, filters.q, filters.state.value if filters.state else ""
    )
    return Listing(records, record_out)


@router.get("/reports/records/{record_id}", response={200: RecordDetail, **ERRORS})
def read_record(request: HttpRequest, record_id: str) -> dict:
    """One record by the organization's own record id."""
    return record_detail(_record(request, record_id))


@router.post("/reports/records/{record_id}/withdraw", response={200: RecordDetail, **ERRORS})
def withdraw_record(request: HttpRequest, record_id: str) -> dict:
    """Take the record out of the clinician's totals; the record and history stay."""
    with transaction.atomic():
        record = _record(request, record_id)
        services.withdraw_record(request.user, record)
    record.refresh_from_db()
    return record_detail(record)


# --- corrections ---------------------------------------------------------------------------


@router.get("/reports/corrections", response={200: list[CorrectionOut], **ERRORS})
@paginated(LimitOffset)
def list_corrections(request: HttpRequest, filters: Query[CorrectionQuery]) -> Listing:
    """Clinicians' requests to correct reported records, newest first."""
    corrections = services.corrections_for(
        request.organization, filters.status.value if filters.status else ""
    ).order_by("-created_at", "-id")
    return Listing(corrections, correction_out)


@router.post(
    "/reports/corrections/{int:correction_id}/decline", response={200: CorrectionOut, **ERRORS}
)
def decline_correction(request: HttpRequest, correction_id: int, payload: DeclineIn) -> dict:
    """Answer an open request without changing the record; the reason is required."""
    with transaction.atomic():
        correction = services.correction_of(request.user, correction_id)
        services.resolve(request.user, correction, CorrectionStatus.DECLINED, payload.reason)
    return correction_out(correction)
