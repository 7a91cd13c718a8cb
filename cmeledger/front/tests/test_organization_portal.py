"""The organization portal: overview, submissions, records, corrections, tokens, members;
each organization sees its own objects only."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmeledger.accounts.models import ApiToken, Organization, Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.front import organization_views
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.npi import make_npi
from cmeledger.reporting import members as member_list
from cmeledger.reporting import services
from cmeledger.reporting.models import (
    Agreement,
    CorrectionRequest,
    Member,
    RecordState,
    ReportedRecord,
    Submission,
    SubmissionStatus,
)
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization

pytestmark = pytest.mark.django_db

ALICE_NPI = make_npi("123456789")
GOOD_CSV = (
    "record_id,activity_title,activity_kind,completed_on,credit_type,credits,npi,"
    "first_name,last_name,birth_date\n"
    f"R-1,Spasticity management update,live,2025-05-04,ama-pra-1,2.5,{ALICE_NPI},Alice,Abbot,04/12\n"
    "R-2,Pain medicine update,live,2025-13-45,ama-pra-1,1,,Nobody,Known,03/04\n"
    f"R-3,Stroke recovery,live,2025-06-01,ama-pra-1,1.5,{ALICE_NPI},Alice,Abbot,04/12\n"
)


@pytest.fixture
def acme(organization) -> Organization:
    """The cast's organization, with an agreement so it may report."""
    return ensure_organization(organization.slug)


@pytest.fixture
def rival(db) -> Organization:
    return ensure_organization("rival-cme", "Rival CME")


@pytest.fixture
def rival_member(rival) -> User:
    return User.objects.create_user(
        "rival@example.org", PASSWORD, role=Role.ORGANIZATION, organization=rival
    )


@pytest.fixture
def org_client(client, acme, org_member):
    client.force_login(org_member)
    return client


@pytest.fixture
def alice_npi(alice):
    alice.profile.npi = ALICE_NPI
    alice.profile.birth_month, alice.profile.birth_day = 4, 12
    alice.profile.save()
    return alice


def report(organization, member, **values) -> ReportedRecord:
    fields = {
        "record_id": "R-1",
        "activity_title": "Spasticity management update",
        "activity_kind": "live",
        "completed_on": "2025-05-04",
        "credits": "ama-pra-1=2.5",
        "topics": "ethics",
        "npi": ALICE_NPI,
        "first_name": "Alice",
        "last_name": "Abbot",
        "birth_date": "04/12",
    }
    fields.update(values)
    services.submit_batch(member, organization, [RawRow(2, raw(**fields))])
    return ReportedRecord.objects.get(organization=organization, record_key=fields["record_id"])


@pytest.fixture
def record(acme, org_member, alice_npi) -> ReportedRecord:
    return report(acme, org_member)


