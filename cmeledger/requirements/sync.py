"""Bringing the catalog files into the database; versions are added, never overwritten."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction

from cmeledger.requirements.catalog import Catalog, CatalogError, load_catalog
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.schema import RequirementSet


def digest(requirement_set: RequirementSet) -> str:
    canonical = json.dumps(requirement_set.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class SyncResult:
    added: list[str]
    unchanged: int


def version_row(requirement_set: RequirementSet, **extra) -> RequirementSetVersion:
    """An unsaved row for a checked set; `extra` sets origin and board."""
    return RequirementSetVersion(
        set_id=requirement_set.id,
        version=requirement_set.version,
        name=requirement_set.name,
        authority=requirement_set.authority,
        kind=requirement_set.kind,
        effective_from=requirement_set.effective_from,
        effective_to=requirement_set.effective_to,
        definition=requirement_set.model_dump(mode="json"),
        digest=digest(requirement_set),
        **extra,
    )


def _same(row: RequirementSetVersion, requirement_set: RequirementSet) -> bool:
    """Whether the stored version says what the file says. A digest differs also when the
    format gained a key with a default since the row was stored (every stored set then
    lacks it): the stored definition is read again with today's format and compared, and
    an equal one gets today's digest, so the next sync is quick again."""
    wanted = digest(requirement_set)
    if row.digest == wanted:
        return True
    try:
        again = RequirementSet.model_validate(row.definition)
    except ValueError:
        return False
    if digest(again) != wanted:
        return False
    RequirementSetVersion.objects.filter(pk=row.pk).update(digest=wanted)
    return True


@transaction.atomic
def sync(catalog: Catalog | None = None) -> SyncResult:
    catalog = catalog or load_catalog()
    stored = {(row.set_id, row.version): row for row in RequirementSetVersion.objects.all()}
    new, changed = [], []
    for requirement_set in catalog.sets:
        key = (requirement_set.id, requirement_set.version)
        if key not in stored:
            new.append(version_row(requirement_set))
        elif not _same(stored[key], requirement_set):
            changed.append(
                f"{requirement_set.id} v{requirement_set.version} differs from the synced copy; "
                f"versions are never overwritten: add {requirement_set.id}-v"
                f"{requirement_set.version + 1}.toml instead"
            )
    if changed:
        raise CatalogError(changed)
    RequirementSetVersion.objects.bulk_create(new)
    return SyncResult([str(row) for row in new], unchanged=len(catalog.sets) - len(new))
