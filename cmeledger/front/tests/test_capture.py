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
    return evaluation.Truth(
        learner_name="Alice Abbot",
        degree="MD",
        title="Ethics in Rehabilitation Practice",
        provider="Lakeside Institute for Medical Education",
        accreditor="accme",
        start_date=None,
        completed_on=date(2025, 5, 4),
        credits=Decimal("6.25"),
        credit_type="ama-pra-1",
        activity_kind="live",
        location="Denver, CO",
        topics=("ethics",),
    )


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
    assert "certificate 1 of 2" in first.content.decode()
    response = alice_client.post(capture_url(certificate), form_data())
    assert response["Location"] == capture_url(certificate, 2)
    page_two = alice_client.get(response["Location"])
    assert page_two.context["form"].initial["title"] == second.title
    response = alice_client.post(
        capture_url(certificate, 2), form_data(title=second.title, topics=["geriatrics"])
    )
    assert CreditEntry.objects.filter(clinician=alice, certificates=certificate).count() == 2
    assert alice_client.get(capture_url(certificate, 3)).status_code == 404


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
