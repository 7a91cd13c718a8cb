"""Direct-credit API: clinicians apply for themselves; only the reviewing board decides."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cmeledger.api.tests.conftest import token_client
from cmeledger.directcredit.models import Application, Status
from cmeledger.directcredit.testing import article, completed_cycle, evidence
from cmeledger.ledger.models import CreditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(alice, board):
    completed_cycle(alice, board)
    return article(alice, board)


def post(client, url: str, body: dict):
    return client.post(f"/api/v1{url}", json.dumps(body), content_type="application/json")


def test_a_clinician_applies_with_their_own_certificate_and_lists_it(alice, board):
    completed_cycle(alice, board)
    proof = evidence(alice, "Poster proof")
    client = token_client(alice)
    body = {
        "kind": "poster",
        "board": board.code,
        "title": "Balance in Parkinson's",
        "completed_on": "2024-05-01",
        "quantity": 2,
        "evidence": [str(proof.pk)],
    }
    response = post(client, "/direct-credit", body)
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["credits"]) == 10 and response.json()["status"] == "pending"
    listed = client.get("/api/v1/direct-credit").json()
    assert listed["count"] == 1 and listed["items"][0]["evidence"] == [str(proof.pk)]


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "lottery"},
        {"quantity": "abc"},
        {"quantity": -1},
        {"evidence": []},
        {"evidence": ["not-a-uuid"]},
        {"title": "x" * 301},
        {"colour": "red"},
        {"completed_on": "2024-13-01"},
    ],
)
def test_bad_applications_are_422_and_store_nothing(alice, board, changes):
    completed_cycle(alice, board)
    proof = evidence(alice)
    body = {
        "kind": "article",
        "board": board.code,
        "title": "T",
        "completed_on": "2024-05-01",
        "quantity": 1,
        "evidence": [str(proof.pk)],
        **changes,
    }
    assert post(token_client(alice), "/direct-credit", body).status_code == 422
    assert not Application.objects.exists()


def test_nul_bytes_and_foreign_evidence_are_refused(alice, bob, board):
    completed_cycle(alice, board)
    mine, theirs = evidence(alice), evidence(bob, "Bob")
    base = {"kind": "article", "board": board.code, "title": "T", "completed_on": "2024-05-01"}
    client = token_client(alice)
    assert (
        post(
            client, "/direct-credit", {**base, "title": "a\x00", "evidence": [str(mine.pk)]}
        ).status_code
        == 422
    )
    assert post(client, "/direct-credit", {**base, "evidence": [str(theirs.pk)]}).status_code == 404
    assert not Application.objects.exists()


def test_the_reviewing_boards_staff_approve_and_the_credits_enter_the_ledger(
    board_staff, application, alice
):
    client = token_client(board_staff)
    queue = client.get("/api/v1/board/direct-credit?status=pending").json()
    assert [i["id"] for i in queue["items"]] == [str(application.pk)]
    response = post(client, f"/board/direct-credit/{application.pk}/approve", {"reason": "Fine"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert CreditEntry.objects.filter(clinician=alice, source="direct-credit").exists()
    again = post(client, f"/board/direct-credit/{application.pk}/approve", {})
    assert again.status_code == 409


def test_declining_needs_a_reason(board_staff, application):
    client = token_client(board_staff)
    assert post(client, f"/board/direct-credit/{application.pk}/decline", {}).status_code == 422
    assert Application.objects.get(pk=application.pk).status == Status.PENDING
    response = post(client, f"/board/direct-credit/{application.pk}/decline", {"reason": "No DOI"})
    assert response.json()["status"] == "declined" and response.json()["reason"] == "No DOI"


def test_the_clinician_withdraws_a_pending_application(alice, application):
    response = post(token_client(alice), f"/direct-credit/{application.pk}/withdraw", {})
    assert response.status_code == 200
    assert Application.objects.get(pk=application.pk).status != Status.PENDING


def test_another_clinician_and_another_boards_staff_get_404(bob, other_board_staff, application):
    bob_client = token_client(bob)
    assert bob_client.get(f"/api/v1/direct-credit/{application.pk}").status_code == 404
    assert post(bob_client, f"/direct-credit/{application.pk}/withdraw", {}).status_code == 404
    assert bob_client.get("/api/v1/direct-credit").json()["count"] == 0
    staff = token_client(other_board_staff)
    assert staff.get("/api/v1/board/direct-credit").json()["count"] == 0
    for verb in ("approve", "decline"):
        url = f"/board/direct-credit/{application.pk}/{verb}"
        assert post(staff, url, {"reason": "x"}).status_code == 404
    assert Application.objects.get(pk=application.pk).status == Status.PENDING


@pytest.mark.parametrize("who", ["org_member", "team_manager", "board_staff"])
def test_the_clinician_endpoints_refuse_other_roles(request, who, application):
    client = token_client(request.getfixturevalue(who))
    assert client.get("/api/v1/direct-credit").status_code == 403
    assert client.get(f"/api/v1/direct-credit/{application.pk}").status_code == 403


@pytest.mark.parametrize("who", ["alice", "org_member", "team_manager"])
def test_the_board_endpoints_refuse_other_roles(request, who, application):
    client = token_client(request.getfixturevalue(who))
    assert client.get("/api/v1/board/direct-credit").status_code == 403
    assert post(client, f"/board/direct-credit/{application.pk}/approve", {}).status_code == 403
    assert Application.objects.get(pk=application.pk).status == Status.PENDING


def test_anonymous_callers_get_401(client, application):
    assert client.get("/api/v1/direct-credit").status_code == 401
    assert client.get("/api/v1/board/direct-credit").status_code == 401
    assert post(client, f"/board/direct-credit/{application.pk}/approve", {}).status_code == 401


def test_a_malformed_id_is_422(alice, board_staff):
    assert token_client(alice).get("/api/v1/direct-credit/not-a-uuid").status_code == 422
    assert post(token_client(board_staff), "/board/direct-credit/%00/approve", {}).status_code in (
        404,
        422,
    )
