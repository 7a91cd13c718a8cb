"""Rosters: what a board (or a state licensing board) says about who holds its IDs.

Loading a roster upserts its rows by key, set-based, and writes only rows that differ, so
the same file sent again changes nothing. Its effect is judged right after: every claim
of an ID on the roster becomes *verified* when the roster's last name agrees with the
clinician's and month/day of birth agrees where both sides have it, *disputed* (saying
what disagreed) otherwise; a claim of an ID not on the roster stays *claimed*. States set
by site staff (notes starting "Site staff:") are never overridden. docs/board.md,
"Rosters", tells the rules in words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Trim, Upper
from django.utils import timezone

from cmeledger.accounts.models import (
    Board,
    Certification,
    IdentifierState,
    License,
    Role,
    User,
)
from cmeledger.boards.models import LicenseRosterEntry, RosterEntry
from cmeledger.boards.roster_files import (
    Checked,
    RowProblem,
    read_board_roster,
    read_license_roster,
)
from cmeledger.lib.bulk import insert_rows
from cmeledger.lib.names import same_name
from cmeledger.reporting.signals import identifiers_changed

STAFF_NOTE = "Site staff:"
LAST_NAME_DIFFERS = "roster last name differs"
BIRTH_DIFFERS = "roster month/day of birth differs"
CLAIMED_TWICE = "board ID claimed by more than one account"
LICENSE_CLAIMED_TWICE = "license number claimed by more than one account"
BATCH = 2000
BOARD_FIELDS = (
    "first_name",
    "last_name",
    "birth_month",
    "birth_day",
    "certification_start",
    "certification_end",
    "status",
)
LICENSE_FIELDS = ("first_name", "last_name", "birth_month", "birth_day", "expires_on", "status")


@dataclass
class Effect:
    """Claims whose state a roster changed, by the state they now have."""

    verified: int = 0
    disputed: int = 0
    claimed: int = 0
    accounts: set[int] = field(default_factory=set)


@dataclass
class LoadResult:
    rows: int  # data rows read
    created: int
    updated: int
    unchanged: int
    problems: list[RowProblem]
    effect: Effect

    @property
    def invalid(self) -> int:
        return len(self.problems)


def normalised(value: str) -> str:
    """A board ID or license number as rosters key it."""
    return value.strip().upper()


# --- judging claims --------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    pk: int
    clinician_id: int
    key: object
    state: str
    note: str
    last_name: str
    birth_month: int | None
    birth_day: int | None


@dataclass(frozen=True)
class Listed:
    """What the roster says about one key."""

    last_name: str
    birth_month: int | None
    birth_day: int | None
    updated_at: datetime


def _disagreements(listed: Listed, claim: Claim) -> list[str]:
    found = []
    if not same_name(listed.last_name, claim.last_name):
        found.append(LAST_NAME_DIFFERS)
    both = listed.birth_month is not None and claim.birth_month is not None
    if both and (listed.birth_month, listed.birth_day) != (claim.birth_month, claim.birth_day):
        found.append(BIRTH_DIFFERS)
    return found


def _judged(
    claims: Iterable[Claim], roster: Mapping[Any, Listed], label: str, claimed_twice: str
) -> dict[tuple[str, str], list[Claim]]:
    """The claims whose state or note must change, by their new (state, note)."""
    by_key: dict[object, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_key[claim.key].append(claim)
    changes: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for key, group in by_key.items():
        listed = roster.get(key)
        targets: dict[int, tuple[str, str]] = {}
        if listed is None:
            # Not on the roster: a state this roster gave goes back to claimed.
            for claim in group:
                if claim.note.startswith(label):
                    targets[claim.pk] = (IdentifierState.CLAIMED, "")
        else:
            source = f"{label}, {timezone.localdate(listed.updated_at).isoformat()}"
            problems = {claim.pk: _disagreements(listed, claim) for claim in group}
            agreeing = {c.clinician_id for c in group if not problems[c.pk]}
            for claim in group:
                if problems[claim.pk]:
                    reason = "; ".join(problems[claim.pk])
                    targets[claim.pk] = (IdentifierState.DISPUTED, f"{source}: {reason}")
                elif len(agreeing) > 1:
                    targets[claim.pk] = (IdentifierState.DISPUTED, f"{source}: {claimed_twice}")
                else:
                    targets[claim.pk] = (IdentifierState.VERIFIED, source)
        for claim in group:
            target = targets.get(claim.pk)
            if target is None or claim.note.startswith(STAFF_NOTE):
                continue
            if target != (claim.state, claim.note):
                changes[target].append(claim)
    return changes


def _write(
    model: type[Certification] | type[License],
    state_field: str,
    changes: dict[tuple[str, str], list[Claim]],
) -> Effect:
    effect = Effect()
    for (state, note), claims in changes.items():
        pks = [c.pk for c in claims]
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).update(
                **{state_field: state, f"{state_field}_note": note}
            )
        setattr(effect, state, getattr(effect, state) + len(claims))
        effect.accounts.update(c.clinician_id for c in claims)
    if effect.accounts:
        identifiers_changed(effect.accounts)
    return effect


def claims_of(board: Board, key: str) -> QuerySet[Certification]:
    """The board's certifications claiming the board ID `key` (normalised)."""
    return (
        Certification.objects.filter(board=board)
        .annotate(key=Upper(Trim("board_id_number")))
        .filter(key=key)
        .order_by("clinician__last_name", "id")
    )


