from __future__ import annotations

import importlib

from django.apps import apps

from cmeledger.accounts.models import Board

seed = importlib.import_module("cmeledger.accounts.migrations.0002_seed_boards")


def test_migrations_seed_the_abms_boards_and_aoa(db):
    codes = set(Board.objects.values_list("code", flat=True))
    assert len([code for code in codes if code.startswith("ab")]) == 24
    assert {"abpmr", "abim", "abfm", "abpath", "abohns", "aoa"} <= codes
    assert Board.objects.get(code="abpmr").name == (
        "American Board of Physical Medicine and Rehabilitation"
    )


def test_seeding_again_changes_nothing(db):
    Board.objects.filter(code="abim").update(name="ABIM (renamed locally)")
    before = Board.objects.count()
    seed.seed_boards(apps, None)
    assert Board.objects.count() == before == 25
    assert Board.objects.get(code="abim").name == "ABIM (renamed locally)"
