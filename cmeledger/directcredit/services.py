"""Applying for direct credit, withdrawing, and the board's decision.

Views, the API and any command call these functions, so the checks (own certifications,
evidence, duplicates, who decides) are written once. An approval writes the ledger
through ledger.services, in the same transaction as the decision.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.models import Board, Certification, Role, User
from cmeledger.directcredit.models import Action, Application, Event, Kind, Status
from cmeledger.directcredit.rules import credits_for, rule_for, split
from cmeledger.ledger import services as ledger
from cmeledger.ledger.certificates import CertificateRejected, inspect, store_certificate
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.vocabulary import (
    MAX_CREDITS_PER_ENTRY,
    Accreditor,
    ActivityKind,
    CreditType,
    Source,
)
from cmeledger.lib.credits import credit_text
from cmeledger.requirements import award
from cmeledger.requirements.award import DirectCreditClaim

logger = logging.getLogger(__name__)

PROVIDER = "American Medical Association (direct credit)"
EARLIEST = date(1950, 1, 1)
MAX_EVIDENCE = 10
MAX_TEXT = 2000
BOARD_CODE = re.compile(r"^[a-z0-9-]{1,32}$")
# Control characters other than tab and line breaks; PostgreSQL refuses NUL outright.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ACTIVITY_KINDS: dict[str, ActivityKind] = {Kind.TEACHING: ActivityKind.TEACHING}


class ApplicationError(Exception):
    """The step cannot be taken; the message says why, for a person."""


class Duplicate(ApplicationError):
    """Another pending or approved application covers the same certification or item."""


class NotPending(ApplicationError):
    """The application was already decided or withdrawn."""


@dataclass
class Draft:
    """What the clinician sends; ids and codes are checked against their own records."""

    kind: str
    board: str | None = None  # board code; for the recertification kind, the cycle's board
    certification: int | None = None  # the completed cycle, recertification kind only
    title: str = ""
    completed_on: date | None = None
    quantity: Decimal | None = None
    statement: str = ""


@dataclass(frozen=True)
class Upload:
    data: bytes
    name: str


# Choices ----------------------------------------------------------------------------------


def boards_for(user: User):
    """The boards of the clinician's own certifications: who may review their applications."""
    return Board.objects.filter(certifications__clinician=user).distinct().order_by("code")


def completed_cycles(user: User, today: date) -> list[DirectCreditClaim]:
    """The clinician's completed certification cycles, as requirements.award sees them."""
    return award.standing(user, today).direct_credit


NOT_A_PHYSICIAN = (
    f"Direct credit is {award.PHRASE}, which the AMA awards to physicians (MD or DO) only; "
    "your profile gives another degree."
)


# Checking ---------------------------------------------------------------------------------


def _text(value: str | None, limit: int) -> tuple[str, str | None]:
    text = (value or "").strip()
    if CONTROL.search(text):
        return text, "Remove the control characters from this text."
    if len(text) > limit:
        return text, f"Enter at most {limit} characters (this has {len(text)})."
    return text, None


def item_key(kind: str, title: str, certification_id: int | None) -> str:
    if kind == Kind.RECERTIFICATION:
        return f"certification:{certification_id}"
    return f"{kind}:{' '.join(title.casefold().split())}"[:320]


def _quantity(kind: str, value: Decimal | None, errors: dict) -> Decimal:
    rule = rule_for(kind)
    if not rule.has_quantity:
        if value is not None and value != 1:
            errors["quantity"] = f"{Kind(kind).label} has no quantity; leave it empty."
        return Decimal(1)
    if value is None:
        errors["quantity"] = f"Enter the number of {rule.unit}."
        return Decimal(1)
    try:
        number = Decimal(value)
        if not number.is_finite():
            raise InvalidOperation
        whole = number % rule.step == 0
    except (InvalidOperation, TypeError):
        errors["quantity"] = f"Enter the number of {rule.unit} as a number."
        return Decimal(1)
    if number <= 0:
        errors["quantity"] = f"Enter the number of {rule.unit}, above 0."
    elif number > rule.max_quantity:
        errors["quantity"] = (
            f"Enter at most {credit_text(rule.max_quantity)} {rule.unit} in one application."
        )
    elif not whole:
        errors["quantity"] = (
            f"Enter {rule.unit} in steps of 0.25."
            if rule.step != 1
            else f"Enter a whole number of {rule.unit}."
        )
    return number


def _date(value: date | None, today: date, errors: dict) -> date | None:
    if value is None:
        errors["completed_on"] = "Enter the completion date."
    elif value > today:
        errors["completed_on"] = "The completion date cannot be in the future."
    elif value < EARLIEST:
        errors["completed_on"] = f"Enter a completion date on or after {EARLIEST}."
    return value


def _claim_taken(claim: DirectCreditClaim) -> bool:
    """requirements.award matches any direct-credit entry of the same amount; an entry from
    an approved application of another kind (six articles are 60 too) claims nothing."""
    if claim.claimed_by is None:
        return False
    other = Application.objects.filter(entries__id=claim.claimed_by).exclude(
        kind=Kind.RECERTIFICATION
    )
    return not other.exists()


