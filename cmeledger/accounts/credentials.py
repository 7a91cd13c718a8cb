"""How the product names a clinician: the name with the credential their profession uses.

A physician assistant whose NCCPA certification is current is "Pat Lee, PA-C" (PA-C is
NCCPA's mark, held only while certified); one without it is "Pat Lee, PA". A nurse
practitioner or nurse shows the degree ("Sam Ortiz, NP"). Physicians stay as they were:
the name alone where a name stands by itself, "MD" or "DO" where a degree is asked for.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from cmeledger.accounts.models import (
    Certification,
    ClinicianProfile,
    Degree,
    IdentifierState,
    License,
    User,
)
from cmeledger.lib.states import USState

NCCPA = "nccpa"  # the Board code of the National Commission on Certification of PAs
PA_C = "PA-C"
PHYSICIANS = frozenset({Degree.MD, Degree.DO})

# The license kinds as the transcript words them; the state follows ("…, Texas").
LICENSE_KINDS: dict[str, str] = {
    Degree.MD: "Physician license (MD)",
    Degree.DO: "Osteopathic physician license (DO)",
    Degree.PA: "Physician assistant license",
    Degree.NP: "Nurse practitioner license (APRN)",
    Degree.RN: "Registered nurse license",
}


def degree_of(user: User) -> str:
    """The profile's degree, "" without a profile."""
    found = ClinicianProfile.objects.filter(user=user).values_list("degree", flat=True).first()
    return found or ""


def nccpa_current(user: User, on: date | None = None) -> bool:
    """Whether an NCCPA certification of the user covers `on` (default today). A board ID
    a roster contradicted (disputed) does not count. No NCCPA board row: False."""
    on = on or timezone.localdate()
    return (
        Certification.objects.filter(
            clinician=user, board__code=NCCPA, cycle_start__lte=on, cycle_end__gte=on
        )
        .exclude(board_id_state=IdentifierState.DISPUTED)
        .exists()
    )


def credential(user: User, on: date | None = None, degree: str | None = None) -> str:
    """ "PA-C", "PA", "NP", "RN", "MD", "DO"; "" for another or no degree. `degree` saves
    the profile query when the caller has it."""
    degree = degree_of(user) if degree is None else degree
    if degree == Degree.PA and nccpa_current(user, on):
        return PA_C
    return degree if degree in Degree.values and degree != Degree.OTHER else ""


def display_name_with_credential(user: User, on: date | None = None) -> str:
    """ "Pat Lee, PA-C", "Sam Ortiz, NP"; a physician's name alone, as before, and an
    account with no name on record its email address alone."""
    name = user.display_name
    if not user.get_full_name():
        return name
    degree = degree_of(user)
    if not degree or degree in PHYSICIANS or degree == Degree.OTHER:
        return name
    return f"{name}, {credential(user, on, degree)}"


def license_kind(profession: str) -> str:
    """ "Physician assistant license" for PA; "License" for a profession not listed."""
    return LICENSE_KINDS.get(profession, "License")


def license_words(lic: License) -> str:
    """ "Physician assistant license, California, number PA1234": the kind, the state's
    name and the number (the caller adds dates in its own style)."""
    state = USState(lic.state).label if lic.state in USState.values else lic.state
    return f"{license_kind(lic.profession)}, {state}, number {lic.number}"
