"""The credit calculator: where a clinician stands against one requirement set. Pure.

Inputs are credits, facts about the clinician, a set version and a date; the output is a
SetResult saying, per rule, what is required, counted and remaining, which entries
counted and why, and what is still needed by when. Nothing here touches the database
(progress.py gathers the inputs), so the rules can be tested table by table.

Allocation: every credit counts toward every rule it matches; only caps
(maximum-subset rules) force a choice of which credits count. When no cap binds, counting
everything is optimal. When one binds, allocation.py solves the choice exactly
(docs/decisions.md, "Exact allocation under caps").
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from cmeledger.ledger.vocabulary import CreditType, Topic
from cmeledger.lib.credits import (
    Amount,
    Unit,
    counted_of,
    credit_text,
    day_text,
    set_amount,
    unit_word,
)
from cmeledger.requirements import allocation
from cmeledger.requirements.cycles import (
    Anchors,
    Window,
    add_months,
    proration,
    window,
    years_of,
)
from cmeledger.requirements.schema import (
    Component,
    Condition,
    MaximumSubset,
    MinimumShare,
    MinimumSubset,
    MinimumTotal,
    Pacing,
    RequirementSet,
    Selector,
    TopicDuty,
)
from cmeledger.requirements.standing import (
    ZERO,
    Year,
    cap_period,
    component_status,
    minimum_status,
    pace_over_cycle,
    pacing,
    quarter_up,
    set_status,
    share_required,
    share_status,
    yearly_status,
    years_in,
)
from cmeledger.requirements.standing import (
    Status as Status,  # results carry it, so their readers import it from here
)

EVER = date(1900, 1, 1)


# Inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """One ledger entry as the calculator sees it."""

    id: str
    completed_on: date
    credits: Decimal
    credit_type: str
    topics: frozenset[str] = frozenset()
    activity_kind: str = "other"
    specialty_related: bool = False
    title: str = ""
    # A certificate of participation for an activity designated for `credit_type`
    # (ledger AwardedAs.PARTICIPATION): counts only where the set accepts it.
    participation: bool = False


@dataclass(frozen=True)
class Facts:
    """What the rules may ask about the clinician, for one enrollment."""

    degree: str = "MD"
    specialties: frozenset[str] = frozenset()
    dea_registrant: bool = False
    direct_patient_care: bool = True
    # The day the clinician became subject to this set (first licensed in the state,
    # certified, enrolled): drives proration and "first renewal".
    started_on: date | None = None
    anchors: Anchors = Anchors()
    # Components attested outside the ledger, e.g. "valid-license" from a current license.
    components: frozenset[str] = frozenset()


class Credits:
    """A clinician's credits, sorted by date and indexed by topic, built once and shared
    by every set evaluated for them (the bench evaluates ten sets over 3,000 entries)."""

    def __init__(self, credits: Iterable[Credit]) -> None:
        self.all = sorted(credits, key=lambda c: (c.completed_on, c.id))
        self._dates = [c.completed_on for c in self.all]
        self.by_id = {c.id: c for c in self.all}
        self._described: dict[str, str] = {}
        self.by_topic: dict[str, list[Credit]] = {}
        for credit in self.all:
            for topic in credit.topics:
                self.by_topic.setdefault(topic, []).append(credit)

    def describe(self, credit: Credit) -> str:
        """Topic, credit type and date in words; the same in every set, so made once."""
        text = self._described.get(credit.id)
        if text is None:
            parts = []
            if credit.topics:
                parts.append("topic " + ", ".join(sorted(_topic_label(t) for t in credit.topics)))
            parts.append(_type_label(credit.credit_type))
            if credit.participation:
                parts.append("certificate of participation")
            parts.append(f"completed {day_text(credit.completed_on)}")
            text = self._described[credit.id] = ", ".join(parts)
        return text

    def between(self, start: date, end: date) -> Sequence[Credit]:
        lo = bisect.bisect_left(self._dates, start)
        hi = bisect.bisect_right(self._dates, end)
        return self.all[lo:hi]

    def candidates(self, select: Selector, start: date, end: date) -> list[Credit]:
        """Credits in [start, end] that `select` may match, cheaply narrowed by topic."""
        if select.topics:
            seen: dict[str, Credit] = {}
            for topic in select.topics:
                for credit in self.by_topic.get(topic, ()):
                    if start <= credit.completed_on <= end:
                        seen[credit.id] = credit
            pool: Iterable[Credit] = sorted(seen.values(), key=lambda c: (c.completed_on, c.id))
        else:
            pool = self.between(start, end)
        return [c for c in pool if matches(select, c)]


def matches(select: Selector, credit: Credit) -> bool:
    if select.credit_types and credit.credit_type not in select.credit_types:
        return False
    if select.topics and credit.topics.isdisjoint(select.topics):
        return False
    if select.exclude_topics and not credit.topics.isdisjoint(select.exclude_topics):
        return False
    if select.activity_kinds and credit.activity_kind not in select.activity_kinds:
        return False
    return select.specialty_related is None or credit.specialty_related == select.specialty_related


# Results --------------------------------------------------------------------------------


@dataclass(slots=True)
class Use:
    entry_id: str
    credits: Amount


@dataclass
class RuleResult:
    id: str
    name: str
    kind: str
    source: str
    confidence: str
    note: str
    status: Status
    required: Amount | None  # a maximum for caps; None for components and n/a rules
    counted: Amount
    remaining: Amount
    due: date | None
    explanation: str
    entries: list[Use] = field(default_factory=list)


@dataclass(slots=True)
class RuleShare:
    rule_id: str
    rule_name: str
    credits: Amount


@dataclass(slots=True)
class EntryResult:
    id: str
    title: str
    completed_on: date
    credit_type: str
    claimed: Amount
    counted: Amount  # claimed credit this set used
    weighted: Amount  # what it added to the set's credit total, after weights
    rules: list[RuleShare]
    explanation: list[str]
    # "participation": a certificate of participation for an activity designated for
    # credit_type (ledger AwardedAs), counted only where the set accepts those.
    awarded_as: str = "credit"


@dataclass
class Need:
    set_id: str
    rule_id: str
    rule_name: str
    credits: Amount | None  # None for a component (an activity record, not credit)
    credit_types: list[str]
    topics: list[str]
    component: str | None
    due: date
    confidence: str


@dataclass
class Prorated:
    months_inside: int
    months_total: int


@dataclass
class SetResult:
    set_id: str
    version: int
    name: str
    short_name: str
    authority: str
    kind: str
    on: date
    cycle_start: date
    cycle_end: date
    status: Status
    total_counted: Amount
    carry_in: Amount
    carry_out: Amount
    prorated: Prorated | None
    method: str  # "all counted" or "optimized under caps"
    rules: list[RuleResult]
    entries: list[EntryResult]
    needed: list[Need]
    # What the set counts in (credits, contact-hours, hours): the words, not the numbers.
    # Last, with a default, so a result kept from before the field existed still reads.
    unit: Unit = Unit.CREDITS

    def entry(self, entry_id: str) -> EntryResult | None:
        return next((e for e in self.entries if e.id == entry_id), None)


# Evaluation -----------------------------------------------------------------------------


def evaluate(
    rset: RequirementSet,
    credits: Credits | Iterable[Credit],
    facts: Facts,
    on: date,
    cycle: Window | None = None,
    explain: bool = True,
) -> SetResult:
    """Where the clinician stands on `on` in the cycle holding it (or the given one).
    `explain=False` leaves each entry's explanation empty (pages that never show it)."""
    index = credits if isinstance(credits, Credits) else Credits(credits)
    current = cycle or window(rset.cycle, facts.anchors, on)
    carry_in = ZERO
    if rset.carry_forward is not None:
        previous = Window(add_months(current.start, -rset.cycle.months), current.start - _DAY)
        carry_in = _Evaluation(rset, index, facts, on, previous, ZERO).run(detail=False).carry_out
    return _Evaluation(rset, index, facts, on, current, carry_in, explain).run()


