"""PA and NP certifying bodies (issue 21): a certification with NCCPA, AANPCB or ANCC
enrolls the body's catalog set, and only that one."""

from __future__ import annotations

from datetime import date

import pytest

from cmeledger.accounts.models import Board, Certification
from cmeledger.conftest import make_clinician
from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db

BODIES = {
    "nccpa": "National Commission on Certification of Physician Assistants",
    "aanpcb": "American Academy of Nurse Practitioners Certification Board",
    "ancc": "American Nurses Credentialing Center",
}


def body(code: str) -> Board:
    # get_or_create: accounts migration 0007 (issue 21) may already have added the row.
    board, _ = Board.objects.get_or_create(code=code, defaults={"name": BODIES[code]})
    return board


def test_each_body_names_exactly_one_catalog_set():
    newest = {s.id: s for s in load_catalog().sets}  # sorted by version: the last one wins
    named = {code: [i for i, s in newest.items() if code in s.applies.boards] for code in BODIES}
    assert named == {"nccpa": ["nccpa-pa"], "aanpcb": ["aanpcb-np"], "ancc": ["ancc-np"]}


def test_an_nccpa_certification_enrolls_the_nccpa_set():
    sync()
    pa = make_clinician("pa@example.org", "Pat", "Ames", degree="PA")
    cert = Certification.objects.create(
        clinician=pa,
        board=body("nccpa"),
        cycle_start=date(2025, 5, 1),
        cycle_end=date(2026, 12, 31),
    )
    enrolled = Enrollment.objects.filter(clinician=pa)
    assert {(e.set_id, e.certification_id) for e in enrolled} == {("nccpa-pa", cert.pk)}


def test_nurse_practitioner_certifications_enroll_their_own_bodys_set():
    sync()
    np = make_clinician("np@example.org", "Noor", "Park", degree="NP")
    aanpcb = Certification.objects.create(
        clinician=np,
        board=body("aanpcb"),
        cycle_start=date(2021, 1, 1),
        cycle_end=date(2025, 12, 31),
    )
    ancc = Certification.objects.create(
        clinician=np, board=body("ancc"), cycle_start=date(2022, 1, 1), cycle_end=date(2026, 12, 31)
    )
    enrolled = Enrollment.objects.filter(clinician=np)
    assert {(e.set_id, e.certification_id) for e in enrolled} == {
        ("aanpcb-np", aanpcb.pk),
        ("ancc-np", ancc.pk),
    }
