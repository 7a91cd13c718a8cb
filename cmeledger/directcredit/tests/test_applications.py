"""Applying for direct credit, withdrawing, and the board's decision (services)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cmeledger.accounts.models import ClinicianProfile, Degree
from cmeledger.directcredit import services
from cmeledger.directcredit.models import Action, Application, Kind, Status
from cmeledger.directcredit.rules import credits_for, split
from cmeledger.directcredit.testing import article, certify, completed_cycle, evidence
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate, CreditEntry, EntryRevision
from cmeledger.ledger.testing import make_pdf
from cmeledger.ledger.vocabulary import CreditType, Source
from cmeledger.requirements import award

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(alice, board):
    return completed_cycle(alice, board)


def recert(user, certification, **overrides):
    draft = services.Draft(kind=Kind.RECERTIFICATION, certification=certification.pk)
    proof = overrides.pop("certificate", None) or evidence(user, "Recertified")
    return services.submit(user, draft, certificate_ids=[proof.pk], **overrides)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# Credits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "quantity", "expected"),
    [
        (Kind.ARTICLE, 1, 10),
        (Kind.ARTICLE, 3, 30),
        (Kind.POSTER, 2, 10),
        (Kind.DEGREE, 1, 25),
        (Kind.RESIDENCY, 4, 80),
        (Kind.TEACHING, Decimal("1.5"), 3),
    ],
)
def test_credits_follow_from_the_kind_and_quantity(kind, quantity, expected):
    assert credits_for(kind, date(2024, 1, 1), Decimal(quantity)) == Decimal(expected)


def test_recertification_earns_60_from_2010_09_01_and_25_before():
    assert credits_for(Kind.RECERTIFICATION, date(2010, 9, 1)) == 60
    assert credits_for(Kind.RECERTIFICATION, date(2010, 8, 31)) == 25


def test_large_claims_split_into_parts_of_at_most_100():
    assert split(Decimal(120), Decimal(100)) == [100, 20]
    assert split(Decimal(250), Decimal(100)) == [100, 100, 50]
    assert split(Decimal(100), Decimal(100)) == [100]


# Applying ---------------------------------------------------------------------------------


def test_an_article_application_waits_with_its_computed_credits(alice, board, cycle):
    application = article(alice, board, quantity=Decimal(2))
    assert application.status == Status.PENDING
    assert application.credits == 20
    assert application.board == board
    assert application.evidence.count() == 1
    assert [e.action for e in application.events.all()] == [Action.SUBMITTED]
    assert application.events.get().actor == alice


def test_a_completed_cycle_takes_its_date_and_credits_from_the_certification(alice, board, cycle):
    application = recert(alice, cycle)
    assert application.completed_on == date(2020, 12, 31)
    assert application.credits == 60
    assert application.board == board
    assert application.certification == cycle
    assert "2011-01-01 to 2020-12-31" in application.title


def test_a_cycle_completed_before_september_2010_earns_25(alice, board):
    old = certify(alice, board, date(2000, 1, 1), date(2010, 6, 30))
    assert recert(alice, old).credits == 25


def test_a_cycle_not_yet_completed_is_refused(alice, board):
    current = certify(alice, board, date(2022, 1, 1), date(2031, 12, 31))
    with pytest.raises(ValidationError) as excinfo:
        recert(alice, current)
    assert "not completed yet: it ends on 2031-12-31" in errors_of(excinfo)["certification"][0]
    assert not Application.objects.exists()


def test_another_clinicians_certification_is_refused(alice, bob, board):
    bobs = completed_cycle(bob, board)
    completed_cycle(alice, board)
    with pytest.raises(ValidationError) as excinfo:
        recert(alice, bobs)
    assert errors_of(excinfo)["certification"] == ["Choose one of your own certifications."]
    assert not Application.objects.exists()


def test_a_second_application_for_the_same_cycle_is_refused_while_one_waits(alice, cycle):
    recert(alice, cycle)
    with pytest.raises(services.Duplicate, match="withdraw that application first"):
        recert(alice, cycle)
    assert Application.objects.count() == 1


def test_after_withdrawing_the_clinician_can_apply_again(alice, cycle):
    services.withdraw(recert(alice, cycle), alice)
    assert recert(alice, cycle).status == Status.PENDING


def test_an_approved_cycle_cannot_be_claimed_twice(alice, cycle, board_staff):
    services.approve(recert(alice, cycle), board_staff)
    with pytest.raises(services.Duplicate, match="already approved"):
        recert(alice, cycle)


def test_the_same_article_with_other_spacing_and_case_is_a_duplicate(alice, board, cycle):
    article(alice, board, title="Gait after stroke")
    with pytest.raises(services.Duplicate):
        article(alice, board, title="  GAIT after   Stroke ")
    assert Application.objects.count() == 1


def test_the_board_must_be_one_of_the_clinicians_certifications(alice, board, other_board, cycle):
    with pytest.raises(ValidationError) as excinfo:
        article(alice, other_board)
    assert errors_of(excinfo)["board"] == ["Choose the board of one of your own certifications."]


@pytest.mark.parametrize("code", ["", "ABPMR'; drop", "a\x00b", "x" * 200])
def test_a_bad_board_code_is_a_clear_error(alice, board, cycle, code):
    draft = services.Draft(
        kind=Kind.ARTICLE, board=code, title="T", completed_on=date(2024, 1, 1), quantity=1
    )
    with pytest.raises(ValidationError) as excinfo:
        services.submit(alice, draft, certificate_ids=[evidence(alice).pk])
    assert "board" in errors_of(excinfo)
    assert not Application.objects.exists()


def test_evidence_is_required(alice, board, cycle):
    draft = services.Draft(
        kind=Kind.DEGREE, board="abpmr", title="MPH, Example University", completed_on=date(2020, 5, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.submit(alice, draft)
    assert errors_of(excinfo)["evidence"] == [
        "Add evidence: upload a certificate or choose one you have."
    ]


def test_another_clinicians_certificate_is_not_evidence(alice, bob, board, cycle):
    with pytest.raises(ValidationError) as excinfo:
        article(alice, board, certificate=evidence(bob))
    assert errors_of(excinfo)["evidence"] == ["Choose only your own certificates."]
    assert not Application.objects.exists()


def test_an_uploaded_file_becomes_evidence_and_a_certificate(alice, board, cycle):
    draft = services.Draft(
        kind=Kind.POSTER, board="abpmr", title="Poster", completed_on=date(2023, 4, 1), quantity=1
    )
    upload = services.Upload(make_pdf("Poster abstract"), "poster.pdf")
    application = services.submit(alice, draft, uploads=[upload])
    stored = application.evidence.get()
    assert stored.clinician == alice
    assert stored.original_name == "poster.pdf"


def test_a_file_that_is_not_a_certificate_stores_nothing(alice, board, cycle):
    draft = services.Draft(
        kind=Kind.POSTER, board="abpmr", title="Poster", completed_on=date(2023, 4, 1), quantity=1
    )
    upload = services.Upload(b"<script>alert(1)</script>", "poster.pdf")
    with pytest.raises(ValidationError) as excinfo:
        services.submit(alice, draft, uploads=[upload])
    assert errors_of(excinfo)["evidence"][0].startswith("poster.pdf: This is not a PDF")
    assert not Certificate.objects.exists()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("kind", "quantity", "message"),
    [
        (Kind.ARTICLE, None, "Enter the number of articles."),
        (Kind.ARTICLE, Decimal(0), "Enter the number of articles, above 0."),
        (Kind.ARTICLE, Decimal(-3), "Enter the number of articles, above 0."),
        (Kind.ARTICLE, Decimal("1.5"), "Enter a whole number of articles."),
        (Kind.ARTICLE, Decimal(51), "Enter at most 50 articles in one application."),
        (Kind.ARTICLE, Decimal("NaN"), "Enter the number of articles as a number."),
        (Kind.RESIDENCY, Decimal(11), "Enter at most 10 years in one application."),
        (Kind.TEACHING, Decimal("1.3"), "Enter hours in steps of 0.25."),
        (Kind.DEGREE, Decimal(2), f"{Kind.DEGREE.label} has no quantity; leave it empty."),
    ],
)
def test_a_bad_quantity_is_a_clear_error(alice, board, cycle, kind, quantity, message):
    with pytest.raises(ValidationError) as excinfo:
        article(alice, board, kind=kind, quantity=quantity)
    assert errors_of(excinfo)["quantity"] == [message]
    assert not Application.objects.exists()


def test_a_future_or_ancient_date_is_refused(alice, board, cycle):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        article(alice, board, completed_on=tomorrow)
    assert errors_of(excinfo)["completed_on"] == ["The completion date cannot be in the future."]
    with pytest.raises(ValidationError) as excinfo:
        article(alice, board, completed_on=date(1900, 1, 1))
    assert "on or after 1950-01-01" in errors_of(excinfo)["completed_on"][0]


@pytest.mark.parametrize("title", ["nul\x00byte", "bell\x07", "x" * 301])
def test_hostile_or_oversized_titles_are_refused(alice, board, cycle, title):
    with pytest.raises(ValidationError) as excinfo:
        article(alice, board, title=title)
    assert "title" in errors_of(excinfo)
    assert not Application.objects.exists()


def test_markup_in_a_title_is_kept_as_text(alice, board, cycle):
    application = article(alice, board, title="<b>bold</b> & <script>x</script>")
    assert application.title == "<b>bold</b> & <script>x</script>"


def test_a_non_physician_cannot_apply(alice, board, cycle):
    ClinicianProfile.objects.filter(user=alice).update(degree=Degree.PA)
    with pytest.raises(ValidationError) as excinfo:
        article(alice, board)
    assert "physicians (MD or DO) only" in errors_of(excinfo)["kind"][0]


def test_an_unknown_kind_is_refused(alice, board, cycle):
    with pytest.raises(ValidationError) as excinfo:
        article(alice, board, kind="made-up")
    assert errors_of(excinfo)["kind"] == ["Choose a kind of direct credit from the list."]


# Withdrawing ------------------------------------------------------------------------------


def test_withdrawing_records_who_and_when(alice, board, cycle):
    application = services.withdraw(article(alice, board), alice)
    assert application.status == Status.WITHDRAWN
    assert [e.action for e in application.events.all()] == [Action.SUBMITTED, Action.WITHDRAWN]


def test_only_a_pending_application_can_be_withdrawn(alice, board, cycle):
    application = services.withdraw(article(alice, board), alice)
    with pytest.raises(services.NotPending, match="it was withdrawn"):
        services.withdraw(application, alice)


def test_another_clinician_cannot_withdraw(alice, bob, board, cycle):
    application = article(alice, board)
    with pytest.raises(services.ApplicationError):
        services.withdraw(application, bob)
    application.refresh_from_db()
    assert application.status == Status.PENDING


# Deciding ---------------------------------------------------------------------------------


def test_approval_puts_a_locked_direct_credit_entry_in_the_ledger(
    alice, cycle, board_staff, mailoutbox
):
    application = services.approve(recert(alice, cycle), board_staff, "Welcome back.")
    entry = application.entries.get()
    assert entry.clinician == alice
    assert entry.source == Source.DIRECT_CREDIT
    assert entry.credit_type == CreditType.AMA_PRA_1
    assert entry.credits == 60
    assert entry.completed_on == date(2020, 12, 31)
    assert entry.provider == services.PROVIDER
    assert not entry.is_editable_by_clinician
    assert set(entry.certificates.all()) == set(application.evidence.all())
    assert EntryRevision.objects.get(entry=entry).actor == board_staff
    assert application.status == Status.APPROVED
    assert application.decided_by == board_staff
    assert application.events.last().action == Action.APPROVED
    assert application.events.last().reason == "Welcome back."
    [message] = mailoutbox
    assert message.to == ["alice@example.org"]
    assert message.subject.startswith("Direct credit approved: 60 AMA PRA Category 1 Credit™")
    assert "Welcome back." in message.body
    assert "/direct-credit/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_the_award_page_then_shows_the_cycle_as_claimed(alice, cycle, board_staff):
    application = services.approve(recert(alice, cycle), board_staff)
    [claim] = award.standing(alice, timezone.localdate()).direct_credit
    assert claim.claimed_by == str(application.entries.get().pk)


def test_more_than_100_credits_are_split_into_entries(alice, board, cycle, board_staff):
    application = article(alice, board, kind=Kind.RESIDENCY, title="PM&R residency", quantity=6)
    services.approve(application, board_staff)
    credits = sorted(e.credits for e in application.entries.all())
    assert credits == [20, 100]
    titles = sorted(e.title for e in application.entries.all())
    assert titles[0].endswith("(part 1 of 2)")


def test_staff_of_another_board_cannot_decide(alice, board, cycle, other_board_staff):
    application = article(alice, board)
    with pytest.raises(services.ApplicationError):
        services.approve(application, other_board_staff)
    with pytest.raises(services.ApplicationError):
        services.decline(application, other_board_staff, "No.")
    application.refresh_from_db()
    assert application.status == Status.PENDING
    assert not CreditEntry.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "\x00"])
def test_declining_needs_a_real_reason(alice, board, cycle, board_staff, reason, mailoutbox):
    application = article(alice, board)
    with pytest.raises(ValidationError) as excinfo:
        services.decline(application, board_staff, reason)
    assert "reason" in errors_of(excinfo)
    application.refresh_from_db()
    assert application.status == Status.PENDING
    assert not mailoutbox


def test_declining_tells_the_clinician_why(alice, board, cycle, board_staff, mailoutbox):
    application = services.decline(article(alice, board), board_staff, "Not first author.")
    assert application.status == Status.DECLINED
    assert application.reason == "Not first author."
    assert not application.entries.exists()
    assert not CreditEntry.objects.exists()
    [message] = mailoutbox
    assert message.subject.startswith("Direct credit declined")
    assert "Reason: Not first author." in message.body


def test_a_decided_application_cannot_be_decided_again(alice, board, cycle, board_staff):
    application = services.decline(article(alice, board), board_staff, "No.")
    with pytest.raises(services.NotPending, match="it was declined"):
        services.approve(application, board_staff)
    assert not CreditEntry.objects.exists()


def test_a_failure_while_writing_the_ledger_leaves_the_application_pending(
    alice, board, cycle, board_staff
):
    application = article(alice, board, kind=Kind.RESIDENCY, title="Fellowship", quantity=6)
    real = services.ledger.create_entry
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with mock.patch.object(services.ledger, "create_entry", failing):
        with pytest.raises(RuntimeError):
            services.approve(application, board_staff)
    application.refresh_from_db()
    assert application.status == Status.PENDING
    assert not CreditEntry.objects.exists()
    assert not application.entries.exists()


def test_a_mail_failure_does_not_undo_the_decision(alice, board, cycle, board_staff):
    application = article(alice, board)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("no server")
    ):
        services.approve(application, board_staff)
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.entries.count() == 1


def test_approved_articles_worth_60_do_not_block_the_cycle(alice, board, cycle, board_staff):
    six = article(alice, board, quantity=6, completed_on=date(2021, 6, 1))
    services.approve(six, board_staff)
    assert recert(alice, cycle).status == Status.PENDING


def test_evidence_reused_from_existing_certificates(alice, board, cycle):
    proof = store_certificate(alice, make_pdf("Diploma"), "diploma.pdf").certificate
    application = article(alice, board, kind=Kind.DEGREE, title="MSc", quantity=None, certificate=proof)
    assert list(application.evidence.all()) == [proof]
    assert application.credits == 25