_DAY = timedelta(days=1)


_fmt = credit_text  # one style for credit amounts everywhere (cmeledger/lib/credits.py)


_TYPE_LABELS = {str(c.value): str(c.label) for c in CreditType}
_TOPIC_LABELS = {str(t.value): str(t.label).lower() for t in Topic}


def _type_label(code: str) -> str:
    return _TYPE_LABELS.get(code, code)


def _topic_label(code: str) -> str:
    return _TOPIC_LABELS.get(code, code)


def unmet_condition(when: Condition | None, facts: Facts, first_renewal: bool) -> str | None:
    """Why a rule does not apply to this clinician, or None when it does."""
    if when is None:
        return None
    if when.degrees and facts.degree not in when.degrees:
        return f"applies only to {', '.join(when.degrees)} degrees"
    if when.dea_registrant is not None and facts.dea_registrant != when.dea_registrant:
        return (
            "applies only to DEA registrants" if when.dea_registrant else "not for DEA registrants"
        )
    if (
        when.direct_patient_care is not None
        and facts.direct_patient_care != when.direct_patient_care
    ):
        return (
            "applies only with direct patient care"
            if when.direct_patient_care
            else "applies only without direct patient care"
        )
    if when.first_renewal is not None and first_renewal != when.first_renewal:
        return (
            "applies only at the first renewal"
            if when.first_renewal
            else "waived at the first renewal"
        )
    if when.specialties:
        wanted = {s.lower() for s in when.specialties}
        if not {s.lower() for s in facts.specialties} & wanted:
            return f"applies only to {', '.join(when.specialties)}"
    return None


