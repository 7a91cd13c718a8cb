"""Searching the provider directory and keeping it: the views and the API call these.

Anyone signed in searches. Board staff maintain providers (shared by every board) and
their own board's rows only: what a provider reports to the board and which accreditors
the board accepts. The board is always the staff member's own, never taken from input,
so another board's rows cannot be reached. Every change is a DirectoryChange row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from cmeledger.accounts.models import Board, Role, User
from cmeledger.directory.models import (
    BoardAccreditor,
    DirectoryChange,
    Provider,
    ProviderAccreditor,
    ProviderReporting,
    ProviderSpecialty,
)
from cmeledger.ledger.vocabulary import Accreditor, ActivityKind, CreditType

MAX_QUERY = 100
MAX_SPECIALTIES = 20
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class DirectoryRefused(Exception):
    """Nothing was stored; `errors` are messages by field ("" for the whole)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(
            "; ".join(f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in errors.items())
        )
        self.errors = errors


class NotFound(Exception):
    """No such provider or row for this user: a 404."""


def may_maintain(user: User) -> bool:
    return user.is_authenticated and user.role == Role.BOARD_STAFF and user.board_id is not None


def my_boards(user: User) -> list[Board]:
    """The boards "reports to my board" means: staff's own, a clinician's certifying boards."""
    if user.role == Role.BOARD_STAFF and user.board is not None:
        return [user.board]
    if user.role == Role.CLINICIAN:
        return list(Board.objects.filter(certifications__clinician=user).distinct())
    return []


def _text(value: str, name: str, limit: int) -> str:
    if "\x00" in value:
        raise DirectoryRefused({name: ["Remove the NUL character (\\x00) from the text."]})
    value = value.strip()
    if len(value) > limit:
        raise DirectoryRefused({name: [f"Use at most {limit} characters (this has {len(value)})."]})
    return value


@dataclass(frozen=True)
class Filters:
    q: str = ""
    specialty: str = ""
    accreditor: str = ""
    reports_to_mine: bool = False

    def checked(self) -> Filters:
        q = _text(self.q, "q", MAX_QUERY)
        specialty = _text(self.specialty, "specialty", 80)
        if self.accreditor and self.accreditor not in Accreditor.values:
            raise DirectoryRefused(
                {"accreditor": [f"Choose one of: {', '.join(Accreditor.values)}."]}
            )
        return Filters(q, specialty, self.accreditor, self.reports_to_mine)


def providers() -> QuerySet[Provider]:
    return Provider.objects.prefetch_related(
        "accreditors", "specialties", "reporting__board"
    ).order_by("name", "id")


def search(user: User, filters: Filters) -> QuerySet[Provider]:
    """Providers matching every filter given; raises DirectoryRefused for bad filters."""
    filters = filters.checked()
    found = providers()
    if filters.q:
        found = found.filter(
            Q(name__icontains=filters.q)
            | Q(notes__icontains=filters.q)
            | Q(specialties__name__icontains=filters.q)
        )
    if filters.specialty:
        found = found.filter(specialties__name__iexact=filters.specialty)
    if filters.accreditor:
        found = found.filter(accreditors__accreditor=filters.accreditor)
    if filters.reports_to_mine:
        boards = [b.pk for b in my_boards(user)]
        found = found.filter(
            Exists(
                ProviderReporting.objects.filter(
                    provider=OuterRef("pk"), board_id__in=boards, reports_automatically=True
                )
            )
        )
    return found.distinct()


def specialties() -> list[str]:
    return list(
        ProviderSpecialty.objects.values_list("name", flat=True).distinct().order_by("name")
    )


def get_provider(slug: str) -> Provider:
    if len(slug) > 80 or not SLUG.match(slug):
        raise NotFound(slug)
    try:
        return providers().get(slug=slug)
    except Provider.DoesNotExist:
        raise NotFound(slug) from None


def _require_staff(user: User) -> None:
    if not may_maintain(user):
        raise PermissionError("Only board staff maintain the provider directory.")


def _log(by: User, summary: str, provider: Provider | None = None, board: Board | None = None):
    DirectoryChange.objects.create(by=by, provider=provider, board=board, summary=summary[:1000])


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in error.error_dict.items()}
    return {"": error.messages}


def _codes(values: list[str], allowed: list[str], name: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise DirectoryRefused(
            {name: [f"Unknown code {unknown[0][:40]!r}; choose from: {', '.join(allowed)}."]}
        )
    return sorted(set(values), key=values.index)


@dataclass
class ProviderFields:
    name: str
    phone: str = ""
    website: str = ""
    notes: str = ""
    source: str = ""
    accreditors: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)


def _unique_slug(name: str, provider: Provider | None) -> str:
    base = slugify(name)[:70].strip("-") or "provider"
    slug, n = base, 2
    others = (
        Provider.objects.all() if provider is None else Provider.objects.exclude(pk=provider.pk)
    )
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _described(provider: Provider) -> dict[str, str]:
    return {
        "name": provider.name,
        "phone": provider.phone,
        "website": provider.website,
        "notes": provider.notes,
        "source": provider.source,
        "accreditors": ", ".join(sorted(provider.accreditor_codes)),
        "specialties": ", ".join(sorted(provider.specialty_names)),
    }


