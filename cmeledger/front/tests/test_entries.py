"""The entry pages: add (with Save and Add Another), detail, edit, delete, restore."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry, EntryRevision
from cmeledger.ledger.vocabulary import Source

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "title": "Neuromuscular ultrasound workshop",
        "provider": "Acme CME Institute",
        "accreditor": "accme",
        "activity_kind": "live",
        "start_date": "2025-03-01",
        "end_date": "2025-03-02",
        "completed_on": "2025-03-02",
        "credit_type": "ama-pra-1",
        "credits": "3.25",
        "topics": ["pain-management", "ethics"],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_add_form_shows_both_save_buttons(alice_client):
    response = alice_client.get(reverse("entry-add"))
    assert response.status_code == 200
    assert b'name="save_and_add"' in response.content
    assert b'name="save"' in response.content


def test_saving_creates_the_entry_with_its_topics_and_history(alice, alice_client):
    response = alice_client.post(reverse("entry-add"), form_data(save="1"))
    entry = CreditEntry.objects.get(clinician=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("entry-detail", args=[entry.pk])
    assert entry.credits == Decimal("3.25")
    assert entry.topics == ["ethics", "pain-management"]
    assert entry.source == Source.SELF
    assert entry.revisions.get().actor == alice


def test_save_and_add_another_keeps_provider_dates_and_credit_type(alice, alice_client):
    response = alice_client.post(
        reverse("entry-add"), form_data(save_and_add="1", credit_type="aoa-1a")
    )
    entry = CreditEntry.objects.get(clinician=alice)
    assert response["Location"] == f"{reverse('entry-add')}?after={entry.pk}"

    form = alice_client.get(response["Location"]).context["form"]
    assert form.initial["provider"] == "Acme CME Institute"
    assert form.initial["start_date"] == date(2025, 3, 1)
    assert form.initial["completed_on"] == date(2025, 3, 2)
    assert form.initial["credit_type"] == "aoa-1a"
    assert "title" not in form.initial
    assert "credits" not in form.initial


def test_save_and_add_another_does_not_carry_another_clinicians_entry(alice_client, bob):
    bobs = services.create_entry(bob, bob, _fields(provider="Bob's provider"))
    form = alice_client.get(reverse("entry-add"), {"after": str(bobs.pk)}).context["form"]
    assert form.initial == {}


def test_a_malformed_after_parameter_is_ignored(alice_client):
    response = alice_client.get(reverse("entry-add"), {"after": "not-a-uuid"})
    assert response.status_code == 200
    assert response.context["form"].initial == {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credits", "0", "above 0"),
        ("credits", "1.3", "steps of 0.25"),
        ("credits", "250", "at most 100"),
        ("credits", "lots", "Enter a number"),
        ("credit_type", "ama-pra-9", "Select a valid choice"),
        ("completed_on", "2025-02-30", "Enter a valid date"),
        ("completed_on", (date.today() + timedelta(days=3)).isoformat(), "future"),
        ("end_date", "2025-02-01", "before the start date"),
        ("topics", ["astrology"], "Select a valid choice"),
        ("title", "", "This field is required"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(
    alice_client, field, value, message
):
    response = alice_client.post(reverse("entry-add"), form_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_an_empty_post_is_a_bad_request_not_a_crash(alice_client):
    response = alice_client.post(reverse("entry-add"), {})
    assert response.status_code == 400
    assert not CreditEntry.objects.exists()


def test_only_own_certificates_can_be_chosen_on_the_form(alice, alice_client, bob):
    from cmeledger.ledger.certificates import store_certificate
    from cmeledger.ledger.testing import make_pdf

    store_certificate(alice, make_pdf("Alice"), "alice.pdf")
    bobs = store_certificate(bob, make_pdf("Bob"), "bob.pdf").certificate
    response = alice_client.post(reverse("entry-add"), form_data(certificates=[str(bobs.pk)]))
    assert response.status_code == 400
    assert not CreditEntry.objects.exists()


def _fields(**overrides) -> dict:
    from cmeledger.ledger.testing import entry_fields

    return entry_fields(**overrides)


def test_the_detail_page_shows_the_entry_and_its_history(alice_client, alice_entry):
    response = alice_client.get(reverse("entry-detail", args=[alice_entry.pk]))
    assert response.status_code == 200
    assert alice_entry.title in response.content.decode()
    assert "Created" in response.content.decode()


def test_editing_records_who_changed_what(alice, alice_client, alice_entry):
    data = form_data(title=alice_entry.title, credits="4.00", topics=["ethics"])
    response = alice_client.post(reverse("entry-edit", args=[alice_entry.pk]), data)
    assert response.status_code == 302
    revision = EntryRevision.objects.filter(entry=alice_entry, action="updated").get()
    assert revision.actor == alice
    assert revision.changes["credits"] == ["2.50", "4.00"]
    page = alice_client.get(reverse("entry-detail", args=[alice_entry.pk])).content.decode()
    assert "2.50" in page and "4.00" in page


def test_the_edit_form_starts_from_the_entry(alice_client, alice_entry):
    form = alice_client.get(reverse("entry-edit", args=[alice_entry.pk])).context["form"]
    assert form.initial["title"] == alice_entry.title
    assert form.initial["topics"] == ["ethics"]


def test_a_bad_edit_changes_nothing(alice_client, alice_entry):
    data = form_data(credits="-1")
    response = alice_client.post(reverse("entry-edit", args=[alice_entry.pk]), data)
    assert response.status_code == 400
    alice_entry.refresh_from_db()
    assert alice_entry.credits == Decimal("2.50")
    assert not alice_entry.revisions.filter(action="updated").exists()


def test_delete_then_restore_brings_the_entry_back(alice_client, alice_entry):
    response = alice_client.post(reverse("entry-delete", args=[alice_entry.pk]))
    assert response.status_code == 302
    alice_entry.refresh_from_db()
    assert alice_entry.is_deleted

    deleted_page = alice_client.get(reverse("entries-deleted")).content.decode()
    assert alice_entry.title in deleted_page
    dashboard = alice_client.get(reverse("dashboard")).content.decode()
    assert alice_entry.title not in dashboard

    alice_client.post(reverse("entry-restore", args=[alice_entry.pk]))
    alice_entry.refresh_from_db()
    assert not alice_entry.is_deleted
    actions = list(alice_entry.revisions.values_list("action", flat=True))
    assert actions == ["restored", "deleted", "created"]


@pytest.mark.parametrize("name", ["entry-delete", "entry-restore"])
def test_delete_and_restore_refuse_get(alice_client, alice_entry, name):
    response = alice_client.get(reverse(name, args=[alice_entry.pk]))
    assert response.status_code == 405
    alice_entry.refresh_from_db()
    assert not alice_entry.is_deleted


def test_an_organization_reported_entry_is_read_only(alice, alice_client, organization):
    reported = services.create_entry(alice, None, _fields(), source=Source.ORGANIZATION)
    CreditEntry.objects.filter(pk=reported.pk).update(reported_by=organization)

    detail = alice_client.get(reverse("entry-detail", args=[reported.pk])).content.decode()
    assert reverse("entry-edit", args=[reported.pk]) not in detail
    assert alice_client.get(reverse("entry-edit", args=[reported.pk])).status_code == 403
    edit = alice_client.post(reverse("entry-edit", args=[reported.pk]), form_data())
    assert edit.status_code == 403
    assert alice_client.post(reverse("entry-delete", args=[reported.pk])).status_code == 403
    reported.refresh_from_db()
    assert reported.title == _fields()["title"]
    assert not reported.is_deleted
