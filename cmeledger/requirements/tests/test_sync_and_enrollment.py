"""Syncing catalog versions into the database, and automatic enrollment."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from cmeledger.accounts.models import Certification, License
from cmeledger.requirements.catalog import Catalog, load_catalog
from cmeledger.requirements.enrollment import (
    certification_years,
    enroll_automatically,
    governs,
)
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.schema import Applies, RequirementSet
from cmeledger.requirements.sync import digest, sync

pytestmark = pytest.mark.django_db


def test_sync_adds_every_version_once():
    out = io.StringIO()
    call_command("catalog", "sync", stdout=out)
    assert "us-tx-md v1" in out.getvalue()
    count = RequirementSetVersion.objects.count()
    assert count == len(load_catalog().sets)
    again = io.StringIO()
    call_command("catalog", "sync", stdout=again)
    assert "nothing new" in again.getvalue()
    assert RequirementSetVersion.objects.count() == count
    stored = RequirementSetVersion.objects.get(set_id="us-tx-md", version=1)
    assert stored.requirement_set().rules[0].id == "total"


def test_a_changed_version_is_refused_not_overwritten():
    sync()
    catalog = load_catalog()
    tx = catalog.get("us-tx-md")
    edited = tx.model_copy(update={"name": "Quietly edited"})
    others = [s for s in catalog.sets if s.id != "us-tx-md"]
    with pytest.raises(Exception, match=f"us-tx-md-v{tx.version + 1}.toml"):
        sync(Catalog([*others, edited]))
    stored = RequirementSetVersion.objects.get(set_id="us-tx-md", version=tx.version)
    assert stored.name != "Quietly edited"


def test_the_sync_command_reports_a_conflict(monkeypatch):
    sync()
    row = RequirementSetVersion.objects.get(set_id="us-ca-md", version=1)
    row.definition = {**row.definition, "name": "Stored before the file was edited"}
    row.digest = "0" * 64
    row.save()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("catalog", "sync", stdout=io.StringIO())


def test_a_version_stored_before_the_format_gained_a_key_is_still_the_same():
    """Installs synced before `sources_checked` and `requires_cme` existed hold
    definitions without them (and digests over that): the next sync must not call every
    such file changed, which stopped `make run` on every upgraded install."""
    sync()
    row = RequirementSetVersion.objects.get(set_id="us-tx-md", version=1)
    older = {
        k: v for k, v in row.definition.items() if k not in ("sources_checked", "requires_cme")
    }
    row.definition = older
    row.digest = hashlib.sha256(json.dumps(older, sort_keys=True).encode()).hexdigest()
    row.save()
    result = sync()
    assert result.added == []
    row.refresh_from_db()
    assert row.digest == digest(load_catalog().get("us-tx-md", 1))


def test_licenses_and_certifications_enroll_automatically(alice, board):
    sync()
    tx = License.objects.create(
        clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28)
    )
    # A license where the catalog has no set (Guam: the state sets cover the 50 states and DC).
    License.objects.create(clinician=alice, state="GU", number="G1", expires_on=date(2027, 2, 28))
    cert = Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2023, 1, 1), cycle_end=date(2027, 12, 31)
    )
    enrolled = Enrollment.objects.filter(clinician=alice)
    assert {(e.set_id, e.license_id, e.certification_id) for e in enrolled} == {
        ("us-tx-md", tx.pk, None),
        ("abpmr-cc", None, cert.pk),
    }
    assert enroll_automatically(alice) == []
    assert Enrollment.objects.filter(clinician=alice).count() == 2


def test_a_do_license_does_not_enroll_in_the_md_set(bob):
    sync()
    License.objects.create(clinician=bob, state="TX", profession="DO", number="D1")
    assert enroll_automatically(bob) == []


def test_adding_a_license_on_the_profile_page_enrolls(alice_client, alice):
    sync()
    alice_client.post(
        "/accounts/licenses/add/",
        {
            "state": "CA",
            "profession": "MD",
            "number": "A1",
            "expires_on": "2027-04-30",
            "direct_patient_care": "on",
        },
    )
    assert Enrollment.objects.get(clinician=alice).set_id == "us-ca-md"


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2021, 1, 1), date(2025, 12, 31), 5),
        (date(2021, 3, 15), date(2026, 3, 14), 5),
        (date(2018, 1, 1), date(2027, 12, 31), 10),
        (date(2020, 2, 29), date(2030, 2, 28), 10),
        (date(2025, 1, 1), date(2026, 12, 31), 2),
        (date(2025, 1, 1), date(2025, 1, 2), 0),
    ],
)
def test_a_certifications_length_is_counted_in_whole_years(start, end, years):
    assert certification_years(start, end) == years


def test_a_set_naming_lengths_governs_only_certifications_that_long():
    five = Applies(boards=["abpmr"], certification_years=[5])
    assert governs(five, "abpmr", date(2023, 1, 1), date(2027, 12, 31))
    assert not governs(five, "abpmr", date(2018, 1, 1), date(2027, 12, 31))
    assert not governs(five, "abim", date(2023, 1, 1), date(2027, 12, 31))
    # A set naming no length governs every certification of its boards.
    assert governs(Applies(boards=["abpmr"]), "abpmr", date(2018, 1, 1), date(2027, 12, 31))


def test_a_ten_year_abpmr_certificate_enrolls_legacy_moc_and_not_cc(alice, board):
    sync()
    ten = Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2018, 1, 1), cycle_end=date(2027, 12, 31)
    )
    five = Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2023, 1, 1), cycle_end=date(2027, 12, 31)
    )
    enrolled = Enrollment.objects.filter(clinician=alice)
    assert {(e.set_id, e.certification_id) for e in enrolled} == {
        ("abpmr-moc-10y", ten.pk),
        ("abpmr-cc", five.pk),
    }


def test_changing_a_certifications_dates_moves_it_to_the_programme_that_governs_it(alice, board):
    sync()
    cert = Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2023, 1, 1), cycle_end=date(2027, 12, 31)
    )
    cert.cycle_start = date(2018, 1, 1)
    cert.save()
    assert list(Enrollment.objects.filter(clinician=alice).values_list("set_id", flat=True)) == [
        "abpmr-moc-10y"
    ]


def test_an_automatic_enrollment_made_before_the_fix_goes_and_chosen_ones_stay(alice, board):
    sync()
    cert = Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2018, 1, 1), cycle_end=date(2027, 12, 31)
    )
    # As version 1 enrolled every ABPMR certificate in abpmr-cc:
    Enrollment.objects.create(
        clinician=alice, set_id="abpmr-cc", certification=cert, automatic=True
    )
    Enrollment.objects.create(clinician=alice, set_id="ama-pra-3y", automatic=False)
    Enrollment.objects.create(
        clinician=alice, set_id="gone-set", certification=cert, automatic=True
    )
    enroll_automatically(alice)
    assert set(Enrollment.objects.filter(clinician=alice).values_list("set_id", flat=True)) == {
        "abpmr-moc-10y",
        "ama-pra-3y",
        "gone-set",  # not in the catalog: kept, and the report says so
    }


def test_a_lengths_list_without_boards_is_refused():
    tx = load_catalog().get("us-tx-md").model_dump()
    with pytest.raises(ValueError, match="certification_years: name the boards it narrows"):
        RequirementSet.model_validate({**tx, "applies": {"certification_years": [5]}})
