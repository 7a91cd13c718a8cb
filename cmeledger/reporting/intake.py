"""Writing a batch of reported rows: set-based, idempotent, one transaction per batch.

For each batch: look up the stored records by the organization's record ids (one query
per 900 ids), skip rows whose fingerprint is unchanged without validating them, validate
the rest, check the agreement, match learners, then insert new records and their entries
with COPY/executemany and update changed ones. The caller wraps the batch and its
checkpoint in one transaction, so a crash loses a whole batch or nothing, and running it
again reaches the same state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from cmeledger.accounts.models import (
    Board,
    ClinicianProfile,
    IdentifierState,
    Organization,
    User,
)
from cmeledger.ledger import bulk as ledger_bulk
from cmeledger.ledger.bulk import NewEntry
from cmeledger.ledger.models import OWN_SOURCES, CreditEntry
from cmeledger.ledger.vocabulary import Source
from cmeledger.lib.bulk import allocate_ids, insert_rows
from cmeledger.reporting import matching
from cmeledger.reporting.matching import Directory, Match
from cmeledger.reporting.models import (
    WAITING_STATES,
    Agreement,
    CredentialKind,
    Member,
    RecordState,
    ReportedRecord,
    Submission,
)
from cmeledger.reporting.records import BadRow, Completion, Problem, RawRow, from_payload, validate

CHUNK = 900
# SQLite allows 32,766 bound values per statement since 3.32.
SQLITE_CHUNK = 5000


class Status:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    WITHDRAWN = "withdrawn"
    INVALID = "invalid"


@dataclass(slots=True)
class Outcome:
    """What happened to one row: the API returns these, files count them."""

    number: int
    key: str
    status: str
    state: str = ""  # matched / unmatched / ambiguous for rows that were stored
    problems: tuple[Problem, ...] = ()


@dataclass
class MemberList:
    npis: frozenset[str]
    emails: frozenset[str]
    boards: frozenset[str]

    @classmethod
    def of(cls, organization: Organization) -> MemberList:
        rows = Member.objects.filter(organization=organization).values_list(
            "npi", "email", "board", "board_id"
        )
        npis, emails, boards = set(), set(), set()
        for npi, email, board, board_id in rows:
            if npi:
                npis.add(npi)
            if email:
                emails.add(email.lower())
            if board and board_id:
                boards.add(matching.board_key(board, board_id))
        return cls(frozenset(npis), frozenset(emails), frozenset(boards))

    def includes(self, c: Completion) -> bool:
        return bool(
            (c.npi and c.npi in self.npis)
            or (c.email and c.email in self.emails)
            or (c.board and matching.board_key(c.board, c.board_id) in self.boards)
        )


class NoAgreement(Exception):
    """The organization has no data-sharing agreement in force."""


def agreement_in_force(organization: Organization, today: date | None = None) -> Agreement:
    """The organization's agreement, or NoAgreement saying why it may not report: every
    way in (the portal, the API, a running job) asks here."""
    agreement = Agreement.objects.filter(organization=organization).first()
    if agreement is None or not agreement.in_force(today or timezone.localdate()):
        raise NoAgreement(
            f"{organization.name} has no data-sharing agreement in force, so it cannot "
            "report completions; ask the site's administrators for one."
        )
    return agreement


@dataclass
class Context:
    """Everything a batch needs that does not change between batches of one submission."""

    organization: Organization
    agreement: Agreement
    known_boards: frozenset[str]
    agreement_boards: frozenset[str]
    members: MemberList | None
    today: date
    submission: Submission | None = None
    actor: User | None = None
    directory: Directory = field(default_factory=Directory)

    @classmethod
    def of(
        cls,
        organization: Organization,
        submission: Submission | None = None,
        actor: User | None = None,
    ) -> Context:
        today = timezone.localdate()
        agreement = agreement_in_force(organization, today)
        return cls(
            organization=organization,
            agreement=agreement,
            known_boards=frozenset(Board.objects.values_list("code", flat=True)),
            agreement_boards=frozenset(agreement.boards.values_list("code", flat=True)),
            members=MemberList.of(organization) if agreement.members_only else None,
            today=today,
            submission=submission,
            actor=actor,
        )

    def agreement_problems(self, c: Completion) -> list[Problem]:
        problems = []
        kinds = self.agreement.credential_kinds
        if c.needs_board_agreement():
            if CredentialKind.BOARD_CERTIFICATION not in kinds:
                problems.append(
                    Problem(
                        "credits",
                        "the agreement does not cover board certification (MOC points, "
                        "self-assessment credit, certification activities)",
                    )
                )
            elif not c.board:
                problems.append(
                    Problem("board", "MOC and certification credit must name the board")
                )
            elif c.board not in self.agreement_boards:
                problems.append(
                    Problem("board", f"the agreement does not cover the board '{c.board}'")
                )
        plain_credit = any(t not in ("moc-points", "sa-cme") for t, _ in c.credits)
        if plain_credit and CredentialKind.STATE_LICENSE not in kinds:
            problems.append(
                Problem("credits", "the agreement does not cover CME credit for licenses")
            )
        if self.members is not None and not self.members.includes(c):
            problems.append(
                Problem(
                    "learner",
                    "not on the organization's member list, and the agreement covers members only",
                )
            )
        return problems


@dataclass(slots=True)
class Stored:
    id: int
    fingerprint: int
    state: str
    clinician_id: int | None


def _stored(organization_id: int, keys: list[str]) -> dict[str, Stored]:
    """The stored records of these record ids. Plain SQL: the ORM's cost of building an
    IN list is per id, and a re-sent file is a million of them."""
    found = {}
    table = ReportedRecord._meta.db_table
    select = (
        f"SELECT record_key, id, fingerprint, state, clinician_id FROM {table} "
        "WHERE organization_id = %s AND record_key "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(select + "= ANY(%s)", [organization_id, keys])
            rows = cursor.fetchall()
        else:
            rows = []
            for start in range(0, len(keys), SQLITE_CHUNK):
                part = keys[start : start + SQLITE_CHUNK]
                cursor.execute(
                    select + f"IN ({', '.join(['%s'] * len(part))})", [organization_id, *part]
                )
                rows.extend(cursor.fetchall())
    for key, pk, fingerprint, state, clinician_id in rows:
        found[key] = Stored(pk, fingerprint, state, clinician_id)
    return found


def _waiting_keys(c: Completion, match: Match) -> tuple:
    if match.state == RecordState.MATCHED:
        return (None, None, None)
    keys = matching.keys_of(c)
    return (keys.get(matching.NPI), keys.get(matching.BOARD), keys.get(matching.LICENSE))


def _evidence_text(match: Match) -> str | None:
    return orjson.dumps(match.evidence).decode() if match.evidence is not None else None


def set_match(record: ReportedRecord, c: Completion, match: Match) -> None:
    """Store a verdict on the record (the caller saves it)."""
    record.state, record.clinician_id, record.matched_by = match.state, match.clinician_id, match.by
    record.wait_reason = match.reason[:300]
    record.match_evidence = match.evidence
    record.npi, record.board_key, record.license_key = _waiting_keys(c, match)


RECORD_COLUMNS = (
    "id",
    "organization_id",
    "record_key",
    "fingerprint",
    "state",
    "clinician_id",
    "matched_by",
    "submission_id",
    "learner",
    "activity_title",
    "completed_on",
    "payload",
    "npi",
    "board_key",
    "license_key",
    "wait_reason",
    "match_evidence",
    "created_at",
    "updated_at",
)


class EntryRows:
    """Entries for matched records, collected for one call of the ledger's bulk writer."""

    def __init__(self, organization: Organization, actor_id: int | None, now: datetime) -> None:
        self.organization = organization
        self.actor_id = actor_id
        self.now = now
        self.pending: list[tuple[int, int, Completion]] = []

    def add(self, record_id: int, clinician_id: int, c: Completion) -> None:
        self.pending.append((record_id, clinician_id, c))

    def write(self) -> list[tuple]:
        """Create them; returns (id, clinician, date, type, credits, title) per entry, what
        linking to self-reports needs, without reading them back."""
        entries: list[NewEntry] = []
        org_id, org_name = self.organization.pk, self.organization.name
        for record_id, clinician_id, c in self.pending:
            source = Source.CC_ACTIVITY.value if c.component else Source.ORGANIZATION.value
            specialty = c.specialty_related or "specialty" in c.topics
            provider = c.provider or org_name
            topics = tuple(c.topics)
            for credit_type, amount in c.credits:
                entries.append(
                    NewEntry(
                        clinician_id=clinician_id,
                        title=c.title,
                        completed_on=c.completed_on,
                        credit_type=credit_type,
                        credits=amount,
                        provider=provider,
                        accreditor=c.accreditor,
                        activity_kind=c.kind,
                        start_date=c.start,
                        end_date=c.end,
                        specialty_related=specialty,
                        source=source,
                        reported_by_id=org_id,
                        reported_record_id=record_id,
                        topics=topics,
                    )  # fmt: skip
                )
        ids = ledger_bulk.create_entries(entries, self.actor_id, at=self.now)
        self.pending.clear()
        return [
            (entry_id, e.clinician_id, e.completed_on, e.credit_type, e.credits, e.title)
            for entry_id, e in zip(ids, entries, strict=True)
        ]


