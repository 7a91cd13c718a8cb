"""Program definition: board staff write new versions of their board's own sets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cmeledger.accounts.models import Certification
from cmeledger.boards import program
from cmeledger.boards.program import NotYourSet, ProgramInput, ProgramRefused, RuleInput
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields
from cmeledger.requirements import progress
from cmeledger.requirements.catalog import load_catalog, parse
from cmeledger.requirements.custom import add_set_version
from cmeledger.requirements.models import Origin, RequirementSetVersion
from cmeledger.requirements.sync import sync
from cmeledger.requirements.testing import board_set_toml

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture
def synced(db):
    sync()


def edit(staff, set_id="abpmr-cc", **changes) -> ProgramInput:
    row = program.get_board_set(staff, set_id).latest
    start = ProgramInput.from_version(row)
    return replace(start, **{"effective_from": TODAY, **changes})


def rule(change: ProgramInput, rule_id: str) -> RuleInput:
    return next(r for r in change.rules if r.id == rule_id)


def stored() -> list[tuple]:
    return list(
        RequirementSetVersion.objects.order_by("set_id", "version").values_list(
            "set_id", "version", "digest", "effective_from"
        )
    )


def test_every_catalog_set_renders_to_toml_that_parses_back_to_the_same_set():
    for requirement_set in load_catalog().sets:
        text = program.render_toml(program.dump(requirement_set))
        assert parse(text, requirement_set.id) == requirement_set, requirement_set.id


def test_strings_with_quotes_backslashes_and_control_characters_survive_the_round_trip():
    data = program.dump(load_catalog().get("abpmr-cc"))
    data["name"] = 'He said "PM&R" \\ then\ttab\x01 and ünïcode'
    assert parse(program.render_toml(data), "x").name == data["name"]


def test_staff_see_their_boards_sets_and_not_another_boards(
    synced, board_staff, other_board_staff, alice
):
    assert {s.set_id for s in program.board_sets(board_staff)} == {"abpmr-cc"}
    # ABIM staff see ABIM's own catalog set (abim-moc), never ABPMR's.
    assert {s.set_id for s in program.board_sets(other_board_staff)} == {"abim-moc"}
    assert program.board_sets(alice) == []
    for user in (other_board_staff, alice):
        with pytest.raises(NotYourSet):
            program.get_board_set(user, "abpmr-cc")


@pytest.mark.parametrize("set_id", ["us-tx-md", "nope", "abpmr-cc\x00", "A" * 65, "../x", ""])
def test_foreign_unknown_and_malformed_set_ids_are_not_the_boards(synced, board_staff, set_id):
    with pytest.raises(NotYourSet):
        program.get_board_set(board_staff, set_id)


def test_a_set_with_a_version_for_another_board_is_not_the_boards(synced, board_staff):
    for row in RequirementSetVersion.objects.filter(set_id="abpmr-cc"):
        row.definition = {**row.definition, "applies": {"boards": ["abpmr", "abim"]}}
        row.save(update_fields=["definition"])
    with pytest.raises(NotYourSet):
        program.get_board_set(board_staff, "abpmr-cc")


def test_saving_writes_the_next_version_and_leaves_the_old_one_untouched(synced, board_staff):
    before = stored()
    latest = program.get_board_set(board_staff, "abpmr-cc").latest.version
    change = edit(board_staff, name="ABPMR CC (2026)", cycle_months=60)
    rule(change, "total").credits = Decimal("160")
    rule(change, "la-credit-cap").credits = Decimal("10.5")
    row = program.save_version(board_staff, "abpmr-cc", change, TODAY)
    assert (row.set_id, row.version, row.origin, row.board) == (
        "abpmr-cc",
        latest + 1,
        Origin.BOARD,
        board_staff.board,
    )
    assert row.effective_from == TODAY
    rset = row.requirement_set()
    assert rset.name == "ABPMR CC (2026)"
    assert next(r for r in rset.rules if r.id == "total").credits == Decimal("160")
    assert next(r for r in rset.rules if r.id == "la-credit-cap").credits == Decimal("10.5")
    assert rset.applies.boards == ["abpmr"]
    # What the form does not edit is kept: which certificates the set governs, and the
    # yearly LA-PM&R over years 1-4.
    assert rset.applies.certification_years == [5]
    la = next(r for r in rset.rules if r.id == "longitudinal-assessment")
    assert la.each_year and la.part.years == (1, 4)
    assert set(before) <= set(stored())  # every earlier row exactly as it was


def test_rules_can_be_added_and_removed(synced, board_staff):
    change = edit(board_staff)
    change.rules = [r for r in change.rules if r.id != "pace"] + [
        RuleInput(
            id="ethics",
            kind="minimum-subset",
            name="5 credits of ethics",
            source="Board policy 2026, section 4",
            credits=Decimal("5"),
            topics=["ethics"],
            credit_types=["ama-pra-1"],
        )
    ]
    row = program.save_version(board_staff, "abpmr-cc", change, TODAY)
    ids = [r.id for r in row.requirement_set().rules]
    assert "pace" not in ids and ids[-1] == "ethics"
    ethics = row.requirement_set().rules[-1]
    assert ethics.select.topics == ["ethics"] and ethics.select.credit_types == ["ama-pra-1"]


def test_conditions_the_form_does_not_edit_are_kept(synced, board_staff):
    text = board_set_toml("abpmr-ethics").replace(
        'source = "Board policy, section 2"',
        'source = "Board policy, section 2"\nwhen = { direct_patient_care = true }',
    )
    add_set_version(text, board_staff)
    change = edit(board_staff, "abpmr-ethics", effective_from=date(2026, 6, 1))
    row = program.save_version(board_staff, "abpmr-ethics", change, TODAY)
    assert row.requirement_set().rules[0].when.direct_patient_care is True


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (
            lambda c: setattr(rule(c, "total"), "credits", Decimal("-5")),
            "rules[0].credits",
            "greater than or equal to 0",
        ),
        (
            lambda c: setattr(rule(c, "total"), "credits", Decimal("1.1")),
            "rules[0].credits",
            "multiple of 0.25",
        ),
        (
            lambda c: setattr(rule(c, "specialty-share"), "share", Decimal("1.5")),
            "rules[2].share",
            "less than or equal to 1",
        ),
        (
            lambda c: setattr(rule(c, "pace"), "credits_per_year", None),
            "rules[1].credits_per_year",
            "Field required",
        ),
        (
            lambda c: setattr(rule(c, "total"), "id", "Not An Id"),
            "rules[0].id",
            "String should match pattern",
        ),
        (lambda c: setattr(rule(c, "pace"), "id", "total"), "", "rule ids repeat: total"),
        (lambda c: setattr(c, "name", ""), "name", "at least 1 character"),
        (
            lambda c: setattr(c, "accepted_credit_types", []),
            "accepted_credit_types",
            "at least 1 item",
        ),
        (lambda c: setattr(c, "cycle_months", 0), "cycle.months", "greater than or equal to 1"),
        (lambda c: setattr(c, "sources", []), "sources", "at least 1 item"),
        (lambda c: setattr(c, "short_name", "x" * 25), "short_name", "at most 24 characters"),
    ],
)
def test_a_bad_edit_is_refused_naming_the_key_and_nothing_is_stored(
    synced, board_staff, change, key, message
):
    before = stored()
    edited = edit(board_staff)
    change(edited)
    with pytest.raises(ProgramRefused) as refused:
        program.save_version(board_staff, "abpmr-cc", edited, TODAY)
    assert any(k == key and message in m for k, m in refused.value.problems), refused.value.problems
    assert stored() == before


def test_the_effective_date_must_follow_the_latest_version_and_not_be_in_the_past(
    synced, board_staff
):
    before = stored()
    with pytest.raises(ProgramRefused) as refused:
        program.save_version(
            board_staff, "abpmr-cc", edit(board_staff, effective_from=date(2020, 6, 1)), TODAY
        )
    messages = [m for k, m in refused.value.problems if k == "effective_from"]
    assert any("after 2021-01-01, when version 2 took effect" in m for m in messages)
    assert any("today (2026-03-02) or a later day" in m for m in messages)
    with pytest.raises(ProgramRefused):
        program.save_version(
            board_staff,
            "abpmr-cc",
            edit(board_staff, effective_from=TODAY - timedelta(days=1)),
            TODAY,
        )
    assert stored() == before


def test_a_version_scheduled_later_must_be_followed_by_a_still_later_one(synced, board_staff):
    program.save_version(
        board_staff, "abpmr-cc", edit(board_staff, effective_from=date(2027, 1, 1)), TODAY
    )
    with pytest.raises(ProgramRefused) as refused:
        program.save_version(board_staff, "abpmr-cc", edit(board_staff), TODAY)
    assert "after 2027-01-01, when version 3 took effect" in str(refused.value)
    row = program.save_version(
        board_staff, "abpmr-cc", edit(board_staff, effective_from=date(2027, 1, 2)), TODAY
    )
    assert row.version == 4


def test_huge_text_is_refused_by_the_same_size_limit_as_an_upload(synced, board_staff):
    change = edit(board_staff)
    rule(change, "total").note = "x" * 300_000
    with pytest.raises(ProgramRefused) as refused:
        program.save_version(board_staff, "abpmr-cc", change, TODAY)
    assert "larger than the 256 KB a set may be" in str(refused.value)
    assert RequirementSetVersion.objects.filter(set_id="abpmr-cc").count() == 2


def test_another_boards_staff_cannot_save_a_version(synced, other_board_staff, board_staff):
    change = edit(board_staff)
    with pytest.raises(NotYourSet):
        program.save_version(other_board_staff, "abpmr-cc", change, TODAY)
    assert RequirementSetVersion.objects.filter(set_id="abpmr-cc").count() == 2


def test_an_older_cycle_keeps_its_result_after_a_new_version_is_saved(
    synced, board_staff, alice, board
):
    # A cycle that closed before the new version takes effect, judged after it does.
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2021, 1, 1), cycle_end=date(2025, 12, 31)
    )
    CreditEntry.objects.create(
        clinician=alice, **entry_fields(credits=Decimal("100"), completed_on=date(2023, 5, 4))
    )
    CreditEntry.objects.create(
        clinician=alice, **entry_fields(credits=Decimal("55"), completed_on=date(2024, 5, 4))
    )
    later = date(2026, 9, 1)
    before = progress.report(alice, later, "abpmr-cc").result("abpmr-cc")
    total_before = next(r for r in before.rules if r.id == "total")
    assert (before.version, total_before.required, total_before.status) == (2, Decimal(150), "met")

    change = edit(board_staff)
    rule(change, "total").credits = Decimal("200")
    program.save_version(board_staff, "abpmr-cc", change, TODAY)

    after = progress.report(alice, later, "abpmr-cc").result("abpmr-cc")
    total_after = next(r for r in after.rules if r.id == "total")
    assert after.version == 2
    assert (total_after.required, total_after.counted, total_after.status) == (
        total_before.required,
        total_before.counted,
        total_before.status,
    )
    assert after.status == before.status


def test_an_open_cycle_uses_the_new_version_from_its_effective_date(
    synced, board_staff, alice, board
):
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2025, 1, 1), cycle_end=date(2029, 12, 31)
    )
    change = edit(board_staff, effective_from=date(2026, 7, 1))
    rule(change, "total").credits = Decimal("200")
    program.save_version(board_staff, "abpmr-cc", change, TODAY)
    day_before = progress.report(alice, date(2026, 6, 30), "abpmr-cc").result("abpmr-cc")
    on_the_day = progress.report(alice, date(2026, 7, 1), "abpmr-cc").result("abpmr-cc")
    assert day_before.version == 2
    assert on_the_day.version == 3
    assert next(r for r in on_the_day.rules if r.id == "total").required == Decimal(200)


def test_the_history_shows_rule_by_rule_what_changed(synced, board_staff):
    change = edit(board_staff, short_name="ABPMR CC 26")
    rule(change, "total").credits = Decimal("160")
    change.rules = [r for r in change.rules if r.id != "pace"]
    change.rules.append(
        RuleInput(
            id="ethics", kind="minimum-total", name="Ethics", source="Policy", credits=Decimal(1)
        )
    )
    program.save_version(board_staff, "abpmr-cc", change, TODAY)
    newest, _, first = program.history(program.get_board_set(board_staff, "abpmr-cc"))
    assert first.is_first and newest.row.version == 3
    assert ("short_name", "ABPMR CC", "ABPMR CC 26") in [
        (c.key, c.before, c.after) for c in newest.changes
    ]
    assert ("effective_from", "2021-01-01", "2026-03-02") in [
        (c.key, c.before, c.after) for c in newest.changes
    ]
    by_rule = {r.rule_id: r for r in newest.rules}
    assert by_rule["total"].status == "changed"
    assert [(c.key, c.before, c.after) for c in by_rule["total"].changes] == [
        ("credits", "150", "160")
    ]
    assert by_rule["pace"].status == "removed"
    assert by_rule["ethics"].status == "added"
    assert "specialty-share" not in by_rule


def test_a_downloaded_version_parses_back_to_the_stored_definition(synced, board_staff):
    row = RequirementSetVersion.objects.get(set_id="abpmr-cc", version=1)
    text = program.version_toml(row)
    assert parse(text, "download") == row.requirement_set()
    assert 'boards = ["abpmr"]' in text
