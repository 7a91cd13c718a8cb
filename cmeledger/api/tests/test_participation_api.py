"""Certificates of participation through the API: the field, its defaults, bad input."""

from __future__ import annotations

import json

import pytest

from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Stroke rehabilitation update",
    "completed_on": "2025-06-01",
    "credit_type": "ama-pra-1",
    "credits": "2.00",
}


def post(client, data):
    return client.post("/api/v1/entries", json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_an_entry_without_awarded_as_is_credit(api):
    body = post(api, NEW).json()
    assert body["awarded_as"] == "credit"


def test_a_certificate_of_participation_is_created_and_read_back(api):
    response = post(api, NEW | {"awarded_as": "participation"})
    assert response.status_code == 201, response.content
    assert response.json()["awarded_as"] == "participation"
    assert api.get(f"/api/v1/entries/{response.json()['id']}").json()["awarded_as"] == (
        "participation"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"awarded_as": "honorary"}, "Input should be 'credit' or 'participation'"),
        ({"awarded_as": None}, "Input should be 'credit' or 'participation'"),
        (
            {"awarded_as": "participation", "credit_type": "attendance"},
            "A certificate of participation is for an activity designated for credit; "
            "Certificate of attendance is not designated.",
        ),
    ],
)
def test_a_bad_awarded_as_is_422_naming_the_field(api, change, message):
    response = post(api, NEW | change)
    assert response.status_code == 422, response.content
    assert message in response.json()["errors"]["awarded_as"][0]
    assert not CreditEntry.objects.exists()


def test_patching_awarded_as_changes_it_and_null_is_refused(api, alice):
    entry = services.create_entry(alice, alice, entry_fields())
    url = f"/api/v1/entries/{entry.pk}"
    assert patch(api, url, {"awarded_as": "participation"}).json()["awarded_as"] == "participation"
    response = patch(api, url, {"awarded_as": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {"awarded_as": ["This field cannot be null."]}


def test_patching_another_clinicians_entry_is_404(bob_api, alice):
    entry = services.create_entry(alice, alice, entry_fields())
    response = patch(bob_api, f"/api/v1/entries/{entry.pk}", {"awarded_as": "participation"})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.awarded_as == "credit"
