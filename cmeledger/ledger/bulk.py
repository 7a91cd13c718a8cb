"""Writing many entries at once: the bulk side of `ledger/services.py`.

Imports (partner reports, portable ledgers) and re-judging write thousands to millions
of entries, where a model instance and a `full_clean` per entry cost more than the
database's own work. These writers take plain values, check every entry before writing
any (bad input raises `ValidationError` and leaves the data untouched), and write the
entries, their topics and one history row each in set-based statements (COPY on
PostgreSQL, executemany on SQLite). The caller holds the transaction.

The rules are the single-entry path's: the field rules of the model (choices, lengths,
credits in quarter steps, dates in order and not in the future), a "created" history row
holding each field's new value, old and new values on every revision, soft deletion,
and the lock: an entry reported by an organization is changed or retired only by that
organization (`reporter_id`), unless the caller is moving a clinician's own ledger.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

import orjson
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from cmeledger.ledger.models import (
    Certificate,
    CreditEntry,
    EntryRevision,
    EntryTopic,
    RevisionAction,
    entry_date_problems,
    participation_problem,
    validate_credits,
)
from cmeledger.ledger.services import EDITABLE_FIELDS, EntryLocked, plain
from cmeledger.ledger.vocabulary import (
    CREDIT_STEP,
    MAX_CREDITS_PER_ENTRY,
    Accreditor,
    ActivityKind,
    AwardedAs,
    CreditType,
    Source,
    Topic,
)
from cmeledger.lib.bulk import insert_rows, random_uuids

# The entry table's columns in the order `create_entries` writes them.
ENTRY_COLUMNS = (
    "id",
    "clinician_id",
    *EDITABLE_FIELDS,
    "source",
    "reported_by_id",
    "reported_record_id",
    "created_at",
    "updated_at",
    "deleted_at",
)
REVISION_COLUMNS = ("entry_id", "actor_id", "action", "at", "changes")
# Fields a revision may set: the clinician's editable ones, and who the entry is from.
REVISABLE_FIELDS = (*EDITABLE_FIELDS, "source", "reported_by_id")
# Problems reported per call at most: a million bad rows need not make a million lines.
MAX_PROBLEMS = 50


class NewEntry(NamedTuple):
    """One entry to create; ids and timestamps are given only when moving a ledger."""

    clinician_id: int
    title: str
    completed_on: date
    credit_type: str
    credits: Decimal
    provider: str = ""
    accreditor: str = ""
    activity_kind: str = ActivityKind.LIVE.value
    start_date: date | None = None
    end_date: date | None = None
    specialty_related: bool = False
    notes: str = ""
    source: str = Source.SELF.value
    awarded_as: str = AwardedAs.CREDIT.value
    reported_by_id: int | None = None
    reported_record_id: int | None = None
    topics: tuple[str, ...] = ()
    certificate_ids: tuple[Any, ...] = ()
    id: Any = None
    created_at: datetime | None = None
    deleted_at: datetime | None = None


# NewEntry's values for ENTRY_COLUMNS from clinician_id to reported_record_id, picked in
# one C call per entry.
_PICKED = ENTRY_COLUMNS[1 : ENTRY_COLUMNS.index("reported_record_id") + 1]
_COLUMN_VALUES = itemgetter(*(NewEntry._fields.index(name) for name in _PICKED))


class HistoryRow(NamedTuple):
    """A revision carried over from elsewhere (a portable ledger), written as it was."""

    entry_id: Any
    actor_id: int | None
    action: str
    at: datetime
    changes: dict


@dataclass
class Revision:
    """A change to one stored entry: new values of `REVISABLE_FIELDS`, and the whole new
    set of topics or certificates where given (None leaves them as they are)."""

    entry: CreditEntry
    fields: dict[str, Any]
    topics: Sequence[str] | None = None
    certificates: Sequence[Certificate] | None = None


def _choices(enum) -> frozenset[str]:
    return frozenset(enum.values)


CREDIT_TYPES = _choices(CreditType)
ACCREDITORS = _choices(Accreditor) | {""}
KINDS = _choices(ActivityKind)
SOURCES = _choices(Source)
AWARDED = _choices(AwardedAs)
TOPICS = _choices(Topic)


def _max_length(name: str) -> int:
    field = CreditEntry._meta.get_field(name)
    assert isinstance(field, models.CharField | models.TextField) and field.max_length
    return field.max_length


LENGTHS = {name: _max_length(name) for name in ("title", "provider", "notes")}
TITLE_MAX, PROVIDER_MAX, NOTES_MAX = LENGTHS["title"], LENGTHS["provider"], LENGTHS["notes"]


def _entry_problems(entry: NewEntry, today: date) -> dict[str, str]:
    """The model's field rules, checked without building a model instance."""
    problems: dict[str, str] = {}
    if not entry.title:
        problems["title"] = "This field cannot be blank."
    for name, limit in LENGTHS.items():
        if len(getattr(entry, name)) > limit:
            problems[name] = f"Ensure this value has at most {limit} characters."
    for name, allowed in (
        ("credit_type", CREDIT_TYPES),
        ("accreditor", ACCREDITORS),
        ("activity_kind", KINDS),
        ("source", SOURCES),
        ("awarded_as", AWARDED),
    ):
        if getattr(entry, name) not in allowed:
            problems[name] = f"Value {getattr(entry, name)!r} is not a valid choice."
    if "awarded_as" not in problems and (
        problem := participation_problem(entry.credit_type, entry.awarded_as)
    ):
        problems["awarded_as"] = problem
    try:
        validate_credits(entry.credits)
    except ValidationError as error:
        problems["credits"] = error.messages[0]
    unknown = [code for code in entry.topics if code not in TOPICS]
    if unknown:
        problems["topics"] = f"Unknown topic: {', '.join(sorted(set(unknown)))}."
    problems.update(
        entry_date_problems(entry.start_date, entry.end_date, entry.completed_on, today)
    )
    return problems


