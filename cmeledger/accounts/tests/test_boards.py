from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from cmeledger.accounts.models import Board, Degree, Profession

seed = importlib.import_module("cmeledger.accounts.migrations.0002_seed_boards")
bodies = importlib.import_module("cmeledger.accounts.migrations.0007_certifying_bodies")

PHYSICIAN_BOARDS = 25  # the 24 ABMS member boards and the AOA's


def test_migrations_seed_the_abms_boards_and_aoa(db):
    codes = set(Board.objects.values_list("code", flat=True))
    assert len([code for code in codes if code.startswith("ab")]) == 24
    assert {"abpmr", "abim", "abfm", "abpath", "abohns", "aoa"} <= codes
    assert Board.objects.get(code="abpmr").name == (
        "American Board of Physical Medicine and Rehabilitation"
    )
    assert set(
        Board.objects.exclude(profession=Profession.PHYSICIAN).values_list("code", flat=True)
    ) == {
        "nccpa",
        "aanpcb",
        "ancc",
    }


def test_seeding_again_changes_nothing(db):
    Board.objects.filter(code="abim").update(name="ABIM (renamed locally)")
    before = Board.objects.count()
    seed.seed_boards(apps, None)
    bodies.seed_bodies(apps, None)
    assert Board.objects.count() == before == PHYSICIAN_BOARDS + 3
    assert Board.objects.get(code="abim").name == "ABIM (renamed locally)"


def test_the_pa_and_np_bodies_say_whom_they_certify_and_their_credential(db):
    rows = {
        b.code: (b.name, b.profession, b.credential)
        for b in Board.objects.filter(code__in=["nccpa", "aanpcb", "ancc"])
    }
    assert rows == {
        "nccpa": (
            "National Commission on Certification of Physician Assistants",
            "PA",
            "PA-C",
        ),
        "aanpcb": (
            "American Academy of Nurse Practitioners Certification Board",
            "NP",
            "NP-C",
        ),
        "ancc": ("American Nurses Credentialing Center", "NP", "-BC"),
    }
    assert Board.objects.get(code="abpmr").profession == Profession.PHYSICIAN


def test_an_nccpa_row_added_by_hand_keeps_its_name_and_learns_whom_it_certifies(db):
    Board.objects.filter(code="nccpa").update(
        name="NCCPA (added by hand)", profession=Profession.PHYSICIAN, credential=""
    )
    bodies.seed_bodies(apps, None)
    nccpa = Board.objects.get(code="nccpa")
    assert (nccpa.name, nccpa.profession, nccpa.credential) == (
        "NCCPA (added by hand)",
        "PA",
        "PA-C",
    )


@pytest.mark.parametrize(
    ("degree", "codes"),
    [
        (Degree.PA, {"nccpa"}),
        (Degree.NP, {"aanpcb", "ancc"}),
    ],
)
def test_a_pa_or_np_is_offered_the_bodies_of_their_degree_only(db, degree, codes):
    assert set(Board.objects.offered_to(degree).values_list("code", flat=True)) == codes


@pytest.mark.parametrize("degree", [Degree.MD, Degree.DO])
def test_a_physician_is_offered_the_physician_boards_only(db, degree):
    offered = set(Board.objects.offered_to(degree).values_list("code", flat=True))
    assert len(offered) == PHYSICIAN_BOARDS
    assert not offered & {"nccpa", "aanpcb", "ancc"}


@pytest.mark.parametrize("degree", [Degree.RN, Degree.OTHER, None])
def test_a_degree_without_bodies_of_its_own_is_offered_every_body(db, degree):
    assert Board.objects.offered_to(degree).count() == PHYSICIAN_BOARDS + 3
