"""Board API: staff of the board read its diplomates; everyone else is refused."""

from __future__ import annotations

import json

import pytest

from cmeledger.api.tests.conftest import token_client
from cmeledger.boards import compliance
from cmeledger.boards.models import ComplianceRun
from cmeledger.front.tests.test_board import SET, diplomate
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db, board):
    sync()
    return [diplomate(1, board, "200", last="Zimmer"), diplomate(2, board, "5", last="Abbott")]


@pytest.fixture
def run(people, board):
    return compliance.compute(board, SET)


def operations(person) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", f"/api/v1/board/diplomates?set={SET}", None),
        ("get", f"/api/v1/board/diplomates/{person.pk}/progress", None),
        ("post", "/api/v1/board/compliance-runs", {"set": SET}),
    ]


def send(client, method: str, url: str, body: dict | None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_staff_list_their_diplomates_from_the_newest_run(board_staff, run):
    body = token_client(board_staff).get(f"/api/v1/board/diplomates?set={SET}&sort=name").json()
    assert body["run"]["id"] == run.pk and body["count"] == 2
    assert [item["name"].split()[-1] for item in body["items"]] == ["Abbott", "Zimmer"]
    zimmer = run.rows.get(certification__board_id_number="PMR00001")
    assert (
        body["items"][1]["status"] == zimmer.status and body["items"][1]["board_id"] == "PMR00001"
    )
    assert body["items"][1]["counted"] == str(zimmer.counted)


def test_staff_filter_and_search(board_staff, run):
    client = token_client(board_staff)
    assert client.get("/api/v1/board/diplomates?q=PMR00002").json()["count"] == 1
    zimmer = run.rows.get(certification__board_id_number="PMR00001")
    found = client.get(f"/api/v1/board/diplomates?status={zimmer.status}").json()
    assert "Dana1 Zimmer" in [i["name"] for i in found["items"]]
    assert "Dana2 Abbott" not in [i["name"] for i in found["items"]]


def test_one_diplomates_progress_is_the_progress_shape(board_staff, run, people):
    body = token_client(board_staff).get(f"/api/v1/board/diplomates/{people[0].pk}/progress").json()
    assert [s["set_id"] for s in body["sets"]] == [SET]
    zimmer = run.rows.get(certification__board_id_number="PMR00001")
    assert body["sets"][0]["result"]["status"] == zimmer.status


def test_staff_start_a_run(board_staff, run, board):
    response = send(
        token_client(board_staff), "post", "/api/v1/board/compliance-runs", {"set": SET}
    )
    assert response.status_code == 202
    assert ComplianceRun.objects.filter(board=board).count() == 2


def test_before_any_run_the_list_is_empty_and_says_no_run(board_staff, people):
    body = token_client(board_staff).get("/api/v1/board/diplomates").json()
    assert body == {"run": None, "count": 0, "items": []}


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/board/diplomates?status=excellent", 422),
        ("/api/v1/board/diplomates?sort=salary", 422),
        ("/api/v1/board/diplomates?limit=0", 422),
        ("/api/v1/board/diplomates?limit=abc", 422),
        ("/api/v1/board/diplomates?q=" + "x" * 101, 422),
        ("/api/v1/board/diplomates?q=a%00b", 422),
        ("/api/v1/board/diplomates?set=us-tx-md", 404),
        ("/api/v1/board/diplomates?set=%00", 422),
        ("/api/v1/board/diplomates/abc/progress", 422),
        ("/api/v1/board/diplomates/99999999/progress", 404),
    ],
)
def test_bad_queries_are_refused_with_the_reason(board_staff, run, url, code):
    response = token_client(board_staff).get(url)
    assert response.status_code == code, response.content
    assert response.json()


@pytest.mark.parametrize(
    "body", [{}, {"set": 5}, {"set": "us-tx-md"}, {"set": "a\x00"}, {"set": SET, "x": 1}]
)
def test_a_bad_run_request_starts_nothing(board_staff, run, body):
    response = token_client(board_staff).post(
        "/api/v1/board/compliance-runs", json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (404, 422)
    assert ComplianceRun.objects.count() == 1


def test_a_clinician_who_is_not_a_diplomate_is_a_404(board_staff, run, alice):
    response = token_client(board_staff).get(f"/api/v1/board/diplomates/{alice.pk}/progress")
    assert response.status_code == 404


def test_another_boards_staff_see_nothing_of_this_board(other_board_staff, run, people):
    client = token_client(other_board_staff)
    for method, url, body in operations(people[0]):
        assert send(client, method, url, body).status_code == 404, url
    assert ComplianceRun.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "org_member", "team_manager"])
def test_other_roles_are_refused(request, who, run, people):
    client = token_client(request.getfixturevalue(who))
    for method, url, body in operations(people[0]):
        assert send(client, method, url, body).status_code == 403, url
    assert ComplianceRun.objects.count() == 1


def test_the_diplomate_themself_is_refused(run, people):
    client = token_client(people[0])
    for method, url, body in operations(people[0]):
        assert send(client, method, url, body).status_code == 403, url


def test_anonymous_callers_get_401(client, run, people):
    for method, url, body in operations(people[0]):
        assert send(client, method, url, body).status_code == 401, url
