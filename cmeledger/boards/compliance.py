"""Board-wide compliance, set-based: every diplomate's standing in one pass over the ledger.

The calculator (requirements/engine.py) judges one clinician at a time from their whole
ledger; at 100,000 diplomates that is minutes. Here the database does the heavy part:
one aggregate query sums each certification cycle's credits into a few buckets (per
calendar year where a per-year cap needs it, and per combination of the selectors the
set's rules use), and a short loop turns each cycle's buckets into the same statuses and
numbers the calculator gives, by the same arithmetic (docs/board.md, "How it is computed").

The statuses come from the calculator's own functions (requirements/standing.py) and
caps from its allocation module; only the sums are set-based. The shortcut knows a fixed
table of rule kinds and fields (FAST_RULES): a set with any other kind or field (topics,
conditions, weights, carry-forward, proration, a rule kind added later) goes to the
calculator, cycle by cycle, and so does a cycle whose capped credits feed minimums that
compete; the run counts how many did. A test compares both on generated rule sets and
ledgers.

Memory stays flat as the board grows: certifications and sums are read through
server-side cursors on PostgreSQL (fetchmany batches on SQLite), merged in certification
order, and the rows go out in batches, so nothing per diplomate is held for the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, LessThan
from django.utils import timezone
from pydantic import BaseModel

from cmeledger.accounts.models import Board, Certification, ClinicianProfile, License, User
from cmeledger.boards import freshness, listing
from cmeledger.boards.models import ComplianceRow, ComplianceRun
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.vocabulary import AwardedAs
from cmeledger.lib.bulk import insert_rows
from cmeledger.lib.credits import credit_text
from cmeledger.requirements import allocation
from cmeledger.requirements.cycles import Window, years_of
from cmeledger.requirements.engine import Credits, SetResult, evaluate
from cmeledger.requirements.enrollment import governs
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.progress import credits_of, facts_for, version_in_force
from cmeledger.requirements.schema import (
    Anchor,
    Component,
    MaximumSubset,
    MinimumShare,
    MinimumSubset,
    MinimumTotal,
    Pacing,
    RequirementSet,
    Selector,
)
from cmeledger.requirements.standing import (
    ZERO,
    Status,
    Year,
    cap_period,
    component_status,
    minimum_status,
    pace_over_cycle,
    pacing,
    set_status,
    share_required,
    share_status,
    yearly_status,
    years_in,
)

BATCH = 5000
_DAY = timedelta(days=1)


class ComplianceError(Exception):
    """The run cannot start; the message says why."""


# Which sets a board runs ------------------------------------------------------------------


def board_sets(board: Board) -> list[str]:
    """The set ids whose newest version enrolls this board's diplomates."""
    newest: dict[str, RequirementSetVersion] = {}
    for row in RequirementSetVersion.objects.order_by("set_id", "version"):
        newest[row.set_id] = row
    return sorted(
        set_id
        for set_id, row in newest.items()
        if board.code in row.definition.get("applies", {}).get("boards", [])
    )


# The plan: what the query groups by ---------------------------------------------------------

# The rule kinds the buckets can judge, each with the fields it may use (others at their
# defaults). Any other kind, including one added to the schema later, or any other field
# (`when`, a component's `every_years`...) sends the set to the calculator: a rule is
# never judged two ways.
_RULE_BASE = frozenset({"id", "kind", "name", "source", "confidence", "note"})
FAST_RULES: dict[str, frozenset[str]] = {
    "minimum-total": _RULE_BASE | {"credits"},
    "minimum-subset": _RULE_BASE | {"credits", "select", "within_total"},
    "maximum-subset": _RULE_BASE | {"credits", "select", "per"},
    "minimum-share": _RULE_BASE | {"share", "select"},
    "pacing": _RULE_BASE | {"credits_per_year"},
    "component": _RULE_BASE | {"component", "part", "each_year"},
}
# The set's own fields the buckets understand: carry-forward, weights and proration (or a
# field added later) need the calculator.
FAST_SET_FIELDS = frozenset(
    {
        "id",
        "name",
        "short_name",
        "authority",
        "kind",
        "version",
        "effective_from",
        "effective_to",
        "sources",
        "applies",
        "cycle",
        "accepted_credit_types",
        "accepted_participation",
        "rules",
    }
)