def search_entries(board: Board, q: str) -> QuerySet[RosterEntry]:
    """The board's roster rows whose board ID is a word of `q` or whose last name holds
    it; every word must match."""
    found = RosterEntry.objects.filter(board=board)
    for word in q.split():
        found = found.filter(Q(board_id_number=normalised(word)) | Q(last_name__icontains=word))
    return found.order_by("board_id_number")


def board_label(board: Board) -> str:
    return f"{board.code.upper()} roster"


def license_label(state: str) -> str:
    return f"{state} license roster"


def apply_board_roster(
    board: Board, keys: Iterable[str] | None = None, pks: Iterable[int] = ()
) -> Effect:
    """Judge the board's certification claims against its roster: all of them, or those
    of the given board IDs (and certifications). A board without a roster: nothing."""
    if not RosterEntry.objects.filter(board=board).exists():
        return Effect()
    entries = RosterEntry.objects.filter(board=board)
    certifications = Certification.objects.filter(board=board).annotate(
        key=Upper(Trim("board_id_number"))
    )
    if keys is not None:
        wanted = {normalised(k) for k in keys}
        entries = entries.filter(board_id_number__in=wanted)
        certifications = certifications.filter(Q(key__in=wanted) | Q(pk__in=list(pks)))
    roster = {
        key: Listed(last, month, day, updated)
        for key, last, month, day, updated in entries.values_list(
            "board_id_number", "last_name", "birth_month", "birth_day", "updated_at"
        )
    }
    claims = (
        Claim(*row)
        # An emptied board ID is a claim of nothing: the roster's state goes with it.
        for row in certifications.values_list(
            "pk",
            "clinician_id",
            "key",
            "board_id_state",
            "board_id_state_note",
            "clinician__last_name",
            "clinician__profile__birth_month",
            "clinician__profile__birth_day",
        )
    )
    changes = _judged(claims, roster, board_label(board), CLAIMED_TWICE)
    return _write(Certification, "board_id_state", changes)


def apply_license_roster(
    state: str, keys: Iterable[tuple[str, str]] | None = None, pks: Iterable[int] = ()
) -> Effect:
    """Judge the state's license claims against its roster, as `apply_board_roster`;
    keys are (profession, number)."""
    if not LicenseRosterEntry.objects.filter(state=state).exists():
        return Effect()
    entries = LicenseRosterEntry.objects.filter(state=state)
    licenses = License.objects.filter(state=state).annotate(key=Upper(Trim("number")))
    if keys is not None:
        wanted = {(p, normalised(n)) for p, n in keys}
        entries = entries.filter(number__in={n for _, n in wanted})
        licenses = licenses.filter(Q(key__in={n for _, n in wanted}) | Q(pk__in=list(pks)))
    roster = {
        (profession, number): Listed(last, month, day, updated)
        for profession, number, last, month, day, updated in entries.values_list(
            "profession", "number", "last_name", "birth_month", "birth_day", "updated_at"
        )
    }
    claims = (
        Claim(pk, clinician, (profession, key), *rest)
        for pk, clinician, profession, key, *rest in licenses.values_list(
            "pk",
            "clinician_id",
            "profession",
            "key",
            "number_state",
            "number_state_note",
            "clinician__last_name",
            "clinician__profile__birth_month",
            "clinician__profile__birth_day",
        )
    )
    changes = _judged(claims, roster, license_label(state), LICENSE_CLAIMED_TWICE)
    return _write(License, "number_state", changes)


# --- loading ---------------------------------------------------------------------------


def _db_value(value):
    """A value in the form the database driver takes (dates as SQLite stores them)."""
    ops = connection.ops
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    return value


def _upsert(
    model, existing: dict, checked: Checked, fixed: dict, keys: tuple[str, ...], fields
) -> tuple[int, int]:
    """Write the rows that are new or differ; (created, updated). New rows go in with
    COPY or one executemany (lib/bulk.py); changed ones with one upsert per batch."""
    now = timezone.now()
    columns = (*fixed, *keys, *fields, "updated_at")
    new: list[tuple] = []
    changed: list = []
    for key, row in checked.rows.items():
        values = tuple(getattr(row, name) for name in fields)
        stored = existing.get(key)
        if stored == values:
            continue
        full = (*fixed.values(), *(getattr(row, name) for name in keys), *values, now)
        if stored is None:
            new.append(tuple(_db_value(v) for v in full))
        else:
            changed.append(model(**dict(zip(columns, full, strict=True))))
    for start in range(0, len(new), BATCH * 5):
        insert_rows(model, columns, new[start : start + BATCH * 5])
    unique = [name.removesuffix("_id") if name in fixed else name for name in (*fixed, *keys)]
    for start in range(0, len(changed), BATCH):
        model.objects.bulk_create(
            changed[start : start + BATCH],
            update_conflicts=True,
            unique_fields=unique,
            update_fields=[*fields, "updated_at"],
        )
    return len(new), len(changed)


