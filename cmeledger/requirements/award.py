"""The AMA Physician's Recognition Award: which certificate a clinician qualifies for
today and the direct credit a completed board certification cycle earns (docs/award.md).
The application summary and its PDF are outbound documents, in reports.award_summary.

Each tier is the catalog set `ama-pra-1y`/`-2y`/`-3y` judged over the window an
application would use: the 12, 24 or 36 months ending today, whether or not the
clinician follows the set. A fixed handful of queries, whatever the ledger's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import models

from cmeledger.accounts.models import ClinicianProfile, Degree, User
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.vocabulary import CreditType, Source
from cmeledger.lib.credits import credit_text, day_text
from cmeledger.requirements.cycles import Window, add_months
from cmeledger.requirements.engine import Credits, Facts, SetResult, Status, evaluate
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.progress import credits_of, version_in_force
from cmeledger.requirements.schema import Confidence

PHRASE = "AMA PRA Category 1 Credit™"
ZERO = Decimal(0)
PHYSICIANS = frozenset({Degree.MD, Degree.DO})
# domain-reference.md section 2: ABMS certification or MOC completed on or after this day
# earns 60 credits by direct credit, earlier ones 25.
RECERT_CUTOFF = date(2010, 9, 1)
RECERT_CREDITS = Decimal(60)
RECERT_CREDITS_BEFORE = Decimal(25)
UNCONFIRMED_NOTE = (
    "The tier rules (1 year: 50 credits with at least 20 AMA PRA Category 1 Credit™; "
    "2 years: 100 with at least 40; 3 years: 150 with at least 60) come from an earlier "
    "edition of the AMA's guidance and have not been checked against the current one, so "
    "they are marked unconfirmed. Check them with the AMA before you apply."
)


class AwardTier(models.TextChoices):
    ONE_YEAR = "1y", "1-year certificate"
    TWO_YEARS = "2y", "2-year certificate"
    THREE_YEARS = "3y", "3-year certificate"

    @property
    def set_id(self) -> str:
        return f"ama-pra-{self.value}"

    @property
    def months(self) -> int:
        """The window when the set is missing; otherwise the set's own cycle length."""
        return 12 * int(self.value[0])


class Completion(models.TextChoices):
    """How a certification cycle came to count as completed (docs/award.md)."""

    CYCLE_ENDED = "cycle-ended", "The certification cycle ended"
    RECERTIFIED = "recertified", "A newer cycle with the same board started"


# Results ----------------------------------------------------------------------------------


@dataclass
class TierStanding:
    tier: str
    label: str
    set_id: str
    set_version: int | None
    start: date
    end: date
    qualified: bool
    total_required: Decimal | None
    total_counted: Decimal
    category_1_required: Decimal | None
    category_1_counted: Decimal
    missing: list[str]
    unconfirmed: bool
    problem: str | None  # why there is no result (the set is not in the catalog)


@dataclass
class DirectCreditClaim:
    certification_id: int
    board: str
    board_name: str
    specialty: str
    cycle_start: date
    cycle_end: date
    completed_on: date
    how: str
    credits: Decimal
    claimed_by: str | None  # the direct-credit entry that already claims it
    explanation: str


@dataclass(frozen=True)
class DirectCreditKind:
    activity: str
    credits: str
    unconfirmed: bool = False


OTHER_DIRECT_CREDIT = [
    DirectCreditKind("Peer-reviewed article, first author, in a MEDLINE-indexed journal", "10"),
    DirectCreditKind(
        "Poster, first author, in the published abstracts of a Category 1 conference", "5"
    ),
    DirectCreditKind("Medically related master's or doctoral degree", "25"),
    DirectCreditKind(
        "ABMS board certification or MOC completed", "60 (25 if completed before Sep 1, 2010)"
    ),
    DirectCreditKind("ACGME-accredited residency or fellowship", "20 per year"),
    DirectCreditKind("Teaching at a live activity", "likely 2 per hour", unconfirmed=True),
]


@dataclass
class AwardStanding:
    today: date
    clinician_name: str
    degree: str
    eligible: bool
    eligibility: str
    alternatives: list[str]
    cautions: list[str]
    tiers: list[TierStanding]
    best_tier: str | None
    direct_credit: list[DirectCreditClaim]
    other_direct_credit: list[DirectCreditKind]
    unconfirmed_note: str = UNCONFIRMED_NOTE


# Eligibility ------------------------------------------------------------------------------

