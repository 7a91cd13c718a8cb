"""The requirement-set file format: what a catalog TOML file may say, checked strictly.

Every authority's rules are data in this shape (docs/catalog.md explains each field), so
adding a state means writing a file, not code. The engine reads these objects only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cmeledger.accounts.models import Degree
from cmeledger.ledger.vocabulary import ActivityKind, CreditType, Topic
from cmeledger.lib.credits import Unit

Credits = Annotated[Decimal, Field(ge=0, le=10_000, multiple_of=Decimal("0.25"))]
SetId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


class SetKind(StrEnum):
    BOARD = "board"
    LICENSE = "license"
    AWARD = "award"
    MEMBERSHIP = "membership"
    EMPLOYER = "employer"
    CUSTOM = "custom"


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"


class Anchor(StrEnum):
    CALENDAR = "calendar"  # fixed calendar periods, e.g. AOA 2022-2024
    LICENSE_EXPIRY = "license-expiry"  # the period ending on the license's expiry date
    BIRTH_MONTH = "birth-month"  # ends on the last day of the birth month
    CERTIFICATION = "certification"  # the board certification's own cycle dates
    ENROLLMENT = "enrollment"  # from the day the clinician enrolled (awards)


class Cycle(Strict):
    months: int = Field(ge=1, le=240, description="Length of one cycle.")
    anchor: Anchor
    first_start: date | None = Field(
        None, description="calendar: the start of any one cycle, e.g. 2022-01-01 for AOA."
    )

    @model_validator(mode="after")
    def _calendar_needs_a_start(self) -> Cycle:
        if self.anchor == Anchor.CALENDAR and self.first_start is None:
            raise ValueError("a calendar cycle needs first_start")
        return self


class Selector(Strict):
    """Which credits a rule looks at; every field given must match (empty = any)."""

    credit_types: list[CreditType] = []
    topics: list[Topic] = Field([], description="Any one of these topics.")
    exclude_topics: list[Topic] = Field([], description="None of these topics (PA: child abuse).")
    activity_kinds: list[ActivityKind] = []
    specialty_related: bool | None = None


class Condition(Strict):
    """Facts about the clinician that switch a rule on; all given must hold."""

    degrees: list[Degree] = []
    dea_registrant: bool | None = None
    direct_patient_care: bool | None = None
    first_renewal: bool | None = None
    specialties: list[str] = []


class Part(Strict):
    """A stretch of the cycle in whole years from its start: `years = [1, 5]` is the first
    five years (ABPMR legacy MOC checks 150 credits in years 1-5 and 150 in years 6-10)."""

    years: tuple[int, int] = Field(description="First and last year, counted from 1.")

    @model_validator(mode="after")
    def _ordered(self) -> Part:
        first, last = self.years
        if first < 1 or last < first:
            raise ValueError("years: give [first, last] with 1 <= first <= last")
        return self


class RuleBase(Strict):
    id: RuleId
    name: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, description="Where the rule is written (URL or citation).")
    confidence: Confidence = Confidence.CONFIRMED
    when: Condition | None = None
    note: str = ""


class MinimumTotal(RuleBase):
    kind: Literal["minimum-total"]
    credits: Credits


class MinimumSubset(RuleBase):
    kind: Literal["minimum-subset"]
    credits: Credits
    select: Selector
    within_total: bool = Field(
        True,
        description="False: a duty apart from the credit total (MI's one-time trainings), "
        "met by an entry on the topic whatever its credit type.",
    )
    part: Part | None = Field(
        None, description="Only credits completed in these years of the cycle, due at their end."
    )


class MaximumSubset(RuleBase):
    kind: Literal["maximum-subset"]
    credits: Credits
    select: Selector
    per: Literal["cycle", "calendar-year"] = "cycle"


class MinimumShare(RuleBase):
    kind: Literal["minimum-share"]
    share: Decimal = Field(gt=0, le=1)
    select: Selector


class Pacing(RuleBase):
    kind: Literal["pacing"]
    credits_per_year: Credits


class TopicDuty(RuleBase):
    """Credits on a topic due once (every_years absent) or every N years, across cycles."""

    kind: Literal["topic-duty"]
    credits: Credits
    select: Selector
    every_years: int | None = Field(None, ge=1, le=50)
    within_total: bool = True


class Component(RuleBase):
    """A requirement met by an activity record, not credit (e.g. longitudinal assessment)."""

    kind: Literal["component"]
    component: Literal[
        "longitudinal-assessment", "improvement-project", "valid-license", "professionalism"
    ]
    every_years: int | None = Field(None, ge=1, le=50)
    part: Part | None = Field(None, description="A record in these years of the cycle.")
    each_year: bool = Field(
        False, description="A record in each year of the cycle (or of its part), not one."
    )

    @model_validator(mode="after")
    def _one_window(self) -> Component:
        if self.every_years is not None and (self.part is not None or self.each_year):
            raise ValueError("every_years looks back across cycles: not with part or each_year")
        return self


Rule = Annotated[
    MinimumTotal | MinimumSubset | MaximumSubset | MinimumShare | Pacing | TopicDuty | Component,
    Field(discriminator="kind"),
]


class CarryForward(Strict):
    max_credits: Credits
    exclude_rules: list[RuleId] = Field([], description="Credits used for these do not carry.")
    source: str = Field(min_length=1)


class Weight(Strict):
    """Counts matching credits `factor` times, for this set only (NCCPA)."""

    select: Selector
    factor: Decimal = Field(gt=0, le=10)
    first_credits: Credits | None = Field(None, description="Only the first N credits.")
    source: str = Field(min_length=1)


class Proration(Strict):
    """A partial first cycle needs a share of each credit minimum, by months inside it."""

    by: Literal["month"] = "month"
    source: str = Field(min_length=1)


class Applies(Strict):
    """Which licenses or certifications enroll a clinician automatically."""

    license_states: list[str] = []
    license_degrees: list[Degree] = []
    boards: list[str] = []
    certification_years: list[Annotated[int, Field(ge=1, le=20)]] = Field(
        [],
        description="Only certifications lasting this many years (to the nearest year): "
        "ABPMR's 5-year certificates follow abpmr-cc, its 10-year ones legacy MOC.",
    )
    degrees: list[Degree] = Field([], description="Only clinicians with these degrees may enroll.")


class Cure(Strict):
    """Credits completed within `days` after the cycle ends make up its shortfall (TX)."""

    days: int = Field(ge=1, le=366)
    source: str = Field(min_length=1)
    note: str = ""


class RequirementSet(Strict):
    id: SetId
    name: str = Field(min_length=1, max_length=200)
    short_name: str = Field("", max_length=24, description="For tight spaces, e.g. TX MD.")
    authority: str = Field(min_length=1, max_length=200)
    kind: SetKind
    version: int = Field(ge=1, le=1_000_000)  # stored in a 32-bit column
    effective_from: date
    effective_to: date | None = None
    sources: list[str] = Field(min_length=1)
    sources_checked: date | None = Field(
        None, description="The day the sources were last read against this file."
    )
    requires_cme: bool = Field(
        True, description="False: the authority requires no CME for this license (no rules)."
    )
    unit: Unit = Field(
        Unit.CREDITS,
        description="What the authority counts in: credits, contact-hours (nursing boards) "
        "or hours; only the words change, the arithmetic is the same.",
    )
    applies: Applies = Applies()
    cycle: Cycle
    accepted_credit_types: list[CreditType] = Field([], validate_default=True)
    accepted_participation: list[CreditType] = Field(
        [],
        description="Credit types whose certificates of participation count as that credit "
        "(NCCPA: AMA PRA Category 1 for PAs); empty: they never count.",
    )
    rules: list[Rule] = []
    carry_forward: CarryForward | None = None
    weights: list[Weight] = []
    proration: Proration | None = None
    cure: Cure | None = None

    @field_validator("accepted_credit_types")
    @classmethod
    def _some_credit_counts(cls, value: list[CreditType], info: ValidationInfo) -> list[CreditType]:
        # requires_cme is declared above, so it is already checked and in info.data.
        if info.data.get("requires_cme", True) and not value:
            raise ValueError("List should have at least 1 item: name the credit types that count")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RequirementSet:
        ids = [rule.id for rule in self.rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"rule ids repeat: {', '.join(duplicates)}")
        if not self.requires_cme and (self.rules or self.carry_forward or self.weights):
            raise ValueError("requires_cme = false: a set that requires no CME has no rules")
        if not self.requires_cme and self.cure:
            raise ValueError("requires_cme = false: a set that requires no CME has no cure")
        unaccepted = [t for t in self.accepted_participation if t not in self.accepted_credit_types]
        if unaccepted:
            raise ValueError(
                f"accepted_participation: {', '.join(unaccepted)} not in accepted_credit_types"
            )
        if self.applies.certification_years and not self.applies.boards:
            raise ValueError("applies.certification_years: name the boards it narrows")
        for rule in self.rules:
            part = getattr(rule, "part", None)
            if part is not None and part.years[1] * 12 > self.cycle.months:
                raise ValueError(
                    f"rules: {rule.id}: part ends in year {part.years[1]}, "
                    f"after the {self.cycle.months}-month cycle"
                )
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        if self.carry_forward:
            unknown = sorted(set(self.carry_forward.exclude_rules) - set(ids))
            if unknown:
                raise ValueError(
                    f"carry_forward.exclude_rules names unknown rules: {', '.join(unknown)}"
                )
        return self
