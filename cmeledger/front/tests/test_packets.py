"""The mock-audit page, the packet download and the exports pages: what they show and send,
who may open them, and what bad parameters get."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import jsonschema
import pytest
import time_machine
from django.urls import reverse

from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.testing import entry_fields, make_pdf
from cmeledger.ledger.vocabulary import Source
from cmeledger.portable.schema import json_schema
from cmeledger.reports.models import IssuedTranscript
from cmeledger.reports.testing import follow_texas

pytestmark = pytest.mark.django_db
PAGES = ["mock-audit", "packet-download", "exports", "export-csv", "export-json"]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


def add(user, title, completed_on, **extra):
    fields = entry_fields(
        title=title, start_date=None, end_date=None, completed_on=completed_on,
        credits=Decimal("2.00"), **extra,
    )  # fmt: skip
    source = fields.pop("source", Source.SELF)
    return services.create_entry(user, user, fields, source=source)


@pytest.fixture
def texan(alice, organization):
    follow_texas(alice)
    proven = add(alice, "Proven course", date(2025, 5, 4))
    certificate = store_certificate(alice, make_pdf("proof"), "proof.pdf").certificate
    services.attach_certificate(proven, certificate, alice)
    add(alice, "Unproven <b>course</b>", date(2025, 6, 1))
    add(
        alice, "Reported course", date(2026, 1, 5),
        source=Source.ORGANIZATION, reported_by=organization,
    )  # fmt: skip
    return alice


def test_the_reports_page_links_to_the_mock_audit_and_exports(alice_client):
    page = alice_client.get(reverse("reports")).content.decode()
    assert reverse("mock-audit") in page and reverse("exports") in page


def test_the_mock_audit_offers_the_sets_followed(client, texan):
    client.force_login(texan)
    page = client.get(reverse("mock-audit")).content.decode()
    assert '<option value="us-tx-md"' in page
    assert reverse("packet-download") in page


def test_the_mock_audit_without_sets_says_how_to_get_one(alice_client):
    page = alice_client.get(reverse("mock-audit")).content.decode()
    assert "You follow no requirement sets yet" in page


def test_the_mock_audit_lists_entries_without_proof_with_links_to_attach_it(client, texan):
    client.force_login(texan)
    response = client.get(reverse("mock-audit"), {"set": "us-tx-md"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Entries without a certificate (2)" in page
    unproven = texan.entries.get(title__startswith="Unproven")
    assert reverse("entry-detail", args=[unproven.pk]) in page
    assert "Unproven &lt;b&gt;course&lt;/b&gt;" in page
    assert "Organization-reported:" in page and "Acme CME Institute" in page
    assert "Proven course" not in page


def test_the_packet_download_is_a_zip_from_a_temporary_file(client, texan):
    client.force_login(texan)
    response = client.get(reverse("packet-download"), {"set": "us-tx-md"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert int(response["Content-Length"]) > 0
    assert "audit-packet-us-tx-md-20250301-20270228.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "02_2025-05-04_proven-course.pdf" in archive.namelist()
    assert "Unproven <b>course</b>" in archive.read("manifest.csv").decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "set: choose the requirement set whose cycle is audited."),
        ({"set": "us-zz-md"}, "You do not follow the requirement set us-zz-md."),
        ({"set": "us-tx-md", "on": "31/12/2025"}, "this date: enter a date as YYYY-MM-DD"),
        ({"set": "us-tx-md", "on": "0001-01-01"}, "this date: the date 0001-01-01 must be"),
        ({"set": "x" * 200}, "set: a set id has at most 64 characters."),
    ],
)
def test_a_bad_packet_request_shows_the_page_with_the_reason(client, texan, query, message):
    client.force_login(texan)
    response = client.get(reverse("packet-download"), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IssuedTranscript.objects.exists()


def test_a_bad_mock_audit_request_is_400_with_the_reason(client, texan):
    client.force_login(texan)
    response = client.get(reverse("mock-audit"), {"set": "abpmr-cc"})
    assert response.status_code == 400
    assert "You do not follow the requirement set abpmr-cc." in response.content.decode()


def test_the_exports_page_has_a_labelled_filter_form(alice_client):
    page = alice_client.get(reverse("exports")).content.decode()
    for field in ("export-from", "export-to", "export-type", "export-source", "export-set"):
        assert f'<label for="{field}">' in page
    assert reverse("export-json") in page
    assert "id, completed_on, start_date" in page


def test_the_csv_download_is_filtered_and_parses_back(client, texan):
    client.force_login(texan)
    response = client.get(reverse("export-csv"), {"from": "2025-06-01", "source": "self"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "cme-entries-filtered-20261123.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row["title"] for row in csv.DictReader(io.StringIO(text))] == ["Unproven <b>course</b>"]


def test_the_json_download_validates_against_the_portable_schema(client, texan):
    client.force_login(texan)
    response = client.get(reverse("export-json"), {"set": "us-tx-md"})
    assert response.status_code == 200
    document = json.loads(response.content)
    jsonschema.validate(document, json_schema())
    assert len(document["entries"]) == 3


@pytest.mark.parametrize("name", ["export-csv", "export-json"])
def test_a_bad_filter_shows_the_exports_page_naming_the_field(alice_client, name):
    response = alice_client.get(reverse(name), {"credit_type": "ama-pra-9"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Credit type: unknown code" in page and 'role="alert"' in page


def test_another_clinicians_entries_are_never_exported(client, texan, bob):
    add(bob, "Bob's course", date(2025, 7, 1))
    client.force_login(bob)
    text = b"".join(client.get(reverse("export-csv")).streaming_content).decode("utf-8-sig")
    assert "Bob's course" in text and "Proven course" not in text
    document = client.get(reverse("export-json")).json()
    assert [entry["title"] for entry in document["entries"]] == ["Bob's course"]
    # Alice's set is not Bob's: he cannot open her cycle's audit.
    response = client.get(reverse("mock-audit"), {"set": "us-tx-md"})
    assert response.status_code == 400 and "Proven course" not in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_get_403_on_every_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for name in PAGES:
        assert client.get(reverse(name), {"set": "us-tx-md"}).status_code == 403, name


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_take_only_get(alice_client, name):
    assert alice_client.post(reverse(name)).status_code == 405


def test_a_certificate_lost_from_storage_is_named_and_no_code_is_recorded(client, texan):
    certificate = texan.certificates.get()
    certificate.file.storage.delete(certificate.file.name)
    client.force_login(texan)
    response = client.get(reverse("packet-download"), {"set": "us-tx-md"})
    assert response.status_code == 400
    assert f"The file of certificate {certificate.pk} is missing" in response.content.decode()
    assert not IssuedTranscript.objects.exists()
