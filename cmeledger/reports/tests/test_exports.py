"""CSV and JSON exports read back: columns, rows, filters, formula defusing, bad filters."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import jsonschema
import pytest
import time_machine

from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields, make_pdf
from cmeledger.ledger.vocabulary import Source
from cmeledger.lib.csvsafe import safe_cell
from cmeledger.portable.schema import LedgerDoc, dumps, json_schema
from cmeledger.reports.exports import (
    CSV_COLUMNS,
    ExportError,
    ExportFilter,
    csv_bytes,
    filename,
    ledger_document,
    parse_filter,
)
from cmeledger.reports.testing import follow_texas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


def add(user, title, completed_on, credits="1.00", topics=(), **extra):
    fields = entry_fields(
        title=title, start_date=None, end_date=None, completed_on=completed_on,
        credits=Decimal(credits), **extra,
    )  # fmt: skip
    source = fields.pop("source", Source.SELF)
    return services.create_entry(user, user, fields, topics=topics, source=source)


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def ledger(alice, bob, organization):
    first = add(alice, "Ethics in rehab", date(2024, 6, 1), "2.00", topics=["ethics", "specialty"])
    certificate = store_certificate(alice, make_pdf("ethics"), "ethics.pdf").certificate
    services.attach_certificate(first, certificate, alice)
    add(alice, "Category 2 reading", date(2025, 3, 1), "0.75", credit_type="ama-pra-2")
    add(
        alice, "Reported course", date(2026, 2, 1), "3.25",
        source=Source.ORGANIZATION, reported_by=organization,
    )  # fmt: skip
    gone = add(alice, "Deleted one", date(2025, 4, 1))
    services.delete_entry(gone, alice)
    add(bob, "Bob's course", date(2025, 4, 1))
    return alice


def test_the_csv_has_the_documented_columns_and_every_counted_entry_in_order(ledger):
    data = csv_bytes(ledger, ExportFilter())
    assert data.startswith("\ufeff".encode())
    parsed = rows(data)
    assert list(parsed[0]) == CSV_COLUMNS
    assert [row["title"] for row in parsed] == [
        "Ethics in rehab", "Category 2 reading", "Reported course",
    ]  # fmt: skip
    first = parsed[0]
    assert first["id"] == str(CreditEntry.objects.get(title="Ethics in rehab").pk)
    assert (first["completed_on"], first["credits"], first["credit_type"]) == (
        "2024-06-01", "2.00", "ama-pra-1",
    )  # fmt: skip
    assert first["topics"] == "ethics;specialty"
    assert first["certificates"] == "1"
    assert first["specialty_related"] == "false"
    assert parsed[2]["source"] == "organization"
    assert parsed[2]["reported_by"] == "Acme CME Institute"
    assert parsed[1]["certificates"] == "0"


def test_filters_narrow_the_csv_by_date_type_and_source(ledger):
    def titles(**query) -> list[str]:
        return [row["title"] for row in rows(csv_bytes(ledger, parse_filter(ledger, query)))]

    assert titles(**{"from": "2025-01-01"}) == ["Category 2 reading", "Reported course"]
    assert titles(to="2025-03-01") == ["Ethics in rehab", "Category 2 reading"]
    assert titles(credit_type="ama-pra-2") == ["Category 2 reading"]
    assert titles(source="organization") == ["Reported course"]
    assert titles(**{"from": "2025-06-01", "credit_type": "ama-pra-2"}) == []


def test_a_set_filter_keeps_its_current_cycle(ledger):
    follow_texas(ledger, "T-1")
    chosen = parse_filter(ledger, {"set": "us-tx-md", "to": "2026-01-01"})
    assert (chosen.start, chosen.end) == (date(2025, 3, 1), date(2026, 1, 1))
    assert [row["title"] for row in rows(csv_bytes(ledger, chosen))] == ["Category 2 reading"]


def test_cells_starting_with_formula_characters_are_defused(alice):
    for title in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tTab"]:
        add(alice, title, date(2025, 1, 1))
    parsed = rows(csv_bytes(alice, ExportFilter()))
    assert sorted(row["title"] for row in parsed) == sorted(
        ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tTab"]
    )
    assert safe_cell("Plain") == "Plain" and safe_cell("\rx") == "'\rx"


def test_the_json_export_validates_against_the_portable_schema(ledger):
    document = ledger_document(ledger, ExportFilter())
    parsed = json.loads(dumps(document))
    jsonschema.validate(parsed, json_schema())
    LedgerDoc.model_validate(parsed)
    assert [e["title"] for e in parsed["entries"]] == [
        "Ethics in rehab", "Category 2 reading", "Reported course",
    ]  # fmt: skip
    assert all(e["deleted_at"] is None for e in parsed["entries"])
    assert len(parsed["certificates"]) == 1
    assert parsed["clinician"]["email"] == "alice@example.org"


def test_a_filtered_json_export_keeps_only_the_certificates_its_entries_cite(ledger):
    document = ledger_document(ledger, parse_filter(ledger, {"from": "2025-01-01"}))
    assert [e.title for e in document.entries] == ["Category 2 reading", "Reported course"]
    assert document.certificates == []
    cited = ledger_document(ledger, parse_filter(ledger, {"to": "2024-12-31"}))
    assert [c.id for c in cited.certificates] == cited.entries[0].certificates


def test_the_full_ledger_export_still_includes_deleted_entries(ledger):
    # The portable export (ledger_export.build) is untouched by the filtered variant.
    from cmeledger.portable.ledger_export import build

    assert "Deleted one" in [entry.title for entry in build(ledger).entries]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "yesterday"}, "from", "enter a date as YYYY-MM-DD, not 'yesterday'."),
        ({"to": "2025-02-30"}, "to", "enter a date as YYYY-MM-DD, not '2025-02-30'."),
        ({"from": "0001-01-01"}, "from", "the date 0001-01-01 must be between 1950-01-01"),
        ({"to": "9999-12-31"}, "to", "the date 9999-12-31 must be between"),
        ({"from": "2025-06-01", "to": "2025-01-01"}, "to", "is before the start date"),
        ({"credit_type": "ama-pra-9"}, "credit_type", "unknown code 'ama-pra-9'; use one of"),
        ({"source": "telepathy"}, "source", "unknown code 'telepathy'"),
        ({"set": "us-zz-md"}, "set", "you do not follow the requirement set 'us-zz-md'."),
    ],
)
def test_a_bad_filter_names_its_field(alice, query, field, message):
    with pytest.raises(ExportError, match="^" + field + ": ") as caught:
        parse_filter(alice, query)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_file_names_say_what_was_exported():
    assert filename(ExportFilter(), "csv") == "cme-entries-all-20261123.csv"
    assert filename(ExportFilter(source="self"), "json") == "cme-entries-filtered-20261123.json"
    assert filename(ExportFilter(set_id="us-tx-md"), "csv") == "cme-entries-us-tx-md-20261123.csv"


def test_a_large_ledger_streams_in_batches_with_every_row(alice):
    fields = entry_fields(start_date=None, end_date=None)
    CreditEntry.objects.bulk_create(
        CreditEntry(clinician=alice, **{**fields, "title": f"Course {n}"}) for n in range(1203)
    )
    parsed = rows(csv_bytes(alice, ExportFilter()))
    assert len(parsed) == 1203
    assert len({row["id"] for row in parsed}) == 1203


def test_a_set_filter_with_a_nul_byte_is_refused_before_any_query(alice):
    from cmeledger.reports.exports import ExportError, parse_filter

    with pytest.raises(ExportError, match="you do not follow the requirement set"):
        parse_filter(alice, {"set": "\x00us-tx-md"})
