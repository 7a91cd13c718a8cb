"""The reporting endpoints: batches, file jobs, records and corrections, for organizations
only, each seeing its own."""

from __future__ import annotations

import json
import os
from datetime import date

import hypothesis
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from schemathesis import checks

from cmeledger.accounts.models import Role, User
from cmeledger.api.tests.conftest import token_client
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.npi import make_npi
from cmeledger.reporting import services
from cmeledger.reporting.models import (
    CorrectionRequest,
    RecordState,
    ReportedRecord,
    Submission,
    SubmissionStatus,
)
from cmeledger.reporting.sample import ensure_organization
from cmeledger.wsgi import application

pytestmark = pytest.mark.django_db

NPI = make_npi("123456789")
BATCH = "/api/v1/reports/completions"
FILES = "/api/v1/reports/files"


def member(slug: str) -> User:
    return User.objects.create_user(
        f"reports@{slug}.example.org",
        PASSWORD,
        role=Role.ORGANIZATION,
        organization=ensure_organization(slug),
    )


def org_client(user: User) -> Client:
    _, key = services.issue_token(user, "ci")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def reporter() -> User:
    return member("north-cme")


@pytest.fixture
def reports(reporter) -> Client:
    """North CME's script, calling with the organization's token."""
    return org_client(reporter)


@pytest.fixture
def outsider() -> Client:
    """Another organization's script."""
    return org_client(member("south-cme"))


@pytest.fixture
def carol(db) -> User:
    return make_clinician(
        "carol@example.org", "Carol", "Cho", degree="MD", npi=NPI, birth_month=9, birth_day=30
    )


def record(record_id: str, **changes) -> dict:
    data = {
        "record_id": record_id,
        "activity": {"id": "A1", "title": "Spasticity update", "kind": "live"},
        "learner": {
            "npi": NPI,
            "first_name": "Carol",
            "last_name": "Cho",
            "birth_date": "09/30",
        },
        "completed_on": "2025-03-01",
        "credits": {"ama-pra-1": 1.5},
        "topics": ["ethics"],
        "consent": True,
    }
    data.update(changes)
    return data