@dataclass
class _Piece:
    """A credit, or the part of it a bounded weight applies to, as allocated."""

    credit: Credit
    amount: Decimal
    factor: Decimal
    counted: Decimal = ZERO
    cure: bool = False  # completed after the cycle, making up its shortfall


class _Evaluation:
    def __init__(
        self,
        rset: RequirementSet,
        index: Credits,
        facts: Facts,
        on: date,
        cycle: Window,
        carry_in: Decimal,
        explain: bool = True,
    ) -> None:
        self.rset, self.index, self.facts, self.on, self.cycle = rset, index, facts, on, cycle
        self.carry_in = carry_in
        self.explain = explain
        cure_days = rset.cure.days if rset.cure is not None else 0
        self.deadline = cycle.end + timedelta(days=cure_days)
        # While a shortfall can still be made up: from the cycle's last day (not its
        # deadline any more) to the day before the cure's, which is the deadline itself.
        self.curing = cure_days > 0 and cycle.end <= on < self.deadline
        self.accepted = frozenset(rset.accepted_credit_types)
        self.accepted_participation = frozenset(rset.accepted_participation)
        started = facts.started_on
        self.first_renewal = started is not None and started >= cycle.start
        self.scale: Prorated | None = None
        if rset.proration is not None and started is not None and started > cycle.start:
            inside, total = proration(cycle, started)
            self.scale = Prorated(inside, total)
        self._reaches: dict[int | None, Window] = {}
        self._parts: dict[tuple[int, int], Window] = {}
        self._members: dict[str, list[int]] = {}

    # Inputs, narrowed --------------------------------------------------------------

    def _accepts(self, credit: Credit) -> bool:
        """The set counts this credit toward its total: its type is accepted, and a
        certificate of participation only where the set accepts those for its type."""
        if credit.credit_type not in self.accepted:
            return False
        return not credit.participation or credit.credit_type in self.accepted_participation

    def _scaled(self, credits: Decimal) -> Decimal:
        if self.scale is None:
            return credits
        return quarter_up(credits * self.scale.months_inside / self.scale.months_total)

    def _window(self, rule) -> Window:
        """The stretch a rule judges: its part of the cycle, or the whole cycle."""
        part = getattr(rule, "part", None)
        if part is None:
            return self.cycle
        span = self._parts.get(part.years)
        if span is None:
            span = self._parts[part.years] = years_of(self.cycle, *part.years)
        return span

    def _required(self, rule: MinimumSubset) -> Decimal:
        """A subset's minimum, prorated by the months of its part (or cycle) left."""
        if getattr(rule, "part", None) is None or self.scale is None or not self.facts.started_on:
            return self._scaled(rule.credits)
        inside, total = proration(self._window(rule), self.facts.started_on)
        return quarter_up(rule.credits * inside / total)

    def _pieces(self) -> list[_Piece]:
        """In-cycle accepted credits, split where a bounded weight covers only part."""
        pieces: list[_Piece] = []
        budgets = {i: w.first_credits for i, w in enumerate(self.rset.weights) if w.first_credits}
        for credit in self.index.between(self.cycle.start, self.cycle.end):
            if not self._accepts(credit):
                continue
            base = max(
                [Decimal(1)]
                + [
                    w.factor
                    for w in self.rset.weights
                    if not w.first_credits and matches(w.select, credit)
                ]
            )
            rest = credit.credits
            for i, budget in budgets.items():
                weight = self.rset.weights[i]
                if budget > 0 and weight.factor > base and matches(weight.select, credit):
                    take = min(budget, rest)
                    budgets[i] = budget - take
                    pieces.append(_Piece(credit, take, weight.factor))
                    rest -= take
                    break
            if rest > 0:
                pieces.append(_Piece(credit, rest, base))
        return pieces

    def _lookback(self, every_years: int | None) -> Window:
        if every_years in self._reaches:
            return self._reaches[every_years]
        self._reaches[every_years] = reach = self._reach(every_years)
        return reach

    def _reach(self, every_years: int | None) -> Window:
        if every_years is None:
            return Window(EVER, self.cycle.end)
        start = add_months(self.cycle.end, -12 * every_years) + _DAY
        return Window(start, self.cycle.end)

    # The run --------------------------------------------------------------------------

    def run(self, detail: bool = True) -> SetResult:
        """`detail=False` skips per-entry explanations (the previous cycle's carry only)."""
        rules = self.rset.rules
        applies = {
            r.id: unmet_condition(r.when, self.facts, self.first_renewal) is None
            and self._window(r).start <= self.cycle.end
            for r in rules
        }
        pieces = self._pieces()
        demands, caps = self._demands(pieces, applies)
        method = allocation.allocate(pieces, demands, caps)
        if self.rset.cure is not None:
            cure = self._cure_pieces(pieces, demands)
            if cure:
                pieces += cure
                self._members = {}
                demands, caps = self._demands(pieces, applies)
                method = allocation.allocate(pieces, demands, caps)
        total_counted = self.carry_in + sum((p.counted * p.factor for p in pieces), ZERO)
        results = [self._rule(rule, applies[rule.id], pieces, total_counted) for rule in rules]
        judged = Window(self.cycle.start, self.deadline)
        status = set_status((r.status for r in results), judged, self.on)
        carry_out = self._carry_out(pieces, total_counted)
        entries = self._entries(pieces, results) if detail else []
        return SetResult(
            set_id=self.rset.id,
            version=self.rset.version,
            name=self.rset.name,
            short_name=self.rset.short_name or self.rset.id,
            authority=self.rset.authority,
            kind=self.rset.kind,
            on=self.on,
            cycle_start=self.cycle.start,
            cycle_end=self.cycle.end,
            status=status,
            total_counted=total_counted,
            carry_in=self.carry_in,
            carry_out=carry_out,
            prorated=self.scale,
            method=method,
            rules=results,
            entries=entries,
            needed=self._needs(results),
            unit=Unit(self.rset.unit),
        )

    def _fed_by(self, rule, pieces: list[_Piece]) -> list[int]:
        """Indexes of the in-cycle pieces that add to a minimum rule (computed once)."""
        if rule.id not in self._members:
            self._members[rule.id] = [i for i, p in enumerate(pieces) if self._feeds(rule, p)]
        return self._members[rule.id]

    def _feeds(self, rule, piece: _Piece) -> bool:
        """Whether an in-cycle piece (or a cure's) adds to this minimum rule."""
        if isinstance(rule, MinimumTotal):
            return True
        if isinstance(rule, MinimumSubset) and rule.part is not None:
            return piece.credit.completed_on in self._window(rule) and matches(
                rule.select, piece.credit
            )
        if isinstance(rule, (MinimumSubset, MinimumShare)):
            return matches(rule.select, piece.credit)
        if isinstance(rule, TopicDuty):
            return (
                piece.cure or piece.credit.completed_on in self._lookback(rule.every_years)
            ) and matches(rule.select, piece.credit)
        return False

    def _cure_pieces(self, pieces: list[_Piece], demands: list[allocation.Demand]) -> list[_Piece]:
        """Credits completed in the days after the cycle (the set's `cure`), each taken for
        as much as the minimums it feeds still lack, earliest first: they make up the
        shortfall and no more (22 Tex. Admin. Code § 161.35(c)(1)). They still count in the
        cycle they fall in (docs/calculator.md, "Making up a shortfall")."""
        assert self.rset.cure is not None
        by_id = {r.id: r for r in self.rset.rules}
        short: dict[str, Decimal] = {}
        for demand in demands:
            if demand.share is not None:
                continue  # a share follows the total; it is made up through it
            got = demand.offset + sum(
                (pieces[i].counted * pieces[i].factor for i in demand.members), ZERO
            )
            if got < demand.required:
                short[demand.rule_id] = demand.required - got
        out: list[_Piece] = []
        after = self.cycle.end + _DAY
        for credit in self.index.between(after, self.deadline):
            if not self._accepts(credit) or not short:
                continue
            piece = _Piece(credit, credit.credits, Decimal(1), cure=True)
            fed = [rule_id for rule_id in short if self._feeds(by_id[rule_id], piece)]
            if not fed:
                continue
            piece.amount = min(credit.credits, max(short[rule_id] for rule_id in fed))
            out.append(piece)
            for rule_id in fed:
                short[rule_id] -= piece.amount
                if short[rule_id] <= 0:
                    del short[rule_id]
        return out

    def _offset(self, rule) -> Decimal:
        """Credit toward a rule from outside the allocation: carry-in for the total, earlier
        cycles for topic duties, any credit type for duties apart from the total."""
        if isinstance(rule, MinimumTotal):
            return self.carry_in
        if not isinstance(rule, (MinimumSubset, TopicDuty)):
            return ZERO
        reach = (
            self._lookback(rule.every_years) if isinstance(rule, TopicDuty) else self._window(rule)
        )
        extra = ZERO
        for credit in self.index.candidates(rule.select, reach.start, reach.end):
            in_cycle = credit.completed_on in self.cycle and self._accepts(credit)
            if in_cycle:
                continue  # allocated
            if self._accepts(credit) or not rule.within_total:
                extra += credit.credits
        return extra

    def _demands(
        self, pieces: list[_Piece], applies: dict[str, bool]
    ) -> tuple[list[allocation.Demand], list[allocation.Cap]]:
        demands: list[allocation.Demand] = []
        caps: list[allocation.Cap] = []
        total_rule = next(
            (r for r in self.rset.rules if isinstance(r, MinimumTotal) and applies[r.id]), None
        )
        for rule in self.rset.rules:
            if not applies[rule.id]:
                continue
            if isinstance(rule, MaximumSubset):
                groups: dict[int | None, list[int]] = {}
                for i, piece in enumerate(pieces):
                    if matches(rule.select, piece.credit):
                        key = cap_period(rule, piece.credit.completed_on.year)
                        groups.setdefault(key, []).append(i)
                for key, members in sorted(groups.items(), key=lambda kv: kv[0] or 0):
                    caps.append(allocation.Cap(rule.id, key, rule.credits, members))
            elif isinstance(rule, (MinimumTotal, MinimumSubset, TopicDuty)):
                required = (
                    rule.credits
                    if isinstance(rule, TopicDuty)
                    else self._required(rule)
                    if isinstance(rule, MinimumSubset)
                    else self._scaled(rule.credits)
                )
                members = self._fed_by(rule, pieces)
                demands.append(allocation.Demand(rule.id, required, self._offset(rule), members))
            elif isinstance(rule, MinimumShare):
                members = self._fed_by(rule, pieces)
                ceiling = self._scaled(total_rule.credits) if total_rule else None
                demands.append(
                    allocation.Demand(
                        rule.id,
                        ZERO,
                        ZERO,
                        members,
                        share=rule.share,
                        ceiling=ceiling,
                        base=self.carry_in,
                    )
                )
        return demands, caps

    # One rule's result -----------------------------------------------------------------

    def _rule(self, rule, applies: bool, pieces: list[_Piece], total: Decimal) -> RuleResult:
        base = dict(
            id=rule.id,
            name=rule.name,
            kind=rule.kind,
            source=rule.source,
            confidence=rule.confidence,
            note=rule.note,
        )
        if not applies:
            why = unmet_condition(rule.when, self.facts, self.first_renewal) or (
                f"the cycle {day_text(self.cycle.start)} to {day_text(self.cycle.end)} has no year {rule.part.years[0]}"
            )
            return RuleResult(
                **base,
                status=Status.NOT_APPLICABLE,
                required=None,
                counted=ZERO,
                remaining=ZERO,
                due=None,
                explanation=f"Does not apply: {why}.",
            )
        if isinstance(rule, Component):
            return self._component(rule, base)
        if isinstance(rule, MaximumSubset):
            return self._cap(rule, base, pieces)
        if isinstance(rule, Pacing):
            return self._pacing(rule, base, total)
        uses = self._uses(rule, pieces)
        counted = sum((u.credits for u in uses), ZERO)
        if isinstance(rule, MinimumTotal):
            required, counted = self._scaled(rule.credits), total
        elif isinstance(rule, MinimumShare):
            total_rule = next((r for r in self.rset.rules if isinstance(r, MinimumTotal)), None)
            required = share_required(
                rule.share, total, self._scaled(total_rule.credits) if total_rule else None
            )
        elif isinstance(rule, TopicDuty):
            required = rule.credits
        else:
            required = self._required(rule)
        remaining = max(ZERO, required - counted)
        span = self._window(rule)
        if isinstance(rule, MinimumShare):
            judged = share_status(required, counted, total, span, self.on)
        else:
            judged = minimum_status(
                required, counted, span, self.on, paced=isinstance(rule, MinimumTotal)
            )
        status = self._cure_pending(judged, span)
        cured = sum(
            (p.counted * p.factor for i in self._fed_by(rule, pieces) if (p := pieces[i]).cure),
            ZERO,
        )
        return RuleResult(
            **base,
            status=status,
            required=required,
            counted=counted,
            remaining=remaining,
            due=self._due(span),
            explanation=self._explain_minimum(rule, required, counted, remaining, cured),
            entries=uses,
        )

    def _cure_pending(self, status: Status, span: Window) -> Status:
        """A shortfall at the cycle's end is not final while a cure is still open."""
        if status == Status.NOT_MET and self.curing and span == self.cycle:
            return Status.BEHIND
        return status

    def _due(self, span: Window) -> date:
        return self.deadline if self.curing and span == self.cycle else span.end

    def _uses(self, rule, pieces: list[_Piece]) -> list[Use]:
        amounts: dict[str, Decimal] = {}
        for i in self._fed_by(rule, pieces):
            piece = pieces[i]
            if piece.counted:
                amounts[piece.credit.id] = (
                    amounts.get(piece.credit.id, ZERO) + piece.counted * piece.factor
                )
        if isinstance(rule, (MinimumSubset, TopicDuty)):
            reach = (
                self._lookback(rule.every_years)
                if isinstance(rule, TopicDuty)
                else self._window(rule)
            )
            for credit in self.index.candidates(rule.select, reach.start, reach.end):
                in_cycle = credit.completed_on in self.cycle and self._accepts(credit)
                if not in_cycle and (self._accepts(credit) or not rule.within_total):
                    amounts[credit.id] = amounts.get(credit.id, ZERO) + credit.credits
        return [Use(entry_id, credits) for entry_id, credits in amounts.items()]

    def _explain_minimum(
        self, rule, required: Decimal, counted: Decimal, remaining: Decimal, cured: Decimal
    ) -> str:
        if isinstance(rule, MinimumShare) and not required and not counted:
            return (
                f"Nothing counted yet: {format((rule.share * 100).normalize(), 'f')}% of the "
                f"{unit_word(2, self.rset.unit)} counted "
                f"toward the total must be of this kind, by {self.cycle.end}."
            )
        text = f"{counted_of(counted, required, self.rset.unit)} counted"
        span = self._window(rule)
        if span != self.cycle:
            first, last = rule.part.years
            text += f" in years {first}–{last} of the cycle ({day_text(span.start)} to {day_text(span.end)})"
        if cured:
            text += (
                f", including {_fmt(cured)} completed after {day_text(self.cycle.end)} to make up "
                "the shortfall"
            )
        if isinstance(rule, MinimumShare):
            text += f" ({_fmt(rule.share * 100)}% of the counted total, up to the required total)"
        if isinstance(rule, MinimumTotal) and self.carry_in:
            text += f", including {_fmt(self.carry_in)} carried forward"
        if isinstance(rule, TopicDuty):
            reach = (
                "ever"
                if rule.every_years is None
                else f"in the {rule.every_years} years to {day_text(self.cycle.end)}"
            )
            text += f", looking back {reach}"
        if self.scale is not None and not isinstance(rule, TopicDuty):
            text += f"; prorated to {self.scale.months_inside} of {self.scale.months_total} months"
        if remaining and self._cure_pending(Status.NOT_MET, span) == Status.BEHIND:
            assert self.rset.cure is not None
            text += (
                f"; {_fmt(remaining)} still needed by {day_text(self.deadline)}, within the "
                f"{self.rset.cure.days} days after {day_text(self.cycle.end)} in which a "
                "shortfall may be made up"
            )
        elif remaining:
            text += f"; {_fmt(remaining)} still needed by {day_text(span.end)}"
        return text + "."

    def _component(self, rule: Component, base: dict) -> RuleResult:
        span = self._window(rule)
        if rule.component in self.facts.components:
            done, how = True, "on record"
        elif rule.each_year:
            return self._yearly(rule, base, span)
        else:
            reach = self._lookback(rule.every_years) if rule.every_years else span
            record = self._record(rule, reach)
            done = record is not None
            how = f"{record.title or 'an activity'} on {record.completed_on}" if record else ""
        status = component_status(done, span, self.on)
        text = f"Met: {how}." if done else f"Not yet on record; needed by {day_text(span.end)}."
        if span != self.cycle and rule.part is not None:
            first, last = rule.part.years
            text = (
                f"Years {first}–{last} of the cycle ({day_text(span.start)} to {day_text(span.end)}): "
                + text
            )
        return RuleResult(
            **base,
            status=status,
            required=None,
            counted=Decimal(1 if done else 0),
            remaining=Decimal(0 if done else 1),
            due=span.end,
            explanation=text,
        )

    def _record(self, rule: Component, reach: Window) -> Credit | None:
        """The first activity record of the component's kind inside `reach`."""
        return next(
            (
                c
                for c in self.index.between(reach.start, reach.end)
                if c.activity_kind == rule.component
            ),
            None,
        )

    def _yearly(self, rule: Component, base: dict, span: Window) -> RuleResult:
        """A record in each year of the cycle (or of its part): a year gone by without one
        is lost, the current year is still open, later years are not yet due."""
        first, last = rule.part.years if rule.part is not None else (1, None)
        years = [
            Year(number, year, self._record(rule, year) is not None)
            for number, year in years_in(self.cycle, first, last)
        ]
        words: list[str] = []
        due = span.end
        for year in years:
            if year.done:
                words.append(f"year {year.number} on record")
            elif year.window.end < self.on:
                words.append(
                    f"year {year.number} ({day_text(year.window.start)} to {day_text(year.window.end)}) missing"
                )
            elif year.window.start <= self.on:
                due = year.window.end
                words.append(f"year {year.number} still needed by {day_text(year.window.end)}")
            else:
                words.append(f"year {year.number} from {day_text(year.window.start)}")
        done = sum(1 for year in years if year.done)
        upto = years[-1].number if years else first
        return RuleResult(
            **base,
            status=yearly_status(years, self.on),
            required=None,
            counted=Decimal(done),
            remaining=Decimal(len(years) - done),
            due=due,
            explanation=f"A record in each of years {first}–{upto}: " + "; ".join(words) + ".",
        )

    def _cap(self, rule: MaximumSubset, base: dict, pieces: list[_Piece]) -> RuleResult:
        uses: dict[str, Decimal] = {}
        claimed = ZERO
        for piece in pieces:
            if matches(rule.select, piece.credit):
                claimed += piece.amount
                if piece.counted:
                    uses[piece.credit.id] = uses.get(piece.credit.id, ZERO) + piece.counted
        counted = sum(uses.values(), ZERO)
        period = "a calendar year" if rule.per == "calendar-year" else "the cycle"
        text = f"At most {set_amount(rule.credits, self.rset.unit)} count in {period}; " + (
            f"{_fmt(counted)} of {_fmt(claimed)} counted."
            if claimed
            else "none of your entries in this cycle are of this kind."
        )
        return RuleResult(
            **base,
            status=Status.MET,
            required=rule.credits,
            counted=counted,
            remaining=ZERO,
            due=None,
            explanation=text,
            entries=[Use(k, v) for k, v in uses.items()],
        )

    def _pacing(self, rule: Pacing, base: dict, total: Decimal) -> RuleResult:
        full = self._scaled(pace_over_cycle(rule.credits_per_year, self.rset.cycle.months))
        expected, status = pacing(full, total, self.cycle, self.on)
        status = self._cure_pending(status, self.cycle)
        remaining = max(ZERO, expected - total)
        text = (
            f"{set_amount(rule.credits_per_year, self.rset.unit)} a year on average: "
            f"{_fmt(expected)} expected by "
            f"{min(self.on, self.cycle.end)}, {_fmt(total)} counted."
        )
        return RuleResult(
            **base,
            status=status,
            required=expected,
            counted=total,
            remaining=remaining,
            due=self._due(self.cycle),
            explanation=text,
        )

    def _carry_out(self, pieces: list[_Piece], total: Decimal) -> Decimal:
        carry = self.rset.carry_forward
        total_rule = next((r for r in self.rset.rules if isinstance(r, MinimumTotal)), None)
        if carry is None or total_rule is None:
            return ZERO
        # Only a rule that selects credits can keep them from carrying.
        excluded = [
            r.select
            for r in self.rset.rules
            if r.id in carry.exclude_rules and not isinstance(r, (MinimumTotal, Pacing, Component))
        ]
        eligible = sum(
            (
                p.counted * p.factor
                for p in pieces
                if not p.cure and not any(matches(select, p.credit) for select in excluded)
            ),
            ZERO,
        )
        # A cure's credits made up a shortfall, and count in the next cycle as well (they
        # fall inside it): carried, they would count a third time.
        cured = sum((p.counted * p.factor for p in pieces if p.cure), ZERO)
        excess = total - cured - self._scaled(total_rule.credits)
        return max(ZERO, min(carry.max_credits, eligible, excess))

    # Per entry ---------------------------------------------------------------------------

    def _entries(self, pieces: list[_Piece], results: list[RuleResult]) -> list[EntryResult]:
        shares: dict[str, list[RuleShare]] = {}
        for result in results:
            if result.kind in ("maximum-subset", "pacing", "component"):
                continue
            for use in result.entries:
                shares.setdefault(use.entry_id, []).append(
                    RuleShare(result.id, result.name, use.credits)
                )
        caps = {r.id: r for r in self.rset.rules if isinstance(r, MaximumSubset)}
        by_credit: dict[str, list[_Piece]] = {}
        for piece in pieces:
            by_credit.setdefault(piece.credit.id, []).append(piece)
        listed: list[Credit] = list(self.index.between(self.cycle.start, self.cycle.end))
        in_cycle_ids = {c.id for c in listed}
        # Credits a topic duty reached back to, and those a cure took from after the cycle.
        earlier = shares.keys() - in_cycle_ids
        if earlier:
            listed += [self.index.by_id[i] for i in earlier]
            listed.sort(key=lambda c: (c.completed_on, c.id))
        inside = f", inside the cycle {day_text(self.cycle.start)} to {day_text(self.cycle.end)}."
        before = f", before the cycle {day_text(self.cycle.start)} to {day_text(self.cycle.end)}."
        after = (
            f", after the cycle {day_text(self.cycle.start)} to {day_text(self.cycle.end)}, in time to make up "
            f"its shortfall (by {day_text(self.deadline)})."
        )
        out = []
        for credit in listed:
            own = by_credit.get(credit.id, ())
            if len(own) == 1:
                counted, weighted = own[0].counted, own[0].counted * own[0].factor
            else:
                counted = sum((p.counted for p in own), ZERO)
                weighted = sum((p.counted * p.factor for p in own), ZERO)
            rules_used = shares.get(credit.id, [])
            words = (
                self._words(credit, own, counted, rules_used, caps, (inside, before, after))
                if self.explain
                else []
            )
            out.append(
                EntryResult(
                    id=credit.id,
                    title=credit.title,
                    completed_on=credit.completed_on,
                    credit_type=credit.credit_type,
                    claimed=credit.credits,
                    counted=counted,
                    weighted=weighted,
                    rules=rules_used,
                    explanation=words,
                    awarded_as="participation" if credit.participation else "credit",
                )
            )
        return out

    def _words(
        self,
        credit: Credit,
        own: Sequence[_Piece],
        counted: Decimal,
        rules_used: list[RuleShare],
        caps: dict[str, MaximumSubset],
        cycle_words: tuple[str, str, str],
    ) -> list[str]:
        """Why one entry counted, or did not, in words (the entry page shows them)."""
        inside, before, after = cycle_words
        words: list[str] = []
        if rules_used:
            when = (
                before
                if credit.completed_on < self.cycle.start
                else after
                if credit.completed_on > self.cycle.end
                else inside
            )
            why = self.index.describe(credit) + when
            by_amount: dict[Decimal, list[str]] = {}
            for share in rules_used:
                by_amount.setdefault(share.credits, []).append(share.rule_name)
            for amount, names in by_amount.items():
                words.append(f"{_fmt(amount)} counted toward {'; '.join(names)} — {why}")
        elif credit.credit_type not in self.accepted:
            words.append(
                f"Not counted: {_type_label(credit.credit_type)} is not accepted by {self.rset.name}."
            )
        elif not self._accepts(credit):
            words.append(
                f"Not counted: certificate of participation for {_type_label(credit.credit_type)}"
                f" — {self.rset.name} does not accept these, only the credit itself."
            )
        if counted < credit.credits and own:
            words.append(
                f"{_fmt(credit.credits - counted)} not counted: {self._cap_reached(credit, caps)}."
            )
        if own and (own[0].factor != 1 or len(own) > 1):
            factors = {p.factor for p in own if p.factor != 1 and p.counted}
            if factors:
                words.append(
                    f"Counts {' and '.join(_fmt(f) for f in sorted(factors))} times for {self.rset.name}."
                )
        return words

    def _cap_reached(self, credit: Credit, caps: dict[str, MaximumSubset]) -> str:
        for rule in caps.values():
            if matches(rule.select, credit):
                period = f" in {credit.completed_on.year}" if rule.per == "calendar-year" else ""
                return f"{rule.name} (at most {_fmt(rule.credits)}{period}) reached"
        return "not needed"

    def _needs(self, results: list[RuleResult]) -> list[Need]:
        if self.on > self.deadline:
            return []
        by_id = {r.id: r for r in self.rset.rules}
        needs = []
        for result in results:
            if result.status in (Status.MET, Status.NOT_APPLICABLE) or result.kind == "pacing":
                continue
            due = result.due or self.cycle.end
            if due < self.on:
                continue  # a part of the cycle gone by: nothing done now can meet it
            rule = by_id[result.id]
            select = getattr(rule, "select", None)
            types = list(select.credit_types) if select and select.credit_types else []
            if not types or getattr(rule, "within_total", True):
                types = [
                    t for t in (types or self.rset.accepted_credit_types) if t in self.accepted
                ]
            needs.append(
                Need(
                    set_id=self.rset.id,
                    rule_id=result.id,
                    rule_name=result.name,
                    credits=None if isinstance(rule, Component) else result.remaining,
                    credit_types=types,
                    topics=list(select.topics) if select else [],
                    component=rule.component if isinstance(rule, Component) else None,
                    due=due,
                    confidence=result.confidence,
                )
            )
        return needs
