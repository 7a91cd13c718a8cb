"""The AMA PRA application summary: what its PDF (award_pdf.py) prints for one tier.
Who qualifies, and for what, is worked out in requirements.award (docs/award.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from cmeledger.accounts.models import User
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.vocabulary import CreditType
from cmeledger.lib.credits import day_text
from cmeledger.requirements.award import (
    PHRASE,
    ZERO,
    AwardTier,
    DirectCreditClaim,
    TierStanding,
    gather,
)
from cmeledger.requirements.engine import SetResult


class AwardError(ValueError):
    """A summary cannot be made; the message says why, for the clinician."""


@dataclass
class CategoryLine:
    label: str
    counted: Decimal
    required: Decimal | None


@dataclass
class SummaryEntry:
    completed_on: date
    title: str
    provider: str
    credit_type: str
    credits: Decimal


@dataclass
class AwardSummary:
    clinician_name: str
    degree: str
    npi: str
    licenses: list[str]
    tier: TierStanding
    categories: list[CategoryLine]
    entries: list[SummaryEntry]
    direct_credit: list[DirectCreditClaim]
    unconfirmed_note: str
    generated_at: datetime


def parse_tier(value: str | None) -> AwardTier:
    if value in AwardTier.values:
        return AwardTier(value)
    shown = "nothing" if not value else f"“{value[:20]}”"
    raise AwardError(f"Unknown tier {shown}: choose 1y, 2y or 3y.")


def summary(user: User, tier: AwardTier, today: date, generated_at: datetime) -> AwardSummary:
    """What the application summary PDF prints, for one tier."""
    gathered = gather(user, today)
    award = gathered.standing
    if not award.eligible:
        raise AwardError(award.eligibility)
    result = gathered.results.get(tier)
    chosen = next(t for t in award.tiers if t.tier == tier.value)
    if result is None:
        raise AwardError(chosen.problem or f"No result for {tier.set_id}.")
    profile = gathered.profile
    return AwardSummary(
        clinician_name=award.clinician_name,
        degree=award.degree,
        npi=profile.npi if profile else "",
        licenses=[_license_words(lic) for lic in gathered.licenses],
        tier=chosen,
        categories=_categories(result, chosen),
        entries=_counted_entries(user, result),
        direct_credit=award.direct_credit,
        unconfirmed_note=award.unconfirmed_note,
        generated_at=generated_at,
    )


def _license_words(lic) -> str:
    text = f"{lic.state} {lic.get_profession_display()} license {lic.number}"
    return text + (f", expires {day_text(lic.expires_on)}" if lic.expires_on else "")


def _categories(result: SetResult, tier: TierStanding) -> list[CategoryLine]:
    sums: dict[str, Decimal] = {CreditType.AMA_PRA_1: ZERO, CreditType.AMA_PRA_2: ZERO}
    for entry in result.entries:
        if entry.credit_type in sums:
            sums[entry.credit_type] += entry.counted
    return [
        CategoryLine(PHRASE, sums[CreditType.AMA_PRA_1], tier.category_1_required),
        CategoryLine("AMA PRA Category 2 Credit™", sums[CreditType.AMA_PRA_2], None),
        CategoryLine("Total", tier.total_counted, tier.total_required),
    ]


def _counted_entries(user: User, result: SetResult) -> list[SummaryEntry]:
    counted = [e for e in result.entries if e.counted > 0]
    providers = dict(
        (str(pk), provider or organization or "")
        for pk, provider, organization in CreditEntry.objects.owned_by(user)
        .filter(pk__in=[e.id for e in counted])
        .values_list("id", "provider", "reported_by__name")
    )
    return [
        SummaryEntry(e.completed_on, e.title, providers.get(e.id, ""), e.credit_type, e.counted)
        for e in sorted(counted, key=lambda e: (e.completed_on, e.id))
    ]


def default_filename(data: AwardSummary) -> str:
    return f"ama-pra-{data.tier.tier}-summary-{data.tier.end:%Y-%m-%d}.pdf"
