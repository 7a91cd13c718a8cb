"""The periodic jobs of every app run under any deployment: `cmeledger runperiodic` (cron,
a systemd timer) and `cmeledger serve` queue each job once per turn, never twice."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from cmeledger.accounts.models import Board
from cmeledger.boards.compliance import board_sets
from cmeledger.periodic import registry, services
from cmeledger.periodic.models import LastRun
from cmeledger.periodic.registry import Every
from cmeledger.reporting import jobs, sample

pytestmark = pytest.mark.django_db

JOBS = {
    "audits.send_audit_reminders": Every.HOUR,
    "boards.compute_compliance": Every.DAY,
    "reporting.resume_stalled_imports": Every.HOUR,
    "reports.send_reminders": Every.HOUR,
}
MORNING = datetime(2026, 12, 4, 10, 15, tzinfo=UTC)


@pytest.fixture
def calls(monkeypatch) -> Counter[str]:
    """How often each registered job ran; each still does its real work."""
    counter: Counter[str] = Counter()

    def counted(job: registry.PeriodicJob) -> registry.PeriodicJob:
        def run() -> object:
            counter[job.name] += 1
            return job.run()

        return replace(job, run=run)

    monkeypatch.setattr(
        registry, "_jobs", {name: counted(job) for name, job in registry._jobs.items()}
    )
    return counter


def runperiodic() -> str:
    out = io.StringIO()
    call_command("runperiodic", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_every_app_has_registered_its_periodic_jobs():
    assert {job.name: job.every for job in registry.jobs()} == JOBS
    out = io.StringIO()
    call_command("runperiodic", "--list", stdout=out)
    assert "reports.send_reminders  every hour" in out.getvalue()


def test_a_run_queues_every_registered_job_once(calls):
    with time_machine.travel(MORNING, tick=False):
        out = runperiodic()
    assert calls == dict.fromkeys(JOBS, 1)
    assert "reports.send_reminders: queued" in out
    assert set(LastRun.objects.values_list("name", flat=True)) == set(JOBS)


def test_a_second_run_at_once_queues_nothing_new(calls):
    with time_machine.travel(MORNING, tick=False):
        runperiodic()
        assert runperiodic() == ""  # quiet for cron, which mails any output
        out = io.StringIO()
        call_command("runperiodic", "-v", "2", stdout=out)
        assert out.getvalue() == "Nothing due.\n"
    assert calls == dict.fromkeys(JOBS, 1)


def test_hourly_jobs_are_due_again_each_hour_and_the_daily_one_each_day(calls):
    with time_machine.travel(MORNING, tick=False) as clock:
        runperiodic()
        clock.move_to(MORNING.replace(minute=59, second=59))
        runperiodic()
        assert calls == dict.fromkeys(JOBS, 1)
        clock.move_to(MORNING + timedelta(hours=1))
        runperiodic()
        hourly = [name for name, every in JOBS.items() if every is Every.HOUR]
        assert calls == {name: 2 if every is Every.HOUR else 1 for name, every in JOBS.items()}
        clock.move_to(MORNING.replace(hour=0, minute=0) + timedelta(days=1))
        runperiodic()
    assert calls["boards.compute_compliance"] == 2
    assert all(calls[name] == 3 for name in hourly)


def test_a_claim_made_from_a_stale_read_matches_nothing():
    # Two runs at once both read "last queued at 9:00"; the compare-and-set lets one win.
    (job,) = [job for job in registry.jobs() if job.name == "reports.send_reminders"]
    LastRun.objects.create(name=job.name, queued_at=MORNING - timedelta(hours=1))
    previous = MORNING - timedelta(hours=1)
    assert services._claim(job, previous, MORNING) is True
    assert services._claim(job, previous, MORNING + timedelta(seconds=1)) is False
    assert LastRun.objects.get(name=job.name).queued_at == MORNING


def test_a_failing_job_gives_its_claim_back_and_the_others_still_run(calls, monkeypatch):
    from cmeledger.boards import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(tasks, "compute_all_boards", broken)
    with time_machine.travel(MORNING, tick=False):
        with pytest.raises(CommandError, match="1 job\\(s\\) failed .*: boards.compute_compliance"):
            runperiodic()
        assert calls == dict.fromkeys(JOBS, 1)
        assert LastRun.objects.get(name="boards.compute_compliance").queued_at is None
        monkeypatch.undo()
        assert runperiodic() == "boards.compute_compliance: queued\n"


@pytest.fixture
def database_queue(settings):
    """Jobs wait in the database until a worker takes them, as in production."""
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }


def test_each_job_lands_once_on_the_queue_of_its_worker(board, database_queue):
    call_command("catalog", "sync", stdout=io.StringIO())
    partner = sample.ensure_organization("stalled-cme", "Stalled CME")
    out = io.StringIO()
    sample.write_sample(out, "csv", partner.slug, rows=1, clinicians=1, seed=4)
    upload = SimpleUploadedFile("one-row.csv", out.getvalue().encode())
    submission = jobs.submit_file(partner, upload, user=None, enqueue=False)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1), tick=False):
        runperiodic()
        runperiodic()
    queued = Counter(DBTaskResult.objects.values_list("task_path", "queue_name"))
    assert queued == {
        ("cmeledger.reports.tasks.send_reminders", "email"): 1,
        ("cmeledger.audits.tasks.send_audit_reminders", "email"): 1,
        # One run per board and each of its sets, for every seeded board with a set.
        ("cmeledger.boards.tasks.compute_compliance", "default"): sum(
            len(board_sets(b)) for b in Board.objects.all()
        ),
        ("cmeledger.reporting.tasks.import_submission", "imports"): 1,
    }
    assert len(board_sets(board)) > 0
    submission.refresh_from_db()
    assert submission.attempt == 1