def write_batch(ctx: Context, rows: list[RawRow | BadRow]) -> list[Outcome]:
    """Write one batch; the caller holds the transaction. Returns one outcome per row."""
    outcomes: list[Outcome] = []
    good: list[RawRow] = []
    last_seen: dict[str, int] = {}
    for row in rows:
        if isinstance(row, BadRow):
            outcomes.append(Outcome(row.number, row.key, Status.INVALID, "", row.problems))
        elif "\x00" in row.key:  # nor can it be looked up: PostgreSQL refuses NUL
            problem = Problem("record_id", "contains a NUL character, which is not text")
            outcomes.append(Outcome(row.number, row.key, Status.INVALID, "", (problem,)))
        else:
            good.append(row)
            last_seen[row.key] = row.number
    stored = _stored(ctx.organization.pk, list(last_seen))
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    changed: list[tuple[RawRow, int, Completion, Stored]] = []
    fresh: list[tuple[RawRow, int, Completion]] = []
    for row in good:
        key = row.key
        if key and last_seen[key] != row.number:
            problem = Problem("record_id", f"sent again at row {last_seen[key]}; that row is kept")
            outcomes.append(Outcome(row.number, key, Status.INVALID, "", (problem,)))
            continue
        fingerprint = row.fingerprint()
        previous = stored.get(key)
        if previous is not None and previous.fingerprint == fingerprint:
            outcomes.append(Outcome(row.number, key, Status.UNCHANGED, previous.state))
            continue
        checked = validate(row, ctx.known_boards, ctx.today)
        if isinstance(checked, list):
            outcomes.append(Outcome(row.number, key, Status.INVALID, "", tuple(checked)))
            continue
        problems = ctx.agreement_problems(checked)
        if problems:
            outcomes.append(Outcome(row.number, key, Status.INVALID, "", tuple(problems)))
            continue
        if previous is None:
            if checked.withdrawn:
                problem = Problem("status", "withdrawn, but this record was never reported")
                outcomes.append(Outcome(row.number, key, Status.INVALID, "", (problem,)))
            else:
                fresh.append((row, fingerprint, checked))
        else:
            changed.append((row, fingerprint, checked, previous))
    if fresh:
        outcomes.extend(_insert(ctx, fresh, now, stamp))
    for row, fingerprint, completion, previous in changed:
        outcomes.append(_change(ctx, row, fingerprint, completion, previous, now))
    outcomes.sort(key=lambda outcome: outcome.number)
    return outcomes


