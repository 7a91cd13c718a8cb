"""Sets a clinician adds by hand, and dropping any set they follow (chosen or automatic).

Dropping is soft: the row keeps its `dropped_at`, so `enroll_automatically`, which skips
every (set, license, certification) already present, never brings a dropped set back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from cmeledger.accounts.models import ClinicianProfile, Role, User
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.schema import Anchor, RequirementSet


class EnrollmentError(Exception):
    """An add or drop was refused; the message says why, in words for the clinician."""


class UnknownSet(EnrollmentError):
    pass


class NotAllowed(EnrollmentError):
    pass


class AlreadyFollowing(EnrollmentError):
    pass


class NoSuchEnrollment(EnrollmentError):
    pass


@dataclass(frozen=True)
class Followed:
    enrollment: Enrollment
    version: RequirementSetVersion | None  # the newest; None if the set is not stored
    because: str


@dataclass(frozen=True)
class Offer:
    version: RequirementSetVersion
    refusal: str  # why this clinician cannot add it; empty when they can


def latest_versions() -> dict[str, RequirementSetVersion]:
    newest: dict[str, RequirementSetVersion] = {}
    for row in RequirementSetVersion.objects.order_by("set_id", "version"):
        newest[row.set_id] = row
    return newest


def newest(set_id: str) -> RequirementSetVersion | None:
    return RequirementSetVersion.objects.filter(set_id=set_id).order_by("-version").first()


def set_name(set_id: str) -> str:
    """The set's name in its newest version, or its id if it is not stored."""
    row = newest(set_id)
    return row.name if row else set_id


def because(enrollment: Enrollment) -> str:
    """Why the clinician follows it, in the words the progress report uses."""
    lic = enrollment.license
    if lic is not None:
        return f"{lic.state} {lic.profession} license {lic.number}"
    cert = enrollment.certification
    if cert is not None:
        return f"{cert.board.code.upper()} certification {cert.cycle_start} to {cert.cycle_end}"
    return "chosen"


def degree_of(user: User) -> str | None:
    return ClinicianProfile.objects.filter(user=user).values_list("degree", flat=True).first()


def refusal(requirement_set: RequirementSet, degree: str | None) -> str:
    """Why a clinician with `degree` cannot add the set by hand, or "" if they can."""
    allowed = requirement_set.applies.degrees
    if allowed and degree not in allowed:
        who = " or ".join([", ".join(allowed[:-1]), allowed[-1]] if len(allowed) > 2 else allowed)
        if degree is None:
            return f"{requirement_set.name} is only for {who} clinicians; add your degree on your profile first."
        return f"{requirement_set.name} is only for {who} clinicians; your profile says {degree}."
    # These cycles hang on a license's or certification's own dates, which a set chosen
    # by hand does not have: the profile's records enroll in them with their dates.
    if requirement_set.cycle.anchor == Anchor.LICENSE_EXPIRY:
        return (
            f"{requirement_set.name} follows from a license: add the license on your profile "
            "and you follow it automatically."
        )
    if requirement_set.cycle.anchor == Anchor.CERTIFICATION:
        return (
            f"{requirement_set.name} follows from a board certification: add the certification "
            "on your profile and you follow it automatically."
        )
    return ""


def followed(user: User, *, dropped: bool = False) -> list[Followed]:
    """The user's live enrollments (or, with `dropped`, the dropped ones), by set."""
    rows = (
        Enrollment.objects.filter(clinician=user, dropped_at__isnull=not dropped)
        .select_related("license", "certification__board")
        .order_by("set_id", "id")
    )
    versions = latest_versions()
    return [Followed(row, versions.get(row.set_id), because(row)) for row in rows]


def described(enrollment: Enrollment) -> Followed:
    return Followed(enrollment, newest(enrollment.set_id), because(enrollment))


def offers(user: User) -> list[Offer]:
    """The newest version of every set the user does not already follow by hand, each with
    the reason they cannot add it, if there is one."""
    live = Enrollment.objects.filter(clinician=user, dropped_at__isnull=True).select_related(
        "license", "certification__board"
    )
    chosen = {row.set_id for row in live if not row.automatic}
    automatic = {row.set_id: because(row) for row in live if row.automatic}
    degree = degree_of(user)
    return [
        Offer(
            row,
            f"You follow it already, from your {automatic[set_id]}."
            if set_id in automatic
            else refusal(row.requirement_set(), degree),
        )
        for set_id, row in latest_versions().items()
        if set_id not in chosen
    ]


@transaction.atomic
def add_enrollment(user: User, set_id: str, started_on: date | None = None) -> Enrollment:
    """Follow a set by hand from `started_on` (default today). A set chosen and dropped
    before is taken up again: the same row, with the new start date."""
    if user.role != Role.CLINICIAN:
        raise NotAllowed("Only clinicians follow requirement sets.")
    row = newest(set_id)
    if row is None:
        raise UnknownSet(f"There is no requirement set “{set_id}”.")
    reason = refusal(row.requirement_set(), degree_of(user))
    if reason:
        raise NotAllowed(reason)
    started_on = started_on or timezone.localdate()
    chosen = (
        Enrollment.objects.select_for_update()
        .filter(clinician=user, set_id=set_id, license__isnull=True, certification__isnull=True)
        .first()
    )
    if chosen is None:
        try:
            with transaction.atomic():
                return Enrollment.objects.create(
                    clinician=user, set_id=set_id, automatic=False, started_on=started_on
                )
        except IntegrityError:  # a second request for the same set won the race
            raise AlreadyFollowing(f"You already follow {row.name}.") from None
    if chosen.dropped_at is None:
        raise AlreadyFollowing(
            f"You already follow {row.name}, since {chosen.started_on:%b %-d, %Y}."
        )
    chosen.dropped_at = None
    chosen.started_on = started_on
    chosen.save(update_fields=["dropped_at", "started_on"])
    return chosen


@transaction.atomic
def drop_enrollment(user: User, enrollment_id: int) -> Enrollment:
    """Stop following: the row stays, marked dropped. Dropping twice changes nothing."""
    enrollment = (
        Enrollment.objects.select_for_update().filter(pk=enrollment_id, clinician=user).first()
    )
    if enrollment is None:
        # Another clinician's enrollment reads exactly like a missing one.
        raise NoSuchEnrollment(f"You have no enrollment {enrollment_id}.")
    if enrollment.dropped_at is None:
        enrollment.dropped_at = timezone.now()
        enrollment.save(update_fields=["dropped_at"])
    return enrollment


@transaction.atomic
def drop_set(user: User, set_id: str) -> list[Enrollment]:
    """Stop following a set by its id (the command line's way): every live enrollment in
    it is dropped, chosen or automatic, as `drop_enrollment` drops one."""
    rows = list(
        Enrollment.objects.select_for_update().filter(clinician=user, set_id=set_id).order_by("id")
    )
    live = [row for row in rows if row.dropped_at is None]
    if not live:
        if rows:
            last = max(row.dropped_at for row in rows if row.dropped_at is not None)
            raise NoSuchEnrollment(
                f"You stopped following {set_name(set_id)} on {last:%b %-d, %Y} already."
            )
        if newest(set_id) is None:
            raise UnknownSet(f"There is no requirement set “{set_id}”.")
        raise NoSuchEnrollment(f"You do not follow {set_name(set_id)}.")
    now = timezone.now()
    for row in live:
        row.dropped_at = now
        row.save(update_fields=["dropped_at"])
    return live
