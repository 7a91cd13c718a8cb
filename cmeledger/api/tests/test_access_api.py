"""Who may call what, on every endpoint: credentials, roles, CSRF, methods, unknown paths."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cmeledger.accounts.models import ApiToken
from cmeledger.api.tests.conftest import token_client
from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.testing import make_pdf

pytestmark = pytest.mark.django_db

# Every operation, with {entry} and {certificate} standing for an id.
LEDGER = [
    ("get", "/api/v1/entries"),
    ("post", "/api/v1/entries"),
    ("get", "/api/v1/entries/{entry}"),
    ("patch", "/api/v1/entries/{entry}"),
    ("delete", "/api/v1/entries/{entry}"),
    ("post", "/api/v1/entries/{entry}/restore"),
    ("get", "/api/v1/certificates"),
    ("post", "/api/v1/certificates"),
    ("get", "/api/v1/certificates/{certificate}"),
    ("delete", "/api/v1/certificates/{certificate}"),
    ("get", "/api/v1/certificates/{certificate}/download"),
    ("get", "/api/v1/certificates/{certificate}/drafts"),
    ("get", "/api/v1/certificates/readings"),
    ("get", "/api/v1/packet?set=us-tx-md"),
    ("get", "/api/v1/mock-audit?set=us-tx-md"),
    ("get", "/api/v1/exports/entries.csv"),
    ("get", "/api/v1/exports/ledger.json"),
    ("get", "/api/v1/deadlines"),
    ("get", "/api/v1/deadlines/preferences"),
    ("put", "/api/v1/deadlines/preferences"),
    ("post", "/api/v1/deadlines/calendar-secret"),
    ("get", "/api/v1/award"),
    ("get", "/api/v1/award/summary.pdf"),
]
EVERY = [("get", "/api/v1/me"), *LEDGER]


@pytest.fixture
def ids(alice, alice_entry) -> dict[str, str]:
    certificate = store_certificate(alice, make_pdf("Access"), "access.pdf").certificate
    return {"entry": str(alice_entry.pk), "certificate": str(certificate.pk)}


def call(client: Client, method: str, url: str, ids: dict[str, str]):
    return getattr(client, method)(url.format(**ids), content_type="application/json")


@pytest.mark.parametrize(("method", "url"), EVERY)
def test_every_endpoint_answers_401_without_credentials(ids, method, url):
    # CSRF enforced, as for a real script: a missing login must not look like a CSRF error.
    response = call(Client(enforce_csrf_checks=True), method, url, ids)
    assert response.status_code == 401
    assert "Bearer cme_" in response.json()["error"]


@pytest.mark.parametrize(("method", "url"), EVERY)
def test_every_endpoint_answers_401_to_a_revoked_token(alice, ids, method, url):
    token, key = ApiToken.issue(alice, "old laptop")
    token.revoke()
    client = Client(headers={"Authorization": f"Bearer {key}"}, enforce_csrf_checks=True)
    assert call(client, method, url, ids).status_code == 401


@pytest.mark.parametrize("secret", ["cme_madeup", "not-even-prefixed", ""])
def test_a_made_up_token_is_401(secret):
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/entries").status_code == 401


def test_a_token_works_and_records_its_use(alice, alice_entry):
    token, key = ApiToken.issue(alice, "script")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get("/api/v1/entries").json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_deactivated_users_token_is_401(alice):
    client = token_client(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
@pytest.mark.parametrize(("method", "url"), LEDGER)
def test_other_roles_get_403_on_every_ledger_endpoint(request, ids, who, method, url):
    user = request.getfixturevalue(who)
    session = Client()
    session.force_login(user)
    for client in (session, token_client(user)):
        response = call(client, method, url, ids)
        assert response.status_code == 403
        assert "for clinicians" in response.json()["error"]
    assert CreditEntry.objects.live().count() == 1 and Certificate.objects.count() == 1


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_can_still_see_who_they_are(request, who):
    user = request.getfixturevalue(who)
    body = token_client(user).get("/api/v1/me").json()
    assert body["email"] == user.email
    assert body["role"] == user.role
    assert body["profile"] is None and body["licenses"] == []


def csrf_client(user) -> Client:
    """A signed-in browser that has been given its CSRF cookie by a page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/profile/")
    return client


def test_session_writes_without_the_csrf_token_are_403_and_change_nothing(alice, alice_entry):
    client = csrf_client(alice)
    assert client.get("/api/v1/entries").status_code == 200  # reads need no token
    url = f"/api/v1/entries/{alice_entry.pk}"
    for response in (
        client.post("/api/v1/entries", "{}", content_type="application/json"),
        client.patch(url, '{"title": "x"}', content_type="application/json"),
        client.delete(url),
        client.post("/api/v1/certificates", {"file": SimpleUploadedFile("c.pdf", make_pdf())}),
    ):
        assert response.status_code == 403
        assert "CSRF" in response.json()["error"]
    alice_entry.refresh_from_db()
    assert not alice_entry.is_deleted and alice_entry.title != "x"


