"""The dashboard's sections are rendered once and kept (front/overview.py) until anything
they are built from changes: every kind of change shows on the very next view."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.models import Certification, ClinicianProfile, License
from cmeledger.ledger import bulk, services
from cmeledger.ledger.testing import entry_fields
from cmeledger.requirements import progress
from cmeledger.requirements.choices import add_enrollment, drop_enrollment
from cmeledger.requirements.models import RequirementSetVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(monkeypatch):
    """How many times the dashboard ran the calculator."""
    calls: list[date] = []
    real = progress.report

    def counted(user, on, *args, **kwargs):
        calls.append(on)
        return real(user, on, *args, **kwargs)

    monkeypatch.setattr(progress, "report", counted)
    return calls


@pytest.fixture
def alice_sets(alice, board):
    call_command("catalog", "sync", verbosity=0)
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2023, 1, 1), cycle_end=date(2027, 12, 31)
    )
    License.objects.create(clinician=alice, state="TX", number="Q1", expires_on=date(2027, 2, 28))
    from cmeledger.requirements.enrollment import enroll_automatically

    enroll_automatically(alice)
    return alice


def add(user, credits="2.00", **fields):
    topics = fields.pop("topics", ())
    values = entry_fields(credits=Decimal(credits), completed_on=timezone.localdate(), **fields)
    return services.create_entry(user, user, values, topics=topics)


def dashboard(client) -> str:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_with_nothing_changed_does_not_run_the_calculator(
    alice_sets, alice_client, reports
):
    add(alice_sets)
    first = dashboard(alice_client)
    second = dashboard(alice_client)
    assert len(reports) == 1
    section = first.index('id="standing-heading"'), first.index('id="entries-heading"')
    assert first[slice(*section)] == second[slice(*section)]


def test_an_added_entry_shows_at_once(alice_sets, alice_client, reports):
    dashboard(alice_client)
    add(alice_sets, "7.25", title="Stroke rehabilitation update")
    page = dashboard(alice_client)
    assert len(reports) == 2
    assert "Stroke rehabilitation update" in page
    assert "7.25" in page


def _edit(user):
    entry = add(user, "1.00", title="Edited later")
    return lambda: services.update_entry(entry, user, {"credits": Decimal("3.50")})


def _topics(user):
    entry = add(user, "1.00", topics=["ethics"])
    return lambda: services.update_entry(entry, user, {}, topics=["pain-management"])


def _delete(user):
    entry = add(user, "1.00")
    return lambda: services.delete_entry(entry, user)


def _restore(user):
    entry = add(user, "1.00")
    services.delete_entry(entry, user)
    return lambda: services.restore_entry(entry, user)


def _bulk(user):
    fields = entry_fields(completed_on=timezone.localdate())
    return lambda: bulk.create_entries([bulk.NewEntry(clinician_id=user.pk, **fields)], None)


def _license(user):
    return lambda: License.objects.create(
        clinician=user, state="CA", number="A1", expires_on=date(2027, 4, 30)
    )


def _drop(user):
    enrollment = user.enrollments.first()
    return lambda: drop_enrollment(user, enrollment.pk)


def _choose(user):
    return lambda: add_enrollment(user, "ama-pra-3y")


def _profile(user):
    return lambda: ClinicianProfile.objects.filter(user=user).update(specialty="Sports medicine")


def _catalog(user):
    newest = RequirementSetVersion.objects.order_by("-pk").first()
    return lambda: RequirementSetVersion.objects.create(
        set_id=newest.set_id,
        version=newest.version + 1,
        name=newest.name,
        authority=newest.authority,
        kind=newest.kind,
        effective_from=newest.effective_from,
        definition=newest.definition,
        digest="0" * 64,
    )


@pytest.mark.parametrize(
    "change",
    [_edit, _topics, _delete, _restore, _bulk, _license, _drop, _choose, _profile, _catalog],
    ids=lambda f: f.__name__.strip("_"),
)
def test_every_kind_of_change_makes_the_next_view_recompute(
    alice_sets, alice_client, reports, change
):
    apply = change(alice_sets)
    stamp = progress.inputs_stamp(alice_sets)
    dashboard(alice_client)
    dashboard(alice_client)
    assert len(reports) == 1
    apply()
    assert progress.inputs_stamp(alice_sets) != stamp
    dashboard(alice_client)
    assert len(reports) == 2


def test_the_next_day_recomputes(alice_sets, alice_client, reports):
    dashboard(alice_client)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        dashboard(alice_client)
    assert reports[0] + timedelta(days=1) == reports[1]


def test_another_clinician_never_sees_kept_sections(alice_sets, alice_client, bob, client):
    add(alice_sets, "4.75", title="Alice only")
    assert "Texas" in dashboard(alice_client)
    client.force_login(bob)
    page = dashboard(client)
    assert "Alice only" not in page
    assert "Texas" not in page
