"""Import jobs: checkpoints, crash and restart, cancel, hostile files, and the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from cmeledger.ledger.models import CreditEntry
from cmeledger.reporting import intake, jobs, sample
from cmeledger.reporting.models import ReportedRecord, RowError, Submission, SubmissionStatus


@pytest.fixture
def org(db, board):
    return sample.ensure_organization("acme-cme", "Acme CME Institute")


@pytest.fixture
def partner_file(org, tmp_path) -> Path:
    sample.create_clinicians(40)
    path = tmp_path / "partner.tsv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        sample.write_sample(out, "pars", org.slug, rows=500, clinicians=40, seed=7)
    return path


def ledger_state() -> list[tuple]:
    """The whole reported ledger, row by row, without ids that differ between runs."""
    records = sorted(
        ReportedRecord.objects.values_list("record_key", "state", "clinician_id", "payload")
    )
    entries = sorted(
        CreditEntry.objects.values_list(
            "reported_record__record_key", "clinician_id", "credit_type", "credits", "deleted_at"
        )
    )
    return [records, entries]


def test_a_file_job_lands_valid_rows_and_reports_invalid_ones(org, partner_file, settings):
    settings.REPORTING_BATCH_ROWS = 100
    submission = jobs.import_path(org, partner_file)
    assert submission.status == SubmissionStatus.DONE
    assert submission.rows_done == 501
    assert submission.created + submission.invalid == 500
    assert 0 < submission.invalid < 20
    assert submission.waiting > 0 and submission.matched > 400
    assert RowError.objects.filter(submission=submission).count() >= submission.invalid
    assert ReportedRecord.objects.count() == submission.created
    assert submission.percent == 100


def test_running_the_same_file_again_changes_nothing(org, partner_file):
    jobs.import_path(org, partner_file)
    before = ledger_state()
    again = jobs.import_path(org, partner_file)
    assert again.created == again.updated == 0
    assert again.unchanged == ReportedRecord.objects.count()
    assert ledger_state() == before


def test_a_job_killed_mid_file_finishes_with_the_uninterrupted_result(
    org, partner_file, settings, monkeypatch
):
    settings.REPORTING_BATCH_ROWS = 60
    calls = {"n": 0}
    real = intake.write_batch

    def dies_on_the_fourth_batch(ctx, rows):
        calls["n"] += 1
        result = real(ctx, rows)
        if calls["n"] == 4:
            raise SystemExit("worker killed")  # inside the batch's transaction
        return result

    monkeypatch.setattr(jobs, "write_batch", dies_on_the_fourth_batch)
    submission = Submission.objects.create(
        organization=org, channel="cli", size=partner_file.stat().st_size
    )
    with pytest.raises(SystemExit):
        jobs.run(submission, path=partner_file)
    submission.refresh_from_db()
    assert submission.rows_done == 3 * 60 + 1  # three whole batches, the fourth rolled back
    monkeypatch.setattr(jobs, "write_batch", real)
    resumed = jobs.run(submission, path=partner_file)
    crashed_state, crashed_counts = ledger_state(), resumed.counts()

    # The same file, uninterrupted, reported by another organization.
    clean_org = sample.ensure_organization("clean-run", "Clean Run")
    clean_path = partner_file.with_name("clean.tsv")
    clean_path.write_text(partner_file.read_text().replace("acme-cme-", "clean-run-"))
    clean = jobs.import_path(clean_org, clean_path)
    assert crashed_counts == clean.counts()
    clean_records = sorted(
        (
            key.replace("clean-run-", "acme-cme-"),
            state,
            clinician,
            payload.replace("clean-run-", "acme-cme-"),
        )
        for key, state, clinician, payload in ReportedRecord.objects.filter(
            organization=clean_org
        ).values_list("record_key", "state", "clinician_id", "payload")
    )
    assert crashed_state[0] == clean_records
    crashed_entries = [e for e in crashed_state[1] if e[0].startswith("acme-cme-")]
    clean_entries = sorted(
        (key.replace("clean-run-", "acme-cme-"), *rest)
        for key, *rest in CreditEntry.objects.filter(reported_by=clean_org).values_list(
            "reported_record__record_key", "clinician_id", "credit_type", "credits", "deleted_at"
        )
    )
    assert crashed_entries == clean_entries


def test_a_stale_attempt_cannot_write_after_a_restart(org, partner_file):
    submission = Submission.objects.create(organization=org, channel="cli", size=1)
    jobs._next_attempt(submission)
    jobs._next_attempt(submission)  # a restart took attempt 2 while attempt 1 still runs
    stale = jobs.run(submission, attempt=1, path=partner_file)
    assert stale.status == SubmissionStatus.QUEUED
    assert ReportedRecord.objects.count() == 0


def test_a_cancelled_job_stops_after_its_batch(org, partner_file, settings, monkeypatch):
    settings.REPORTING_BATCH_ROWS = 100
    submission = Submission.objects.create(organization=org, channel="cli", size=1)

    def cancel_after_first(sub):
        Submission.objects.filter(pk=sub.pk).update(cancel_requested=True)

    result = jobs.run(submission, path=partner_file, progress=cancel_after_first)
    assert result.status == SubmissionStatus.CANCELLED
    assert result.rows_done == 101
    assert ReportedRecord.objects.count() <= 100


def test_cancelling_a_queued_job_finishes_it_at_once(org):
    submission = Submission.objects.create(organization=org, channel="upload", size=1)
    jobs.cancel(submission)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CANCELLED


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "binary content"),
        (b"record_id,shoe_size\nR1,9\n", "Unknown column"),
        (b"", "empty"),
    ],
)
def test_a_hostile_file_fails_with_a_clear_message_and_stores_nothing(
    org, content, words, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("x.csv", content)
    with django_capture_on_commit_callbacks(execute=True):
        submission = jobs.submit_file(org, upload, user=None)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert words in submission.message
    assert ReportedRecord.objects.count() == 0


def test_an_oversized_file_is_refused_before_it_is_stored(org, settings):
    settings.REPORTING_MAX_FILE_BYTES = 10
    with pytest.raises(jobs.SubmissionTooLarge, match="at most"):
        jobs.submit_file(org, SimpleUploadedFile("x.csv", b"x" * 11), user=None)
    assert Submission.objects.count() == 0


def test_a_file_from_an_organization_without_an_agreement_is_refused_before_it_is_stored(org):
    org.agreement.delete()
    with pytest.raises(intake.NoAgreement, match="Acme CME Institute has no data-sharing"):
        jobs.submit_file(org, SimpleUploadedFile("x.csv", b"npi\n"), user=None)
    assert Submission.objects.count() == 0


def test_an_uploaded_file_runs_as_a_background_job(
    org, partner_file, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("partner.tsv", partner_file.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        submission = jobs.submit_file(org, upload, user=None)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert submission.format == "pars"
    assert submission.created > 400


def test_the_result_file_lists_each_rejected_row(org, partner_file):
    submission = jobs.import_path(org, partner_file)
    rows = list(csv.reader(io.StringIO("".join(jobs.result_csv(submission)))))
    assert rows[0] == ["row", "record_id", "field", "message"]
    assert len(rows) - 1 == RowError.objects.filter(submission=submission).count()
    assert all(row[0].isdigit() and row[3] for row in rows[1:])


def test_resume_restarts_unfinished_jobs(org, partner_file, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("partner.tsv", partner_file.read_bytes())
    submission = jobs.submit_file(org, upload, user=None, enqueue=False)
    assert jobs.resume_stalled() == [submission.pk]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE


def test_the_cli_samples_creates_and_imports(db, board, tmp_path, capsys):
    path = tmp_path / "sample.csv"
    call_command(
        "reporting", "sample", "--org", "cli-org", "--rows", "200", "--clinicians", "20",
        "--output", str(path), "--format", "csv", "--create",
    )  # fmt: skip
    call_command("reporting", "import", str(path), "--org", "cli-org", "--quiet")
    out = capsys.readouterr().out
    assert "20 clinicians created" in out
    assert "done" in out and "created" in out
    assert ReportedRecord.objects.filter(organization__slug="cli-org").count() > 150


def test_the_cli_names_an_unknown_organization_or_file(db, tmp_path):
    with pytest.raises(CommandError, match="No organization"):
        call_command("reporting", "import", str(tmp_path / "x.csv"), "--org", "nobody")
    sample.ensure_organization("real")
    with pytest.raises(CommandError, match="No such file"):
        call_command("reporting", "import", str(tmp_path / "x.csv"), "--org", "real")


@pytest.mark.parametrize("format", ["json", "medbiq", "csv"])
def test_every_sample_format_imports_with_the_same_outcome(db, board, tmp_path, capsys, format):
    path = tmp_path / f"sample.{format}"
    call_command(
        "reporting", "sample", "--org", "fmt-org", "--rows", "120", "--clinicians", "12",
        "--output", str(path), "--format", format, "--create",
    )  # fmt: skip
    assert "Wrote 120" in capsys.readouterr().out
    organization = sample.ensure_organization("fmt-org")
    submission = jobs.import_path(organization, path)
    assert submission.format == format
    assert submission.created + submission.invalid == 120
    assert submission.matched > 100


def test_the_same_cells_under_swapped_columns_are_an_update_not_unchanged(org, tmp_path):
    """The fingerprint of a row read from cells is seeded by its columns: the same cells
    with the name columns swapped say something else and must not be skipped."""
    sample.create_clinicians(2)
    header = "record_id,activity_title,completed_on,first_name,last_name,birth_date,credit_type,credits\n"
    row = "R-9,Gait analysis,2025-02-03,Lee,Ann,03/07,ama-pra-1,1.5\n"
    first = tmp_path / "first.csv"
    first.write_text(header + row)
    swapped = tmp_path / "swapped.csv"
    swapped.write_text(header.replace("first_name,last_name", "last_name,first_name") + row)
    assert jobs.import_path(org, first).created == 1
    again = jobs.import_path(org, swapped)
    assert (again.updated, again.unchanged) == (1, 0)
    record = ReportedRecord.objects.get(record_key="R-9")
    assert record.learner == "Ann Lee"


def test_importing_the_file_again_continues_its_interrupted_import(org, partner_file, settings):
    settings.REPORTING_BATCH_ROWS = 100
    interrupted = Submission.objects.create(
        organization=org,
        channel="cli",
        status=SubmissionStatus.RUNNING,
        size=partner_file.stat().st_size,
        digest=jobs.file_digest(partner_file),
    )
    heard = []
    submission = jobs.import_path(org, partner_file, continuing=heard.append)
    assert submission.pk == interrupted.pk and heard == [interrupted]
    assert submission.status == SubmissionStatus.DONE
    assert Submission.objects.count() == 1


def test_an_interrupted_import_of_other_bytes_is_not_continued(org, partner_file, tmp_path):
    other = tmp_path / "other.tsv"
    other.write_bytes(partner_file.read_bytes().replace(b"acme-cme-", b"acme-cmf-"))
    interrupted = Submission.objects.create(
        organization=org,
        channel="cli",
        status=SubmissionStatus.RUNNING,
        rows_done=301,
        size=other.stat().st_size,
        digest=jobs.file_digest(other),
    )
    submission = jobs.import_path(org, partner_file)
    assert submission.pk != interrupted.pk
    assert submission.rows_done == 501 and submission.created + submission.invalid == 500
    interrupted.refresh_from_db()
    assert (interrupted.status, interrupted.rows_done) == (SubmissionStatus.RUNNING, 301)


def test_planner_statistics_are_refreshed_each_time_the_written_rows_double(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cmeledger.lib.bulk import FreshStatistics

    statistics = FreshStatistics(ReportedRecord, CreditEntry, first_after=100)
    ran = []
    for written in (50, 100, 150, 199, 200, 390, 400):
        with CaptureQueriesContext(connection) as queries:
            statistics.wrote(written)
        if any(query["sql"].startswith("ANALYZE") for query in queries):
            ran.append(written)
    # Only PostgreSQL plans by ANALYZE's statistics; SQLite is left alone.
    assert ran == ([100, 200, 400] if connection.vendor == "postgresql" else [])


def test_an_import_leaves_the_process_wide_csv_field_limit_as_it_found_it(org, partner_file):
    before = csv.field_size_limit()
    submission = jobs.import_path(org, partner_file)
    assert submission.status == SubmissionStatus.DONE
    assert csv.field_size_limit() == before
