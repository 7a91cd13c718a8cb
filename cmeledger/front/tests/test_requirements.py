"""The Requirement sets page: what a clinician follows and why, adding and dropping."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.models import License
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


def add(client, set_id, started_on=""):
    return client.post(reverse("requirement-add"), {"set_id": set_id, "started_on": started_on})


def test_it_lists_each_set_followed_with_why_and_since(alice_client, texas_license):
    Enrollment.objects.filter(set_id="us-tx-md").update(started_on=date(2025, 1, 2))
    page = alice_client.get(reverse("requirements")).content.decode()
    assert "Texas physician registration (MD)" in page
    assert "Texas Medical Board" in page  # the authority
    assert "Automatic, from your TX MD license T1" in page
    assert "Jan 2, 2025" in page
    assert reverse("requirement-drop", args=[Enrollment.objects.get().pk]) in page
    assert "You follow it already, from your TX MD license T1." in page  # not offered again


def test_it_offers_sets_to_add_and_says_why_others_are_closed(alice_client):
    page = alice_client.get(reverse("requirements")).content.decode()
    assert 'name="set_id" value="ama-pra-3y"' in page
    assert "NCCPA certification maintenance (PA-C) is only for PA clinicians" in page
    assert 'value="us-tx-md"' not in page
    assert "follows from a license: add the license on your profile" in page


def test_adding_a_set_follows_it_from_the_day_given(alice, alice_client):
    response = add(alice_client, "ama-pra-3y", "2025-04-01")
    assert response.status_code == 302 and response["Location"] == reverse("requirements")
    enrollment = Enrollment.objects.get(clinician=alice)
    assert (enrollment.set_id, enrollment.automatic) == ("ama-pra-3y", False)
    assert enrollment.started_on == date(2025, 4, 1)
    page = alice_client.get(response["Location"]).content.decode()
    assert "You now follow AMA PRA certificate, 3 years from Apr 1, 2025." in page
    assert "Chosen by you" in page
    assert 'name="set_id" value="ama-pra-3y"' not in page  # no longer offered


def test_without_a_date_the_set_is_followed_from_today(alice, alice_client):
    add(alice_client, "ama-pra-3y")
    assert Enrollment.objects.get(clinician=alice).started_on == timezone.localdate()


def test_a_pa_is_refused_an_ama_pra_set_with_the_reason(client):
    pat = make_clinician("pat@example.org", "Pat", "Payne", degree="PA")
    client.force_login(pat)
    response = add(client, "ama-pra-3y")
    assert response.status_code == 400
    assert (
        "AMA PRA certificate, 3 years is only for MD or DO clinicians; your profile says PA."
        in response.content.decode()
    )
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"set_id": "no-such-set"}, "There is no requirement set “no-such-set”."),
        ({"set_id": "ama-pra-3y", "started_on": "2025-02-30"}, "a start date as YYYY-MM-DD"),
        ({"set_id": ""}, "Choose a set"),
        ({"set_id": "x" * 65}, "Choose a set"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_added(alice_client, data, message):
    response = alice_client.post(reverse("requirement-add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enrollment.objects.exists()


def test_adding_a_set_twice_says_it_is_followed_already(alice_client):
    add(alice_client, "ama-pra-3y", "2025-04-01")
    response = add(alice_client, "ama-pra-3y")
    assert response.status_code == 400
    assert "You already follow AMA PRA certificate, 3 years, since Apr 1, 2025." in (
        response.content.decode()
    )
    assert Enrollment.objects.count() == 1


def test_dropping_an_automatic_set_keeps_it_dropped(alice, alice_client, texas_license):
    enrollment = Enrollment.objects.get(clinician=alice)
    response = alice_client.post(reverse("requirement-drop", args=[enrollment.pk]))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.dropped_at is not None
    texas_license.save()  # saving the license runs automatic enrollment again
    assert Enrollment.objects.filter(clinician=alice).count() == 1
    page = alice_client.get(reverse("requirements")).content.decode()
    assert "You no longer follow Texas" in page
    assert "Dropped" in page and "from your TX MD license T1" in page
    assert reverse("requirement-drop", args=[enrollment.pk]) not in page


def test_a_dropped_chosen_set_can_be_added_again(alice, alice_client):
    add(alice_client, "ama-pra-3y", "2024-01-01")
    enrollment = Enrollment.objects.get(clinician=alice)
    alice_client.post(reverse("requirement-drop", args=[enrollment.pk]))
    assert 'value="ama-pra-3y"' in alice_client.get(reverse("requirements")).content.decode()
    add(alice_client, "ama-pra-3y", "2026-01-01")
    enrollment.refresh_from_db()
    assert enrollment.dropped_at is None and enrollment.started_on == date(2026, 1, 1)


def test_another_clinicians_enrollment_is_a_404_and_stays(alice, client, bob, texas_license):
    enrollment = Enrollment.objects.get(clinician=alice)
    client.force_login(bob)
    for pk in (enrollment.pk, 10**30):
        assert client.post(reverse("requirement-drop", args=[pk])).status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.dropped_at is None


def test_the_pages_need_a_login_and_take_only_their_methods(alice_client):
    anonymous = Client()
    for method, url in [
        ("get", reverse("requirements")),
        ("post", reverse("requirement-add")),
        ("post", reverse("requirement-drop", args=[1])),
    ]:
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert alice_client.post(reverse("requirements")).status_code == 405
    assert alice_client.get(reverse("requirement-add")).status_code == 405
    assert alice_client.get(reverse("requirement-drop", args=[1])).status_code == 405


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_are_told_the_page_is_for_clinicians(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("requirements"))
    assert response.status_code == 403
    assert b"clinician" in response.content
    assert add(client, "ama-pra-3y").status_code == 403
    assert not Enrollment.objects.exists()


def test_the_nav_links_the_page_for_clinicians_only(client, alice, org_member):
    client.force_login(alice)
    assert reverse("requirements") in client.get(reverse("certificates")).content.decode()
    client.force_login(org_member)
    assert reverse("requirements") not in client.get(reverse("sets")).content.decode()
