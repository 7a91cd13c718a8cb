"""Board audits: a reproducible sample, proof from the clinician, decisions, outcome."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cmeledger.audits import services
from cmeledger.audits.access import entries_under_open_audit, staff_may_see_certificate
from cmeledger.audits.models import Event, Item, ItemState, Reminder
from cmeledger.audits.services import AuditError, Plan
from cmeledger.front.tests.test_board import diplomate
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import make_pdf

pytestmark = pytest.mark.django_db


def plan(**changes) -> Plan:
    today = timezone.localdate()
    base = Plan(
        "2026 audit", date(2022, 1, 1), date(2026, 12, 31), today + timedelta(days=30), 3, 42
    )
    return replace(base, **changes)


@pytest.fixture
def people(board):
    return [diplomate(n, board, "10") for n in range(1, 11)]


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(board_staff, people):
    first = services.start(board_staff, plan())
    again = services.start(board_staff, plan())
    other = services.start(board_staff, plan(seed=7))
    ids = lambda a: sorted(a.subjects.values_list("clinician_id", flat=True))  # noqa: E731
    assert ids(first) == ids(again) and len(ids(first)) == 3
    assert ids(other) != ids(first)
    assert services.draw(list(range(100)), 5, 42) == services.draw(list(range(100)), 5, 42)


def test_without_a_seed_one_is_chosen_and_kept_so_the_draw_can_be_repeated(board_staff, people):
    audit = services.start(board_staff, plan(seed=None))
    again = services.start(board_staff, plan(seed=audit.seed))
    assert set(audit.subjects.values_list("clinician_id", flat=True)) == set(
        again.subjects.values_list("clinician_id", flat=True)
    )
    assert str(audit.seed) in Event.objects.filter(audit=audit).first().text


def test_each_sampled_diplomate_is_asked_for_every_entry_in_the_period(board_staff, people):
    audit = services.start(board_staff, plan())
    for subject in audit.subjects.all():
        entries = CreditEntry.objects.filter(clinician_id=subject.clinician_id)
        assert set(subject.items.values_list("entry_id", flat=True)) == set(
            entries.values_list("pk", flat=True)
        )
        assert all(i.state == ItemState.REQUESTED for i in subject.items.all())


def test_only_the_boards_own_diplomates_are_drawn(board_staff, other_board, people):
    outsider = diplomate(99, other_board, "10")
    audit = services.start(board_staff, plan(sample_size=10))
    assert outsider.pk not in audit.subjects.values_list("clinician_id", flat=True)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"sample_size": 0}, "between 1"),
        ({"sample_size": 11}, "larger than"),
        ({"sample_size": 10**9}, "between 1"),
        ({"due": date(2020, 1, 1)}, "after today"),
        ({"cycle_end": date(2021, 1, 1)}, "end on or after"),
        ({"title": ""}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"seed": -1}, "seed"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_stored(board_staff, people, changes, words):
    with pytest.raises(AuditError, match=words):
        services.start(board_staff, plan(**changes))
    assert not Item.objects.exists()


def test_the_clinician_attaches_their_own_certificate_and_staff_decide(board_staff, people):
    audit = services.start(board_staff, plan(sample_size=1))
    item = Item.objects.get(subject__audit=audit)
    person = item.subject.clinician
    certificate = store_certificate(person, make_pdf("Proof"), "proof.pdf").certificate
    services.attach(person, item, certificate)
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED and item.certificate == certificate
    with pytest.raises(AuditError, match="why"):
        services.decide(board_staff, item, accept=False)
    services.decide(board_staff, item, accept=False, reason="Illegible")
    assert Item.objects.get(pk=item.pk).reason == "Illegible"
    services.decide(board_staff, item, accept=True)
    result = services.close(board_staff, audit)
    assert result.passed == [person.pk] and result.counts["accepted"] == 1
    texts = list(audit.events.values_list("text", flat=True))
    assert texts[0].startswith("Drew 1") and "Rejected (Illegible)" in texts[2]
    assert texts[-1].startswith("Closed: 1 passed")
    with pytest.raises(AuditError, match="closed"):
        services.decide(board_staff, item, accept=False, reason="late")


def test_a_foreign_certificate_or_item_cannot_be_attached(board_staff, people, alice):
    audit = services.start(board_staff, plan(sample_size=1))
    item = Item.objects.get(subject__audit=audit)
    foreign = store_certificate(alice, make_pdf("Alice"), "a.pdf").certificate
    with pytest.raises(AuditError):
        services.attach(item.subject.clinician, item, foreign)
    with pytest.raises(AuditError):
        services.attach(alice, item, foreign)
    assert Item.objects.get(pk=item.pk).state == ItemState.REQUESTED


def test_another_boards_staff_can_neither_find_nor_decide_an_item(
    board_staff, other_board_staff, people
):
    audit = services.start(board_staff, plan(sample_size=1))
    item = Item.objects.get(subject__audit=audit)
    with pytest.raises(AuditError):
        services.staff_item(other_board_staff, item.pk)
    with pytest.raises(AuditError):
        services.decide(other_board_staff, item, accept=True)
    with pytest.raises(AuditError):
        services.close(other_board_staff, audit)
    assert Item.objects.get(pk=item.pk).state == ItemState.REQUESTED


def test_a_subject_with_an_item_not_accepted_fails_the_audit(board_staff, people):
    audit = services.start(board_staff, plan(sample_size=2))
    items = list(Item.objects.filter(subject__audit=audit))
    services.decide(board_staff, items[0], accept=True)
    result = services.close(board_staff, audit)
    assert len(items) == 2  # one entry each
    assert result.passed == [items[0].subject.clinician_id]
    assert result.failed == [items[1].subject.clinician_id]
    assert result.counts["requested"] == len(items) - 1


def test_reminders_go_once_per_step_to_those_with_proof_outstanding(board_staff, people):
    today = timezone.localdate()
    audit = services.start(board_staff, plan(sample_size=2, due=today + timedelta(days=7)))
    mail.outbox.clear()  # the draw told both already
    assert services.send_reminders(today) == 2
    assert services.send_reminders(today) == 0
    assert Reminder.objects.filter(days=7).count() == 2
    assert len(mail.outbox) == 2 and "proof due in 7" in mail.outbox[0].subject
    for item in Item.objects.filter(subject__audit=audit):
        services.decide(board_staff, item, accept=True)
    assert services.send_reminders(today + timedelta(days=6)) == 0


def test_staff_open_a_certificate_only_while_its_entry_is_under_their_open_audit(
    client, board_staff, other_board_staff, people
):
    audit = services.start(board_staff, plan(sample_size=1))
    item = Item.objects.get(subject__audit=audit)
    person = item.subject.clinician
    certificate = store_certificate(person, make_pdf("Proof"), "proof.pdf").certificate
    assert not staff_may_see_certificate(board_staff, certificate)
    services.attach(person, item, certificate)
    assert entries_under_open_audit(board_staff.board, person) == {item.entry_id}
    assert staff_may_see_certificate(board_staff, certificate)
    assert not staff_may_see_certificate(other_board_staff, certificate)
    url = reverse("board-diplomate-certificate", args=[person.pk, certificate.pk])
    client.force_login(board_staff)
    assert url in client.get(reverse("board-diplomate", args=[person.pk])).content.decode()
    assert client.get(url).status_code == 200
    services.close(board_staff, audit)
    assert client.get(url).status_code == 404


def test_the_periodic_run_queues_the_audit_reminders_with_the_deadline_ones(board_staff, people):
    from cmeledger.periodic.services import run_due

    services.start(board_staff, plan(sample_size=1, due=timezone.localdate() + timedelta(days=1)))
    queued = [outcome.job for outcome in run_due() if not outcome.error]
    assert {"audits.send_audit_reminders", "reports.send_reminders"} <= set(queued)
    assert Reminder.objects.filter(days=1).count() == 1


def test_each_sampled_diplomate_is_told_which_entries_need_proof_and_by_when(board_staff, people):
    audit = services.start(board_staff, plan(sample_size=2))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        audit.subjects.values_list("clinician__email", flat=True)
    )
    item = (
        Item.objects.filter(subject__audit=audit)
        .select_related("entry", "subject__clinician")
        .first()
    )
    message = next(m for m in mail.outbox if m.to == [item.subject.clinician.email])
    assert item.entry.title in message.body and f"{audit.due:%B}" in message.subject
