"""Progress from the database: the command, the API, versions in force, and privacy."""

from __future__ import annotations

import gc
import io
import json
from datetime import date
from decimal import Decimal

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmeledger.accounts.models import License
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.ledger.testing import entry_fields
from cmeledger.requirements import progress
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 23)


def add_entry(user, credits: str, on: date, topics=(), **fields) -> CreditEntry:
    entry = CreditEntry.objects.create(
        clinician=user, **entry_fields(credits=Decimal(credits), completed_on=on, **fields)
    )
    EntryTopic.objects.bulk_create(EntryTopic(entry=entry, topic=t) for t in topics)
    return entry


@pytest.fixture
def texan(alice):
    sync()
    License.objects.create(
        clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28), dea_registrant=True
    )
    return alice


def test_a_texas_license_gets_texas_progress_with_its_cycle(texan):
    add_entry(texan, "30", date(2025, 6, 1))
    add_entry(texan, "2", date(2025, 7, 1), topics=["ethics"])
    data = progress.report(texan, ON)
    [item] = data.sets
    result = item.result
    assert (item.set_id, item.because) == ("us-tx-md", "TX MD license T1")
    assert (result.cycle_start, result.cycle_end) == (date(2025, 3, 1), date(2027, 2, 28))
    ethics = next(r for r in result.rules if r.id == "ethics")
    assert ethics.counted == Decimal(2)
    assert next(r for r in result.rules if r.id == "total").counted == Decimal(32)


def test_deleted_entries_do_not_count(texan):
    entry = add_entry(texan, "30", date(2025, 6, 1))
    CreditEntry.objects.filter(pk=entry.pk).update(deleted_at="2026-01-01T00:00:00Z")
    result = progress.report(texan, ON).result("us-tx-md")
    assert result.total_counted == 0


def test_a_cycle_is_judged_by_the_version_in_force(texan):
    v1 = RequirementSetVersion.objects.filter(set_id="us-tx-md").latest("version")
    definition = dict(v1.definition, version=v1.version + 1, effective_from="2026-06-01")
    definition["rules"] = [
        dict(r, credits="60") if r["id"] == "total" else r for r in definition["rules"]
    ]
    RequirementSetVersion.objects.create(
        set_id="us-tx-md",
        version=v1.version + 1,
        name=v1.name,
        authority=v1.authority,
        kind=v1.kind,
        effective_from=date(2026, 6, 1),
        definition=definition,
        digest="x",
    )
    assert progress.report(texan, ON).result("us-tx-md").version == v1.version + 1
    # a cycle that ended before the new version took effect is judged by the one before
    closed = progress.report(texan, date(2026, 5, 1)).result("us-tx-md")
    assert closed.version == v1.version


def test_a_license_without_expiry_explains_the_missing_date(alice):
    sync()
    License.objects.create(clinician=alice, state="TX", number="T1")
    [item] = progress.report(alice, ON).sets
    assert item.result is None
    assert item.problem == "No cycle can be worked out: the license has no expiry date."


def test_the_progress_query_count_does_not_grow_with_entries(texan):
    add_entry(texan, "1", date(2025, 6, 1), topics=["ethics"])
    with CaptureQueriesContext(connection) as few:
        progress.report(texan, ON)
    for i in range(40):
        add_entry(
            texan, "1", date(2025, 6, 1 + i % 28), topics=["ethics", "pain-management"][: 1 + i % 2]
        )
    with CaptureQueriesContext(connection) as many:
        progress.report(texan, ON)
    assert len(many) == len(few)