def accepted_q(rset: RequirementSet) -> Q:
    """Entries the set counts toward its total, as the calculator's `_accepts`: an accepted
    credit type, and a certificate of participation only for the types whose certificates
    the set accepts (none unless it says so)."""
    q = Q(credit_type__in=list(rset.accepted_credit_types))
    if rset.accepted_participation:
        return q & (
            Q(awarded_as=AwardedAs.CREDIT) | Q(credit_type__in=list(rset.accepted_participation))
        )
    return q & Q(awarded_as=AwardedAs.CREDIT)


def _selector_q(select: Selector) -> Q | None:
    """The selector as a condition on entry columns, or None if it needs topics."""
    if select.topics or select.exclude_topics:
        return None
    q = Q()
    if select.credit_types:
        q &= Q(credit_type__in=list(select.credit_types))
    if select.activity_kinds:
        q &= Q(activity_kind__in=list(select.activity_kinds))
    if select.specialty_related is not None:
        q &= Q(specialty_related=select.specialty_related)
    return q if q else Q(id__isnull=False)  # no condition: every entry


def _used_fields(model: BaseModel) -> set[str]:
    """The fields a rule or set gives a value other than its default."""
    return {
        name
        for name, info in type(model).model_fields.items()
        if info.is_required() or getattr(model, name) != info.get_default(call_default_factory=True)
    }


def fast_path_refuses(rset: RequirementSet) -> str | None:
    """Why the buckets cannot judge this set (in words, for tests and logs), or None."""
    extra = _used_fields(rset) - FAST_SET_FIELDS
    if extra:
        return f"the set uses {', '.join(sorted(extra))}"
    if rset.cycle.anchor != Anchor.CERTIFICATION:
        return f"cycles anchored on {rset.cycle.anchor}"
    for rule in rset.rules:
        known = FAST_RULES.get(rule.kind)
        if known is None:
            return f"rule {rule.id}: kind {rule.kind}"
        extra = _used_fields(rule) - known
        if extra:
            return f"rule {rule.id}: {', '.join(sorted(extra))}"
        select = getattr(rule, "select", None)
        if select is not None and _selector_q(select) is None:
            return f"rule {rule.id}: topics"
    if any(isinstance(r, MinimumShare) for r in rset.rules) and not any(
        isinstance(r, MinimumTotal) for r in rset.rules
    ):
        return "a share without a total"  # counting less can help: a real choice
    return None


@dataclass(frozen=True)
class Plan:
    """How one set version is judged from buckets: `flags[i]` is a condition on entries,
    and each rule names the flag it reads."""

    rset: RequirementSet
    flags: tuple[Q, ...]
    rule_flags: dict[str, int]  # rule id -> index in flags
    yearly: Q | None  # entries that must be summed per calendar year (per-year caps)
    # Entries summed per year of the cycle (components over a part or each year).
    cycle_years: Q | None = None


def plan_for(rset: RequirementSet) -> Plan | None:
    """A plan if every rule of the set can be judged from buckets, else None."""
    if fast_path_refuses(rset) is not None:
        return None
    flags: list[Q] = []
    rule_flags: dict[str, int] = {}
    yearly: Q | None = None
    cycle_years: Q | None = None
    q: Q | None  # a selector's Q is None when the fast path cannot express it
    for rule in rset.rules:
        if isinstance(rule, Component):
            q = Q(activity_kind=rule.component)
            if rule.part is not None or rule.each_year:
                cycle_years = q if cycle_years is None else cycle_years | q
        elif isinstance(rule, (MinimumSubset, MaximumSubset, MinimumShare)):
            q = _selector_q(rule.select) or Q()  # never None: topics were refused
            if isinstance(rule, MaximumSubset) and rule.per == "calendar-year":
                yearly = q if yearly is None else yearly | q
        else:
            continue  # totals and pacing read the sum of everything counted
        if q not in flags:
            flags.append(q)
        rule_flags[rule.id] = flags.index(q)
    return Plan(rset, tuple(flags), rule_flags, yearly, cycle_years)