ALTERNATIVES: dict[str, list[str]] = {
    Degree.PA: [
        "Activities designated for AMA PRA Category 1 Credit™ count as AAPA Category 1 CME "
        "for physician assistants.",
    ],
    Degree.NP: [
        "ANCC counts one contact hour (60 minutes) for each AMA PRA Category 1 Credit™ of a "
        "designated activity.",
    ],
    Degree.RN: [
        "ANCC counts one contact hour (60 minutes) for each AMA PRA Category 1 Credit™ of a "
        "designated activity.",
    ],
}
PARTICIPATION = (
    "Providers give non-physicians a certificate of participation stating that the activity "
    "was designated for AMA PRA Category 1 Credit™ (the AMA's exact wording is unconfirmed)."
)


def _degree(profile: ClinicianProfile | None, licenses: list) -> str:
    """The profile's degree; without a profile, a physician license's profession."""
    if profile is not None:
        return profile.degree
    physician = next((lic.profession for lic in licenses if lic.profession in PHYSICIANS), None)
    return physician or ""


def _eligibility(degree: str, licenses: list, today: date) -> tuple[bool, str, list, list]:
    """(eligible, why in words, what a non-physician can claim instead, cautions)."""
    if degree not in PHYSICIANS:
        says = f"says {Degree(degree).label}" if degree in Degree.values else "gives no degree"
        why = (
            "The AMA PRA certificate is for physicians (MD or DO) only; "
            f"your profile {says}, so you cannot apply."
        )
        return False, why, [*ALTERNATIVES.get(degree, []), PARTICIPATION], []
    why = f"As {'an' if degree == Degree.MD else 'a'} {degree} you may apply for the certificate."
    current = [
        lic
        for lic in licenses
        if lic.profession in PHYSICIANS and (lic.expires_on is None or lic.expires_on >= today)
    ]
    cautions = []
    if not current:
        cautions.append(
            "No current physician license is on record. The AMA asks for a license in the "
            "US, Canada or Mexico, or an ACGME residency: add your license, or give your "
            "residency in the application."
        )
    return True, why, [], cautions


# Tiers ------------------------------------------------------------------------------------


def trailing_window(today: date, months: int) -> Window:
    """The `months` ending today, today included: the period an application covers."""
    return Window(add_months(today, -months) + timedelta(days=1), today)


def _rule_counts(result: SetResult, kind: str) -> tuple[Decimal | None, Decimal]:
    rule = next((r for r in result.rules if r.kind == kind), None)
    if rule is None:
        return None, ZERO
    return rule.required, rule.counted


def _missing(result: SetResult) -> list[str]:
    out = []
    for rule in result.rules:
        if rule.status != Status.MET and rule.remaining:
            out.append(f"{credit_text(rule.remaining)} more for “{rule.name}”")
    return out


def _tier_standing(tier: AwardTier, result: SetResult) -> TierStanding:
    total_required, total_counted = _rule_counts(result, "minimum-total")
    cat1_required, cat1_counted = _rule_counts(result, "minimum-subset")
    return TierStanding(
        tier=tier.value,
        label=str(tier.label),
        set_id=result.set_id,
        set_version=result.version,
        start=result.cycle_start,
        end=result.cycle_end,
        qualified=result.status == Status.MET,
        total_required=total_required,
        total_counted=total_counted,
        category_1_required=cat1_required,
        category_1_counted=cat1_counted,
        missing=_missing(result),
        unconfirmed=any(r.confidence == Confidence.UNCONFIRMED for r in result.rules),
        problem=None,
    )


def _no_set(tier: AwardTier, today: date) -> TierStanding:
    span = trailing_window(today, tier.months)
    return TierStanding(
        tier=tier.value,
        label=str(tier.label),
        set_id=tier.set_id,
        set_version=None,
        start=span.start,
        end=span.end,
        qualified=False,
        total_required=None,
        total_counted=ZERO,
        category_1_required=None,
        category_1_counted=ZERO,
        missing=[],
        unconfirmed=True,
        problem=f"The set {tier.set_id} is not in the catalog; an administrator runs sync.",
    )


def _evaluate_tiers(user: User, today: date) -> dict[AwardTier, SetResult | None]:
    index = Credits(credits_of(user))
    versions: dict[str, list[RequirementSetVersion]] = {}
    ids = [tier.set_id for tier in AwardTier]
    for row in RequirementSetVersion.objects.filter(set_id__in=ids):
        versions.setdefault(row.set_id, []).append(row)
    out: dict[AwardTier, SetResult | None] = {}
    for tier in AwardTier:
        rows = versions.get(tier.set_id)
        if not rows:
            out[tier] = None
            continue
        row = version_in_force(rows, today) or max(rows, key=lambda v: v.version)
        rset = row.requirement_set()
        span = trailing_window(today, rset.cycle.months)
        out[tier] = evaluate(rset, index, Facts(), today, cycle=span)
    return out


# Direct credit ----------------------------------------------------------------------------


