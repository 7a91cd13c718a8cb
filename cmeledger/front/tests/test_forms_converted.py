"""The forms that once were written out by hand now use the shared pattern: a refused form
lists its problems at the top, each linking to its field, and marks the field invalid."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmeledger.accounts.models import ClinicianProfile
from cmeledger.directcredit.models import Status
from cmeledger.directcredit.testing import article, completed_cycle
from cmeledger.ledger.testing import make_pdf
from cmeledger.reports import deadlines
from cmeledger.reports.models import DeadlinePreferences
from cmeledger.reports.testing import follow_texas
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.sync import sync
from cmeledger.requirements.testing import board_set_toml

pytestmark = pytest.mark.django_db


def summary_of(page: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S)
    assert found is not None, "no error summary"
    return found.group()


def widget(page: str, field_id: str) -> str:
    found = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', page)
    assert found is not None, f"no {field_id}"
    return found.group()


def assert_marked_invalid(page: str, field_id: str) -> None:
    tag = widget(page, field_id)
    assert 'aria-invalid="true"' in tag
    assert f"{field_id}_error" in tag
    assert f'id="{field_id}_error"' in page


# Reminder preferences on the deadlines page -------------------------------------------------


def test_bad_reminder_days_are_listed_at_the_top_and_the_field_marked(alice_client):
    response = alice_client.post(reverse("deadline-preferences"), {"reminder_days": "abc"})
    page = response.content.decode()
    assert response.status_code == 400
    summary = summary_of(page)
    assert '<a href="#id_reminder_days">' in summary
    assert "“abc” is not a whole number of days." in summary
    assert_marked_invalid(page, "id_reminder_days")
    assert page.index("error-summary") < page.index('id="id_reminder_days"')


def test_the_reminder_days_hint_still_says_which_days_are_in_force(alice_client, alice):
    deadlines.save_preferences(alice, enabled=True, days=[30, 7])
    page = alice_client.get(reverse("deadlines")).content.decode()
    days = widget(page, "id_reminder_days")
    assert 'aria-describedby="id_reminder_days_helptext"' in days
    assert "Now: 30, 7." in page
    assert "error-summary" not in page


def test_saving_reminder_days_touches_only_ones_own_preferences(alice_client, bob):
    deadlines.save_preferences(bob, enabled=True, days=[14])
    alice_client.post(reverse("deadline-preferences"), {"reminder_days": "60"})
    prefs = DeadlinePreferences.objects.get(clinician=bob)
    assert (prefs.reminders_enabled, prefs.reminder_days) == (True, [14])


# Adding a set version -----------------------------------------------------------------------


@pytest.fixture
def staff_client(client, board_staff):
    client.force_login(board_staff)
    return client


def test_an_empty_set_upload_is_listed_at_the_top(staff_client):
    response = staff_client.post(reverse("set-upload"), {"text": "  "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a TOML file or paste its text (one of the two)." in summary_of(page)
    assert "(optional)" not in page  # one of the two is needed


def test_another_boards_set_stays_refused_and_is_listed_at_the_top(client, other_board_staff):
    client.force_login(other_board_staff)
    text = board_set_toml()  # a set for ABPMR, not for the other board
    response = client.post(reverse("set-upload"), {"text": text})
    assert response.status_code == 400
    assert summary_of(response.content.decode())
    assert not RequirementSetVersion.objects.filter(set_id="abpmr-ethics").exists()


# The mock audit ------------------------------------------------------------------------------


@pytest.fixture
def texan_client(client, alice):
    follow_texas(alice)
    client.force_login(alice)
    return client


def test_a_bad_mock_audit_date_is_listed_at_the_top_and_the_field_marked(texan_client):
    query = {"set": "us-tx-md", "on": "31/12/2025"}
    response = texan_client.get(reverse("mock-audit"), query)
    page = response.content.decode()
    assert response.status_code == 400
    summary = summary_of(page)
    assert '<a href="#id_on">Cycle holding this date: enter a date as YYYY-MM-DD' in summary
    assert_marked_invalid(page, "id_on")
    assert 'type="date"' in widget(page, "id_on")
    assert 'value="31/12/2025"' in widget(page, "id_on")  # what was typed stays
    assert '<option value="us-tx-md" selected>' in page


def test_a_packet_without_a_set_links_to_the_set_field(texan_client):
    response = texan_client.get(reverse("packet-download"), {"set": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_set">Requirement set: choose the requirement set' in summary_of(page)
    assert_marked_invalid(page, "id_set")
    assert "---------" not in page


def test_a_mock_audit_of_a_set_one_does_not_follow_stays_refused(client, bob, alice):
    follow_texas(alice)
    client.force_login(bob)
    response = client.get(reverse("mock-audit"), {"set": "us-tx-md"})
    assert response.status_code == 400
    assert "You do not follow the requirement set" in summary_of(response.content.decode())


def test_a_good_mock_audit_shows_no_error_summary(texan_client):
    response = texan_client.get(reverse("mock-audit"), {"set": "us-tx-md"})
    assert response.status_code == 200
    assert "error-summary" not in response.content.decode()


# The AMA PRA award summary -------------------------------------------------------------------


def test_an_unknown_award_tier_is_listed_at_the_top_and_the_field_marked(alice_client):
    sync()
    response = alice_client.get(reverse("award-summary"), {"tier": "4y"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_tier">Certificate to apply for: Unknown tier “4y”' in summary_of(page)
    assert_marked_invalid(page, "id_tier")


def test_a_clinician_not_eligible_for_the_award_is_told_at_the_top(alice_client, alice):
    sync()
    ClinicianProfile.objects.filter(user=alice).update(degree="PA")
    response = alice_client.get(reverse("award-summary"), {"tier": "1y"})
    assert response.status_code == 400
    summary = summary_of(response.content.decode())
    assert "for physicians (MD or DO) only" in summary and "<a href" not in summary


# A board's decision on a direct-credit application ------------------------------------------


@pytest.fixture
def application(alice, board):
    completed_cycle(alice, board)
    return article(alice, board)


def test_declining_without_a_reason_is_listed_at_the_top_and_the_reason_marked(
    client, board_staff, application
):
    client.force_login(board_staff)
    url = reverse("board-direct-credit-decline", args=[application.pk])
    response = client.post(url, {"reason": "  "})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_reason">Reason: Give the reason for declining' in summary_of(page)
    assert_marked_invalid(page, "id_reason")
    assert "(optional)" not in page  # needed to decline


def test_a_reason_too_long_is_refused_by_the_form(client, board_staff, application):
    client.force_login(board_staff)
    url = reverse("board-direct-credit-approve", args=[application.pk])
    response = client.post(url, {"reason": "x" * 2001})
    assert response.status_code == 400
    assert '<a href="#id_reason">' in summary_of(response.content.decode())
    application.refresh_from_db()
    assert application.status == Status.PENDING


def test_another_boards_staff_cannot_decline_the_application(
    client, other_board_staff, application
):
    client.force_login(other_board_staff)
    url = reverse("board-direct-credit-decline", args=[application.pk])
    assert client.post(url, {"reason": "No."}).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.PENDING


# Uploading certificates ----------------------------------------------------------------------


def test_an_upload_without_files_is_listed_at_the_top_and_the_field_marked(alice_client):
    response = alice_client.post(reverse("certificates"), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_upload">Certificate files: Choose at least one file.' in summary_of(page)
    assert_marked_invalid(page, "id_upload")


def test_a_refused_file_is_named_at_the_top(alice_client):
    junk = SimpleUploadedFile("bad.pdf", b"junk")
    response = alice_client.post(reverse("certificates"), {"upload": [junk]})
    assert response.status_code == 400
    summary = summary_of(response.content.decode())
    assert '<a href="#id_upload">' in summary and "bad.pdf" in summary


def test_the_upload_hint_keeps_the_size_limit(alice_client, settings):
    settings.CERTIFICATE_MAX_BYTES = 3 * 1_048_576
    page = alice_client.get(reverse("certificates")).content.decode()
    assert "Or drop files on this box. Up to 3 MB each." in page
    assert 'aria-describedby="id_upload_helptext"' in widget(page, "id_upload")


def test_uploading_for_another_clinicians_entry_stays_refused(client, bob, alice_entry):
    client.force_login(bob)
    url = reverse("certificates") + f"?entry={alice_entry.pk}"
    pdf = SimpleUploadedFile("c.pdf", make_pdf("Certificate"), content_type="application/pdf")
    assert client.post(url, {"upload": [pdf]}).status_code == 404
    assert not alice_entry.certificates.exists()


# Adding a requirement set --------------------------------------------------------------------


def test_a_bad_start_date_is_listed_at_the_top_and_its_rows_date_marked(alice_client):
    sync()
    data = {"set_id": "ama-pra-3y", "started_on": "2025-02-30"}
    response = alice_client.post(reverse("requirement-add"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_started_on">Start date: Enter a start date as YYYY-MM-DD' in summary_of(
        page
    )
    assert_marked_invalid(page, "id_started_on")
    assert 'value="2025-02-30"' in widget(page, "id_started_on")
    assert page.count('id="id_started_on"') == 1


def test_a_set_not_offered_is_refused_at_the_top_without_a_link(alice_client):
    sync()
    data = {"set_id": "no-such-set", "started_on": "2025-02-30"}
    response = alice_client.post(reverse("requirement-add"), data)
    summary = summary_of(response.content.decode())
    assert response.status_code == 400
    assert "Enter a start date as YYYY-MM-DD" in summary and "<a href" not in summary


def test_a_refusal_from_the_catalog_is_listed_at_the_top(alice_client):
    sync()
    alice_client.post(reverse("requirement-add"), {"set_id": "ama-pra-3y"})
    response = alice_client.post(reverse("requirement-add"), {"set_id": "ama-pra-3y"})
    assert response.status_code == 400
    assert "You already follow AMA PRA certificate, 3 years" in summary_of(
        response.content.decode()
    )


def test_dropping_another_clinicians_set_stays_refused(client, alice, bob):
    sync()
    client.force_login(alice)
    client.post(reverse("requirement-add"), {"set_id": "ama-pra-3y"})
    enrollment = Enrollment.objects.get(clinician=alice)
    client.force_login(bob)
    assert client.post(reverse("requirement-drop", args=[enrollment.pk])).status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.dropped_at is None


# The export filter ---------------------------------------------------------------------------


def test_a_bad_export_filter_is_listed_at_the_top_and_the_field_marked(alice_client):
    response = alice_client.get(reverse("export-csv"), {"from": "31/12/2025"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#export-from">Completed from: enter a date as YYYY-MM-DD' in summary_of(page)
    tag = widget(page, "export-from")
    assert 'aria-invalid="true"' in tag and 'type="date"' in tag and 'value="31/12/2025"' in tag


def test_an_unknown_credit_type_links_to_the_credit_type_choice(alice_client):
    response = alice_client.get(reverse("export-json"), {"credit_type": "ama-pra-9"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#export-type">Credit type: unknown code' in summary_of(page)
    assert 'aria-invalid="true"' in widget(page, "export-type")


def test_the_export_filter_offers_any_instead_of_dashes(alice_client):
    page = alice_client.get(reverse("exports")).content.decode()
    assert '<option value="" selected>Any credit type</option>' in page
    assert '<option value="" selected>Any source</option>' in page
    assert "---------" not in page and "error-summary" not in page


def test_exporting_another_clinicians_cycle_is_refused(client, alice, bob):
    follow_texas(alice)
    client.force_login(bob)
    response = client.get(reverse("export-json"), {"set": "us-tx-md"})
    assert response.status_code == 400
    assert '<a href="#export-set">Current cycle of:' in summary_of(response.content.decode())


# Filter forms --------------------------------------------------------------------------------


def test_a_bad_directory_search_is_listed_at_the_top_and_the_field_marked(alice_client):
    response = alice_client.get(reverse("directory"), {"q": "x" * 101, "specialty": "y" * 81})
    page = response.content.decode()
    assert response.status_code == 400
    summary = summary_of(page)
    assert '<a href="#id_q">Name or keyword:' in summary
    assert '<a href="#id_specialty">Specialty:' in summary
    assert_marked_invalid(page, "id_q")
    assert_marked_invalid(page, "id_specialty")


def test_the_directory_search_offers_any_accreditor(alice_client):
    page = alice_client.get(reverse("directory")).content.decode()
    assert ">Any accreditor</option>" in page
    assert "---------" not in page and "error-summary" not in page