def csv_file(text: str, name: str = "completions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def upload(client, text: str, captured, **data):
    with captured(execute=True):
        return client.post(reverse("organization-submission-new"), {"file": csv_file(text), **data})


PAGES = [
    "organization",
    "organization-submissions",
    "organization-submission-new",
    "organization-records",
    "organization-corrections",
    "organization-tokens",
    "organization-members",
]


def object_urls(submission, record, correction, token) -> list[tuple[str, str]]:
    return [
        ("get", reverse("organization-submission", args=[submission.pk])),
        ("get", reverse("organization-submission-progress", args=[submission.pk])),
        ("get", reverse("organization-submission-errors", args=[submission.pk])),
        ("post", reverse("organization-submission-cancel", args=[submission.pk])),
        ("get", reverse("organization-record", args=[record.pk])),
        ("post", reverse("organization-record-correct", args=[record.pk])),
        ("post", reverse("organization-record-withdraw", args=[record.pk])),
        ("post", reverse("organization-correction-decline", args=[correction.pk])),
        ("post", reverse("organization-token-revoke", args=[token.pk])),
    ]


@pytest.fixture
def acme_objects(acme, org_member, record, alice):
    submission = Submission.objects.create(organization=acme, channel="upload", size=10)
    entry = CreditEntry.objects.get(reported_record=record)
    correction = services.request_correction(alice, entry, "The credits should be 3.")
    token, _ = services.issue_token(org_member, "sync")
    return submission, record, correction, token


def test_every_page_renders_for_a_member_of_the_organization(org_client, acme_objects):
    for name in PAGES:
        response = org_client.get(reverse(name))
        assert response.status_code == 200, name
    gets = [url for method, url in object_urls(*acme_objects) if method == "get"]
    for url in gets:
        assert org_client.get(url).status_code == 200, url


def test_the_nav_shows_the_portal_links_to_organization_members(org_client):
    page = org_client.get(reverse("organization")).content.decode()
    for name in ("organization-submissions", "organization-records", "organization-tokens"):
        assert reverse(name) in page
    assert reverse("entry-add") not in page


def test_the_overview_shows_the_agreement_and_the_counts(org_client, record):
    page = org_client.get(reverse("organization")).content.decode()
    assert "State license CME" in page and "Board certification (MOC/CC)" in page
    assert "ABPMR" in page
    assert "Matched</dt><dd><a" in page.replace("\n", "")
    assert f'{reverse("organization-records")}?state=matched">1</a>' in page


def test_the_overview_says_when_there_is_no_agreement(client, organization, org_member):
    client.force_login(org_member)
    page = client.get(reverse("organization")).content.decode()
    assert "has no data-sharing agreement" in page


def test_another_organization_gets_404_for_every_object(client, rival_member, acme_objects):
    client.force_login(rival_member)
    for method, url in object_urls(*acme_objects):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    submission, record, correction, token = acme_objects
    correction.refresh_from_db()
    token.refresh_from_db()
    record.refresh_from_db()
    assert correction.status == "open" and token.revoked_at is None
    assert record.state == RecordState.MATCHED


def test_another_organizations_lists_do_not_show_our_objects(client, rival_member, acme_objects):
    client.force_login(rival_member)
    submission, record, correction, token = acme_objects
    assert record.record_key not in client.get(reverse("organization-records")).content.decode()
    page = client.get(reverse("organization-corrections")).content.decode()
    assert correction.message not in page
    assert token.hint not in client.get(reverse("organization-tokens")).content.decode()
    page = client.get(reverse("organization-submissions")).content.decode()
    assert reverse("organization-submission", args=[submission.pk]) not in page


@pytest.mark.parametrize("who", ["alice", "board_staff"])
def test_clinicians_and_board_staff_cannot_reach_the_portal(client, request, who, acme_objects):
    client.force_login(request.getfixturevalue(who))
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert b"members of a reporting organization" in response.content
    for method, url in object_urls(*acme_objects):
        assert getattr(client, method)(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_log_in(client, acme_objects):
    urls = [("get", reverse(name)) for name in PAGES] + object_urls(*acme_objects)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_uploading_a_csv_shows_its_counts_and_rejected_rows(
    org_client, alice_npi, django_capture_on_commit_callbacks
):
    response = upload(org_client, GOOD_CSV, django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organization-submission", args=[submission.pk])
    assert submission.status == SubmissionStatus.DONE
    assert (submission.created, submission.invalid, submission.matched) == (2, 1, 2)
    page = org_client.get(response["Location"]).content.decode()
    assert "Received completions.csv." in page
    assert "<dt>Rejected</dt><dd>1</dd>" in page
    assert "&#x27;2025-13-45&#x27; is not a date" in page
    assert reverse("organization-submission-errors", args=[submission.pk]) in page
    assert CreditEntry.objects.filter(clinician=alice_npi).count() == 2


def test_the_rejected_rows_download_as_csv(
    org_client, alice_npi, django_capture_on_commit_callbacks
):
    upload(org_client, GOOD_CSV, django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    response = org_client.get(reverse("organization-submission-errors", args=[submission.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="submission-{submission.pk}-errors.csv"'
    )
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines() == [
        "row,record_id,field,message",
        "3,R-2,completed_on,'2025-13-45' is not a date",
    ]


def test_the_upload_passes_the_chosen_format_and_encoding(
    org_client, django_capture_on_commit_callbacks
):
    with mock.patch("cmeledger.reporting.jobs.start") as start:
        response = upload(
            org_client,
            GOOD_CSV,
            django_capture_on_commit_callbacks,
            format="csv",
            encoding="cp1252",
        )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert (submission.format, submission.encoding) == ("csv", "cp1252")
    assert submission.status == SubmissionStatus.QUEUED
    start.assert_called_once()


def test_an_unknown_encoding_is_a_form_error(org_client):
    response = org_client.post(
        reverse("organization-submission-new"),
        {"file": csv_file(GOOD_CSV), "format": "auto", "encoding": "klingon"},
    )
    assert response.status_code == 400
    assert "Unknown encoding “klingon”." in response.content.decode()
    assert not Submission.objects.exists()


def test_a_file_over_the_size_limit_is_a_form_error(org_client, settings):
    settings.REPORTING_MAX_FILE_BYTES = 100
    response = org_client.post(
        reverse("organization-submission-new"), {"file": csv_file(GOOD_CSV), "format": "auto"}
    )
    assert response.status_code == 400
    assert "files may be at most 0 MB. Split it into several files." in response.content.decode()
    assert not Submission.objects.exists()


def test_without_an_agreement_the_upload_is_refused(client, organization, org_member):
    client.force_login(org_member)
    response = client.post(
        reverse("organization-submission-new"), {"file": csv_file(GOOD_CSV), "format": "auto"}
    )
    assert response.status_code == 400
    assert "has no data-sharing agreement in force" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_progress_fragment_polls_while_the_job_runs(org_client, acme):
    submission = Submission.objects.create(
        organization=acme,
        channel="upload",
        size=1000,
        bytes_done=420,
        rows_done=17,
        created=12,
        status=SubmissionStatus.RUNNING,
    )
    url = reverse("organization-submission-progress", args=[submission.pk])
    fragment = org_client.get(url).content.decode()
    assert '<progress max="100" value="42"' in fragment
    assert "Rows read: 17" in fragment and "<dt>Created</dt><dd>12</dd>" in fragment
    assert f'hx-get="{url}" hx-trigger="every 1s"' in fragment
    page = org_client.get(reverse("organization-submission", args=[submission.pk])).content
    assert 'hx-trigger="every 1s"' in page.decode()
    assert reverse("organization-submission-cancel", args=[submission.pk]) in page.decode()


def test_the_progress_fragment_stops_polling_when_the_job_is_done(org_client, acme):
    submission = Submission.objects.create(
        organization=acme, channel="upload", size=1000, status=SubmissionStatus.DONE
    )
    url = reverse("organization-submission-progress", args=[submission.pk])
    response = org_client.get(url, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert '<progress max="100" value="100"' in fragment
    assert "hx-trigger" not in fragment
    assert response["HX-Refresh"] == "true"
    page = org_client.get(reverse("organization-submission", args=[submission.pk])).content
    assert "hx-trigger" not in page.decode()
    assert reverse("organization-submission-cancel", args=[submission.pk]) not in page.decode()


def test_cancel_stops_a_queued_submission(org_client, acme):
    submission = Submission.objects.create(organization=acme, channel="upload", size=10)
    response = org_client.post(reverse("organization-submission-cancel", args=[submission.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CANCELLED


def test_the_rejected_rows_are_paginated_by_100(org_client, acme):
    submission = Submission.objects.create(
        organization=acme, channel="upload", status=SubmissionStatus.DONE
    )
    submission.errors.bulk_create(
        [
            submission.errors.model(submission=submission, row=n, field="credits", message=f"m{n}")
            for n in range(2, 152)
        ]
    )
    url = reverse("organization-submission", args=[submission.pk])
    first = org_client.get(url).content.decode()
    assert "m101" in first and "m102" not in first and "Page 1 of 2" in first
    assert "m151" in org_client.get(url, {"page": 2}).content.decode()


def test_records_are_searched_by_learner_and_filtered_by_state(
    org_client, acme, org_member, alice_npi
):
    report(acme, org_member, record_id="R-1")
    report(
        acme,
        org_member,
        record_id="R-2",
        npi="",
        first_name="Nobody",
        last_name="Known",
        birth_date="03/04",
    )
    url = reverse("organization-records")
    page = org_client.get(url, {"q": "nobody"}).content.decode()
    assert ">R-2</a>" in page and ">R-1</a>" not in page
    page = org_client.get(url, {"state": "matched"}).content.decode()
    assert ">R-1</a>" in page and ">R-2</a>" not in page
    assert org_client.get(url, {"state": "bogus"}).status_code == 200


def test_the_record_page_names_the_clinician_and_how_they_matched(org_client, record, alice):
    page = org_client.get(reverse("organization-record", args=[record.pk])).content.decode()
    assert "Alice Abbot, matched by NPI" in page
    assert "Live activity" in page
    assert "1 in the clinician's ledger" in page
    assert "ama-pra-1 2.5" in page
    assert alice.email not in page


def test_a_waiting_record_shows_the_organization_why_it_waits(
    org_client, acme, org_member, alice_npi
):
    record = report(acme, org_member, record_id="R-9", last_name="Abbott")
    page = org_client.get(reverse("organization-record", args=[record.pk])).content.decode()
    assert "Waiting: last name differs from the account holding its NPI." in page
    assert "Alice Abbot" not in page.split("<dt>Learner</dt>")[0]


def test_correcting_with_a_bad_date_shows_the_error_and_changes_nothing(org_client, record):
    before = (record.payload, CreditEntry.objects.get(reported_record=record).completed_on)
    url = reverse("organization-record-correct", args=[record.pk])
    data = {**organization_views._stored_values(record), "completed_on": "2025-02-30"}
    response = org_client.post(url, data)
    assert response.status_code == 400
    assert "&#x27;2025-02-30&#x27; is not a date" in response.content.decode()
    record.refresh_from_db()
    after = (record.payload, CreditEntry.objects.get(reported_record=record).completed_on)
    assert after == before


def test_correcting_the_credits_changes_the_clinicians_entry(org_client, record):
    url = reverse("organization-record-correct", args=[record.pk])
    data = {**organization_views._stored_values(record), "credits": "ama-pra-1=3"}
    response = org_client.post(url, data)
    assert response.status_code == 302
    entry = CreditEntry.objects.get(reported_record=record)
    assert str(entry.credits) == "3.00"
    assert entry.revisions.filter(action="updated").exists()


def test_withdrawing_removes_the_entry_from_the_clinicians_live_entries(org_client, record, alice):
    assert CreditEntry.objects.live().filter(clinician=alice).count() == 1
    response = org_client.post(reverse("organization-record-withdraw", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == RecordState.WITHDRAWN
    assert not CreditEntry.objects.live().filter(clinician=alice).exists()
    page = org_client.get(response["Location"]).content.decode()
    assert "Withdrew record R-1" in page
    response = org_client.post(reverse("organization-record-withdraw", args=[record.pk]))
    assert (
        "This record is already withdrawn." in org_client.get(response["Location"]).content.decode()
    )


def test_a_token_key_is_shown_once_and_stored_hashed(org_client, acme, org_member):
    response = org_client.post(reverse("organization-tokens"), {"name": "LMS sync"})
    page = response.content.decode()
    token = ApiToken.objects.get()
    key = page.split('id="token-key" value="', 1)[1].split('"', 1)[0]
    assert key.startswith("cme_") and token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash and token.organization == acme
    assert response["Cache-Control"].startswith("max-age=0")
    listing = org_client.get(reverse("organization-tokens")).content.decode()
    assert key not in listing and token.hint in listing and "LMS sync" in listing


def test_revoking_a_token(org_client, org_member):
    token, _ = services.issue_token(org_member, "old")
    response = org_client.post(reverse("organization-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def member_csv(*rows: str, header: str = "email,npi,board,board_id") -> SimpleUploadedFile:
    text = "\n".join((header, *rows)) + "\n"
    return SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")


def members_of(organization) -> list[tuple]:
    return list(
        Member.objects.filter(organization=organization)
        .order_by("id")
        .values_list("email", "npi", "board", "board_id")
    )


def test_a_member_list_upload_replaces_the_list(org_client, acme, rival):
    Member.objects.create(organization=acme, email="old@example.org")
    Member.objects.create(organization=rival, email="theirs@example.org")
    listing = member_csv(f"Ann@Example.org,{ALICE_NPI},,", ",,ABPMR,P0000001", "ben@example.org,,,")
    response = org_client.post(reverse("organization-members"), {"file": listing})
    assert response.status_code == 302
    assert members_of(acme) == [
        ("ann@example.org", ALICE_NPI, "", ""),
        ("", "", "abpmr", "P0000001"),
        ("ben@example.org", "", "", ""),
    ]
    assert members_of(rival) == [("theirs@example.org", "", "", "")]
    page = org_client.get(reverse("organization-members")).content.decode()
    assert "The member list now has 3 members." in page and "ann@example.org" in page


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        (
            member_csv("a@example.org,,", header="email,npi,board"),
            "row 1: the columns must be exactly email,npi,board,board_id",
        ),
        (
            member_csv("a@example.org,,,", "b@example.org,1234567890,,"),
            "row 3, npi: &#x27;1234567890&#x27; is not a valid 10-digit NPI",
        ),
        (
            member_csv("a@example.org,,abpmr,"),
            "row 2, board_id: give the board and the board ID together",
        ),
        (member_csv(",,,"), "row 2: give an email, an NPI, or a board and board ID"),
        (member_csv("a@example.org,,"), "row 2: has 3 fields; the header has 4"),
        (
            SimpleUploadedFile("m.csv", b"email,npi,board,board_id\n\xff\xfe,,,\n"),
            "row 2: the file is not UTF-8 text",
        ),
        (SimpleUploadedFile("m.csv", b""), "The submitted file is empty."),
    ],
)
def test_a_bad_member_list_leaves_the_list_unchanged(org_client, acme, listing, message):
    Member.objects.create(organization=acme, email="old@example.org")
    response = org_client.post(reverse("organization-members"), {"file": listing})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert members_of(acme) == [("old@example.org", "", "", "")]


def test_a_member_list_over_the_row_limit_is_refused(org_client, acme, monkeypatch):
    monkeypatch.setattr(member_list, "MAX_MEMBERS", 2)
    listing = member_csv("a@example.org,,,", "b@example.org,,,", "c@example.org,,,")
    response = org_client.post(reverse("organization-members"), {"file": listing})
    assert response.status_code == 400
    assert "row 4: a member list may have at most 2 members" in response.content.decode()
    assert members_of(acme) == []


def test_someone_outside_the_organization_cannot_replace_its_member_list(client, alice, acme):
    Member.objects.create(organization=acme, email="old@example.org")
    client.force_login(alice)
    response = client.post(reverse("organization-members"), {"file": member_csv(",,,")})
    assert response.status_code == 403
    assert members_of(acme) == [("old@example.org", "", "", "")]


def test_the_corrections_list_puts_open_requests_first(org_client, record, alice):
    entry = CreditEntry.objects.get(reported_record=record)
    first = services.request_correction(alice, entry, "First: the date is wrong.")
    CorrectionRequest.objects.filter(pk=first.pk).update(status="declined", response="No.")
    services.request_correction(alice, entry, "Second: the credits are wrong.")
    page = org_client.get(reverse("organization-corrections")).content.decode()
    assert page.index("Second: the credits") < page.index("First: the date")
    assert f"{reverse('organization-record', args=[record.pk])}?request=" in page


def test_an_agreement_for_members_only_is_shown(org_client, acme):
    Agreement.objects.filter(organization=acme).update(members_only=True)
    page = org_client.get(reverse("organization-members")).content.decode()
    assert "Your agreement covers members only" in page
