"""Adding sets by hand and dropping any set: who may, what is refused, and why."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from cmeledger.accounts.models import License
from cmeledger.conftest import make_clinician
from cmeledger.requirements import choices
from cmeledger.requirements.enrollment import enroll_automatically
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalog(db):
    sync()


@pytest.fixture
def pat(db):
    return make_clinician("pat@example.org", "Pat", "Payne", degree="PA")


def test_a_clinician_adds_a_set_by_hand_from_a_chosen_day(alice):
    enrollment = choices.add_enrollment(alice, "ama-pra-3y", date(2025, 3, 1))
    assert enrollment.automatic is False
    assert enrollment.started_on == date(2025, 3, 1)
    assert (enrollment.license_id, enrollment.certification_id) == (None, None)


def test_the_start_defaults_to_today(alice):
    assert choices.add_enrollment(alice, "ama-pra-3y").started_on == timezone.localdate()


def test_a_pa_cannot_add_an_ama_pra_set_and_is_told_why(pat):
    with pytest.raises(choices.NotAllowed) as refused:
        choices.add_enrollment(pat, "ama-pra-3y")
    assert str(refused.value) == (
        "AMA PRA certificate, 3 years is only for MD or DO clinicians; your profile says PA."
    )
    assert not Enrollment.objects.exists()


def test_a_clinician_without_a_profile_is_asked_for_the_degree(alice):
    alice.profile.delete()
    with pytest.raises(choices.NotAllowed, match="add your degree on your profile first"):
        choices.add_enrollment(alice, "ama-pra-3y")


def test_an_unknown_set_is_refused_by_name(alice):
    with pytest.raises(choices.UnknownSet, match="There is no requirement set “us-zz-md”."):
        choices.add_enrollment(alice, "us-zz-md")


def test_sets_that_hang_on_a_license_or_certification_are_not_added_by_hand(alice):
    with pytest.raises(choices.NotAllowed, match="follows from a license: add the license"):
        choices.add_enrollment(alice, "us-tx-md")
    with pytest.raises(choices.NotAllowed, match="follows from a board certification"):
        choices.add_enrollment(alice, "abpmr-cc")
    assert not Enrollment.objects.exists()


def test_adding_a_set_followed_already_is_refused(alice):
    choices.add_enrollment(alice, "ama-pra-3y", date(2025, 3, 1))
    with pytest.raises(choices.AlreadyFollowing, match="since Mar 1, 2025"):
        choices.add_enrollment(alice, "ama-pra-3y")
    assert Enrollment.objects.count() == 1


def test_other_roles_cannot_follow_sets(org_member):
    with pytest.raises(choices.NotAllowed, match="Only clinicians"):
        choices.add_enrollment(org_member, "ama-pra-3y")


def test_dropping_keeps_the_row_and_dropping_again_changes_nothing(alice):
    enrollment = choices.add_enrollment(alice, "ama-pra-3y")
    dropped = choices.drop_enrollment(alice, enrollment.pk)
    assert dropped.dropped_at is not None
    again = choices.drop_enrollment(alice, enrollment.pk)
    assert again.dropped_at == dropped.dropped_at
    assert Enrollment.objects.get().pk == enrollment.pk


def test_re_adding_a_dropped_chosen_set_takes_the_same_row_up_again(alice):
    first = choices.add_enrollment(alice, "ama-pra-3y", date(2024, 1, 1))
    choices.drop_enrollment(alice, first.pk)
    again = choices.add_enrollment(alice, "ama-pra-3y", date(2026, 2, 1))
    assert again.pk == first.pk
    assert again.dropped_at is None
    assert again.started_on == date(2026, 2, 1)
    assert Enrollment.objects.count() == 1


def test_another_clinicians_enrollment_cannot_be_dropped(alice, bob):
    enrollment = choices.add_enrollment(alice, "ama-pra-3y")
    with pytest.raises(choices.NoSuchEnrollment, match=f"no enrollment {enrollment.pk}"):
        choices.drop_enrollment(bob, enrollment.pk)
    enrollment.refresh_from_db()
    assert enrollment.dropped_at is None


def test_a_dropped_automatic_enrollment_is_not_created_again(alice):
    License.objects.create(clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28))
    automatic = Enrollment.objects.get(clinician=alice, set_id="us-tx-md")
    choices.drop_enrollment(alice, automatic.pk)
    assert enroll_automatically(alice) == []
    License.objects.create(clinician=alice, state="CA", number="C1", expires_on=date(2027, 4, 30))
    rows = Enrollment.objects.filter(clinician=alice)
    assert {(e.set_id, e.dropped_at is None) for e in rows} == {
        ("us-tx-md", False),
        ("us-ca-md", True),
    }


def test_the_offers_leave_out_sets_chosen_and_say_why_others_are_closed(alice, pat):
    choices.add_enrollment(alice, "ama-pra-3y")
    offered = {offer.version.set_id: offer.refusal for offer in choices.offers(alice)}
    assert "ama-pra-3y" not in offered
    assert offered["nccpa-pa"].endswith("only for PA clinicians; your profile says MD.")
    assert offered["us-tx-md"].startswith("Texas")
    pat_offers = {offer.version.set_id: offer.refusal for offer in choices.offers(pat)}
    assert "only for MD or DO clinicians" in pat_offers["ama-pra-3y"]


def test_a_dropped_chosen_set_is_offered_again(alice):
    enrollment = choices.add_enrollment(alice, "ama-pra-3y")
    choices.drop_enrollment(alice, enrollment.pk)
    offered = {offer.version.set_id: offer.refusal for offer in choices.offers(alice)}
    assert offered["ama-pra-3y"] == ""
    assert [f.enrollment.pk for f in choices.followed(alice, dropped=True)] == [enrollment.pk]
    assert choices.followed(alice) == []
