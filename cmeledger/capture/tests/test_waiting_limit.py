"""A clinician has at most CAPTURE_MAX_WAITING certificates waiting for the worker to
read; one more is refused with a clear answer, on the page and in the API, and nothing
is stored for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.models import ApiToken
from cmeledger.capture import services
from cmeledger.capture.models import Reading, ReadingStatus
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import make_image, make_pdf

FULL = "You have 3 certificates being read; wait for them to finish before adding more."


def photo(seed: int) -> bytes:
    return make_image("JPEG", (1000 + seed, 800))


@pytest.fixture
def three_waiting(alice) -> list[Reading]:
    """Three photos uploaded earlier, queued or being read."""
    statuses = [ReadingStatus.QUEUED, ReadingStatus.QUEUED, ReadingStatus.READING]
    return [
        Reading.objects.create(
            certificate=store_certificate(alice, photo(i), f"waiting-{i}.jpg").certificate,
            status=status,
        )
        for i, status in enumerate(statuses)
    ]


@pytest.fixture
def api(alice):
    from django.test import Client

    _, key = ApiToken.issue(alice, "tests")
    return Client(headers={"Authorization": f"Bearer {key}"})


def upload_to_read(client, *files: tuple[str, bytes]):
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(f"{reverse('certificates')}?capture=1", {"upload": uploads})


def test_the_page_refuses_a_fourth_photo_and_stores_nothing(alice_client, alice, three_waiting):
    response = upload_to_read(alice_client, ("fourth.jpg", photo(4)))
    assert response.status_code == 400
    assert f"fourth.jpg: {FULL}" in response.content.decode()
    assert Certificate.objects.filter(clinician=alice).count() == 3
    assert Reading.objects.count() == 3


def test_the_page_queues_files_up_to_the_limit_and_refuses_the_rest(
    alice_client, alice, three_waiting, django_capture_on_commit_callbacks
):
    three_waiting[0].certificate.delete()  # one place free
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = upload_to_read(alice_client, ("a.jpg", photo(5)), ("b.jpg", photo(6)))
    assert response["Location"] == reverse("capture-queue")
    names = set(Certificate.objects.filter(clinician=alice).values_list("original_name", flat=True))
    assert names == {"waiting-1.jpg", "waiting-2.jpg", "a.jpg"}
    assert len(enqueued) == 1  # the one reading queued; b.jpg left no trace
    page = alice_client.get(reverse("capture-queue")).content.decode()
    assert f"b.jpg: {FULL}" in page


def test_a_short_text_pdf_is_still_read_at_once_when_the_queue_is_full(
    alice_client, alice, three_waiting
):
    response = upload_to_read(alice_client, ("short.pdf", make_pdf("Read at once")))
    certificate = Certificate.objects.get(original_name="short.pdf")
    assert response["Location"] == reverse("certificate-capture", args=[certificate.pk])
    assert Reading.objects.count() == 3


def test_capturing_a_stored_photo_past_the_limit_says_to_wait(alice_client, alice, three_waiting):
    certificate = store_certificate(alice, photo(7), "stored.jpg").certificate
    response = alice_client.get(reverse("certificate-capture", args=[certificate.pk]))
    assert response["Location"] == reverse("capture-queue")
    assert FULL in alice_client.get(response["Location"]).content.decode()
    assert not Reading.objects.filter(certificate=certificate).exists()


def test_the_api_answers_429_and_stores_nothing(api, alice, three_waiting):
    response = api.post(
        "/api/v1/certificates?read=true", {"file": SimpleUploadedFile("fourth.jpg", photo(4))}
    )
    assert response.status_code == 429
    assert response.json() == {"error": FULL}
    assert int(response["Retry-After"]) > 0
    assert Certificate.objects.filter(clinician=alice).count() == 3
    assert Reading.objects.count() == 3


def test_the_api_still_stores_a_file_not_asked_to_be_read(api, alice, three_waiting):
    response = api.post("/api/v1/certificates", {"file": SimpleUploadedFile("f.jpg", photo(4))})
    assert response.status_code == 201
    assert Reading.objects.count() == 3


def test_the_api_answers_429_for_drafts_that_would_need_queueing(api, alice, three_waiting):
    certificate = store_certificate(alice, photo(8), "stored.jpg").certificate
    response = api.get(f"/api/v1/certificates/{certificate.pk}/drafts")
    assert response.status_code == 429 and response.json() == {"error": FULL}
    assert not Reading.objects.filter(certificate=certificate).exists()
    # Readings already waiting are still answered as before.
    waiting = api.get(f"/api/v1/certificates/{three_waiting[0].certificate.pk}/drafts")
    assert waiting.status_code == 202


def test_a_place_frees_when_a_reading_finishes(api, alice, three_waiting):
    Reading.objects.filter(pk=three_waiting[0].pk).update(status=ReadingStatus.DONE)
    response = api.post(
        "/api/v1/certificates?read=true", {"file": SimpleUploadedFile("fourth.jpg", photo(4))}
    )
    assert response.status_code == 201


def test_another_clinicians_readings_do_not_count(bob, three_waiting):
    certificate = store_certificate(bob, photo(9), "bob.jpg").certificate
    assert len(services.queue([certificate])) == 1


def test_a_reading_cut_off_long_ago_no_longer_takes_a_place(alice, three_waiting):
    # A worker killed mid-read leaves its reading unfinished for good.
    stale = timezone.now() - services.CUT_OFF_AFTER - timedelta(minutes=1)
    Reading.objects.filter(pk=three_waiting[2].pk).update(queued_at=stale)
    certificate = store_certificate(alice, photo(10), "after.jpg").certificate
    assert services.queue([certificate])[0].status == ReadingStatus.QUEUED


def test_a_reading_that_crashes_is_marked_failed_and_frees_its_place(
    alice, three_waiting, monkeypatch
):
    def crash(*args):
        raise RuntimeError("the OCR engine fell over")

    monkeypatch.setattr(services, "capture", crash)
    reading = services.read(three_waiting[0])
    assert reading.status == ReadingStatus.FAILED and reading.error == services.UNEXPECTED
    assert services.waiting_count(alice) == 2


def test_the_limit_is_a_setting_and_the_message_counts_right(api, alice, settings):
    settings.CAPTURE_MAX_WAITING = 1
    store = store_certificate(alice, photo(11), "one.jpg").certificate
    Reading.objects.create(certificate=store)
    response = api.post(
        "/api/v1/certificates?read=true", {"file": SimpleUploadedFile("two.jpg", photo(12))}
    )
    assert response.status_code == 429
    assert response.json() == {
        "error": "You have 1 certificate being read; wait for it to finish before adding more."
    }
