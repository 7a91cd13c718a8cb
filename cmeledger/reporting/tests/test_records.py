"""Validation of one reported row, and the delimited readers (CSV and the PARS-style file)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from cmeledger.lib.npi import make_npi
from cmeledger.reporting.formats import FileRejected, open_reader
from cmeledger.reporting.records import (
    BadRow,
    Completion,
    RawRow,
    from_payload,
    raw,
    validate,
)

TODAY = date(2026, 11, 23)
BOARDS = frozenset({"abpmr"})
NPI = make_npi("123456789")


def good(**changes: str) -> RawRow:
    values = {
        "record_id": "R-1",
        "activity_title": "Spasticity update",
        "completed_on": "2026-05-04",
        "npi": NPI,
        "credits": "ama-pra-1=2.5",
    }
    values.update(changes)
    return RawRow(2, raw(**values))


def test_a_complete_row_becomes_a_completion():
    result = validate(
        good(topics="ethics;pain-management", birth_date="3/7", first_name="Ann", last_name="Lee"),
        BOARDS,
        TODAY,
    )
    assert isinstance(result, Completion)
    assert result.credits == (("ama-pra-1", Decimal("2.50")),)
    assert result.topics == ("ethics", "pain-management")
    assert (result.birth_month, result.birth_day) == (3, 7)
    assert result.kind == "live"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"record_id": ""}, "record_id", "missing"),
        ({"record_id": "x" * 101}, "record_id", "longer"),
        ({"activity_title": ""}, "activity_title", "missing"),
        ({"completed_on": "2026-13-45"}, "completed_on", "not a date"),
        ({"completed_on": "2027-01-01"}, "completed_on", "future"),
        ({"credits": "ama-pra-1=-1"}, "credits", "above 0"),
        ({"credits": "ama-pra-1=0.3"}, "credits", "steps"),
        ({"credits": "ama-pra-1=abc"}, "credits", "not a number"),
        ({"credits": "gold-stars=1"}, "credits", "unknown credit type"),
        ({"credits": ""}, "credits", "no credits"),
        ({"topics": "astrology"}, "topics", "unknown topic"),
        ({"npi": "1234567890"}, "npi", "not a valid"),
        ({"npi": "", "board": "abpmr"}, "board_id", "together"),
        ({"npi": "", "board": "nope", "board_id": "1"}, "board", "unknown board"),
        ({"npi": "", "license_state": "ZZ", "license_number": "1"}, "license_state", "unknown"),
        ({"npi": ""}, "learner", "no learner identifier"),
        ({"birth_date": "02/30"}, "birth_date", "month/day"),
        ({"email": "nobody"}, "email", "not an email"),
        ({"activity_kind": "skydiving"}, "activity_kind", "unknown activity kind"),
        ({"component": "karaoke"}, "component", "unknown component"),
        ({"consent": "N"}, "consent", "did not permit"),
        ({"status": "maybe"}, "status", "active or withdrawn"),
        ({"activity_start": "2026-06-01", "activity_end": "2026-05-01"}, "activity_end", "before"),
    ],
)
def test_each_bad_field_is_named_with_its_reason(changes, field, words):
    result = validate(good(**changes), BOARDS, TODAY)
    assert isinstance(result, list)
    assert any(p.field == field and words in p.message for p in result), result


def test_a_stored_payload_reads_back_to_the_same_completion():
    completion = validate(
        good(credits="ama-pra-1=1.25;moc-points=2", board="abpmr", board_id="P1", topics="ethics"),
        BOARDS,
        TODAY,
    )
    assert isinstance(completion, Completion)
    again = from_payload(completion.payload())
    assert again == completion
    assert validate(RawRow(1, again.values()), BOARDS, TODAY) == completion


def test_the_fingerprint_changes_with_any_value():
    assert good().fingerprint() == good().fingerprint()
    assert good().fingerprint() != good(credits="ama-pra-1=2.75").fingerprint()


def rows_of(data: bytes, **options) -> list:
    return list(open_reader(io.BytesIO(data), **options).rows)


CSV = (
    "record_id,activity_title,completed_on,npi,credit_type,credits,topics\r\n"
    f"R-1,Spasticity update,2026-05-04,{NPI},ama-pra-1,2.5,ethics\r\n"
    f"R-2,Café ethics,05/06/2026,{NPI},ama-pra-1,1,\r\n"
)


def test_a_csv_file_with_a_bom_and_crlf_reads_into_canonical_rows():
    rows = rows_of(b"\xef\xbb\xbf" + CSV.encode())
    assert [row.number for row in rows] == [2, 3]
    first = validate(rows[0], BOARDS, TODAY)
    assert first.credits == (("ama-pra-1", Decimal("2.50")),)
    assert validate(rows[1], BOARDS, TODAY).title == "Café ethics"


def test_a_declared_fallback_encoding_reads_a_latin_file():
    rows = rows_of(CSV.encode("cp1252"), encoding="cp1252")
    assert validate(rows[1], BOARDS, TODAY).title == "Café ethics"


def test_a_file_that_is_not_utf8_is_refused_with_a_hint():
    with pytest.raises(FileRejected, match="declare its encoding"):
        rows_of(CSV.encode("cp1252"))


def test_binary_garbage_is_refused():
    with pytest.raises(FileRejected, match="binary content"):
        rows_of(b"PK\x03\x04\x00\x00garbage")


def test_unknown_and_missing_columns_are_refused_by_name():
    with pytest.raises(FileRejected, match="Unknown column.*'colour'"):
        rows_of(b"record_id,colour\nR-1,red\n")
    with pytest.raises(FileRejected, match="Missing required column.*completed_on"):
        rows_of(b"record_id,activity_title,credits\nR-1,T,1\n", format="csv")


def test_a_row_with_the_wrong_number_of_fields_is_reported_alone():
    data = CSV + "R-3,only two\r\n" + f"R-4,Later,2026-05-04,{NPI},ama-pra-1,1,\r\n"
    rows = rows_of(data.encode())
    bad = [row for row in rows if isinstance(row, BadRow)]
    assert [(row.number, row.key) for row in bad] == [(4, "R-3")]
    assert "2 fields" in bad[0].problems[0].message
    assert rows[-1].key == "R-4"


def test_a_field_too_long_for_cme_data_refuses_its_row_alone():
    data = CSV + f'R-3,"{"x" * 10_001}",2026-05-04,{NPI},ama-pra-1,1,\r\n'
    data += f"R-4,Later,2026-05-04,{NPI},ama-pra-1,1,\r\n"
    rows = rows_of(data.encode())
    (bad,) = [row for row in rows if isinstance(row, BadRow)]
    assert bad.number == 4
    assert bad.problems[0].message == "cannot be read: field larger than field limit (10000)"
    assert rows[-1].key == "R-4"


def test_reading_a_file_leaves_the_process_wide_csv_field_limit_alone():
    before = csv.field_size_limit()
    rows = open_reader(io.BytesIO(CSV.encode())).rows
    next(rows)  # mid-file, the reader paused between rows
    assert csv.field_size_limit() == before
    list(rows)
    assert csv.field_size_limit() == before
    # Another reader in the process keeps csv's default limit, far above ours.
    long = "y" * 20_000
    assert next(csv.reader(io.StringIO(f'"{long}"\n'))) == [long]


PARS = (
    "Record ID\tActivity Title\tActivity Type\tCompletion Date\tBoard\tBoard ID\t"
    "First Name\tLast Name\tBirth Date (MM/DD)\tCME Credits\tMOC Points\tPermission to Share\n"
    "P-1\tStroke recovery\tIEM\t04/05/2026\tabpmr\tP001\tAnn\tLee\t03/07\t1.5\t2\tY\n"
)


def test_the_pars_file_is_detected_and_its_codes_and_us_dates_are_read():
    reader = open_reader(io.BytesIO(PARS.encode()))
    assert reader.format == "pars"
    completion = validate(next(reader.rows), BOARDS, TODAY)
    assert completion.kind == "internet-enduring"
    assert completion.completed_on == date(2026, 4, 5)
    assert completion.credits == (("ama-pra-1", Decimal("1.50")), ("moc-points", Decimal("2.00")))
    assert reader.label("credits").startswith("CME Credits")


def test_an_unknown_format_or_encoding_is_refused():
    with pytest.raises(FileRejected, match="Unknown format"):
        rows_of(CSV.encode(), format="xlsx")
    with pytest.raises(FileRejected, match="Unknown encoding"):
        rows_of(CSV.encode(), encoding="klingon")


def test_an_empty_file_is_refused():
    with pytest.raises(FileRejected, match="empty"):
        rows_of(b"  \n")
