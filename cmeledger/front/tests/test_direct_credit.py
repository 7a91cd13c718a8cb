"""The direct-credit pages: applying with evidence, withdrawing, and the board's queue."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmeledger.directcredit.models import Application, Kind, Status
from cmeledger.directcredit.testing import article, completed_cycle, evidence
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.testing import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(alice, board):
    return completed_cycle(alice, board)


def pdf(name: str = "proof.pdf", text: str = "Proof") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(text), content_type="application/pdf")


def article_form(**overrides) -> dict:
    data = {
        "kind": Kind.ARTICLE,
        "board": "abpmr",
        "title": "Doe J. Gait after stroke. Arch Rehab. 2024;1:1-9.",
        "completed_on": "2024-03-01",
        "quantity": "1",
    }
    data.update(overrides)
    return data


def test_the_list_explains_every_kind_and_marks_teaching_unconfirmed(alice_client):
    page = alice_client.get(reverse("direct-credit")).content.decode()
    assert "AMA PRA Category 1 Credit™" in page
    assert "20 AMA PRA Category 1 Credit™ per year" in page
    assert "Unconfirmed" in page
    assert "No applications yet." in page


def test_the_form_offers_completed_cycles_and_own_boards(alice_client, cycle, other_board):
    page = alice_client.get(reverse("direct-credit-new")).content.decode()
    assert "Jan 1, 2011 to Dec 31, 2020, completed Dec 31, 2020" in page
    assert 'value="abpmr"' in page
    assert 'value="abim"' not in page


def test_applying_with_an_upload_stores_the_file_and_shows_the_application(alice_client, cycle):
    response = alice_client.post(reverse("direct-credit-new"), {**article_form(), "upload": pdf()})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("direct-credit-detail", args=[application.pk])
    assert application.credits == 10
    assert application.evidence.get().original_name == "proof.pdf"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Waiting for the board" in page
    assert "Submitted" in page
    assert "Withdraw the application" in page


def test_applying_for_a_completed_cycle_with_a_stored_certificate(alice_client, alice, cycle):
    proof = evidence(alice, "MOC letter")
    data = {
        "kind": Kind.RECERTIFICATION,
        "certification": str(cycle.pk),
        "certificates": [proof.pk],
    }
    response = alice_client.post(reverse("direct-credit-new"), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.credits == 60
    assert application.completed_on == date(2020, 12, 31)


def test_without_evidence_the_form_comes_back_with_the_reason(alice_client, cycle):
    response = alice_client.post(reverse("direct-credit-new"), article_form())
    assert response.status_code == 400
    assert "Add evidence: upload a certificate or choose one you have." in response.content.decode()
    assert not Application.objects.exists()


def test_a_bad_upload_is_named_and_nothing_is_stored(alice_client, cycle):
    bad = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = alice_client.post(reverse("direct-credit-new"), {**article_form(), "upload": bad})
    assert response.status_code == 400
    assert "proof.pdf: This is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not Application.objects.exists()
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "bogus"),
        ("board", "<script>"),
        ("completed_on", "31/31/2024"),
        ("quantity", "lots"),
        ("quantity", "1" * 20),
        ("certification", "abc"),
        ("certification", "999999"),
        ("title", "t" * 400),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(alice_client, cycle, field, value):
    data = {**article_form(), field: value, "upload": pdf()}
    response = alice_client.post(reverse("direct-credit-new"), data)
    assert response.status_code == 400
    assert b"errorlist" in response.content
    assert not Application.objects.exists()
    assert not Certificate.objects.exists()


def test_another_clinicians_certificate_is_not_offered_or_accepted(alice_client, bob, cycle):
    theirs = evidence(bob, "Bob's diploma")
    response = alice_client.post(
        reverse("direct-credit-new"), {**article_form(), "certificates": [theirs.pk]}
    )
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_a_duplicate_is_refused_with_a_clear_message(alice_client, alice, board, cycle):
    article(alice, board, title=article_form()["title"])
    response = alice_client.post(reverse("direct-credit-new"), {**article_form(), "upload": pdf()})
    assert response.status_code == 400
    assert "withdraw that application first" in response.content.decode()
    assert Application.objects.count() == 1


def test_withdrawing_twice_says_it_is_no_longer_waiting(alice_client, alice, board, cycle):
    application = article(alice, board)
    url = reverse("direct-credit-withdraw", args=[application.pk])
    alice_client.post(url)
    response = alice_client.post(url, follow=True)
    assert "no longer waiting: it was withdrawn" in response.content.decode()


def test_staff_approve_and_the_clinician_sees_the_entry(
    client, alice, board, cycle, board_staff, mailoutbox
):
    application = article(alice, board, title="Poster <b>x</b>", kind=Kind.POSTER, quantity=2)
    client.force_login(board_staff)
    url = reverse("board-direct-credit-approve", args=[application.pk])
    response = client.post(url, {"reason": "Abstracts checked."}, follow=True)
    assert "Approved; the credits are in Alice Abbot" in response.content.decode()
    entry = CreditEntry.objects.get(clinician=alice)
    assert entry.credits == 10
    assert len(mailoutbox) == 1
    client.force_login(alice)
    page = client.get(reverse("direct-credit-detail", args=[application.pk])).content.decode()
    assert reverse("entry-detail", args=[entry.pk]) in page
    assert "Abstracts checked." in page
    assert "Poster &lt;b&gt;x&lt;/b&gt;" in page


def test_declining_without_a_reason_keeps_the_application_waiting(
    client, alice, board, cycle, board_staff
):
    application = article(alice, board)
    client.force_login(board_staff)
    url = reverse("board-direct-credit-decline", args=[application.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for declining" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.PENDING


def test_declining_with_a_reason_moves_it_out_of_the_queue(
    client, alice, board, cycle, board_staff
):
    application = article(alice, board)
    client.force_login(board_staff)
    client.post(reverse("board-direct-credit-decline", args=[application.pk]), {"reason": "No."})
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    waiting = client.get(reverse("board-direct-credit")).content.decode()
    assert application.title not in waiting
    declined = client.get(reverse("board-direct-credit"), {"status": "declined"}).content.decode()
    assert application.title in declined


def test_a_second_decision_is_refused(client, alice, board, cycle, board_staff):
    application = article(alice, board)
    client.force_login(board_staff)
    client.post(reverse("board-direct-credit-decline", args=[application.pk]), {"reason": "No."})
    response = client.post(
        reverse("board-direct-credit-approve", args=[application.pk]), follow=True
    )
    assert "no longer waiting: it was declined" in response.content.decode()
    assert not CreditEntry.objects.exists()


@pytest.mark.parametrize("status", ["bogus", "pending' or 1=1"])
def test_a_bad_queue_filter_falls_back_to_waiting(client, board_staff, status):
    client.force_login(board_staff)
    response = client.get(reverse("board-direct-credit"), {"status": status})
    assert response.status_code == 200
    assert 'aria-current="page">Waiting' in response.content.decode()


def test_evidence_of_another_application_is_a_404(client, alice, board, cycle, board_staff):
    first = article(alice, board, title="One")
    second = article(alice, board, title="Two")
    other = second.evidence.get()
    client.force_login(board_staff)
    url = reverse("board-direct-credit-evidence", args=[first.pk, other.pk])
    assert client.get(url).status_code == 404
