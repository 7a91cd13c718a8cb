"""Every ledger page: login required, clinicians only, and another clinician's objects 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.testing import make_pdf

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "dashboard",
    "entry-add",
    "entries-deleted",
    "certificates",
    "capture-queue",
    "capture-queue-progress",
    "reports",
    "transcript-download",
    "share-links",
    "mock-audit",
    "packet-download",
    "exports",
    "export-csv",
    "export-json",
    "deadlines",
    "award",
    "award-summary",
]
ENTRY_GETS = ["entry-detail", "entry-edit"]
ENTRY_POSTS = ["entry-delete", "entry-restore", "entry-attach"]
CERTIFICATE_GETS = [
    "certificate-detail",
    "certificate-preview",
    "certificate-download",
    "certificate-capture",
]


@pytest.fixture
def alice_certificate(alice):
    return store_certificate(alice, make_pdf("Alice"), "alice.pdf").certificate


def all_urls(entry, certificate) -> list[tuple[str, str]]:
    urls = [("get", reverse(name)) for name in LIST_PAGES]
    urls += [("get", reverse(name, args=[entry.pk])) for name in ENTRY_GETS]
    urls += [("post", reverse(name, args=[entry.pk])) for name in ENTRY_POSTS]
    urls += [("get", reverse(name, args=[certificate.pk])) for name in CERTIFICATE_GETS]
    urls += [("post", reverse("certificate-attach", args=[certificate.pk]))]
    urls += [("post", reverse("certificate-delete", args=[certificate.pk]))]
    urls += [("post", reverse("certificate-share", args=[certificate.pk]))]
    urls += [("post", reverse("certificate-capture", args=[certificate.pk]))]
    urls += [("get", reverse("certificate-capture-page", args=[certificate.pk, 1]))]
    urls += [("post", reverse("entry-detach", args=[entry.pk, certificate.pk]))]
    return urls


def test_every_page_sends_anonymous_visitors_to_log_in(client, alice_entry, alice_certificate):
    for method, url in all_urls(alice_entry, alice_certificate):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_another_clinician_gets_404_for_every_object_page(
    client, bob, alice_entry, alice_certificate
):
    client.force_login(bob)
    for method, url in all_urls(alice_entry, alice_certificate)[len(LIST_PAGES) :]:
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    alice_entry.refresh_from_db()
    assert not alice_entry.is_deleted
    assert not alice_entry.certificates.exists()
    alice_certificate.refresh_from_db()  # still there


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_are_told_the_ledger_is_for_clinicians(client, request, who, alice_entry):
    client.force_login(request.getfixturevalue(who))
    for name in LIST_PAGES[1:]:  # "/" sends them to their own workspace instead
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert b"clinician" in response.content
    response = client.get(reverse("entry-detail", args=[alice_entry.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("org_member", "organization"),
        ("board_staff", "board-diplomates"),
        ("team_manager", "teams"),
    ],
)
def test_the_home_page_sends_each_other_role_to_its_own_workspace(client, request, who, landing):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_list_pages_refuse_methods_they_do_not_take(alice_client):
    assert alice_client.post(reverse("dashboard")).status_code == 405
    assert alice_client.post(reverse("entries-deleted")).status_code == 405
    assert alice_client.delete(reverse("entry-add")).status_code == 405


def test_the_nav_shows_ledger_links_only_to_clinicians(client, alice, org_member):
    client.force_login(alice)
    page = client.get(reverse("profile")).content.decode()
    assert reverse("entry-add") in page and reverse("tokens") in page
    client.force_login(org_member)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("entry-add") not in page