def _refuse(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)


# Every amount `validate_credits` accepts: one set look-up instead of three Decimal
# operations per entry (equal Decimals hash alike, so 2.5 and 2.50 both match).
GOOD_CREDITS = frozenset(
    CREDIT_STEP * n for n in range(1, int(MAX_CREDITS_PER_ENTRY / CREDIT_STEP) + 1)
)


def _plainly_good(e: NewEntry, today: date) -> bool:
    """A quick test that implies `_entry_problems` finds nothing; an entry that fails it
    gets the full check (and its messages). A million-row import pays for this one."""
    start, end, completed = e.start_date, e.end_date, e.completed_on
    return (
        e.credit_type in CREDIT_TYPES
        and e.credits in GOOD_CREDITS
        and completed <= today
        and (start is None or start <= completed)
        and (start is None or end is None or start <= end)
        and 0 < len(e.title) <= TITLE_MAX
        and len(e.provider) <= PROVIDER_MAX
        and len(e.notes) <= NOTES_MAX
        and e.accreditor in ACCREDITORS
        and e.activity_kind in KINDS
        and e.source in SOURCES
        and e.awarded_as == "credit"
        and all(code in TOPICS for code in e.topics)
    )


def check_entries(entries: Sequence[NewEntry]) -> None:
    """Raise one ValidationError naming each bad entry by position (`entries[3].credits`)."""
    today = timezone.localdate()
    found: dict[str, list[str]] = {}
    for position, entry in enumerate(entries):
        if _plainly_good(entry, today):
            continue
        for name, message in _entry_problems(entry, today).items():
            found[f"entries[{position}].{name}"] = [message]
        if len(found) >= MAX_PROBLEMS:
            break
    _refuse(found)


def _key(value: Any) -> Any:
    """A UUID as the database takes it in bulk (SQLite stores 32 hex digits)."""
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).hex