def _insert(
    ctx: Context, fresh: list[tuple[RawRow, int, Completion]], now: datetime, stamp
) -> list[Outcome]:
    ids = allocate_ids(ReportedRecord, len(fresh))
    org_id = ctx.organization.pk
    submission_id = ctx.submission.pk if ctx.submission else None
    entries = EntryRows(ctx.organization, _actor_id(ctx.actor), now)
    records, outcomes = [], []
    matches = ctx.directory.match_all([c for _, _, c in fresh])
    for (row, fingerprint, c), record_id, found in zip(fresh, ids, matches, strict=True):
        records.append(
            (
                record_id,
                org_id,
                c.key,
                fingerprint,
                found.state,
                found.clinician_id,
                found.by,
                submission_id,
                c.learner[:200],
                c.title,
                c.completed_on.isoformat(),
                c.payload(),
                *_waiting_keys(c, found),
                found.reason[:300],
                _evidence_text(found),
                stamp,
                stamp,
            )
        )
        if found.clinician_id is not None:
            entries.add(record_id, found.clinician_id, c)
        outcomes.append(Outcome(row.number, c.key, Status.CREATED, found.state))
    insert_rows(ReportedRecord, RECORD_COLUMNS, records)
    new_entries = entries.write() if entries.pending else []
    if new_entries:
        link_self_reports(new_entries)
    return outcomes


