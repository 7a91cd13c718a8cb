from __future__ import annotations

from datetime import date

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from cmeledger.accounts.models import Board, Certification

ADD = "/accounts/certifications/add/"


def _form(chosen: Board, **overrides) -> dict:
    form = {
        "board": str(chosen.pk),
        "board_id_number": "12345",
        "specialty": "Physical Medicine and Rehabilitation",
        "cycle_start": "2024-01-01",
        "cycle_end": "2028-12-31",
    }
    form.update(overrides)
    return form


@pytest.fixture
def alice_cert(alice, board) -> Certification:
    return Certification.objects.create(
        clinician=alice,
        board=board,
        board_id_number="777",
        specialty="PM&R",
        cycle_start=date(2020, 1, 1),
        cycle_end=date(2024, 12, 31),
    )


def _edit(cert: Certification) -> str:
    return f"/accounts/certifications/{cert.pk}/"


def _delete(cert: Certification) -> str:
    return f"/accounts/certifications/{cert.pk}/delete/"


def test_it_requires_login(client, alice_cert):
    for url in [ADD, _edit(alice_cert)]:
        assertRedirects(client.get(url), f"/accounts/login/?next={url}")
    url = _delete(alice_cert)
    assertRedirects(client.post(url), f"/accounts/login/?next={url}")
    assert Certification.objects.filter(pk=alice_cert.pk).exists()


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_it_is_for_clinicians_only(client, who, request, alice_cert, board):
    client.force_login(request.getfixturevalue(who))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, _form(board)).status_code == 403
    assert client.get(_edit(alice_cert)).status_code == 403
    assert client.post(_delete(alice_cert)).status_code == 403
    assert Certification.objects.count() == 1


def test_the_form_offers_the_seeded_boards(alice_client):
    r = alice_client.get(ADD)
    assertContains(r, "American Board of Internal Medicine (ABIM)")
    assertContains(r, "American Osteopathic Association specialty boards (AOA)")
    for name in ["cycle_start", "cycle_end"]:
        assertContains(r, f'type="date" name="{name}"')
    for name in r.context["form"].fields:
        assertContains(r, f'<label for="id_{name}">')


def test_it_adds_a_certification(alice_client, alice, board):
    r = alice_client.post(ADD, _form(board), follow=True)
    assertRedirects(r, "/accounts/profile/")
    assertContains(r, "Added ABPMR Physical Medicine and Rehabilitation")

    cert = Certification.objects.get()
    assert cert.clinician == alice
    assert cert.board == board
    assert cert.board_id_number == "12345"
    assert (cert.cycle_start, cert.cycle_end) == (date(2024, 1, 1), date(2028, 12, 31))


def test_it_handles_cycle_end_before_start(alice_client, board):
    r = alice_client.post(ADD, _form(board, cycle_end="2023-12-31"))
    assertContains(r, "The cycle must end after it starts.")
    assert not Certification.objects.exists()


def test_it_requires_cycle_dates(alice_client, board):
    r = alice_client.post(ADD, _form(board, cycle_start="", cycle_end=""))
    assert r.context["form"].errors["cycle_start"] == ["This field is required."]
    assert not Certification.objects.exists()


def test_it_handles_an_unknown_board(alice_client, board):
    r = alice_client.post(ADD, _form(board, board="999999"))
    assertContains(r, "Select a valid choice.")
    assert not Certification.objects.exists()


def test_it_edits_a_certification(alice_client, alice_cert):
    abim = Board.objects.get(code="abim")
    r = alice_client.get(_edit(alice_cert))
    assertContains(r, 'value="777"')

    r = alice_client.post(_edit(alice_cert), _form(abim, board_id_number="888"))
    assertRedirects(r, "/accounts/profile/")
    alice_cert.refresh_from_db()
    assert (alice_cert.board, alice_cert.board_id_number) == (abim, "888")


def test_it_checks_ownership(client, bob, alice_cert, board):
    client.force_login(bob)
    assert client.get(_edit(alice_cert)).status_code == 404
    assert client.post(_edit(alice_cert), _form(board)).status_code == 404
    assert client.post(_delete(alice_cert)).status_code == 404
    alice_cert.refresh_from_db()
    assert alice_cert.board_id_number == "777"


def test_delete_requires_post(alice_client, alice_cert):
    assert alice_client.get(_delete(alice_cert)).status_code == 405
    assert Certification.objects.filter(pk=alice_cert.pk).exists()


def test_it_deletes_a_certification(alice_client, alice_cert):
    r = alice_client.post(_delete(alice_cert), follow=True)
    assertRedirects(r, "/accounts/profile/")
    assertContains(r, "Deleted ABPMR PM&amp;R 2020-01-01–2024-12-31.")
    assert not Certification.objects.exists()