# The queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    year: int | None
    accepted: bool
    flags: tuple[bool, ...]
    credits: Decimal
    cycle_year: int | None = None  # whole years from the cycle's start (0: the first)


@dataclass(frozen=True)
class Cycle:
    certification_id: int
    clinician_id: int
    start: date
    end: date


def _cycles(certifications: Q, on: date) -> Iterator[tuple[Cycle, bool]]:
    """The certification cycles in scope in id order, each with whether its diplomate
    holds a current license, streamed."""
    current = License.objects.filter(clinician=OuterRef("clinician_id")).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on)
    )
    rows = (
        Certification.objects.filter(certifications)
        .annotate(licensed=Exists(current))
        .order_by("id")
        .values_list("id", "clinician_id", "cycle_start", "cycle_end", "licensed")
    )
    for pk, clinician_id, start, end, licensed in rows.iterator(chunk_size=BATCH):
        yield Cycle(pk, clinician_id, start, end), licensed


def _buckets(plan: Plan, certifications: Q) -> Iterator[tuple[int, list[Bucket]]]:
    """Each certification with counted entries, in id order, with the sums of those
    entries: one query, streamed."""
    prefix = "clinician__certifications__"
    names = [f"f{i}" for i in range(len(plan.flags))]
    flags = {
        name: ExpressionWrapper(q, output_field=BooleanField())
        for name, q in zip(names, plan.flags, strict=True)
    }
    year = (
        Case(When(plan.yearly, then=ExtractYear("completed_on")), output_field=IntegerField())
        if plan.yearly is not None
        else None
    )
    cycle_year = (
        Case(
            When(plan.cycle_years, then=_years_since(f"{prefix}cycle_start")),
            output_field=IntegerField(),
        )
        if plan.cycle_years is not None
        else None
    )
    accepted = ExpressionWrapper(accepted_q(plan.rset), output_field=BooleanField())
    # One filter() call, so the certification conditions share one join.
    rows = (
        CreditEntry.objects.counted()
        .filter(
            certifications_scope(prefix, certifications),
            completed_on__gte=F(f"{prefix}cycle_start"),
            completed_on__lte=F(f"{prefix}cycle_end"),
        )
        .annotate(
            acc=accepted,
            yr=year if year is not None else _null_year(),
            cy=cycle_year if cycle_year is not None else _null_year(),
            **flags,
        )
        .values(f"{prefix}id", "yr", "cy", "acc", *names)
        .annotate(total=Sum("credits"))
        .order_by(f"{prefix}id")
        .values_list(f"{prefix}id", "yr", "cy", "acc", *names, "total")
    )
    width = len(names)
    for key, group in groupby(_raw_rows(rows), key=lambda r: r[0]):
        yield (
            key,
            [
                Bucket(
                    r[1],
                    bool(r[3]),
                    tuple(bool(v) for v in r[4 : 4 + width]),
                    _as_credits(r[-1]),
                    r[2],
                )
                for r in group
            ],
        )


def _years_since(start: str) -> ExpressionWrapper:
    """Whole years from the date column `start` to the entry's completion (0 in the
    cycle's first year), in SQL both databases run: the difference of the years, less one
    when the anniversary has not come yet that year."""
    done, began = "completed_on", start
    before_anniversary = Case(
        When(LessThan(ExtractMonth(done), ExtractMonth(began)), then=Value(1)),
        When(
            Q(Exact(ExtractMonth(done), ExtractMonth(began)))
            & Q(LessThan(ExtractDay(done), ExtractDay(began))),
            then=Value(1),
        ),
        default=Value(0),
    )
    return ExpressionWrapper(
        ExtractYear(done) - ExtractYear(began) - before_anniversary, output_field=IntegerField()
    )


