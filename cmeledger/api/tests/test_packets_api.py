"""The packet, mock-audit and export operations: files read back, privacy, bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import jsonschema
import pytest
import time_machine
from django.test import Client

from cmeledger.accounts.models import License
from cmeledger.api.tests.conftest import token_client
from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.testing import entry_fields, make_pdf
from cmeledger.ledger.vocabulary import Source
from cmeledger.portable.schema import json_schema
from cmeledger.reports.models import IssuedTranscript
from cmeledger.reports.testing import follow_texas

pytestmark = pytest.mark.django_db
PATHS = [
    "/api/v1/packet?set=us-tx-md",
    "/api/v1/mock-audit?set=us-tx-md",
    "/api/v1/exports/entries.csv",
    "/api/v1/exports/ledger.json",
]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


def add(user, title, completed_on, **extra):
    fields = entry_fields(
        title=title, start_date=None, end_date=None, completed_on=completed_on,
        credits=Decimal("1.50"), **extra,
    )  # fmt: skip
    source = fields.pop("source", Source.SELF)
    return services.create_entry(user, user, fields, source=source)


@pytest.fixture
def texan(alice, organization):
    follow_texas(alice)
    proven = add(alice, "Proven course", date(2025, 5, 4))
    certificate = store_certificate(alice, make_pdf("proof"), "proof.pdf").certificate
    services.attach_certificate(proven, certificate, alice)
    add(alice, "Unproven course", date(2025, 6, 1), credit_type="ama-pra-2")
    add(
        alice, "Reported course", date(2026, 1, 5),
        source=Source.ORGANIZATION, reported_by=organization,
    )  # fmt: skip
    return alice


@pytest.fixture
def bob_texan(bob):
    License.objects.create(clinician=bob, state="TX", number="T-999", expires_on=date(2027, 2, 28))
    add(bob, "Bob's secret course", date(2025, 7, 1))
    return bob


def test_the_packet_is_a_zip_whose_checksums_hold(api, texan):
    response = api.get("/api/v1/packet?set=us-tx-md")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        'filename="audit-packet-us-tx-md-20250301-20270228.zip"' in response["Content-Disposition"]
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [
        "00_cover.pdf", "01_transcript.pdf", "02_2025-05-04_proven-course.pdf",
        "manifest.csv", "SHA256SUMS",
    ]  # fmt: skip
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert IssuedTranscript.objects.filter(clinician=texan).count() == 1


def test_the_mock_audit_lists_entries_without_certificates(api, texan):
    body = api.get("/api/v1/mock-audit?set=us-tx-md&on=2026-06-01").json()
    assert body["set_id"] == "us-tx-md" and body["count"] == 2
    assert [(m["title"], m["organization_reported"]) for m in body["missing"]] == [
        ("Unproven course", False),
        ("Reported course", True),
    ]
    assert body["missing"][1]["reported_by"] == "Acme CME Institute"
    assert body["missing"][0]["credits"] == "1.50"


def test_the_csv_export_filters_and_parses_back(api, texan):
    response = api.get("/api/v1/exports/entries.csv?credit_type=ama-pra-2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row["title"] for row in csv.DictReader(io.StringIO(text))] == ["Unproven course"]


def test_the_json_export_filters_and_validates(api, texan):
    response = api.get("/api/v1/exports/ledger.json?from=2025-06-01&source=self")
    assert response.status_code == 200
    document = json.loads(response.content)
    jsonschema.validate(document, json_schema())
    assert [e["title"] for e in document["entries"]] == ["Unproven course"]


def test_another_clinicians_data_is_never_included(bob_api, texan, bob_texan):
    csv_text = b"".join(bob_api.get("/api/v1/exports/entries.csv").streaming_content).decode()
    assert "Bob's secret course" in csv_text and "Proven course" not in csv_text
    ledger = bob_api.get("/api/v1/exports/ledger.json").json()
    assert [e["title"] for e in ledger["entries"]] == ["Bob's secret course"]
    body = bob_api.get("/api/v1/mock-audit?set=us-tx-md").json()
    assert [m["title"] for m in body["missing"]] == ["Bob's secret course"]
    response = bob_api.get("/api/v1/packet?set=us-tx-md")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "Proven" not in " ".join(archive.namelist())
    assert "Proven course" not in archive.read("manifest.csv").decode()


@pytest.mark.parametrize("url", PATHS)
def test_every_operation_answers_401_without_credentials(texan, url):
    response = Client().get(url)
    assert response.status_code == 401


@pytest.mark.parametrize("url", PATHS)
def test_every_operation_is_for_clinicians_only(org_member, board_staff, url):
    for user in (org_member, board_staff):
        response = token_client(user).get(url)
        assert response.status_code == 403
        assert "for clinicians" in response.json()["error"]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/packet?set=us-zz-md", 400, "You do not follow the requirement set us-zz-md."),
        ("/api/v1/packet", 422, "set"),
        ("/api/v1/packet?set=us-tx-md&on=not-a-date", 422, "on"),
        ("/api/v1/packet?set=us-tx-md&on=1800-01-01", 400, "out of range"),
        ("/api/v1/mock-audit?set=abpmr-cc", 400, "You do not follow the requirement set abpmr-cc."),
        ("/api/v1/mock-audit?set=" + "x" * 65, 422, "set"),
        ("/api/v1/exports/entries.csv?from=2026-01-01&to=2025-01-01", 400, "to: the end date"),
        ("/api/v1/exports/entries.csv?from=1900-01-01", 400, "from: the date 1900-01-01"),
        ("/api/v1/exports/entries.csv?credit_type=ama-pra-9", 422, "credit_type"),
        ("/api/v1/exports/ledger.json?set=us-zz-md", 400, "set: you do not follow"),
        ("/api/v1/exports/ledger.json?source=telepathy", 422, "source"),
        ("/api/v1/exports/ledger.json?to=2025-13-01", 422, "to"),
        ("/api/v1/exports/entries.csv?from=yesterday", 422, "from"),
    ],
)
def test_bad_input_gets_a_clear_error_and_issues_nothing(api, texan, url, status, message):
    response = api.get(url)
    assert response.status_code == status, response.content
    body = response.json()
    if status == 400:
        assert message in body["error"]
    else:  # refused by the schema: the message is filed under the parameter's name
        assert body["errors"][message]
    assert not IssuedTranscript.objects.exists()


def test_the_operations_are_documented_with_their_file_types(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "application/zip" in paths["/api/v1/packet"]["get"]["responses"]["200"]["content"]
    csv_op = paths["/api/v1/exports/entries.csv"]["get"]
    assert "text/csv" in csv_op["responses"]["200"]["content"]
    assert "from" in {p["name"] for p in csv_op["parameters"]}
