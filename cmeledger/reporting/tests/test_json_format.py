"""The JSON reporting format: record flattening, the two-pass reader, and the writer."""

from __future__ import annotations

import codecs
import io
from datetime import date
from decimal import Decimal

import pytest

from cmeledger.reporting.formats import FileRejected, open_reader
from cmeledger.reporting.json_format import (
    MAX_DEPTH,
    MAX_DIGITS,
    flatten,
    read_json,
    write_json,
)
from cmeledger.reporting.records import BadRow, Completion, Problem, RawRow, raw, validate

BOARDS = frozenset({"abpmr"})

RECORD = {
    "record_id": "R-1",
    "activity": {
        "id": "ACT-9",
        "title": "Opioid prescribing update",
        "kind": "internet-live",
        "start": "2025-03-01",
        "end": "2025-03-02",
        "provider": "Lakeside CME",
        "accreditor": "accme",
    },
    "learner": {
        "board": "abpmr",
        "board_id": "AB-123",
        "npi": "1234567893",
        "license_state": "TX",
        "license_number": "L-55",
        "first_name": "Ada",
        "last_name": "Moreno",
        "birth_date": "04/09",
        "email": "Ada@Example.org",
    },
    "completed_on": "2025-03-02",
    "credits": {"ama-pra-1": Decimal("1.50"), "sa-cme": Decimal("1.5"), "moc-points": 2},
    "topics": ["opioid-prescribing", "pain-management"],
    "component": "self-assessment",
    "specialty_related": True,
    "status": "active",
    "consent": True,
}
LEAN = {
    "record_id": "L-1",
    "activity": {"title": "Grand rounds"},
    "learner": {"npi": "1234567893"},
    "completed_on": "2025-01-15",
    "credits": {"ama-pra-1": 1},
}


def _file(*records: object) -> bytes:
    out = io.StringIO()
    write_json(records, out)  # type: ignore[arg-type]
    return out.getvalue().encode("utf-8")


def _line(record: dict) -> bytes:
    """One record as write_json writes it, without the surrounding document."""
    return _file(record).split(b"\n")[1]


def _read(data: bytes, encoding: str = "utf-8") -> list[RawRow | BadRow]:
    return list(read_json(io.BytesIO(data), encoding))


def _refusal(data: bytes, encoding: str = "utf-8") -> str:
    """The FileRejected message, asserting it comes before the first row."""
    rows = read_json(io.BytesIO(data), encoding)
    with pytest.raises(FileRejected) as caught:
        next(rows)
    return str(caught.value)


def _problems(obj: object) -> list[Problem]:
    row = flatten(1, obj)
    assert isinstance(row, BadRow), row
    return list(row.problems)


