"""The entries endpoints: auth, ownership, methods, bad input, happy paths, history."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from cmeledger.accounts.models import ApiToken
from cmeledger.conftest import entry_fields
from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry, EntryRevision
from cmeledger.ledger.testing import make_pdf
from cmeledger.ledger.vocabulary import Source

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Spinal cord injury rehabilitation",
    "provider": "Acme CME Institute",
    "accreditor": "accme",
    "completed_on": "2025-06-01",
    "credit_type": "ama-pra-1",
    "credits": "1.75",
    "topics": ["ethics"],
}


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_without_credentials_every_endpoint_answers_401(client, alice_entry):
    for method, url in [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/entries"),
        ("post", "/api/v1/entries"),
        ("get", f"/api/v1/entries/{alice_entry.pk}"),
        ("delete", f"/api/v1/entries/{alice_entry.pk}"),
        ("get", "/api/v1/certificates"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 401, url
        assert "Bearer" in response.json()["error"]


def test_a_revoked_or_made_up_token_is_refused(alice):
    token, key = ApiToken.issue(alice, "old")
    token.revoke()
    for secret in (key, "cme_madeup", "not-even-prefixed"):
        client = Client(headers={"Authorization": f"Bearer {secret}"})
        assert client.get("/api/v1/entries").status_code == 401


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_get_403_on_the_ledger_but_can_see_themselves(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get("/api/v1/entries")
    assert response.status_code == 403
    assert "for clinicians" in response.json()["error"]
    assert client.get("/api/v1/me").json()["email"] == user.email


def test_me_shows_the_profile_licenses_and_certifications(api, alice, board):
    alice.licenses.create(state="TX", number="Q1", expires_on=date(2026, 8, 31))
    alice.certifications.create(
        board=board, cycle_start=date(2022, 1, 1), cycle_end=date(2026, 12, 31)
    )
    body = api.get("/api/v1/me").json()
    assert body["email"] == "alice@example.org"
    assert body["profile"]["degree"] == "MD"
    assert body["licenses"][0]["state"] == "TX"
    assert body["certifications"][0]["board"] == "abpmr"


def test_creating_an_entry_returns_it_and_records_history(api, alice):
    response = post(api, "/api/v1/entries", NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credits"] == "1.75"
    assert body["topics"] == ["ethics"]
    assert body["source"] == "self" and body["editable"] is True
    entry = CreditEntry.objects.get(pk=body["id"])
    assert entry.clinician == alice
    assert entry.revisions.get().action == "created"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credits": "0.3"}, "credits"),
        ({"credits": "0"}, "credits"),
        ({"credits": "101"}, "credits"),
        ({"credits": "many"}, "credits"),
        ({"credit_type": "ama-pra-9"}, "credit_type"),
        ({"topics": ["astrology"]}, "topics.0"),
        ({"completed_on": "2025-13-01"}, "completed_on"),
        ({"completed_on": (date.today() + timedelta(days=2)).isoformat()}, "completed_on"),
        ({"start_date": "2025-07-01"}, "completed_on"),
        ({"title": ""}, "title"),
        ({"title": 42}, "title"),
        ({"certificate_ids": ["7d1c1a0e-0000-4000-8000-000000000000"]}, "certificate_ids"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(api, change, field):
    response = post(api, "/api/v1/entries", NEW | change)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not CreditEntry.objects.exists()


def test_a_body_that_is_not_json_is_refused(api):
    response = api.post("/api/v1/entries", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert not CreditEntry.objects.exists()


def test_the_list_filters_and_paginates(api, alice):
    for day in range(1, 8):
        services.create_entry(
            alice,
            alice,
            entry_fields(
                title=f"Day {day}", start_date=None, end_date=None, completed_on=date(2025, 1, day)
            ),
        )
    services.create_entry(
        alice, alice, entry_fields(title="Ethics", credit_type="aoa-1a"), topics=["ethics"]
    )
    page = api.get("/api/v1/entries", {"limit": 3, "offset": 0}).json()
    assert page["count"] == 8 and len(page["items"]) == 3
    assert page["items"][0]["title"] == "Ethics"  # completed latest
    assert api.get("/api/v1/entries", {"credit_type": "aoa-1a"}).json()["count"] == 1
    assert api.get("/api/v1/entries", {"topic": "ethics"}).json()["count"] == 1
    assert api.get("/api/v1/entries", {"date_to": "2025-01-03"}).json()["count"] == 3
    assert api.get("/api/v1/entries", {"q": "day 5"}).json()["count"] == 1
    assert api.get("/api/v1/entries", {"limit": 1000}).status_code == 422
    assert api.get("/api/v1/entries", {"offset": 10**30}).status_code == 422
    assert api.get("/api/v1/entries", {"topic": "astrology"}).status_code == 422


def test_the_list_never_includes_another_clinicians_entries(api, bob):
    services.create_entry(bob, bob, entry_fields(title="Bob's"))
    assert api.get("/api/v1/entries").json() == {"count": 0, "items": []}


def test_another_clinicians_entry_is_not_found_for_every_method(api, bob):
    bobs = services.create_entry(bob, bob, entry_fields())
    url = f"/api/v1/entries/{bobs.pk}"
    assert api.get(url).status_code == 404
    assert patch(api, url, {"title": "Mine now"}).status_code == 404
    assert api.delete(url).status_code == 404
    assert api.post(f"{url}/restore").status_code == 404
    bobs.refresh_from_db()
    assert bobs.title != "Mine now" and not bobs.is_deleted


def test_a_malformed_id_is_not_found(api):
    assert api.get("/api/v1/entries/not-a-uuid").status_code == 404


def test_patch_changes_only_what_is_sent_and_keeps_history(api, alice, alice_entry):
    response = patch(api, f"/api/v1/entries/{alice_entry.pk}", {"credits": "3.00", "topics": []})
    assert response.status_code == 200, response.content
    assert response.json()["credits"] == "3.00"
    assert response.json()["title"] == alice_entry.title
    revision = EntryRevision.objects.get(entry=alice_entry, action="updated")
    assert revision.actor == alice
    assert revision.changes == {"credits": ["2.50", "3.00"], "topics": [["ethics"], []]}


def test_patch_with_bad_values_changes_nothing(api, alice_entry):
    for change in ({"credits": "0.1"}, {"title": None}, {"credit_type": "x"}):
        response = patch(api, f"/api/v1/entries/{alice_entry.pk}", change)
        assert response.status_code == 422, change
    alice_entry.refresh_from_db()
    assert str(alice_entry.credits) == "2.50"
    assert not alice_entry.revisions.filter(action="updated").exists()


def test_delete_and_restore(api, alice_entry):
    url = f"/api/v1/entries/{alice_entry.pk}"
    assert api.delete(url).status_code == 204
    assert api.get("/api/v1/entries").json()["count"] == 0
    assert api.get("/api/v1/entries", {"deleted": "true"}).json()["count"] == 1
    assert api.get(url).json()["deleted"] is True
    restored = api.post(f"{url}/restore")
    assert restored.status_code == 200 and restored.json()["deleted"] is False


def test_entries_reported_by_others_are_409_and_unchanged(api, alice, organization):
    entry = services.create_entry(alice, None, entry_fields(), source=Source.ORGANIZATION)
    url = f"/api/v1/entries/{entry.pk}"
    response = patch(api, url, {"credits": "50"})
    assert response.status_code == 409
    assert "reporter" in response.json()["error"]
    assert api.delete(url).status_code == 409
    entry.refresh_from_db()
    assert str(entry.credits) == "2.50" and not entry.is_deleted


def test_wrong_methods_are_405(api, alice_entry):
    assert api.put(f"/api/v1/entries/{alice_entry.pk}").status_code == 405
    assert api.delete("/api/v1/entries").status_code == 405


def test_session_callers_need_the_csrf_token_for_writes(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/v1/entries").status_code == 200
    response = post(client, "/api/v1/entries", NEW)
    assert response.status_code == 403
    assert not CreditEntry.objects.exists()


def test_entries_link_own_certificates(api, alice):
    certificate = store_certificate(alice, make_pdf(), "c.pdf").certificate
    body = post(api, "/api/v1/entries", NEW | {"certificate_ids": [str(certificate.pk)]}).json()
    assert body["certificate_ids"] == [str(certificate.pk)]


def test_the_openapi_document_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/me", "/api/v1/entries", "/api/v1/certificates"} <= set(paths)
    assert client.get("/api/v1/docs").status_code == 200
