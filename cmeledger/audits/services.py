"""Running a board audit: drawing the sample, proof from the clinician, the staff's
decisions, closing with an outcome, reminders. Staff act for their own board only (the
board is the staff member's, never taken from input); a clinician for their own items.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from cmeledger.accounts.models import Certification, User
from cmeledger.audits.models import Audit, AuditStatus, Event, Item, ItemState, Reminder, Subject
from cmeledger.boards import listing
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.lib.credits import day_text

MAX_SAMPLE = 10_000
MAX_TEXT = 1000
REMINDER_DAYS = (14, 7, 1)


class AuditError(ValueError):
    """The request cannot be carried out; the message says why, and nothing changed."""


@dataclass(frozen=True)
class Plan:
    title: str
    cycle_start: date
    cycle_end: date
    due: date
    sample_size: int
    seed: int | None = None

    def check(self, today: date) -> None:
        if not self.title.strip() or len(self.title) > 200 or "\x00" in self.title:
            raise AuditError("Give the audit a title of 1 to 200 characters.")
        if self.cycle_end < self.cycle_start:
            raise AuditError("The audited period must end on or after it starts.")
        if self.due <= today:
            raise AuditError("The due date must be after today.")
        if not 1 <= self.sample_size <= MAX_SAMPLE:
            raise AuditError(f"The sample size must be between 1 and {MAX_SAMPLE:,}.")
        if self.seed is not None and not 0 <= self.seed < 2**63:
            raise AuditError("The seed must be a whole number from 0 to 2^63 - 1.")


def population(board, plan: Plan) -> list[int]:
    """Ids of the board's diplomates with entries in the period, in id order, so the same
    seed over the same population draws the same people."""
    certified = Certification.objects.filter(listing.listed(board)).values("clinician_id")
    return sorted(
        set(
            CreditEntry.objects.counted()
            .filter(
                clinician_id__in=certified,
                completed_on__gte=plan.cycle_start,
                completed_on__lte=plan.cycle_end,
            )
            .values_list("clinician_id", flat=True)
        )
    )


def draw(people: list[int], size: int, seed: int) -> list[int]:
    """A reproducible random sample: `random.Random(seed)` over the sorted ids."""
    if size > len(people):
        raise AuditError(
            ngettext(
                "The sample size (%(size)s) is larger than the %(count)s diplomate with "
                "entries in that period.",
                "The sample size (%(size)s) is larger than the %(count)s diplomates with "
                "entries in that period.",
                len(people),
            )
            % {"size": size, "count": len(people)}
        )
    return sorted(random.Random(seed).sample(people, size))


def start(staff: User, plan: Plan) -> Audit:
    """Draw the sample and ask each sampled diplomate for proof of every entry in the period."""
    board = staff.board
    if board is None:
        raise AuditError("Audits are for the staff of a certifying board.")
    plan.check(timezone.localdate())
    seed = plan.seed if plan.seed is not None else secrets.randbelow(2**63)
    chosen = draw(population(board, plan), plan.sample_size, seed)
    with transaction.atomic():
        audit = Audit.objects.create(
            board=board,
            title=plan.title.strip(),
            cycle_start=plan.cycle_start,
            cycle_end=plan.cycle_end,
            due=plan.due,
            sample_size=plan.sample_size,
            seed=seed,
            created_by=staff,
        )
        subjects = Subject.objects.bulk_create(
            [Subject(audit=audit, clinician_id=pk) for pk in chosen]
        )
        by_clinician = {s.clinician_id: s for s in subjects}
        entries = CreditEntry.objects.counted().filter(
            clinician_id__in=chosen,
            completed_on__gte=plan.cycle_start,
            completed_on__lte=plan.cycle_end,
        )
        Item.objects.bulk_create(
            [Item(subject=by_clinician[e.clinician_id], entry=e) for e in entries]
        )
        drew = ngettext(
            "Drew %(count)s diplomate (draw number %(seed)s); proof due %(due)s.",
            "Drew %(count)s diplomates (draw number %(seed)s); proof due %(due)s.",
            len(chosen),
        )
        _log(audit, staff, drew % {"count": len(chosen), "seed": seed, "due": day_text(plan.due)})
    _tell_subjects(audit)
    return audit


def _tell_subjects(audit: Audit) -> None:
    """Each sampled diplomate learns which entries need proof, and by when."""
    due = f"{audit.due:%B} {audit.due.day}, {audit.due.year}"
    for subject in audit.subjects.select_related("clinician").prefetch_related("items__entry"):
        lines = [
            f"- {i.entry.completed_on}: {i.entry.title} ({i.entry.credits} credits)"
            for i in subject.items.all()
        ]
        body = (
            f"{audit.title}: {audit.board.name} asks for a certificate for each of these "
            f"entries by {due}:\n\n" + "\n".join(lines) + "\n\nOpen Audits in CME Ledger "
            "to upload them or choose ones you have."
        )
        subject_line = f"Audit by {audit.board.code.upper()}: proof due {due}"
        send_mail(subject_line, body, None, [subject.clinician.email], fail_silently=True)


def _log(audit: Audit, actor: User | None, text: str, item: Item | None = None) -> None:
    Event.objects.create(audit=audit, actor=actor, item=item, text=text[:1200])


def items_for(clinician: User):
    """The clinician's items in open audits."""
    return Item.objects.filter(
        subject__clinician=clinician, subject__audit__status=AuditStatus.OPEN
    ).select_related("entry", "certificate", "subject__audit__board")


