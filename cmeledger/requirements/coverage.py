"""How much of the country and of the boards the catalog covers (`cmeledger catalog coverage`).

One row per state (the 50 and DC) and license kind (MD, DO): the set that a license there
enrolls, its version, how many of its rules are confirmed against the authority and how
many are not, and the day its sources were read; "missing" where no set applies. Then the
PA and NP licenses, listed only where a set applies, with a count of the states without
one. Then one row per board set. Pure: it reads a Catalog, never the database, so it shows the files as
they are (other sets may be added at any time).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from cmeledger.accounts.models import Degree
from cmeledger.lib.states import USState
from cmeledger.requirements.catalog import Catalog
from cmeledger.requirements.schema import Confidence, RequirementSet, SetKind

# The licensing boards the catalog promises to cover: the 50 states and DC. Territories
# have boards too but are outside the promise, so they are not listed as missing.
STATES = [s for s in USState if s not in (USState.PR, USState.GU, USState.VI)]
LICENSE_KINDS = [Degree.MD, Degree.DO]
# Kinds the catalog is still filling in state by state: a row for each of them everywhere
# would be a hundred "missing" rows that hide the sets that exist, so only the states with
# a set are listed and the others counted.
PARTIAL_KINDS = [Degree.PA, Degree.NP]
NOT_READ = "—"


@dataclass(frozen=True)
class SetSummary:
    set_id: str
    version: int
    confirmed: int
    unconfirmed: int
    sources_checked: date | None
    requires_cme: bool

    @classmethod
    def of(cls, s: RequirementSet) -> SetSummary:
        unconfirmed = sum(1 for rule in s.rules if rule.confidence == Confidence.UNCONFIRMED)
        return cls(
            s.id,
            s.version,
            len(s.rules) - unconfirmed,
            unconfirmed,
            s.sources_checked,
            s.requires_cme,
        )


@dataclass(frozen=True)
class LicenseRow:
    state: str
    degree: str
    set: SetSummary | None  # None: no set applies (missing)


@dataclass(frozen=True)
class BoardRow:
    boards: tuple[str, ...]
    name: str
    set: SetSummary


@dataclass(frozen=True)
class Coverage:
    licenses: list[LicenseRow]
    boards: list[BoardRow]
    # PA and NP rows, only for the states where a set applies (never set=None).
    partial: list[LicenseRow] = field(default_factory=list)

    @property
    def missing(self) -> list[LicenseRow]:
        return [row for row in self.licenses if row.set is None]

    def states_with(self, degree: str) -> set[str]:
        return {row.state for row in self.partial if row.degree == degree}


def newest(catalog: Catalog) -> list[RequirementSet]:
    """The highest version of each set: the one enrollment uses."""
    found: dict[str, RequirementSet] = {}
    for s in catalog.sets:
        if s.id not in found or s.version > found[s.id].version:
            found[s.id] = s
    return sorted(found.values(), key=lambda s: s.id)


def _rows(sets: list[RequirementSet], state: USState, degree: Degree) -> list[LicenseRow]:
    """The rows of the sets a license of this kind in this state enrolls (none: [])."""
    return [
        LicenseRow(state.value, degree.value, SetSummary.of(s))
        for s in sets
        if state.value in s.applies.license_states and degree.value in s.applies.license_degrees
    ]


def coverage(catalog: Catalog) -> Coverage:
    sets = newest(catalog)
    licenses: list[LicenseRow] = []
    partial: list[LicenseRow] = []
    for state in STATES:
        for degree in LICENSE_KINDS:
            licenses += _rows(sets, state, degree) or [LicenseRow(state.value, degree.value, None)]
        for degree in PARTIAL_KINDS:
            partial += _rows(sets, state, degree)
    boards = [
        BoardRow(tuple(s.applies.boards), s.name, SetSummary.of(s))
        for s in sets
        if s.kind == SetKind.BOARD
    ]
    return Coverage(licenses, boards, partial)


def _set_json(summary: SetSummary | None) -> dict:
    if summary is None:
        return {
            "set_id": None,
            "version": None,
            "confirmed": 0,
            "unconfirmed": 0,
            "sources_checked": None,
            "requires_cme": None,
            "missing": True,
        }
    data = asdict(summary)
    data["sources_checked"] = (
        summary.sources_checked.isoformat() if summary.sources_checked else None
    )
    return data | {"missing": False}


def as_json(result: Coverage) -> dict:
    return {
        "licenses": [
            {"state": r.state, "degree": r.degree} | _set_json(r.set) for r in result.licenses
        ],
        "partial_licenses": [
            {"state": r.state, "degree": r.degree} | _set_json(r.set) for r in result.partial
        ],
        "boards": [
            {"boards": list(b.boards), "name": b.name} | _set_json(b.set) for b in result.boards
        ],
        "summary": summary(result),
    }


def partial_summary(result: Coverage) -> dict[str, dict[str, int]]:
    """Per PA/NP kind: how many of the states and DC have a set, how many do not, and how
    many of the sets need no CME."""
    counts = {}
    for degree in PARTIAL_KINDS:
        rows = [r for r in result.partial if r.degree == degree.value]
        states = result.states_with(degree.value)
        counts[degree.value] = {
            "states": len(states),
            "without": len(STATES) - len(states),
            "no_cme_required": len({r.state for r in rows if r.set and not r.set.requires_cme}),
        }
    return counts


def summary(result: Coverage) -> dict:
    present = [r for r in result.licenses if r.set is not None]
    # Each set once, although an MD-and-DO set fills two license rows.
    distinct = {r.set.set_id: r.set for r in [*present, *result.partial] if r.set} | {
        b.set.set_id: b.set for b in result.boards
    }
    return {
        "state_license_kinds": len(STATES) * len(LICENSE_KINDS),
        "covered": len({(r.state, r.degree) for r in present}),
        "missing": len(result.missing),
        "no_cme_required": len(
            {(r.state, r.degree) for r in present if r.set and not r.set.requires_cme}
        ),
        "partial_license_kinds": partial_summary(result),
        "board_sets": len(result.boards),
        "rules_confirmed": sum(s.confirmed for s in distinct.values()),
        "rules_unconfirmed": sum(s.unconfirmed for s in distinct.values()),
    }


def _cells(s: SetSummary | None) -> list[str]:
    if s is None:
        return ["missing", "", "", NOT_READ]
    rules = f"{s.confirmed} / {s.unconfirmed}" if s.requires_cme else "no CME required"
    checked = s.sources_checked.isoformat() if s.sources_checked else NOT_READ
    return [f"`{s.set_id}`", str(s.version), rules, checked]


def as_markdown(result: Coverage) -> str:
    """Three Markdown tables (MD and DO licenses, PA and NP licenses, boards) and summary
    lines, ready for docs/catalog.md."""
    header = [
        "| State | License | Set | Version | Rules confirmed / unconfirmed | Sources read |",
        "|---|---|---|---|---|---|",
    ]
    names = {s.value: s.label for s in STATES}
    lines = list(header)
    for r in result.licenses:
        lines.append("| " + " | ".join([names[r.state], r.degree, *_cells(r.set)]) + " |")
    lines += ["", *header]
    for r in result.partial:
        lines.append("| " + " | ".join([names[r.state], r.degree, *_cells(r.set)]) + " |")
    lines += [
        "",
        "; ".join(
            f"{kind}: {n['states']} of the 50 states and DC have a set "
            f"({n['no_cme_required']} of them need no CME), {n['without']} without"
            for kind, n in partial_summary(result).items()
        )
        + ".",
    ]
    lines += [
        "",
        "| Board | Set | Version | Rules confirmed / unconfirmed | Sources read |",
        "|---|---|---|---|---|",
    ]
    for b in result.boards:
        board = ", ".join(code.upper() for code in b.boards) or "chosen by hand"
        lines.append("| " + " | ".join([board, *_cells(b.set)]) + " |")
    s = summary(result)
    lines += [
        "",
        f"{s['covered']} of {s['state_license_kinds']} state license kinds have a set "
        f"({s['no_cme_required']} of them need no CME), {s['missing']} missing; "
        f"{s['board_sets']} board sets; rules confirmed {s['rules_confirmed']}, "
        f"unconfirmed {s['rules_unconfirmed']}.",
    ]
    return "\n".join(lines)
