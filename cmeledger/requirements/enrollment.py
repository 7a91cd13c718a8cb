"""Which sets a clinician follows: licenses and certifications enroll them automatically."""

from __future__ import annotations

from django.db import transaction

from cmeledger.accounts.models import User
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.schema import RequirementSet


def latest_sets() -> list[RequirementSet]:
    newest: dict[str, RequirementSetVersion] = {}
    for row in RequirementSetVersion.objects.order_by("set_id", "version"):
        newest[row.set_id] = row
    return [row.requirement_set() for row in newest.values()]


@transaction.atomic
def enroll_automatically(user: User) -> list[Enrollment]:
    """Make sure every license and certification has its matching sets; returns new ones."""
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
            if cert.board.code in s.applies.boards:
                wanted.append(
                    Enrollment(clinician=user, set_id=s.id, certification=cert, automatic=True)
                )
    existing = set(
        Enrollment.objects.filter(clinician=user).values_list(
            "set_id", "license_id", "certification_id"
        )
    )
    new = [e for e in wanted if (e.set_id, e.license_id, e.certification_id) not in existing]
    Enrollment.objects.bulk_create(new)
    return new