def _recertification(user: User, draft: Draft, claims: list[DirectCreditClaim], errors: dict):
    """(certification, claim) for the cycle applied for, or (None, None) with an error."""
    if draft.certification is None:
        errors["certification"] = "Choose the certification cycle you completed."
        return None, None
    certification = Certification.objects.filter(clinician=user, pk=draft.certification).first()
    if certification is None:
        errors["certification"] = "Choose one of your own certifications."
        return None, None
    claim = next((c for c in claims if c.certification_id == certification.pk), None)
    if claim is None:
        errors["certification"] = (
            f"This certification cycle is not completed yet: it ends on {certification.cycle_end}."
        )
        return certification, None
    return certification, claim


def _evidence(user: User, ids: Iterable, uploads: Sequence[Upload], errors: dict) -> list:
    wanted = list(dict.fromkeys(str(pk) for pk in ids))
    chosen = list(Certificate.objects.owned_by(user).filter(pk__in=wanted)) if wanted else []
    if len(chosen) != len(wanted):
        errors["evidence"] = "Choose only your own certificates."
    elif not chosen and not uploads:
        errors["evidence"] = "Add evidence: upload a certificate or choose one you have."
    elif len(chosen) + len(uploads) > MAX_EVIDENCE:
        errors["evidence"] = f"Add at most {MAX_EVIDENCE} pieces of evidence."
    else:
        for upload in uploads:
            try:
                inspect(upload.data)
            except CertificateRejected as error:
                errors["evidence"] = f"{upload.name}: {error}"
                break
    return chosen


def _duplicate(user: User, key: str, kind: str) -> Duplicate | None:
    found = Application.objects.owned_by(user).active().filter(item_key=key).first()
    if found is None:
        return None
    what = "certification cycle" if kind == Kind.RECERTIFICATION else "item"
    if found.status == Status.APPROVED:
        return Duplicate(
            f"This {what} was already approved for direct credit on "
            f"{found.decided_at:%Y-%m-%d}; it cannot be claimed twice."
        )
    return Duplicate(
        f"You already applied for this {what} on {found.submitted_at:%Y-%m-%d} and the board "
        "has not decided yet; withdraw that application first to apply again."
    )


# Applying ---------------------------------------------------------------------------------


