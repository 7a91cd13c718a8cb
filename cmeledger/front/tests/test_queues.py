"""The background work is shared fairly: each kind of job has its own queue, each queue
its own worker process, and a long certificate reading never holds up an import."""

from __future__ import annotations

import importlib
import io
import logging
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from cmeledger.audits.tasks import send_audit_reminders
from cmeledger.boards.tasks import compute_compliance
from cmeledger.capture import services as capture
from cmeledger.capture.models import ReadingStatus
from cmeledger.capture.tasks import read_certificate
from cmeledger.front.management.commands import serve
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.tasks import make_preview
from cmeledger.ledger.testing import make_pdf
from cmeledger.periodic.models import LastRun
from cmeledger.periodic.registry import jobs as periodic_jobs
from cmeledger.reporting import jobs, sample
from cmeledger.reporting.models import SubmissionStatus
from cmeledger.reporting.tasks import import_submission
from cmeledger.reports.tasks import send_reminders

QUEUE_OF = {
    read_certificate: "ocr",
    make_preview: "ocr",
    import_submission: "imports",
    send_reminders: "email",
    send_audit_reminders: "email",
    compute_compliance: "default",
}


@pytest.fixture
def database_queue(settings):
    """Jobs wait in the database until a worker takes them, as in production."""
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }


@pytest.fixture
def partner(board):
    """An organization with a data-sharing agreement, so its files are imported."""
    return sample.ensure_organization("queue-cme", "Queue CME")


@pytest.fixture
def quiet_worker(monkeypatch):
    """The worker command sets up signals and loggers for a process of its own: keep the
    test process's as they were. It also closes connections it finds in a transaction,
    which here is the test's own (Django's test client skips this the same way)."""
    monkeypatch.setattr("signal.signal", lambda *args: None)
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    saved = [(logger.level, list(logger.handlers)) for logger in loggers]
    yield
    for logger, (level, handlers) in zip(loggers, saved, strict=True):
        logger.setLevel(level)
        logger.handlers[:] = handlers


