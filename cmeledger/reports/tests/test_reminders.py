"""Reminder emails on a frozen clock: one per deadline and step, only while something is
missing, claimed before sending and released when sending fails."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from smtplib import SMTPException

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmeledger.accounts.models import User
from cmeledger.periodic.services import Outcome, run_due
from cmeledger.reports import deadlines, reminders
from cmeledger.reports.models import DeadlinePreferences, SentReminder
from cmeledger.reports.reminders import SendResult, due_step, send_due
from cmeledger.reports.tasks import send_reminders
from cmeledger.reports.tests.deadline_helpers import (
    DEADLINE,
    ONE_YEAR,
    add,
    follow_one_year,
    meet_one_year,
)

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("relay refused")


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://cme.example.test"


def run_on(day: date) -> SendResult:
    """The worker's job, on a clock frozen at `day` (the task reads today from it)."""
    with time_machine.travel(day, tick=False):
        assert timezone.localdate() == day
        return SendResult(**send_reminders.enqueue().return_value)


def steps_sent(user: User) -> list[int]:
    return sorted(
        SentReminder.objects.filter(clinician=user).values_list("days_before", flat=True),
        reverse=True,
    )


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(200, None), (180, 180), (179, 180), (90, 90), (31, 90), (20, 30), (7, 7), (0, 7), (-1, None)],
)
def test_the_due_step_is_the_smallest_one_the_deadline_is_inside(days_left, step):
    assert due_step([180, 90, 30, 7], days_left) == step


def test_across_the_schedule_each_step_is_sent_once_even_when_run_twice(alice):
    follow_one_year(alice)
    add(alice, "Spasticity", "12.00")
    for days in (200, 180, 179, 90, 60, 30, 7, 3, 0):
        day = DEADLINE - timedelta(days=days)
        first, second = run_on(day), run_on(day)
        assert second.sent == 0, day
        assert first.failed == second.failed == 0
    assert steps_sent(alice) == [180, 90, 30, 7]
    assert len(mail.outbox) == 4
    assert [m.subject for m in mail.outbox] == [
        "AMA PRA 1y: 180 days left to complete your CME",
        "AMA PRA 1y: 90 days left to complete your CME",
        "AMA PRA 1y: 30 days left to complete your CME",
        "AMA PRA 1y: 7 days left to complete your CME",
    ]


def test_a_clinician_who_signs_up_20_days_before_gets_only_the_30_day_reminder(alice):
    follow_one_year(alice)
    assert run_on(DEADLINE - timedelta(days=20)).sent == 1
    assert run_on(DEADLINE - timedelta(days=19)).sent == 0
    assert steps_sent(alice) == [30]
    assert run_on(DEADLINE - timedelta(days=7)).sent == 1
    assert steps_sent(alice) == [30, 7]


def test_the_chosen_days_replace_the_defaults(alice):
    follow_one_year(alice)
    deadlines.save_preferences(alice, enabled=True, days=[45, 10])
    for days in (180, 90, 45, 30, 10, 7):
        run_on(DEADLINE - timedelta(days=days))
    assert steps_sent(alice) == [45, 10]


def test_a_met_set_and_an_opted_out_clinician_get_no_reminder(alice, bob):
    follow_one_year(alice)
    meet_one_year(alice)
    follow_one_year(bob)
    DeadlinePreferences.objects.create(clinician=bob, reminders_enabled=False)
    result = run_on(DEADLINE - timedelta(days=30))
    assert (result.sent, result.skipped, result.failed) == (0, 0, 0)
    assert mail.outbox == [] and SentReminder.objects.count() == 0


def test_a_clinician_following_nothing_or_a_closed_account_gets_none(alice, bob):
    follow_one_year(bob)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert run_on(DEADLINE - timedelta(days=30)).sent == 0
    assert mail.outbox == []


def test_the_email_names_the_set_the_deadline_the_days_left_and_the_gap(alice):
    follow_one_year(alice)
    add(alice, "Ethics in rehabilitation", "12.00")
    run_on(DEADLINE - timedelta(days=30))
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    gap = deadlines.of(alice, DEADLINE - timedelta(days=30)).items[0].gap
    assert gap.startswith("38 credits")
    html = message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    for body in (message.body, html):
        assert "AMA PRA certificate, 1 year" in body
        assert "Dec 31, 2026" in body
        assert "30 days from today" in body
        assert gap in body
        assert "https://cme.example.test/" in body
        assert "https://cme.example.test/reports/deadlines/" in body
    assert "Hello Alice," in message.body and "<p>Hello Alice,</p>" in html
    assert "&" not in message.body  # the text part is not HTML-escaped
    assert "Ethics in rehabilitation" not in message.body  # gaps, never entries
    [row] = SentReminder.objects.all()
    assert (row.set_id, row.deadline, row.days_before) == (ONE_YEAR, DEADLINE, 30)
    assert row.subject == message.subject


def test_a_failed_send_releases_the_claim_so_the_next_run_retries(alice, settings, caplog):
    follow_one_year(alice)
    day = DEADLINE - timedelta(days=30)
    settings.EMAIL_BACKEND = "cmeledger.reports.tests.test_reminders.FailingBackend"
    result = run_on(day)
    assert (result.sent, result.failed) == (0, 1)
    assert SentReminder.objects.count() == 0
    assert "will be retried" in caplog.text and "relay refused" in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_on(day).sent == 1
    assert steps_sent(alice) == [30] and len(mail.outbox) == 1