@transaction.atomic
def save_provider(by: User, fields: ProviderFields, provider: Provider | None = None) -> Provider:
    """Create a provider (provider=None) or edit one; every check runs before any write."""
    _require_staff(by)
    texts = {
        "name": _text(fields.name, "name", 200),
        "phone": _text(fields.phone, "phone", 40),
        "website": _text(fields.website, "website", 500),
        "notes": _text(fields.notes, "notes", 2000),
        "source": _text(fields.source, "source", 300),
    }
    accreditors = _codes(fields.accreditors, Accreditor.values, "accreditors")
    names = [_text(s, "specialties", 80) for s in fields.specialties]
    names = sorted({s for s in names if s}, key=names.index)
    if len(names) > MAX_SPECIALTIES:
        raise DirectoryRefused({"specialties": [f"List at most {MAX_SPECIALTIES} specialties."]})
    before = _described(provider) if provider else None
    target = provider or Provider()
    for key, value in texts.items():
        setattr(target, key, value)
    target.slug = target.slug or _unique_slug(texts["name"], provider)
    target.updated_at = timezone.now()
    target.updated_by = by
    try:
        target.full_clean(exclude=["slug"] if provider else None)
    except ValidationError as error:
        raise DirectoryRefused(_errors(error)) from None
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise DirectoryRefused({"name": ["A provider with this name already exists."]}) from None
    target.accreditors.all().delete()
    ProviderAccreditor.objects.bulk_create(
        ProviderAccreditor(provider=target, accreditor=code) for code in accreditors
    )
    target.specialties.all().delete()
    ProviderSpecialty.objects.bulk_create(
        ProviderSpecialty(provider=target, name=name) for name in names
    )
    target = providers().get(pk=target.pk)
    after = _described(target)
    if before is None:
        _log(by, f"Added {target.name}.", target)
    else:
        changed = [k for k in after if before[k] != after[k]]
        if changed:
            _log(by, f"Changed {', '.join(changed)} of {target.name}.", target)
    return target


@dataclass
class ReportingFields:
    reports_automatically: bool
    credit_types: list[str] = field(default_factory=list)
    activity_kinds: list[str] = field(default_factory=list)
    details: str = ""
    source: str = ""


@transaction.atomic
def set_reporting(by: User, provider: Provider, fields: ReportingFields) -> ProviderReporting:
    """What the provider reports to the staff member's own board (created or replaced)."""
    _require_staff(by)
    assert by.board is not None  # may_maintain checked it
    values = {
        "reports_automatically": fields.reports_automatically,
        "credit_types": _codes(fields.credit_types, CreditType.values, "credit_types"),
        "activity_kinds": _codes(fields.activity_kinds, ActivityKind.values, "activity_kinds"),
        "details": _text(fields.details, "details", 2000),
        "source": _text(fields.source, "source", 300),
        "updated_at": timezone.now(),
        "updated_by": by,
    }
    row, created = ProviderReporting.objects.select_for_update().update_or_create(
        provider=provider, board=by.board, defaults=values
    )
    how = "reports automatically" if row.reports_automatically else "does not report automatically"
    verb = "Set" if created else "Changed"
    _log(
        by,
        f"{verb} reporting to {by.board.code.upper()}: {provider.name} {how}.",
        provider,
        by.board,
    )
    return row


@transaction.atomic
def remove_reporting(by: User, provider: Provider) -> None:
    _require_staff(by)
    assert by.board is not None  # may_maintain checked it
    deleted, _ = ProviderReporting.objects.filter(provider=provider, board=by.board).delete()
    if not deleted:
        raise NotFound(provider.slug)
    _log(by, f"Removed {provider.name}'s reporting to {by.board.code.upper()}.", provider, by.board)


def accepted(board: Board) -> QuerySet[BoardAccreditor]:
    return BoardAccreditor.objects.filter(board=board).order_by("name")


def accepted_by_board() -> dict[Board, list[BoardAccreditor]]:
    out: dict[Board, list[BoardAccreditor]] = {}
    for row in BoardAccreditor.objects.select_related("board").order_by("board__code", "name"):
        out.setdefault(row.board, []).append(row)
    return out


@transaction.atomic
def add_accepted(
    by: User, accreditor: str, name: str, source: str, note: str = ""
) -> BoardAccreditor:
    """An accreditor the staff member's board accepts; `name` defaults to the code's label."""
    _require_staff(by)
    assert by.board is not None  # may_maintain checked it
    if accreditor and accreditor not in Accreditor.values:
        raise DirectoryRefused(
            {"accreditor": [f"Choose one of: {', '.join(Accreditor.values)}, or leave it empty."]}
        )
    name = _text(name, "name", 200) or (Accreditor(accreditor).label if accreditor else "")
    row = BoardAccreditor(
        board=by.board,
        accreditor=accreditor,
        name=name,
        source=_text(source, "source", 300),
        note=_text(note, "note", 500),
        updated_by=by,
    )
    try:
        row.full_clean(exclude=["board"])
    except ValidationError as error:
        raise DirectoryRefused(_errors(error)) from None
    if BoardAccreditor.objects.filter(board=by.board, name__iexact=name).exists():
        raise DirectoryRefused({"name": [f"{by.board.code.upper()} already accepts {name}."]})
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise DirectoryRefused(
            {"name": [f"{by.board.code.upper()} already accepts {name}."]}
        ) from None
    _log(by, f"{by.board.code.upper()} accepts {name} ({row.source}).", board=by.board)
    return row


@transaction.atomic
def remove_accepted(by: User, pk: int) -> None:
    _require_staff(by)
    assert by.board is not None  # may_maintain checked it
    if not 0 < pk < 2**31:  # beyond any id; PostgreSQL would refuse the comparison
        raise NotFound(str(pk))
    row = BoardAccreditor.objects.filter(board=by.board, pk=pk).first()
    if row is None:
        raise NotFound(str(pk))
    row.delete()
    _log(by, f"{by.board.code.upper()} no longer lists {row.name} as accepted.", board=by.board)


def changes(provider: Provider | None = None, board: Board | None = None, limit: int = 50):
    found = DirectoryChange.objects.select_related("by", "board")
    if provider is not None:
        found = found.filter(provider=provider)
    if board is not None:
        found = found.filter(board=board)
    return list(found[:limit])