def attach(clinician: User, item: Item, certificate: Certificate) -> Item:
    """The clinician offers one of their own certificates as proof of an item."""
    if item.subject.clinician_id != clinician.pk or certificate.clinician_id != clinician.pk:
        raise AuditError("That item or certificate is not yours.")
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("subject__audit").get(pk=item.pk)
        if item.subject.audit.status != AuditStatus.OPEN:
            raise AuditError("This audit is closed.")
        if item.state == ItemState.ACCEPTED:
            raise AuditError("This entry's proof was accepted already.")
        item.certificate = certificate
        item.state = ItemState.SUBMITTED
        item.save(update_fields=["certificate", "state"])
        item.entry.certificates.add(certificate)
        _log(item.subject.audit, clinician, f"Proof submitted for “{item.entry.title}”.", item)
    return item


def staff_item(staff: User, pk: int) -> Item:
    """An item of the staff member's board; another board's is AuditError (a 404 outside)."""
    if staff.board_id is None:  # no board, so none of its audits' items
        raise AuditError("No such item in your board's audits.")
    found = Item.objects.filter(pk=pk, subject__audit__board_id=staff.board_id).first()
    if found is None:
        raise AuditError("No such item in your board's audits.")
    return found


def decide(staff: User, item: Item, accept: bool, reason: str = "") -> Item:
    """Accept or reject one entry's proof; a rejection needs a reason the clinician reads."""
    reason = reason.strip()
    if "\x00" in reason or len(reason) > MAX_TEXT:
        raise AuditError(f"The reason must be at most {MAX_TEXT} characters of text.")
    if not accept and not reason:
        raise AuditError("Say why the proof is rejected.")
    if item.subject.audit.board_id != staff.board_id:
        raise AuditError("No such item in your board's audits.")
    with transaction.atomic():
        item = (
            Item.objects.select_for_update()
            .select_related("subject__audit", "entry")
            .get(pk=item.pk)
        )
        if item.subject.audit.status != AuditStatus.OPEN:
            raise AuditError("This audit is closed.")
        item.state = ItemState.ACCEPTED if accept else ItemState.REJECTED
        item.reason = reason
        item.decided_by = staff
        item.decided_at = timezone.now()
        item.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        verb = "Accepted" if accept else f"Rejected ({reason})"
        _log(item.subject.audit, staff, f"{verb}: “{item.entry.title}”.", item)
    return item


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=dict)
    passed: list[int] = field(default_factory=list)  # clinician ids with every item accepted
    failed: list[int] = field(default_factory=list)


def outcome(audit: Audit) -> Outcome:
    """Counts per item state; a subject passes when every one of their items is accepted."""
    out = Outcome(counts={s.value: 0 for s in ItemState})
    for subject in audit.subjects.prefetch_related("items"):
        states = [i.state for i in subject.items.all()]
        for state in states:
            out.counts[state] += 1
        ok = all(s == ItemState.ACCEPTED for s in states)
        (out.passed if ok else out.failed).append(subject.clinician_id)
    return out


def close(staff: User, audit: Audit) -> Outcome:
    if audit.board_id != staff.board_id:
        raise AuditError("No such audit for your board.")
    if audit.status == AuditStatus.CLOSED:
        raise AuditError("This audit is closed already.")
    result = outcome(audit)
    audit.status = AuditStatus.CLOSED
    audit.closed_at = timezone.now()
    audit.save(update_fields=["status", "closed_at"])
    _log(audit, staff, f"Closed: {len(result.passed)} passed, {len(result.failed)} did not.")
    return result


def send_reminders(today: date) -> int:
    """Email subjects with proof still requested 14, 7 and 1 days before the due date;
    once per subject and step, however often this runs."""
    sent = 0
    for days in REMINDER_DAYS:
        due = today + timedelta(days=days)
        waiting = (
            Subject.objects.filter(
                audit__status=AuditStatus.OPEN,
                audit__due=due,
                items__state__in=[ItemState.REQUESTED, ItemState.REJECTED],
            )
            .distinct()
            .select_related("clinician", "audit__board")
        )
        for subject in waiting:
            try:
                with transaction.atomic():
                    Reminder.objects.create(subject=subject, days=days)
                    send_mail(
                        ngettext(
                            "Audit by %(board)s: proof due in %(days)s day",
                            "Audit by %(board)s: proof due in %(days)s days",
                            days,
                        )
                        % {"board": subject.audit.board.name, "days": days},
                        f"{subject.audit.title}: some entries still need a certificate by "
                        f"{day_text(subject.audit.due)}. Open Audits in CME Ledger to add them.",
                        None,
                        [subject.clinician.email],
                    )
            except IntegrityError:
                continue  # sent on an earlier run
            sent += 1
    return sent