def test_a_reminder_claimed_by_a_concurrent_run_is_skipped_without_an_email(alice):
    follow_one_year(alice)
    day = DEADLINE - timedelta(days=30)
    [item] = deadlines.of(alice, day).upcoming_gaps
    SentReminder.objects.create(clinician=alice, set_id=ONE_YEAR, deadline=DEADLINE, days_before=30)
    result = SendResult()
    reminders.claim_and_send(alice, item, 30, result)
    assert (result.sent, result.skipped) == (0, 1)
    assert mail.outbox == [] and SentReminder.objects.count() == 1


def test_one_clinicians_failure_does_not_stop_the_others(alice, bob, monkeypatch, caplog):
    follow_one_year(alice)
    follow_one_year(bob)
    real = deadlines.of

    def broken_for_alice(user, today):
        if user.pk == alice.pk:
            raise RuntimeError("bad data")
        return real(user, today)

    monkeypatch.setattr(deadlines, "of", broken_for_alice)
    result = send_due(DEADLINE - timedelta(days=30))
    assert (result.sent, result.failed) == (1, 1)
    assert mail.outbox[0].to == ["bob@example.org"]
    assert "bad data" in caplog.text


def test_the_queries_per_clinician_do_not_grow_with_the_entries(alice, bob):
    follow_one_year(alice)
    follow_one_year(bob)
    add(alice, "One", "1.00")
    for n in range(30):
        add(bob, f"Course {n}", "0.25", topics=["ethics"])
    day = DEADLINE - timedelta(days=30)
    with CaptureQueriesContext(connection) as both:
        assert send_due(day).sent == 2
    SentReminder.objects.all().delete()
    bob.enrollments.all().delete()
    with CaptureQueriesContext(connection) as alone:
        assert send_due(day).sent == 1
    per_clinician = len(both) - len(alone)
    # One progress report (a fixed handful), the sent lookup, the claim and its savepoint.
    assert per_clinician <= 12
    assert len(alone) <= 18


# The command and the scheduler -----------------------------------------------------------


def test_the_send_command_sends_what_is_due_on_the_day_given_and_prints_counts(alice):
    follow_one_year(alice)
    out = StringIO()
    call_command("reminders", "send", "--on", "2026-12-01", stdout=out)
    assert out.getvalue().strip() == "Reminders for 2026-12-01: 1 sent, 0 skipped, 0 failed."
    out = StringIO()
    call_command("reminders", "send", "--on", "2026-12-01", stdout=out)
    assert "0 sent, 1 skipped, 0 failed" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_send_command_uses_today_by_default(alice):
    follow_one_year(alice)
    out = StringIO()
    with time_machine.travel(date(2026, 12, 24), tick=False):
        call_command("reminders", "send", stdout=out)
    assert "Reminders for 2026-12-24: 1 sent" in out.getvalue()
    assert steps_sent(alice) == [7]


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", "01/12/2026"])
def test_the_send_command_rejects_a_bad_date_by_name(alice, bad):
    with pytest.raises(CommandError, match=f"--on '{bad}' is not a date; write it as YYYY-MM-DD"):
        call_command("reminders", "send", "--on", bad)


def test_the_send_command_fails_loudly_when_an_email_fails(alice, settings):
    follow_one_year(alice)
    settings.EMAIL_BACKEND = "cmeledger.reports.tests.test_reminders.FailingBackend"
    with pytest.raises(CommandError, match="1 reminder\\(s\\) failed"):
        call_command("reminders", "send", "--on", "2026-12-01", stdout=StringIO())


def test_schedule_once_runs_the_periodic_jobs_the_reminders_among_them(alice):
    follow_one_year(alice)
    out = StringIO()
    with time_machine.travel(date(2026, 12, 1), tick=False):
        call_command("reminders", "schedule", "--once", stdout=out)
    assert "reports.send_reminders: queued" in out.getvalue()
    assert "audits.send_audit_reminders: queued" in out.getvalue()
    assert steps_sent(alice) == [30]  # the test settings run tasks inline


def test_schedule_refuses_an_interval_under_a_minute():
    with pytest.raises(CommandError, match="--every must be at least 60 seconds; got 5"):
        call_command("reminders", "schedule", "--every", "5")


def test_the_periodic_run_enqueues_the_job_and_survives_a_broken_queue(alice, monkeypatch):
    follow_one_year(alice)
    with time_machine.travel(date(2026, 12, 1), tick=False):
        assert Outcome("reports.send_reminders") in run_due()
    assert steps_sent(alice) == [30]

    class BrokenQueue:
        def enqueue(self):
            raise RuntimeError("database is locked")

    monkeypatch.setattr("cmeledger.reports.tasks.send_reminders", BrokenQueue())
    with time_machine.travel(date(2026, 12, 2), tick=False):
        outcomes = run_due()
    assert Outcome("reports.send_reminders", "RuntimeError: database is locked") in outcomes
    assert Outcome("audits.send_audit_reminders") in outcomes
