"""Reading submitted files: decoding, format detection, and one reader per format.

Every reader streams: it holds one row at a time, never the file. A problem with the
whole file (not text, wrong columns, malformed JSON or XML, entities) raises
`FileRejected` before any row is yielded; a problem with one row becomes that row's
error and the rest go on.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import xxhash

from cmeledger.reporting.records import FIELDS, INDEX, BadRow, Layout, Problem, RawRow

FORMATS = ("csv", "pars", "json", "medbiq")
SNIFF_BYTES = 65_536
# A field longer than this is not CME data: its row is refused, and the file goes on.
MAX_FIELD = 10_000


class FileRejected(Exception):
    """The whole file is unusable; the message says why, in the reporter's terms."""


@dataclass
class Reader:
    format: str
    encoding: str
    rows: Iterator[RawRow | BadRow]
    # canonical field -> the reporter's own column or element name, for error messages
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


# --- decoding and detection ----------------------------------------------------------


def _check_encoding(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise FileRejected(f"Unknown encoding '{encoding[:40]}'.") from None
    try:
        "a".encode(name)  # base64, zlib, rot13 are codecs, but not text encodings
    except LookupError:
        raise FileRejected(
            f"'{encoding[:40]}' is not a text encoding; declare one such as utf-8 or cp1252."
        ) from None
    except UnicodeError:
        pass
    return name


def sniff(stream: BinaryIO, encoding: str = "") -> tuple[str, str]:
    """The text encoding and the start of the text; rejects binary content."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise FileRejected("The file is empty.")
    nul = head.find(b"\x00")
    if nul >= 0:
        raise FileRejected(
            "This is not a text file: it holds binary content (a NUL byte at byte "
            f"{nul + 1}). Send CSV, tab-delimited text, JSON or XML."
        )
    name = _check_encoding(encoding) if encoding else "utf-8"
    if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    decoder = codecs.getincrementaldecoder(name)()
    try:
        text = decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeError as error:  # UTF-16 without a BOM is a plain UnicodeError
        hint = "declare its encoding (for example cp1252)" if not encoding else "check it"
        where = f" (byte {error.start + 1})" if isinstance(error, UnicodeDecodeError) else ""
        raise FileRejected(f"The file is not valid {name.upper()} text{where}; {hint}.") from None
    return name, text


def detect(text: str) -> str:
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "<":
        return "medbiq"
    if start in "{[":
        return "json"
    first_line = text.split("\n", 1)[0]
    return "pars" if "\t" in first_line else "csv"


def _lines(stream: BinaryIO, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")


def _check_text(stream: BinaryIO, encoding: str) -> None:
    """The whole file decodes and holds no NUL, checked before any row is read: a bad
    byte past the sniffed start must refuse the file, not fail it after earlier batches
    were stored (and PostgreSQL cannot store a NUL in text)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    done = 0
    stream.seek(0)
    try:
        while chunk := stream.read(1 << 20):
            text = decoder.decode(chunk)
            nul = text.find("\x00")
            if nul >= 0:
                at = done + len(text[:nul].encode(encoding, "replace")) + 1
                raise FileRejected(
                    "This is not a text file: it holds binary content (a NUL byte near "
                    f"byte {at:,}). Send CSV, tab-delimited text, JSON or XML."
                )
            done += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeError as error:
        at = done + (error.start if isinstance(error, UnicodeDecodeError) else 0) + 1
        raise FileRejected(
            f"The file stops being valid {encoding.upper()} text part way through (near "
            f"byte {at:,}); declare its encoding (for example cp1252)."
        ) from None
    finally:
        stream.seek(0)


def _decoding(rows: Iterator, encoding: str) -> Iterator:
    try:
        yield from rows
    except UnicodeError:
        raise FileRejected(
            f"The file stops being valid {encoding.upper()} text part way through; "
            "declare its encoding (for example cp1252)."
        ) from None


# --- delimited files: CSV and the PARS-style tab file --------------------------------

# CSV: the canonical names, with the credit split into type and amount columns.
CSV_COLUMNS = {name: name for name in FIELDS if name != "credits"} | {
    "credit_type": "credit_type",
    "credits": "credits",
    "moc_points": "moc_points",
    "sa_credits": "sa_credits",
}
CSV_REQUIRED = ("record_id", "activity_title", "completed_on")

# PARS-style learner file (domain reference 5.1): one row per learner and activity.
PARS_COLUMNS = {
    "Record ID": "record_id",
    "Activity ID": "activity_id",
    "Activity Title": "activity_title",
    "Activity Type": "activity_kind",
    "Activity Start Date": "activity_start",
    "Activity End Date": "activity_end",
    "Provider": "provider",
    "Accreditor": "accreditor",
    "Completion Date": "completed_on",
    "Board": "board",
    "Board ID": "board_id",
    "NPI": "npi",
    "License State": "license_state",
    "License Number": "license_number",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Birth Date (MM/DD)": "birth_date",
    "Email": "email",
    "CME Credit Type": "credit_type",
    "CME Credits": "credits",
    "MOC Points": "moc_points",
    "SA Credits": "sa_credits",
    "Topics": "topics",
    "Component": "component",
    "Specialty Related": "specialty_related",
    "Status": "status",
    "Permission to Share": "consent",
}
PARS_REQUIRED = ("Record ID", "Activity Title", "Completion Date")

# PARS activity type codes (domain reference 5.2) and the activity kinds they are.
PARS_ACTIVITY_TYPES = {
    "C": "live",
    "RSS": "live",
    "IL": "internet-live",
    "EM": "enduring",
    "IEM": "internet-enduring",
    "JN": "journal",
    "MR": "manuscript-review",
    "TIW": "test-item-writing",
    "CML": "other",
    "PI": "performance-improvement",
    "ISL": "point-of-care",
    "LFT": "teaching",
}


def _header_map(
    header: list[str], columns: dict[str, str], required: tuple[str, ...], fold: bool
) -> list[str]:
    """The canonical (or split-credit) name of each column, in file order."""
    names = [column.strip().lower() if fold else column.strip() for column in header]
    lookup = {(key.lower() if fold else key): value for key, value in columns.items()}
    unknown = [column for column in names if column not in lookup]
    if unknown:
        shown = ", ".join(repr(column[:40]) for column in unknown[:5])
        raise FileRejected(
            f"Unknown column(s) {shown}; the columns are listed in docs/formats/reporting.md."
        )
    seen: set[str] = set()
    for column in names:
        if column in seen:
            raise FileRejected(f"The column '{column[:40]}' appears twice.")
        seen.add(column)
    missing = [name for name in required if (name.lower() if fold else name) not in seen]
    if missing:
        raise FileRejected(f"Missing required column(s): {', '.join(missing)}.")
    if not ({"credits", "moc_points", "sa_credits"} & {lookup[c] for c in names}):
        raise FileRejected("No credit column: give credits, MOC points or SA credits.")
    return [lookup[column] for column in names]


def _delimited_rows(
    lines: io.TextIOWrapper,
    stream: BinaryIO,
    delimiter: str,
    columns: dict[str, str],
    required: tuple[str, ...],
    fold: bool,
    default_credit_type: str,
    kind_codes: dict[str, str],
) -> Iterator[RawRow | BadRow]:
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    try:
        header = _next_row(reader)
    except StopIteration:
        raise FileRejected("The file has no header row.") from None
    except csv.Error as error:
        raise FileRejected(f"The header row cannot be read: {error}.") from None
    names = _header_map(header, columns, required, fold)
    width = len(names)
    layout = _layout(names, default_credit_type, kind_codes)
    number = 1  # the header; data rows count from 2, as in a spreadsheet
    tell = stream.tell
    while True:
        try:
            cells = _next_row(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            yield BadRow(number, "", (Problem("row", f"cannot be read: {error}"),), tell())
            continue
        number += 1
        if len(cells) != width:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            yield BadRow(
                number,
                cells[0].strip()[:100],
                (Problem("row", f"has {len(cells)} fields; the header has {width}"),),
                tell(),
            )
            continue
        yield RawRow(number, None, tell(), cells=cells, layout=layout)


def _next_row(reader: Iterator[list[str]]) -> list[str]:
    """The reader's next row, parsed under MAX_FIELD. csv has one field limit per process:
    holding ours only while a row is parsed leaves every other reader (rosters, member
    lists) its own, and costs well under a microsecond a row."""
    previous = csv.field_size_limit(MAX_FIELD)
    try:
        return next(reader)
    finally:
        csv.field_size_limit(previous)


def _layout(names: list[str], default_credit_type: str, kind_codes: dict[str, str]) -> Layout:
    """Where each canonical field sits among the file's columns, and how the credit
    columns combine into the canonical "type=amount;..." field."""
    at = {name: position for position, name in enumerate(names)}
    credit_at = at.get("credits", -1)
    type_at = at.get("credit_type", -1)
    moc_at = at.get("moc_points", -1)
    sa_at = at.get("sa_credits", -1)
    credits_slot, kind_slot = INDEX["credits"], INDEX["activity_kind"]
    use_codes = "activity_kind" in at and bool(kind_codes)

    def finish(values: list[str], cells: list[str]) -> None:
        parts = []
        if credit_at >= 0 and (amount := cells[credit_at].strip()):
            credit_type = cells[type_at].strip() if type_at >= 0 else ""
            parts.append(f"{credit_type or default_credit_type}={amount}")
        if moc_at >= 0 and (amount := cells[moc_at].strip()):
            parts.append(f"moc-points={amount}")
        if sa_at >= 0 and (amount := cells[sa_at].strip()):
            parts.append(f"sa-cme={amount}")
        values[credits_slot] = ";".join(parts)
        if use_codes:
            code = values[kind_slot]
            values[kind_slot] = kind_codes.get(code.upper(), code)

    seed = xxhash.xxh64_intdigest("\x1f".join(names).encode())
    return Layout([at.get(name, -1) for name in FIELDS], len(names), finish, seed)


def _csv_reader(stream: BinaryIO, encoding: str) -> Reader:
    _check_text(stream, encoding)
    rows = _delimited_rows(
        _lines(stream, encoding), stream, ",", CSV_COLUMNS, CSV_REQUIRED, True, "", {}
    )
    labels = {"credits": "credits / credit_type / moc_points / sa_credits"}
    return Reader("csv", encoding, _decoding(rows, encoding), labels)


def _pars_reader(stream: BinaryIO, encoding: str) -> Reader:
    _check_text(stream, encoding)
    rows = _delimited_rows(
        _lines(stream, encoding),
        stream,
        "\t",
        PARS_COLUMNS,
        PARS_REQUIRED,
        False,
        "ama-pra-1",
        PARS_ACTIVITY_TYPES,
    )
    labels = {canonical: column for column, canonical in PARS_COLUMNS.items()}
    labels["credits"] = "CME Credits / MOC Points / SA Credits"
    return Reader("pars", encoding, _decoding(rows, encoding), labels)


def _json_reader(stream: BinaryIO, encoding: str) -> Reader:
    from cmeledger.reporting.json_format import LABELS, read_json

    return Reader("json", encoding, read_json(stream, encoding), dict(LABELS))


def _medbiq_reader(stream: BinaryIO, encoding: str) -> Reader:
    from cmeledger.reporting.medbiq import LABELS, read_medbiq

    return Reader("medbiq", encoding, read_medbiq(stream), dict(LABELS))


_READERS: dict[str, Callable[[BinaryIO, str], Reader]] = {
    "csv": _csv_reader,
    "pars": _pars_reader,
    "json": _json_reader,
    "medbiq": _medbiq_reader,
}


def open_reader(stream: BinaryIO, format: str = "auto", encoding: str = "") -> Reader:
    """A reader for the file; the format is detected when it is "auto"."""
    if format not in (*FORMATS, "auto"):
        raise FileRejected(f"Unknown format '{format[:20]}'; use one of {', '.join(FORMATS)}.")
    name, text = sniff(stream, encoding)
    chosen = detect(text) if format == "auto" else format
    return _READERS[chosen](stream, name)
