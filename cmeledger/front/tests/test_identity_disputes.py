"""Site staff decide disputed identifiers; records follow the decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmeledger.accounts import identity
from cmeledger.accounts.models import IdentifierState, Role, User
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.models import RecordState, ReportedRecord
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization

NPI = make_npi("123456789")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff():
    return User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)


@pytest.fixture
def owner():
    return make_clinician("ann@example.org", "Ann", "Lee", npi=NPI, birth_month=3, birth_day=7)


@pytest.fixture
def claimant():
    return make_clinician("eve@example.org", "Eve", "Lee", npi=NPI, birth_month=3, birth_day=7)


def report(board, record_id: str = "R-1") -> ReportedRecord:
    org = ensure_organization("acme-cme", "Acme CME Institute")
    values = dict(
        record_id=record_id,
        activity_title="Stroke rehabilitation update",
        completed_on="2025-05-04",
        npi=NPI,
        last_name="Lee",
        birth_date="03/07",
        credits="ama-pra-1=2",
    )
    write_batch(Context.of(org), [RawRow(2, raw(**values))])
    return ReportedRecord.objects.get(record_key=record_id)


def npi_of(user) -> identity.Identifier:
    [found] = [i for i in identity.identifiers_of(user) if i.kind == identity.NPI]
    return found


def test_both_accounts_see_that_their_npi_is_in_dispute(owner, claimant):
    for user in (owner, claimant):
        assert npi_of(user).state_label == "Disputed: also claimed by another account"


def test_the_dispute_list_groups_the_accounts_claiming_one_identifier(owner, claimant, alice):
    [group] = identity.disputes()
    assert {item.user for item in group} == {owner, claimant}
    assert group[0].label == f"NPI {NPI}"


def test_verifying_for_the_owner_sends_the_waiting_records_to_them(board, owner, claimant, staff):
    record = report(board)
    assert record.state == RecordState.AMBIGUOUS
    identity.verify(staff, identity.NPI, owner.profile.pk, "Called the owner's office")
    record.refresh_from_db()
    assert (record.state, record.clinician) == (RecordState.MATCHED, owner)
    claimant.profile.refresh_from_db()
    assert claimant.profile.npi_state == IdentifierState.DISPUTED
    assert claimant.profile.npi_state_note == (
        "Site staff: verified for another account: Called the owner's office"
    )
    assert npi_of(owner).state_label == "Verified"
    assert identity.disputes() == []  # decided


def test_setting_aside_a_claim_releases_what_it_attached(board, staff):
    mallory = make_clinician(
        "mallory@example.org", "Mal", "Lee", npi=NPI, birth_month=3, birth_day=7
    )
    record = report(board)
    assert record.clinician == mallory
    identity.set_aside(staff, identity.NPI, mallory.profile.pk, "Not this person's NPI")
    record.refresh_from_db()
    assert record.state == RecordState.AMBIGUOUS
    assert CreditEntry.objects.filter(clinician=mallory, deleted_at__isnull=True).count() == 0


def test_a_decision_needs_a_reason_and_site_staff(owner, claimant, staff):
    with pytest.raises(identity.Refused, match="Give the reason"):
        identity.verify(staff, identity.NPI, owner.profile.pk, "   ")
    with pytest.raises(identity.Refused, match="Only site staff"):
        identity.verify(owner, identity.NPI, owner.profile.pk, "It is mine")
    owner.profile.refresh_from_db()
    assert owner.profile.npi_state == IdentifierState.CLAIMED


def test_the_page_lists_disputes_and_waiting_reasons_for_site_staff(
    client, board, owner, claimant, staff
):
    report(board)
    client.force_login(staff)
    page = client.get(reverse("identity-disputes")).content.decode()
    assert f"NPI {NPI}" in page
    assert "Its NPI is claimed by 2 accounts" in page
    assert owner.email in page and claimant.email in page


def test_staff_decide_on_the_page(client, owner, claimant, staff):
    client.force_login(staff)
    url = reverse("identity-decide", args=["npi", owner.profile.pk])
    response = client.post(url, {"decision": "verify", "reason": "Checked NPPES and ID"})
    assert response.status_code == 302
    owner.profile.refresh_from_db()
    assert owner.profile.npi_state == IdentifierState.VERIFIED
    response = client.post(url, {"decision": "verify", "reason": ""}, follow=True)
    assert "Give the reason for the decision" in response.content.decode()


@pytest.mark.parametrize(("kind", "pk"), [("npi", 999999), ("passport", 1)])
def test_an_unknown_identifier_is_404(client, staff, kind, pk):
    client.force_login(staff)
    url = reverse("identity-decide", args=[kind, pk])
    assert client.post(url, {"decision": "verify", "reason": "x"}).status_code == 404


def test_clinicians_and_anonymous_visitors_cannot_reach_the_disputes(client, owner):
    assert client.get(reverse("identity-disputes")).status_code == 302
    client.force_login(owner)
    assert client.get(reverse("identity-disputes")).status_code == 403
    url = reverse("identity-decide", args=["npi", owner.profile.pk])
    assert client.post(url, {"decision": "verify", "reason": "mine"}).status_code == 403
    owner.profile.refresh_from_db()
    assert owner.profile.npi_state == IdentifierState.CLAIMED


def test_the_dashboard_tells_a_clinician_their_npi_is_in_dispute(client, owner, claimant):
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert f"Your NPI {NPI} is also claimed by another account" in page
    assert "Nothing already on your ledger moves." in page


def test_the_dashboard_says_nothing_when_no_identifier_is_in_dispute(client, owner):
    client.force_login(owner)
    assert "claimed by another account" not in client.get(reverse("dashboard")).content.decode()


def test_the_profile_marks_an_npi_another_account_claims_as_disputed(client, owner, claimant):
    client.force_login(owner)
    page = client.get(reverse("profile")).content.decode()
    assert "Disputed: also claimed by another account" in page