def _stamp(value: datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def created_json(e: NewEntry, texts: dict[str, str]) -> str:
    """What `services.create_entry` records on creation, as JSON: each field's new value
    (a date left empty is left out), the topics and the certificates, valued as `plain`
    gives them. Written out as text because a million-row import pays for it per entry:
    only free text is escaped (through `texts`, a cache, since one activity's title and
    provider recur for every learner); the rest are checked codes, dates and numbers."""
    title = texts.get(e.title) or texts.setdefault(e.title, orjson.dumps(e.title).decode())
    provider = texts.get(e.provider) or texts.setdefault(
        e.provider, orjson.dumps(e.provider).decode()
    )
    notes = texts.get(e.notes) or texts.setdefault(e.notes, orjson.dumps(e.notes).decode())
    start = f',"start_date":[null,"{e.start_date.isoformat()}"]' if e.start_date else ""
    end = f',"end_date":[null,"{e.end_date.isoformat()}"]' if e.end_date else ""
    topics = '"' + '","'.join(sorted(set(e.topics))) + '"' if e.topics else ""
    certificates = (
        '"' + '","'.join(sorted(map(str, e.certificate_ids))) + '"' if e.certificate_ids else ""
    )
    return (
        f'{{"title":[null,{title}],"provider":[null,{provider}],'
        f'"accreditor":[null,"{e.accreditor}"],"activity_kind":[null,"{e.activity_kind}"]'
        f'{start}{end},"completed_on":[null,"{e.completed_on.isoformat()}"],'
        f'"credit_type":[null,"{e.credit_type}"],"credits":[null,"{e.credits:.2f}"],'
        f'"awarded_as":[null,"{e.awarded_as}"],'
        f'"specialty_related":[null,{"true" if e.specialty_related else "false"}],'
        f'"notes":[null,{notes}],"topics":[null,[{topics}]],'
        f'"certificates":[null,[{certificates}]]}}'
    )


def create_entries(
    entries: Sequence[NewEntry],
    actor_id: int | None,
    *,
    history: Sequence[HistoryRow] | None = None,
    at: datetime | None = None,
) -> list:
    """Create the entries with their topics and certificate links, and a "created"
    history row each by `actor_id` (or, when moving a ledger, the rows of `history`
    instead). Returns the entries' ids in order. Checks all before writing any."""
    check_entries(entries)
    if not entries:
        return []
    now = at or timezone.now()
    stamp = _stamp(now)
    fresh = iter(random_uuids(sum(1 for entry in entries if entry.id is None)))
    ids = [_key(entry.id) if entry.id is not None else next(fresh) for entry in entries]
    rows, topics, links, revisions = [], [], [], []
    texts: dict[str, str] = {}
    created = RevisionAction.CREATED.value
    values = _COLUMN_VALUES
    for entry_id, entry in zip(ids, entries, strict=True):
        # Dates and decimals go as they are: psycopg's COPY and Django's SQLite
        # adapters convert them.
        created_at = stamp if entry.created_at is None else _stamp(entry.created_at)
        deleted_at = None if entry.deleted_at is None else _stamp(entry.deleted_at)
        rows.append((entry_id, *values(entry), created_at, stamp, deleted_at))
        for topic in sorted(set(entry.topics)):
            topics.append((entry_id, topic))
        for certificate_id in entry.certificate_ids:
            links.append((entry_id, _key(certificate_id)))
        if history is None:
            revisions.append((entry_id, actor_id, created, stamp, created_json(entry, texts)))
    if history is not None:
        revisions = [
            # json, not orjson: a moved ledger's history may hold any JSON number.
            (_key(row.entry_id), row.actor_id, row.action, _stamp(row.at), json.dumps(row.changes))
            for row in history
        ]
    insert_rows(CreditEntry, ENTRY_COLUMNS, rows)
    insert_rows(EntryTopic, ("entry_id", "topic"), topics)
    insert_rows(CreditEntry.certificates.through, ("creditentry_id", "certificate_id"), links)
    insert_rows(EntryRevision, REVISION_COLUMNS, revisions)
    return ids


def _check_lock(
    entries: Iterable[tuple[Any, str, int | None]], reporter_id: int | None, enforce_lock: bool
) -> None:
    """`entries` as (id, source, reported_by_id). A reporter changes only what it
    reported; anyone else only what the clinician owns (unless a ledger is being moved)."""
    own = Source.clinician_editable()
    for _entry_id, source, reported_by_id in entries:
        if reporter_id is not None:
            if reported_by_id != reporter_id:
                raise EntryLocked(source=source)
        elif enforce_lock and source not in own:
            raise EntryLocked(source=source)


def _state(entry: CreditEntry, names: Iterable[str], topics: bool, certificates: bool) -> dict:
    """The entry's recorded state: the given fields, and topics and certificates from
    prefetched links where the caller prefetched them."""
    state = {name: plain(getattr(entry, name)) for name in names}
    if topics:
        state["topics"] = sorted(link.topic for link in entry.topic_links.all())
    if certificates:
        state["certificates"] = sorted(str(c.pk) for c in entry.certificates.all())
    return state


def _history_name(name: str) -> str:
    return "reported_by" if name == "reported_by_id" else name


def revise_entries(
    revisions: Sequence[Revision],
    actor_id: int | None,
    *,
    reporter_id: int | None = None,
    enforce_lock: bool = True,
    at: datetime | None = None,
) -> int:
    """Apply the revisions; each entry that changed gets one "updated" history row with
    the old and new value of each changed field. Every revision is checked (lock, field
    names, the model's rules) before any is written. Returns how many entries changed."""
    _check_lock(
        ((r.entry.pk, r.entry.source, r.entry.reported_by_id) for r in revisions),
        reporter_id,
        enforce_lock,
    )
    problems: dict[str, list[str]] = {}
    probes = []
    for position, revision in enumerate(revisions):
        unknown = sorted(set(revision.fields) - set(REVISABLE_FIELDS))
        for name in unknown:
            problems[f"revisions[{position}].{name}"] = ["This field cannot be changed."]
        probe = copy.copy(revision.entry)
        for name, value in revision.fields.items():
            setattr(probe, name, value)
        try:
            probe.full_clean(exclude=["clinician", "id"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                problems[f"revisions[{position}].{name}"] = messages
        if revision.topics is not None:
            unknown_topics = sorted(set(revision.topics) - TOPICS)
            if unknown_topics:
                problems[f"revisions[{position}].topics"] = [
                    f"Unknown topic: {', '.join(unknown_topics)}."
                ]
        if revision.certificates is not None and any(
            c.clinician_id != revision.entry.clinician_id for c in revision.certificates
        ):
            problems[f"revisions[{position}].certificates"] = ["Attach only your own certificates."]
        probes.append(probe)
    _refuse(problems)
    now = at or timezone.now()
    rows = []
    with transaction.atomic():
        for revision, probe in zip(revisions, probes, strict=True):
            changes = _revise(revision, probe, now)
            if changes:
                rows.append(
                    EntryRevision(
                        entry=revision.entry,
                        actor_id=actor_id,
                        action=RevisionAction.UPDATED,
                        at=now,
                        changes=changes,
                    )
                )
        EntryRevision.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _revise(revision: Revision, probe: CreditEntry, now: datetime) -> dict[str, list[Any]]:
    entry = revision.entry
    topics, certificates = revision.topics is not None, revision.certificates is not None
    before = _state(entry, revision.fields, topics, certificates)
    after = {name: plain(getattr(probe, name)) for name in revision.fields}
    if topics:
        after["topics"] = sorted(set(revision.topics or ()))
    if certificates:
        after["certificates"] = sorted(str(c.pk) for c in revision.certificates or ())
    changes = {
        _history_name(name): [before[name], value]
        for name, value in after.items()
        if before[name] != value
    }
    if not changes:
        return {}
    changed = [name for name in revision.fields if before[name] != after[name]]
    for name in changed:
        setattr(entry, name, getattr(probe, name))
    if changed:
        entry.updated_at = now
        entry.save(update_fields=[*changed, "updated_at"])
    if "topics" in changes:
        EntryTopic.objects.filter(entry=entry).delete()
        EntryTopic.objects.bulk_create(
            [EntryTopic(entry=entry, topic=code) for code in after["topics"]]
        )
    if "certificates" in changes:
        entry.certificates.set(revision.certificates or ())
    return changes


def _pks(entry_ids: Iterable[Any]) -> list[uuid.UUID]:
    to_python = CreditEntry._meta.pk.to_python
    return list(dict.fromkeys(to_python(pk) for pk in entry_ids))


def _live_state(entry_ids: Sequence[Any]) -> list[tuple[Any, str, int | None, datetime | None]]:
    rows: list[tuple[Any, str, int | None, datetime | None]] = []
    for start in range(0, len(entry_ids), 900):
        rows += CreditEntry.objects.filter(pk__in=entry_ids[start : start + 900]).values_list(
            "pk", "source", "reported_by_id", "deleted_at"
        )
    if len(rows) != len(entry_ids):
        found = {row[0] for row in rows}
        missing = [str(pk) for pk in entry_ids if pk not in found]
        raise ValidationError({"entries": f"No such entry: {', '.join(missing[:5])}."})
    return rows


def retire_entries(
    entry_ids: Sequence[Any],
    actor_id: int | None,
    *,
    reason: str | Mapping[Any, str] = "",
    reporter_id: int | None = None,
    enforce_lock: bool = True,
    at: datetime | None = None,
) -> int:
    """Soft-delete the live ones among these entries: they leave every total but stay,
    with a "deleted" history row each (holding `reason`, one for all or one per id).
    A clinician's own entry that counted as one of them counts again. Returns how many
    were retired."""
    rows = _live_state(_pks(entry_ids))
    _check_lock(((pk, source, by) for pk, source, by, _ in rows), reporter_id, enforce_lock)
    live = [pk for pk, _, _, deleted_at in rows if deleted_at is None]
    if not live:
        return 0
    now = at or timezone.now()
    with transaction.atomic():
        for start in range(0, len(live), 900):
            part = live[start : start + 900]
            CreditEntry.objects.filter(pk__in=part).update(deleted_at=now, updated_at=now)
            CreditEntry.objects.filter(reported_as_id__in=part).update(reported_as=None)
        EntryRevision.objects.bulk_create(
            [
                EntryRevision(
                    entry_id=pk,
                    actor_id=actor_id,
                    action=RevisionAction.DELETED,
                    at=now,
                    changes=_reason(reason, pk),
                )
                for pk in live
            ],
            batch_size=1000,
        )
    return len(live)


def _reason(reason: str | Mapping[Any, str], entry_id: Any) -> dict[str, list[str]]:
    text = reason if isinstance(reason, str) else reason.get(entry_id, "")  # keyed by UUID
    return {"reason": ["", text]} if text else {}


def restore_entries(
    entry_ids: Sequence[Any],
    actor_id: int | None,
    *,
    reporter_id: int | None = None,
    enforce_lock: bool = True,
    at: datetime | None = None,
) -> int:
    """Bring retired entries back into the totals, with a "restored" history row each."""
    rows = _live_state(_pks(entry_ids))
    _check_lock(((pk, source, by) for pk, source, by, _ in rows), reporter_id, enforce_lock)
    retired = [pk for pk, _, _, deleted_at in rows if deleted_at is not None]
    if not retired:
        return 0
    now = at or timezone.now()
    with transaction.atomic():
        CreditEntry.objects.filter(pk__in=retired).update(deleted_at=None, updated_at=now)
        EntryRevision.objects.bulk_create(
            [
                EntryRevision(
                    entry_id=pk, actor_id=actor_id, action=RevisionAction.RESTORED, at=now
                )
                for pk in retired
            ],
            batch_size=1000,
        )
    return len(retired)


def link_self_reports(links: Mapping[Any, Any]) -> None:
    """Record that each clinician's own entry (key) is the same activity as a reported
    entry (value), which counts instead of it. Not a change of the entry, so no history
    row (as before)."""
    if not links:
        return
    table = connection.ops.quote_name(CreditEntry._meta.db_table)
    uuid_field = CreditEntry._meta.pk
    params = [
        (
            uuid_field.get_db_prep_value(reported_id, connection),
            uuid_field.get_db_prep_value(own_id, connection),
        )
        for own_id, reported_id in links.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET reported_as_id = %s WHERE id = %s", params)