def _raw_rows(rows) -> Iterator[tuple]:
    """The query's rows straight from the driver, BATCH at a time: Django's per-value
    converters cost more than the query on SQLite. On PostgreSQL a server-side cursor
    (the run is one transaction), so the client never holds the whole result."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(BATCH):
            yield from chunk


def _as_credits(value: Decimal | float | int | str) -> Decimal:
    # SQLite sums a decimal column as a float; quarter credits are exact in binary.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _null_year() -> Value:
    return Value(None, output_field=IntegerField())


def certifications_scope(prefix: str, certifications: Q) -> Q:
    """`certifications` (a Q on Certification) seen from the entry side of the join."""
    children = []
    for child in certifications.children:
        if isinstance(child, Q):
            children.append(certifications_scope(prefix, child))
        else:
            # A Q's other children are its (lookup, value) pairs.
            name, value = cast(tuple[str, Any], child)
            children.append(Q(**{f"{prefix}{name}": value}))
    out = Q(*children, _connector=certifications.connector, _negated=certifications.negated)
    return out


def _with_sums(
    cycles: Iterator[tuple[Cycle, bool]], sums: Iterator[tuple[int, list[Bucket]]]
) -> Iterator[tuple[Cycle, bool, list[Bucket]]]:
    """Both streams merged on the certification id (both in id order); a cycle with no
    counted entry gets no buckets."""
    ahead = next(sums, None)
    for cycle, licensed in cycles:
        while ahead is not None and ahead[0] < cycle.certification_id:
            ahead = next(sums, None)  # a certification the set does not govern
        if ahead is not None and ahead[0] == cycle.certification_id:
            yield cycle, licensed, ahead[1]
            ahead = next(sums, None)
        else:
            yield cycle, licensed, []


# Judging one cycle from its buckets ----------------------------------------------------------


_fmt = credit_text  # one style for credit amounts everywhere (cmeledger/lib/credits.py)


@dataclass
class Judgement:
    status: str
    counted: Decimal
    required: Decimal | None
    remaining: Decimal
    expected: Decimal | None
    missing: str


class NeedsCalculator(Exception):
    """The buckets leave a real choice, or hold a rule they do not know; the calculator
    must judge this cycle."""


def _allocate(plan: Plan, buckets: list[Bucket]) -> list[Decimal]:
    """How much of each accepted bucket counts: everything, except where a cap binds
    (allocation.binds); there allocation.fill_nested decides, or NeedsCalculator is raised
    when the minimums fed compete."""
    rset = plan.rset
    counted = [b.credits if b.accepted else ZERO for b in buckets]
    minimums = [
        plan.rule_flags[r.id] for r in rset.rules if isinstance(r, (MinimumSubset, MinimumShare))
    ]
    capped: dict[int, str] = {}
    for rule in rset.rules:
        if not isinstance(rule, MaximumSubset):
            continue
        flag = plan.rule_flags[rule.id]
        groups: dict[int | None, list[int]] = {}
        for i, bucket in enumerate(buckets):
            if bucket.accepted and bucket.flags[flag]:
                if i in capped:
                    raise NeedsCalculator("two caps share credits")
                capped[i] = rule.id
                # Buckets a per-year cap reads are summed per year (plan.yearly).
                groups.setdefault(cap_period(rule, bucket.year), []).append(i)
        for members in groups.values():
            amounts = [buckets[i].credits for i in members]
            if not allocation.binds(rule.credits, amounts):
                continue
            feeds = [frozenset(f for f in minimums if buckets[i].flags[f]) for i in members]
            shares = allocation.fill_nested(amounts, feeds, rule.credits)
            if shares is None:
                raise NeedsCalculator("a binding cap feeds competing minimums")
            for i, share in zip(members, shares, strict=True):
                counted[i] = share
    return counted


def judge(
    plan: Plan, buckets: list[Bucket], cycle: Window, on: date, valid_license: bool
) -> Judgement:
    """The calculator's status and numbers for one cycle, from its buckets, by the
    calculator's own arithmetic (requirements/standing.py)."""
    rset = plan.rset
    counted = _allocate(plan, buckets)
    total = sum(counted, ZERO)
    total_rule = next((r for r in rset.rules if isinstance(r, MinimumTotal)), None)
    statuses: list[Status] = []
    missing: list[str] = []
    expected: Decimal | None = None

    def flagged(rule_id: str) -> list[int]:
        flag = plan.rule_flags[rule_id]
        return [i for i, b in enumerate(buckets) if b.flags[flag]]

    for rule in rset.rules:
        if isinstance(rule, MaximumSubset):
            statuses.append(Status.MET)  # a cap limits what counts; it is never unmet
        elif isinstance(rule, Component):
            status = _component(rule, plan, buckets, cycle, on, valid_license)
            statuses.append(status)
            if status not in (Status.MET, Status.NOT_APPLICABLE):
                missing.append(rule.name)
        elif isinstance(rule, Pacing):
            full = pace_over_cycle(rule.credits_per_year, rset.cycle.months)
            paced, status = pacing(full, total, cycle, on)
            statuses.append(status)
            if expected is None:  # the first pace is the one shown, as in from_result
                expected = paced
        elif isinstance(rule, (MinimumTotal, MinimumSubset, MinimumShare)):
            if isinstance(rule, MinimumTotal):
                required, got = rule.credits, total
            else:
                members = flagged(rule.id)
                got = sum((counted[i] for i in members), ZERO)
                if isinstance(rule, MinimumShare):
                    ceiling = total_rule.credits if total_rule else None
                    required = share_required(rule.share, total, ceiling)
                else:
                    required = rule.credits
                    if not rule.within_total:  # any credit type, as the calculator's offset
                        got += sum(
                            (buckets[i].credits for i in members if not buckets[i].accepted), ZERO
                        )
            if isinstance(rule, MinimumShare):
                status = share_status(required, got, total, cycle, on)
            else:
                status = minimum_status(
                    required, got, cycle, on, paced=isinstance(rule, MinimumTotal)
                )
            statuses.append(status)
            if status != Status.MET:
                # A share of nothing misses no amount yet, only the kind of credit.
                missing.append(
                    f"{rule.name}: {_fmt(required - got)} more" if required > got else rule.name
                )
        else:
            raise NeedsCalculator(f"rule {rule.id}: kind {rule.kind}")
    required_total = total_rule.credits if total_rule else None
    return Judgement(
        status=str(set_status(statuses, cycle, on)),
        counted=total,
        required=required_total,
        remaining=max(ZERO, required_total - total) if required_total is not None else ZERO,
        expected=expected,
        missing="; ".join(missing)[:500],
    )


