"""Corrections: a clinician asks the reporting organization to fix an entry, the
organization corrects or declines, and the clinician reads the answer on the entry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmeledger.front import organization_views
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.npi import make_npi
from cmeledger.reporting import intake
from cmeledger.reporting.intake import Context
from cmeledger.reporting.models import CorrectionRequest, CorrectionStatus, ReportedRecord
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization

pytestmark = pytest.mark.django_db

ALICE_NPI = make_npi("123456789")


@pytest.fixture
def acme(organization):
    return ensure_organization(organization.slug)


@pytest.fixture
def alice_npi(alice):
    alice.profile.npi = ALICE_NPI
    alice.profile.birth_month, alice.profile.birth_day = 4, 12
    alice.profile.save()
    return alice


def report(organization, **values) -> ReportedRecord:
    fields = {
        "record_id": "R-1",
        "activity_title": "Spasticity management update",
        "completed_on": "2025-05-04",
        "credits": "ama-pra-1=2.5",
        "npi": ALICE_NPI,
        "last_name": "Abbot",
        "birth_date": "04/12",
    }
    fields.update(values)
    intake.write_batch(Context.of(organization), [RawRow(2, raw(**fields))])
    return ReportedRecord.objects.get(organization=organization, record_key=fields["record_id"])


@pytest.fixture
def reported_entry(acme, alice_npi) -> CreditEntry:
    return CreditEntry.objects.get(reported_record=report(acme))


def ask(client, entry, message="The credits should be 3, not 2.5."):
    return client.post(reverse("entry-correction", args=[entry.pk]), {"message": message})


def test_a_reported_entry_offers_a_correction_request(alice_client, reported_entry):
    page = alice_client.get(reverse("entry-detail", args=[reported_entry.pk])).content.decode()
    assert "Request a correction" in page
    assert reverse("entry-correction", args=[reported_entry.pk]) in page


def test_an_own_entry_offers_no_correction_request(alice_client, alice_entry):
    page = alice_client.get(reverse("entry-detail", args=[alice_entry.pk])).content.decode()
    assert "Request a correction" not in page


def test_the_clinician_asks_the_organization_declines_and_the_clinician_reads_why(
    client, alice, org_member, reported_entry
):
    client.force_login(alice)
    response = ask(client, reported_entry)
    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert (request.clinician, request.status) == (alice, CorrectionStatus.OPEN)
    page = client.get(response["Location"]).content.decode()
    assert "Correction request sent. Acme CME Institute will answer it here" in page
    assert "The credits should be 3, not 2.5." in page and "Open" in page
    assert 'name="message"' not in page  # one open request at a time

    client.force_login(org_member)
    listing = client.get(reverse("organization-corrections")).content.decode()
    assert "The credits should be 3, not 2.5." in listing
    decline = reverse("organization-correction-decline", args=[request.pk])
    response = client.post(decline, {"reason": "Our attendance log shows 2.5 hours."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.resolved_by) == (CorrectionStatus.DECLINED, org_member)

    client.force_login(alice)
    page = client.get(reverse("entry-detail", args=[reported_entry.pk])).content.decode()
    assert "Declined" in page
    assert "Acme CME Institute answered" in page
    assert "Our attendance log shows 2.5 hours." in page
    assert 'name="message"' in page  # a new request may be sent


def test_declining_needs_a_reason(client, alice, org_member, reported_entry):
    client.force_login(alice)
    ask(client, reported_entry)
    request = CorrectionRequest.objects.get()
    client.force_login(org_member)
    decline = reverse("organization-correction-decline", args=[request.pk])
    response = client.post(decline, {"reason": "  "})
    page = client.get(response["Location"]).content.decode()
    assert "Give the clinician a reason for declining." in page
    request.refresh_from_db()
    assert request.status == CorrectionStatus.OPEN


def test_correcting_the_record_answers_the_request(client, alice, org_member, reported_entry):
    client.force_login(alice)
    ask(client, reported_entry)
    request = CorrectionRequest.objects.get()
    record = reported_entry.reported_record
    client.force_login(org_member)
    record_url = reverse("organization-record", args=[record.pk])
    page = client.get(record_url, {"request": request.pk}).content.decode()
    assert f'name="request" value="{request.pk}"' in page
    data = {
        **organization_views._stored_values(record),
        "credits": "ama-pra-1=3",
        "request": request.pk,
    }
    response = client.post(reverse("organization-record-correct", args=[record.pk]), data)
    assert response.status_code == 302
    request.refresh_from_db()
    reported_entry.refresh_from_db()
    assert request.status == CorrectionStatus.CORRECTED
    assert str(reported_entry.credits) == "3.00"

    client.force_login(alice)
    page = client.get(reverse("entry-detail", args=[reported_entry.pk])).content.decode()
    assert "Corrected" in page and "the record was corrected." in page


def test_a_second_open_request_is_refused(alice_client, reported_entry):
    ask(alice_client, reported_entry)
    response = ask(alice_client, reported_entry, "Also the date.")
    page = alice_client.get(response["Location"]).content.decode()
    assert "You already have an open correction request for this record." in page
    assert CorrectionRequest.objects.count() == 1


def test_an_empty_message_is_refused(alice_client, reported_entry):
    response = ask(alice_client, reported_entry, "   ")
    page = alice_client.get(response["Location"]).content.decode()
    assert "Say what is wrong, so the organization can correct it." in page
    assert not CorrectionRequest.objects.exists()


def test_a_clinician_cannot_ask_about_someone_elses_entry(client, bob, reported_entry):
    client.force_login(bob)
    assert ask(client, reported_entry).status_code == 404
    assert not CorrectionRequest.objects.exists()


def test_an_own_entry_that_was_not_reported_is_a_404(alice_client, alice_entry):
    assert ask(alice_client, alice_entry).status_code == 404


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_only_clinicians_ask_for_corrections(client, request, who, reported_entry):
    client.force_login(request.getfixturevalue(who))
    assert ask(client, reported_entry).status_code == 403
    assert not CorrectionRequest.objects.exists()


def test_asking_needs_a_login_and_a_post(client, alice_client, reported_entry):
    url = reverse("entry-correction", args=[reported_entry.pk])
    assert alice_client.get(url).status_code == 405
    alice_client.logout()
    response = client.post(url, {"message": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_linked_self_report_says_it_counts_once(alice_client, alice_npi, alice_entry, acme):
    # alice_entry is the same activity, date and credit type as the reported one.
    record = report(acme)
    reported = CreditEntry.objects.get(reported_record=record)
    alice_entry.refresh_from_db()
    assert alice_entry.reported_as == reported
    own_page = alice_client.get(reverse("entry-detail", args=[alice_entry.pk])).content.decode()
    assert "Counted once: Acme CME Institute reported this activity;" in own_page
    assert reverse("entry-detail", args=[reported.pk]) in own_page
    page = alice_client.get(reverse("entry-detail", args=[reported.pk])).content.decode()
    assert "Counted once: your own entry for this activity counts as this one:" in page
    assert reverse("entry-detail", args=[alice_entry.pk]) in page


def test_the_reported_entry_says_how_it_was_matched_to_the_clinician(alice_client, reported_entry):
    page = alice_client.get(reverse("entry-detail", args=[reported_entry.pk])).content.decode()
    assert "matched by NPI, last name and month/day of birth (NPI claimed at the time)" in page
