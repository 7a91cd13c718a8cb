"""Judging every stored record again under the matching rules of docs/identity.md.

Run once by migration 0004 when corroborated matching arrived, and at will by
`cmeledger reporting rejudge` (after a bulk change of identifiers, say). An attached
record that no longer qualifies goes back to waiting with its reason: its entries leave
the ledger with a history row saying why, and nothing is deleted. A waiting record that
now qualifies attaches. Set-based: records are read in chunks, the verdicts of each
chunk come from one round of lookups, and the writes are grouped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cmeledger.ledger.models import CreditEntry, EntryRevision, RevisionAction
from cmeledger.reporting import intake, matching
from cmeledger.reporting.matching import Directory, Match
from cmeledger.reporting.models import WAITING_STATES, RecordState, ReportedRecord
from cmeledger.reporting.records import Completion, from_payload

CHUNK = 2000
PREFIX = "re-judged: "


@dataclass
class Counts:
    kept: int = 0
    released: Counter = field(default_factory=Counter)  # reason -> records sent back
    attached: int = 0  # waiting records (or released ones) that now attach
    still_waiting: int = 0

    @property
    def released_total(self) -> int:
        return sum(self.released.values())

    def lines(self) -> list[str]:
        lines = [
            f"{self.kept:,} attached records still qualify",
            f"{self.released_total:,} went back to waiting",
        ]
        lines += [f"  {count:,}: {reason}" for reason, count in self.released.most_common()]
        lines += [
            f"{self.attached:,} records attached (waiting ones that now qualify)",
            f"{self.still_waiting:,} records still wait",
        ]
        return lines


def _chunks(state_filter: dict):
    last_id = 0
    while True:
        chunk = list(
            ReportedRecord.objects.filter(id__gt=last_id, **state_filter)
            .select_related("organization")
            .order_by("id")[:CHUNK]
        )
        if not chunk:
            return
        last_id = chunk[-1].id
        yield chunk


def _release(records: list[tuple[ReportedRecord, Completion, Match]], now) -> None:
    """Send attached records back to waiting in a few statements per chunk."""
    ids = [record.id for record, _, _ in records]
    reason_of = {record.id: PREFIX + (verdict.reason or "it matches another account")
                 for record, _, verdict in records}  # fmt: skip
    entries = list(
        CreditEntry.objects.filter(reported_record_id__in=ids, deleted_at__isnull=True).values_list(
            "id", "reported_record_id"
        )
    )
    entry_ids = [entry_id for entry_id, _ in entries]
    CreditEntry.objects.filter(id__in=entry_ids).update(deleted_at=now, updated_at=now)
    CreditEntry.objects.filter(reported_as_id__in=entry_ids).update(reported_as=None)
    EntryRevision.objects.bulk_create(
        [
            EntryRevision(
                entry_id=entry_id,
                action=RevisionAction.DELETED,
                at=now,
                changes={"reason": ["", reason_of[record_id]]},
            )
            for entry_id, record_id in entries
        ],
        batch_size=1000,
    )
    _store_waiting(
        [
            (record, completion, RecordState.UNMATCHED, reason_of[record.id])
            for record, completion, _ in records
        ],
        now,
    )


def _store_waiting(rows: list[tuple[ReportedRecord, Completion, str, str]], now) -> None:
    """Mark records waiting with their reasons: one executemany, where the ORM's
    bulk_update would build a CASE per field whose cost grows with the square of the batch."""
    table = ReportedRecord._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    params = []
    for record, completion, state, reason in rows:
        keys = matching.keys_of(completion)
        params.append(
            (
                state,
                reason[:300],
                keys.get(matching.NPI),
                keys.get(matching.BOARD),
                keys.get(matching.LICENSE),
                stamp,
                record.id,
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET state = %s, clinician_id = NULL, "
            "matched_by = '', match_evidence = NULL, wait_reason = %s, npi = %s, "
            "board_key = %s, license_key = %s, updated_at = %s WHERE id = %s",
            params,
        )


def _keep(records: list[tuple[ReportedRecord, Match]]) -> None:
    """Store the evidence of records that still qualify (one UPDATE per kind of evidence)."""
    by_evidence: dict[str, list[int]] = defaultdict(list)
    evidence_of: dict[str, tuple[str, dict | None]] = {}
    for record, verdict in records:
        if record.match_evidence == verdict.evidence and record.matched_by == verdict.by:
            continue
        key = f"{verdict.by}|{verdict.evidence}"
        by_evidence[key].append(record.id)
        evidence_of[key] = (verdict.by, verdict.evidence)
    for key, ids in by_evidence.items():
        by, evidence = evidence_of[key]
        ReportedRecord.objects.filter(id__in=ids).update(matched_by=by, match_evidence=evidence)


def rejudge_all() -> Counts:
    """Judge every attached, then every waiting record again; returns the counts."""
    counts = Counts()
    directory = Directory()
    released_ids: list[int] = []
    for chunk in _chunks({"state": RecordState.MATCHED}):
        with transaction.atomic():
            completions = [from_payload(record.payload) for record in chunk]
            verdicts = directory.match_all(completions)
            keep, release = [], []
            for record, completion, verdict in zip(chunk, completions, verdicts, strict=True):
                if verdict.clinician_id == record.clinician_id:
                    keep.append((record, verdict))
                else:
                    release.append((record, completion, verdict))
                    counts.released[verdict.reason or "it matches another account"] += 1
            _keep(keep)
            if release:
                _release(release, timezone.now())
                released_ids += [record.id for record, _, _ in release]
            counts.kept += len(keep)
    released = set(released_ids)
    for chunk in _chunks({"state__in": WAITING_STATES}):
        with transaction.atomic():
            attached = _judge_waiting(chunk, directory, released)
            counts.attached += attached
            counts.still_waiting += len(chunk) - attached
    return counts


def _judge_waiting(chunk: list[ReportedRecord], directory: Directory, released: set) -> int:
    """Attach the waiting records that now qualify; store the others' current reasons
    (those released just now keep their "re-judged" reason). Returns how many attached."""
    completions = [from_payload(record.payload) for record in chunk]
    verdicts = directory.match_all(completions)
    changed, attached = [], 0
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    for record, completion, verdict in zip(chunk, completions, verdicts, strict=True):
        if verdict.clinician_id is not None:
            intake.set_match(record, completion, verdict)
            record.save()
            intake.attach_entries(record, completion, stamp)
            attached += 1
        elif record.id not in released and (verdict.state, verdict.reason) != (
            record.state,
            record.wait_reason,
        ):
            changed.append((record, completion, verdict.state, verdict.reason))
    _store_waiting(changed, timezone.now())
    return attached
