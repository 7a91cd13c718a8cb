"""Files only from people we know: an anonymous upload is refused before its body is read."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cmeledger.accounts.middleware import API_REFUSAL
from cmeledger.accounts.models import ApiToken
from cmeledger.conftest import PASSWORD
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import make_pdf
from cmeledger.reporting.models import Submission
from cmeledger.reporting.sample import ensure_organization

pytestmark = pytest.mark.django_db

BOUNDARY = "----upload-gate"
# Under the general request limit (REQUEST_MAX_BYTES), which would refuse it anyway.
HUGE = 50 * 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """An upload that must never be read: reading it fails the test."""

    def __init__(self) -> None:
        self.touched = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.touched = True
        raise AssertionError("the anonymous upload's body was read")

    readline = read

    def readinto(self, buffer) -> int:
        self.read()
        return 0


def post_unreadable(client: Client, path: str, length: int = HUGE, **headers):
    """Posts a multipart body the server must not read; answers (response, body)."""
    body = UnreadableBody()
    # CSRF on, with a cookie, as an attacker who first opened any page would have it:
    # the CSRF check then reads the form (and its files) unless something answers first.
    client.cookies["csrftoken"] = "a" * 32
    extra = {
        "wsgi.input": body,
        "CONTENT_LENGTH": str(length),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "HTTP_X_CSRFTOKEN": "a" * 32,
    }
    for name, value in headers.items():
        extra["HTTP_" + name.upper().replace("-", "_")] = value
    response = client.generic("POST", path, b"", **extra)
    return response, body


UPLOAD_PAGES = [
    reverse("certificates"),
    reverse("set-upload"),
    reverse("organization-submission-new"),
    reverse("organization-members"),
    reverse("direct-credit-new"),
    reverse("my-audit-attach", kwargs={"item": 1}),
    reverse("login"),  # any page: a multipart body is a file, wherever it is sent
]


@pytest.mark.parametrize("path", UPLOAD_PAGES)
def test_it_sends_an_anonymous_upload_to_log_in_without_reading_it(path):
    response, body = post_unreadable(Client(enforce_csrf_checks=True), path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert not body.touched


@pytest.mark.parametrize("path", ["/api/v1/certificates", "/api/v1/reports/files"])
@pytest.mark.parametrize("authorization", [None, "Bearer cme_not-a-real-token"])
def test_it_refuses_an_anonymous_api_upload_without_reading_it(path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "not-a-session"
    response, body = post_unreadable(client, path, **headers)
    assert response.status_code == 401
    assert response.json() == {"error": API_REFUSAL}
    assert not body.touched


def test_it_refuses_an_anonymous_transcript_check_larger_than_a_transcript():
    response, body = post_unreadable(Client(enforce_csrf_checks=True), reverse("verify"))
    assert response.status_code == 413
    assert response.content.decode() == "The request is larger than 20 MB; nothing was read."
    assert not body.touched


def test_anyone_may_still_check_a_transcript_file():
    pdf = SimpleUploadedFile("t.pdf", make_pdf(), "application/pdf")
    response = Client().post(reverse("verify"), {"code": "ABCD-EFGH", "file": pdf})
    assert response.status_code in (200, 400)  # judged by the form, not refused unread


def test_a_signed_in_clinician_still_uploads_a_certificate(alice, alice_client):
    pdf = SimpleUploadedFile("c.pdf", make_pdf(), "application/pdf")
    response = alice_client.post(reverse("certificates"), {"upload": [pdf]})
    assert response.status_code == 302
    assert Certificate.objects.filter(clinician=alice).count() == 1


def test_a_clinician_with_a_token_still_uploads_a_certificate(alice):
    _, key = ApiToken.issue(alice, "tests")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    pdf = SimpleUploadedFile("c.pdf", make_pdf(), "application/pdf")
    response = client.post("/api/v1/certificates", {"file": pdf})
    assert response.status_code == 201


def test_an_organization_token_still_uploads_a_file(org_member, organization):
    ensure_organization(organization.slug)  # with an agreement, without which it may not report
    _, key = ApiToken.issue(org_member, "tests", organization=organization)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    data = SimpleUploadedFile("r.csv", b"record_id\n", "text/csv")
    response = client.post("/api/v1/reports/files", {"file": data})
    assert response.status_code == 202
    assert Submission.objects.filter(organization=organization).count() == 1


def test_a_small_form_posted_as_multipart_by_someone_not_signed_in_still_works(alice):
    # The test client, and scripts using curl -F, send forms as multipart.
    response = Client().post(reverse("login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] != reverse("login")
