"""Identifiers on profiles, their verification states, and disputes (docs/identity.md).

An identifier (NPI, board + board ID, license state + number) is claimed when typed,
verified when an authority confirmed it, disputed when a roster contradicted it or
staff set it aside. It is also in dispute while more than one account claims it and no
account holds it verified: then it attaches nothing new until site staff decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Upper

from cmeledger.accounts.models import (
    Certification,
    ClinicianProfile,
    IdentifierState,
    License,
    Role,
    User,
    VerifiedIdentifier,
)

NPI, BOARD, LICENSE = "npi", "board", "license"
MODELS: dict[str, type[VerifiedIdentifier]] = {
    NPI: ClinicianProfile,
    BOARD: Certification,
    LICENSE: License,
}
STAFF = "Site staff: "


class NotFound(Exception):
    """No such identifier (answered as 404)."""


class Refused(Exception):
    """The action cannot be taken; the message says why."""


@dataclass(frozen=True)
class Identifier:
    """One identifier on one account, as the profile and staff pages show it."""

    kind: str
    pk: int
    user: User
    label: str  # "NPI 1234567893", "ABPMR board ID P42", "TX license M123"
    state: str
    note: str
    others: int  # other active accounts claiming the same identifier

    @property
    def in_dispute(self) -> bool:
        return self.state == IdentifierState.DISPUTED or (
            self.others > 0 and self.state != IdentifierState.VERIFIED
        )

    @property
    def state_label(self) -> str:
        if self.state == IdentifierState.DISPUTED:
            return "Disputed"
        if self.in_dispute:
            return "Disputed: also claimed by another account"
        return IdentifierState(self.state).label


def _clinicians(prefix: str) -> dict:
    return {f"{prefix}role": Role.CLINICIAN, f"{prefix}is_active": True}


def _label(kind: str, obj) -> str:
    if kind == NPI:
        return f"NPI {obj.npi}"
    if kind == BOARD:
        return f"{obj.board.code.upper()} board ID {obj.board_id_number}"
    return f"{obj.state} license {obj.number}"


def _same(kind: str, obj):
    """The same identifier on every active clinician account (this one included)."""
    if kind == NPI:
        return ClinicianProfile.objects.filter(npi=obj.npi, **_clinicians("user__"))
    if kind == BOARD:
        return Certification.objects.annotate(number=Upper("board_id_number")).filter(
            board=obj.board,
            number=obj.board_id_number.strip().upper(),
            **_clinicians("clinician__"),
        )
    return License.objects.annotate(upper=Upper("number")).filter(
        state=obj.state, upper=obj.number.strip().upper(), **_clinicians("clinician__")
    )


def _owner_id(kind: str, obj) -> int:
    return obj.user_id if kind == NPI else obj.clinician_id


def _identifier(kind: str, obj, user: User) -> Identifier:
    others = len({_owner_id(kind, o) for o in _same(kind, obj)} - {user.pk})
    return Identifier(
        kind, obj.pk, user, _label(kind, obj), obj.identifier_state, obj.identifier_note, others
    )


def identifiers_of(user: User) -> list[Identifier]:
    """The account's identifiers with their states, NPI first."""
    found = []
    profile = ClinicianProfile.objects.filter(user=user).first()
    if profile is not None and profile.npi:
        found.append(_identifier(NPI, profile, user))
    for certification in user.certifications.select_related("board"):
        if certification.board_id_number:
            found.append(_identifier(BOARD, certification, user))
    for license in user.licenses.all():
        found.append(_identifier(LICENSE, license, user))
    return found


def _shared_or_disputed(queryset, key_fields: tuple[str, ...], owner: str, state: str) -> set:
    """Keys held by several accounts, or marked disputed, found by aggregate SQL."""
    shared = (
        queryset.values(*key_fields)
        .annotate(holders=Count(owner, distinct=True))
        .filter(holders__gt=1)
        .values_list(*key_fields)
    )
    disputed = queryset.filter(**{state: IdentifierState.DISPUTED}).values_list(*key_fields)
    return set(shared) | set(disputed)


