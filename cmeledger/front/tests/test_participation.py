"""Entering and showing a certificate of participation on the ledger pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmeledger.conftest import make_clinician
from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields

pytestmark = pytest.mark.django_db

WORDS = "AMA PRA Category 1 Credit™ — certificate of participation"


def form_data(**overrides) -> dict:
    data = {
        "title": "Stroke rehabilitation update",
        "activity_kind": "live",
        "completed_on": "2025-03-02",
        "credit_type": "ama-pra-1",
        "credits": "2.00",
        "save": "1",
    }
    return data | overrides


@pytest.fixture
def pa_client(client):
    pa = make_clinician("pa@example.org", "Parker", "Assistant", degree="PA")
    client.force_login(pa)
    return client


def test_the_form_asks_what_was_received_in_words_for_a_pa(pa_client):
    html = pa_client.get(reverse("entry-add")).content.decode()
    assert "What you received" in html
    assert "A certificate of participation for an activity designated for this credit" in html
    assert "physician assistants and nurse practitioners receive a certificate of" in html


def test_the_form_speaks_to_a_physician_as_a_physician(alice_client):
    html = alice_client.get(reverse("entry-add")).content.decode()
    assert "Physicians receive the credit." in html


def test_a_pa_saves_a_certificate_of_participation_and_sees_it_named(pa_client):
    response = pa_client.post(reverse("entry-add"), form_data(awarded_as="participation"))
    assert response.status_code == 302, response.context["form"].errors
    entry = CreditEntry.objects.get()
    assert entry.is_participation and entry.credit_type == "ama-pra-1"
    assert WORDS in pa_client.get(reverse("entry-detail", args=[entry.pk])).content.decode()
    assert WORDS in pa_client.get(reverse("dashboard")).content.decode()


def test_a_form_without_the_answer_saves_credit(alice_client):
    assert alice_client.post(reverse("entry-add"), form_data()).status_code == 302
    assert CreditEntry.objects.get().awarded_as == "credit"


def test_participation_with_a_type_that_designates_nothing_is_refused(pa_client):
    response = pa_client.post(
        reverse("entry-add"), form_data(awarded_as="participation", credit_type="attendance")
    )
    assert response.status_code == 400
    assert "Certificate of attendance is not designated" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_an_unknown_answer_is_refused(pa_client):
    response = pa_client.post(reverse("entry-add"), form_data(awarded_as="honorary"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_editing_changes_what_was_received(alice, alice_client):
    entry = services.create_entry(alice, alice, entry_fields())
    data = form_data(awarded_as="participation", start_date="", end_date="")
    response = alice_client.post(reverse("entry-edit", args=[entry.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    entry.refresh_from_db()
    assert entry.is_participation


def test_another_clinicians_entry_cannot_be_edited_to_participation(alice, client, bob):
    entry = services.create_entry(alice, alice, entry_fields())
    client.force_login(bob)
    response = client.post(
        reverse("entry-edit", args=[entry.pk]), form_data(awarded_as="participation")
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.awarded_as == "credit"
