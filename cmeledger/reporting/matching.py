"""Which clinician a reported completion belongs to, and the evidence for it.

A record attaches to an account only when an identifier it carries (board + board ID,
NPI, license state + number) is held by exactly one account, the record's last name
agrees with that account's, and month/day of birth agrees where both sides have it
(as ACCME's PARS asks of providers). An identifier the clinician only typed ("claimed")
needs month/day of birth on both sides as well; one a roster or site staff confirmed
("verified") may attach on identifier and last name. The account's email must be
confirmed. When the record's identifiers point to different accounts, nothing attaches.
Everything else waits, with the reason (docs/identity.md).

Lookups are batched: `Directory.prime` asks the database once per batch for every
identifier not seen before in this import, and keeps the holders, so a file that names
the same 50,000 clinicians a million times asks about each of them once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from cmeledger.accounts.models import (
    Certification,
    ClinicianProfile,
    IdentifierState,
    License,
    Role,
)
from cmeledger.lib.names import normalise_name
from cmeledger.reporting.records import Completion

CHUNK = 900  # identifiers per query: under every database's parameter limit
CACHE_LIMIT = 2_000_000  # identifiers remembered per import before starting afresh

BOARD = "board"
NPI = "npi"
LICENSE = "license"
PRIORITY = (BOARD, NPI, LICENSE)
LABELS = {BOARD: "board ID", NPI: "NPI", LICENSE: "license number"}

MATCHED = "matched"
UNMATCHED = "unmatched"
AMBIGUOUS = "ambiguous"  # a dispute: several accounts, or identifiers that disagree


@dataclass(frozen=True, slots=True)
class Holder:
    """An account holding an identifier, with what corroboration compares."""

    user_id: int
    state: str  # the identifier's IdentifierState on this account
    last_name: str  # normalised
    birth: tuple[int, int] | None
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Match:
    clinician_id: int | None
    state: str  # matched / unmatched / ambiguous
    by: str  # which identifier decided, "" when none did
    reason: str = ""  # why it waits; "" when matched
    evidence: dict | None = None  # what agreed, when matched


NOBODY = Match(None, UNMATCHED, "", "no account holds its identifiers yet")


def board_key(board: str, board_id: str) -> str:
    return f"{board}:{board_id.strip().upper()}"


def license_key(state: str, number: str) -> str:
    return f"{state}:{number.strip().upper()}"


def keys_of(c: Completion) -> dict[str, str]:
    """The record's identifiers, as the keys matching looks them up by."""
    keys = {}
    if c.board and c.board_id:
        keys[BOARD] = board_key(c.board, c.board_id)
    if c.npi:
        keys[NPI] = c.npi
    if c.license_state and c.license_number:
        keys[LICENSE] = license_key(c.license_state, c.license_number)
    return keys


@dataclass(frozen=True, slots=True)
class Learner:
    """What a record says about its learner besides identifiers."""

    last_name: str  # normalised
    birth: tuple[int, int] | None

    @classmethod
    def of(cls, c: Completion) -> Learner:
        birth = (c.birth_month, c.birth_day) if c.birth_month and c.birth_day else None
        return cls(normalise_name(c.last_name), birth)


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _holder(user_id, state, last_name, month, day, confirmed_at) -> Holder:
    birth = (month, day) if month and day else None
    return Holder(user_id, state, normalise_name(last_name or ""), birth, confirmed_at is not None)


def _variants(keys: list[str]) -> list[str]:
    # Numbers are compared upper-cased on both sides; the column holds them as typed.
    numbers = {key.split(":", 1)[1] for key in keys}
    return sorted(numbers | {n.lower() for n in numbers})


def _active(prefix: str) -> dict:
    return {f"{prefix}role": Role.CLINICIAN, f"{prefix}is_active": True}


