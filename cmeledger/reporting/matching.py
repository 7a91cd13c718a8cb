"""Which clinician a reported completion belongs to.

The priority is fixed and documented (docs/reporting.md): board + board ID, then NPI,
then license state + number, then exact name (case aside) with month and day of birth.
The first identifier the record carries that finds anyone decides: one clinician is a
match; several are ambiguous, and the record waits for review attached to nobody. A
record whose identifiers find nobody waits until a clinician with them appears.

Lookups are batched: `Directory.prime` asks the database once per batch for every
identifier not seen before in this import, and keeps the answers, so a file that names
the same 50,000 clinicians a million times asks about each of them once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models.functions import Lower

from cmeledger.accounts.models import Certification, ClinicianProfile, License, Role, User
from cmeledger.reporting.records import Completion

CHUNK = 900  # identifiers per query: under every database's parameter limit
CACHE_LIMIT = 2_000_000  # identifiers remembered per import before starting afresh

BOARD = "board"
NPI = "npi"
LICENSE = "license"
NAME = "name"
PRIORITY = (BOARD, NPI, LICENSE, NAME)


@dataclass(frozen=True, slots=True)
class Match:
    clinician_id: int | None
    state: str  # matched / unmatched / ambiguous
    by: str  # which identifier decided, "" when none did


UNMATCHED = Match(None, "unmatched", "")


def board_key(board: str, board_id: str) -> str:
    return f"{board}:{board_id.strip().upper()}"


def license_key(state: str, number: str) -> str:
    return f"{state}:{number.strip().upper()}"


def name_key(first: str, last: str, month: int, day: int) -> str:
    return f"{last.strip().casefold()}|{first.strip().casefold()}|{month:02d}/{day:02d}"


def keys_of(c: Completion) -> dict[str, str]:
    """The record's identifiers, as the keys matching looks them up by."""
    keys = {}
    if c.board and c.board_id:
        keys[BOARD] = board_key(c.board, c.board_id)
    if c.npi:
        keys[NPI] = c.npi
    if c.license_state and c.license_number:
        keys[LICENSE] = license_key(c.license_state, c.license_number)
    if c.first_name and c.last_name and c.birth_month and c.birth_day:
        keys[NAME] = name_key(c.first_name, c.last_name, c.birth_month, c.birth_day)
    return keys


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _clinicians():
    return User.objects.filter(role=Role.CLINICIAN, is_active=True)


class Directory:
    """Identifier -> clinician ids, looked up in batches and remembered."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, tuple[int, ...]]] = {kind: {} for kind in PRIORITY}

    def _forget_if_full(self) -> None:
        if sum(len(found) for found in self.known.values()) > CACHE_LIMIT:
            for found in self.known.values():
                found.clear()

    def prime(self, completions: Iterable[Completion]) -> None:
        self._prime_keys(keys_of(completion) for completion in completions)

    def _prime_keys(self, all_keys: Iterable[dict[str, str]]) -> None:
        self._forget_if_full()
        wanted: dict[str, set[str]] = {kind: set() for kind in PRIORITY}
        for keys in all_keys:
            for kind, key in keys.items():
                if key not in self.known[kind]:
                    wanted[kind].add(key)
        for kind, lookup in (
            (BOARD, self._boards),
            (NPI, self._npis),
            (LICENSE, self._licenses),
            (NAME, self._names),
        ):
            if wanted[kind]:
                found = lookup(sorted(wanted[kind]))
                known = self.known[kind]
                for key in wanted[kind]:
                    known[key] = tuple(sorted(found.get(key, ())))

    def _boards(self, keys: list[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        wanted = set(keys)
        # Board IDs are compared as given, upper-cased on both sides for the key.
        numbers = sorted({key.split(":", 1)[1] for key in keys})
        variants = sorted(set(numbers) | {n.lower() for n in numbers})
        for chunk in _chunks(variants):
            rows = Certification.objects.filter(
                board_id_number__in=chunk,
                clinician__role=Role.CLINICIAN,
                clinician__is_active=True,
            ).values_list("board__code", "board_id_number", "clinician_id")
            for code, number, clinician_id in rows:
                key = board_key(code, number)
                if key in wanted:
                    found[key].add(clinician_id)
        return found

    def _npis(self, keys: list[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        for chunk in _chunks(keys):
            rows = ClinicianProfile.objects.filter(
                npi__in=chunk, user__role=Role.CLINICIAN, user__is_active=True
            ).values_list("npi", "user_id")
            for npi, user_id in rows:
                found[npi].add(user_id)
        return found

    def _licenses(self, keys: list[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        wanted = set(keys)
        numbers = sorted({key.split(":", 1)[1] for key in keys})
        variants = sorted(set(numbers) | {n.lower() for n in numbers})
        for chunk in _chunks(variants):
            rows = License.objects.filter(
                number__in=chunk, clinician__role=Role.CLINICIAN, clinician__is_active=True
            ).values_list("state", "number", "clinician_id")
            for state, number, clinician_id in rows:
                key = license_key(state, number)
                if key in wanted:
                    found[key].add(clinician_id)
        return found

    def _names(self, keys: list[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        wanted = set(keys)
        last_names = sorted({key.split("|", 1)[0] for key in keys})
        for chunk in _chunks(last_names):
            rows = (
                _clinicians()
                .annotate(last_lower=Lower("last_name"))
                .filter(last_lower__in=chunk, profile__birth_month__isnull=False)
                .values_list(
                    "id", "first_name", "last_name", "profile__birth_month", "profile__birth_day"
                )
            )
            for user_id, first, last, month, day in rows:
                key = name_key(first, last, month, day)
                if key in wanted:
                    found[key].add(user_id)
        return found

    def match(self, completion: Completion) -> Match:
        return self._match(keys_of(completion))

    def match_all(self, completions: list[Completion]) -> list[Match]:
        """Match a batch: one round of lookups for all of it, each record's keys built once."""
        all_keys = [keys_of(completion) for completion in completions]
        self._prime_keys(all_keys)
        return [self._match(keys) for keys in all_keys]

    def _match(self, keys: dict[str, str]) -> Match:
        for kind, key in keys.items():
            candidates = self.known[kind].get(key)
            if candidates is None:
                self._prime_keys([{kind: key}])
                candidates = self.known[kind][key]
            if len(candidates) == 1:
                return Match(candidates[0], "matched", kind)
            if candidates:
                return Match(None, "ambiguous", kind)
        return UNMATCHED
