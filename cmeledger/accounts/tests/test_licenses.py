from __future__ import annotations

from datetime import date

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from cmeledger.accounts.models import License

ADD = "/accounts/licenses/add/"


def _form(**overrides) -> dict:
    form = {
        "state": "CA",
        "profession": "MD",
        "number": "A123456",
        "issued_on": "2023-02-01",
        "expires_on": "2025-01-31",
        "dea_registrant": "on",
        "direct_patient_care": "on",
        "first_licensed_on": "2015-07-01",
    }
    form.update(overrides)
    return form


@pytest.fixture
def alice_license(alice) -> License:
    return License.objects.create(
        clinician=alice, state="TX", profession="MD", number="T-9", issued_on=date(2022, 1, 1)
    )


def _edit(license: License) -> str:
    return f"/accounts/licenses/{license.pk}/"


def _delete(license: License) -> str:
    return f"/accounts/licenses/{license.pk}/delete/"


def test_it_requires_login(client, alice_license):
    for url in [ADD, _edit(alice_license)]:
        assertRedirects(client.get(url), f"/accounts/login/?next={url}")
    url = _delete(alice_license)
    assertRedirects(client.post(url), f"/accounts/login/?next={url}")
    assert License.objects.filter(pk=alice_license.pk).exists()


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_it_is_for_clinicians_only(client, who, request, alice_license):
    client.force_login(request.getfixturevalue(who))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, _form()).status_code == 403
    assert client.get(_edit(alice_license)).status_code == 403
    assert client.post(_delete(alice_license)).status_code == 403
    assert License.objects.count() == 1


def test_the_form_uses_date_inputs_and_labels(alice_client):
    r = alice_client.get(ADD)
    for name in ["issued_on", "expires_on", "first_licensed_on"]:
        assertContains(r, f'type="date" name="{name}"')
    for name in r.context["form"].fields:
        assertContains(r, f'<label for="id_{name}">')


def test_it_adds_a_license(alice_client, alice):
    r = alice_client.post(ADD, _form(), follow=True)
    assertRedirects(r, "/accounts/profile/")
    assertContains(r, "Added CA MD license A123456.")

    license = License.objects.get()
    assert license.clinician == alice
    assert (license.state, license.profession, license.number) == ("CA", "MD", "A123456")
    assert license.issued_on == date(2023, 2, 1)
    assert license.expires_on == date(2025, 1, 31)
    assert license.first_licensed_on == date(2015, 7, 1)
    assert license.dea_registrant is True
    assert license.direct_patient_care is True


def test_unchecked_boxes_save_false(alice_client):
    form = _form()
    del form["dea_registrant"], form["direct_patient_care"]
    alice_client.post(ADD, form)
    license = License.objects.get()
    assert (license.dea_registrant, license.direct_patient_care) == (False, False)


def test_it_handles_expiry_before_issue(alice_client):
    r = alice_client.post(ADD, _form(expires_on="2023-01-01"))
    assertContains(r, "The expiry date must be after the issue date.")
    assert not License.objects.exists()


def test_it_handles_first_licensed_after_issue(alice_client):
    r = alice_client.post(ADD, _form(first_licensed_on="2024-01-01"))
    assertContains(r, "First licensed cannot be after this license was issued.")
    assert not License.objects.exists()


def test_it_handles_a_bad_date(alice_client):
    r = alice_client.post(ADD, _form(issued_on="2023-02-30"))
    assertContains(r, "Enter a valid date.")
    assert not License.objects.exists()


def test_it_handles_a_duplicate_license(alice_client, alice_license):
    r = alice_client.post(ADD, _form(state="TX", number="T-9"))
    assertContains(r, "You already have the TX MD license T-9.")
    assert License.objects.count() == 1


def test_another_clinician_may_hold_the_same_number(client, bob, alice_license):
    client.force_login(bob)
    r = client.post(ADD, _form(state="TX", number="T-9", issued_on="", expires_on=""))
    assertRedirects(r, "/accounts/profile/")
    assert bob.licenses.count() == 1


def test_it_edits_a_license(alice_client, alice_license):
    r = alice_client.get(_edit(alice_license))
    assertContains(r, 'value="T-9"')
    assertContains(r, 'value="2022-01-01"')

    r = alice_client.post(_edit(alice_license), _form(state="TX", number="T-9"))
    assertRedirects(r, "/accounts/profile/")
    alice_license.refresh_from_db()
    assert alice_license.expires_on == date(2025, 1, 31)
    assert License.objects.count() == 1


def test_it_checks_ownership(client, bob, alice_license):
    client.force_login(bob)
    assert client.get(_edit(alice_license)).status_code == 404
    assert client.post(_edit(alice_license), _form()).status_code == 404
    assert client.post(_delete(alice_license)).status_code == 404
    alice_license.refresh_from_db()
    assert alice_license.number == "T-9"


def test_it_handles_a_missing_license(alice_client):
    assert alice_client.get("/accounts/licenses/999999/").status_code == 404


def test_delete_requires_post(alice_client, alice_license):
    r = alice_client.get(_delete(alice_license))
    assert r.status_code == 405
    assert License.objects.filter(pk=alice_license.pk).exists()


def test_it_deletes_a_license(alice_client, alice_license):
    r = alice_client.post(_delete(alice_license), follow=True)
    assertRedirects(r, "/accounts/profile/")
    assertContains(r, "Deleted TX MD license T-9.")
    assert not License.objects.exists()
