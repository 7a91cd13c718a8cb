"""The dashboard at a glance: one summary per requirement set (its status, what is still
needed in one sentence, the days left and one next step) and each rule's bar at its true
value, with caps shown as limits beside the rule they limit.

Built from the progress report inside the kept sections (front/overview.py), never per
request. Pure: no database, so every wording is tested table by table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import ngettext

from cmeledger.ledger.vocabulary import Topic
from cmeledger.lib.credits import Unit, unit_word
from cmeledger.reports.deadlines import fmt, missing_words
from cmeledger.requirements.engine import Need, RuleResult, SetResult, Status
from cmeledger.requirements.progress import EnrollmentProgress

CAP = "maximum-subset"
TOTAL = "minimum-total"


@dataclass(frozen=True)
class RuleRow:
    """A requirement as the dashboard draws it; `limits` are the caps on what counts."""

    rule: RuleResult
    fill: int | None  # the bar's width, 0-100; None draws no bar
    limits: list[RuleResult] = field(default_factory=list)


@dataclass(frozen=True)
class NextStep:
    what: str  # "2 h ethics", "5.25 more credits", "Longitudinal Assessment for PM&R"
    due: date


@dataclass(frozen=True)
class Glance:
    item: EnrollmentProgress
    still_needed: str  # the needs in one sentence, "" when nothing is
    days_left: int | None
    next_step: NextStep | None
    rows: list[RuleRow]
    limits: list[RuleResult]  # caps with no total to stand beside
    # A step's date can pass while its cycle runs on (a yearly record missed last year).
    cycle_running: bool = False

    @property
    def result(self) -> SetResult | None:
        return self.item.result

    @property
    def days_left_words(self) -> str:
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return "overdue" if self.cycle_running else "the cycle has ended"
        if self.days_left == 0:
            return "due today"
        return ngettext("%(days)d day left", "%(days)d days left", self.days_left) % {
            "days": self.days_left
        }


def fill(rule: RuleResult) -> int | None:
    """How full a rule's bar is: what counted against what is required, and nothing for
    a rule with nothing done. A rule that does not apply, or a cap, has no bar."""
    if rule.status == Status.NOT_APPLICABLE or rule.kind in (CAP, "not-applicable"):
        return None
    if rule.kind == "component":  # done or not: an activity record, not credit
        return 100 if rule.counted > 0 else 0
    if not rule.required:
        return 100 if rule.status == Status.MET and rule.counted > 0 else 0
    return int(min(Decimal(100), rule.counted * 100 / rule.required))


def rows(result: SetResult) -> tuple[list[RuleRow], list[RuleResult]]:
    """The requirements with their bars, each cap beside the credit total it limits (a
    cap bounds how much of its credits count for the set). Caps in a set with no total
    are returned apart, to be shown as the set's limits."""
    caps = [r for r in result.rules if r.kind == CAP]
    total = next(
        (r for r in result.rules if r.kind == TOTAL and r.status != Status.NOT_APPLICABLE), None
    )
    out = [RuleRow(r, fill(r), caps if r is total else []) for r in result.rules if r.kind != CAP]
    return out, [] if total is not None else caps


def still_needed(result: SetResult) -> str:
    """What is still needed, in one sentence: "5.25 credits; Longitudinal Assessment"."""
    if result.status == Status.MET:
        return ""
    return "; ".join(missing_words(result.needed, result.unit))


def next_step(result: SetResult) -> NextStep | None:
    """The one thing to do next: the need due first; on the same day a topic first (an
    activity on it counts toward the total too), then another credit need, then the
    total, then a record that is not credit. A yearly record due this December comes
    before credits due at the cycle's end next year."""
    needs = [n for n in result.needed if n.credits is None or n.credits > 0]
    if not needs:
        return None
    need = min(needs, key=lambda n: (n.due or date.max, _rank(n)))
    return NextStep(_what(need, result.unit), need.due)


def _rank(need: Need) -> int:
    if need.credits is None:
        return 3
    if need.topics:
        return 0
    return 2 if need.rule_id == "total" else 1


def _what(need: Need, set_unit: str = Unit.CREDITS) -> str:
    if need.credits is None:
        return need.rule_name
    amount = fmt(need.credits)
    if need.topics:
        return f"{amount} h {_topics(need.topics)}"
    unit = unit_word(need.credits, set_unit)
    if need.rule_id == "total":
        return f"{amount} more {unit}"
    return f"{amount} {unit} toward “{need.rule_name}”"


def _topics(codes: list[str]) -> str:
    words = []
    for code in codes:
        label = str(Topic(code).label) if code in Topic.values else code
        words.append(label[0].lower() + label[1:] if label[1:2].islower() else label)
    return " or ".join(words)


def glance(item: EnrollmentProgress, today: date) -> Glance:
    result = item.result
    if result is None:
        return Glance(item, "", None, None, [], [])
    requirements, limits = rows(result)
    step = next_step(result)
    # Days left to the step the line names; a yearly record is due before the cycle ends.
    deadline = step.due if step and step.due else result.cycle_end
    return Glance(
        item=item,
        still_needed=still_needed(result),
        days_left=(deadline - today).days,
        next_step=step,
        cycle_running=result.cycle_end >= today,
        rows=requirements,
        limits=limits,
    )


def glances(items: list[EnrollmentProgress], today: date) -> list[Glance]:
    """Every followed set, the ones needing something soonest first; met sets last."""
    out = [glance(item, today) for item in items]

    def order(g: Glance) -> tuple:
        r = g.result
        if r is None:
            return (0, date.min, g.item.set_id)  # a set that cannot be worked out: fix first
        return (2 if r.status == Status.MET else 1, r.cycle_end, r.set_id)

    return sorted(out, key=order)
