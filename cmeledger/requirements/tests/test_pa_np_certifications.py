"""PAs and NPs end to end (issue 21): a certification with NCCPA, AANPCB or ANCC enrolls
the set that governs it, with the certification's own dates as its cycle, whether it is
added on the profile page, imported in a ledger file or read back through the API.

The sets here are made up (requirements.testing.body_set_toml), so these tests do not
hang on the catalog's real NCCPA and NP sets, which have table cases of their own."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from cmeledger.accounts.models import ApiToken, Board, Certification, User
from cmeledger.conftest import make_clinician
from cmeledger.portable.ledger_import import import_bytes
from cmeledger.requirements import progress
from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.testing import body_set_toml, store_set

pytestmark = pytest.mark.django_db

ADD = "/accounts/certifications/add/"


@pytest.fixture
def pa(db) -> User:
    return make_clinician("pat@example.org", "Pat", "Park", degree="PA")


@pytest.fixture
def np_clinician(db) -> User:
    return make_clinician("nora@example.org", "Nora", "Nash", degree="NP")


@pytest.fixture
def body_sets(db) -> None:
    store_set(body_set_toml("test-nccpa", "nccpa", months=24, credits=100))
    store_set(body_set_toml("test-aanpcb", "aanpcb", months=60, credits=100))
    store_set(body_set_toml("test-ancc", "ancc", months=60, credits=75))


def _form(body: str, **overrides) -> dict:
    return {
        "board": str(Board.objects.get(code=body).pk),
        "board_id_number": "1234567",
        "specialty": "",
        "cycle_start": "2025-01-01",
        "cycle_end": "2026-12-31",
        **overrides,
    }


def _cycle(user: User, set_id: str) -> tuple[date, date, str]:
    (item,) = progress.report(user, date(2026, 3, 1), set_id=set_id).sets
    assert item.result is not None, item.problem
    return item.result.cycle_start, item.result.cycle_end, item.because


def test_a_pa_adding_an_nccpa_certification_on_the_page_follows_its_set_for_its_dates(
    client, pa, body_sets
):
    client.force_login(pa)
    response = client.post(ADD, _form("nccpa"), follow=True)
    assertContains(response, "Added NCCPA")
    assertContains(response, "National Commission on Certification of Physician Assistants")
    assertContains(response, "(PA-C)")
    cert = Certification.objects.get(clinician=pa)
    enrolled = Enrollment.objects.get(clinician=pa)
    assert (enrolled.set_id, enrolled.certification_id, enrolled.automatic) == (
        "test-nccpa",
        cert.pk,
        True,
    )
    assert _cycle(pa, "test-nccpa") == (
        date(2025, 1, 1),
        date(2026, 12, 31),
        "NCCPA certification Jan 1, 2025 to Dec 31, 2026",
    )


@pytest.mark.parametrize(("body", "set_id"), [("aanpcb", "test-aanpcb"), ("ancc", "test-ancc")])
def test_an_np_adding_an_aanpcb_or_ancc_certification_follows_its_set(
    client, np_clinician, body_sets, body, set_id
):
    client.force_login(np_clinician)
    client.post(ADD, _form(body, cycle_start="2022-07-01", cycle_end="2027-06-30"))
    assert list(
        Enrollment.objects.filter(clinician=np_clinician).values_list("set_id", flat=True)
    ) == [set_id]
    assert _cycle(np_clinician, set_id)[:2] == (date(2022, 7, 1), date(2027, 6, 30))


def test_changing_the_dates_moves_the_cycle_with_them(client, pa, body_sets):
    client.force_login(pa)
    client.post(ADD, _form("nccpa"))
    cert = Certification.objects.get(clinician=pa)
    client.post(
        f"/accounts/certifications/{cert.pk}/",
        _form("nccpa", cycle_start="2027-01-01", cycle_end="2028-12-31"),
    )
    assert _cycle(pa, "test-nccpa")[:2] == (date(2027, 1, 1), date(2028, 12, 31))


def test_a_pa_is_offered_nccpa_only_and_asked_for_the_nccpa_id(client, pa):
    client.force_login(pa)
    response = client.get(ADD)
    assertContains(response, "National Commission on Certification of Physician Assistants (NCCPA)")
    assertContains(response, "Choose your certifying body")
    assertContains(response, "NCCPA ID")
    assertNotContains(response, "American Board of Internal Medicine")
    assertNotContains(response, "American Nurses Credentialing Center")


def test_an_np_is_offered_aanpcb_and_ancc_and_asked_for_the_certificate_number(
    client, np_clinician
):
    client.force_login(np_clinician)
    response = client.get(ADD)
    assertContains(response, "(AANPCB)")
    assertContains(response, "(ANCC)")
    assertContains(response, "Certificate number")
    assertNotContains(response, "(NCCPA)")
    assertNotContains(response, "(ABIM)")


def test_a_physician_is_not_offered_the_pa_and_np_bodies(alice_client):
    response = alice_client.get(ADD)
    assertContains(response, "(ABIM)")
    for code in ("NCCPA", "AANPCB", "ANCC"):
        assertNotContains(response, f"({code})")


def test_a_body_of_another_profession_is_refused(client, pa, alice):
    client.force_login(pa)
    response = client.post(ADD, _form("abim"))
    assertContains(response, "Select a valid choice.")
    client.force_login(alice)
    response = client.post(ADD, _form("nccpa"))
    assertContains(response, "Select a valid choice.")
    assert not Certification.objects.exists()


def test_a_certification_kept_from_before_a_change_of_degree_can_still_be_edited(client, pa):
    abim = Board.objects.get(code="abim")
    cert = Certification.objects.create(
        clinician=pa, board=abim, cycle_start=date(2020, 1, 1), cycle_end=date(2029, 12, 31)
    )
    client.force_login(pa)
    response = client.post(
        f"/accounts/certifications/{cert.pk}/",
        _form("abim", board_id_number="99", cycle_start="2020-01-01", cycle_end="2029-12-31"),
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.board_id_number == "99"


@pytest.mark.parametrize("bad", ["12 34", "ID/7", "Pat Park", "-123"])
def test_a_malformed_id_is_refused_with_what_to_do(client, pa, bad):
    client.force_login(pa)
    response = client.post(ADD, _form("nccpa", board_id_number=bad))
    assertContains(
        response,
        "Enter the ID as your certifying body prints it: use letters, digits and hyphens only.",
    )
    assert not Certification.objects.exists()


def test_a_ledger_file_with_an_nccpa_certification_imports_and_enrolls(body_sets):
    document = {
        "format": "cmeledger-ledger",
        "version": 1,
        "exported_at": "2026-03-01T12:00:00Z",
        "clinician": {
            "email": "quinn@example.org",
            "first_name": "Quinn",
            "last_name": "Quill",
            "profile": {"degree": "PA"},
            "licenses": [{"state": "TX", "profession": "PA", "number": "PA1234"}],
            "certifications": [
                {
                    "board": "nccpa",
                    "board_id_number": "1234567",
                    "cycle_start": "2025-01-01",
                    "cycle_end": "2026-12-31",
                }
            ],
        },
    }
    import_bytes(json.dumps(document).encode())
    quinn = User.objects.get(email="quinn@example.org")
    assert quinn.certifications.get().board.code == "nccpa"
    assert _cycle(quinn, "test-nccpa")[:2] == (date(2025, 1, 1), date(2026, 12, 31))


def test_the_api_shows_the_body_its_credential_and_the_set_it_enrolled(pa, body_sets):
    Certification.objects.create(
        clinician=pa,
        board=Board.objects.get(code="nccpa"),
        board_id_number="1234567",
        cycle_start=date(2025, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    _, key = ApiToken.issue(pa, "tests")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    (cert,) = api.get("/api/v1/me").json()["certifications"]
    assert {k: cert[k] for k in ("board", "board_profession", "credential", "board_id_number")} == {
        "board": "nccpa",
        "board_profession": "PA",
        "credential": "PA-C",
        "board_id_number": "1234567",
    }
    (enrollment,) = api.get("/api/v1/enrollments").json()["items"]
    assert (enrollment["set_id"], enrollment["automatic"], enrollment["because"]) == (
        "test-nccpa",
        True,
        "NCCPA certification Jan 1, 2025 to Dec 31, 2026",
    )


def test_every_body_a_catalog_set_names_is_one_a_fresh_install_has(db):
    # Reads the real catalog: a set naming a body no migration seeds would enroll nobody,
    # and a ledger file with that body's certification would be refused.
    named = {code for s in load_catalog().sets for code in s.applies.boards}
    assert {"nccpa", "aanpcb", "ancc"} <= named
    assert named <= set(Board.objects.values_list("code", flat=True))


@pytest.mark.parametrize("who", ["pa", "np_clinician"])
def test_a_pa_or_np_profile_says_certification_and_certifying_body_not_board(client, who, request):
    clinician = request.getfixturevalue(who)
    client.force_login(clinician)
    empty = client.get("/accounts/profile/")
    assertContains(empty, "No certifications yet.")
    assertContains(empty, ">Add a certification</a>")
    assertNotContains(empty, "board certification")
    assertNotContains(empty, "Board certification")
    assertContains(client.get(ADD), "<h1>Add a certification</h1>", html=False)
    body = "nccpa" if who == "pa" else "aanpcb"
    client.post(ADD, _form(body))
    listed = client.get("/accounts/profile/")
    assertContains(listed, '<h2 id="certifications-heading">Certifications</h2>', html=True)
    assertContains(listed, "<th>Certifying body</th><th>ID</th>", html=False)
    assertNotContains(listed, "Board ID")
    cert = Certification.objects.get(clinician=clinician)
    assertContains(
        client.get(f"/accounts/certifications/{cert.pk}/"), "<h1>Edit certification</h1>"
    )


def test_a_physician_profile_keeps_saying_board_certification(alice_client):
    page = alice_client.get("/accounts/profile/")
    assertContains(page, "Board certifications")
    assertContains(page, ">Add a board certification</a>")
    assertContains(alice_client.get(ADD), "<h1>Add a board certification</h1>")
