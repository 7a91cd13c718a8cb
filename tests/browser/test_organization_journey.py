"""An organization member's day in Chromium: create an API token, upload a reporting
file and watch its progress bar reach done, read the rejected rows, and answer a
clinician's correction request by correcting the record. Every key page is checked
with axe-core."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cmeledger.accounts.models import ApiToken, Role, User
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.npi import make_npi
from cmeledger.reporting import jobs, services
from cmeledger.reporting.models import (
    CorrectionRequest,
    CorrectionStatus,
    ReportedRecord,
    Submission,
    SubmissionStatus,
)
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization
from tests.browser.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER = "reports@acme.example.org"
NPI = make_npi("123456789")
UPLOAD = (
    "record_id,activity_title,activity_kind,completed_on,credit_type,credits,npi,"
    "first_name,last_name,birth_date\n"
    f"R-1,Spasticity management update,live,2025-05-04,ama-pra-1,2.5,{NPI},Alice,Abbot,04/12\n"
    "R-2,Pain medicine update,live,2025-13-45,ama-pra-1,1,,Nobody,Known,03/04\n"
    f"R-3,Stroke recovery,live,2025-06-01,ama-pra-1,1.5,{NPI},Alice,Abbot,04/12\n"
)


@pytest.fixture
def member(db) -> User:
    acme = ensure_organization("acme-cme", "Acme CME Institute")
    return User.objects.create_user(MEMBER, PASSWORD, role=Role.ORGANIZATION, organization=acme)


@pytest.fixture
def alice(db) -> User:
    return make_clinician(
        "alice@example.net", "Alice", "Abbot", degree="MD", npi=NPI, birth_month=4, birth_day=12
    )


@pytest.fixture
def correction(member, alice) -> CorrectionRequest:
    """A record Acme reported earlier, and Alice's request to fix its credits."""
    fields = {
        "record_id": "R-0",
        "activity_title": "Gait analysis workshop",
        "activity_kind": "live",
        "completed_on": "2025-03-08",
        "credits": "ama-pra-1=2",
        "npi": NPI,
        "first_name": "Alice",
        "last_name": "Abbot",
        "birth_date": "04/12",
    }
    services.submit_batch(member, member.organization, [RawRow(2, raw(**fields))])
    entry = CreditEntry.objects.get(clinician=alice, title="Gait analysis workshop")
    return services.request_correction(alice, entry, "The workshop ran 3 hours, not 2.")


def test_a_member_creates_a_token(live_server, page, member):
    log_in(page, live_server.url, MEMBER, PASSWORD)
    page.get_by_role("link", name="Tokens", exact=True).click()
    expect(page).to_have_url(re.compile(r"/organization/tokens/$"))
    expect(page.get_by_text("Your organization has no API tokens.")).to_be_visible()
    screenshot(page, "organization-tokens")
    assert_accessible(page, "organization-tokens")
    page.get_by_label("Token name").fill("LMS sync")
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("heading", name="Token “LMS sync” created")).to_be_visible()
    key = page.get_by_label("The new token").input_value()
    token = ApiToken.objects.get()
    assert key.startswith("cme_") and token.key_hash == ApiToken.hash_key(key)
    assert (token.name, token.organization, token.user) == (
        "LMS sync",
        member.organization,
        member,
    )
    screenshot(page, "organization-token-created")
    assert_accessible(page, "organization-token-created")

    page.get_by_role("link", name="Done").click()
    row = page.get_by_role("row", name=re.compile("LMS sync"))
    expect(row).to_contain_text(token.hint)
    expect(row).to_contain_text("Active")
    expect(page.get_by_text(key)).to_have_count(0)  # shown once only


