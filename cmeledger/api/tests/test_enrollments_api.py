"""The enrollments endpoints: list, add by hand, drop; ownership, roles and bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from cmeledger.accounts.models import License
from cmeledger.api.tests.conftest import token_client
from cmeledger.conftest import make_clinician
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalog(db):
    sync()


@pytest.fixture
def texas_license(alice):
    return License.objects.create(
        clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28)
    )


def post(client, data):
    return client.post("/api/v1/enrollments", json.dumps(data), content_type="application/json")


def test_it_lists_the_sets_followed_and_why(api, texas_license):
    body = api.get("/api/v1/enrollments").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["set_id"] == "us-tx-md"
    assert item["kind"] == "license" and item["automatic"] is True
    assert item["license_id"] == texas_license.pk and item["certification_id"] is None
    assert item["because"] == "TX MD license T1"
    assert item["dropped_at"] is None


def test_adding_a_set_answers_201_with_the_enrollment(api, alice):
    response = post(api, {"set_id": "ama-pra-3y", "started_on": "2025-04-01"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "AMA PRA certificate, 3 years"
    assert body["authority"] == "American Medical Association"
    assert (body["automatic"], body["because"], body["started_on"]) == (
        False,
        "chosen",
        "2025-04-01",
    )
    assert Enrollment.objects.get(pk=body["id"]).clinician == alice


def test_without_a_date_the_set_starts_today(api):
    body = post(api, {"set_id": "ama-pra-3y"}).json()
    assert body["started_on"] == timezone.localdate().isoformat()


def test_an_unknown_set_is_422_naming_it(api):
    response = post(api, {"set_id": "us-zz-md"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"set_id": ["There is no requirement set “us-zz-md”."]}}


def test_a_pa_is_refused_an_ama_pra_set_with_the_reason():
    pat = make_clinician("pat@example.org", "Pat", "Payne", degree="PA")
    response = post(token_client(pat), {"set_id": "ama-pra-3y"})
    assert response.status_code == 422
    assert response.json()["errors"]["set_id"] == [
        "AMA PRA certificate, 3 years is only for MD or DO clinicians; your profile says PA."
    ]
    assert not Enrollment.objects.exists()


def test_adding_a_set_followed_already_is_409(api):
    post(api, {"set_id": "ama-pra-3y", "started_on": "2025-04-01"})
    response = post(api, {"set_id": "ama-pra-3y"})
    assert response.status_code == 409
    assert response.json()["error"] == (
        "You already follow AMA PRA certificate, 3 years, since Apr 1, 2025."
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "set_id"),
        ({"set_id": 5}, "set_id"),
        ({"set_id": ""}, "set_id"),
        ({"set_id": "x" * 65}, "set_id"),
        ({"set_id": ["ama-pra-3y"]}, "set_id"),
        ({"set_id": "ama-pra-3y", "started_on": "2025-02-30"}, "started_on"),
        ({"set_id": "ama-pra-3y", "started_on": 20250201}, "started_on"),
        ({"set_id": "ama-pra-3y", "automatic": True}, "automatic"),
    ],
)
def test_wrong_types_and_unknown_fields_are_422_by_field(api, data, field):
    response = post(api, data)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Enrollment.objects.exists()


def test_a_body_that_is_not_json_is_400(api):
    response = api.post("/api/v1/enrollments", "{", content_type="application/json")
    assert response.status_code == 400
    assert not Enrollment.objects.exists()


def test_dropping_is_204_and_the_set_moves_to_the_dropped_list(api, alice, texas_license):
    enrollment = Enrollment.objects.get(clinician=alice)
    assert api.delete(f"/api/v1/enrollments/{enrollment.pk}").status_code == 204
    assert api.delete(f"/api/v1/enrollments/{enrollment.pk}").status_code == 204  # no change
    assert api.get("/api/v1/enrollments").json() == {"count": 0, "items": []}
    dropped = api.get("/api/v1/enrollments?dropped=true").json()["items"]
    assert [item["id"] for item in dropped] == [enrollment.pk]
    assert dropped[0]["dropped_at"] is not None
    texas_license.save()  # automatic enrollment runs again and leaves it dropped
    assert Enrollment.objects.filter(clinician=alice).count() == 1


def test_re_adding_a_dropped_chosen_set_takes_it_up_again(api):
    first = post(api, {"set_id": "ama-pra-3y", "started_on": "2024-01-01"}).json()
    api.delete(f"/api/v1/enrollments/{first['id']}")
    again = post(api, {"set_id": "ama-pra-3y", "started_on": "2026-01-01"}).json()
    assert again["id"] == first["id"]
    assert again["dropped_at"] is None and again["started_on"] == "2026-01-01"


def test_another_clinicians_enrollment_is_404_and_stays(bob_api, alice, texas_license):
    enrollment = Enrollment.objects.get(clinician=alice)
    for pk in (enrollment.pk, 10**30):
        response = bob_api.delete(f"/api/v1/enrollments/{pk}")
        assert response.status_code == 404
        assert response.json() == {"error": f"You have no enrollment {pk}."}
    assert bob_api.get("/api/v1/enrollments").json()["count"] == 0
    enrollment.refresh_from_db()
    assert enrollment.dropped_at is None


@pytest.mark.parametrize("url", ["/api/v1/enrollments/x", "/api/v1/enrollments/-1"])
def test_an_id_that_is_not_a_number_is_a_json_404(api, url):
    response = api.delete(url)
    assert response.status_code == 404
    assert "error" in response.json()


def test_the_list_is_paginated(api):
    post(api, {"set_id": "ama-pra-3y"})
    assert api.get("/api/v1/enrollments?limit=1&offset=1").json() == {"count": 1, "items": []}
    assert api.get("/api/v1/enrollments?limit=0").status_code == 422


def test_wrong_methods_are_405(api):
    response = api.put("/api/v1/enrollments")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert api.get("/api/v1/enrollments/1")["Allow"] == "DELETE"


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_get_403(request, who):
    client = token_client(request.getfixturevalue(who))
    assert client.get("/api/v1/enrollments").status_code == 403
    response = post(client, {"set_id": "ama-pra-3y"})
    assert response.status_code == 403
    assert "for clinicians" in response.json()["error"]
    assert not Enrollment.objects.exists()


def test_without_credentials_it_is_401():
    assert Client().get("/api/v1/enrollments").status_code == 401
    assert post(Client(), {"set_id": "ama-pra-3y"}).status_code == 401
    assert Client().delete("/api/v1/enrollments/1").status_code == 401
