"""Import jobs: a submission's file read in batches, each committed with its checkpoint.

Crash safety: a batch, its row errors, the counts and the checkpoint (`rows_done`) are
one transaction. A job killed at any moment leaves whole batches only; started again it
skips the rows before the checkpoint and goes on, so it ends with the counts and the
ledger an uninterrupted run would have. A stale worker cannot write after a restart:
each start takes a new `attempt`, and a batch commits only while its attempt is current.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, cast

import xxhash
from django.conf import settings
from django.core.files import File
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cmeledger.accounts.models import Organization, User
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.lib import csvsafe
from cmeledger.lib.bulk import FreshStatistics
from cmeledger.lib.dbretry import connection_lost, wait_for_database
from cmeledger.reporting.formats import FileRejected, Reader, open_reader
from cmeledger.reporting.intake import (
    Context,
    NoAgreement,
    Outcome,
    Status,
    agreement_in_force,
    write_batch,
)
from cmeledger.reporting.models import (
    Channel,
    RecordState,
    ReportedRecord,
    RowError,
    Submission,
    SubmissionStatus,
)
from cmeledger.reporting.records import BadRow, RawRow, storable

Progress = Callable[[Submission], None]


class Superseded(Exception):
    """A newer attempt of the same job has started; this one stops without writing."""


class SubmissionTooLarge(Exception):
    pass


def check_size(size: int) -> None:
    limit = settings.REPORTING_MAX_FILE_BYTES
    if size > limit:
        raise SubmissionTooLarge(
            f"The file is {size / 1_048_576:.1f} MB; files may be at most "
            f"{limit // 1_048_576} MB. Split it into several files."
        )


def submit_file(
    organization: Organization,
    upload: File,
    *,
    user: User | None,
    channel: str = Channel.UPLOAD,
    format: str = "auto",
    encoding: str = "",
    enqueue: bool = True,
) -> Submission:
    """Store an uploaded file as a queued submission and start its job after commit.
    Refused up front, with nothing stored, when the organization may not report today or
    the file is too large, so a caller never gets a job that can only fail."""
    agreement_in_force(organization)
    check_size(upload.size)
    submission = Submission.objects.create(
        organization=organization,
        submitted_by=user,
        channel=channel,
        format="" if format == "auto" else format,
        encoding=encoding,
        original_name=(upload.name or "upload")[-255:],
        size=upload.size,
    )
    submission.file.save(f"{submission.pk}.upload", upload, save=False)
    submission.save(update_fields=["file"])
    if enqueue:
        transaction.on_commit(lambda: start(submission))
    return submission


def start(submission: Submission) -> None:
    from cmeledger.reporting.tasks import import_submission

    attempt = _next_attempt(submission)
    import_submission.enqueue(submission.pk, attempt)


def _next_attempt(submission: Submission) -> int:
    # The heartbeat too: a restarted job waiting for its worker is not stalled again
    # until REPORTING_STALL_SECONDS pass (the periodic resume would restart it twice).
    Submission.objects.filter(pk=submission.pk).update(
        attempt=F("attempt") + 1, heartbeat_at=timezone.now()
    )
    submission.refresh_from_db(fields=["attempt"])
    return submission.attempt


def resume_stalled(older_than: timedelta | None = None) -> list[int]:
    """Start again every unfinished job whose worker has gone quiet (or all unfinished
    jobs when `older_than` is None, as `serve` does before its one worker starts)."""
    unfinished = Submission.objects.filter(
        status__in=(SubmissionStatus.QUEUED, SubmissionStatus.RUNNING)
    ).exclude(file="")
    if older_than is not None:
        cutoff = timezone.now() - older_than
        unfinished = unfinished.filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, submitted_at__lt=cutoff)
        )
    restarted = []
    for submission in unfinished:
        start(submission)
        restarted.append(submission.pk)
    return restarted


def cancel(submission: Submission) -> None:
    """Ask the job to stop after its current batch; what was written stays."""
    if submission.is_finished:
        return
    Submission.objects.filter(pk=submission.pk).update(cancel_requested=True)
    Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.QUEUED).update(
        status=SubmissionStatus.CANCELLED, finished_at=timezone.now()
    )


@contextmanager
def _opened(submission: Submission, path: Path | None) -> Iterator[BinaryIO]:
    if path is not None:
        with open(path, "rb") as handle:
            yield handle
    else:
        with submission.file.open("rb") as handle:
            yield cast(BinaryIO, handle)  # the FieldFile proxies the binary file it opened


def _batches(reader: Reader, skip_through: int, size: int) -> Iterator[list[RawRow | BadRow]]:
    batch: list[RawRow | BadRow] = []
    for row in reader.rows:
        if row.number <= skip_through:
            continue
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tally(outcomes: list[Outcome]) -> dict[str, int]:
    counts = dict.fromkeys(
        ("created", "updated", "unchanged", "withdrawn", "invalid", "matched", "waiting"), 0
    )
    for outcome in outcomes:
        counts[outcome.status] += 1
        if outcome.status in (Status.CREATED, Status.UPDATED):
            if outcome.state == RecordState.MATCHED:
                counts["matched"] += 1
            elif outcome.state in (RecordState.UNMATCHED, RecordState.AMBIGUOUS):
                counts["waiting"] += 1
    return counts


def error_rows(submission: Submission, reader: Reader, outcomes: list[Outcome]) -> list[RowError]:
    return [
        RowError(
            submission=submission,
            row=outcome.number,
            record_key=storable(outcome.key[:100]),
            field=storable(reader.label(problem.field)[:60]),
            message=storable(problem.message[:500]),
        )
        for outcome in outcomes
        if outcome.status == Status.INVALID
        for problem in outcome.problems
    ]


def _commit(
    submission: Submission,
    attempt: int,
    ctx: Context,
    reader: Reader,
    batch: list[RawRow | BadRow],
) -> None:
    with transaction.atomic():
        outcomes = write_batch(ctx, batch)
        RowError.objects.bulk_create(error_rows(submission, reader, outcomes), batch_size=500)
        counts = _tally(outcomes)
        landed = Submission.objects.filter(pk=submission.pk, attempt=attempt).update(
            rows_done=batch[-1].number,
            bytes_done=max(batch[-1].end, submission.bytes_done),
            heartbeat_at=timezone.now(),
            **{name: F(name) + value for name, value in counts.items() if value},
        )
        if not landed:
            raise Superseded
    submission.refresh_from_db()


def run(
    submission: Submission,
    attempt: int | None = None,
    *,
    path: Path | None = None,
    progress: Progress | None = None,
) -> Submission:
    """Read the submission's file to the end (or from its checkpoint) and finish it."""
    if attempt is None:
        attempt = _next_attempt(submission)
    submission.refresh_from_db()
    if submission.is_finished:
        return submission
    if submission.cancel_requested:
        return _finish(submission, attempt, SubmissionStatus.CANCELLED, "Cancelled.")
    claimed = Submission.objects.filter(pk=submission.pk, attempt=attempt).update(
        status=SubmissionStatus.RUNNING,
        started_at=submission.started_at or timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        return submission
    submission.refresh_from_db()
    while True:
        try:
            cancelled = _read(submission, attempt, path, progress)
        except Superseded:
            submission.refresh_from_db()
            return submission
        except (FileRejected, NoAgreement) as error:
            return _finish(submission, attempt, SubmissionStatus.FAILED, str(error))
        except (OperationalError, InterfaceError) as error:
            # The database went away (a restart, a failover): wait for it and go on from
            # the last committed batch, as a restarted worker would.
            if connection.in_atomic_block or not connection_lost(error):
                raise
            wait_for_database()
            submission.refresh_from_db()
            if submission.attempt != attempt:
                return submission
            continue
        if cancelled:
            return _finish(submission, attempt, SubmissionStatus.CANCELLED, "Cancelled.")
        return _finish(submission, attempt, SubmissionStatus.DONE, "")


def _read(
    submission: Submission, attempt: int, path: Path | None, progress: Progress | None
) -> bool:
    """Commit the file's batches after the checkpoint; True if cancelled on the way."""
    ctx = Context.of(submission.organization, submission, submission.submitted_by)
    with _opened(submission, path) as handle:
        reader = open_reader(handle, submission.format or "auto", submission.encoding)
        Submission.objects.filter(pk=submission.pk).update(
            format=reader.format, encoding=reader.encoding
        )
        statistics = FreshStatistics(ReportedRecord, CreditEntry, EntryTopic)
        for batch in _batches(reader, submission.rows_done, settings.REPORTING_BATCH_ROWS):
            _commit(submission, attempt, ctx, reader, batch)
            statistics.wrote(submission.created + submission.updated)
            if progress is not None:
                progress(submission)
            submission.refresh_from_db(fields=["cancel_requested"])
            if submission.cancel_requested:
                return True
    return False


def _finish(submission: Submission, attempt: int, status: str, message: str) -> Submission:
    Submission.objects.filter(pk=submission.pk, attempt=attempt).update(
        status=status,
        message=message,
        finished_at=timezone.now(),
        bytes_done=F("size") if status == SubmissionStatus.DONE else F("bytes_done"),
    )
    submission.refresh_from_db()
    return submission


def file_digest(path: Path) -> str:
    """xxh3-128 of the file's bytes: a few hundredths of a second for a large file."""
    digest = xxhash.xxh3_128()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def interrupted_import(organization: Organization, size: int, digest: str) -> Submission | None:
    """The unfinished `reporting import` of the file with these bytes, if any."""
    return (
        Submission.objects.filter(
            organization=organization,
            channel=Channel.CLI,
            size=size,
            digest=digest,
            status__in=(SubmissionStatus.QUEUED, SubmissionStatus.RUNNING),
        )
        .order_by("-pk")
        .first()
    )


def import_path(
    organization: Organization,
    path: Path,
    *,
    user: User | None = None,
    format: str = "auto",
    encoding: str = "",
    progress: Progress | None = None,
    continuing: Callable[[Submission], None] | None = None,
) -> Submission:
    """`cmeledger reporting import`: read a local file in this process, in batches. An
    import of the same file that was interrupted (killed, power lost) is continued from
    its checkpoint, and ends as an uninterrupted run would have; `continuing` hears of it."""
    size = path.stat().st_size
    check_size(size)
    digest = file_digest(path)
    submission = interrupted_import(organization, size, digest)
    if submission is not None:
        if continuing is not None:
            continuing(submission)
        return run(submission, path=path, progress=progress)
    submission = Submission.objects.create(
        organization=organization,
        submitted_by=user,
        channel=Channel.CLI,
        format="" if format == "auto" else format,
        encoding=encoding,
        original_name=path.name[-255:],
        size=size,
        digest=digest,
    )
    return run(submission, path=path, progress=progress)


def result_csv(submission: Submission) -> Iterator[str]:
    """The rejected rows as CSV (row, record_id, field, message), streamed."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(["row", "record_id", "field", "message"])
    yield flush()
    rows = submission.errors.order_by("row", "id").values_list(
        "row", "record_key", "field", "message"
    )
    for row in rows.iterator(chunk_size=2000):
        writer.writerow(row)
        yield flush()