# --- changes to stored records (rare: each is handled on its own) -------------------


def _change(
    ctx: Context, row: RawRow, fingerprint: int, c: Completion, previous: Stored, now
) -> Outcome:
    record = ReportedRecord.objects.get(pk=previous.id)
    if c.withdrawn:
        if record.state == RecordState.WITHDRAWN:
            record.fingerprint = fingerprint
            record.save(update_fields=["fingerprint"])
            return Outcome(row.number, c.key, Status.UNCHANGED, record.state)
        withdraw(record, ctx.actor, fingerprint=fingerprint)
        return Outcome(row.number, c.key, Status.WITHDRAWN, RecordState.WITHDRAWN)
    if record.state == RecordState.WITHDRAWN:
        problem = Problem(
            "status",
            f"this record was withdrawn on {record.withdrawn_at:%Y-%m-%d}; send it under a "
            "new record id to report it again",
        )
        return Outcome(row.number, c.key, Status.INVALID, "", (problem,))
    if record.payload == c.payload():
        record.fingerprint = fingerprint
        record.save(update_fields=["fingerprint"])
        return Outcome(row.number, c.key, Status.UNCHANGED, record.state)
    apply_change(ctx, record, c, fingerprint, now)
    return Outcome(row.number, c.key, Status.UPDATED, record.state)


def apply_change(ctx: Context, record: ReportedRecord, c: Completion, fingerprint: int, now):
    """Store a corrected record and bring its entries in line, keeping their history."""
    record.fingerprint = fingerprint
    record.payload = c.payload()
    record.learner = c.learner[:200]
    record.activity_title = c.title
    record.completed_on = c.completed_on
    record.updated_at = now
    if ctx.submission is not None:
        record.submission = ctx.submission
    ctx.directory.prime([c])
    found = ctx.directory.match(c)
    if record.state == RecordState.MATCHED and found.clinician_id != record.clinician_id:
        # The corrected identifiers no longer lead to this clinician: the entries leave
        # their ledger (with history) before the record goes where the verdict says.
        _retire_all(
            record,
            ctx.actor,
            now,
            f"no longer attached: {found.reason or 'matched another account'}",
        )
    set_match(record, c, found)
    record.save()
    if record.state == RecordState.MATCHED:
        sync_entries(record, c, ctx.actor, now)


def _actor_id(actor: User | None) -> int | None:
    return actor.pk if actor is not None else None


def _entry_values(record: ReportedRecord, c: Completion, credit_type: str, amount: Decimal):
    return {
        "title": c.title,
        "provider": c.provider or record.organization.name,
        "accreditor": c.accreditor,
        "activity_kind": c.kind,
        "start_date": c.start,
        "end_date": c.end,
        "completed_on": c.completed_on,
        "credit_type": credit_type,
        "credits": amount,
        "specialty_related": c.specialty_related or "specialty" in c.topics,
        "source": Source.CC_ACTIVITY if c.component else Source.ORGANIZATION,
    }


def sync_entries(record: ReportedRecord, c: Completion, actor, now) -> None:
    """Make the record's live entries say what the record says, one per credit type."""
    assert record.clinician_id is not None  # only a matched record has entries
    live = {
        entry.credit_type: entry
        for entry in record.entries.filter(deleted_at__isnull=True).prefetch_related("topic_links")
    }
    wanted = dict(c.credits)
    missing = EntryRows(record.organization, _actor_id(actor), now)
    revisions = []
    for credit_type, amount in wanted.items():
        entry = live.get(credit_type)
        if entry is None:
            missing.add(
                record.pk, record.clinician_id, replace(c, credits=((credit_type, amount),))
            )
            continue
        values = _entry_values(record, c, credit_type, amount)
        revisions.append(ledger_bulk.Revision(entry, values, topics=list(c.topics)))
    ledger_bulk.revise_entries(
        revisions, _actor_id(actor), reporter_id=record.organization_id, at=now
    )
    gone = [entry.pk for credit_type, entry in live.items() if credit_type not in wanted]
    ledger_bulk.retire_entries(gone, _actor_id(actor), reporter_id=record.organization_id, at=now)
    if missing.pending:
        link_self_reports(missing.write())


