"""The portable ledger of a PA and of an NP (issue 21): NCCPA, AANPCB and ANCC
certifications, their identifiers and PA and NP licenses travel, and a round trip gives
the same document. The sets are made up (requirements.testing.body_set_toml)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from cmeledger.accounts.models import Board, Certification, License, User
from cmeledger.conftest import make_clinician
from cmeledger.ledger import services
from cmeledger.ledger.testing import entry_fields
from cmeledger.portable.ledger_import import LedgerFileError, import_bytes
from cmeledger.portable.tests.test_portable import export, export_zip, without_time
from cmeledger.requirements.testing import body_set_toml, store_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_sets(db) -> None:
    store_set(body_set_toml("test-nccpa", "nccpa", months=24))
    store_set(body_set_toml("test-aanpcb", "aanpcb", months=60))
    store_set(body_set_toml("test-ancc", "ancc", months=60))


def _certify(user: User, body: str, number: str, start: date, end: date) -> Certification:
    return Certification.objects.create(
        clinician=user,
        board=Board.objects.get(code=body),
        board_id_number=number,
        cycle_start=start,
        cycle_end=end,
    )


@pytest.fixture
def pa_ledger(body_sets) -> User:
    pat = make_clinician("pat@example.org", "Pat", "Park", degree="PA")
    License.objects.create(
        clinician=pat, state="TX", profession="PA", number="PA1234", expires_on=date(2027, 5, 31)
    )
    _certify(pat, "nccpa", "1234567", date(2025, 1, 1), date(2026, 12, 31))
    services.create_entry(pat, pat, entry_fields(title="Sepsis update"), topics=["ethics"])
    return pat


@pytest.fixture
def np_ledger(body_sets) -> User:
    nora = make_clinician("nora@example.org", "Nora", "Nash", degree="NP")
    License.objects.create(
        clinician=nora, state="CA", profession="NP", number="NP95123", expires_on=date(2027, 8, 31)
    )
    License.objects.create(
        clinician=nora, state="TX", profession="RN", number="RN88", expires_on=date(2026, 9, 30)
    )
    _certify(nora, "aanpcb", "F0123456", date(2022, 7, 1), date(2027, 6, 30))
    _certify(nora, "ancc", "2019012345", date(2024, 3, 1), date(2029, 2, 28))
    services.create_entry(nora, nora, entry_fields(title="Pharmacology for NPs"))
    return nora


@pytest.mark.parametrize("who", ["pa_ledger", "np_ledger"])
def test_export_import_export_of_a_pa_or_np_gives_the_same_ledger(who, request, tmp_path: Path):
    user = request.getfixturevalue(who)
    before = export(user.email)
    target = export_zip(user.email, tmp_path / "ledger.zip")
    user.delete()
    call_command("ledger", "import", str(target), stdout=io.StringIO())
    assert without_time(export(user.email)) == without_time(before)


def test_the_pa_ledger_holds_the_nccpa_certification_its_set_and_the_pa_license(pa_ledger):
    document = export(pa_ledger.email)
    clinician = document["clinician"]
    assert clinician["profile"]["degree"] == "PA"
    assert clinician["licenses"][0]["profession"] == "PA"
    assert [(c["board"], c["board_id_number"]) for c in clinician["certifications"]] == [
        ("nccpa", "1234567")
    ]
    (enrollment,) = document["enrollments"]
    assert enrollment["set_id"] == "test-nccpa"
    assert enrollment["certification"] == {
        "board": "nccpa",
        "board_id_number": "1234567",
        "cycle_start": "2025-01-01",
    }


def test_the_np_ledger_holds_both_bodies_and_follows_both_sets(np_ledger):
    document = export(np_ledger.email)
    assert {c["board"] for c in document["clinician"]["certifications"]} == {"aanpcb", "ancc"}
    assert {(lic["state"], lic["profession"]) for lic in document["clinician"]["licenses"]} == {
        ("CA", "NP"),
        ("TX", "RN"),
    }
    assert {e["set_id"] for e in document["enrollments"]} == {"test-aanpcb", "test-ancc"}


def test_a_body_the_install_does_not_know_is_refused_by_name(pa_ledger):
    document = export(pa_ledger.email)
    document["clinician"]["certifications"][0]["board"] = "nbcrna"
    with pytest.raises(LedgerFileError) as error:
        import_bytes(json.dumps(document).encode())
    assert "clinician.certifications[0].board: unknown board 'nbcrna'" in error.value.problems