def test_the_command_prints_json_that_matches_the_published_schema(texan, settings):
    add_entry(texan, "3", date(2025, 6, 1))
    out = io.StringIO()
    call_command("progress", texan.email, "--json", "--on", "2026-11-23", stdout=out)
    document = json.loads(out.getvalue())
    schema = json.loads((settings.BASE_DIR / "docs/formats/progress-v1.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert document["sets"][0]["result"]["rules"][0]["counted"] == "3.00"


def test_the_published_schema_is_current(settings):
    published = (settings.BASE_DIR / "docs/formats/progress-v1.schema.json").read_text()
    assert published == progress.schema_text()


def test_the_command_refuses_bad_input(texan):
    with pytest.raises(CommandError, match="No clinician with the email nobody@example.org"):
        call_command("progress", "nobody@example.org", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--on must be a date written YYYY-MM-DD"):
        call_command("progress", texan.email, "--on", "23/11/2026", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not enrolled in us-ny-md"):
        call_command("progress", texan.email, "--set", "us-ny-md", stdout=io.StringIO())


def test_the_command_prints_each_rule_in_words(texan):
    out = io.StringIO()
    call_command("progress", texan.email, "--on", "2026-11-23", stdout=out)
    assert "Texas physician registration (MD) v3 (TX MD license T1): behind" in out.getvalue()
    assert "[on-track] 2 hours of ethics" in out.getvalue()


def test_the_api_returns_the_same_shape_for_the_signed_in_clinician(texan, client):
    add_entry(texan, "5", date(2025, 6, 1))
    client.force_login(texan)
    response = client.get("/api/v1/progress", {"on": "2026-11-23", "set": "us-tx-md"})
    assert response.status_code == 200
    body = response.json()
    assert body["sets"][0]["result"]["total_counted"] == "5.00"
    assert body == json.loads(progress.to_json(progress.report(texan, ON, set_id="us-tx-md")))


def test_the_api_refuses_bad_dates_and_unknown_sets(texan, client):
    client.force_login(texan)
    bad = client.get("/api/v1/progress", {"on": "2026-13-01"})
    assert bad.status_code == 422
    assert "on" in bad.json()["errors"]
    missing = client.get("/api/v1/progress", {"set": "us-ny-md"})
    assert missing.status_code == 404
    assert missing.json() == {"error": "You are not enrolled in us-ny-md."}


def test_the_api_shows_only_the_callers_own_progress(texan, bob, client):
    add_entry(texan, "5", date(2025, 6, 1))
    client.force_login(bob)
    body = client.get("/api/v1/progress").json()
    assert body["clinician"] == bob.email
    assert body["sets"] == []


def test_the_api_is_for_clinicians_only(client, board_staff, org_member):
    for user in (board_staff, org_member):
        client.force_login(user)
        assert client.get("/api/v1/progress").status_code == 403
    client.logout()
    assert client.get("/api/v1/progress").status_code == 401


def test_dropped_enrollments_are_not_reported(texan):
    Enrollment.objects.filter(clinician=texan).update(dropped_at="2026-01-01T00:00:00Z")
    assert progress.report(texan, ON).sets == []


def test_a_report_leaves_the_cycle_collector_as_it_found_it(texan):
    add_entry(texan, "2", date(2025, 6, 1))
    assert gc.isenabled()
    progress.report(texan, ON)
    assert gc.isenabled()
    gc.disable()
    try:
        progress.report(texan, ON)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_runs_during_the_queries_and_pauses_only_for_the_calculator(
    texan, monkeypatch
):
    seen = {}
    credits_of, evaluate = progress.credits_of, progress.evaluate

    def gathering(user):
        seen["gathering"] = gc.isenabled()
        return credits_of(user)

    def calculating(*args, **kwargs):
        seen["calculating"] = gc.isenabled()
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(progress, "credits_of", gathering)
    monkeypatch.setattr(progress, "evaluate", calculating)
    progress.report(texan, ON)
    assert seen == {"gathering": True, "calculating": False}


def test_the_collector_is_restored_when_the_calculator_fails(texan, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("calculator failed")

    monkeypatch.setattr(progress, "evaluate", failing)
    with pytest.raises(RuntimeError, match="calculator failed"):
        progress.report(texan, ON)
    assert gc.isenabled()


def test_overlapping_pauses_restore_the_collector_when_the_last_one_ends():
    first, second = progress._without_cycle_collection(), progress._without_cycle_collection()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second report is still calculating
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_report_without_explanations_differs_only_by_the_entries_words(texan):
    add_entry(texan, "2", date(2025, 6, 1), topics=["ethics"])
    add_entry(texan, "3", date(2024, 6, 1))
    full, short = progress.report(texan, ON), progress.report(texan, ON, explain=False)
    full_entries = [e for item in full.sets if item.result for e in item.result.entries]
    short_entries = [e for item in short.sets if item.result for e in item.result.entries]
    assert full_entries and all(e.explanation for e in full_entries)
    assert short_entries and not any(e.explanation for e in short_entries)
    for entry in full_entries:
        entry.explanation = []
    assert progress.to_json(full) == progress.to_json(short)