def load_board_roster(board: Board, data: bytes, encoding: str = "utf-8") -> LoadResult:
    """Check the file, upsert its good rows by board ID and judge the board's claims.
    Raises RosterRejected (nothing stored) when the file as a whole is unusable."""
    checked = read_board_roster(data, encoding)
    with transaction.atomic():
        # Two loads of one board at once would both insert the same new IDs: the second
        # waits here (PostgreSQL; SQLite already lets one writer in at a time).
        Board.objects.select_for_update().filter(pk=board.pk).first()
        existing = {
            key: tuple(values)
            for key, *values in RosterEntry.objects.filter(board=board).values_list(
                "board_id_number", *BOARD_FIELDS
            )
        }
        created, updated = _upsert(
            RosterEntry,
            existing,
            checked,
            {"board_id": board.pk},
            ("board_id_number",),
            BOARD_FIELDS,
        )
        effect = apply_board_roster(board)
    return LoadResult(
        checked.read,
        created,
        updated,
        len(checked.rows) - created - updated,
        checked.problems,
        effect,
    )


def load_license_roster(state: str, data: bytes, encoding: str = "utf-8") -> LoadResult:
    """The same for a state licensing board's roster, keyed by profession and number."""
    checked = read_license_roster(data, state, encoding)
    with transaction.atomic():
        existing = {
            (profession, number): tuple(values)
            for profession, number, *values in LicenseRosterEntry.objects.filter(
                state=state
            ).values_list("profession", "number", *LICENSE_FIELDS)
        }

        created, updated = _upsert(
            LicenseRosterEntry,
            existing,
            checked,
            {},
            ("state", "profession", "number"),
            LICENSE_FIELDS,
        )
        effect = apply_license_roster(state)
    return LoadResult(
        checked.read,
        created,
        updated,
        len(checked.rows) - created - updated,
        checked.problems,
        effect,
    )


# --- clinicians' own changes -------------------------------------------------------------

# What a roster writes at the start of a note: "ABPMR roster, 2026-12-03", "TX license
# roster, 2026-12-03".
ROSTER_NOTE = re.compile(r"^\S+ (license )?roster, \d{4}-\d{2}-\d{2}")


def forget_moved_claim(instance: Certification | License, stored: tuple, now: tuple) -> None:
    """Before a save that moves a claim to another board, state or ID: a state a roster
    gave the old claim says nothing about the new one, so it goes back to claimed."""
    field = "board_id_state" if isinstance(instance, Certification) else "number_state"
    note = getattr(instance, f"{field}_note")
    if stored != now and ROSTER_NOTE.match(note):
        setattr(instance, field, IdentifierState.CLAIMED)
        setattr(instance, f"{field}_note", "")


def certification_changed(certification: Certification) -> Effect:
    """Judge one saved (or deleted) certification at once, with the other claims of its
    board ID and any claim disputed only for being claimed twice (which this change may
    have settled)."""
    board = certification.board
    if not RosterEntry.objects.filter(board=board).exists():
        return Effect()  # most boards: one query and done
    twice = Certification.objects.filter(
        board=board,
        board_id_state=IdentifierState.DISPUTED,
        board_id_state_note__endswith=CLAIMED_TWICE,
    ).values_list("board_id_number", flat=True)
    keys = {certification.board_id_number, *twice}
    pks = [certification.pk] if certification.pk else []
    return apply_board_roster(board, keys, pks)


def license_changed(license: License) -> Effect:
    if not LicenseRosterEntry.objects.filter(state=license.state).exists():
        return Effect()
    twice = License.objects.filter(
        state=license.state,
        number_state=IdentifierState.DISPUTED,
        number_state_note__endswith=LICENSE_CLAIMED_TWICE,
    ).values_list("profession", "number")
    keys = {(license.profession, license.number), *twice}
    pks = [license.pk] if license.pk else []
    return apply_license_roster(license.state, keys, pks)


def clinician_changed(user_id: int) -> None:
    """Their name or birth date changed: judge their claims again."""
    user = User.objects.filter(pk=user_id, role=Role.CLINICIAN).first()
    if user is None:
        return
    by_board: dict[int, list[Certification]] = defaultdict(list)
    for certification in user.certifications.select_related("board"):
        by_board[certification.board_id].append(certification)
    for certifications in by_board.values():
        board = certifications[0].board
        apply_board_roster(
            board, [c.board_id_number for c in certifications], [c.pk for c in certifications]
        )
    by_state: dict[str, list[License]] = defaultdict(list)
    for license in user.licenses.all():
        by_state[license.state].append(license)
    for state, licenses in by_state.items():
        apply_license_roster(
            state, [(lic.profession, lic.number) for lic in licenses], [lic.pk for lic in licenses]
        )