def _component(
    rule: Component, plan: Plan, buckets: list[Bucket], cycle: Window, on: date, licensed: bool
) -> Status:
    """A component's status from its buckets, as engine._component judges it: any record in
    the cycle, in the rule's part of it, or in each of its years."""
    if rule.component == "valid-license" and licensed:
        return Status.MET
    flag = plan.rule_flags[rule.id]
    records = [b for b in buckets if b.flags[flag]]
    if rule.part is None and not rule.each_year:
        return component_status(bool(records), cycle, on)
    if cycle.start.month == 2 and cycle.start.day == 29:
        # Its anniversaries fall on 28 February (cycles.add_months), which the SQL year
        # count does not know.
        raise NeedsCalculator("a cycle starting on 29 February")
    first, last = rule.part.years if rule.part is not None else (1, None)
    span = years_of(cycle, first, last or first)
    if span.start > cycle.end:
        return Status.NOT_APPLICABLE
    years_on_record = {b.cycle_year + 1 for b in records if b.cycle_year is not None}
    if not rule.each_year:
        assert rule.part is not None
        done = any(first <= y <= rule.part.years[1] for y in years_on_record)
        return component_status(done, span, on)
    years = [
        Year(number, year, number in years_on_record)
        for number, year in years_in(cycle, first, last)
    ]
    return yearly_status(years, on)


# The calculator, for what the buckets cannot judge ------------------------------------------


