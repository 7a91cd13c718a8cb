"""What each kind of direct credit earns (domain-reference.md section 2, "Direct credit").

The clinician never types credits: they follow from the kind, the completion date and
the quantity (articles, posters, years or hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cmeledger.directcredit.models import Kind
from cmeledger.requirements.award import (
    PHRASE,
    RECERT_CREDITS,
    RECERT_CREDITS_BEFORE,
    RECERT_CUTOFF,
)

ONE = Decimal(1)
QUARTER = Decimal("0.25")


@dataclass(frozen=True)
class KindRule:
    kind: Kind
    # Credits per unit; None for the recertification kind, whose value depends on the date.
    rate: Decimal | None
    unit: str  # the quantity's unit, plural ("articles"); "" when the kind has none
    max_quantity: Decimal
    step: Decimal
    title_label: str  # what the title field holds for this kind
    credits_words: str
    unconfirmed: bool = False

    @property
    def has_quantity(self) -> bool:
        return bool(self.unit)


RULES: dict[str, KindRule] = {
    rule.kind.value: rule
    for rule in [
        KindRule(
            Kind.RECERTIFICATION,
            None,
            "",
            ONE,
            ONE,
            "Certification cycle",
            f"60 {PHRASE} (25 if completed before 2010-09-01)",
        ),
        KindRule(
            Kind.ARTICLE,
            Decimal(10),
            "articles",
            Decimal(50),
            ONE,
            "Citation (authors, title, journal, year)",
            f"10 {PHRASE} each",
        ),
        KindRule(
            Kind.POSTER,
            Decimal(5),
            "posters",
            Decimal(50),
            ONE,
            "Poster title and conference",
            f"5 {PHRASE} each",
        ),
        KindRule(
            Kind.DEGREE,
            Decimal(25),
            "",
            ONE,
            ONE,
            "Degree and institution",
            f"25 {PHRASE}",
        ),
        KindRule(
            Kind.RESIDENCY,
            Decimal(20),
            "years",
            Decimal(10),
            ONE,
            "Program and institution",
            f"20 {PHRASE} per year",
        ),
        KindRule(
            Kind.TEACHING,
            Decimal(2),
            "hours",
            Decimal(100),
            QUARTER,
            "Activity taught and its provider",
            f"2 {PHRASE} per hour (unconfirmed)",
            unconfirmed=True,
        ),
    ]
}

UNCONFIRMED_TEACHING = (
    "The AMA lists teaching at a live activity for direct credit, but the published value "
    "is cut off; 2 credits per hour (the rate for faculty at a certified live activity) is "
    "unconfirmed. Check with the AMA before you rely on it."
)


def rule_for(kind: str) -> KindRule:
    return RULES[kind]


def recertification_credits(completed_on: date) -> Decimal:
    """Aligned with requirements.award: 60 on or after 2010-09-01, 25 before."""
    return RECERT_CREDITS if completed_on >= RECERT_CUTOFF else RECERT_CREDITS_BEFORE


def credits_for(kind: str, completed_on: date, quantity: Decimal = ONE) -> Decimal:
    rule = rule_for(kind)
    if rule.rate is None:
        return recertification_credits(completed_on)
    return rule.rate * (quantity if rule.has_quantity else ONE)


def split(credits: Decimal, limit: Decimal) -> list[Decimal]:
    """Parts of at most `limit` each, the last one taking the rest (120 → 100 + 20)."""
    parts = []
    rest = credits
    while rest > limit:
        parts.append(limit)
        rest -= limit
    if rest > 0:
        parts.append(rest)
    return parts
