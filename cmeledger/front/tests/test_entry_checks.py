"""The add-credits form guards against slips: a repeat of an entry already saved is
warned about and saved only on purpose; a completion date before 1950 is refused with
the floor named (issue 20, part A)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cmeledger.front.tests.test_entries import form_data
from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields

pytestmark = pytest.mark.django_db

WARNING = (
    "You already saved “Neuromuscular ultrasound workshop”, completed Mar 2, 2025, for 3.25 "
    "credits. To save this one as well, tick “Save it again” and save."
)


def post(client, **overrides):
    return client.post(reverse("entry-add"), form_data(save="1", **overrides))


def test_a_repeat_of_a_saved_entry_is_warned_about_and_not_saved(alice, alice_client):
    post(alice_client)
    response = post(alice_client, title="  neuromuscular ULTRASOUND workshop ")
    assert response.status_code == 400
    page = response.content.decode()
    assert WARNING.replace("“", "&ldquo;") in page or WARNING in page
    assert 'name="save_again"' in page and 'type="checkbox"' in page
    assert CreditEntry.objects.filter(clinician=alice).count() == 1


def test_ticking_save_it_again_saves_the_repeat_on_purpose(alice, alice_client):
    post(alice_client)
    response = post(alice_client, save_again="on")
    assert response.status_code == 302
    assert CreditEntry.objects.filter(clinician=alice).count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"credits": "3.00"},
        {"completed_on": "2025-03-01"},
        {"title": "Another workshop"},
        # One jointly accredited activity: AMA PRA credits and nursing contact hours.
        {"credit_type": "ancc-contact-hour"},
    ],
)
def test_a_different_title_date_amount_or_credit_type_is_no_repeat(alice, alice_client, change):
    post(alice_client)
    assert post(alice_client, **change).status_code == 302


def test_a_deleted_entry_or_another_clinicians_is_no_repeat(alice, alice_client, bob):
    services.create_entry(
        bob,
        bob,
        entry_fields(
            title="Neuromuscular ultrasound workshop",
            completed_on=date(2025, 3, 2),
            start_date=None,
            end_date=None,
            credits=Decimal("3.25"),
        ),
    )
    post(alice_client)
    services.delete_entry(CreditEntry.objects.get(clinician=alice), alice)
    assert post(alice_client).status_code == 302


def test_editing_an_entry_that_has_a_twin_saved_on_purpose_needs_no_confirmation(
    alice, alice_client
):
    post(alice_client)
    post(alice_client, save_again="on")
    entry = CreditEntry.objects.filter(clinician=alice).first()
    data = form_data(notes="Took it twice")
    response = alice_client.post(reverse("entry-edit", args=[entry.pk]), data)
    assert response.status_code == 302


def test_a_one_credit_repeat_says_credit(alice, alice_client):
    post(alice_client, credits="1")
    page = post(alice_client, credits="1").content.decode()
    assert "for 1 credit." in page


def test_a_completion_date_before_1950_is_refused_naming_the_floor(alice, alice_client):
    response = post(alice_client, start_date="", end_date="", completed_on="1925-03-02")
    assert response.status_code == 400
    assert "The completion date cannot be before Jan 1, 1950: check the year." in (
        response.content.decode()
    )
    assert not CreditEntry.objects.filter(clinician=alice).exists()


def test_the_first_day_of_1950_is_accepted(alice, alice_client):
    response = post(alice_client, start_date="", end_date="", completed_on="1950-01-01")
    assert response.status_code == 302


def test_the_floor_holds_for_every_writer_through_the_service(alice):
    fields = entry_fields(start_date=None, end_date=None, completed_on=date(1949, 12, 31))
    with pytest.raises(ValidationError) as excinfo:
        services.create_entry(alice, alice, fields)
    assert excinfo.value.message_dict["completed_on"] == [
        "The completion date cannot be before Jan 1, 1950: check the year."
    ]


def test_a_long_unbroken_title_is_kept_whole(alice, alice_client):
    title = "Neuro" + "x" * 280
    post(alice_client, title=title)
    page = alice_client.get(reverse("dashboard")).content.decode()
    assert title in page
