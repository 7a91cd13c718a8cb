"""Reading roster files: a board's diplomates and a state board's licenses, as CSV.

Two phases, as partner files: the whole file is checked first (size, encoding, binary
content, header), and a problem there refuses it (`RosterRejected`, nothing stored);
then every row is checked on its own, a bad row becomes a `RowProblem` naming its row and
column, and the good rows go on. The formats are in docs/formats/roster.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal, overload

from django.conf import settings

from cmeledger.accounts.models import Degree
from cmeledger.boards.models import LicenseStatus, RosterStatus
from cmeledger.lib.states import USState

BOARD_COLUMNS = (
    "board_id",
    "first_name",
    "last_name",
    "birth_month",
    "birth_day",
    "certification_start",
    "certification_end",
    "status",
)
LICENSE_COLUMNS = (
    "state",
    "license_number",
    "profession",
    "first_name",
    "last_name",
    "birth_month",
    "birth_day",
    "expires_on",
    "status",
)
# What a roster may be saved as: spreadsheets write UTF-8 ("CSV UTF-8") or, on Windows,
# cp1252 ("CSV (Comma delimited)").
ENCODINGS = ("utf-8", "cp1252")
MAX_KEY = 40
MAX_NAME = 100
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_ ")
_PROFESSIONS = {value.upper(): value for value in Degree.values}


class RosterRejected(Exception):
    """The whole file is unusable; nothing of it is stored. The message says why."""


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # empty when the row as a whole cannot be read
    message: str

    def __str__(self) -> str:
        if not self.column:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"


class BadCell(ValueError):
    """One cell's problem; `column` names the cell."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class BoardRow:
    board_id_number: str
    first_name: str
    last_name: str
    birth_month: int | None
    birth_day: int | None
    certification_start: date
    certification_end: date | None
    status: str


@dataclass(frozen=True)
class LicenseRow:
    state: str
    profession: str
    number: str
    first_name: str
    last_name: str
    birth_month: int | None
    birth_day: int | None
    expires_on: date | None
    status: str


@dataclass
class Checked:
    """The good rows by key (the first row of a key wins) and the bad rows' problems."""

    rows: dict
    problems: list[RowProblem]
    read: int = 0  # data rows in the file, blank lines apart


# --- the whole file ------------------------------------------------------------------------


def _shown(value: str) -> str:
    return f"“{value[:40]}{'…' if len(value) > 40 else ''}”"


def check_size(size: int) -> None:
    limit = settings.ROSTER_MAX_FILE_BYTES
    if size > limit:
        raise RosterRejected(
            f"The file is {size / 1_048_576:.1f} MB; a roster may be at most "
            f"{limit / 1_048_576:g} MB. Split it into several files: each adds to the roster."
        )


def decode(data: bytes, encoding: str = "utf-8") -> str:
    """The file as text; refuses binary content and text in another encoding."""
    check_size(len(data))
    if encoding not in ENCODINGS:
        raise RosterRejected(
            f"Unknown encoding {_shown(encoding)}: use one of {', '.join(ENCODINGS)}."
        )
    if not data.strip():
        raise RosterRejected("The file is empty.")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise RosterRejected(
            f"This is not a CSV text file: it holds binary content (a NUL byte at byte "
            f"{nul + 1:,}). Save the roster as CSV and send it again."
        )
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        hint = (
            "save it as “CSV UTF-8”, or choose cp1252 if it was saved as “CSV (Comma "
            "delimited)” on Windows"
            if encoding == "utf-8"
            else "check the encoding it was saved in"
        )
        raise RosterRejected(
            f"The file is not valid {encoding.upper()} text (byte {error.start + 1:,}); {hint}."
        ) from None
    return text