def by_calculator(certification: Certification, rset: RequirementSet, on: date) -> Judgement:
    """One cycle judged by the full calculator, with the facts its enrollment would give."""
    user = certification.clinician
    profile = ClinicianProfile.objects.filter(user=user).first()
    licenses = list(user.licenses.all())
    enrollment = Enrollment(
        clinician=user, set_id=rset.id, certification=certification, started_on=on
    )
    facts = facts_for(enrollment, profile, licenses, on)
    cycle = Window(certification.cycle_start, certification.cycle_end)
    result = evaluate(rset, Credits(credits_of(user)), facts, on, cycle=cycle)
    return from_result(result)


def from_result(result: SetResult) -> Judgement:
    total_rule = next((r for r in result.rules if r.kind == "minimum-total"), None)
    pacing = next((r for r in result.rules if r.kind == "pacing"), None)
    missing = [
        r.name
        if r.kind == "component" or not r.remaining
        else f"{r.name}: {_fmt(r.remaining)} more"
        for r in result.rules
        if r.status not in (Status.MET, Status.NOT_APPLICABLE) and r.kind != "pacing"
    ]
    return Judgement(
        status=str(result.status),
        counted=result.total_counted,
        required=total_rule.required if total_rule else None,
        remaining=total_rule.remaining if total_rule else ZERO,
        expected=pacing.required if pacing else None,
        missing="; ".join(missing)[:500],
    )


# Which version judges which cycles ------------------------------------------------------------


def version_scopes(
    versions: list[RequirementSetVersion], on: date
) -> list[tuple[RequirementSetVersion, Q]]:
    """Each version with the certifications it judges (a Q on Certification): cycles not
    yet ended by the version in force on `on`, ended ones by the version in force on their
    last day, as progress.py does for one clinician."""
    if not versions:
        return []
    current = version_in_force(versions, on) or max(versions, key=lambda v: v.version)
    scopes: dict[int, Q] = {current.pk: Q(cycle_end__gte=on)}
    breaks = sorted(
        {v.effective_from for v in versions}
        | {v.effective_to + _DAY for v in versions if v.effective_to}
    )
    edges = [date.min, *[d for d in breaks if d < on], on]
    for low, high in zip(edges, edges[1:], strict=False):
        if low >= high:
            continue
        judged = version_in_force(versions, low) or current
        # A day before any version: the calculator uses the version in force on `on`.
        scope = Q(cycle_end__gte=low, cycle_end__lt=high)
        scopes[judged.pk] = scopes[judged.pk] | scope if judged.pk in scopes else scope
    by_pk = {v.pk: v for v in versions}
    return [(by_pk[pk], q) for pk, q in scopes.items()]


# A run ----------------------------------------------------------------------------------------


@dataclass
class Tally:
    cycles: int = 0
    by_calculator: int = 0


def compute(
    board: Board, set_id: str, on: date | None = None, requested_by: User | None = None
) -> ComplianceRun:
    """Judge every certification cycle of `board` in `set_id` on `on` and store the rows."""
    on = on or timezone.localdate()
    versions = list(RequirementSetVersion.objects.filter(set_id=set_id))
    if not versions:
        raise ComplianceError(f"The set {set_id} is not in the catalog.")
    if set_id not in board_sets(board):
        raise ComplianceError(f"The set {set_id} does not apply to {board.code.upper()}.")
    run = ComplianceRun.objects.create(
        board=board,
        set_id=set_id,
        on=on,
        requested_by=requested_by,
        inputs=freshness.inputs_stamp(board, set_id),
    )
    try:
        tally = _fill(run, versions)
    except Exception as error:
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["error", "finished_at"])
        raise
    run.cycles = tally.cycles
    run.by_calculator = tally.by_calculator
    run.diplomates = ComplianceRow.objects.filter(run=run).values("clinician_id").distinct().count()
    counts: dict[str, int] = {}
    for status, n in _status_counts(run):
        counts[status] = n
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["cycles", "by_calculator", "diplomates", "counts", "finished_at"])
    _prune(board, set_id, keep=run)
    return run


