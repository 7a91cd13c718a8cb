"""A board's program definition: board staff edit their own requirement sets.

Every save is a new catalog version (latest + 1) with its own `effective_from`; no stored
version is ever changed, so a closed cycle keeps being judged by the version that was in
force on its last day (requirements/progress.py). The edited definition is rendered as a
catalog TOML file and goes through `custom.add_set_version`, the same parser and
board-scope checks as `catalog check` and the upload page, so the rules cannot drift
between the two ways in. docs/program.md explains the choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cmeledger.accounts.models import Role, User
from cmeledger.requirements import custom
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.progress import version_in_force
from cmeledger.requirements.schema import RequirementSet, SetKind

SET_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_RULES = 40
MAX_SOURCES = 20

# Which keys each rule kind takes besides id, kind, name, source, confidence and note.
RULE_KEYS: dict[str, tuple[str, ...]] = {
    "minimum-total": ("credits",),
    "minimum-subset": ("credits", "select", "within_total"),
    "maximum-subset": ("credits", "select", "per"),
    "minimum-share": ("share", "select"),
    "pacing": ("credits_per_year",),
    "topic-duty": ("credits", "select", "every_years", "within_total"),
    "component": ("component", "every_years"),
}
# Kept from the base version's rule of the same id: the form does not edit them.
KEPT_RULE_KEYS = ("when", "part", "each_year")
KEPT_SELECT_KEYS = ("exclude_topics",)


class NotYourSet(Exception):
    """The set does not exist or is not the staff member's board's own (a 404)."""


class ProgramRefused(Exception):
    """The new version was not saved; `problems` are (catalog key or "", message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{key}: {msg}" if key else msg for key, msg in problems))
        self.problems = problems


# --- Which sets are a board's own ------------------------------------------------------


def may_define_program(user: User) -> bool:
    return user.is_authenticated and user.role == Role.BOARD_STAFF and user.board_id is not None


def _is_boards(row: RequirementSetVersion, code: str) -> bool:
    return row.kind == SetKind.BOARD and row.definition.get("applies", {}).get("boards") == [code]


@dataclass
class BoardSet:
    set_id: str
    versions: list[RequirementSetVersion]  # oldest first

    @property
    def latest(self) -> RequirementSetVersion:
        return self.versions[-1]

    def in_force(self, on: date) -> RequirementSetVersion | None:
        return version_in_force(self.versions, on)

    def scheduled(self, on: date) -> list[RequirementSetVersion]:
        """Versions that take effect after `on`."""
        return [row for row in self.versions if row.effective_from > on]

    def version(self, number: int) -> RequirementSetVersion:
        for row in self.versions:
            if row.version == number:
                return row
        raise NotYourSet(f"{self.set_id} has no version {number}")


def board_sets(user: User) -> list[BoardSet]:
    """The sets every version of which applies to the user's board alone."""
    if not may_define_program(user) or user.board is None:
        return []
    code = user.board.code
    grouped: dict[str, list[RequirementSetVersion]] = {}
    for row in RequirementSetVersion.objects.filter(kind=SetKind.BOARD).order_by(
        "set_id", "version"
    ):
        grouped.setdefault(row.set_id, []).append(row)
    return [
        BoardSet(set_id, rows)
        for set_id, rows in grouped.items()
        if all(_is_boards(row, code) for row in rows)
    ]


def get_board_set(user: User, set_id: str) -> BoardSet:
    """The user's board's set, or NotYourSet: unknown, malformed and foreign ids alike."""
    if not may_define_program(user) or user.board is None:
        raise NotYourSet(set_id)
    if len(set_id) > 64 or not SET_ID.match(set_id):
        raise NotYourSet(set_id)
    rows = list(RequirementSetVersion.objects.filter(set_id=set_id).order_by("version"))
    if not rows or not all(_is_boards(row, user.board.code) for row in rows):
        raise NotYourSet(set_id)
    return BoardSet(set_id, rows)


# --- The edit ----------------------------------------------------------------------------


@dataclass
class RuleInput:
    id: str
    kind: str
    name: str
    source: str
    confidence: str = "confirmed"
    note: str = ""
    credits: Decimal | None = None
    share: Decimal | None = None
    credits_per_year: Decimal | None = None
    per: str = "cycle"
    component: str = ""
    every_years: int | None = None
    within_total: bool = True
    credit_types: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    activity_kinds: list[str] = field(default_factory=list)
    specialty_related: bool | None = None

    @classmethod
    def from_rule(cls, rule: dict) -> RuleInput:
        """A stored rule (a python-mode dump) as the form's starting values."""
        select = rule.get("select") or {}
        return cls(
            id=rule["id"],
            kind=rule["kind"],
            name=rule["name"],
            source=rule["source"],
            confidence=rule.get("confidence", "confirmed"),
            note=rule.get("note", ""),
            credits=rule.get("credits"),
            share=rule.get("share"),
            credits_per_year=rule.get("credits_per_year"),
            per=rule.get("per", "cycle"),
            component=rule.get("component", ""),
            every_years=rule.get("every_years"),
            within_total=rule.get("within_total", True),
            credit_types=list(select.get("credit_types", [])),
            topics=list(select.get("topics", [])),
            activity_kinds=list(select.get("activity_kinds", [])),
            specialty_related=select.get("specialty_related"),
        )

    def _select(self, base: dict | None) -> dict:
        select: dict = {}
        if self.credit_types:
            select["credit_types"] = self.credit_types
        if self.topics:
            select["topics"] = self.topics
        if self.activity_kinds:
            select["activity_kinds"] = self.activity_kinds
        if self.specialty_related is not None:
            select["specialty_related"] = self.specialty_related
        for key in KEPT_SELECT_KEYS:
            if base and (base.get("select") or {}).get(key):
                select[key] = base["select"][key]
        return select

    def to_rule(self, base: dict | None) -> dict:
        """The rule as catalog data: only the keys its kind takes, so the strict schema
        can name a missing one instead of refusing an unexpected one."""
        rule: dict = {"id": self.id, "kind": self.kind, "name": self.name}
        values = {
            "credits": self.credits,
            "share": self.share,
            "credits_per_year": self.credits_per_year,
            "per": self.per,
            "component": self.component or None,
            "every_years": self.every_years,
            "within_total": self.within_total,
        }
        for key in RULE_KEYS.get(self.kind, ()):
            if key == "select":
                rule["select"] = self._select(base)
            elif values[key] is not None:
                rule[key] = values[key]
        rule["source"] = self.source
        if self.confidence != "confirmed":
            rule["confidence"] = self.confidence
        if self.note:
            rule["note"] = self.note
        for key in KEPT_RULE_KEYS:
            if base and base.get(key):
                rule[key] = base[key]
        return rule


@dataclass
class ProgramInput:
    name: str
    short_name: str
    accepted_credit_types: list[str]
    cycle_months: int
    sources: list[str]
    effective_from: date
    rules: list[RuleInput]

    @classmethod
    def from_version(cls, row: RequirementSetVersion) -> ProgramInput:
        data = dump(row.requirement_set())
        return cls(
            name=data["name"],
            short_name=data.get("short_name", ""),
            accepted_credit_types=list(data["accepted_credit_types"]),
            cycle_months=data["cycle"]["months"],
            sources=list(data["sources"]),
            effective_from=data["effective_from"],
            rules=[RuleInput.from_rule(rule) for rule in data.get("rules", [])],
        )


def dump(requirement_set: RequirementSet) -> dict:
    """Catalog data with python values (Decimal, date) and without keys left at default."""
    return requirement_set.model_dump(mode="python", exclude_defaults=True)


def new_definition(base: RequirementSetVersion, change: ProgramInput, version: int) -> dict:
    """The next version's data: the edited fields over the base version; what the form
    does not edit (authority, kind, applies, cycle anchor, carry-forward, weights,
    proration, rule conditions) is kept as it was."""
    data = dump(base.requirement_set())
    data.pop("effective_to", None)  # a new version is open-ended until a later one
    old_rules = {rule["id"]: rule for rule in data.get("rules", [])}
    data.update(
        version=version,
        name=change.name,
        short_name=change.short_name,
        accepted_credit_types=change.accepted_credit_types,
        sources=change.sources,
        effective_from=change.effective_from,
        cycle={**data["cycle"], "months": change.cycle_months},
        rules=[rule.to_rule(old_rules.get(rule.id)) for rule in change.rules],
    )
    if not change.short_name:
        data.pop("short_name")
    return data


def _date_problems(board_set: BoardSet, effective_from: date, today: date) -> list[tuple]:
    latest = board_set.latest
    problems = []
    if effective_from < today:
        problems.append(
            (
                "effective_from",
                f"Choose today ({today:%Y-%m-%d}) or a later day: a version taking effect "
                "in the past would change how cycles already under way were judged.",
            )
        )
    if effective_from <= latest.effective_from:
        problems.append(
            (
                "effective_from",
                f"Choose a day after {latest.effective_from:%Y-%m-%d}, when version "
                f"{latest.version} took effect; a version never replaces an earlier one "
                "on or before its first day.",
            )
        )
    return problems


_PROBLEM = re.compile(r"^(?P<key>[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)*(?:\[\d+\])?): (?P<msg>.*)$")


def _split(problem: str, name: str) -> tuple[str, str]:
    """'abpmr-cc v2: rules[1].credits: Input should ...' -> ('rules[1].credits', 'Input ...')."""
    text = problem.removeprefix(f"{name}: ")
    found = _PROBLEM.match(text)
    if found is None:
        return "", text.removeprefix("(file): ")
    return found["key"], found["msg"]


def save_version(
    user: User, set_id: str, change: ProgramInput, today: date
) -> RequirementSetVersion:
    """Check and store the edit as the set's next version; ProgramRefused names the keys."""
    board_set = get_board_set(user, set_id)
    problems = _date_problems(board_set, change.effective_from, today)
    if len(change.rules) > MAX_RULES:
        problems.append(("rules", f"A set may have at most {MAX_RULES} rules."))
    if len(change.sources) > MAX_SOURCES:
        problems.append(("sources", f"List at most {MAX_SOURCES} sources."))
    if problems:
        raise ProgramRefused(problems)
    version = board_set.latest.version + 1
    data = new_definition(board_set.latest, change, version)
    name = f"{set_id} v{version}"
    try:
        return custom.add_set_version(render_toml(data), user, name)
    except custom.SetRefused as refused:
        raise ProgramRefused([_split(p, name) for p in refused.problems]) from None


# --- Catalog TOML --------------------------------------------------------------------------

# The order catalog files use, so a downloaded version reads like one in the repository.
TOP_ORDER = (
    "id",
    "name",
    "short_name",
    "authority",
    "kind",
    "version",
    "effective_from",
    "effective_to",
    "sources",
    "accepted_credit_types",
)
TABLES = ("applies", "cycle", "carry_forward", "proration")
ARRAYS = ("rules", "weights")


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = [f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else _string(key)


def _pairs(table: dict) -> list[str]:
    return [f"{_key(k)} = {_value(v)}" for k, v in table.items() if v is not None]


def render_toml(data: dict) -> str:
    """A set's data as a catalog file. Kept small on purpose (no tomli-w in the pins):
    scalars, lists, inline tables, the known tables and arrays of tables."""
    lines = [f"# {data.get('id', '')} version {data.get('version', '')}, written by CME Ledger."]
    rest = {k: v for k, v in data.items() if k not in TABLES + ARRAYS}
    ordered = [k for k in TOP_ORDER if k in rest] + [k for k in rest if k not in TOP_ORDER]
    lines += _pairs({k: rest[k] for k in ordered})
    for name in TABLES:
        if data.get(name) is not None:
            lines += ["", f"[{name}]", *_pairs(data[name])]
    for name in ARRAYS:
        for item in data.get(name) or []:
            first = {k: item[k] for k in ("id", "kind", "name") if k in item}
            lines += ["", f"[[{name}]]", *_pairs({**first, **item})]
    return "\n".join(lines) + "\n"


def version_toml(row: RequirementSetVersion) -> str:
    return render_toml(dump(row.requirement_set()))


# --- History -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str
    before: str  # "" when added
    after: str  # "" when removed


@dataclass
class RuleDiff:
    rule_id: str
    name: str
    status: str  # "added", "removed", "changed"
    changes: list[Change]


@dataclass
class VersionDiff:
    row: RequirementSetVersion
    previous: RequirementSetVersion | None
    changes: list[Change]  # set-level
    rules: list[RuleDiff]

    @property
    def is_first(self) -> bool:
        return self.previous is None


def _flat(data: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key not in {"select", "when"}:
            out.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, str):
            out[f"{prefix}{key}"] = value
        elif value is not None:
            out[f"{prefix}{key}"] = _value(value)
    return out


def _changes(before: dict, after: dict) -> list[Change]:
    old, new = _flat(before), _flat(after)
    keys = list(old) + [k for k in new if k not in old]
    return [Change(k, old.get(k, ""), new.get(k, "")) for k in keys if old.get(k) != new.get(k)]


def diff(previous: RequirementSetVersion | None, row: RequirementSetVersion) -> VersionDiff:
    after = dump(row.requirement_set())
    if previous is None:
        return VersionDiff(row, None, [], [])
    before = dump(previous.requirement_set())
    ignore = {"rules", "version"}
    changes = _changes(
        {k: v for k, v in before.items() if k not in ignore},
        {k: v for k, v in after.items() if k not in ignore},
    )
    old = {rule["id"]: rule for rule in before.get("rules", [])}
    new = {rule["id"]: rule for rule in after.get("rules", [])}
    rules = []
    for rule_id, rule in new.items():
        if rule_id not in old:
            rules.append(RuleDiff(rule_id, rule["name"], "added", _changes({}, rule)))
        else:
            found = _changes(old[rule_id], rule)
            if found:
                rules.append(RuleDiff(rule_id, rule["name"], "changed", found))
    for rule_id, rule in old.items():
        if rule_id not in new:
            rules.append(RuleDiff(rule_id, rule["name"], "removed", _changes(rule, {})))
    return VersionDiff(row, previous, changes, rules)


def history(board_set: BoardSet) -> list[VersionDiff]:
    """Every version against the one before it, newest first."""
    out = []
    previous = None
    for row in board_set.versions:
        out.append(diff(previous, row))
        previous = row
    return list(reversed(out))
