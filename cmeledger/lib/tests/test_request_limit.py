from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import make_pdf

pytestmark = pytest.mark.django_db


def test_an_oversized_upload_is_refused_before_it_is_read(alice_client, settings):
    settings.REQUEST_MAX_BYTES = 4096
    big = SimpleUploadedFile("big.pdf", make_pdf() + b"%" * 8192)
    response = alice_client.post(reverse("certificates"), {"upload": [big]})
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_api_answers_413_as_json(alice, client, settings):
    settings.REQUEST_MAX_BYTES = 4096
    client.force_login(alice)
    big = SimpleUploadedFile("big.pdf", b"%" * 8192)
    response = client.post("/api/v1/certificates", {"file": big})
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


def test_requests_under_the_limit_pass(alice_client):
    response = alice_client.post(
        reverse("certificates"), {"upload": [SimpleUploadedFile("ok.pdf", make_pdf())]}
    )
    assert response.status_code == 302
