"""A NUL character in a page's address, query or form is refused with 400 naming the
field, before anything is stored (PostgreSQL cannot store one: it used to answer 500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmeledger.front.tests.test_entries import form_data
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.nul import MESSAGE

pytestmark = pytest.mark.django_db


def refusal(field: str) -> str:
    return f"{field}: {MESSAGE} Nothing was saved."


def test_a_nul_in_a_form_field_is_refused_naming_it(alice_client):
    response = alice_client.post(reverse("entry-add"), form_data(title="Ethics\x00", save="1"))
    assert response.status_code == 400
    assert response.content.decode() == refusal("title")
    assert not CreditEntry.objects.exists()


def test_a_nul_in_a_form_sent_urlencoded_is_refused_naming_it(alice_client, alice_entry):
    response = alice_client.post(
        reverse("entry-correction", args=[alice_entry.pk]),
        "message=Wrong%00credits",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.content.decode() == refusal("message")


def test_a_nul_in_a_query_parameter_is_refused_naming_it(board_staff, client):
    client.force_login(board_staff)
    response = client.get(reverse("board-diplomates"), {"q": "Abb\x00ot"})
    assert response.status_code == 400
    assert response.content.decode() == refusal("q")


def test_a_nul_in_a_path_parameter_is_refused_naming_it(client):
    response = client.get("/s/abc%00def/")
    assert response.status_code == 400
    assert response.content.decode() == refusal("secret")


@pytest.mark.parametrize(
    ("who", "method", "url", "data", "field"),
    [
        ("alice", "get", reverse("directory"), {"q": "a\x00b"}, "q"),
        ("alice", "get", reverse("directory"), {"specialty": "\x00"}, "specialty"),
        ("board_staff", "get", reverse("board-direct-credit"), {"status": "\x00"}, "status"),
        ("board_staff", "post", reverse("board-directory-new"), {"name": "X\x00"}, "name"),
        (
            "board_staff",
            "post",
            reverse("board-program-edit", args=["abpmr-cc"]),
            {"name": "ABPMR", "rules-0-name": "x\x00"},
            "rules-0-name",
        ),
    ],
)
def test_pages_that_had_their_own_nul_checks_answer_alike(
    request, client, who, method, url, data, field
):
    client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert response.content.decode() == refusal(field)
