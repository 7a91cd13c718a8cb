"""One reported completion: the canonical fields every format is read into, and validation.

Every reader (CSV, PARS-style tab file, JSON, MedBiquitous XML) turns each row into a
`RawRow`: a tuple of strings in `FIELDS` order, with the reader's own name for each field
so errors speak the reporter's language. `validate` turns a raw row into a `Completion`
or a list of problems; it is the only place the rules live, so every channel agrees.

It runs a million times per large file, so it is written for speed: plain tuples, no
regular expressions, dates parsed by slicing.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import orjson
import xxhash

from cmeledger.ledger.vocabulary import (
    CREDIT_STEP,
    MAX_CREDITS_PER_ENTRY,
    Accreditor,
    ActivityKind,
    CreditType,
    Topic,
)
from cmeledger.lib.board_ids import board_id_problem
from cmeledger.lib.npi import is_valid_npi
from cmeledger.lib.states import USState

# The canonical fields, in order. `credits` is "type=amount" pairs joined by ";",
# `topics` codes joined by ";"; everything else is one value.
FIELDS = (
    "record_id",
    "activity_id",
    "activity_title",
    "activity_kind",
    "activity_start",
    "activity_end",
    "provider",
    "accreditor",
    "completed_on",
    "board",
    "board_id",
    "npi",
    "license_state",
    "license_number",
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "credits",
    "topics",
    "component",
    "specialty_related",
    "status",
    "consent",
)
INDEX = {name: position for position, name in enumerate(FIELDS)}
EMPTY = ("",) * len(FIELDS)

# Continuing-certification components a record may be (they become the entry's kind).
COMPONENTS = frozenset({"self-assessment", "improvement-project", "longitudinal-assessment"})
# Credit that only a board-certification agreement may report.
BOARD_CREDIT_TYPES = frozenset({CreditType.MOC_POINTS.value, CreditType.SA_CME.value})

_CREDIT_TYPES = frozenset(CreditType.values)
_TOPICS = frozenset(Topic.values)
_KINDS = frozenset(ActivityKind.values)
_STATES = frozenset(USState.values)
_ACCREDITORS = frozenset(Accreditor.values)
_TRUE = frozenset({"y", "yes", "true", "1"})
_FALSE = frozenset({"", "n", "no", "false", "0"})
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_FOUR = Decimal(4)
MAX_KEY = 100
MAX_TITLE = 300
T = TypeVar("T")


class RawRow:
    """One row as read, before validation: its values are strings in `FIELDS` order.

    A reader may hand over the file's own cells and a `Layout` instead of the values;
    they are then put in order only when asked for. A re-sent file is mostly unchanged
    rows, and those need only the record id and the fingerprint."""

    __slots__ = ("number", "end", "key", "_values", "_cells", "_layout")

    def __init__(
        self,
        number: int,  # the row as the reporter counts it (header = row 1 in CSV and tab files)
        values: tuple[str, ...] | None = None,
        end: int = 0,  # bytes of the file read when this row ended, for progress
        *,
        cells: list[str] | None = None,
        layout: Layout | None = None,
    ) -> None:
        self.number = number
        self.end = end
        self._values = values
        self._cells = cells
        self._layout = layout
        if values is not None:
            self.key = values[0]
        else:
            assert cells is not None and layout is not None
            self.key = layout.key_of(cells)

    @property
    def values(self) -> tuple[str, ...]:
        if self._values is None:
            # Both are set when values are not (__init__ checks it).
            self._values = self._layout.values_of(self._cells)  # type: ignore[union-attr, arg-type]
        return self._values

    def fingerprint(self) -> int:
        """64-bit hash of the row as written (signed, to fit a database bigint): a re-sent
        row with the same fingerprint as the stored record is unchanged, without
        validating. A row read from cells hashes them with its layout as the seed, so the
        same cells under other columns never look alike."""
        if self._cells is not None:
            text, seed = "\x1f".join(self._cells), self._layout.seed  # type: ignore[union-attr]
        else:
            text, seed = "\x1f".join(self.values), 0
        return xxhash.xxh64_intdigest(text.encode(), seed) - (1 << 63)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawRow):
            return NotImplemented
        return (self.number, self.values, self.end) == (other.number, other.values, other.end)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RawRow({self.number}, {self.values!r}, {self.end})"


class Layout:
    """How one file's columns map onto `FIELDS`, for rows kept as the file's cells."""

    __slots__ = ("_pick", "_key_at", "_finish", "seed")

    def __init__(self, slots: list[int], width: int, finish, seed: int) -> None:
        """`slots[i]` is the cell that holds FIELDS[i], or -1; `finish(values, cells)`
        completes the list of stripped values (derived fields such as credits)."""
        padded = [slot if slot >= 0 else width for slot in slots]  # `width` is a blank cell
        self._pick = operator.itemgetter(*padded)
        self._key_at = padded[0]
        self._finish = finish
        self.seed = seed

    def key_of(self, cells: list[str]) -> str:
        return cells[self._key_at].strip() if self._key_at < len(cells) else ""

    def values_of(self, cells: list[str]) -> tuple[str, ...]:
        values = [cell.strip() for cell in self._pick([*cells, ""])]
        self._finish(values, cells)
        return tuple(values)


@dataclass(frozen=True, slots=True)
class Problem:
    field: str  # canonical name; the reader's labels map it to the reporter's column
    message: str


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row too malformed to read into fields (wrong shape, wrong types)."""

    number: int
    key: str
    problems: tuple[Problem, ...]
    end: int = 0