def _completions(certifications: list, today: date) -> list[DirectCreditClaim]:
    """Each certification cycle completed by today: its end has passed, or a newer cycle
    with the same board has started (recertified early); whichever came first."""
    out = []
    for cert in certifications:
        events = []
        if cert.cycle_end < today:
            events.append((cert.cycle_end, Completion.CYCLE_ENDED))
        newer = [
            other.cycle_start
            for other in certifications
            if other.board_id == cert.board_id
            and other.pk != cert.pk
            and cert.cycle_start < other.cycle_start <= today
        ]
        if newer:
            events.append((min(newer), Completion.RECERTIFIED))
        if not events:
            continue
        completed_on, how = min(events)
        credits = RECERT_CREDITS if completed_on >= RECERT_CUTOFF else RECERT_CREDITS_BEFORE
        out.append(
            DirectCreditClaim(
                certification_id=cert.pk,
                board=cert.board.code,
                board_name=cert.board.name,
                specialty=cert.specialty,
                cycle_start=cert.cycle_start,
                cycle_end=cert.cycle_end,
                completed_on=completed_on,
                how=str(how),
                credits=credits,
                claimed_by=None,
                explanation="",
            )
        )
    return sorted(out, key=lambda c: (c.completed_on, c.certification_id))


def _match_claims(claims: list[DirectCreditClaim], entries: list[tuple]) -> None:
    """A direct-credit entry of the same amount dated on or after the cycle's start claims
    the completion nearest its date; each entry claims one completion at most."""
    dates: dict[str, date] = {}
    for pk, completed_on, credits in sorted(entries, key=lambda e: (e[1], str(e[0]))):
        fits = [
            c
            for c in claims
            if c.claimed_by is None and c.credits == credits and completed_on >= c.cycle_start
        ]
        if fits:
            nearest = min(fits, key=lambda c: abs((completed_on - c.completed_on).days))
            nearest.claimed_by = str(pk)
            dates[nearest.claimed_by] = completed_on
    for claim in claims:
        claim.explanation = _claim_words(claim, dates.get(claim.claimed_by or ""))


def _claim_words(claim: DirectCreditClaim, claimed_on: date | None) -> str:
    when = "on or after" if claim.credits == RECERT_CREDITS else "before"
    how = (
        "the cycle ended"
        if claim.how == Completion.CYCLE_ENDED
        else "a newer cycle with the same board started"
    )
    text = (
        f"{claim.board.upper()} cycle {day_text(claim.cycle_start)} to "
        f"{day_text(claim.cycle_end)}: completed {day_text(claim.completed_on)} ({how}), "
        f"{when} {day_text(RECERT_CUTOFF)}, so it earns "
        f"{credit_text(claim.credits)} {PHRASE} by direct credit."
    )
    if claimed_on is not None:
        return (
            text
            + f" Already claimed: a direct-credit entry dated {day_text(claimed_on)} is in your ledger."
        )
    return text + " Not claimed yet: apply to the AMA, then add the credit to your ledger."


# Standing ---------------------------------------------------------------------------------


@dataclass
class Gathered:
    """The standing with what it was worked out from, for the application summary."""

    standing: AwardStanding
    results: dict[AwardTier, SetResult | None]
    profile: ClinicianProfile | None
    licenses: list


def gather(user: User, today: date) -> Gathered:
    profile = ClinicianProfile.objects.filter(user=user).first()
    licenses = list(user.licenses.order_by("state", "number"))
    degree = _degree(profile, licenses)
    eligible, why, alternatives, cautions = _eligibility(degree, licenses, today)
    results = _evaluate_tiers(user, today) if eligible else {}
    tiers = [
        _tier_standing(tier, result) if result else _no_set(tier, today)
        for tier, result in results.items()
    ]
    best = next((t.tier for t in reversed(tiers) if t.qualified), None)
    certifications = list(user.certifications.select_related("board").order_by("cycle_start"))
    claims = _completions(certifications, today) if eligible else []
    if claims:
        direct = CreditEntry.objects.counted().owned_by(user)
        direct = direct.filter(source=Source.DIRECT_CREDIT, credit_type=CreditType.AMA_PRA_1)
        _match_claims(claims, list(direct.values_list("id", "completed_on", "credits")))
    standing = AwardStanding(
        today=today,
        clinician_name=user.display_name,
        degree=degree,
        eligible=eligible,
        eligibility=why,
        alternatives=alternatives,
        cautions=cautions,
        tiers=tiers,
        best_tier=best,
        direct_credit=claims,
        other_direct_credit=list(OTHER_DIRECT_CREDIT),
    )
    return Gathered(standing, results, profile, licenses)


def standing(user: User, today: date) -> AwardStanding:
    """Where `user` stands for the AMA PRA certificate on `today`."""
    return gather(user, today).standing
