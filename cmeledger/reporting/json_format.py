"""The JSON reporting format: `{"records": [record, ...]}`, one record per completion.

A record has the shape the API accepts too (docs/formats/reporting.md)::

    {"record_id": "R-1",
     "activity": {"id", "title", "kind", "start", "end", "provider", "accreditor"},
     "learner": {"board", "board_id", "npi", "license_state", "license_number",
                 "first_name", "last_name", "birth_date", "email"},
     "completed_on": "2025-03-01", "credits": {"ama-pra-1": 1.5}, "topics": ["ethics"],
     "component": "", "specialty_related": true, "status": "active", "consent": true}

`flatten` only checks shapes (an object where an object belongs, text where text belongs,
no unknown keys) and turns a record into the canonical strings of `records.FIELDS`;
`records.validate` judges the values, so the JSON and file channels agree.

`read_json` streams with ijson in two passes: a syntax pass over the whole file first, so
malformed or hostile JSON is refused before a single row is imported, then the rows.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import BinaryIO, TextIO

import ijson
import orjson

from cmeledger.reporting.formats import FileRejected
from cmeledger.reporting.records import EMPTY, INDEX, BadRow, Problem, RawRow

# JSON key -> canonical field, per level of the record.
_TOP_TEXT = {
    "record_id": "record_id",
    "completed_on": "completed_on",
    "component": "component",
    "status": "status",
}
_TOP_FLAGS = {"specialty_related": "specialty_related", "consent": "consent"}
_ACTIVITY = {
    "id": "activity_id",
    "title": "activity_title",
    "kind": "activity_kind",
    "start": "activity_start",
    "end": "activity_end",
    "provider": "provider",
    "accreditor": "accreditor",
}
_LEARNER = {
    name: name
    for name in (
        "board",
        "board_id",
        "npi",
        "license_state",
        "license_number",
        "first_name",
        "last_name",
        "birth_date",
        "email",
    )
}
# The same as value positions, which is what the per-record loop needs.
_TEXT_SLOTS = {key: INDEX[field] for key, field in _TOP_TEXT.items()}
_FLAG_SLOTS = {key: INDEX[field] for key, field in _TOP_FLAGS.items()}
_NESTED_SLOTS = {
    "activity": {key: INDEX[field] for key, field in _ACTIVITY.items()},
    "learner": {key: INDEX[field] for key, field in _LEARNER.items()},
}
_CREDITS = INDEX["credits"]
_TOPICS = INDEX["topics"]

# canonical field -> the record's own dotted path, for error messages.
LABELS: dict[str, str] = (
    {field: f"activity.{key}" for key, field in _ACTIVITY.items()}
    | {field: f"learner.{key}" for key, field in _LEARNER.items()}
    | {field: key for key, field in {**_TOP_TEXT, **_TOP_FLAGS}.items()}
)

# A record reaches level 5 (records / item / credits / value); anything much deeper is not
# a record, and refusing it keeps ijson's per-event state, which grows with depth, small.
MAX_DEPTH = 8
# yajl2_c (ijson 3.6) crashes the process on an integer longer than Python's int-to-str
# limit (4,300 digits); no CME value is near this long, so such a run refuses the file.
MAX_DIGITS = 1_000
# Digits -> "0", everything else -> "x": a long run is then a plain substring search.
_DIGIT_MAP = bytes(48 if 48 <= byte <= 57 else 120 for byte in range(256))
_RUN = b"0" * MAX_DIGITS
_UTF8 = frozenset({"utf-8", "utf-8-sig"})


# --- one record --------------------------------------------------------------------------


def _kind(value: object) -> str:
    """How a wrong value is described to the reporter."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a number"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _number(value: int | float | Decimal) -> str:
    """A JSON number as text, without float artefacts (1.5, not 1.5000000001)."""
    if isinstance(value, Decimal):
        text = str(value)
        # 1E+1 reads better as 10; huge exponents stay short rather than expand.
        if "E" in text and value.is_finite() and -30 <= value.adjusted() <= 30:
            return format(value, "f")
        return text
    return repr(value)