def _retire_all(record: ReportedRecord, actor, now, reason: str = "") -> None:
    """Retire the record's live entries; the clinician's own report of the same activity
    counts again."""
    ledger_bulk.retire_entries(
        list(record.entries.filter(deleted_at__isnull=True).values_list("pk", flat=True)),
        _actor_id(actor),
        reason=reason,
        reporter_id=record.organization_id,
        at=now,
    )


def withdraw(record: ReportedRecord, actor, fingerprint: int | None = None) -> None:
    """Take the record out of every total; its entries and their history stay."""
    now = timezone.now()
    record.state = RecordState.WITHDRAWN
    record.withdrawn_at = now
    record.updated_at = now
    record.npi = record.board_key = record.license_key = None
    record.wait_reason = ""
    if fingerprint is not None:
        record.fingerprint = fingerprint
    record.save()
    _retire_all(record, actor, now)


# --- attaching later, and linking the clinician's own reports -------------------------


# A self-report is the same activity when the clinician, the completion date and the
# credit type agree, the credits differ by at most this much, and the titles are alike.
CREDIT_TOLERANCE = Decimal("0.5")
TITLE_LIKENESS = 0.6


def _words(title: str) -> set[str]:
    return {word for word in "".join(ch.lower() if ch.isalnum() else " " for ch in title).split()}


def alike(first: str, second: str) -> bool:
    """Titles share most of their words (Jaccard), which survives re-typing and reordering."""
    a, b = _words(first), _words(second)
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= TITLE_LIKENESS


def link_self_reports(reported: list[tuple]) -> int:
    """Link each clinician's own entry for the same activity to the new reported entry,
    so it counts once. `reported` holds (id, clinician, date, type, credits, title) per
    new reported entry. Returns how many were linked."""
    if not reported:
        return 0
    clinicians = sorted({row[1] for row in reported})
    candidates: dict[tuple, list[tuple]] = defaultdict(list)
    for start in range(0, len(clinicians), CHUNK):
        for entry_id, clinician_id, completed_on, credit_type, credits, title in _own_entries(
            clinicians[start : start + CHUNK]
        ):
            candidates[(clinician_id, completed_on, credit_type)].append((entry_id, credits, title))
    if not candidates:
        return 0
    links: dict = {}
    for entry_id, clinician_id, completed_on, credit_type, credits, title in reported:
        for own_id, own_credits, own_title in candidates.get(
            (clinician_id, completed_on, credit_type), ()
        ):
            if own_id in links:
                continue
            if abs(own_credits - credits) <= CREDIT_TOLERANCE and alike(own_title, title):
                links[own_id] = entry_id
                break
    ledger_bulk.link_self_reports(links)
    return len(links)


def _own_entries(clinician_ids: list[int]) -> list[tuple]:
    """The clinicians' own live, unlinked entries. Raw SQL with the sources written out,
    so both databases use the partial index `own_entries` (a bound parameter would not
    prove the index's condition to SQLite's planner)."""
    sources = ", ".join(f"'{source}'" for source in OWN_SOURCES)
    marks = ", ".join(["%s"] * len(clinician_ids))
    sql = (
        "SELECT id, clinician_id, completed_on, credit_type, credits, title "
        f"FROM ledger_creditentry WHERE source IN ({sources}) AND clinician_id IN ({marks}) "
        "AND deleted_at IS NULL AND reported_as_id IS NULL"
    )
    convert: dict[str, Any] = {  # Field.to_python turns database values into Python ones
        "id": CreditEntry._meta.get_field("id"),
        "completed_on": CreditEntry._meta.get_field("completed_on"),
        "credits": CreditEntry._meta.get_field("credits"),
    }
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, clinician_ids)
        for entry_id, clinician_id, completed_on, credit_type, credits, title in cursor:
            rows.append(
                (
                    convert["id"].to_python(entry_id),
                    clinician_id,
                    convert["completed_on"].to_python(completed_on),
                    credit_type,
                    convert["credits"].to_python(credits),
                    title,
                )
            )
    return rows


def waiting_for(user: User) -> list[ReportedRecord]:
    """Waiting records that one of this clinician's identifiers might match."""
    keys = clinician_keys(user)
    condition = Q()
    if keys[matching.NPI]:
        condition |= Q(npi__in=keys[matching.NPI])
    if keys[matching.BOARD]:
        condition |= Q(board_key__in=keys[matching.BOARD])
    if keys[matching.LICENSE]:
        condition |= Q(license_key__in=keys[matching.LICENSE])
    if not condition:
        return []
    return list(
        ReportedRecord.objects.filter(condition, state__in=WAITING_STATES).select_related(
            "organization"
        )
    )