def run_worker(*queue_args: str) -> str:
    out = io.StringIO()
    call_command("worker", *queue_args, "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    return out.getvalue()


def all_tasks() -> set[Task]:
    found = set()
    for path in Path(__file__).resolve().parents[2].glob("*/tasks.py"):
        module = importlib.import_module(f"cmeledger.{path.parent.name}.tasks")
        found |= {value for value in vars(module).values() if isinstance(value, Task)}
    return found


def test_every_task_has_chosen_its_queue():
    assert {task: task.queue_name for task in all_tasks()} == QUEUE_OF


def queued() -> list[tuple[str, str]]:
    rows = DBTaskResult.objects.filter(status="READY")
    return sorted(rows.values_list("task_path", "queue_name"))


def test_the_app_enqueues_each_job_on_its_queue(
    alice_client, alice, partner, board, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            reverse("certificates"), {"upload": [SimpleUploadedFile("c.pdf", make_pdf("One"))]}
        )
        capture.queue([store_certificate(alice, make_pdf("Two"), "two.pdf").certificate])
        jobs.submit_file(partner, one_row_file(partner), user=None)
    send_reminders.enqueue()
    send_audit_reminders.enqueue()
    compute_compliance.enqueue(board.pk, "abpmr-cc")

    assert queued() == [
        ("cmeledger.audits.tasks.send_audit_reminders", "email"),
        ("cmeledger.boards.tasks.compute_compliance", "default"),
        ("cmeledger.capture.tasks.read_certificate", "ocr"),
        ("cmeledger.ledger.tasks.make_preview", "ocr"),
        ("cmeledger.reporting.tasks.import_submission", "imports"),
        ("cmeledger.reports.tasks.send_reminders", "email"),
    ]


def one_row_file(partner) -> SimpleUploadedFile:
    out = io.StringIO()
    sample.write_sample(out, "csv", partner.slug, rows=1, clinicians=1, seed=4)
    return SimpleUploadedFile("one-row.csv", out.getvalue().encode())


def test_an_import_finishes_while_a_long_reading_waits_on_its_own_queue(
    alice, partner, database_queue, quiet_worker, django_capture_on_commit_callbacks
):
    certificate = store_certificate(alice, make_pdf("Fifty scanned pages"), "scan.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        (reading,) = capture.queue([certificate.certificate])
        submission = jobs.submit_file(partner, one_row_file(partner), user=None)

    run_worker("--queue-name", "imports")

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert submission.rows_done >= 1
    reading.refresh_from_db()
    assert reading.status == ReadingStatus.QUEUED
    assert queued() == [("cmeledger.capture.tasks.read_certificate", "ocr")]
    # The reading's own worker takes it in turn.
    run_worker("--queue-name", "ocr")
    reading.refresh_from_db()
    assert reading.status == ReadingStatus.DONE


def test_a_worker_without_a_queue_drains_them_all(
    alice, partner, database_queue, quiet_worker, django_capture_on_commit_callbacks
):
    certificate = store_certificate(alice, make_pdf("One worker"), "one.pdf").certificate
    with django_capture_on_commit_callbacks(execute=True):
        capture.queue([certificate])
        jobs.submit_file(partner, one_row_file(partner), user=None)
    run_worker()
    assert queued() == []
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


def test_the_worker_refuses_a_queue_that_does_not_exist(db, database_queue, quiet_worker):
    with pytest.raises(
        CommandError,
        match=r"Unknown queue 'imprts'; the queues are: default, email, imports, ocr\.",
    ):
        run_worker("--queue-name", "ocr,imprts")


def test_serve_starts_gunicorn_and_one_worker_per_queue(db, monkeypatch):
    started = []

    class Exited:
        """A process that ends at once, which stops `serve` after its first look."""

        returncode = 0

        def __init__(self, args, env=None):
            started.append(args)

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", Exited)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    out = io.StringIO()
    with pytest.raises(CommandError, match="A process stopped unexpectedly"):
        call_command("serve", "--port", "8123", stdout=out, stderr=io.StringIO())

    assert started[0][:3] == [sys.executable, "-m", "gunicorn"]
    workers = [args for args in started if args[2:4] == ["cmeledger", "worker"]]
    assert [args[args.index("--queue-name") + 1] for args in workers] == [
        "ocr",
        "imports",
        "email,default",
    ]
    assert len(started) == 4
    assert "Background workers: one per queue (ocr; imports; email,default)" in out.getvalue()


def test_serve_queues_the_periodic_jobs_of_every_app_on_start(db, monkeypatch):
    monkeypatch.setattr(serve.subprocess, "Popen", ExitedAtOnce)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    with pytest.raises(CommandError):
        call_command("serve", stdout=io.StringIO(), stderr=io.StringIO())
    queued = LastRun.objects.filter(queued_at__isnull=False).values_list("name", flat=True)
    assert sorted(queued) == [job.name for job in periodic_jobs()] != []


def test_serve_hands_its_port_to_the_processes_so_their_links_point_at_it(db, monkeypatch):
    environments = []

    class Exited(ExitedAtOnce):
        def __init__(self, args, env=None):
            environments.append(env)

    monkeypatch.setattr(serve.subprocess, "Popen", Exited)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    with pytest.raises(CommandError):
        call_command("serve", "--port", "9000", stdout=io.StringIO(), stderr=io.StringIO())
    assert [env["PORT"] for env in environments] == ["9000"] * 4


def test_serve_keeps_serving_when_the_periodic_jobs_cannot_be_queued(db, monkeypatch):
    def broken():
        raise RuntimeError("database is locked")

    monkeypatch.setattr(serve, "run_due", broken)
    err = io.StringIO()
    assert serve.queue_periodic(err) is False
    assert "Could not queue the periodic jobs: database is locked" in err.getvalue()


class ExitedAtOnce:
    returncode = 0

    def __init__(self, args, env=None):
        pass

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


def test_serve_without_workers_starts_only_gunicorn(db, monkeypatch):
    started = []

    class Exited:
        returncode = 0

        def __init__(self, args, env=None):
            started.append(args)

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", Exited)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    with pytest.raises(CommandError):
        call_command("serve", "--no-worker", stdout=io.StringIO(), stderr=io.StringIO())
    assert [args[2] for args in started] == ["gunicorn"]
    assert not LastRun.objects.exists()  # no workers to run them: nothing queued
