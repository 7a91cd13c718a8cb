"""Every direct-credit page against every role: who gets in, who gets 403, and whose
objects are a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmeledger.directcredit.models import Application, Status
from cmeledger.directcredit.testing import article, completed_cycle
from cmeledger.ledger.models import CreditEntry

pytestmark = pytest.mark.django_db

CLINICIAN_LISTS = [("get", "direct-credit"), ("get", "direct-credit-new")]
CLINICIAN_OBJECTS = [("get", "direct-credit-detail"), ("post", "direct-credit-withdraw")]
STAFF_LISTS = [("get", "board-direct-credit")]
STAFF_OBJECTS = [
    ("get", "board-direct-credit-detail"),
    ("post", "board-direct-credit-approve"),
    ("post", "board-direct-credit-decline"),
]


@pytest.fixture
def application(alice, board) -> Application:
    completed_cycle(alice, board)
    return article(alice, board, title="Spasticity after stroke: a cohort")


def urls(routes, application=None) -> list[tuple[str, str]]:
    args = [application.pk] if application is not None else []
    return [(method, reverse(name, args=args)) for method, name in routes]


def evidence_url(application) -> str:
    certificate = application.evidence.get()
    return reverse("board-direct-credit-evidence", args=[application.pk, certificate.pk])


def every_url(application) -> list[tuple[str, str]]:
    return [
        *urls(CLINICIAN_LISTS),
        *urls(CLINICIAN_OBJECTS, application),
        *urls(STAFF_LISTS),
        *urls(STAFF_OBJECTS, application),
        ("get", evidence_url(application)),
    ]


def call(client, method: str, url: str):
    data = {"reason": "Checked."} if method == "post" else None
    return getattr(client, method)(url, data)


def assert_untouched(application) -> None:
    application.refresh_from_db()
    assert application.status == Status.PENDING
    assert not CreditEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_everywhere(client, application):
    for method, url in every_url(application):
        response = call(client, method, url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert_untouched(application)


@pytest.mark.parametrize("who", ["org_member", "team_manager", "board_staff", "other_board_staff"])
def test_non_clinicians_get_403_on_the_clinician_pages(client, application, request, who):
    client.force_login(request.getfixturevalue(who))
    for method, url in [*urls(CLINICIAN_LISTS), *urls(CLINICIAN_OBJECTS, application)]:
        assert call(client, method, url).status_code == 403, url
    assert_untouched(application)


@pytest.mark.parametrize("who", ["alice", "bob", "org_member", "team_manager"])
def test_everyone_but_board_staff_gets_403_on_the_board_pages(client, application, request, who):
    client.force_login(request.getfixturevalue(who))
    staff_urls = [*urls(STAFF_LISTS), *urls(STAFF_OBJECTS, application)]
    for method, url in [*staff_urls, ("get", evidence_url(application))]:
        response = call(client, method, url)
        assert response.status_code == 403, url
        assert b"for board staff" in response.content
    assert_untouched(application)


def test_the_clinician_reaches_their_own_pages(client, alice, application):
    client.force_login(alice)
    for method, url in urls(CLINICIAN_LISTS):
        assert call(client, method, url).status_code == 200, url
    detail = reverse("direct-credit-detail", args=[application.pk])
    assert client.get(detail).status_code == 200
    response = client.post(reverse("direct-credit-withdraw", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_another_clinician_gets_404_for_the_application_and_sees_none(client, bob, application):
    client.force_login(bob)
    for method, url in urls(CLINICIAN_OBJECTS, application):
        assert call(client, method, url).status_code == 404, url
    listing = client.get(reverse("direct-credit"))
    assert listing.status_code == 200
    assert application.title.encode() not in listing.content
    assert_untouched(application)


def test_staff_of_another_board_get_404_and_an_empty_queue(client, other_board_staff, application):
    client.force_login(other_board_staff)
    for method, url in [*urls(STAFF_OBJECTS, application), ("get", evidence_url(application))]:
        assert call(client, method, url).status_code == 404, url
    for status in ["pending", "all"]:
        queue = client.get(reverse("board-direct-credit"), {"status": status})
        assert queue.status_code == 200
        assert application.title.encode() not in queue.content
    assert_untouched(application)


def test_staff_of_the_board_reach_every_board_page(client, board_staff, application, alice):
    client.force_login(board_staff)
    queue = client.get(reverse("board-direct-credit"))
    assert queue.status_code == 200
    assert application.title.encode() in queue.content
    detail = client.get(reverse("board-direct-credit-detail", args=[application.pk]))
    assert detail.status_code == 200
    download = client.get(evidence_url(application))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    approve = client.post(reverse("board-direct-credit-approve", args=[application.pk]))
    assert approve.status_code == 302
    assert CreditEntry.objects.filter(clinician=alice).count() == 1
