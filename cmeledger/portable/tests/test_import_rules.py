# ruff: noqa: F811 (the imported fixtures below are named again as test arguments)
"""What import does beyond the schema (docs/formats/ledger.md, issue 19).

A ledger file's enrollments obey the Requirements page's rules on import: a known set,
listed once, chosen by hand only where the page allows it, and through a license or
certification only into a set that record governs. A refusal names the enrollment and
why, and leaves what is stored untouched (issue 19)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cmeledger.accounts.models import ClinicianProfile, User
from cmeledger.portable.ledger_import import LedgerFileError, import_bytes

# The ledgers of test_portable.py, shared as fixtures (so tests name them as arguments).
from cmeledger.portable.tests.test_portable import (  # noqa: F401
    enrolled_ledger,
    export,
    rich_ledger,
)
from cmeledger.requirements.models import Enrollment

pytestmark = pytest.mark.django_db


def chosen(set_id: str, **extra) -> dict:
    return {
        "set_id": set_id,
        "license": None,
        "certification": None,
        "automatic": False,
        "started_on": "2025-01-01",
        "dropped_at": None,
        **extra,
    }


def refused(document: dict) -> list[str]:
    with pytest.raises(LedgerFileError) as error:
        import_bytes(json.dumps(document).encode())
    return error.value.problems


def stored(user: User) -> set[tuple]:
    return set(
        Enrollment.objects.filter(clinician=user).values_list(
            "set_id", "license_id", "certification_id", "started_on", "dropped_at"
        )
    )


def test_a_set_the_profile_may_not_choose_is_refused_and_nothing_changes(enrolled_ledger):
    before = stored(enrolled_ledger)
    document = export(enrolled_ledger.email)
    document["clinician"]["profile"]["degree"] = "PA"
    assert refused(document) == [
        "enrollments[1] (ama-pra-3y): refused, AMA PRA certificate, 3 years is only for MD or "
        "DO clinicians; your profile says PA."
    ]
    assert ClinicianProfile.objects.get(user=enrolled_ledger).degree == "MD"
    assert stored(enrolled_ledger) == before


def test_a_license_set_chosen_by_hand_is_refused(enrolled_ledger):
    document = export(enrolled_ledger.email)
    document["enrollments"].append(chosen("us-ny-md"))
    [problem] = refused(document)
    assert problem.startswith("enrollments[3] (us-ny-md): refused, ")
    assert problem.endswith(
        "follows from a license: add the license on your profile and you follow it automatically."
    )


def test_an_unknown_set_is_refused_by_name(enrolled_ledger):
    document = export(enrolled_ledger.email)
    document["enrollments"].append(chosen("us-zz-md"))
    assert refused(document) == [
        "enrollments[3].set_id: there is no requirement set “us-zz-md” here"
    ]


def test_the_same_enrollment_twice_is_refused(enrolled_ledger):
    document = export(enrolled_ledger.email)
    document["enrollments"].append(dict(document["enrollments"][0]))
    assert refused(document) == ["enrollments[3]: abpmr-cc with the same record is listed twice"]


def test_a_certification_enrolls_only_in_the_set_that_governs_it(enrolled_ledger):
    """The 2022-2026 certification is five years: it enrolls abpmr-cc, not legacy MOC."""
    before = stored(enrolled_ledger)
    entries = enrolled_ledger.entries.count()
    document = export(enrolled_ledger.email)
    cc = next(e for e in document["enrollments"] if e["set_id"] == "abpmr-cc")
    document["enrollments"].append(dict(cc, set_id="abpmr-moc-10y"))
    document["entries"] = []
    assert refused(document) == [
        "enrollments[3] (abpmr-moc-10y): refused, the ABPMR certification from 2022-01-01 does "
        "not enroll in ABPMR MOC, legacy 10-year cycle; a license or certification enrolls "
        "only in the sets that govern it"
    ]
    assert stored(enrolled_ledger) == before
    assert enrolled_ledger.entries.count() == entries


def test_a_license_enrolls_only_in_its_own_state(enrolled_ledger):
    document = export(enrolled_ledger.email)
    tx = next(e for e in document["enrollments"] if e["set_id"] == "us-tx-md")
    document["enrollments"].append(dict(tx, set_id="us-ca-md"))
    document["clinician"]["email"] = "carol@example.org"
    for entry in document["entries"]:
        entry["id"] = entry["id"][:-4] + "beef"
    document["certificates"], document["entries"] = [], []
    [problem] = refused(document)
    assert problem.startswith(
        "enrollments[3] (us-ca-md): refused, the TX MD license Q1234 does not enroll in"
    )
    assert not User.objects.filter(email="carol@example.org").exists()


def test_a_dropped_choice_is_history_and_imports(enrolled_ledger):
    """Only a live choice must pass the page's rules; a dropped one is a record of the past."""
    document = export(enrolled_ledger.email)
    document["clinician"]["profile"]["degree"] = "PA"
    document["enrollments"][1]["dropped_at"] = "2025-06-01T00:00:00Z"
    import_bytes(json.dumps(document).encode())
    row = Enrollment.objects.get(clinician=enrolled_ledger, set_id="ama-pra-3y")
    assert row.dropped_at is not None and row.started_on == date(2024, 1, 1)


def test_licenses_and_certifications_in_the_file_enroll_automatically(rich_ledger):
    from cmeledger.requirements.sync import sync

    sync()
    document = export(rich_ledger.email)
    assert document["enrollments"] == []
    rich_ledger.delete()
    import_bytes(json.dumps(document).encode())
    carol = User.objects.get(email=document["clinician"]["email"])
    assert set(Enrollment.objects.filter(clinician=carol).values_list("set_id", "automatic")) == {
        ("us-tx-md", True),
        ("abpmr-cc", True),
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credits", "0", "entries[0].credits: Enter a number of credits above 0."),
        ("credits", "0.00", "entries[0].credits: Enter a number of credits above 0."),
        ("credits", "100.25", "entries[0].credits: Enter at most 100 credits for one activity"),
        ("completed_on", "tomorrow", "entries[0].completed_on: The completion date cannot be in"),
    ],
)
def test_entries_the_form_would_refuse_are_refused(rich_ledger, field, value, message):
    document = export(rich_ledger.email)
    entry = document["entries"][0]
    if value == "tomorrow":
        value = str(timezone.localdate() + timedelta(days=1))
        entry["start_date"] = entry["end_date"] = None
    entry[field] = value
    before = {e.pk: (e.credits, e.completed_on) for e in rich_ledger.entries.all()}
    problems = refused(document)
    assert any(problem.startswith(message) for problem in problems), problems
    assert {e.pk: (e.credits, e.completed_on) for e in rich_ledger.entries.all()} == before