def disputes() -> list[list[Identifier]]:
    """Every identifier in dispute, each with all the accounts holding it."""
    groups: list[tuple[str, list]] = []
    profiles = ClinicianProfile.objects.filter(**_clinicians("user__")).exclude(npi="")
    for (npi,) in sorted(_shared_or_disputed(profiles, ("npi",), "user", "npi_state")):
        held = profiles.filter(npi=npi).select_related("user")
        groups.append((NPI, [(p, p.user) for p in held]))
    certifications = (
        Certification.objects.filter(**_clinicians("clinician__"))
        .exclude(board_id_number="")
        .annotate(number=Upper("board_id_number"))
    )
    keys = _shared_or_disputed(certifications, ("board", "number"), "clinician", "board_id_state")
    for board_id, number in sorted(keys):
        certified = certifications.filter(board=board_id, number=number).select_related(
            "board", "clinician"
        )
        groups.append((BOARD, [(c, c.clinician) for c in certified]))
    licenses = License.objects.filter(**_clinicians("clinician__")).annotate(upper=Upper("number"))
    for state, number in sorted(
        _shared_or_disputed(licenses, ("state", "upper"), "clinician", "number_state")
    ):
        licensed = licenses.filter(state=state, upper=number).select_related("clinician")
        groups.append((LICENSE, [(h, h.clinician) for h in licensed]))
    result = []
    for kind, members in groups:
        identifiers = [_identifier(kind, obj, user) for obj, user in members]
        if _open(identifiers):
            result.append(identifiers)
    return result


def _open(group: list[Identifier]) -> bool:
    """Still to decide: several claims and nobody verified, or a roster's contradiction
    that staff have not looked at. A verified holder settles the claims beside it."""
    verified = any(i.state == IdentifierState.VERIFIED for i in group)
    claims = [i for i in group if i.state == IdentifierState.CLAIMED]
    contradicted = any(
        i.state == IdentifierState.DISPUTED and not i.note.startswith(STAFF) for i in group
    )
    return contradicted or (not verified and len(claims) > 1)


def _get(kind: str, pk: int):
    model = MODELS.get(kind)
    obj = model._default_manager.filter(pk=pk).first() if model is not None else None
    if obj is None:
        raise NotFound("No such identifier.")
    return obj


def _set(obj, state: str, note: str) -> None:
    setattr(obj, obj.STATE_FIELD, state)
    setattr(obj, f"{obj.STATE_FIELD}_note", note[:300])
    obj.save(update_fields=[obj.STATE_FIELD, f"{obj.STATE_FIELD}_note"])


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("Give the reason for the decision; both accounts will see it.")
    if "\x00" in reason:
        raise Refused("The reason contains a NUL character, which is not text.")
    return reason


def verify(actor: User, kind: str, pk: int, reason: str) -> None:
    """Site staff confirm the identifier belongs to this account; every other account
    claiming it has its claim set aside. Records follow (reporting.signals)."""
    _require_staff(actor)
    reason = _reason(reason)
    obj = _get(kind, pk)
    with transaction.atomic():
        for other in _same(kind, obj).exclude(pk=obj.pk):
            _set(other, IdentifierState.DISPUTED, f"{STAFF}verified for another account: {reason}")
        _set(obj, IdentifierState.VERIFIED, f"{STAFF}{reason}")


def set_aside(actor: User, kind: str, pk: int, reason: str) -> None:
    """Site staff decide the identifier is not this account's: it attaches nothing."""
    _require_staff(actor)
    reason = _reason(reason)
    obj = _get(kind, pk)
    _set(obj, IdentifierState.DISPUTED, f"{STAFF}{reason}")


def _require_staff(actor: User) -> None:
    if not actor.is_site_admin:
        raise Refused("Only site staff decide disputed identifiers.")