def _status_counts(run: ComplianceRun) -> Iterable[tuple[str, int]]:
    return (
        ComplianceRow.objects.filter(run=run)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def _fill(run: ComplianceRun, versions: list[RequirementSetVersion]) -> Tally:
    tally = Tally()
    # Once the board has a roster, only the certifications it verified are its diplomates.
    board_q = listing.listed(run.board)
    # Of those, the certifications the set governs, as enrollment decides (its newest
    # version's `applies`): ABPMR's 10-year certificates are not judged under abpmr-cc.
    applies = max(versions, key=lambda v: v.version).requirement_set().applies
    code = run.board.code

    def governed(start: date, end: date) -> bool:
        return governs(applies, code, start, end)

    pending: list[tuple] = []

    def add(cycle: Cycle, judgement: Judgement) -> None:
        pending.append(_row(run, cycle, judgement))
        tally.cycles += 1
        if len(pending) >= BATCH:
            _flush(pending)

    # One transaction: PostgreSQL's server-side cursors live in it, and the run's rows
    # appear at once.
    with transaction.atomic():
        for version, scope in version_scopes(versions, run.on):
            rset = version.requirement_set()
            scope = board_q & scope
            plan = plan_for(rset)
            if plan is not None:
                cycles = (c for c in _cycles(scope, run.on) if governed(c[0].start, c[0].end))
                judged = _with_sums(cycles, _buckets(plan, scope))
                for cycle, licensed, buckets in judged:
                    window = Window(cycle.start, cycle.end)
                    try:
                        judgement = judge(plan, buckets, window, run.on, licensed)
                    except NeedsCalculator:
                        judgement = _calculated(cycle.certification_id, rset, run.on)
                        tally.by_calculator += 1
                    add(cycle, judgement)
            else:
                for cert in (
                    Certification.objects.filter(scope)
                    .select_related("clinician")
                    .order_by("id")
                    .iterator(chunk_size=500)
                ):
                    if not governed(cert.cycle_start, cert.cycle_end):
                        continue
                    cycle = Cycle(cert.pk, cert.clinician_id, cert.cycle_start, cert.cycle_end)
                    add(cycle, by_calculator(cert, rset, run.on))
                    tally.by_calculator += 1
        _flush(pending)
    return tally


def _calculated(certification_id: int, rset: RequirementSet, on: date) -> Judgement:
    cert = Certification.objects.select_related("clinician").get(pk=certification_id)
    return by_calculator(cert, rset, on)


ROW_COLUMNS = (
    "run_id",
    "clinician_id",
    "certification_id",
    "cycle_start",
    "cycle_end",
    "status",
    "counted",
    "required",
    "remaining",
    "expected",
    "missing",
)


def _row(run: ComplianceRun, cycle: Cycle, judgement: Judgement) -> tuple:
    """A snapshot row in database form, for `insert_rows` (COPY on PostgreSQL)."""
    return (
        run.pk,
        cycle.clinician_id,
        cycle.certification_id,
        cycle.start.isoformat(),
        cycle.end.isoformat(),
        judgement.status,
        str(judgement.counted),
        _db_decimal(judgement.required),
        str(judgement.remaining),
        _db_decimal(judgement.expected),
        judgement.missing,
    )


def _db_decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _flush(pending: list[tuple]) -> None:
    insert_rows(ComplianceRow, ROW_COLUMNS, pending)
    pending.clear()


def _prune(board: Board, set_id: str, keep: ComplianceRun, runs_kept: int = 3) -> None:
    """Keep the newest few finished runs of a board and set; older rows go."""
    old = ComplianceRun.objects.filter(board=board, set_id=set_id).exclude(pk=keep.pk)
    stale = list(old.order_by("-started_at", "-id").values_list("pk", flat=True)[runs_kept - 1 :])
    if stale:
        ComplianceRow.objects.filter(run_id__in=stale).delete()
        ComplianceRun.objects.filter(pk__in=stale).delete()


def latest_run(board: Board, set_id: str) -> ComplianceRun | None:
    return (
        ComplianceRun.objects.filter(
            board=board, set_id=set_id, finished_at__isnull=False, error=""
        )
        .order_by("-finished_at", "-id")
        .first()
    )
