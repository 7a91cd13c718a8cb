from __future__ import annotations

from datetime import date

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cmeledger.accounts.models import Certification, ClinicianProfile, License, User
from cmeledger.lib.npi import make_npi

URL = "/accounts/profile/"
NPI = make_npi("123456789")


def _form(**overrides) -> dict:
    form = {
        "first_name": "Alice",
        "middle_name": "B.",
        "last_name": "Abbot-Lee",
        "degree": "DO",
        "npi": NPI,
        "birth_month": "3",
        "birth_day": "14",
        "specialty": "Physical Medicine and Rehabilitation",
    }
    form.update(overrides)
    return form


def test_it_requires_login(client, db):
    r = client.get(URL)
    assertRedirects(r, "/accounts/login/?next=/accounts/profile/")


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_it_is_for_clinicians_only(client, who, request):
    client.force_login(request.getfixturevalue(who))
    r = client.get(URL)
    assert r.status_code == 403
    r = client.post(URL, _form())
    assert r.status_code == 403


def test_it_shows_the_form_with_a_label_for_every_field(alice_client):
    r = alice_client.get(URL)
    for name in r.context["form"].fields:
        assertContains(r, f'<label for="id_{name}">')
    assertContains(r, 'value="Alice"')
    assertContains(r, 'href="/accounts/tokens/"')
    assertContains(r, 'href="/accounts/password/change/"')
    assertContains(r, 'href="/accounts/email/"')
    assertContains(r, 'href="/accounts/2fa/"')


def test_it_saves_the_profile(alice_client, alice):
    r = alice_client.post(URL, _form(), follow=True)
    assertRedirects(r, URL)
    assertContains(r, "Profile saved.")

    alice.refresh_from_db()
    profile = alice.profile
    assert (alice.first_name, profile.middle_name, alice.last_name) == ("Alice", "B.", "Abbot-Lee")
    assert profile.degree == "DO"
    assert profile.npi == NPI
    assert (profile.birth_month, profile.birth_day) == (3, 14)
    assert profile.specialty == "Physical Medicine and Rehabilitation"


def test_it_removes_spaces_and_dashes_from_the_npi(alice_client, alice):
    alice_client.post(URL, _form(npi=f" {NPI[:4]} {NPI[4:7]}-{NPI[7:]} "))
    alice.profile.refresh_from_db()
    assert alice.profile.npi == NPI


def test_it_handles_bad_npi(alice_client, alice):
    bad = NPI[:9] + str((int(NPI[9]) + 1) % 10)
    r = alice_client.post(URL, _form(npi=bad))
    assertContains(r, "Enter a 10-digit NPI starting with 1 or 2 whose check digit is right.")
    alice.refresh_from_db()
    assert alice.profile.npi == ""
    assert alice.last_name == "Abbot"


def test_it_handles_day_31_in_february(alice_client, alice):
    r = alice_client.post(URL, _form(birth_month="2", birth_day="31"))
    assertContains(r, "Month 2 has at most 29 days.")
    alice.profile.refresh_from_db()
    assert alice.profile.birth_month is None


def test_it_needs_both_month_and_day(alice_client, alice):
    r = alice_client.post(URL, _form(birth_month="5", birth_day=""))
    assertContains(r, "Enter both the month and the day of birth, or neither.")


def test_it_handles_day_out_of_range(alice_client):
    r = alice_client.post(URL, _form(birth_day="32"))
    assertContains(r, "Ensure this value is less than or equal to 31.")


def test_it_requires_first_and_last_name(alice_client, alice):
    r = alice_client.post(URL, _form(first_name="", last_name=""))
    assert r.context["form"].errors["first_name"] == ["This field is required."]
    alice.refresh_from_db()
    assert alice.first_name == "Alice"


def test_it_creates_a_missing_profile_on_save(client, db):
    # An account made in the admin has no profile row yet.
    user = User.objects.create_user("dana@example.org", "x", first_name="Dana")
    client.force_login(user)
    assert client.get(URL).status_code == 200
    client.post(URL, _form(first_name="Dana", last_name="Diaz"))
    assert ClinicianProfile.objects.get(user=user).npi == NPI


def test_it_lists_own_licenses_and_certifications_only(alice_client, alice, bob, board):
    License.objects.create(clinician=alice, state="CA", number="A-111")
    License.objects.create(clinician=bob, state="TX", number="B-222")
    cycle = {"cycle_start": date(2024, 1, 1), "cycle_end": date(2028, 12, 31)}
    Certification.objects.create(clinician=alice, board=board, board_id_number="ALICE-7", **cycle)
    Certification.objects.create(clinician=bob, board=board, board_id_number="BOB-9", **cycle)

    r = alice_client.get(URL)
    assertContains(r, "A-111")
    assertContains(r, "ALICE-7")
    assertNotContains(r, "B-222")
    assertNotContains(r, "BOB-9")
    license = alice.licenses.get()
    assertContains(r, f'href="/accounts/licenses/{license.pk}/"')
    assertContains(r, f'action="/accounts/licenses/{license.pk}/delete/"')