def test_an_upload_shows_live_progress_to_done_and_the_rejected_rows(
    live_server, page, member, alice, settings, tmp_path
):
    # The job waits in the queue until the test runs it, so the page is seen polling.
    settings.TASKS = {
        "default": {
            **settings.TASKS["default"],
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
    }
    log_in(page, live_server.url, MEMBER, PASSWORD)
    page.get_by_role("link", name="Submissions", exact=True).click()
    page.get_by_role("link", name=re.compile("Upload")).first.click()
    expect(page).to_have_url(re.compile(r"/organization/submissions/new/$"))
    screenshot(page, "organization-upload")
    assert_accessible(page, "organization-upload")
    upload = tmp_path / "spring-completions.csv"
    upload.write_text(UPLOAD)
    page.get_by_label("File", exact=True).set_input_files(str(upload))
    page.get_by_label("Format").select_option("csv")
    page.get_by_role("button", name="Upload").click()

    submission = Submission.objects.get()
    expect(page).to_have_url(re.compile(rf"/organization/submissions/{submission.pk}/$"))
    expect(page.get_by_text("Received spring-completions.csv.")).to_be_visible()
    progress = page.locator("#progress")
    bar = page.get_by_role("progressbar", name="Read so far")
    expect(progress.locator(".badge")).to_have_text("Queued")
    expect(bar).to_have_attribute("value", "0")
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()
    screenshot(page, "organization-submission-queued")
    assert_accessible(page, "organization-submission-queued")

    # A worker picks the job up; the page polls the fragment and then reloads itself.
    # Rows count as in a spreadsheet, the header being row 1.
    jobs.run(submission)
    expect(progress.locator(".badge")).to_have_text("Done")
    expect(bar).to_have_attribute("value", "100")
    expect(progress).to_contain_text("Rows read: 4")
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)
    expect(progress.locator("[hx-get]")).to_have_count(0)
    rejected = page.locator("section", has=page.get_by_role("heading", name="Rejected rows"))
    row = rejected.get_by_role("row", name=re.compile("R-2"))
    expect(row).to_contain_text("'2025-13-45' is not a date")
    expect(rejected.get_by_role("link", name="Download the rejected rows (CSV)")).to_be_visible()
    screenshot(page, "organization-submission-done")
    assert_accessible(page, "organization-submission-done")

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert (submission.created, submission.invalid, submission.matched) == (2, 1, 2)
    titles = set(CreditEntry.objects.filter(clinician=alice).values_list("title", flat=True))
    assert titles == {"Spasticity management update", "Stroke recovery"}


def test_a_member_answers_a_correction_request_by_correcting_the_record(
    live_server, page, member, alice, correction
):
    log_in(page, live_server.url, MEMBER, PASSWORD)
    page.get_by_role("link", name="Corrections", exact=True).click()
    expect(page).to_have_url(re.compile(r"/organization/corrections/$"))
    request = page.locator("section", has_text="The workshop ran 3 hours, not 2.")
    expect(
        request.get_by_role("heading", name=re.compile("Gait analysis workshop"))
    ).to_contain_text("Open")
    expect(request).to_contain_text("Record R-0")
    screenshot(page, "organization-corrections")
    assert_accessible(page, "organization-corrections")

    request.get_by_role("link", name="Correct the record").click()
    expect(page.get_by_role("heading", name="Record R-0")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text(
        "Answering the request of Alice Abbot: “The workshop ran 3 hours, not 2.”"
    )
    credits = page.get_by_label("Credits", exact=True)
    expect(credits).to_have_value("ama-pra-1=2.00")
    screenshot(page, "organization-record")
    assert_accessible(page, "organization-record")
    credits.fill("ama-pra-1=3")
    page.get_by_role("button", name="Save the correction").click()

    expect(page.get_by_text("Record corrected; the clinician sees the answer.")).to_be_visible()
    corrections = page.locator(
        "section", has=page.get_by_role("heading", name="Correction requests")
    )
    expect(corrections.locator(".badge")).to_have_text("Corrected")
    correction.refresh_from_db()
    assert (correction.status, correction.resolved_by) == (CorrectionStatus.CORRECTED, member)
    entry = CreditEntry.objects.get(clinician=alice, title="Gait analysis workshop")
    assert entry.credits == Decimal("3.00")
    assert ReportedRecord.objects.get(record_key="R-0").entries.get() == entry

    page.get_by_role("link", name="Corrections", exact=True).click()
    expect(page.get_by_role("link", name="Correct the record")).to_have_count(0)
    expect(
        page.locator("section", has_text="Gait analysis workshop").locator(".badge")
    ).to_have_text("Corrected")
