"""Provider directory pages: every role, searching, staff upkeep and bad input."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cmeledger.accounts.models import Certification
from cmeledger.directory.models import BoardAccreditor, Provider, ProviderReporting

pytestmark = pytest.mark.django_db
AAPMR_SLUG = "american-academy-of-physical-medicine-and-rehabilitation-aapmr"


@pytest.fixture
def aapmr():
    return Provider.objects.get(slug=AAPMR_SLUG)


def staff_urls(provider, accepted) -> list[tuple[str, str]]:
    return [
        ("get", reverse("board-directory")),
        ("get", reverse("board-directory-new")),
        ("post", reverse("board-directory-new")),
        ("post", reverse("board-directory-accreditor-add")),
        ("post", reverse("board-directory-accreditor-remove", args=[accepted.pk])),
        ("get", reverse("board-directory-edit", args=[provider.slug])),
        ("post", reverse("board-directory-edit", args=[provider.slug])),
        ("get", reverse("board-directory-reporting", args=[provider.slug])),
        ("post", reverse("board-directory-reporting", args=[provider.slug])),
        ("post", reverse("board-directory-reporting-remove", args=[provider.slug])),
    ]


def read_urls(provider) -> list[str]:
    return [reverse("directory"), reverse("directory-provider", args=[provider.slug])]


def snapshot() -> tuple:
    return (
        list(Provider.objects.values_list("name", "phone", "website", "updated_at")),
        list(ProviderReporting.objects.values_list("board_id", "details", "updated_at")),
        list(BoardAccreditor.objects.values_list("board_id", "name")),
    )


def test_anonymous_visitors_are_sent_to_log_in(client, aapmr, board):
    accepted = BoardAccreditor.objects.filter(board=board).first()
    urls = [("get", u) for u in read_urls(aapmr)] + staff_urls(aapmr, accepted)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "who", ["alice", "bob", "org_member", "team_manager", "board_staff", "other_board_staff"]
)
def test_everyone_signed_in_reads_the_directory(client, request, who, aapmr):
    client.force_login(request.getfixturevalue(who))
    for url in read_urls(aapmr):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"(847) 737-6000" in response.content


@pytest.mark.parametrize("who", ["alice", "bob", "org_member", "team_manager"])
def test_only_board_staff_keep_the_directory(client, request, who, aapmr, board):
    client.force_login(request.getfixturevalue(who))
    before = snapshot()
    accepted = BoardAccreditor.objects.filter(board=board).first()
    for method, url in staff_urls(aapmr, accepted):
        response = getattr(client, method)(url, {"name": "Sneaky", "source": "x"})
        assert response.status_code == 403, url
        assert b"board staff" in response.content
    assert snapshot() == before


def test_staff_of_another_board_cannot_touch_the_first_boards_rows(
    client, other_board_staff, aapmr, board
):
    client.force_login(other_board_staff)
    accepted = BoardAccreditor.objects.filter(board=board).first()
    response = client.post(reverse("board-directory-accreditor-remove", args=[accepted.pk]))
    assert response.status_code == 404
    response = client.post(reverse("board-directory-reporting-remove", args=[aapmr.slug]))
    assert response.status_code == 404  # ABIM has no row; ABPMR's is not theirs to remove
    page = client.get(reverse("board-directory"))
    assert b"Accreditors ABIM accepts" in page.content
    assert list(page.context["accepted"]) == []
    assert b"(source: " not in page.content
    reporting = client.get(reverse("board-directory-reporting", args=[aapmr.slug]))
    assert b"Must be an AAPM&amp;R member" not in reporting.content
    response = client.post(
        reverse("board-directory-reporting", args=[aapmr.slug]),
        {"reports_automatically": "on", "details": "ABIM note", "board": board.pk},
    )
    assert response.status_code == 302
    abpmr = ProviderReporting.objects.get(provider=aapmr, board=board)
    assert "Must be an AAPM&R member" in abpmr.details
    assert ProviderReporting.objects.get(provider=aapmr, board=other_board_staff.board).details == (
        "ABIM note"
    )
    assert BoardAccreditor.objects.filter(pk=accepted.pk).exists()


@pytest.mark.parametrize("slug", ["no-such-provider", "UPPER_case"])
def test_unknown_providers_are_404(client, alice, board_staff, slug):
    client.force_login(alice)
    assert client.get(reverse("directory-provider", args=[slug])).status_code == 404
    client.force_login(board_staff)
    assert client.get(reverse("board-directory-edit", args=[slug])).status_code == 404
    assert client.post(reverse("board-directory-reporting", args=[slug])).status_code == 404


def test_an_accepted_accreditor_id_out_of_range_is_404(client, board_staff):
    client.force_login(board_staff)
    url = reverse("board-directory-accreditor-remove", args=[99999999999999999999])
    assert client.post(url).status_code == 404


def test_clinicians_search_and_filter_with_pagination(client, alice, board):
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2021, 1, 1), cycle_end=date(2025, 12, 31)
    )
    client.force_login(alice)
    page = client.get(reverse("directory"), {"q": "physiatrists"})
    assert list(page.context["page"].object_list) == [
        Provider.objects.get(name="Association of Academic Physiatrists (AAP)")
    ]
    mine = client.get(reverse("directory"), {"mine": "on"})
    assert mine.context["page"].paginator.count == 4
    assert b"ABPMR (your board)" in mine.content
    assert b"Accreditors ABPMR accepts" in mine.content
    Provider.objects.bulk_create(
        Provider(name=f"Generated Provider {i:02}", slug=f"generated-provider-{i:02}")
        for i in range(30)
    )
    first = client.get(reverse("directory"), {"q": "generated"})
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("directory"), {"q": "generated", "page": "2"})
    assert [p.name for p in second.context["page"].object_list][0] == "Generated Provider 25"
    assert b"Page 2 of 2" in second.content
    assert client.get(reverse("directory"), {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("params", [{"q": "x" * 101}, {"accreditor": "acme"}])
def test_a_bad_search_says_so(client, alice, params):
    client.force_login(alice)
    response = client.get(reverse("directory"), params)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert response.context["page"].paginator.count == 0


def test_staff_add_a_provider_and_the_directory_shows_it(client, board_staff):
    client.force_login(board_staff)
    response = client.post(
        reverse("board-directory-new"),
        {
            "name": "Example Rehab CME",
            "phone": "(555) 010-0100",
            "website": "https://rehab.example.org/",
            "accreditors": ["accme"],
            "specialties": "PM&R\nSports medicine",
            "source": "Generated for tests",
        },
    )
    assert response.status_code == 302
    provider = Provider.objects.get(name="Example Rehab CME")
    assert provider.updated_by == board_staff
    assert provider.accreditor_codes == ["accme"]
    page = client.get(response["Location"])
    assert b"Sports medicine" in page.content
    assert b"Added Example Rehab CME." in page.content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "X", "website": "javascript:alert(1)"}, "website", "http"),
        ({"name": "X", "phone": "<script>"}, "phone", "phone number"),
        ({"name": "X", "notes": "n" * 2001}, "notes", "at most 2000"),
        ({"name": "X", "accreditors": ["acme"]}, "accreditors", "valid choice"),
        ({"name": "American Medical Association (AMA)"}, "name", "already exists"),
    ],
)
def test_a_bad_provider_form_names_the_field_and_stores_nothing(
    client, board_staff, data, field, message
):
    client.force_login(board_staff)
    before = snapshot()
    response = client.post(reverse("board-directory-new"), data)
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert snapshot() == before


def test_staff_edit_a_provider_and_their_boards_reporting(client, board_staff, aapmr, board):
    client.force_login(board_staff)
    response = client.post(
        reverse("board-directory-edit", args=[aapmr.slug]),
        {"name": aapmr.name, "phone": aapmr.phone, "website": "https://www.example.org/"},
    )
    assert response.status_code == 302
    aapmr.refresh_from_db()
    assert aapmr.website == "https://www.example.org/"
    response = client.post(
        reverse("board-directory-reporting", args=[aapmr.slug]),
        {"reports_automatically": "", "details": "Paused", "credit_types": ["ama-pra-1"]},
    )
    assert response.status_code == 302
    row = ProviderReporting.objects.get(provider=aapmr, board=board)
    assert (row.reports_automatically, row.details, row.updated_by) == (
        False,
        "Paused",
        board_staff,
    )
    response = client.post(
        reverse("board-directory-reporting", args=[aapmr.slug]),
        {"reports_automatically": "on", "activity_kinds": ["sleeping"]},
    )
    assert response.status_code == 400
    assert ProviderReporting.objects.get(provider=aapmr, board=board).details == "Paused"
    response = client.post(reverse("board-directory-reporting-remove", args=[aapmr.slug]))
    assert response.status_code == 302
    assert not ProviderReporting.objects.filter(provider=aapmr, board=board).exists()


def test_staff_add_and_remove_accepted_accreditors(client, board_staff, board):
    client.force_login(board_staff)
    response = client.post(
        reverse("board-directory-accreditor-add"), {"accreditor": "aoa", "source": "Policy 4"}
    )
    assert response.status_code == 302
    row = BoardAccreditor.objects.get(board=board, name="AOA")
    again = client.post(
        reverse("board-directory-accreditor-add"), {"accreditor": "aoa", "source": "Policy 4"}
    )
    assert again.status_code == 400
    assert b"ABPMR already accepts AOA" in again.content
    missing = client.post(reverse("board-directory-accreditor-add"), {"accreditor": "aoa"})
    assert missing.status_code == 400
    assert BoardAccreditor.objects.filter(board=board, name="AOA").count() == 1
    response = client.post(reverse("board-directory-accreditor-remove", args=[row.pk]))
    assert response.status_code == 302
    assert not BoardAccreditor.objects.filter(pk=row.pk).exists()
