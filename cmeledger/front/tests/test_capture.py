"""Add New Credits from a certificate: the form comes filled in with each field's
confidence, saving makes a captured entry that links the certificate, a file of several
certificates offers each in turn, and only the clinician who owns the file can use it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmeledger.capture import evaluation
from cmeledger.conftest import PASSWORD
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry


@pytest.fixture
def truth() -> evaluation.Truth:
    return evaluation.example()


@pytest.fixture
def certificate(alice, truth):
    pdf = evaluation.draw([("classic", truth)], seed=1)
    return store_certificate(alice, pdf, "ethics.pdf").certificate


def capture_url(certificate, page: int | None = None) -> str:
    if page is None:
        return reverse("certificate-capture", args=[certificate.pk])
    return reverse("certificate-capture-page", args=[certificate.pk, page])


def form_data(**changes) -> dict:
    data = {
        "title": "Ethics in Rehabilitation Practice",
        "provider": "Lakeside Institute for Medical Education",
        "accreditor": "accme",
        "activity_kind": "live",
        "completed_on": "2025-05-04",
        "credit_type": "ama-pra-1",
        "credits": "6.25",
        "topics": ["ethics"],
        "notes": "Location: Denver, CO",
    }
    data.update(changes)
    return data


def test_the_form_comes_filled_in_with_each_fields_confidence(alice_client, certificate):
    response = alice_client.get(capture_url(certificate))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Ethics in Rehabilitation Practice"
    assert form.initial["credits"] == Decimal("6.25")
    assert form.initial["completed_on"] == date(2025, 5, 4)
    assert form.initial["notes"] == "Location: Denver, CO"
    assert response.context["confidence"]["credits"] == "sure"
    assert response.context["confidence"]["completed_on"] == "check"
    page = response.content.decode()
    assert 'value="Ethics in Rehabilitation Practice"' in page
    assert '<span class="badge confidence-sure">Sure</span>' in page
    assert '<span class="badge confidence-check">Check this</span>' in page
    assert "Filled in from" in page and "ethics.pdf" in page


def test_saving_makes_a_captured_entry_that_links_the_certificate(alice_client, alice, certificate):
    response = alice_client.post(capture_url(certificate), form_data())
    entry = CreditEntry.objects.get(clinician=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("entry-detail", args=[entry.pk])
    assert entry.source == "captured"
    assert list(entry.certificates.all()) == [certificate]
    assert entry.credits == Decimal("6.25") and entry.topics == ["ethics"]


def test_a_bad_field_shows_the_form_again_and_stores_nothing(alice_client, alice, certificate):
    response = alice_client.post(capture_url(certificate), form_data(credits="6.3"))
    assert response.status_code == 400
    assert "credits" in response.context["form"].errors
    assert not CreditEntry.objects.filter(clinician=alice).exists()


def test_a_file_of_several_certificates_offers_each_in_turn(alice_client, alice, truth):
    second = evaluation.Truth(
        **{
            **truth.__dict__,
            "title": "Geriatric Falls: Assessment and Prevention",
            "topics": ("geriatrics",),
        }
    )  # noqa: E501
    pdf = evaluation.draw([("classic", truth), ("two-column", second)], seed=2)
    certificate = store_certificate(alice, pdf, "conference.pdf").certificate
    first = alice_client.get(capture_url(certificate))
    assert "draft 1 of 2" in first.content.decode()
    response = alice_client.post(capture_url(certificate), form_data())
    assert response["Location"] == capture_url(certificate, 2)
    page_two = alice_client.get(response["Location"])
    assert page_two.context["form"].initial["title"] == second.title
    response = alice_client.post(
        capture_url(certificate, 2), form_data(title=second.title, topics=["geriatrics"])
    )
    assert CreditEntry.objects.filter(clinician=alice, certificates=certificate).count() == 2
    assert alice_client.get(capture_url(certificate, 3)).status_code == 404


def test_a_certificate_awarding_three_credits_saves_an_entry_for_each(alice_client, alice, truth):
    joint = evaluation.Truth(
        **{
            **truth.__dict__,
            "also": (("ancc-contact-hour", Decimal("6.25")), ("moc-points", Decimal("4"))),
        }
    )
    pdf = evaluation.draw([("jointly-accredited", joint)], seed=4)
    certificate = store_certificate(alice, pdf, "joint.pdf").certificate
    for number, (kind, amount) in enumerate(
        [("ama-pra-1", "6.25"), ("ancc-contact-hour", "6.25"), ("moc-points", "4.00")], 1
    ):
        page = alice_client.get(capture_url(certificate, number))
        assert page.context["form"].initial["credit_type"] == kind
        assert f"{amount}" in str(page.context["form"].initial["credits"])
        # The entry saved from the first credit is not a duplicate of the next.
        assert not page.context["duplicates"]
        assert f"draft {number} of 3" in page.content.decode()
        alice_client.post(
            capture_url(certificate, number),
            form_data(credit_type=kind, credits=amount, notes="Location: Cleveland, OH"),
        )
    saved = CreditEntry.objects.filter(clinician=alice, certificates=certificate)
    assert sorted(saved.values_list("credit_type", flat=True)) == [
        "ama-pra-1",
        "ancc-contact-hour",
        "moc-points",
    ]
    assert {entry.source for entry in saved} == {"captured"}
    again = alice_client.get(capture_url(certificate, 3))
    assert again.context["duplicates"]  # the MOC points are entered now


def test_capturing_the_same_certificate_again_warns_of_a_duplicate(alice_client, certificate):
    alice_client.post(capture_url(certificate), form_data())
    page = alice_client.get(capture_url(certificate)).content.decode()
    assert "This looks like a certificate you already entered" in page


def test_a_certificate_made_out_to_someone_else_is_flagged(alice_client, alice, truth):
    other = evaluation.Truth(**{**truth.__dict__, "learner_name": "Morgan Okafor"})
    pdf = evaluation.draw([("classic", other)], seed=3)
    certificate = store_certificate(alice, pdf, "theirs.pdf").certificate
    page = alice_client.get(capture_url(certificate)).content.decode()
    assert "The certificate is made out to Morgan Okafor, not Alice Abbot" in page


def test_uploading_from_add_new_credits_goes_on_to_the_filled_form(alice_client, alice, truth):
    assert "?capture=1" in alice_client.get(reverse("entry-add")).content.decode()
    pdf = evaluation.draw([("classic", truth)], seed=4)
    response = alice_client.post(
        f"{reverse('certificates')}?capture=1", {"upload": [SimpleUploadedFile("c.pdf", pdf)]}
    )
    certificate = alice.certificates.get()
    assert response.status_code == 302
    assert response["Location"] == capture_url(certificate)


def test_another_clinicians_certificate_is_a_404(client, bob, certificate):
    client.login(username=bob.email, password=PASSWORD)
    assert client.get(capture_url(certificate)).status_code == 404
    assert client.post(capture_url(certificate), form_data()).status_code == 404
    assert not CreditEntry.objects.exists()


def test_capture_needs_a_clinicians_login(client, org_member, certificate):
    response = client.get(capture_url(certificate))
    assert response.status_code == 302 and "/login" in response["Location"]
    client.login(username=org_member.email, password=PASSWORD)
    assert client.get(capture_url(certificate)).status_code == 403


# --- several files at once: read in the background, confirmed one by one ---------------


def upload_several(client, pdfs: list[bytes]):
    files = [SimpleUploadedFile(f"c{i}.pdf", pdf) for i, pdf in enumerate(pdfs)]
    return client.post(f"{reverse('certificates')}?capture=1", {"upload": files})


def several(truth, count: int) -> list[bytes]:
    return [
        evaluation.draw(
            [("classic", evaluation.Truth(**{**truth.__dict__, "title": f"{truth.title} {i}"}))], i
        )  # noqa: E501
        for i in range(count)
    ]


def test_several_files_are_read_in_the_background_and_wait_in_the_queue(
    alice_client, alice, truth, django_capture_on_commit_callbacks
):
    from cmeledger.capture.models import Reading

    with django_capture_on_commit_callbacks(execute=True):
        response = upload_several(alice_client, several(truth, 3))
    assert response["Location"] == reverse("capture-queue")
    readings = Reading.objects.filter(certificate__clinician=alice)
    assert sorted(r.status for r in readings) == ["done"] * 3
    page = alice_client.get(reverse("capture-queue")).content.decode()
    assert "3 of 3 certificates read" in page
    assert page.count("Confirm the draft") == 3
    assert "hx-trigger" not in page  # nothing left to wait for


def test_a_queued_certificate_is_confirmed_from_its_stored_reading(
    alice_client, alice, truth, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_several(alice_client, several(truth, 2))
    certificate = alice.certificates.order_by("original_name").first()
    from cmeledger.capture import services

    def not_again(*args, **kwargs):
        raise AssertionError("read again instead of using the stored reading")

    monkeypatch.setattr(services, "capture", not_again)
    response = alice_client.get(capture_url(certificate))
    assert response.context["form"].initial["title"] == f"{truth.title} 0"
    alice_client.post(capture_url(certificate), form_data(title=f"{truth.title} 0"))
    page = alice_client.get(reverse("capture-queue")).content.decode()
    assert "· entered" in page and page.count("Confirm the draft") == 1


def test_the_queue_polls_while_certificates_are_being_read(alice_client, certificate):
    from cmeledger.capture.models import Reading

    Reading.objects.create(certificate=certificate)
    page = alice_client.get(reverse("capture-queue-progress")).content.decode()
    assert 'hx-trigger="every 2s"' in page and "0 of 1 certificate read" in page
    assert "Waiting" in page


def test_a_certificate_that_cannot_be_read_says_why(alice, certificate):
    from cmeledger.capture import services
    from cmeledger.capture.models import Reading

    certificate.file.save("broken.pdf", __import__("io").BytesIO(b"%PDF-1.7 broken"), save=True)
    reading = services.read(Reading.objects.create(certificate=certificate))
    assert reading.status == "failed"
    assert "incomplete" in reading.error or "damaged" in reading.error


def test_the_queue_shows_only_ones_own_certificates(client, bob, certificate):
    from cmeledger.capture.models import Reading

    Reading.objects.create(certificate=certificate, status="done")
    client.login(username=bob.email, password=PASSWORD)
    page = client.get(reverse("capture-queue")).content.decode()
    assert "ethics.pdf" not in page and "Nothing waiting" in page


def test_a_photo_is_read_in_the_background_then_confirmed(
    alice_client, alice, truth, django_capture_on_commit_callbacks
):
    from cmeledger.capture.models import Reading

    pdf = evaluation.draw([("classic", truth)], seed=6)
    photo = evaluation.photographed(pdf, 6)[0]
    certificate = store_certificate(alice, photo, "phone.jpg").certificate
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.get(capture_url(certificate))
    assert response["Location"] == reverse("capture-queue")
    # The test suite runs jobs inline; with the worker the page shows it as "Waiting".
    reading = Reading.objects.get(certificate=certificate)
    assert reading.status == "done" and len(reading.drafts) == 1
    form = alice_client.get(capture_url(certificate))
    assert form.status_code == 200
    assert form.context["form"].initial["title"] == truth.title
    assert form.context["confidence"]["title"] == "check"  # read from an image