def clinician_keys(user: User, verified_only: bool = False) -> dict[str, list[str]]:
    """The matching keys of the clinician's identifiers (only verified ones if asked)."""
    keys: dict[str, list[str]] = {kind: [] for kind in matching.PRIORITY}
    verified = IdentifierState.VERIFIED
    profile = ClinicianProfile.objects.filter(user=user).first()
    if profile is not None and profile.npi:
        if not verified_only or profile.npi_state == verified:
            keys[matching.NPI].append(profile.npi)
    certifications = user.certifications.values_list(
        "board__code", "board_id_number", "board_id_state"
    )
    for code, number, state in certifications:
        if number and (not verified_only or state == verified):
            keys[matching.BOARD].append(matching.board_key(code, number))
    for state_code, number, state in user.licenses.values_list("state", "number", "number_state"):
        if not verified_only or state == verified:
            keys[matching.LICENSE].append(matching.license_key(state_code, number))
    return keys


def attach_entries(record: ReportedRecord, completion: Completion, now: datetime) -> None:
    assert record.clinician_id is not None  # only a matched record has entries
    rows = EntryRows(record.organization, None, now)
    rows.add(record.pk, record.clinician_id, completion)
    link_self_reports(rows.write())


def judge_again(records: list[ReportedRecord], directory: Directory | None = None) -> int:
    """Judge waiting records again; attach those that now qualify, and keep the reason
    of those that still wait up to date. Returns how many were attached."""
    if not records:
        return 0
    directory = directory or Directory()
    completions = [from_payload(record.payload) for record in records]
    directory.prime(completions)
    now = timezone.now()
    attached = 0
    for record, completion in zip(records, completions, strict=True):
        found = directory.match(completion)
        if (found.state, found.reason) == (record.state, record.wait_reason):
            continue
        set_match(record, completion, found)
        record.save()
        if found.clinician_id is not None:
            attach_entries(record, completion, now)
            attached += 1
    return attached


def attach_waiting(user: User) -> int:
    """Judge again the waiting records this clinician's identifiers might be; attach the
    ones that now qualify. Returns how many were attached."""
    return judge_again(waiting_for(user))


def still_attached(
    user: User, record: ReportedRecord, completion: Completion, directory: Directory
) -> bool:
    """Does an attached record stay with this clinician after they changed their
    identifiers? It does while they hold the identifier it matched by (another account
    claiming it too is a dispute for staff, never a silent move) and it still
    corroborates, or while another verified identifier of theirs still matches it."""
    keys = matching.keys_of(completion)
    learner = matching.Learner.of(completion)
    for kind, key in keys.items():
        mine = [h for h in directory.holders(kind, key) if h.user_id == user.pk]
        if not mine:
            continue
        holder = mine[0]
        by_this = kind == record.matched_by and holder.state != IdentifierState.DISPUTED
        verified = holder.state == IdentifierState.VERIFIED
        if (by_this or verified) and matching.judge_one(kind, (holder,), learner).clinician_id:
            return True
    return False


def detach(record: ReportedRecord, actor, reason: str) -> None:
    """Send an attached record back to waiting; its entries leave the ledger, with a
    history row saying why. The caller then judges it again."""
    now = timezone.now()
    _retire_all(record, actor, now, reason)
    completion = from_payload(record.payload)
    waiting = Match(None, RecordState.UNMATCHED, "", reason)
    set_match(record, completion, waiting)
    record.updated_at = now
    record.save()


def recheck_attached(user: User) -> int:
    """After the clinician changed identifiers: records that no longer belong to them go
    back to waiting (and may then attach to whoever they do belong to). Returns how
    many went back."""
    records = list(
        ReportedRecord.objects.filter(clinician=user, state=RecordState.MATCHED).select_related(
            "organization"
        )
    )
    gone = []
    directory = Directory()
    for record in records:
        completion = from_payload(record.payload)
        if not still_attached(user, record, completion, directory):
            label = matching.LABELS.get(record.matched_by, "identifier")
            detach(record, user, f"the {label} it matched was removed or changed on the profile")
            gone.append(record)
    judge_again(gone)
    return len(gone)
