"""The planner: what is still needed across every set, combined, and what-if. Pure.

One activity often closes gaps in several sets at once (two hours of opioid prescribing
for Texas, Pennsylvania and Florida). `combine` groups the open needs of all sets into
such activities; `compare` shows what a planned activity would change before it is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cmeledger.ledger.vocabulary import CreditType, Topic
from cmeledger.lib.credits import Unit, credit_text, credits_phrase, day_text
from cmeledger.requirements.engine import Need, SetResult, Status

PREFERRED = [CreditType.AMA_PRA_1, CreditType.AOA_1A, CreditType.AAPA_1, CreditType.AMA_PRA_2]
# The credit a clinician of this degree is awarded. A PA or NP at an AMA PRA Category 1
# activity receives a certificate of participation, which some sets do not take (decision
# 101), so the planner suggests their own profession's credit first.
EARNED_FIRST = {"PA": CreditType.AAPA_1, "NP": CreditType.ANCC_CONTACT_HOUR}


@dataclass
class Gap:
    set_name: str
    rule_name: str
    credits: Decimal | None


@dataclass
class Suggestion:
    topic: str | None
    credits: Decimal | None
    credit_type: str | None
    before: date
    closes: list[Gap]
    sentence: str


def _label(choices, code: str | None) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code or ""


def _joined(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _best_type(needs: list[Need], first: str | None = None) -> str | None:
    """A credit type every need accepts, preferring `first` (ANCC contact hours for a set
    counted in contact hours), then the most widely accepted kinds."""
    common: set[str] | None = None
    for need in needs:
        if need.credit_types:
            common = set(need.credit_types) if common is None else common & set(need.credit_types)
    if common is None:
        return None
    for preferred in ([first] if first else []) + PREFERRED:
        if preferred in common:
            return preferred
    return min(common) if common else ""


def plan(results: list[SetResult], degree: str = "") -> list[Suggestion]:
    """Every open need of these results, combined; amounts in each set's unit, credit
    types as a clinician of `degree` earns them."""
    needs = [(r.short_name, need) for r in results for need in r.needed]
    return combine(needs, {r.short_name: r.unit for r in results}, EARNED_FIRST.get(degree))


def combine(
    needs: list[tuple[str, Need]],
    units: dict[str, str] | None = None,
    earned: str | None = None,
) -> list[Suggestion]:
    """Group (set short name, need) pairs into activities that close several gaps at once.
    `units` gives a set's unit by short name (credits when not given); `earned` is the
    credit type to suggest first where every need takes it."""
    units = units or {}
    suggestions = _topic_suggestions([(s, n) for s, n in needs if n.topics and n.credits], earned)
    suggestions += _credit_suggestions(
        [(s, n) for s, n in needs if not n.topics and n.credits], units, earned
    )
    for set_name, need in needs:
        if need.component:
            suggestions.append(
                Suggestion(
                    None,
                    None,
                    None,
                    need.due,
                    [Gap(set_name, need.rule_name, None)],
                    f"{need.rule_name} before {day_text(need.due)} for {set_name}",
                )
            )
    return sorted(suggestions, key=lambda s: (s.before, -len(s.closes), s.sentence))


def _topic_suggestions(needs: list[tuple[str, Need]], earned: str | None) -> list[Suggestion]:
    open_needs = list(needs)
    out = []
    while open_needs:
        counts: dict[str, int] = {}
        for _, need in open_needs:
            for topic in need.topics:
                counts[topic] = counts.get(topic, 0) + 1
        topic = min(counts, key=lambda t: (-counts[t], t))
        group = [(s, n) for s, n in open_needs if topic in n.topics]
        credit_type = _best_type([n for _, n in group], earned)
        if credit_type == "":  # no type suits all: the most urgent need goes alone
            group = [min(group, key=lambda sn: (sn[1].due, sn[0]))]
            credit_type = _best_type([group[0][1]], earned)
        open_needs = [sn for sn in open_needs if sn not in group]
        out.append(_suggest(topic, credit_type, group))
    return out


def _credit_suggestions(
    needs: list[tuple[str, Need]], units: dict[str, str], earned: str | None
) -> list[Suggestion]:
    by_type: dict[str | None, list[tuple[str, Need]]] = {}
    for set_name, need in needs:
        nursing = units.get(set_name) == Unit.CONTACT_HOURS
        first = CreditType.ANCC_CONTACT_HOUR if nursing else earned
        by_type.setdefault(_best_type([need], first), []).append((set_name, need))
    return [
        _suggest(None, credit_type, group, units)
        for credit_type, group in sorted(by_type.items(), key=lambda kv: str(kv[0]))
    ]


def _suggest(
    topic: str | None,
    credit_type: str | None,
    group: list[tuple[str, Need]],
    units: dict[str, str] | None = None,
) -> Suggestion:
    credits = max(n.credits or Decimal(0) for _, n in group)  # combine passes credit needs only
    before = min(n.due for _, n in group)
    sets = _joined([s for s, _ in group])
    # Sets of one unit say it ("8 contact hours"); sets of mixed units, credits.
    named = {(units or {}).get(s, Unit.CREDITS) for s, _ in group}
    unit = named.pop() if len(named) == 1 else Unit.CREDITS
    what = (
        f"{credit_text(credits)} h {_label(Topic, topic).lower()}"
        if topic
        else credits_phrase(credits, unit)
    )
    kind = f", {_label(CreditType, credit_type)}" if credit_type else ""
    if not topic and unit == Unit.CONTACT_HOURS and credit_type == CreditType.ANCC_CONTACT_HOUR:
        # "17.5 ANCC contact hours", not "17.5 contact hours, ANCC contact hours".
        amount, words = what.split(" ", 1)
        what, kind = f"{amount} ANCC {words}", ""
    reach = (
        f"closes a gap in {sets} at once"
        if len({s for s, _ in group}) > 1
        else f"closes a gap in {sets}"
    )
    return Suggestion(
        topic=topic,
        credits=credits,
        credit_type=credit_type,
        before=before,
        closes=[Gap(s, n.rule_name, n.credits) for s, n in group],
        sentence=f"{what}{kind}, before {day_text(before)}, {reach}",
    )


@dataclass
class Change:
    set_name: str
    rule_name: str
    counted_before: Decimal
    counted_after: Decimal
    status_before: Status
    status_after: Status


@dataclass
class SetChange:
    set_name: str
    status_before: Status
    status_after: Status
    changes: list[Change]


def compare(before: list[SetResult], after: list[SetResult]) -> list[SetChange]:
    """What a planned activity changes, set by set and rule by rule (unchanged left out)."""
    out = []
    after_by_id = {r.set_id: r for r in after}
    for old in before:
        new = after_by_id.get(old.set_id)
        if new is None:
            continue
        rules = {r.id: r for r in new.rules}
        changes = [
            Change(
                old.short_name, r.name, r.counted, rules[r.id].counted, r.status, rules[r.id].status
            )
            for r in old.rules
            if r.id in rules and (r.counted, r.status) != (rules[r.id].counted, rules[r.id].status)
        ]
        if changes or old.status != new.status:
            out.append(SetChange(old.short_name, old.status, new.status, changes))
    return out
