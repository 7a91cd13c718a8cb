"""Audit pages: staff of the board draw and decide; the sampled clinician sends proof."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cmeledger.audits import services
from cmeledger.audits.models import Audit, Item, ItemState
from cmeledger.audits.tests.test_audits import plan
from cmeledger.front.tests.test_board import diplomate
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(board, board_staff):
    for n in range(1, 4):
        diplomate(n, board, "10")
    return services.start(board_staff, plan(sample_size=1))


@pytest.fixture
def item(audit):
    return Item.objects.select_related("subject__clinician").get(subject__audit=audit)


def form(**changes) -> dict:
    due = timezone.localdate() + timedelta(days=30)
    data = {
        "title": "Spring audit",
        "cycle_start": "2022-01-01",
        "cycle_end": "2026-12-31",
        "due": due.isoformat(),
        "sample_size": "2",
        "seed": "5",
    }
    return {**data, **changes}


def test_staff_draw_an_audit_from_the_form_and_see_it(client, board_staff, audit):
    client.force_login(board_staff)
    response = client.post(reverse("board-audits"), form())
    created = Audit.objects.get(title="Spring audit")
    assert response.status_code == 302 and created.seed == 5 and created.subjects.count() == 2
    page = client.get(reverse("board-audit", args=[created.pk])).content.decode()
    assert "draw number 5" in page and "Drew 2 diplomates (draw number 5)." in page
    assert "seed" not in page.lower()


@pytest.mark.parametrize(
    "changes",
    [
        {"sample_size": "0"},
        {"sample_size": "abc"},
        {"sample_size": "99"},
        {"due": "2020-01-01"},
        {"cycle_start": "not a date"},
        {"seed": "-3"},
        {"title": ""},
        {"title": "x\x00"},
    ],
)
def test_a_bad_audit_form_is_a_400_and_draws_nothing(client, board_staff, audit, changes):
    client.force_login(board_staff)
    response = client.post(reverse("board-audits"), form(**changes))
    assert response.status_code == 400
    assert Audit.objects.count() == 1


def test_the_clinician_sends_proof_by_upload_and_staff_accept_it(client, board_staff, item):
    person = item.subject.clinician
    client.force_login(person)
    assert item.entry.title in client.get(reverse("my-audits")).content.decode()
    upload = SimpleUploadedFile("proof.pdf", make_pdf("Proof"), "application/pdf")
    client.post(reverse("my-audit-attach", args=[item.pk]), {"file": upload})
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED and item.certificate is not None
    client.force_login(board_staff)
    url = reverse("board-audit-decide", args=[item.subject.audit_id, item.pk])
    client.post(url, {"decision": "reject"})
    assert Item.objects.get(pk=item.pk).state == ItemState.SUBMITTED  # no reason: refused
    client.post(url, {"decision": "accept"})
    assert Item.objects.get(pk=item.pk).state == ItemState.ACCEPTED
    csv_text = client.get(
        reverse("board-audit-outcome", args=[item.subject.audit_id])
    ).content.decode()
    assert "accepted" in csv_text and person.email in csv_text
    client.post(reverse("board-audit-close", args=[item.subject.audit_id]))
    assert Audit.objects.get(pk=item.subject.audit_id).status == "closed"


def test_the_clinician_can_choose_a_certificate_already_in_the_ledger(client, item):
    person = item.subject.clinician
    certificate = store_certificate(person, make_pdf("Old"), "old.pdf").certificate
    client.force_login(person)
    client.post(reverse("my-audit-attach", args=[item.pk]), {"certificate": str(certificate.pk)})
    assert Item.objects.get(pk=item.pk).certificate == certificate


@pytest.mark.parametrize("bad", ["", "not-a-uuid", "\x00", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_or_missing_certificate_choice_changes_nothing(client, item, bad):
    client.force_login(item.subject.clinician)
    response = client.post(reverse("my-audit-attach", args=[item.pk]), {"certificate": bad})
    assert response.status_code in (302, 400, 404)  # 400: a NUL (cmeledger/lib/nul.py)
    assert Item.objects.get(pk=item.pk).state == ItemState.REQUESTED


def test_an_upload_that_is_not_a_certificate_is_refused(client, item):
    client.force_login(item.subject.clinician)
    upload = SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client.post(
        reverse("my-audit-attach", args=[item.pk]), {"file": upload}, follow=True
    )
    assert "Not sent" in response.content.decode()
    assert Item.objects.get(pk=item.pk).state == ItemState.REQUESTED


def test_another_clinicians_certificate_or_item_is_a_404(client, item, alice):
    foreign = store_certificate(alice, make_pdf("Alice"), "a.pdf").certificate
    client.force_login(item.subject.clinician)
    url = reverse("my-audit-attach", args=[item.pk])
    assert client.post(url, {"certificate": str(foreign.pk)}).status_code == 404
    client.force_login(alice)
    assert client.post(url, {"certificate": str(foreign.pk)}).status_code == 404
    assert item.entry.title not in client.get(reverse("my-audits")).content.decode()
    assert Item.objects.get(pk=item.pk).certificate is None


def staff_urls(item) -> list[tuple[str, str, dict]]:
    pk = item.subject.audit_id
    return [
        ("get", reverse("board-audits"), {}),
        ("post", reverse("board-audits"), form()),
        ("get", reverse("board-audit", args=[pk]), {}),
        ("post", reverse("board-audit-decide", args=[pk, item.pk]), {"decision": "accept"}),
        ("post", reverse("board-audit-close", args=[pk]), {}),
        ("get", reverse("board-audit-outcome", args=[pk]), {}),
    ]


def test_another_boards_staff_get_404_for_every_audit_page(client, other_board_staff, item):
    client.force_login(other_board_staff)
    for method, url, data in staff_urls(item)[2:]:
        assert getattr(client, method)(url, data).status_code == 404, url
    assert item.subject.audit.title not in client.get(reverse("board-audits")).content.decode()
    assert Item.objects.get(pk=item.pk).state == ItemState.REQUESTED


@pytest.mark.parametrize("who", ["alice", "org_member", "team_manager"])
def test_other_roles_are_refused_the_staff_pages(client, request, who, item):
    client.force_login(request.getfixturevalue(who))
    for method, url, data in staff_urls(item):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert Audit.objects.count() == 1


@pytest.mark.parametrize("who", ["board_staff", "org_member", "team_manager"])
def test_only_clinicians_have_the_proof_pages(client, request, who, item):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("my-audits")).status_code == 403
    assert client.post(reverse("my-audit-attach", args=[item.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, item):
    urls = staff_urls(item) + [
        ("get", reverse("my-audits"), {}),
        ("post", reverse("my-audit-attach", args=[item.pk]), {}),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Certificate.objects.exists()
