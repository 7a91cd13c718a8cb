"""What organizations and clinicians do with reported records, for views, API and CLI.

Every function takes the acting user and checks that the object is theirs: an
organization member only touches its organization's records and requests, a clinician
only their own entries. A foreign object is `NotYours`, which callers answer as 404.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cmeledger.accounts.models import ApiToken, Organization, Role, User
from cmeledger.ledger.models import CreditEntry
from cmeledger.reporting import intake
from cmeledger.reporting.intake import Context, Outcome, Status
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
from cmeledger.reporting.records import (
    INDEX,
    BadRow,
    Problem,
    RawRow,
    from_payload,
    storable,
    validate,
)

MAX_BATCH = 10_000


class NotYours(Exception):
    """The object does not exist or belongs to someone else (answered as 404)."""


class Refused(Exception):
    """The action is not possible in the object's state; the message says why."""


def organization_of(user: User) -> Organization:
    if user.role != Role.ORGANIZATION or user.organization is None:
        raise NotYours("This is for members of a reporting organization.")
    return user.organization


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token that acts for the user's organization; the key is shown once."""
    return ApiToken.issue(user, name, organization=organization_of(user))


def organization_tokens(user: User):
    return ApiToken.objects.filter(organization=organization_of(user))


def revoke_token(user: User, token_id: int) -> None:
    token = organization_tokens(user).filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotYours("No such token.")
    token.revoke()


def record_of(user: User, record_id: int) -> ReportedRecord:
    record = ReportedRecord.objects.filter(pk=record_id, organization=organization_of(user)).first()
    if record is None:
        raise NotYours("No such record.")
    return record


def submission_of(organization: Organization, submission_id: int) -> Submission:
    submission = Submission.objects.filter(pk=submission_id, organization=organization).first()
    if submission is None:
        raise NotYours("No such submission.")
    return submission


def search_records(organization: Organization, query: str = "", state: str = ""):
    records = ReportedRecord.objects.filter(organization=organization)
    if state:
        records = records.filter(state=state)
    query = query.strip()
    if query:
        from django.db.models import Q

        records = records.filter(
            Q(record_key=query) | Q(learner__icontains=query) | Q(activity_title__icontains=query)
        )
    return records.order_by("-updated_at", "-id")


def withdraw_record(user: User, record: ReportedRecord) -> None:
    if record.organization_id != organization_of(user).pk:
        raise NotYours("No such record.")
    if record.state == RecordState.WITHDRAWN:
        raise Refused("This record is already withdrawn.")
    with transaction.atomic():
        intake.withdraw(record, user)


def correct_record(
    user: User, record: ReportedRecord, changes: dict[str, str], request: CorrectionRequest | None
) -> list[Problem]:
    """Change fields of a stored record (canonical names, raw text) as if re-sent.
    Returns the problems when the corrected record is invalid; nothing is stored then."""
    organization = organization_of(user)
    if record.organization_id != organization.pk:
        raise NotYours("No such record.")
    if record.state == RecordState.WITHDRAWN:
        raise Refused("A withdrawn record cannot be corrected; report it under a new id.")
    unknown = set(changes) - INDEX.keys() - {"record_id"}
    if unknown or "record_id" in changes:
        raise Refused(
            f"These fields cannot be changed: {', '.join(sorted(unknown or {'record_id'}))}."
        )
    values = list(from_payload(record.payload).values())
    for name, value in changes.items():
        values[INDEX[name]] = value.strip()
    row = RawRow(0, tuple(values))
    with transaction.atomic():
        ctx = Context.of(organization, None, user)
        checked = validate(row, ctx.known_boards, ctx.today)
        if isinstance(checked, list):
            return checked
        problems = ctx.agreement_problems(checked)
        if problems:
            return problems
        if checked.payload() != record.payload:
            intake.apply_change(ctx, record, checked, row.fingerprint(), timezone.now())
        if request is not None:
            resolve(user, request, CorrectionStatus.CORRECTED, "")
    return []


# --- JSON batches from the API -----------------------------------------------------------


def submit_batch(user: User, organization: Organization, rows: list[RawRow | BadRow]):
    """Write an API batch at once; it is kept as a submission with its row errors."""
    if len(rows) > MAX_BATCH:
        raise Refused(f"At most {MAX_BATCH:,} records per request; this one has {len(rows):,}.")
    from cmeledger.reporting.jobs import _tally
    from cmeledger.reporting.json_format import LABELS

    with transaction.atomic():
        submission = Submission.objects.create(
            organization=organization,
            submitted_by=user,
            channel=Channel.API,
            format="json",
            status=SubmissionStatus.RUNNING,
            started_at=timezone.now(),
        )
        ctx = Context.of(organization, submission, user)
        outcomes: list[Outcome] = intake.write_batch(ctx, rows) if rows else []
        RowError.objects.bulk_create(
            [
                RowError(
                    submission=submission,
                    row=o.number,
                    record_key=storable(o.key[:100]),
                    field=storable(LABELS.get(p.field, p.field)[:60]),
                    message=storable(p.message[:500]),
                )
                for o in outcomes
                if o.status == Status.INVALID
                for p in o.problems
            ],
            batch_size=500,
        )
        for name, value in _tally(outcomes).items():
            setattr(submission, name, value)
        submission.rows_done = len(rows)
        submission.status = SubmissionStatus.DONE
        submission.finished_at = timezone.now()
        submission.save()
    return submission, outcomes


# --- corrections ---------------------------------------------------------------------------


def request_correction(user: User, entry: CreditEntry, message: str) -> CorrectionRequest:
    if entry.clinician_id != user.pk or entry.reported_record_id is None:
        raise NotYours("No such reported entry.")
    message = message.strip()
    if not message:
        raise Refused("Say what is wrong, so the organization can correct it.")
    if CorrectionRequest.objects.filter(
        record_id=entry.reported_record_id, clinician=user, status=CorrectionStatus.OPEN
    ).exists():
        raise Refused("You already have an open correction request for this record.")
    return CorrectionRequest.objects.create(
        record_id=entry.reported_record_id, clinician=user, message=message[:2000]
    )


def corrections_for(organization: Organization, status: str = ""):
    requests = CorrectionRequest.objects.filter(record__organization=organization)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("record", "clinician")


def correction_of(user: User, request_id: int) -> CorrectionRequest:
    request = corrections_for(organization_of(user)).filter(pk=request_id).first()
    if request is None:
        raise NotYours("No such correction request.")
    return request


def resolve(user: User, request: CorrectionRequest, status: str, response: str) -> None:
    if request.record.organization_id != organization_of(user).pk:
        raise NotYours("No such correction request.")
    if request.status != CorrectionStatus.OPEN:
        raise Refused("This request has already been answered.")
    if status == CorrectionStatus.DECLINED and not response.strip():
        raise Refused("Give the clinician a reason for declining.")
    request.status = status
    request.response = response.strip()[:2000]
    request.resolved_at = timezone.now()
    request.resolved_by = user
    request.save()
