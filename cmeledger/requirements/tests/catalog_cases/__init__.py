"""Table cases of catalog sets, one module per group of sets.

Each module defines CASES (a list of Case) and ANCHORS (set id -> the Anchors keywords
its cases use; sets not named there are anchored on an enrollment on 2025-01-01).
test_catalog_sets.py collects every module here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cmeledger.requirements.engine import Credit


def c(amount: str, on: str, kind: str = "ama-pra-1", *topics: str, **extra) -> Credit:
    """A credit; ids come from position so tables stay short."""
    return Credit("", date.fromisoformat(on), Decimal(amount), kind, frozenset(topics), **extra)


@dataclass
class Case:
    name: str
    set_id: str
    on: str
    credits: list[Credit]
    status: str
    rules: dict[str, str | tuple[str, str]] = field(
        default_factory=dict
    )  # status or (status, counted)
    facts: dict = field(default_factory=dict)
    carry_in: str | None = None
