"""The entries endpoints: auth, ownership, methods, bad input, happy paths, history."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry, EntryRevision
from cmeledger.ledger.testing import entry_fields, make_pdf
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
        ({"start_date": "2025-05-03", "end_date": "2025-05-01"}, "end_date"),
        ({"activity_kind": "seance"}, "activity_kind"),
        ({"accreditor": "nobody"}, "accreditor"),
        ({"topics": "ethics"}, "topics"),
        ({"specialty_related": "perhaps"}, "specialty_related"),
        ({"source": "organization"}, "source"),
        ({"reported_by": "acme-cme"}, "reported_by"),
        ({"title": ""}, "title"),
        ({"title": 42}, "title"),
        ({"certificate_ids": ["7d1c1a0e-0000-4000-8000-000000000000"]}, "certificate_ids"),
        ({"captured_from": "7d1c1a0e-0000-4000-8000-000000000000"}, "captured_from"),
        ({"captured_from": "not-a-uuid"}, "captured_from"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(api, change, field):
    response = post(api, "/api/v1/entries", NEW | change)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not CreditEntry.objects.exists()


def test_the_messages_say_what_is_wrong(api):
    errors = post(api, "/api/v1/entries", NEW | {"credits": "0.3", "colour": "red"}).json()
    assert errors == {"errors": {"colour": ["Not a field you can set."]}}
    errors = post(api, "/api/v1/entries", NEW | {"credits": "0.3"}).json()["errors"]
    assert errors == {"credits": ["Enter credits in steps of 0.25 (for example 1.25)."]}
    errors = post(api, "/api/v1/entries", NEW | {"credit_type": "cat-9"}).json()["errors"]
    assert "'ama-pra-1'" in errors["credit_type"][0]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', ""])
def test_a_body_that_is_not_a_json_object_is_refused(api, body):
    response = api.post("/api/v1/entries", body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json()) <= {"error", "errors"}
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
    assert api.get("/api/v1/entries", {"date_from": "2025-01-06"}).json()["count"] == 3
    assert api.get("/api/v1/entries", {"q": "day 5"}).json()["count"] == 1
    assert api.get("/api/v1/entries", {"source": "organization"}).json()["count"] == 0
    assert api.get("/api/v1/entries", {"offset": 6}).json()["items"][-1]["title"] == "Day 1"
    assert api.get("/api/v1/entries", {"limit": 1000}).status_code == 422
    assert api.get("/api/v1/entries", {"offset": 10**30}).status_code == 422
    assert api.get("/api/v1/entries", {"topic": "astrology"}).status_code == 422


def test_the_text_search_covers_title_provider_and_notes(api, alice):
    services.create_entry(alice, alice, entry_fields(title="Gait", provider="Northwind"))
    services.create_entry(alice, alice, entry_fields(title="Botox", notes="Northwind lab"))
    services.create_entry(alice, alice, entry_fields(title="Northwind review"))
    services.create_entry(alice, alice, entry_fields(title="Unrelated", provider="Other"))
    assert api.get("/api/v1/entries", {"q": "northwind"}).json()["count"] == 3


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


def test_another_clinician_cannot_reach_alices_entry_with_his_token(bob_api, alice_entry):
    url = f"/api/v1/entries/{alice_entry.pk}"
    assert bob_api.get(url).status_code == 404
    assert bob_api.get(url).json() == {"error": "Not found."}
    assert bob_api.delete(url).status_code == 404
    assert not CreditEntry.objects.get(pk=alice_entry.pk).is_deleted


@pytest.mark.parametrize("entry_id", ["not-a-uuid", "1", "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_or_unknown_id_is_not_found(api, entry_id):
    assert api.get(f"/api/v1/entries/{entry_id}").status_code == 404
    assert patch(api, f"/api/v1/entries/{entry_id}", {"title": "x"}).status_code == 404
    assert api.post(f"/api/v1/entries/{entry_id}/restore").status_code == 404


def test_patch_changes_only_what_is_sent_and_keeps_history(api, alice, alice_entry):
    response = patch(api, f"/api/v1/entries/{alice_entry.pk}", {"credits": "3.00", "topics": []})
    assert response.status_code == 200, response.content
    assert response.json()["credits"] == "3.00"
    assert response.json()["title"] == alice_entry.title
    revision = EntryRevision.objects.get(entry=alice_entry, action="updated")
    assert revision.actor == alice
    assert revision.changes == {"credits": ["2.50", "3.00"], "topics": [["ethics"], []]}


def test_patch_with_null_clears_optional_text_and_dates(api, alice_entry):
    url = f"/api/v1/entries/{alice_entry.pk}"
    change = {"provider": None, "accreditor": None, "start_date": None, "end_date": None}
    body = patch(api, url, change).json()
    assert body["provider"] == "" and body["accreditor"] is None
    assert body["start_date"] is None and body["end_date"] is None


def test_patch_with_bad_values_changes_nothing(api, alice_entry):
    for change in (
        {"credits": "0.1"},
        {"title": None},
        {"credits": None},
        {"credit_type": "x"},
        {"end_date": "2025-05-01"},
        {"completed_on": (date.today() + timedelta(days=1)).isoformat()},
        {"source": "organization"},
    ):
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
    actions = list(alice_entry.revisions.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["created", "deleted", "restored"]


def test_entries_reported_by_others_are_409_and_unchanged(api, alice, organization):
    entry = services.create_entry(alice, None, entry_fields(), source=Source.ORGANIZATION)
    entry.reported_by = organization
    entry.save(update_fields=["reported_by"])
    url = f"/api/v1/entries/{entry.pk}"
    shown = api.get(url).json()
    assert shown["editable"] is False
    assert shown["reported_by"] == {"slug": "acme-cme", "name": "Acme CME Institute"}
    response = patch(api, url, {"credits": "50"})
    assert response.status_code == 409
    assert "reporter" in response.json()["error"]
    assert api.delete(url).status_code == 409
    assert api.post(f"{url}/restore").status_code == 409
    entry.refresh_from_db()
    assert str(entry.credits) == "2.50" and not entry.is_deleted


def test_entries_link_own_certificates(api, alice):
    certificate = store_certificate(alice, make_pdf(), "c.pdf").certificate
    body = post(api, "/api/v1/entries", NEW | {"certificate_ids": [str(certificate.pk)]}).json()
    assert body["certificate_ids"] == [str(certificate.pk)]
    unlinked = patch(api, f"/api/v1/entries/{body['id']}", {"certificate_ids": []}).json()
    assert unlinked["certificate_ids"] == []


def test_an_entry_confirmed_from_a_draft_is_captured_and_links_its_certificate(api, alice):
    certificate = store_certificate(alice, make_pdf(), "c.pdf").certificate
    other = store_certificate(alice, make_pdf("Other"), "o.pdf").certificate
    both = [str(certificate.pk), str(other.pk)]
    body = post(
        api, "/api/v1/entries", NEW | {"captured_from": both[0], "certificate_ids": both}
    ).json()
    assert body["source"] == "captured" and sorted(body["certificate_ids"]) == sorted(both)
    plain = post(api, "/api/v1/entries", NEW).json()
    assert plain["source"] == "self"


def test_an_entry_cannot_be_captured_from_another_clinicians_certificate(api, bob):
    bobs = store_certificate(bob, make_pdf("Bob's"), "b.pdf").certificate
    response = post(api, "/api/v1/entries", NEW | {"captured_from": str(bobs.pk)})
    assert response.status_code == 422 and "captured_from" in response.json()["errors"]
    assert not CreditEntry.objects.exists() and not bobs.entries.exists()


def test_entries_cannot_link_another_clinicians_certificate(api, alice_entry, bob):
    bobs = store_certificate(bob, make_pdf("Bob's"), "b.pdf").certificate
    response = patch(api, f"/api/v1/entries/{alice_entry.pk}", {"certificate_ids": [str(bobs.pk)]})
    assert response.status_code == 422
    assert "certificate_ids" in response.json()["errors"]
    assert not alice_entry.certificates.exists()