class _CountingStream(io.BytesIO):
    """Records the largest single read, to show the reader streams in chunks."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.largest = max(self.largest, len(data))
        return data


# --- one record --------------------------------------------------------------------------


def test_a_written_record_reads_back_into_the_completion_it_describes():
    [row] = _read(_file(RECORD))
    completion = validate(row, BOARDS, date.today())  # type: ignore[arg-type]
    assert isinstance(completion, Completion), completion
    assert completion.key == "R-1"
    assert completion.activity_id == "ACT-9"
    assert completion.title == "Opioid prescribing update"
    assert completion.kind == "self-assessment"  # the component becomes the kind
    assert (completion.start, completion.end) == (date(2025, 3, 1), date(2025, 3, 2))
    assert (completion.provider, completion.accreditor) == ("Lakeside CME", "accme")
    assert completion.completed_on == date(2025, 3, 2)
    assert (completion.board, completion.board_id) == ("abpmr", "AB-123")
    assert completion.npi == "1234567893"
    assert (completion.license_state, completion.license_number) == ("TX", "L-55")
    assert (completion.first_name, completion.last_name) == ("Ada", "Moreno")
    assert (completion.birth_month, completion.birth_day) == (4, 9)
    assert completion.email == "ada@example.org"
    assert completion.credits == (
        ("ama-pra-1", Decimal("1.50")),
        ("moc-points", Decimal("2.00")),
        ("sa-cme", Decimal("1.50")),
    )
    assert completion.topics == ("opioid-prescribing", "pain-management")
    assert completion.component == "self-assessment"
    assert completion.specialty_related is True
    assert completion.withdrawn is False


def test_flatten_gives_canonical_strings_in_fields_order():
    row = flatten(7, RECORD, end=99)
    assert row == RawRow(
        7,
        raw(
            record_id="R-1",
            activity_id="ACT-9",
            activity_title="Opioid prescribing update",
            activity_kind="internet-live",
            activity_start="2025-03-01",
            activity_end="2025-03-02",
            provider="Lakeside CME",
            accreditor="accme",
            completed_on="2025-03-02",
            board="abpmr",
            board_id="AB-123",
            npi="1234567893",
            license_state="TX",
            license_number="L-55",
            first_name="Ada",
            last_name="Moreno",
            birth_date="04/09",
            email="Ada@Example.org",
            credits="ama-pra-1=1.50;sa-cme=1.5;moc-points=2",
            topics="opioid-prescribing;pain-management",
            component="self-assessment",
            specialty_related="yes",
            status="active",
            consent="yes",
        ),
        99,
    )


def test_numbers_become_text_without_float_artefacts():
    record = {
        "record_id": 40213,
        "learner": {"npi": 1234567893},
        "credits": {"ama-pra-1": 0.1, "aoa-1a": Decimal("1E+1"), "rcpsc-1": Decimal("2.25")},
    }
    row = flatten(1, record)
    assert isinstance(row, RawRow)
    assert row.values[0] == "40213"
    assert row.values[11] == "1234567893"
    assert row.values[18] == "ama-pra-1=0.1;aoa-1a=10;rcpsc-1=2.25"


def test_numbers_read_from_a_file_keep_the_digits_the_reporter_wrote():
    data = b'{"records": [{"record_id": "N", "credits": {"ama-pra-1": 2.675, "sa-cme": 1.50}}]}'
    [row] = _read(data)
    assert row.values[18] == "ama-pra-1=2.675;sa-cme=1.50"  # type: ignore[union-attr]


def test_null_becomes_empty_and_booleans_become_yes_or_no():
    record = {
        "record_id": "R",
        "activity": None,
        "learner": {"email": None},
        "topics": None,
        "credits": None,
        "specialty_related": False,
        "consent": None,
        "status": None,
    }
    row = flatten(1, record)
    assert isinstance(row, RawRow)
    assert row.values == raw(record_id="R", specialty_related="no")


def test_text_is_stripped():
    record = {"record_id": "  R-2 ", "activity": {"title": "\tAnatomy\n"}, "topics": [" ethics "]}
    row = flatten(1, record)
    assert isinstance(row, RawRow)
    assert (row.values[0], row.values[2], row.values[19]) == ("R-2", "Anatomy", "ethics")


def test_a_record_that_is_not_an_object_is_a_bad_row():
    for obj in (["R-1"], "R-1", 12, None):
        assert _problems(obj)[0].field == "record"
    assert "a list" in _problems(["R-1"])[0].message


def test_activity_or_learner_that_is_not_an_object_is_named():
    [problem] = _problems({"record_id": "R", "activity": "Grand rounds"})
    assert problem == Problem("activity", "expected an object, not text")
    [problem] = _problems({"record_id": "R", "learner": ["1234567893"]})
    assert problem == Problem("learner", "expected an object, not a list")


def test_credits_that_are_not_an_object_are_a_bad_row():
    [problem] = _problems({"record_id": "R", "credits": [["ama-pra-1", 1]]})
    assert problem.field == "credits"
    assert "not a list" in problem.message


def test_a_list_or_object_where_text_belongs_names_the_dotted_path():
    record = {
        "record_id": "R",
        "activity": {"title": ["Part 1", "Part 2"]},
        "learner": {"npi": {"value": "1234567893"}},
        "completed_on": True,
    }
    fields = {problem.field: problem.message for problem in _problems(record)}
    assert fields == {
        "activity.title": "expected text, not a list",
        "learner.npi": "expected text, not an object",
        "completed_on": "expected text, not true/false",
    }


def test_unknown_keys_at_every_level_are_named_and_the_record_id_kept():
    record = {
        "record_id": "R-77",
        "foo": 1,
        "activity": {"title": "T", "venue": "Hall A"},
        "learner": {"npi": "1234567893", "middle_name": "Q"},
    }
    row = flatten(3, record)
    assert isinstance(row, BadRow)
    assert (row.number, row.key) == (3, "R-77")
    assert [problem.message for problem in row.problems] == [
        "unknown field 'foo'",
        "unknown field 'activity.venue'",
        "unknown field 'learner.middle_name'",
    ]
    assert [problem.field for problem in row.problems] == [
        "foo",
        "activity.venue",
        "learner.middle_name",
    ]


def test_a_numeric_record_id_is_kept_on_a_bad_row_and_an_unreadable_one_is_not():
    assert flatten(1, {"record_id": 5001, "bogus": 1}).key == "5001"
    assert flatten(1, {"record_id": ["R"], "bogus": 1}).key == ""


def test_a_credit_amount_must_be_a_number_or_numeric_text():
    problems = _problems({"record_id": "R", "credits": {"ama-pra-1": True, "sa-cme": None}})
    assert problems == [
        Problem("credits.ama-pra-1", "expected a number, not true/false"),
        Problem("credits.sa-cme", "expected a number, not null"),
    ]
    row = flatten(1, {"record_id": "R", "credits": {"ama-pra-1": " 1.25 "}})
    assert row.values[18] == "ama-pra-1=1.25"  # type: ignore[union-attr]


def test_topics_must_be_a_list_of_text():
    [problem] = _problems({"record_id": "R", "topics": "ethics"})
    assert problem == Problem("topics", "expected a list of topic codes, not text")
    [problem] = _problems({"record_id": "R", "topics": ["ethics", 3]})
    assert problem == Problem("topics.1", "expected text, not a number")


def test_a_separator_inside_a_value_cannot_smuggle_extra_pairs():
    problems = _problems(
        {
            "record_id": "R",
            "topics": ["ethics;hiv-aids"],
            "credits": {"ama-pra-1=9;aoa-1a": 1, "sa-cme": "1;moc-points=5"},
        }
    )
    assert [problem.field for problem in problems] == [
        "topics.0",
        "credits.ama-pra-1=9;aoa-1a",
        "credits.sa-cme",
    ]


def test_a_flag_given_as_a_number_is_a_bad_row_but_yes_no_text_is_read():
    [problem] = _problems({"record_id": "R", "consent": 1})
    assert problem == Problem("consent", "expected true or false, not a number")
    row = flatten(1, {"record_id": "R", "specialty_related": " Yes "})
    assert row.values[21] == "Yes"  # type: ignore[union-attr]


def test_a_repeated_key_is_a_bad_row_rather_than_a_silent_overwrite():
    data = (
        b'{"records": ['
        b'{"record_id": "A", "credits": {"ama-pra-1": 1, "ama-pra-1": 20}},'
        b'{"record_id": "B", "record_id": "C"},'
        b'{"record_id": "D", "learner": {"npi": "1", "npi": "2"}},'
        b'{"record_id": "E", "credits": {"ama-pra-1": 1}}'
        b"]}"
    )
    rows = _read(data)
    assert [type(row).__name__ for row in rows] == ["BadRow", "BadRow", "BadRow", "RawRow"]
    assert [row.problems[0].field for row in rows[:3]] == [  # type: ignore[union-attr]
        "credits.ama-pra-1",
        "record_id",
        "learner.npi",
    ]
    assert rows[0].key == "A"
    assert "given twice" in rows[0].problems[0].message  # type: ignore[union-attr]


# --- the file ----------------------------------------------------------------------------


def test_rows_are_numbered_from_one_and_report_progress():
    data = _file(LEAN, {**LEAN, "record_id": "L-2"}, {**LEAN, "record_id": "L-3"})
    rows = _read(data)
    assert [row.number for row in rows] == [1, 2, 3]
    assert [row.key for row in rows] == ["L-1", "L-2", "L-3"]
    assert all(0 < row.end <= len(data) for row in rows)


def test_malformed_json_after_good_records_is_refused_before_any_row():
    data = _file(LEAN, LEAN)[:-4] + b"}, oops]}"
    assert _refusal(data).startswith("The file is not valid JSON: ")


def test_truncated_json_is_refused_before_any_row():
    data = _file(LEAN, LEAN, LEAN)
    message = _refusal(data[: len(data) // 2])
    assert message == "The file is not valid JSON: it ends too early (cut off?)."


def test_binary_garbage_is_refused():
    assert "not valid JSON" in _refusal(bytes(range(256)) * 4)
    assert "not valid JSON" in _refusal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_text_after_the_document_is_refused():
    assert "trailing garbage" in _refusal(_file(LEAN) + b"{}")


def test_a_top_level_that_is_not_an_object_is_refused():
    message = _refusal(b"[" + _line(LEAN) + b"]")
    assert message == 'The file must be a JSON object {"records": [...]}; its top level is a list.'
    assert "top level is text" in _refusal(b'"records"')


@pytest.mark.parametrize(
    ("records", "kind"),
    [(b"{}", "an object"), (b'"R-1"', "text"), (b"null", "null"), (b"7", "a number")],
)
def test_records_that_is_not_a_list_is_refused(records, kind):
    message = _refusal(b'{"records": ' + records + b"}")
    assert message == f'"records" must be a list of record objects, not {kind}.'


def test_an_unknown_or_repeated_top_level_key_is_refused():
    assert 'Unknown top-level key "rows"' in _refusal(b'{"rows": [{}]}')
    assert 'unknown top-level key "meta"' in _refusal(b'{"records": [{}], "meta": 1}')
    assert '"records" appears twice' in _refusal(b'{"records": [{}], "records": [{}]}')


def test_a_file_without_records_is_refused():
    assert _refusal(b'{"records": []}') == '"records" is empty: the file has no records.'
    assert _refusal(b"{}") == 'The JSON object has no "records" list.'


def test_nesting_deeper_than_a_record_needs_is_refused():
    nested = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    message = _refusal(b'{"records": [{"record_id": ' + nested + b"}]}")
    assert message == f"The JSON is nested more than {MAX_DEPTH} levels deep."
    # a million brackets would exhaust memory in ijson's prefixes if it were not stopped
    assert "nested" in _refusal(b'{"records": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}")


def test_an_overlong_integer_is_refused_instead_of_crashing_the_parser():
    # yajl2_c segfaults converting an integer past Python's 4,300-digit limit.
    digits = b"7" * 5_000
    assert "longer than 1,000 digits" in _refusal(b'{"records": [{"record_id": ' + digits + b"}]}")
    # the same run split across two 64 KiB reads
    padding = b" " * (65_536 - 30)
    data = b'{"records": [{"record_id": ' + padding + digits + b"}]}"
    assert "digits" in _refusal(data)
    # a long run just under the limit is an ordinary (if odd) value
    [row] = _read(b'{"records": [{"record_id": "' + b"7" * (MAX_DIGITS - 1) + b'"}]}')
    assert row.key == "7" * (MAX_DIGITS - 1)


def test_a_byte_order_mark_is_accepted():
    data = codecs.BOM_UTF8 + _file(LEAN)
    assert [row.key for row in _read(data, "utf-8")] == ["L-1"]
    assert [row.key for row in _read(data, "utf-8-sig")] == ["L-1"]


def test_a_declared_encoding_is_transcoded():
    record = {**LEAN, "learner": {"first_name": "José", "last_name": "Núñez", "npi": "1234567893"}}
    text = _file(record).decode("utf-8")
    for encoding in ("cp1252", "utf-16"):
        [row] = _read(text.encode(encoding), encoding)
        assert row.values[14:16] == ("José", "Núñez")  # type: ignore[union-attr]


def test_bytes_that_are_not_valid_in_the_encoding_are_refused():
    data = b'{"records": [{"record_id": "caf\xe9"}]}'  # Latin-1, sent as UTF-8
    assert "not valid JSON" in _refusal(data)
    assert _refusal(b'{"records": [{"record_id": "\x81"}]}', "cp1252").startswith(
        "The file is not valid CP1252 text"
    )


def test_an_unknown_encoding_is_refused():
    assert _refusal(_file(LEAN), "klingon") == "Unknown encoding 'klingon'."


def test_a_big_file_streams_every_record_in_chunks():
    count = 20_000
    out = io.StringIO()
    write_json(({**LEAN, "record_id": f"L-{n}"} for n in range(1, count + 1)), out)
    stream = _CountingStream(out.getvalue().encode())
    numbers = []
    last = None
    for row in read_json(stream, "utf-8"):
        numbers.append(row.number)
        last = row
    assert numbers == list(range(1, count + 1))
    assert isinstance(last, RawRow) and last.key == f"L-{count}"
    assert last.end == len(stream.getvalue())
    assert stream.largest <= 65_536  # never the whole file at once


def test_write_json_writes_one_record_per_line_with_exact_decimals():
    out = io.StringIO()
    write_json([{"record_id": "A", "credits": {"ama-pra-1": Decimal("1.50")}}, LEAN], out)
    lines = out.getvalue().splitlines()
    assert lines[0] == '{"records": ['
    assert lines[1] == '{"record_id":"A","credits":{"ama-pra-1":1.50}},'
    assert lines[-1] == "]}"
    assert len(lines) == 4


def test_write_json_refuses_a_value_json_cannot_hold():
    with pytest.raises(TypeError):
        write_json([{"credits": {"ama-pra-1": Decimal("NaN")}}], io.StringIO())


def test_open_reader_detects_a_json_file_and_reads_it_with_this_module():
    reader = open_reader(io.BytesIO(codecs.BOM_UTF8 + _file(RECORD, LEAN)))
    assert reader.format == "json"
    assert [row.key for row in reader.rows] == ["R-1", "L-1"]
