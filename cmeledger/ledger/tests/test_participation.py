"""Certificates of participation: an entry keeps the designation and says what was received."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cmeledger.ledger import bulk, services
from cmeledger.ledger.models import CreditEntry, EntryRevision
from cmeledger.ledger.testing import entry_fields
from cmeledger.ledger.vocabulary import AwardedAs, CreditType, credit_words

PARTICIPATION = {"awarded_as": AwardedAs.PARTICIPATION}


def test_an_entry_is_credit_unless_it_says_otherwise(alice):
    entry = services.create_entry(alice, alice, entry_fields())
    assert entry.awarded_as == AwardedAs.CREDIT and not entry.is_participation
    assert entry.credit_words() == "AMA PRA Category 1 Credit™"


def test_a_certificate_of_participation_keeps_its_designation_in_plain_words(alice):
    entry = services.create_entry(alice, alice, entry_fields(**PARTICIPATION))
    assert entry.credit_type == CreditType.AMA_PRA_1 and entry.is_participation
    assert entry.credit_words() == "AMA PRA Category 1 Credit™ — certificate of participation"
    assert entry.revisions.get().changes["awarded_as"] == [None, "participation"]


def test_changing_what_was_received_is_recorded_in_the_history(alice):
    entry = services.create_entry(alice, alice, entry_fields())
    services.update_entry(entry, alice, {"awarded_as": AwardedAs.PARTICIPATION})
    assert entry.revisions.first().changes == {"awarded_as": ["credit", "participation"]}


@pytest.mark.parametrize("credit_type", ["attendance", "ama-pra-2", "moc-points", "sa-cme"])
def test_participation_needs_a_credit_type_an_activity_is_designated_for(alice, credit_type):
    with pytest.raises(ValidationError) as caught:
        services.create_entry(alice, alice, entry_fields(credit_type=credit_type, **PARTICIPATION))
    message = caught.value.message_dict["awarded_as"][0]
    assert message.startswith("A certificate of participation is for an activity designated")
    assert "Choose the credit type the activity was designated for." in message
    assert not CreditEntry.objects.exists()


def test_an_unknown_received_value_is_refused(alice):
    with pytest.raises(ValidationError) as caught:
        services.create_entry(alice, alice, entry_fields(awarded_as="honorary"))
    assert "not a valid choice" in caught.value.message_dict["awarded_as"][0]


def test_credit_words_name_an_unknown_code_as_it_is():
    assert credit_words("made-up", "participation") == "made-up — certificate of participation"


def _new(alice, **overrides) -> bulk.NewEntry:
    return bulk.NewEntry(clinician_id=alice.pk, **{**entry_fields(), **overrides})


def test_a_bulk_created_participation_entry_matches_a_single_one(alice):
    single = services.create_entry(alice, alice, entry_fields(**PARTICIPATION))
    [entry_id] = bulk.create_entries([_new(alice, awarded_as="participation")], alice.pk)
    assert CreditEntry.objects.get(pk=entry_id).is_participation
    assert EntryRevision.objects.get(entry_id=entry_id).changes == single.revisions.get().changes


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"awarded_as": "honorary"}, "Value 'honorary' is not a valid choice."),
        (
            {"awarded_as": "participation", "credit_type": "attendance"},
            "A certificate of participation is for an activity designated for credit; "
            "Certificate of attendance is not designated.",
        ),
    ],
)
def test_a_bulk_batch_with_a_bad_received_value_writes_nothing(alice, overrides, message):
    with pytest.raises(ValidationError) as caught:
        bulk.create_entries([_new(alice), _new(alice, **overrides)], alice.pk)
    assert caught.value.message_dict["entries[1].awarded_as"][0].startswith(message)
    assert not CreditEntry.objects.exists()


def test_a_bulk_revision_to_participation_of_an_undesignated_type_is_refused(alice):
    entry = services.create_entry(alice, alice, entry_fields(credit_type="attendance"))
    revision = bulk.Revision(entry, {"awarded_as": "participation"})
    with pytest.raises(ValidationError) as caught:
        bulk.revise_entries([revision], alice.pk)
    assert "revisions[0].awarded_as" in caught.value.message_dict
