"""The AMA PRA award: tiers at their edges, eligibility, direct credit, the summary PDF."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmeledger.accounts.models import Board, Certification, ClinicianProfile, License
from cmeledger.conftest import make_clinician
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields
from cmeledger.ledger.vocabulary import Source
from cmeledger.reports import award_summary
from cmeledger.reports.award_pdf import award_summary_pdf
from cmeledger.reports.award_summary import AwardError
from cmeledger.reports.testing import pdf_text
from cmeledger.requirements import award
from cmeledger.requirements.award import AwardTier, Completion
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 30)
GENERATED = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def catalog(db):
    sync()


def add(user, credits: str, on: date, credit_type: str = "ama-pra-1", **extra) -> CreditEntry:
    fields = entry_fields(
        start_date=None,
        end_date=None,
        completed_on=on,
        credits=Decimal(credits),
        credit_type=credit_type,
    )
    fields.update(extra)
    return CreditEntry.objects.create(clinician=user, **fields)


def tier(data, code: str):
    return next(t for t in data.tiers if t.tier == code)


def certify(user, start: date, end: date, code: str = "abpmr") -> Certification:
    board, _ = Board.objects.get_or_create(code=code, defaults={"name": f"Board {code}"})
    return Certification.objects.create(
        clinician=user, board=board, cycle_start=start, cycle_end=end
    )


# Tiers -----------------------------------------------------------------------------------


def test_it_qualifies_for_the_one_year_certificate_at_exactly_50_credits(alice):
    add(alice, "20", date(2026, 3, 1))
    add(alice, "30", date(2026, 4, 1), credit_type="ama-pra-2")
    data = award.standing(alice, TODAY)
    one = tier(data, "1y")
    assert one.qualified
    assert (one.total_counted, one.total_required) == (Decimal(50), Decimal(50))
    assert (one.category_1_counted, one.category_1_required) == (Decimal(20), Decimal(20))
    assert one.missing == []
    assert data.best_tier == "1y"
    assert not tier(data, "2y").qualified


def test_it_does_not_qualify_at_49_75_credits_and_says_what_is_missing(alice):
    add(alice, "20", date(2026, 3, 1))
    add(alice, "29.75", date(2026, 4, 1), credit_type="ama-pra-2")
    data = award.standing(alice, TODAY)
    one = tier(data, "1y")
    assert not one.qualified
    assert one.total_counted == Decimal("49.75")
    assert one.missing == ["0.25 more for “50 credits in one year”"]
    assert data.best_tier is None


def test_category_1_below_its_minimum_fails_the_tier_even_with_the_total_met(alice):
    add(alice, "19.75", date(2026, 3, 1))
    add(alice, "40", date(2026, 4, 1), credit_type="ama-pra-2")
    one = tier(award.standing(alice, TODAY), "1y")
    assert not one.qualified
    assert one.category_1_counted == Decimal("19.75")
    assert one.missing == ["0.25 more for “At least 20 AMA PRA Category 1 Credits™”"]
    add(alice, "0.25", date(2026, 5, 1))
    assert tier(award.standing(alice, TODAY), "1y").qualified


def test_the_window_is_the_tiers_months_ending_today_both_edges_included(alice):
    add(alice, "20", date(2025, 12, 1))  # first day of the one-year window
    add(alice, "30", TODAY, credit_type="ama-pra-2")  # today
    add(alice, "99", date(2025, 11, 30))  # a day too early for one year
    add(alice, "99", date(2026, 12, 1))  # tomorrow
    data = award.standing(alice, TODAY)
    one = tier(data, "1y")
    assert (one.start, one.end) == (date(2025, 12, 1), TODAY)
    assert one.total_counted == Decimal(50)
    assert one.qualified
    assert (tier(data, "2y").start, tier(data, "3y").start) == (
        date(2024, 12, 1),
        date(2023, 12, 1),
    )
    assert tier(data, "2y").total_counted == Decimal(149)


def test_the_best_tier_is_the_longest_one_qualified_now(alice):
    for year in (2024, 2025, 2026):
        add(alice, "20", date(year, 1, 15))
        add(alice, "30", date(year, 2, 15), credit_type="ama-pra-2")
    data = award.standing(alice, TODAY)
    assert [t.qualified for t in data.tiers] == [True, True, True]
    assert data.best_tier == "3y"


def test_three_years_can_qualify_when_the_last_year_alone_does_not(alice):
    add(alice, "60", date(2024, 2, 1))
    add(alice, "90", date(2024, 6, 1), credit_type="ama-pra-2")
    data = award.standing(alice, TODAY)
    assert [t.qualified for t in data.tiers] == [False, False, True]
    assert data.best_tier == "3y"


def test_three_years_needs_60_category_1(alice):
    add(alice, "59.75", date(2024, 2, 1))
    add(alice, "100", date(2024, 6, 1), credit_type="ama-pra-2")
    three = tier(award.standing(alice, TODAY), "3y")
    assert not three.qualified
    assert (three.category_1_counted, three.category_1_required) == (
        Decimal("59.75"),
        Decimal(60),
    )


def test_deleted_foreign_and_other_credit_types_do_not_count(alice, bob):
    add(bob, "50", date(2026, 3, 1))
    add(alice, "50", date(2026, 3, 1), credit_type="aoa-1a")
    add(alice, "50", date(2026, 3, 1), deleted_at=GENERATED)
    one = tier(award.standing(alice, TODAY), "1y")
    assert one.total_counted == 0
    assert not one.qualified


def test_every_tier_says_its_rules_are_unconfirmed(alice):
    data = award.standing(alice, TODAY)
    assert all(t.unconfirmed for t in data.tiers)
    assert "have not been checked against the current one" in data.unconfirmed_note
    assert "AMA PRA Category 1 Credit™" in data.unconfirmed_note


def test_without_the_catalog_each_tier_names_the_missing_set(alice):
    from cmeledger.requirements.models import RequirementSetVersion

    RequirementSetVersion.objects.filter(set_id="ama-pra-2y").delete()
    data = award.standing(alice, TODAY)
    two = tier(data, "2y")
    assert two.problem == "The set ama-pra-2y is not in the catalog; an administrator runs sync."
    assert not two.qualified
    assert tier(data, "1y").problem is None
    with pytest.raises(AwardError, match="ama-pra-2y is not in the catalog"):
        award_summary.summary(alice, AwardTier.TWO_YEARS, TODAY, GENERATED)


def test_it_keeps_the_query_count_fixed_whatever_the_ledger_size(alice):
    certify(alice, date(2015, 1, 1), date(2019, 12, 31))
    add(alice, "1", date(2026, 1, 1))
    with CaptureQueriesContext(connection) as small:
        award.standing(alice, TODAY)
    for day in range(1, 29):
        add(alice, "1", date(2026, 2, day), source=Source.DIRECT_CREDIT)
        certify(alice, date(2000 + day % 10, 1, day), date(2020, 1, 1), code=f"b{day}")
    with CaptureQueriesContext(connection) as large:
        award.standing(alice, TODAY)
    assert len(large) == len(small) == 7


# Eligibility -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("degree", "instead"),
    [("PA", "AAPA Category 1"), ("NP", "ANCC counts"), ("RN", "ANCC counts"), ("other", "")],
)
def test_a_non_physician_is_told_plainly_why_not_and_what_counts_instead(db, degree, instead):
    user = make_clinician("np@example.org", "Nia", "Park", degree=degree)
    add(user, "60", date(2026, 3, 1))
    data = award.standing(user, TODAY)
    assert not data.eligible
    label = "Other" if degree == "other" else degree
    assert data.eligibility == (
        "The AMA PRA certificate is for physicians (MD or DO) only; "
        f"your profile says {label}, so you cannot apply."
    )
    assert instead in data.alternatives[0]
    assert "certificate of participation" in data.alternatives[-1]
    assert data.tiers == [] and data.best_tier is None
    with pytest.raises(AwardError, match="physicians \\(MD or DO\\) only"):
        award_summary.summary(user, AwardTier.ONE_YEAR, TODAY, GENERATED)


def test_a_physician_without_a_current_license_is_eligible_with_a_caution(alice, bob):
    License.objects.create(clinician=bob, state="TX", profession="DO", number="D1")
    assert award.standing(bob, TODAY).cautions == []
    data = award.standing(alice, TODAY)
    assert data.eligible and data.eligibility == "As an MD you may apply for the certificate."
    assert "No current physician license is on record" in data.cautions[0]
    License.objects.create(clinician=alice, state="CA", number="A1", expires_on=date(2026, 11, 29))
    assert award.standing(alice, TODAY).cautions == data.cautions  # expired yesterday
    License.objects.create(clinician=alice, state="NY", number="N1", expires_on=TODAY)
    assert award.standing(alice, TODAY).cautions == []


def test_without_a_profile_the_degree_comes_from_a_physician_license(alice):
    ClinicianProfile.objects.filter(user=alice).delete()
    data = award.standing(alice, TODAY)
    assert not data.eligible
    assert "your profile gives no degree, so you cannot apply" in data.eligibility
    License.objects.create(clinician=alice, state="TX", profession="DO", number="D2")
    data = award.standing(alice, TODAY)
    assert (data.eligible, data.degree) == (True, "DO")


# Direct credit ---------------------------------------------------------------------------


def test_a_cycle_that_ended_after_the_cutoff_earns_60_credits(alice):
    cert = certify(alice, date(2011, 1, 1), date(2020, 12, 31))
    [claim] = award.standing(alice, TODAY).direct_credit
    assert claim.certification_id == cert.pk
    assert (claim.completed_on, claim.how, claim.credits) == (
        date(2020, 12, 31),
        Completion.CYCLE_ENDED,
        Decimal(60),
    )
    assert claim.claimed_by is None
    assert "earns 60 AMA PRA Category 1 Credit™ by direct credit" in claim.explanation
    assert "Not claimed yet" in claim.explanation


@pytest.mark.parametrize(
    ("end", "credits"),
    [(date(2010, 8, 31), Decimal(25)), (date(2010, 9, 1), Decimal(60)), (date(2009, 6, 30), 25)],
)
def test_the_cutoff_day_2010_09_01_earns_60_and_the_day_before_25(alice, end, credits):
    certify(alice, date(2000, 9, 1), end)
    [claim] = award.standing(alice, TODAY).direct_credit
    assert (claim.completed_on, claim.credits) == (end, credits)


def test_a_cycle_still_running_earns_nothing_until_it_ends(alice):
    certify(alice, date(2021, 1, 1), TODAY)
    assert award.standing(alice, TODAY).direct_credit == []
    certify(alice, date(2016, 1, 1), date(2026, 11, 29), code="abim")
    [claim] = award.standing(alice, TODAY).direct_credit
    assert (claim.board, claim.completed_on) == ("abim", date(2026, 11, 29))


def test_a_newer_cycle_with_the_same_board_is_recertification(alice):
    old = certify(alice, date(2015, 1, 1), date(2027, 12, 31))
    certify(alice, date(2024, 7, 1), date(2034, 6, 30))
    [claim] = award.standing(alice, TODAY).direct_credit
    assert claim.certification_id == old.pk
    assert (claim.completed_on, claim.how) == (date(2024, 7, 1), Completion.RECERTIFIED)
    assert "a newer cycle with the same board started" in claim.explanation


def test_a_newer_cycle_with_another_board_or_in_the_future_is_not_recertification(alice):
    certify(alice, date(2015, 1, 1), date(2027, 12, 31))
    certify(alice, date(2024, 7, 1), date(2034, 6, 30), code="abim")
    certify(alice, date(2026, 12, 1), date(2036, 11, 30))
    assert award.standing(alice, TODAY).direct_credit == []


def test_a_direct_credit_entry_of_the_same_amount_already_claims_it(alice):
    certify(alice, date(2011, 1, 1), date(2020, 12, 31))
    add(alice, "60", date(2021, 2, 1))  # self-reported: not a direct-credit claim
    add(alice, "10", date(2021, 2, 1), source=Source.DIRECT_CREDIT)  # an article
    assert award.standing(alice, TODAY).direct_credit[0].claimed_by is None
    entry = add(alice, "60", date(2021, 3, 1), source=Source.DIRECT_CREDIT)
    [claim] = award.standing(alice, TODAY).direct_credit
    assert claim.claimed_by == str(entry.pk)
    assert "Already claimed: a direct-credit entry dated Mar 1, 2021" in claim.explanation


def test_one_entry_claims_only_the_completion_nearest_its_date(alice):
    certify(alice, date(2011, 1, 1), date(2015, 12, 31))
    certify(alice, date(2016, 1, 1), date(2025, 12, 31))
    entry = add(alice, "60", date(2026, 2, 1), source=Source.DIRECT_CREDIT)
    first, second = award.standing(alice, TODAY).direct_credit
    assert (first.completed_on, first.claimed_by) == (date(2015, 12, 31), None)
    assert (second.completed_on, second.claimed_by) == (date(2025, 12, 31), str(entry.pk))


def test_a_deleted_direct_credit_entry_claims_nothing(alice):
    certify(alice, date(2011, 1, 1), date(2020, 12, 31))
    add(alice, "60", date(2021, 3, 1), source=Source.DIRECT_CREDIT, deleted_at=GENERATED)
    assert award.standing(alice, TODAY).direct_credit[0].claimed_by is None


def test_the_other_direct_credit_kinds_are_listed_with_the_unconfirmed_one_marked(alice):
    kinds = award.standing(alice, TODAY).other_direct_credit
    assert ("ACGME-accredited residency or fellowship", "20 per year") in [
        (k.activity, k.credits) for k in kinds
    ]
    assert [k.activity for k in kinds if k.unconfirmed] == ["Teaching at a live activity"]


# Tier input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5y", "Unknown tier “5y”: choose 1y, 2y or 3y."),
        ("", "Unknown tier nothing: choose 1y, 2y or 3y."),
        (None, "Unknown tier nothing: choose 1y, 2y or 3y."),
        ("1Y", "Unknown tier “1Y”: choose 1y, 2y or 3y."),
    ],
)
def test_an_unknown_tier_is_named_in_the_error(value, message):
    with pytest.raises(AwardError) as caught:
        award_summary.parse_tier(value)
    assert str(caught.value) == message


def test_known_tiers_parse_to_their_sets():
    assert [award_summary.parse_tier(v).set_id for v in ("1y", "2y", "3y")] == [
        "ama-pra-1y",
        "ama-pra-2y",
        "ama-pra-3y",
    ]


# The summary PDF -------------------------------------------------------------------------


@pytest.fixture
def applicant(alice):
    ClinicianProfile.objects.filter(user=alice).update(npi="1234567893")
    License.objects.create(
        clinician=alice, state="TX", number="Q12345", expires_on=date(2027, 2, 28)
    )
    certify(alice, date(2011, 1, 1), date(2020, 12, 31))
    add(alice, "20", date(2026, 3, 1), title="Spasticity <update> & review", provider="Acme CME")
    add(alice, "30", date(2026, 4, 1), credit_type="ama-pra-2", title="Reading", provider="")
    add(alice, "5", date(2025, 6, 1), title="Too old for one year")
    return alice


def test_the_summary_gathers_identity_totals_and_counted_entries(applicant):
    data = award_summary.summary(applicant, AwardTier.ONE_YEAR, TODAY, GENERATED)
    assert (data.clinician_name, data.degree, data.npi) == ("Alice Abbot", "MD", "1234567893")
    assert data.licenses == ["TX MD license Q12345, expires Feb 28, 2027"]
    assert [(c.counted, c.required) for c in data.categories] == [
        (Decimal(20), Decimal(20)),
        (Decimal(30), None),
        (Decimal(50), Decimal(50)),
    ]
    assert [(e.title, e.provider) for e in data.entries] == [
        ("Spasticity <update> & review", "Acme CME"),
        ("Reading", ""),
    ]
    assert award_summary.default_filename(data) == "ama-pra-1y-summary-2026-11-30.pdf"


def test_the_summary_pdf_reads_back_with_names_totals_entries_and_the_claim(applicant):
    data = award_summary.summary(applicant, AwardTier.ONE_YEAR, TODAY, GENERATED)
    pdf = award_summary_pdf(data)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, squeeze=True)
    for expected in (
        "Alice Abbot, MD",
        "NPI 1234567893",
        "TX MD license Q12345",
        "Applying for: the 1-year certificate",
        "Dec 1, 2025 to Nov 30, 2026",
        "Standing: Qualified",
        "AMA PRA Category 1 Credit™",
        "Spasticity <update> & review",
        "Acme CME",
        "earns 60 AMA PRA Category 1 Credit™ by direct credit",
        "Not claimed yet",
        "have not been checked against the current one",
        "generated 2026-11-30 09:15 UTC",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    assert "Too old for one year" not in text
    assert "AMA PRA Category 1 Credit™ 20 20 AMA PRA Category 2 Credit™ – 30 Total 50 50" in text


def test_a_tier_not_yet_met_prints_what_is_missing(applicant):
    data = award_summary.summary(applicant, AwardTier.TWO_YEARS, TODAY, GENERATED)
    text = pdf_text(award_summary_pdf(data), squeeze=True)
    assert (
        "Not yet qualified: 45 more for “100 credits in two years”; "
        "15 more for “At least 40 AMA PRA Category 1 Credits™”"
    ) in text
    assert "Too old for one year" in text


def test_a_long_ledger_runs_to_numbered_pages(alice):
    for n in range(260):
        add(alice, "0.25", date(2026, 1, 1 + n % 28), title=f"Module {n:03d}")
    data = award_summary.summary(alice, AwardTier.ONE_YEAR, TODAY, GENERATED)
    pdf = award_summary_pdf(data)
    pages = len(pypdfium2.PdfDocument(io.BytesIO(pdf)))
    assert pages > 3
    text = pdf_text(pdf, squeeze=True)
    assert f"Page {pages} of {pages}" in text
    assert "Module 000" in text and "Module 259" in text
    assert "No license on record." in text and "NPI not on record" in text
