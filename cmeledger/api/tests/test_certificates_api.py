"""The certificate endpoints: upload with checks, list, metadata, download, ownership."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import make_image, make_pdf

pytestmark = pytest.mark.django_db


def upload(api, name: str, data: bytes):
    return api.post("/api/v1/certificates", {"file": SimpleUploadedFile(name, data)})


def test_uploading_stores_the_file_and_a_second_upload_is_a_duplicate(api, alice):
    data = make_pdf("API upload")
    first = upload(api, "course.pdf", data)
    assert first.status_code == 201, first.content
    assert first.json()["content_type"] == "application/pdf"
    assert first.json()["duplicate"] is False
    again = upload(api, "renamed.pdf", data)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]
    assert Certificate.objects.filter(clinician=alice).count() == 1


def test_an_upload_gets_its_preview_made_in_the_background(api):
    body = upload(api, "scan.jpg", make_image("JPEG", (1200, 900))).json()
    certificate = Certificate.objects.get(pk=body["id"])
    assert body["content_type"] == "image/jpeg" and body["page_count"] == 1
    assert certificate.preview  # the tests run tasks inline
    assert certificate.original_name == "scan.jpg"


def test_the_uploaded_name_never_reaches_the_storage_path(api):
    body = upload(api, "../../etc/x<script>.pdf", make_pdf("Path")).json()
    certificate = Certificate.objects.get(pk=body["id"])
    assert certificate.file.name.endswith(f"{certificate.pk}.pdf")
    assert body["original_name"] == "x<script>.pdf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("page.pdf", b"<html><body>hello</body></html>", "not a PDF, JPEG or PNG"),
        ("cut.pdf", make_pdf()[:500], "incomplete"),
        ("empty.pdf", b"", "empty"),
        ("notes.png", b"just some text pretending to be an image", "not a PDF, JPEG or PNG"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "damaged"),
        ("broken.jpg", make_image("JPEG")[:100], "damaged"),
    ],
)
def test_bad_files_are_400_with_the_reason_and_store_nothing(api, name, data, message):
    response = upload(api, name, data)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Certificate.objects.exists()


def test_a_file_over_the_limit_is_refused(api, settings):
    settings.CERTIFICATE_MAX_BYTES = 2048
    response = upload(api, "big.png", make_image("PNG", (800, 800), "red") + b"\0" * 4096)
    assert response.status_code == 400
    assert "limit" in response.json()["error"]
    assert not Certificate.objects.exists()


def test_a_missing_file_field_is_422(api):
    response = api.post("/api/v1/certificates", {})
    assert response.status_code == 422
    assert "file" in response.json()["errors"]


def test_the_owner_lists_reads_and_downloads(api, alice, alice_entry):
    data = make_image("PNG")
    certificate = store_certificate(alice, data, "scan.png").certificate
    alice_entry.certificates.add(certificate)
    listing = api.get("/api/v1/certificates").json()
    assert listing["count"] == 1
    assert listing["items"][0]["entry_ids"] == [str(alice_entry.pk)]
    assert api.get(f"/api/v1/certificates/{certificate.pk}").json()["sha256"] == certificate.sha256
    download = api.get(f"/api/v1/certificates/{certificate.pk}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert 'filename="scan.png"' in download["Content-Disposition"]


def test_the_certificate_list_is_paginated(api, alice):
    for n in range(5):
        store_certificate(alice, make_pdf(f"Certificate {n}"), f"c{n}.pdf")
    page = api.get("/api/v1/certificates", {"limit": 2, "offset": 4}).json()
    assert page["count"] == 5 and len(page["items"]) == 1
    assert api.get("/api/v1/certificates", {"limit": 201}).status_code == 422
    assert api.get("/api/v1/certificates", {"limit": 0}).status_code == 422


@pytest.mark.parametrize("certificate_id", ["nope", "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_or_unknown_certificate_id_is_not_found(api, certificate_id):
    assert api.get(f"/api/v1/certificates/{certificate_id}").status_code == 404
    assert api.get(f"/api/v1/certificates/{certificate_id}/download").status_code == 404
    assert api.get(f"/api/v1/certificates/{certificate_id}/drafts").status_code == 404


def test_another_clinicians_certificate_is_not_found(api, bob):
    bobs = store_certificate(bob, make_pdf("Bob"), "bob.pdf").certificate
    assert api.get(f"/api/v1/certificates/{bobs.pk}").status_code == 404
    assert api.get(f"/api/v1/certificates/{bobs.pk}/download").status_code == 404
    assert api.get(f"/api/v1/certificates/{bobs.pk}/drafts").status_code == 404
    assert api.delete(f"/api/v1/certificates/{bobs.pk}").status_code == 404
    assert api.get("/api/v1/certificates").json()["count"] == 0
    assert Certificate.objects.filter(pk=bobs.pk).exists()


def test_uploading_a_file_another_clinician_has_makes_a_copy_of_ones_own(api, alice, bob):
    data = make_pdf("Shared course")
    bobs = store_certificate(bob, data, "bob.pdf").certificate
    response = upload(api, "mine.pdf", data)
    assert response.status_code == 201
    assert response.json()["duplicate"] is False and response.json()["id"] != str(bobs.pk)


def test_deleting_a_certificate_detaches_it_and_only_the_owner_can(
    api, alice, alice_entry, bob_api
):
    certificate = store_certificate(alice, make_pdf("Delete me"), "d.pdf").certificate
    alice_entry.certificates.add(certificate)
    assert bob_api.delete(f"/api/v1/certificates/{certificate.pk}").status_code == 404
    assert api.delete(f"/api/v1/certificates/{certificate.pk}").status_code == 204
    assert not Certificate.objects.exists()
    assert not alice_entry.certificates.exists()


def test_the_drafts_of_a_certificate_are_read_in_the_documented_shape(
    api, alice, django_capture_on_commit_callbacks
):
    from cmeledger.capture import evaluation

    samples = evaluation.build(per_layout=1, seed=8)
    bundle = samples[-1]
    certificate = store_certificate(alice, bundle.pdf, "bundle.pdf").certificate
    with django_capture_on_commit_callbacks(execute=True):  # the worker, inline
        waiting = api.get(f"/api/v1/certificates/{certificate.pk}/drafts")
    assert waiting.status_code == 202  # more than three pages: read in the background
    response = api.get(f"/api/v1/certificates/{certificate.pk}/drafts")
    assert response.status_code == 200
    body = response.json()
    assert body["certificate"] == str(certificate.pk) and body["status"] == "done"
    assert len(body["drafts"]) == sum(len(truth.expected()) for truth in bundle.truths)
    first, truth = body["drafts"][0], bundle.truths[0]
    assert first["page"] == 1
    assert first["fields"]["title"] == {"value": truth.title, "confidence": "sure"}
    assert first["fields"]["credits"]["value"] == f"{truth.credits:.2f}"
    assert first["fields"]["completed_on"]["value"] == truth.completed_on.isoformat()
    # Alice is not the learner these generated certificates name.
    assert first["warnings"][0].startswith(f"The certificate is made out to {truth.learner_name}")
    assert Certificate.objects.count() == 1  # reading stores nothing new


@pytest.fixture
def photo():
    from cmeledger.capture import evaluation

    sample = evaluation.build(per_layout=1, seed=3)[0]
    return sample, evaluation.photographed(sample.pdf, 3)[0]


def test_a_photo_is_read_by_the_worker_and_its_drafts_are_asked_for_again(api, alice, photo):
    from cmeledger.capture import services
    from cmeledger.capture.models import Reading

    sample, data = photo
    certificate = store_certificate(alice, data, "phone.jpg").certificate
    waiting = api.get(f"/api/v1/certificates/{certificate.pk}/drafts")
    assert waiting.status_code == 202
    assert waiting.json() == {"certificate": str(certificate.pk), "status": "queued", "drafts": []}
    assert int(waiting["Retry-After"]) > 0
    # Asking again while it waits does not queue a second reading.
    assert api.get(f"/api/v1/certificates/{certificate.pk}/drafts").status_code == 202
    assert Reading.objects.filter(certificate=certificate).count() == 1
    services.read(Reading.objects.get(certificate=certificate))  # what the worker does
    done = api.get(f"/api/v1/certificates/{certificate.pk}/drafts")
    assert done.status_code == 200 and done.json()["status"] == "done"
    title = done.json()["drafts"][0]["fields"]["title"]
    assert title == {"value": sample.truths[0].title, "confidence": "check"}


def test_uploading_with_read_queues_the_file_and_the_readings_list_it(
    api, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/certificates?read=true", {"file": SimpleUploadedFile("c.pdf", make_pdf("Q"))}
        )
    assert response.status_code == 201
    listing = api.get("/api/v1/certificates/readings").json()
    assert listing["count"] == 1 and listing["waiting"] == 0  # the tests run jobs inline
    item = listing["items"][0]
    assert item["certificate"] == response.json()["id"] and item["status"] == "done"
    assert item["original_name"] == "c.pdf" and item["entry_ids"] == [] and item["error"] is None


def test_the_readings_list_counts_waiting_and_shows_saved_entries(api, alice, alice_entry):
    from cmeledger.capture.models import Reading

    first = store_certificate(alice, make_pdf("One"), "one.pdf").certificate
    second = store_certificate(alice, make_pdf("Two"), "two.pdf").certificate
    Reading.objects.create(certificate=first, status="done", drafts=[{}])
    Reading.objects.create(certificate=second)
    alice_entry.certificates.add(first)
    listing = api.get("/api/v1/certificates/readings").json()
    assert listing["count"] == 2 and listing["waiting"] == 1
    by_name = {item["original_name"]: item for item in listing["items"]}
    assert by_name["one.pdf"]["entry_ids"] == [str(alice_entry.pk)]
    assert by_name["one.pdf"]["drafts"] == 1 and by_name["two.pdf"]["status"] == "queued"


def test_a_file_that_could_not_be_read_says_why_in_both_places(api, alice):
    import io

    from cmeledger.capture import services
    from cmeledger.capture.models import Reading

    certificate = store_certificate(alice, make_pdf("Broken later"), "b.pdf").certificate
    certificate.file.save("b.pdf", io.BytesIO(b"%PDF-1.7 broken"), save=True)
    services.read(Reading.objects.create(certificate=certificate))
    drafts = api.get(f"/api/v1/certificates/{certificate.pk}/drafts")
    assert drafts.status_code == 400 and "incomplete" in drafts.json()["error"]
    item = api.get("/api/v1/certificates/readings").json()["items"][0]
    assert item["status"] == "failed" and item["error"] == drafts.json()["error"]


def test_another_clinicians_readings_are_not_listed(api, bob):
    from cmeledger.capture.models import Reading

    bobs = store_certificate(bob, make_pdf("Bob's"), "bob.pdf").certificate
    Reading.objects.create(certificate=bobs, status="done")
    assert api.get("/api/v1/certificates/readings").json() == {
        "count": 0,
        "waiting": 0,
        "items": [],
    }


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=x"])
def test_a_bad_page_of_readings_is_422(api, query):
    assert api.get(f"/api/v1/certificates/readings?{query}").status_code == 422