def send(client: Client, records: list) -> dict:
    response = client.post(BATCH, json.dumps({"records": records}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def upload(client: Client, name: str, content: bytes, **fields):
    return client.post(FILES, {"file": SimpleUploadedFile(name, content), **fields})


CSV = (
    b"record_id,activity_title,completed_on,npi,last_name,birth_date,credit_type,credits\n"
    b"F-1,Stroke recovery,2025-02-01," + NPI.encode() + b",Cho,09/30,ama-pra-1,2\n"
    b"F-2,Stroke recovery,2025-02-01," + NPI.encode() + b",Cho,09/30,ama-pra-1,-1\n"
)


# --- batches -------------------------------------------------------------------------------


def test_a_batch_stores_records_and_credits_the_matched_clinician(reports, carol):
    unknown = record("R-2", learner={"npi": make_npi("198765432")})
    body = send(reports, [record("R-1"), unknown])
    assert body["counts"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "invalid": 0,
        "matched": 1,
        "waiting": 1,
    }
    assert [(r["index"], r["record_id"], r["status"], r["state"]) for r in body["results"]] == [
        (1, "R-1", "created", "matched"),
        (2, "R-2", "created", "unmatched"),
    ]
    entry = CreditEntry.objects.get(clinician=carol)
    assert entry.title == "Spasticity update" and entry.reported_record.record_key == "R-1"
    job = Submission.objects.get(pk=body["submission"])
    assert job.channel == "api" and job.status == SubmissionStatus.DONE


def test_bad_records_get_their_own_errors_and_good_ones_still_land(reports, carol):
    body = send(
        reports,
        [
            record("R-1"),
            record("R-2", credits={"ama-pra-1": -1}),
            "not a record",
            record("R-4", activity={"title": ""}, colour="blue"),
        ],
    )
    assert body["counts"]["created"] == 1 and body["counts"]["invalid"] == 3
    good, credits, text, shape = body["results"]
    assert good["status"] == "created" and good["errors"] == []
    assert credits == {
        "index": 2,
        "record_id": "R-2",
        "status": "invalid",
        "state": "",
        "errors": [{"field": "credits", "message": "ama-pra-1: enter an amount above 0"}],
    }
    assert text["errors"] == [{"field": "record", "message": "expected an object, not text"}]
    assert shape["record_id"] == "R-4"
    assert {"field": "colour", "message": "unknown field 'colour'"} in shape["errors"]
    assert list(ReportedRecord.objects.values_list("record_key", flat=True)) == ["R-1"]


def test_the_error_field_is_the_records_own_path(reports):
    [result] = send(reports, [record("R-1", activity={"title": ""})])["results"]
    assert {"field": "activity.title", "message": "missing"} in result["errors"]


def test_sending_the_same_batch_again_changes_nothing(reports, carol):
    batch = [record("R-1"), record("R-2")]
    send(reports, batch)
    again = send(reports, batch)
    assert again["counts"]["unchanged"] == 2 and again["counts"]["created"] == 0
    assert [r["status"] for r in again["results"]] == ["unchanged", "unchanged"]
    assert [r["state"] for r in again["results"]] == ["matched", "matched"]
    assert CreditEntry.objects.filter(clinician=carol).count() == 2


def test_a_changed_record_is_updated_and_a_withdrawn_one_withdrawn(reports, carol):
    send(reports, [record("R-1"), record("R-2")])
    body = send(
        reports, [record("R-1", credits={"ama-pra-1": 3}), record("R-2", status="withdrawn")]
    )
    assert [(r["status"], r["state"]) for r in body["results"]] == [
        ("updated", "matched"),
        ("withdrawn", "withdrawn"),
    ]
    assert str(CreditEntry.objects.live().get(clinician=carol).credits) == "3.00"


def test_more_than_10000_records_are_refused_and_nothing_is_stored(reports):
    records = [{"record_id": f"R-{n}"} for n in range(10_001)]
    response = reports.post(
        BATCH, json.dumps({"records": records}), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"].startswith(
        "At most 10,000 records per request; this one has 10,001."
    )
    assert not Submission.objects.exists() and not ReportedRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ('{"records": [', 400, {"error": "Cannot parse request body"}),
        ('{"records": "R-1"}', 422, {"errors": {"records": ["Input should be a valid list"]}}),
        ('{"records": []}', 422, None),
        ('{"rows": []}', 422, None),
    ],
)
def test_a_malformed_body_is_refused_with_a_clear_error(reports, body, status, answer):
    response = reports.post(BATCH, body, content_type="application/json")
    assert response.status_code == status, response.content
    if answer is not None:
        assert response.json() == answer
    assert not Submission.objects.exists()


def test_an_organization_without_an_agreement_cannot_report(reports, reporter):
    reporter.organization.agreement.delete()
    response = reports.post(
        BATCH, json.dumps({"records": [record("R-1")]}), content_type="application/json"
    )
    assert response.status_code == 403
    assert "no data-sharing agreement" in response.json()["error"]
    assert not ReportedRecord.objects.exists()


# --- who may call --------------------------------------------------------------------------

EVERY = [
    ("post", BATCH),
    ("post", FILES),
    ("get", "/api/v1/reports/jobs/1"),
    ("get", "/api/v1/reports/jobs/1/errors"),
    ("get", "/api/v1/reports/jobs/1/errors.csv"),
    ("post", "/api/v1/reports/jobs/1/cancel"),
    ("get", "/api/v1/reports/records"),
    ("get", "/api/v1/reports/records/R-1"),
    ("post", "/api/v1/reports/records/R-1/withdraw"),
    ("get", "/api/v1/reports/corrections"),
    ("post", "/api/v1/reports/corrections/1/decline"),
]


@pytest.mark.parametrize(("method", "url"), EVERY)
def test_personal_tokens_are_401_on_every_reporting_endpoint(alice, reporter, method, url):
    for user in (alice, reporter):  # a clinician's, and an organization member's own
        response = getattr(token_client(user), method)(url, content_type="application/json")
        assert response.status_code == 401
        assert "organization's API token" in response.json()["error"]


