"""Which sets a clinician follows: licenses and certifications enroll them automatically."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from cmeledger.accounts.models import User
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.schema import Applies, RequirementSet

# The mean Gregorian year, so that a certification's length rounds to whole years
# whatever leap days it spans.
_YEAR_DAYS = 365.2425


def latest_sets() -> list[RequirementSet]:
    newest: dict[str, RequirementSetVersion] = {}
    for row in RequirementSetVersion.objects.order_by("set_id", "version"):
        newest[row.set_id] = row
    return [row.requirement_set() for row in newest.values()]


def certification_years(start: date, end: date) -> int:
    """A certification's length in whole years, to the nearest: 2021-01-01 to 2025-12-31
    is 5, 2018-01-01 to 2027-12-31 is 10."""
    return round(((end - start).days + 1) / _YEAR_DAYS)


def governs(applies: Applies, board: str, start: date, end: date) -> bool:
    """Whether a set with these `applies` governs a certification of `board` running from
    `start` to `end`: the board is named and, when the set names lengths, the
    certification lasts one of them (ABPMR: 5 years abpmr-cc, 10 years legacy MOC)."""
    if board not in applies.boards:
        return False
    years = applies.certification_years
    return not years or certification_years(start, end) in years


@transaction.atomic
def enroll_automatically(user: User) -> list[Enrollment]:
    """Make sure every license and certification has its matching sets, and only those:
    an automatic enrollment its record no longer calls for (a certification's dates
    changed, a newer version narrowed `applies`) goes. Returns the new ones."""
    sets = latest_sets()
    wanted = []
    for lic in user.licenses.all():
        for s in sets:
            if (
                lic.state in s.applies.license_states
                and lic.profession in s.applies.license_degrees
            ):
                wanted.append(Enrollment(clinician=user, set_id=s.id, license=lic, automatic=True))
    for cert in user.certifications.select_related("board"):
        for s in sets:
            if governs(s.applies, cert.board.code, cert.cycle_start, cert.cycle_end):
                wanted.append(
                    Enrollment(clinician=user, set_id=s.id, certification=cert, automatic=True)
                )
    keys = {(e.set_id, e.license_id, e.certification_id) for e in wanted}
    known = {s.id for s in sets}
    existing: set[tuple] = set()
    stale = []
    for pk, set_id, license_id, certification_id, automatic in Enrollment.objects.filter(
        clinician=user
    ).values_list("pk", "set_id", "license_id", "certification_id", "automatic"):
        key = (set_id, license_id, certification_id)
        recorded = license_id is not None or certification_id is not None
        if automatic and recorded and set_id in known and key not in keys:
            stale.append(pk)
        else:
            existing.add(key)
    if stale:
        Enrollment.objects.filter(pk__in=stale).delete()
    new = [e for e in wanted if (e.set_id, e.license_id, e.certification_id) not in existing]
    Enrollment.objects.bulk_create(new)
    return new
