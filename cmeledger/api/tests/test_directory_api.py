"""Directory API: every role against every operation, searching and staff writes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cmeledger.api.tests.conftest import token_client
from cmeledger.directory.models import BoardAccreditor, Provider, ProviderReporting

pytestmark = pytest.mark.django_db
AAPMR = "american-academy-of-physical-medicine-and-rehabilitation-aapmr"
NEW = {"name": "Example Rehab CME", "phone": "(555) 010-0100", "accreditors": ["accme"]}


def call(client: Client, method: str, url: str, body: dict | None = None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    return getattr(client, method)(f"/api/v1{url}", **kwargs)


def writes(accepted_id: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("post", "/providers", NEW),
        ("put", f"/providers/{AAPMR}", NEW),
        ("put", f"/providers/{AAPMR}/reporting", {"reports_automatically": False}),
        ("delete", f"/providers/{AAPMR}/reporting", None),
        ("post", "/accepted-accreditors", {"accreditor": "aoa", "source": "x"}),
        ("delete", f"/accepted-accreditors/{accepted_id}", None),
    ]


READS = ["/providers", f"/providers/{AAPMR}", "/accepted-accreditors"]


def snapshot() -> tuple:
    return (
        list(Provider.objects.values_list("name", "phone", "updated_at")),
        list(ProviderReporting.objects.values_list("board_id", "details", "updated_at")),
        list(BoardAccreditor.objects.values_list("board_id", "name")),
    )


def test_anonymous_callers_get_401_everywhere(client, board):
    accepted = BoardAccreditor.objects.filter(board=board).first()
    for url in READS:
        assert call(client, "get", url).status_code == 401, url
    for method, url, body in writes(accepted.pk):
        assert call(client, method, url, body).status_code == 401, url


@pytest.mark.parametrize("who", ["alice", "bob", "org_member", "team_manager"])
def test_non_staff_read_but_get_403_for_writes(request, who, board):
    client = token_client(request.getfixturevalue(who))
    for url in READS:
        assert call(client, "get", url).status_code == 200, url
    before = snapshot()
    accepted = BoardAccreditor.objects.filter(board=board).first()
    for method, url, body in writes(accepted.pk):
        response = call(client, method, url, body)
        assert response.status_code == 403, url
        assert "board staff" in response.json()["error"]
    assert snapshot() == before


def test_staff_of_another_board_cannot_reach_the_first_boards_rows(other_board_staff, board):
    client = token_client(other_board_staff)
    accepted = BoardAccreditor.objects.filter(board=board).first()
    assert call(client, "delete", f"/accepted-accreditors/{accepted.pk}").status_code == 404
    assert call(client, "delete", f"/providers/{AAPMR}/reporting").status_code == 404
    assert call(client, "get", "/accepted-accreditors").json() == []
    mine = call(client, "get", "/providers?mine=true").json()
    assert mine["count"] == 0
    response = call(
        client,
        "put",
        f"/providers/{AAPMR}/reporting",
        {"reports_automatically": True, "details": "ABIM", "board": "abpmr"},
    )
    assert response.status_code == 422  # no such field as board
    response = call(client, "put", f"/providers/{AAPMR}/reporting", {"reports_automatically": True})
    assert response.json()["board"] == "abim"
    assert (
        "Must be an AAPM&R member"
        in ProviderReporting.objects.get(board=board, provider__slug=AAPMR).details
    )
    assert BoardAccreditor.objects.filter(pk=accepted.pk).exists()


def test_staff_write_and_everyone_reads_the_result(board_staff, alice, board):
    staff = token_client(board_staff)
    created = call(staff, "post", "/providers", {**NEW, "specialties": ["PM&R"]})
    assert created.status_code == 201
    slug = created.json()["slug"]
    assert slug == "example-rehab-cme"
    updated = call(
        staff,
        "put",
        f"/providers/{slug}",
        {**NEW, "phone": "(555) 010-0199", "specialties": ["PM&R"]},
    )
    assert updated.json()["phone"] == "(555) 010-0199"
    reporting = call(
        staff,
        "put",
        f"/providers/{slug}/reporting",
        {"reports_automatically": True, "credit_types": ["ama-pra-1"], "details": "All"},
    )
    assert reporting.status_code == 200 and reporting.json()["board"] == "abpmr"
    added = call(staff, "post", "/accepted-accreditors", {"accreditor": "aoa", "source": "P4"})
    assert added.status_code == 201 and added.json()["name"] == "AOA"
    reader = token_client(alice)
    found = call(reader, "get", "/providers?q=example+rehab").json()
    assert found["count"] == 1
    item = found["items"][0]
    assert (item["accreditors"], item["specialties"]) == (["accme"], ["PM&R"])
    assert item["reporting"][0]["credit_types"] == ["ama-pra-1"]
    abpmr = call(reader, "get", "/accepted-accreditors?board=abpmr").json()
    assert {r["name"] for r in abpmr} == {"ACCME", "ACCME-recognized state medical society", "AOA"}
    assert call(staff, "delete", f"/accepted-accreditors/{added.json()['id']}").status_code == 204
    assert call(staff, "delete", f"/providers/{slug}/reporting").status_code == 204


def test_search_pages_with_limit_and_offset(alice):
    client = token_client(alice)
    first = call(client, "get", "/providers?limit=5").json()
    rest = call(client, "get", "/providers?limit=100&offset=5").json()
    assert first["count"] == rest["count"] == 14
    assert len(first["items"]) == 5 and len(rest["items"]) == 9
    names = [p["name"] for p in first["items"] + rest["items"]]
    assert names == sorted(names)


@pytest.mark.parametrize(
    "query",
    [
        "q=a%00b",
        "q=" + "x" * 101,
        "accreditor=acme",
        "specialty=%00",
        "limit=0",
        "limit=abc",
        "offset=-1",
    ],
)
def test_bad_search_parameters_get_422(alice, query):
    response = call(token_client(alice), "get", f"/providers?{query}")
    assert response.status_code == 422
    assert response.json()["errors"]


@pytest.mark.parametrize(("slug", "status"), [("nope", 404), ("a%00b", 422), ("UPPER", 404)])
def test_unknown_or_malformed_slugs_are_refused(alice, slug, status):
    assert call(token_client(alice), "get", f"/providers/{slug}").status_code == status


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "X", "website": "javascript:alert(1)"}, "website"),
        ({"name": "X", "phone": "call"}, "phone"),
        ({"name": "X\u0000"}, "name"),
        ({"name": "X", "accreditors": ["acme"]}, "accreditors.0"),
        ({"name": "X", "specialties": ["s" * 81]}, "specialties"),
        ({"name": "X", "notes": "n" * 2001}, "notes"),
        ({"name": "American Medical Association (AMA)"}, "name"),
        ({"name": 5}, "name"),
    ],
)
def test_bad_provider_bodies_get_422_naming_the_field_and_store_nothing(board_staff, body, field):
    before = snapshot()
    response = call(token_client(board_staff), "post", "/providers", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert snapshot() == before


@pytest.mark.parametrize("query", ["board=abpmr%00", "board=" + "a" * 33, "board=ABPMR"])
def test_bad_board_codes_get_422(alice, query):
    assert call(token_client(alice), "get", f"/accepted-accreditors?{query}").status_code == 422


def test_an_unknown_board_lists_nothing(alice):
    assert call(token_client(alice), "get", "/accepted-accreditors?board=zzz").json() == []


def test_an_accepted_id_out_of_range_is_404(board_staff):
    response = call(token_client(board_staff), "delete", "/accepted-accreditors/99999999999999")
    assert response.status_code == 404