@dataclass(frozen=True, slots=True)
class Completion:
    key: str
    activity_id: str
    title: str
    kind: str
    start: date | None
    end: date | None
    provider: str
    accreditor: str
    completed_on: date
    board: str
    board_id: str
    npi: str
    license_state: str
    license_number: str
    first_name: str
    last_name: str
    birth_month: int | None
    birth_day: int | None
    email: str
    credits: tuple[tuple[str, Decimal], ...]
    topics: tuple[str, ...]
    component: str
    specialty_related: bool
    withdrawn: bool

    @property
    def learner(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.npi or f"{self.board} {self.board_id}".strip() or self.email

    def needs_board_agreement(self) -> bool:
        return bool(self.component) or any(t in BOARD_CREDIT_TYPES for t, _ in self.credits)

    def values(self) -> tuple[str, ...]:
        """The canonical raw values that validate back to this completion."""
        return raw(
            record_id=self.key,
            activity_id=self.activity_id,
            activity_title=self.title,
            activity_kind=self.kind,
            activity_start=self.start.isoformat() if self.start else "",
            activity_end=self.end.isoformat() if self.end else "",
            provider=self.provider,
            accreditor=self.accreditor,
            completed_on=self.completed_on.isoformat(),
            board=self.board,
            board_id=self.board_id,
            npi=self.npi,
            license_state=self.license_state,
            license_number=self.license_number,
            first_name=self.first_name,
            last_name=self.last_name,
            birth_date=f"{self.birth_month:02d}/{self.birth_day:02d}" if self.birth_month else "",
            email=self.email,
            credits=";".join(f"{t}={a}" for t, a in self.credits),
            topics=";".join(self.topics),
            component=self.component,
            specialty_related="yes" if self.specialty_related else "no",
        )

    def payload(self) -> str:
        """The validated record as compact JSON: what is stored and compared."""
        data = {
            "record_id": self.key,
            "activity": {
                "id": self.activity_id,
                "title": self.title,
                "kind": self.kind,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "provider": self.provider,
                "accreditor": self.accreditor,
            },
            "learner": {
                "board": self.board,
                "board_id": self.board_id,
                "npi": self.npi,
                "license_state": self.license_state,
                "license_number": self.license_number,
                "first_name": self.first_name,
                "last_name": self.last_name,
                "birth_date": (
                    f"{self.birth_month:02d}/{self.birth_day:02d}" if self.birth_month else ""
                ),
                "email": self.email,
            },
            "completed_on": self.completed_on.isoformat(),
            "credits": {credit_type: str(amount) for credit_type, amount in self.credits},
            "topics": list(self.topics),
            "component": self.component,
            "specialty_related": self.specialty_related,
        }
        return orjson.dumps(data).decode()


# A partner file repeats the same few thousand dates, credit strings and topic lists a
# million times; remembering their parses takes validation's biggest costs off every row.
# Only short texts are remembered, so a hostile file cannot fill memory with long ones.
_REMEMBER = 16_384
_SHORT = 80


def _remembered(parse: Callable[[str], T]) -> Callable[[str], T]:
    cached = functools.lru_cache(maxsize=_REMEMBER)(parse)

    @functools.wraps(parse)
    def parse_text(text: str) -> T:
        return cached(text) if len(text) <= _SHORT else parse(text)

    return parse_text


@_remembered
def parse_date(text: str) -> date | None:
    """YYYY-MM-DD or MM/DD/YYYY; None when it is neither."""
    try:
        if len(text) == 10:
            if text[4] == "-":
                return date.fromisoformat(text)
            if text[2] == "/" and text[5] == "/":
                return date(int(text[6:]), int(text[:2]), int(text[3:5]))
        elif "/" in text:
            month, day, year = text.split("/")
            if len(year) == 4:
                return date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None


@_remembered
def _month_day(text: str) -> tuple[int, int] | None:
    month, _, day = text.partition("/")
    if not (month.isdigit() and day.isdigit() and len(month) <= 2 and len(day) <= 2):
        return None
    m, d = int(month), int(day)
    if 1 <= m <= 12 and 1 <= d <= _DAYS_IN_MONTH[m - 1]:
        return m, d
    return None


def parse_credits(text: str, problems: list[Problem]) -> tuple[tuple[str, Decimal], ...]:
    credits, found_problems = _credits(text)
    problems.extend(found_problems)
    return credits


@_remembered
def _credits(text: str) -> tuple[tuple[tuple[str, Decimal], ...], tuple[Problem, ...]]:
    problems: list[Problem] = []
    found: dict[str, Decimal] = {}
    for part in text.split(";"):
        if not part:
            continue
        credit_type, _, amount_text = part.partition("=")
        credit_type = credit_type.strip()
        if not credit_type:
            problems.append(Problem("credits", "the credit type is missing"))
            continue
        if credit_type not in _CREDIT_TYPES:
            problems.append(Problem("credits", f"unknown credit type '{credit_type[:40]}'"))
            continue
        try:
            amount = Decimal(amount_text.strip())
        except InvalidOperation:
            problems.append(Problem("credits", f"'{amount_text[:20]}' is not a number"))
            continue
        if not amount.is_finite() or amount <= 0:
            problems.append(Problem("credits", f"{credit_type}: enter an amount above 0"))
        elif amount > MAX_CREDITS_PER_ENTRY:
            problems.append(
                Problem("credits", f"{credit_type}: at most {MAX_CREDITS_PER_ENTRY} credits")
            )
        elif (amount * _FOUR) % 1:
            problems.append(Problem("credits", f"{credit_type}: use steps of {CREDIT_STEP}"))
        elif credit_type in found:
            problems.append(Problem("credits", f"{credit_type} is given twice"))
        else:
            found[credit_type] = amount.quantize(Decimal("0.01"))
    if not found and not problems:
        problems.append(Problem("credits", "no credits: give at least one credit amount"))
    return tuple(sorted(found.items())), tuple(problems)


def _topics(text: str, problems: list[Problem]) -> tuple[str, ...]:
    if not text:
        return ()
    topics, problem = _topic_codes(text)
    if problem is not None:
        problems.append(problem)
    return topics


@_remembered
def _topic_codes(text: str) -> tuple[tuple[str, ...], Problem | None]:
    codes = {code.strip() for code in text.split(";") if code.strip()}
    unknown = sorted(codes - _TOPICS)
    problem = Problem("topics", f"unknown topic '{unknown[0][:40]}'") if unknown else None
    return tuple(sorted(codes & _TOPICS)), problem


def _learner_problems(v: tuple[str, ...], boards: frozenset[str]) -> list[Problem]:
    problems = []
    board, board_id, npi, state, number = v[9], v[10], v[11], v[12], v[13]
    if board and board not in boards:
        problems.append(Problem("board", f"unknown board '{board[:32]}'"))
    if bool(board) != bool(board_id):
        problems.append(Problem("board_id", "give the board and the board ID together"))
    elif board_id and (fix := board_id_problem(board_id)):
        problems.append(Problem("board_id", f"'{board_id[:40]}' is not a board ID: {fix}"))
    if npi and not is_valid_npi(npi):
        problems.append(Problem("npi", f"'{npi[:20]}' is not a valid 10-digit NPI"))
    if state and state not in _STATES:
        problems.append(Problem("license_state", f"unknown state '{state[:10]}'"))
    if bool(state) != bool(number):
        problems.append(Problem("license_number", "give the license state and number together"))
    named = v[14] and v[15] and v[16]
    if not (board_id or npi or number or named):
        problems.append(
            Problem(
                "learner",
                "no learner identifier: give board and board ID, NPI, license state and "
                "number, or first and last name with month/day of birth",
            )
        )
    return problems


def storable(text: str) -> str:
    """Text a database can hold, for error reports: PostgreSQL refuses NUL characters,
    which only a hostile file sends (a JSON "\\u0000")."""
    return text.replace("\x00", "\ufffd")


def validate(row: RawRow, boards: frozenset[str], today: date) -> Completion | list[Problem]:
    v = row.values
    if "\x00" in "".join(v):
        return [
            Problem(name, "contains a NUL character, which is not text")
            for name, value in zip(FIELDS, v, strict=True)
            if "\x00" in value
        ]
    problems: list[Problem] = []
    key = v[0]
    if not key:
        problems.append(Problem("record_id", "missing: every record needs the organization's id"))
    elif len(key) > MAX_KEY:
        problems.append(Problem("record_id", f"longer than {MAX_KEY} characters"))
    title = v[2]
    if not title:
        problems.append(Problem("activity_title", "missing"))
    elif len(title) > MAX_TITLE:
        problems.append(Problem("activity_title", f"longer than {MAX_TITLE} characters"))
    kind = v[3] or ActivityKind.LIVE.value
    if kind not in _KINDS:
        problems.append(Problem("activity_kind", f"unknown activity kind '{kind[:40]}'"))
    start = parse_date(v[4]) if v[4] else None
    if v[4] and start is None:
        problems.append(Problem("activity_start", f"'{v[4][:20]}' is not a date"))
    end = parse_date(v[5]) if v[5] else None
    if v[5] and end is None:
        problems.append(Problem("activity_end", f"'{v[5][:20]}' is not a date"))
    if start and end and end < start:
        problems.append(Problem("activity_end", "before the activity's start"))
    completed_on = parse_date(v[8])
    if completed_on is None:
        problems.append(
            Problem("completed_on", f"'{v[8][:20]}' is not a date" if v[8] else "missing")
        )
    elif completed_on > today:
        problems.append(Problem("completed_on", "in the future"))
    elif start and completed_on < start:
        problems.append(Problem("completed_on", "before the activity's start"))
    problems.extend(_learner_problems(v, boards))
    birth = None
    if v[16]:
        birth = _month_day(v[16])
        if birth is None:
            problems.append(Problem("birth_date", f"'{v[16][:10]}' is not a month/day (MM/DD)"))
    email = v[17]
    if email and ("@" not in email or len(email) > 254):
        problems.append(Problem("email", f"'{email[:60]}' is not an email address"))
    credits = parse_credits(v[18], problems)
    topics = _topics(v[19], problems)
    component = v[20]
    if component and component not in COMPONENTS:
        problems.append(Problem("component", f"unknown component '{component[:40]}'"))
    flag = v[21].lower()
    if flag not in _TRUE and flag not in _FALSE:
        problems.append(Problem("specialty_related", f"'{v[21][:10]}' is not yes or no"))
    status = v[22].lower()
    if status not in ("", "active", "withdrawn"):
        problems.append(Problem("status", f"'{v[22][:20]}' is not active or withdrawn"))
    consent = v[23].lower()
    if consent in ("n", "no", "false", "0"):
        problems.append(
            Problem("consent", "the learner did not permit sharing, so the record is not kept")
        )
    elif consent not in _TRUE and consent:
        problems.append(Problem("consent", f"'{v[23][:10]}' is not yes or no"))
    if v[7] and v[7] not in _ACCREDITORS:
        problems.append(Problem("accreditor", f"unknown accreditor '{v[7][:20]}'"))
    if problems:
        return problems
    return Completion(
        key=key,
        activity_id=v[1][:100],
        title=title,
        kind=component or kind,
        start=start,
        end=end,
        provider=v[6][:200],
        accreditor=v[7][:20],
        completed_on=completed_on,  # type: ignore[arg-type]
        board=v[9],
        board_id=v[10][:40],
        npi=v[11],
        license_state=v[12],
        license_number=v[13][:40],
        first_name=v[14][:100],
        last_name=v[15][:100],
        birth_month=birth[0] if birth else None,
        birth_day=birth[1] if birth else None,
        email=email.lower(),
        credits=credits,
        topics=topics,
        component=component,
        specialty_related=flag in _TRUE,
        withdrawn=status == "withdrawn",
    )


def raw(**values: str) -> tuple[str, ...]:
    """A FIELDS-ordered tuple from keyword values (readers and tests)."""
    unknown = set(values) - INDEX.keys()
    if unknown:
        raise KeyError(f"unknown fields: {', '.join(sorted(unknown))}")
    return tuple(values.get(name, "") for name in FIELDS)


def _date_or_none(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def from_payload(text: str) -> Completion:
    """The Completion a stored payload was made from (the inverse of Completion.payload)."""
    data = orjson.loads(text)
    activity, learner = data["activity"], data["learner"]
    birth = _month_day(learner["birth_date"]) if learner["birth_date"] else None
    return Completion(
        key=data["record_id"],
        activity_id=activity["id"],
        title=activity["title"],
        kind=activity["kind"],
        start=_date_or_none(activity["start"]),
        end=_date_or_none(activity["end"]),
        provider=activity["provider"],
        accreditor=activity["accreditor"],
        completed_on=date.fromisoformat(data["completed_on"]),
        board=learner["board"],
        board_id=learner["board_id"],
        npi=learner["npi"],
        license_state=learner["license_state"],
        license_number=learner["license_number"],
        first_name=learner["first_name"],
        last_name=learner["last_name"],
        birth_month=birth[0] if birth else None,
        birth_day=birth[1] if birth else None,
        email=learner["email"],
        credits=tuple((t, Decimal(a)) for t, a in data["credits"].items()),
        topics=tuple(data["topics"]),
        component=data["component"],
        specialty_related=data["specialty_related"],
        withdrawn=False,
    )