class Directory:
    """Identifier -> the accounts holding it, looked up in batches and remembered."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, tuple[Holder, ...]]] = {kind: {} for kind in PRIORITY}

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
        for kind, lookup in ((BOARD, self._boards), (NPI, self._npis), (LICENSE, self._licenses)):
            if wanted[kind]:
                found = lookup(sorted(wanted[kind]))
                known = self.known[kind]
                for key in wanted[kind]:
                    known[key] = tuple(sorted(found.get(key, ()), key=lambda h: h.user_id))

    def _boards(self, keys: list[str]) -> dict[str, list[Holder]]:
        found: dict[str, list[Holder]] = defaultdict(list)
        wanted = set(keys)
        for chunk in _chunks(_variants(keys)):
            rows = Certification.objects.filter(
                board_id_number__in=chunk, **_active("clinician__")
            ).values_list(
                "board__code",
                "board_id_number",
                "clinician_id",
                "board_id_state",
                "clinician__last_name",
                "clinician__profile__birth_month",
                "clinician__profile__birth_day",
                "clinician__email_confirmed_at",
            )
            for code, number, *holder in rows:
                key = board_key(code, number)
                if key in wanted:
                    found[key].append(_holder(*holder))
        return found

    def _npis(self, keys: list[str]) -> dict[str, list[Holder]]:
        found: dict[str, list[Holder]] = defaultdict(list)
        for chunk in _chunks(keys):
            rows = ClinicianProfile.objects.filter(npi__in=chunk, **_active("user__")).values_list(
                "npi",
                "user_id",
                "npi_state",
                "user__last_name",
                "birth_month",
                "birth_day",
                "user__email_confirmed_at",
            )
            for npi, *holder in rows:
                found[npi].append(_holder(*holder))
        return found

    def _licenses(self, keys: list[str]) -> dict[str, list[Holder]]:
        found: dict[str, list[Holder]] = defaultdict(list)
        wanted = set(keys)
        for chunk in _chunks(_variants(keys)):
            rows = License.objects.filter(number__in=chunk, **_active("clinician__")).values_list(
                "state",
                "number",
                "clinician_id",
                "number_state",
                "clinician__last_name",
                "clinician__profile__birth_month",
                "clinician__profile__birth_day",
                "clinician__email_confirmed_at",
            )
            for state, number, *holder in rows:
                key = license_key(state, number)
                if key in wanted:
                    # One account may hold the same number for two professions.
                    if all(h.user_id != holder[0] for h in found[key]):
                        found[key].append(_holder(*holder))
        return found

    def holders(self, kind: str, key: str) -> tuple[Holder, ...]:
        found = self.known[kind].get(key)
        if found is None:
            self._prime_keys([{kind: key}])
            found = self.known[kind][key]
        return found

    def match(self, completion: Completion) -> Match:
        return self._judge(keys_of(completion), Learner.of(completion))

    def match_all(self, completions: list[Completion]) -> list[Match]:
        """Match a batch: one round of lookups for all of it, each record's keys built once."""
        all_keys = [keys_of(completion) for completion in completions]
        self._prime_keys(all_keys)
        return [
            self._judge(keys, Learner.of(completion))
            for keys, completion in zip(all_keys, completions, strict=True)
        ]

    def _judge(self, keys: dict[str, str], learner: Learner) -> Match:
        if not keys:
            return Match(None, UNMATCHED, "", "it carries no identifier (board ID, NPI or license)")
        accepted: list[Match] = []
        refused: list[Match] = []
        for kind, key in keys.items():
            verdict = judge_one(kind, self.holders(kind, key), learner)
            (accepted if verdict.clinician_id is not None else refused).append(verdict)
        # Only fully corroborated identifiers can conflict: one that someone typed onto an
        # account whose name disagrees must not stop the record reaching its owner.
        if len({verdict.clinician_id for verdict in accepted}) > 1:
            labels = " and ".join(LABELS[kind] for kind in keys)
            return Match(None, AMBIGUOUS, "", f"its {labels} belong to different accounts", None)
        if accepted:
            return accepted[0]
        disputes = [verdict for verdict in refused if verdict.state == AMBIGUOUS]
        if disputes:
            return disputes[0]
        informative = [verdict for verdict in refused if verdict.reason != NOBODY.reason]
        return informative[0] if informative else NOBODY


def judge_one(kind: str, holders: tuple[Holder, ...], learner: Learner) -> Match:
    """The verdict of one identifier on its own."""
    label = LABELS[kind]
    if not holders:
        return NOBODY
    standing = [h for h in holders if h.state != IdentifierState.DISPUTED]
    if not standing:
        return Match(None, AMBIGUOUS, kind, f"its {label} is disputed")
    verified = [h for h in standing if h.state == IdentifierState.VERIFIED]
    if verified:
        standing = verified
    if len(standing) > 1:
        return Match(None, AMBIGUOUS, kind, f"its {label} is claimed by {len(standing)} accounts")
    holder = standing[0]
    if not learner.last_name:
        return Match(None, UNMATCHED, kind, "it has no last name to corroborate the identifier")
    if learner.last_name != holder.last_name:
        return Match(
            None, UNMATCHED, kind, f"last name differs from the account holding its {label}"
        )
    both_births = learner.birth is not None and holder.birth is not None
    if both_births and learner.birth != holder.birth:
        return Match(
            None,
            UNMATCHED,
            kind,
            f"month/day of birth differs from the account holding its {label}",
        )
    if holder.state == IdentifierState.CLAIMED and not both_births:
        return Match(
            None,
            UNMATCHED,
            kind,
            f"its {label} is only claimed, and month/day of birth is needed on both sides to "
            "corroborate it",
        )
    if not holder.confirmed:
        return Match(
            None, UNMATCHED, kind, f"email not confirmed by the account holding its {label}"
        )
    agreed = [label, "last name"] + (["month/day of birth"] if both_births else [])
    evidence = {"identifier": kind, "state": holder.state, "agreed": agreed}
    return Match(holder.user_id, MATCHED, kind, "", evidence)


def describe(evidence: dict | None) -> str:
    """How a record was matched, in words the clinician reads: "matched by board ID,
    last name and month/day of birth (board ID verified)"."""
    if not evidence or not evidence.get("agreed"):
        return ""
    agreed = evidence["agreed"]
    words = agreed[0] if len(agreed) == 1 else ", ".join(agreed[:-1]) + " and " + agreed[-1]
    state = IdentifierState(evidence["state"]).label.lower()
    return f"matched by {words} ({LABELS[evidence['identifier']]} {state} at the time)"