def _rows(text: str, columns: tuple[str, ...], kind: str) -> Iterator[tuple[int, dict | str]]:
    """(row number, values by column) per data row, or (row number, why it is unreadable)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise RosterRejected(f"row 1: the header cannot be read as CSV: {error}.") from None
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in columns]
    missing = [name for name in columns if name not in names]
    if unknown or missing or len(set(names)) != len(names):
        raise RosterRejected(
            f"row 1: a {kind} has exactly the columns {','.join(columns)} (in any order)"
            + (f"; unknown: {', '.join(_shown(n) for n in unknown[:5])}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + ". See docs/formats/roster.md."
        )
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            yield number, f"cannot be read as CSV: {error}"
            continue
        number += 1
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != len(names):
            yield number, f"has {len(cells)} fields; the header has {len(names)}"
            continue
        yield number, dict(zip(names, cells, strict=True))


def _check_all(
    text: str,
    columns: tuple[str, ...],
    kind: str,
    check: Callable[[dict], tuple],
    key_column: str,
) -> Checked:
    checked = Checked({}, [])
    first_row: dict = {}
    for number, values in _rows(text, columns, kind):
        checked.read += 1
        if isinstance(values, str):
            checked.problems.append(RowProblem(number, "", values))
            continue
        try:
            key, row = check(values)
        except BadCell as error:
            checked.problems.append(RowProblem(number, error.column, str(error)))
            continue
        if key in first_row:
            checked.problems.append(
                RowProblem(number, key_column, f"appears again; row {first_row[key]} is kept")
            )
            continue
        first_row[key] = number
        checked.rows[key] = row
    if checked.read == 0:
        raise RosterRejected("The file has a header but no rows.")
    return checked


# --- cells ---------------------------------------------------------------------------------


def _text(values: dict, column: str, *, required: bool, limit: int = MAX_NAME) -> str:
    value = values[column].strip()
    if not value:
        if required:
            raise BadCell(column, "is required")
        return ""
    if len(value) > limit:
        raise BadCell(column, f"is longer than {limit} characters")
    if value.startswith(FORMULA_STARTS):
        raise BadCell(column, f"starts with “{value[0]}”, which a spreadsheet runs as a formula")
    if any(ord(ch) < 32 for ch in value):
        raise BadCell(column, "contains a control character (a tab or line break)")
    return value


def _key(values: dict, column: str) -> str:
    value = _text(values, column, required=True, limit=MAX_KEY).upper()
    if not set(value) <= _KEY_CHARACTERS:
        raise BadCell(
            column,
            f"{_shown(value)} is not an ID: use letters, digits, dots, hyphens and underscores",
        )
    return value


def _birth(values: dict) -> tuple[int | None, int | None]:
    month_text = values["birth_month"].strip()
    day_text = values["birth_day"].strip()
    if not month_text and not day_text:
        return None, None
    if not month_text:
        raise BadCell("birth_month", "is empty while birth_day is given: give both or neither")
    if not day_text:
        raise BadCell("birth_day", "is empty while birth_month is given: give both or neither")
    if not month_text.isdigit() or not 1 <= int(month_text) <= 12:
        raise BadCell("birth_month", f"{_shown(month_text)} is not a month: enter 1 to 12")
    month = int(month_text)
    days = _DAYS_IN_MONTH[month - 1]
    if not day_text.isdigit() or not 1 <= int(day_text) <= days:
        raise BadCell(
            "birth_day", f"{_shown(day_text)} is not a day of month {month}: enter 1 to {days}"
        )
    return month, int(day_text)


@overload
def _date(values: dict, column: str, *, required: Literal[True]) -> date: ...


@overload
def _date(values: dict, column: str, *, required: bool) -> date | None: ...


def _date(values: dict, column: str, *, required: bool) -> date | None:
    value = values[column].strip()
    if not value:
        if required:
            raise BadCell(column, "is required: enter a date as YYYY-MM-DD")
        return None
    try:
        day = date.fromisoformat(value) if len(value) == 10 and value[4] == "-" else None
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:
        raise BadCell(column, f"enter a date as YYYY-MM-DD, not {_shown(value)}")
    return day


def _choice(values: dict, column: str, choices: list[str]) -> str:
    value = values[column].strip().lower()
    if value not in choices:
        shown = _shown(values[column].strip()) if value else "empty"
        raise BadCell(column, f"is {shown}: use one of {', '.join(choices)}")
    return value


# --- the two kinds -----------------------------------------------------------------------


def _board_row(values: dict) -> tuple[str, BoardRow]:
    key = _key(values, "board_id")
    first = _text(values, "first_name", required=False)
    last = _text(values, "last_name", required=True)
    month, day = _birth(values)
    start = _date(values, "certification_start", required=True)
    end = _date(values, "certification_end", required=False)
    if end is not None and start is not None and end <= start:
        raise BadCell("certification_end", "must be after certification_start")
    status = _choice(values, "status", RosterStatus.values)
    return key, BoardRow(key, first, last, month, day, start, end, status)


def read_board_roster(data: bytes, encoding: str = "utf-8") -> Checked:
    """The board roster's good rows by board ID, and the bad rows' problems."""
    text = decode(data, encoding)
    return _check_all(text, BOARD_COLUMNS, "board roster", _board_row, "board_id")


def read_license_roster(data: bytes, state: str, encoding: str = "utf-8") -> Checked:
    """A state's license roster, by (profession, number); every row must be of `state`."""
    if state not in USState.values:
        raise RosterRejected(f"{_shown(state)} is not a state: use a code such as TX.")
    text = decode(data, encoding)

    def check(values: dict) -> tuple[tuple[str, str], LicenseRow]:
        row_state = values["state"].strip().upper()
        if row_state != state:
            raise BadCell(
                "state",
                f"is {_shown(row_state) if row_state else 'empty'}: this is the {state} roster",
            )
        number = _key(values, "license_number")
        profession = _PROFESSIONS.get(values["profession"].strip().upper())
        if profession is None:
            given = values["profession"].strip()
            raise BadCell(
                "profession",
                f"is {_shown(given) if given else 'empty'}: use one of {', '.join(Degree.values)}",
            )
        first = _text(values, "first_name", required=False)
        last = _text(values, "last_name", required=True)
        month, day = _birth(values)
        expires = _date(values, "expires_on", required=False)
        status = _choice(values, "status", LicenseStatus.values)
        row = LicenseRow(state, profession, number, first, last, month, day, expires, status)
        return (profession, number), row

    return _check_all(text, LICENSE_COLUMNS, "license roster", check, "license_number")