def submit(
    user: User,
    draft: Draft,
    *,
    certificate_ids: Iterable = (),
    uploads: Sequence[Upload] = (),
    today: date | None = None,
) -> Application:
    """Check everything, then store the uploads and the application together.

    Raises ValidationError (by field) for bad input and Duplicate when another pending or
    approved application covers the same certification or item."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if draft.kind not in Kind.values:
        raise ValidationError({"kind": "Choose a kind of direct credit from the list."})
    if user.role != Role.CLINICIAN:
        raise ApplicationError("Only clinicians apply for direct credit.")
    standing = award.standing(user, today)
    if not standing.eligible:
        raise ValidationError({"kind": NOT_A_PHYSICIAN})
    kind = draft.kind
    title, problem = _text(draft.title, 300)
    if problem:
        errors["title"] = problem
    statement, problem = _text(draft.statement, MAX_TEXT)
    if problem:
        errors["statement"] = problem
    certification = None
    claimed = False
    if kind == Kind.RECERTIFICATION:
        certification, claim = _recertification(user, draft, standing.direct_credit, errors)
        board = certification.board if certification else None
        completed_on = claim.completed_on if claim else None
        if certification is not None:
            title = title or (
                f"{certification.board.code.upper()} {certification.specialty} certification "
                f"cycle {certification.cycle_start} to {certification.cycle_end}"
            ).replace("  ", " ")
        quantity = Decimal(1)
        claimed = claim is not None and _claim_taken(claim)
    else:
        board = _board(user, draft.board, errors)
        completed_on = _date(draft.completed_on, today, errors)
        quantity = _quantity(kind, draft.quantity, errors)
        if not title and "title" not in errors:
            errors["title"] = f"Enter the {rule_for(kind).title_label.lower()}."
    chosen = _evidence(user, certificate_ids, uploads, errors)
    if errors:
        raise ValidationError(errors)
    assert board is not None and completed_on is not None
    key = item_key(kind, title, certification.pk if certification else None)
    duplicate = _duplicate(user, key, kind)
    if duplicate is not None:
        raise duplicate
    if claimed:
        raise Duplicate(
            "This certification cycle is already claimed: a direct-credit entry for it is in "
            "your ledger."
        )
    application = Application(
        clinician=user,
        kind=kind,
        board=board,
        certification=certification,
        title=title,
        completed_on=completed_on,
        quantity=quantity,
        credits=credits_for(kind, completed_on, quantity),
        statement=statement,
        item_key=key,
    )
    try:
        with transaction.atomic():
            stored = [store_certificate(user, u.data, u.name).certificate for u in uploads]
            application.save(force_insert=True)
            application.evidence.set([*chosen, *stored])
            Event.objects.create(application=application, action=Action.SUBMITTED, actor=user)
    except IntegrityError:
        # The same item raced in from another request.
        raise _duplicate(user, key, kind) or Duplicate("You already applied for this.") from None
    except CertificateRejected as error:
        raise ValidationError({"evidence": str(error)}) from None
    return application


def _board(user: User, code: str | None, errors: dict) -> Board | None:
    if not code:
        errors["board"] = "Choose the board that reviews the application."
        return None
    board = (
        boards_for(user).filter(code=code).first() if BOARD_CODE.match(code) is not None else None
    )
    if board is None:
        errors["board"] = "Choose the board of one of your own certifications."
    return board


def withdraw(application: Application, user: User) -> Application:
    if application.clinician_id != user.pk:
        raise ApplicationError("Only the clinician who applied can withdraw an application.")
    with transaction.atomic():
        locked = _locked_pending(application)
        locked.status = Status.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        Event.objects.create(application=locked, action=Action.WITHDRAWN, actor=user)
    return locked


def _locked_pending(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.PENDING:
        raise NotPending(
            f"This application is no longer waiting: it was {locked.get_status_display().lower()}."
        )
    return locked


# Deciding ---------------------------------------------------------------------------------


def _check_staff(application: Application, staff: User) -> None:
    if staff.role != Role.BOARD_STAFF or staff.board_id != application.board_id:
        raise ApplicationError("Only staff of the reviewing board decide this application.")


def entry_fields(application: Application, credits: Decimal, part: int, parts: int) -> dict:
    suffix = f" (part {part} of {parts})" if parts > 1 else ""
    title = f"Direct credit: {application.title}"
    title = title[: 300 - len(suffix)] + suffix
    return {
        "title": title,
        "provider": PROVIDER,
        "accreditor": Accreditor.OTHER,
        "activity_kind": ACTIVITY_KINDS.get(application.kind, ActivityKind.OTHER),
        "completed_on": application.completed_on,
        "credit_type": CreditType.AMA_PRA_1,
        "credits": credits,
        "notes": (
            f"{application.get_kind_display()}. Approved by {application.board.name} "
            f"on {timezone.localdate():%Y-%m-%d} (direct-credit application {application.pk})."
        ),
    }


def approve(application: Application, staff: User, note: str = "") -> Application:
    """Approve and write the ledger in one transaction: the credits as entries of source
    `direct-credit` (split above MAX_CREDITS_PER_ENTRY), the evidence attached."""
    _check_staff(application, staff)
    note, problem = _text(note, MAX_TEXT)
    if problem:
        raise ValidationError({"reason": problem})
    with transaction.atomic():
        locked = _locked_pending(application)
        evidence = list(locked.evidence.all())
        parts = split(locked.credits, MAX_CREDITS_PER_ENTRY)
        entries = [
            ledger.create_entry(
                locked.clinician,
                staff,
                entry_fields(locked, credits, number, len(parts)),
                certificates=evidence,
                source=Source.DIRECT_CREDIT,
            )
            for number, credits in enumerate(parts, start=1)
        ]
        locked.entries.set(entries)
        _decide(locked, staff, Status.APPROVED, note)
    notify(locked)
    return locked


def decline(application: Application, staff: User, reason: str) -> Application:
    _check_staff(application, staff)
    reason, problem = _text(reason, MAX_TEXT)
    if not reason:
        problem = "Give the reason for declining; the clinician reads it."
    if problem:
        raise ValidationError({"reason": problem})
    with transaction.atomic():
        locked = _locked_pending(application)
        _decide(locked, staff, Status.DECLINED, reason)
    notify(locked)
    return locked


def _decide(application: Application, staff: User, status: Status, reason: str) -> None:
    application.status = status
    application.decided_at = timezone.now()
    application.decided_by = staff
    application.reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    action = Action.APPROVED if status == Status.APPROVED else Action.DECLINED
    Event.objects.create(application=application, action=action, actor=staff, reason=reason)


# Telling the clinician --------------------------------------------------------------------


def decision_email(application: Application) -> EmailMultiAlternatives:
    site = settings.SITE_URL.rstrip("/")
    user = application.clinician
    context = {
        "first_name": user.first_name,
        "application": application,
        "approved": application.status == Status.APPROVED,
        "credits": credit_text(application.credits),
        "phrase": award.PHRASE,
        "detail_url": site + reverse("direct-credit-detail", args=[application.pk]),
        "site_name": settings.SITE_NAME,
    }
    subject = " ".join(
        render_to_string("directcredit/email/decision_subject.txt", context).split()
    )
    text = render_to_string("directcredit/email/decision.txt", context)
    html = render_to_string("directcredit/email/decision.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message


def notify(application: Application) -> bool:
    """Send the decision; a mail failure is logged and never undoes the decision."""
    try:
        decision_email(application).send()
    except Exception:
        logger.exception("Direct-credit decision email for application %s failed", application.pk)
        return False
    return True


def entries_of(application: Application) -> list[CreditEntry]:
    return list(application.entries.order_by("title"))