def _text(value: object, path: str, problems: list[Problem]) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if _is_number(value):
        return _number(value)  # type: ignore[arg-type]  # ids and NPIs sent as numbers
    problems.append(Problem(path, f"expected text, not {_kind(value)}"))
    return ""


def _flag(value: object, path: str, problems: list[Problem]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.strip()  # "yes"/"no" as text; validate judges it
    problems.append(Problem(path, f"expected true or false, not {_kind(value)}"))
    return ""


def _amount(path: str, amount: object, problems: list[Problem]) -> str | None:
    if isinstance(amount, str):
        if ";" in amount:
            problems.append(Problem(path, "an amount cannot contain ';'"))
            return None
        return amount.strip()  # "1.5" as text; validate judges it
    if _is_number(amount):
        return _number(amount)  # type: ignore[arg-type]
    problems.append(Problem(path, f"expected a number, not {_kind(amount)}"))
    return None


def _credits(value: object, problems: list[Problem]) -> str:
    """{"ama-pra-1": 1.5, "moc-points": 2} -> "ama-pra-1=1.5;moc-points=2", in key order."""
    if value is None:
        return ""
    if not isinstance(value, dict):
        example = '{"ama-pra-1": 1.5}'
        problems.append(
            Problem("credits", f"expected an object such as {example}, not {_kind(value)}")
        )
        return ""
    parts = []
    for credit_type, amount in value.items():
        path = f"credits.{credit_type[:40]}"
        if ";" in credit_type or "=" in credit_type:
            problems.append(Problem(path, "a credit type cannot contain ';' or '='"))
            continue
        text = _amount(path, amount, problems)
        if text is not None:
            parts.append(f"{credit_type.strip()}={text}")
    return ";".join(parts)


def _topics(value: object, problems: list[Problem]) -> str:
    if value is None:
        return ""
    if not isinstance(value, list):
        problems.append(Problem("topics", f"expected a list of topic codes, not {_kind(value)}"))
        return ""
    codes = []
    for position, code in enumerate(value):
        if not isinstance(code, str):
            problems.append(Problem(f"topics.{position}", f"expected text, not {_kind(code)}"))
        elif ";" in code:
            problems.append(Problem(f"topics.{position}", "a topic code cannot contain ';'"))
        elif code.strip():
            codes.append(code.strip())
    return ";".join(codes)


def _nested(
    name: str, value: object, slots: dict[str, int], values: list[str], problems: list[Problem]
) -> None:
    """Copy the text fields of `activity` or `learner` into `values`."""
    if value is None:
        return
    if not isinstance(value, dict):
        problems.append(Problem(name, f"expected an object, not {_kind(value)}"))
        return
    for key, item in value.items():
        slot = slots.get(key)
        if slot is None:
            path = f"{name}.{key[:60]}"
            problems.append(Problem(path, f"unknown field '{path}'"))
        elif type(item) is str:
            values[slot] = item.strip()
        else:
            values[slot] = _text(item, f"{name}.{key}", problems)


def _key(obj: dict) -> str:
    """The record id for a BadRow, when it can be read at all."""
    record_id = obj.get("record_id")
    if isinstance(record_id, str):
        return record_id.strip()[:100]
    return _number(record_id)[:100] if _is_number(record_id) else ""  # type: ignore[arg-type]


def flatten(number: int, obj: object, end: int = 0) -> RawRow | BadRow:
    """One parsed JSON record as canonical strings, or a BadRow naming each wrong shape."""
    if not isinstance(obj, dict):
        problem = Problem("record", f"expected an object, not {_kind(obj)}")
        return BadRow(number, "", (problem,), end)
    values = list(EMPTY)
    problems: list[Problem] = []
    for key, value in obj.items():
        if key in _TEXT_SLOTS:
            values[_TEXT_SLOTS[key]] = _text(value, key, problems)
        elif key in _NESTED_SLOTS:
            _nested(key, value, _NESTED_SLOTS[key], values, problems)
        elif key == "credits":
            values[_CREDITS] = _credits(value, problems)
        elif key == "topics":
            values[_TOPICS] = _topics(value, problems)
        elif key in _FLAG_SLOTS:
            values[_FLAG_SLOTS[key]] = _flag(value, key, problems)
        else:
            problems.append(Problem(key[:60], f"unknown field '{key[:60]}'"))
    if problems:
        return BadRow(number, _key(obj), tuple(problems), end)
    return RawRow(number, tuple(values), end)


# --- the file ----------------------------------------------------------------------------


class _Utf8Source:
    """What ijson reads: the file as UTF-8 bytes without a BOM, whatever its encoding.

    With `guard`, it refuses a run of digits long enough to crash ijson's C backend
    (MAX_DIGITS), checked across chunk boundaries before yajl sees the bytes; the syntax
    pass guards, so the row pass, reading the same file again, need not.
    """

    def __init__(self, stream: BinaryIO, encoding: str, guard: bool) -> None:
        stream.seek(0)
        self._stream = stream
        self.encoding = encoding
        self._decoder = (
            None if encoding in _UTF8 else codecs.getincrementaldecoder(encoding)("strict")
        )
        self._first = True
        self._guard = guard
        self._digits = b""  # the digit run (as "0"s) that ended the previous chunk

    def tell(self) -> int:
        return self._stream.tell()

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        data = self._next(size)
        if self._first and data:
            self._first = False
            data = data.removeprefix(codecs.BOM_UTF8)
        if self._guard:
            self._check_digits(data)
        return data

    def _check_digits(self, data: bytes) -> None:
        mapped = self._digits + data.translate(_DIGIT_MAP)
        if _RUN in mapped:
            raise FileRejected(
                f"The file holds a number or run of digits longer than {MAX_DIGITS:,} "
                "digits; no reported value is that long."
            )
        self._digits = mapped[len(mapped.rstrip(b"0")) :]

    def _next(self, size: int) -> bytes:
        data = self._stream.read(size)
        if self._decoder is None:
            return data
        # A chunk may decode to nothing (half a UTF-16 pair); b"" would mean the end.
        text = self._decoder.decode(data, final=not data)
        while data and not text:
            data = self._stream.read(size)
            text = self._decoder.decode(data, final=not data)
        return text.encode("utf-8")


def _source(stream: BinaryIO, encoding: str, guard: bool = False) -> _Utf8Source:
    try:
        name = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise FileRejected(f"Unknown encoding '{encoding[:40]}'.") from None
    return _Utf8Source(stream, name, guard)


def _json_error(error: Exception) -> FileRejected:
    """yajl's message, first line only (the rest is a drawing of the position)."""
    detail = str(error)
    if detail[:2] in ("b'", 'b"'):
        detail = detail[2:]
    detail = detail.replace("\\n", "\n").split("\n", 1)[0].strip().rstrip(".")
    if "premature EOF" in detail:
        return FileRejected("The file is not valid JSON: it ends too early (cut off?).")
    return FileRejected(f"The file is not valid JSON: {detail[:200]}.")


_EVENT_KINDS = {
    "start_map": "an object",
    "start_array": "a list",
    "string": "text",
    "number": "a number",
    "boolean": "true/false",
    "null": "null",
}


def _kind_of(event: str) -> str:
    return _EVENT_KINDS.get(event, "a value")


def _records(events: Iterator[tuple[str, object]]) -> tuple[int, dict[int, str]]:
    """Count the records up to the end of the "records" list, checking nesting depth.

    Also finds records with a repeated key (a JSON parser keeps only the last value, which
    would silently drop one), so the row pass can report them.
    """
    count = 0
    duplicates: dict[int, str] = {}
    keys: list[set | None] = []  # per open container in a record; None for a list
    names: list[str] = []  # the current key of each open container
    for event, value in events:
        if not keys:
            if event == "end_array":
                return count, duplicates
            count += 1
        if event == "map_key":  # the value is the key, a str, inside a map (seen is a set)
            seen = keys[-1]
            if value in seen and count not in duplicates:  # type: ignore[operator]
                path = [name for k, name in zip(keys[:-1], names[:-1], strict=True) if k]
                duplicates[count] = ".".join([*path, str(value)])[:80]
            seen.add(value)  # type: ignore[union-attr]
            names[-1] = value  # type: ignore[call-overload]
        elif event == "start_map" or event == "start_array":
            if len(keys) >= MAX_DEPTH - 2:
                raise FileRejected(f"The JSON is nested more than {MAX_DEPTH} levels deep.")
            keys.append(set() if event == "start_map" else None)
            names.append("")
        elif event == "end_map" or event == "end_array":
            keys.pop()
            names.pop()
    raise FileRejected("The file is not valid JSON: it ends too early (cut off?).")


def _shape(events: Iterator[tuple[str, object]]) -> dict[int, str]:
    """The file is `{"records": [...]}` with at least one record and nothing else."""
    event, _ = next(events)
    if event != "start_map":
        raise FileRejected(
            f'The file must be a JSON object {{"records": [...]}}; its top level is {_kind_of(event)}.'
        )
    event, key = next(events)
    if event == "end_map":
        raise FileRejected('The JSON object has no "records" list.')
    if key != "records":
        raise FileRejected(
            f'Unknown top-level key "{str(key)[:40]}"; the file is {{"records": [...]}}.'
        )
    event, _ = next(events)
    if event != "start_array":
        raise FileRejected(f'"records" must be a list of record objects, not {_kind_of(event)}.')
    count, duplicates = _records(events)
    if not count:
        raise FileRejected('"records" is empty: the file has no records.')
    event, key = next(events)
    if event == "map_key":
        problem = (
            '"records" appears twice'
            if key == "records"
            else f'unknown top-level key "{str(key)[:40]}"'
        )
        raise FileRejected(f'{problem}; the file is {{"records": [...]}}.')
    for _ in events:  # yajl reports trailing garbage only when asked for more
        pass
    return duplicates


def _check(source: _Utf8Source) -> dict[int, str]:
    """The syntax pass over the whole file; returns the records with a repeated key."""
    try:
        return _shape(iter(ijson.basic_parse(source, use_float=True)))
    except StopIteration:
        raise FileRejected("The file is not valid JSON: it ends too early (cut off?).") from None
    except UnicodeError:
        raise FileRejected(
            f"The file is not valid {source.encoding.upper()} text (near byte "
            f"{source.tell():,}); declare its encoding."
        ) from None
    except (ijson.JSONError, ValueError, SystemError) as error:
        raise _json_error(error) from None


def read_json(stream: BinaryIO, encoding: str) -> Iterator[RawRow | BadRow]:
    """Each record of the file, numbered from 1; FileRejected before any row if the file
    as a whole is not a well-formed `{"records": [...]}` document."""
    duplicates = _check(_source(stream, encoding, guard=True))
    source = _source(stream, encoding)
    records = ijson.items(source, "records.item", use_float=False)
    for number, obj in enumerate(records, 1):
        if number in duplicates:
            path = duplicates[number]
            problem = Problem(path, f"the field '{path}' is given twice")
            key = _key(obj) if isinstance(obj, dict) else ""
            yield BadRow(number, key, (problem,), source.tell())
        else:
            yield flatten(number, obj, source.tell())


def _default(value: object) -> orjson.Fragment:
    """Decimals are written as JSON numbers exactly as they are (1.50, never 1.4999)."""
    if isinstance(value, Decimal) and value.is_finite():
        return orjson.Fragment(str(value))
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(records: Iterable[dict], out: TextIO) -> None:
    """`{"records": [...]}` with one record per line, written as the records come."""
    out.write('{"records": [\n')
    separator = ""
    for record in records:
        out.write(separator)
        out.write(orjson.dumps(record, default=_default).decode())
        separator = ",\n"
    out.write("\n]}\n")