@pytest.mark.parametrize(("method", "url"), EVERY)
def test_a_clinicians_session_is_403_on_every_reporting_endpoint(alice_client, method, url):
    response = getattr(alice_client, method)(url, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == (
        "This endpoint is for reporting organizations; this account's role is clinician."
    )


def test_an_organization_token_is_401_on_the_clinician_endpoints(reports):
    for url in ("/api/v1/me", "/api/v1/entries", "/api/v1/certificates", "/api/v1/progress"):
        assert reports.get(url).status_code == 401


def test_a_revoked_organization_token_is_401(reporter):
    token, key = services.issue_token(reporter, "old")
    token.revoke()
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get("/api/v1/reports/records").status_code == 401


def test_a_token_stops_working_when_its_creator_leaves_the_organization(reporter, reports):
    reporter.organization = ensure_organization("west-cme")
    reporter.save(update_fields=["organization"])
    assert reports.get("/api/v1/reports/records").status_code == 401


def test_a_members_session_works_and_writes_need_the_csrf_token(reporter, carol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    client.get("/accounts/profile/")  # sets the csrftoken cookie
    assert client.get("/api/v1/reports/records").status_code == 200
    payload = json.dumps({"records": [record("R-1")]})
    refused = client.post(BATCH, payload, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    assert not ReportedRecord.objects.exists()
    token = client.cookies["csrftoken"].value
    response = client.post(
        BATCH, payload, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.content
    assert Submission.objects.get().submitted_by == reporter


def test_another_organizations_objects_are_404(reports, outsider, carol):
    job = send(reports, [record("R-1"), record("R-2", credits={})])["submission"]
    entry = CreditEntry.objects.get(clinician=carol)
    correction = services.request_correction(carol, entry, "The date is wrong.")
    for method, url in (
        ("get", f"/api/v1/reports/jobs/{job}"),
        ("get", f"/api/v1/reports/jobs/{job}/errors"),
        ("get", f"/api/v1/reports/jobs/{job}/errors.csv"),
        ("post", f"/api/v1/reports/jobs/{job}/cancel"),
        ("get", "/api/v1/reports/records/R-1"),
        ("post", "/api/v1/reports/records/R-1/withdraw"),
    ):
        response = getattr(outsider, method)(url)
        assert response.status_code == 404, url
        assert response.json()["error"].startswith("Your organization has no")
    declined = outsider.post(
        f"/api/v1/reports/corrections/{correction.pk}/decline",
        json.dumps({"reason": "No."}),
        content_type="application/json",
    )
    assert declined.status_code == 404
    assert declined.json() == {"error": "No such correction request."}
    assert outsider.get("/api/v1/reports/records").json()["count"] == 0
    assert outsider.get("/api/v1/reports/corrections").json()["count"] == 0
    assert ReportedRecord.objects.get(record_key="R-1").state == RecordState.MATCHED
    correction.refresh_from_db()
    assert correction.status == "open"


def test_missing_jobs_records_and_corrections_are_404(reports):
    assert reports.get("/api/v1/reports/jobs/999").status_code == 404
    assert reports.get("/api/v1/reports/records/nope").status_code == 404
    assert reports.get("/api/v1/reports/jobs/abc").json()["error"].startswith("No such endpoint")


# --- files and jobs ------------------------------------------------------------------------


def test_an_uploaded_file_becomes_a_job_that_reads_it(
    reports, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(reports, "north.csv", CSV)
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued" and queued["channel"] == "api"
    assert queued["original_name"] == "north.csv" and queued["size"] == len(CSV)
    job = reports.get(f"/api/v1/reports/jobs/{queued['id']}").json()
    assert job["status"] == "done" and job["percent"] == 100
    assert job["format"] == "csv" and job["rows_done"] == 3 and job["bytes_done"] == len(CSV)
    assert job["counts"]["created"] == 1 and job["counts"]["invalid"] == 1
    assert job["counts"]["matched"] == 1
    assert job["started_at"] and job["finished_at"] and job["message"] == ""
    assert job["links"] == {
        "errors": f"/api/v1/reports/jobs/{queued['id']}/errors",
        "errors_csv": f"/api/v1/reports/jobs/{queued['id']}/errors.csv",
    }
    assert CreditEntry.objects.get(clinician=carol).title == "Stroke recovery"


def test_the_errors_of_a_job_as_json_and_as_csv(reports, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(reports, "north.csv", CSV).json()["id"]
    errors = reports.get(f"/api/v1/reports/jobs/{job}/errors").json()
    field = "credits / credit_type / moc_points / sa_credits"
    message = "ama-pra-1: enter an amount above 0"
    assert errors == {
        "count": 1,
        "items": [{"row": 3, "record_id": "F-2", "field": field, "message": message}],
    }
    response = reports.get(f"/api/v1/reports/jobs/{job}/errors.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="job-{job}-errors.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines() == ["row,record_id,field,message", f"3,F-2,{field},{message}"]


def test_a_batchs_errors_can_be_read_as_its_jobs(reports):
    job = send(reports, [record("R-1", completed_on="someday")])["submission"]
    [error] = reports.get(f"/api/v1/reports/jobs/{job}/errors").json()["items"]
    assert (error["row"], error["record_id"]) == (1, "R-1")
    assert error["message"] == "'someday' is not a date"


def test_a_file_the_job_cannot_read_fails_the_job_with_the_reason(
    reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(reports, "notes.csv", b"colour,size\nblue,2\n").json()["id"]
    body = reports.get(f"/api/v1/reports/jobs/{job}").json()
    assert body["status"] == "failed"
    assert body["message"].startswith("Unknown column(s) 'colour', 'size'")


def test_the_format_and_encoding_are_checked_at_the_door(reports):
    bad_format = upload(reports, "x.csv", CSV, format="xlsx")
    assert bad_format.status_code == 422 and "format" in bad_format.json()["errors"]
    bad_encoding = upload(reports, "x.csv", CSV, encoding="klingon")
    assert bad_encoding.status_code == 422
    assert bad_encoding.json() == {
        "errors": {"encoding": ["Unknown encoding 'klingon'; for example utf-8 or cp1252."]}
    }
    missing = reports.post(FILES, {})
    assert missing.status_code == 422 and missing.json()["errors"] == {"file": ["Field required"]}
    assert not Submission.objects.exists()


def test_without_an_agreement_a_file_is_refused_up_front_as_the_portal_does(reports, reporter):
    reporter.organization.agreement.delete()
    response = upload(reports, "north.csv", CSV)
    assert response.status_code == 403
    assert response.json() == {
        "error": "North Cme has no data-sharing agreement in force, so it cannot report "
        "completions; ask the site's administrators for one."
    }
    assert not Submission.objects.exists()


def test_an_agreement_that_has_ended_refuses_a_file_too(reports, reporter):
    agreement = reporter.organization.agreement
    agreement.starts_on = date(2020, 1, 1)
    agreement.ends_on = date(2020, 12, 31)
    agreement.save(update_fields=["starts_on", "ends_on"])
    response = upload(reports, "north.csv", CSV)
    assert response.status_code == 403
    assert "no data-sharing agreement in force" in response.json()["error"]
    assert not Submission.objects.exists()


def test_a_file_over_the_limit_is_413(reports, settings):
    settings.REPORTING_MAX_FILE_BYTES = 50
    response = upload(reports, "north.csv", CSV)
    assert response.status_code == 413
    assert "Split it into several files" in response.json()["error"]
    assert not Submission.objects.exists()


def test_cancelling_a_queued_job_stops_it_and_a_finished_one_is_left_alone(
    reports, django_capture_on_commit_callbacks
):
    queued = upload(reports, "north.csv", CSV).json()["id"]  # its start never commits here
    body = reports.post(f"/api/v1/reports/jobs/{queued}/cancel").json()
    assert body["status"] == "cancelled" and body["cancel_requested"] is True
    with django_capture_on_commit_callbacks(execute=True):
        done = upload(reports, "north.csv", CSV).json()["id"]
    before = reports.get(f"/api/v1/reports/jobs/{done}").json()
    response = reports.post(f"/api/v1/reports/jobs/{done}/cancel")
    assert response.status_code == 200
    assert response.json() == before
    assert before["status"] == "done" and before["cancel_requested"] is False


# --- records -------------------------------------------------------------------------------


def test_records_are_listed_searched_and_filtered(reports, carol):
    unknown = record("R-2", learner={"npi": make_npi("198765432")})
    send(reports, [record("R-1"), unknown, record("R-3", activity={"title": "Ethics rounds"})])
    every = reports.get("/api/v1/reports/records").json()
    assert every["count"] == 3
    assert set(every["items"][0]) == {
        "record_id",
        "state",
        "wait_reason",
        "learner",
        "activity_title",
        "completed_on",
        "updated_at",
    }
    waiting = reports.get("/api/v1/reports/records?state=unmatched").json()
    assert [r["record_id"] for r in waiting["items"]] == ["R-2"]
    found = reports.get("/api/v1/reports/records?q=ethics").json()
    assert [r["record_id"] for r in found["items"]] == ["R-3"]
    assert reports.get("/api/v1/reports/records?q=R-1").json()["items"][0]["record_id"] == "R-1"
    page = reports.get("/api/v1/reports/records?limit=2&offset=2").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    assert reports.get("/api/v1/reports/records?state=lost").status_code == 422


def test_a_record_is_read_by_the_organizations_own_id(reports, carol):
    send(reports, [record("R-1")])
    body = reports.get("/api/v1/reports/records/R-1").json()
    assert body["record_id"] == "R-1" and body["state"] == "matched"
    assert body["matched_by"] == "npi" and body["withdrawn_at"] is None
    assert body["payload"]["activity"]["title"] == "Spasticity update"
    assert body["payload"]["credits"] == {"ama-pra-1": "1.50"}
    assert body["payload"]["learner"]["npi"] == NPI


def test_withdrawing_a_record_takes_it_out_of_the_clinicians_totals(reports, carol):
    send(reports, [record("R-1")])
    response = reports.post("/api/v1/reports/records/R-1/withdraw")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn" and response.json()["withdrawn_at"]
    assert not CreditEntry.objects.live().filter(clinician=carol).exists()
    again = reports.post("/api/v1/reports/records/R-1/withdraw")
    assert again.status_code == 400
    assert again.json() == {"error": "This record is already withdrawn."}


# --- corrections ---------------------------------------------------------------------------


@pytest.fixture
def correction(reports, carol) -> CorrectionRequest:
    send(reports, [record("R-1")])
    entry = CreditEntry.objects.get(clinician=carol)
    return services.request_correction(carol, entry, "I attended on March 2nd.")


def decline(client: Client, correction_id: int, data: dict):
    return client.post(
        f"/api/v1/reports/corrections/{correction_id}/decline",
        json.dumps(data),
        content_type="application/json",
    )


def test_correction_requests_are_listed_by_status(reports, correction):
    body = reports.get("/api/v1/reports/corrections").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == correction.pk and item["record_id"] == "R-1"
    assert item["message"] == "I attended on March 2nd." and item["status"] == "open"
    assert reports.get("/api/v1/reports/corrections?status=declined").json()["count"] == 0
    assert reports.get("/api/v1/reports/corrections?status=open").json()["count"] == 1


def test_declining_a_correction_needs_a_reason_and_happens_once(reports, correction, reporter):
    blank = decline(reports, correction.pk, {"reason": "  "})
    assert blank.status_code == 400
    assert blank.json() == {"error": "Give the clinician a reason for declining."}
    response = decline(reports, correction.pk, {"reason": "Our attendance log says March 1st."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined" and response.json()["resolved_at"]
    correction.refresh_from_db()
    assert correction.response == "Our attendance log says March 1st."
    assert correction.resolved_by == reporter
    again = decline(reports, correction.pk, {"reason": "Still no."})
    assert again.status_code == 400
    assert again.json() == {"error": "This request has already been answered."}
    assert decline(reports, correction.pk, {}).status_code == 422


# --- generated input -----------------------------------------------------------------------

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex="^/api/v1/reports/"
)


@pytest.fixture
def _keep_the_test_connection():
    """As in test_fuzz: plain WSGI calls would close the test's database connection.
    Requested after any fixture that uses Django's test client, which connects the
    signal handlers again when its request ends."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def organization_token(reporter, carol) -> str:
    send(org_client(reporter), [record("R-1")])
    return services.issue_token(reporter, "fuzz")[1]


@schema.parametrize()
@hypothesis.settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    derandomize=not os.environ.get("FUZZ_EXAMPLES"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_reporting_requests_never_cause_a_server_error(
    case, organization_token, _keep_the_test_connection
):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {organization_token}"},
        checks=[checks.not_a_server_error, checks.status_code_conformance],
    )


def test_a_record_says_why_it_waits_and_how_it_matched(reports, carol):
    send(reports, [record("W-1", learner={"npi": NPI, "last_name": "Chou", "birth_date": "09/30"})])
    send(reports, [record("M-1")])
    waiting = reports.get("/api/v1/reports/records/W-1").json()
    assert waiting["state"] == "unmatched"
    assert waiting["wait_reason"] == "last name differs from the account holding its NPI"
    assert waiting["match_evidence"] == ""
    matched = reports.get("/api/v1/reports/records/M-1").json()
    assert matched["wait_reason"] == ""
    assert matched["match_evidence"] == (
        "matched by NPI, last name and month/day of birth (NPI claimed at the time)"
    )
