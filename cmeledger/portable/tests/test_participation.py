"""A certificate of participation travels in the ledger file as what it is."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields
from cmeledger.portable.ledger_import import LedgerFileError, import_bytes


def export(email: str) -> dict:
    out = io.StringIO()
    call_command("ledger", "export", email, stdout=out)
    return json.loads(out.getvalue())


def without_time(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported_at"}


@pytest.fixture
def pa_ledger(alice):
    services.create_entry(alice, alice, entry_fields(title="Credit"))
    services.create_entry(
        alice, alice, entry_fields(title="Participation", awarded_as="participation")
    )
    return alice


def test_participation_is_exported_and_round_trips_identically(pa_ledger):
    before = export(pa_ledger.email)
    received = {e["title"]: e["awarded_as"] for e in before["entries"]}
    assert received == {"Credit": "credit", "Participation": "participation"}
    pa_ledger.delete()
    result = import_bytes(json.dumps(before).encode())
    assert result.entries_created == 2
    assert without_time(export(before["clinician"]["email"])) == without_time(before)
    assert CreditEntry.objects.get(title="Participation").is_participation


def test_a_file_without_awarded_as_reads_as_credit(pa_ledger):
    document = export(pa_ledger.email)
    for entry in document["entries"]:
        entry.pop("awarded_as")
    pa_ledger.delete()
    import_bytes(json.dumps(document).encode())
    assert not CreditEntry.objects.filter(awarded_as="participation").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"awarded_as": "honorary"}, "entries[0].awarded_as: Input should be 'credit' or"),
        (
            {"awarded_as": "participation", "credit_type": "attendance"},
            "entries[0].awarded_as: A certificate of participation is for an activity designated",
        ),
    ],
)
def test_a_bad_awarded_as_in_a_file_names_the_entry_and_imports_nothing(
    pa_ledger, changes, message
):
    document = export(pa_ledger.email)
    document["entries"][0].update(changes)
    document["clinician"]["email"] = "new@example.org"
    with pytest.raises(LedgerFileError) as caught:
        import_bytes(json.dumps(document).encode())
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert not CreditEntry.objects.filter(clinician__email="new@example.org").exists()