def test_session_writes_with_the_csrf_token_work(alice, alice_entry):
    client = csrf_client(alice)
    token = client.cookies["csrftoken"].value
    url = f"/api/v1/entries/{alice_entry.pk}"
    response = client.patch(
        url,
        json.dumps({"title": "Renamed"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content
    assert client.delete(url, headers={"X-CSRFToken": token}).status_code == 204


def test_token_callers_need_no_csrf_token(alice):
    client = token_client(alice)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        "/api/v1/entries",
        json.dumps(
            {"title": "T", "completed_on": "2025-01-02", "credit_type": "ama-pra-1", "credits": 1}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("put", "/api/v1/me", "GET"),
        ("delete", "/api/v1/entries", "GET, POST"),
        ("put", "/api/v1/entries/{entry}", "DELETE, GET, PATCH"),
        ("get", "/api/v1/entries/{entry}/restore", "POST"),
        ("patch", "/api/v1/certificates", "GET, POST"),
        ("put", "/api/v1/certificates/{certificate}", "DELETE, GET"),
        ("post", "/api/v1/certificates/{certificate}/download", "GET"),
    ],
)
def test_wrong_methods_are_405_with_a_json_error(api, ids, method, url, allowed):
    response = call(api, method, url, ids)
    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert response.json()["error"].endswith(f"use {allowed}.")


@pytest.mark.parametrize("url", ["/api/v1/nothing", "/api/v1/entries/", "/api/v1/me/x"])
def test_unknown_paths_are_a_json_404(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert "No such endpoint" in response.json()["error"]


def test_a_server_error_answers_json_and_is_logged(api, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "create_entry", broken)
    api.raise_request_exception = False
    response = api.post(
        "/api/v1/entries",
        json.dumps(
            {"title": "T", "completed_on": "2025-01-02", "credit_type": "ama-pra-1", "credits": 1}
        ),
        content_type="application/json",
    )
    assert response.status_code == 500
    assert "went wrong" in response.json()["error"]
    assert "boom" not in response.content.decode()
    assert any(record.exc_info for record in caplog.records)


def test_a_request_django_finds_suspicious_is_a_json_400(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    response = api.post("/api/v1/certificates", {f"f{n}": "x" for n in range(10)})
    assert response.status_code == 400
    assert "malformed or too large" in response.json()["error"]


def test_the_openapi_document_lists_every_path_and_the_docs_load(client):
    document = client.get("/api/v1/openapi.json").json()
    assert set(document["paths"]) == {
        "/api/v1/me",
        "/api/v1/entries",
        "/api/v1/entries/{entry_id}",
        "/api/v1/entries/{entry_id}/restore",
        "/api/v1/certificates",
        "/api/v1/certificates/{certificate_id}",
        "/api/v1/certificates/{certificate_id}/download",
        "/api/v1/certificates/{certificate_id}/drafts",
        "/api/v1/certificates/readings",
        "/api/v1/progress",
        "/api/v1/enrollments",
        "/api/v1/enrollments/{enrollment_id}",
        "/api/v1/reports/completions",
        "/api/v1/reports/files",
        "/api/v1/reports/jobs/{job_id}",
        "/api/v1/reports/jobs/{job_id}/errors",
        "/api/v1/reports/jobs/{job_id}/errors.csv",
        "/api/v1/reports/jobs/{job_id}/cancel",
        "/api/v1/reports/records",
        "/api/v1/reports/records/{record_id}",
        "/api/v1/reports/records/{record_id}/withdraw",
        "/api/v1/reports/corrections",
        "/api/v1/reports/corrections/{correction_id}/decline",
        "/api/v1/transcript.pdf",
        "/api/v1/transcripts",
        "/api/v1/share-links",
        "/api/v1/share-links/{link_id}",
        "/api/v1/share-links/{link_id}/revoke",
        "/api/v1/packet",
        "/api/v1/mock-audit",
        "/api/v1/exports/entries.csv",
        "/api/v1/exports/ledger.json",
        "/api/v1/deadlines",
        "/api/v1/deadlines/preferences",
        "/api/v1/deadlines/calendar-secret",
        "/api/v1/award",
        "/api/v1/award/summary.pdf",
        "/api/v1/providers",
        "/api/v1/providers/{slug}",
        "/api/v1/providers/{slug}/reporting",
        "/api/v1/accepted-accreditors",
        "/api/v1/accepted-accreditors/{accepted_id}",
        "/api/v1/board/diplomates",
        "/api/v1/board/diplomates/{clinician_id}/progress",
        "/api/v1/board/compliance-runs",
        "/api/v1/board/roster",
        "/api/v1/board/roster/entries",
        "/api/v1/board/roster/entries/{board_id}",
        "/api/v1/board/roster/claims",
        "/api/v1/direct-credit",
        "/api/v1/direct-credit/{application_id}",
        "/api/v1/direct-credit/{application_id}/withdraw",
        "/api/v1/board/direct-credit",
        "/api/v1/board/direct-credit/{application_id}/approve",
        "/api/v1/board/direct-credit/{application_id}/decline",
    }
    assert client.get("/api/v1/docs").status_code == 200
