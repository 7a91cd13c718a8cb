"""Board sets judged on a cycle that has ended, where the table cases cannot reach: a
calendar set's cycle moves on the day after it ends, so "not met" shows only when the
ended cycle is asked for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.cycles import Anchors, Window
from cmeledger.requirements.engine import Credit, Facts, Status, evaluate

CATALOG = load_catalog()


def credit(amount: str, on: str, kind: str, **extra) -> Credit:
    return Credit(f"e-{on}-{kind}", date.fromisoformat(on), Decimal(amount), kind, **extra)


def test_abog_year_without_the_article_assessment_is_not_met_once_it_ends():
    result = evaluate(
        CATALOG.get("abog-cc"),
        [credit("25", "2025-11-10", "ama-pra-1", activity_kind="longitudinal-assessment")],
        Facts(anchors=Anchors()),
        date(2027, 1, 5),
        cycle=Window(date(2026, 1, 1), date(2026, 12, 31)),
    )
    assert result.status == Status.NOT_MET


def test_aoa_occ_cycle_with_too_few_specialty_credits_is_not_met_once_it_ends():
    result = evaluate(
        CATALOG.get("aoa-occ"),
        [
            credit("100", "2025-06-01", "aoa-1a"),
            credit("40", "2026-06-01", "aoa-2a", specialty_related=True),
        ],
        Facts(anchors=Anchors()),
        date(2028, 1, 1),
        cycle=Window(date(2025, 1, 1), date(2027, 12, 31)),
    )
    rules = {r.id: r for r in result.rules}
    assert rules["total"].status == Status.MET
    assert (rules["specialty"].status, rules["specialty"].counted) == (Status.NOT_MET, Decimal(40))
    assert result.status == Status.NOT_MET


def test_every_largest_board_and_aoa_enrolls_a_board_set():
    boards = {"abim", "abfm", "abp", "abs", "aba", "abr", "abpn", "abem", "abog", "abpath", "aoa"}
    enrolled = {b for s in CATALOG.sets if s.kind == "board" for b in s.applies.boards}
    assert boards <= enrolled
