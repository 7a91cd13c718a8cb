"""Hostile requirement-set files (catalog TOML uploaded or pasted) and hostile board
program edits, which are rendered to TOML and go through the same parser.

A file is added as a new version or refused with SetRefused (ProgramRefused for the
program form) listing each problem; a refusal stores no version.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmeledger.accounts.models import Role, User
from cmeledger.boards import program
from cmeledger.boards.program import ProgramInput, ProgramRefused
from cmeledger.conftest import PASSWORD
from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.custom import SetRefused, add_set_version
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.sync import sync
from cmeledger.requirements.testing import board_set_toml

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = date(2026, 3, 2)


@pytest.fixture
def site_admin(db) -> User:
    return User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)


def versions() -> list[tuple]:
    return list(RequirementSetVersion.objects.values_list("set_id", "version", "digest"))


def added_or_refused(text: str, by: User) -> bool:
    before = versions()
    try:
        row = add_set_version(text, by, "hostile.toml")
    except SetRefused as error:
        assert error.problems and all(isinstance(p, str) and p.strip() for p in error.problems)
        assert all(p.startswith("hostile.toml: ") or "may add" in p for p in error.problems)
        assert versions() == before, error.problems
        return False
    assert (row.set_id, row.version) not in {(s, v) for s, v, _ in before}
    return True


def refused(text: str, by: User) -> list[str]:
    before = versions()
    with pytest.raises(SetRefused) as caught:
        add_set_version(text, by, "hostile.toml")
    assert versions() == before
    return caught.value.problems


# --- generated files -----------------------------------------------------------------------

SNIPPETS = [
    "\x00",
    "\\u0000",
    '"',
    '"""',
    "'''",
    "\\",
    "\n",
    "\r",
    "=",
    "[",
    "]",
    "[[rules]]\n",
    "[applies]\n",
    'boards = ["abim"]\n',
    "version = 1\n",
    'id = "x"\n',
    "credits = 1e400\n",
    "credits = nan\n",
    "credits = -0.125\n",
    "months = 999999999999999999999\n",
    "effective_from = 9999-12-31T23:59:60Z\n",
    "\ufeff",
    "\ud7ff",
    "#",
    "{",
    "}",
    "9" * 5_000,
    "[" * 5_000,
]


@st.composite
def corrupted_toml(draw) -> str:
    """The test set's file with one to three edits: cut, insert, delete, or a line
    repeated (duplicate keys and tables)."""
    text = board_set_toml(
        set_id=draw(st.sampled_from(["abpmr-ethics", "abpmr-duty"])),
        version=draw(st.integers(1, 1_000_000)),
    )
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["cut", "insert", "insert", "delete", "repeat"]))
        if how == "cut":
            text = text[:at]
        elif how == "insert":
            text = text[:at] + draw(st.sampled_from(SNIPPETS) | st.text(max_size=6)) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        elif how == "repeat":
            lines = text.split("\n")
            lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(lines)))
            text = "\n".join(lines)
    return text


toml_values = st.recursive(
    st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
    | st.dates()
    | st.text(max_size=20)
    | st.sampled_from(["\x00", "abpmr", "ethics", "ama-pra-1", "x" * 300, "minimum-total"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=5,
)


def _locations(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _locations(value, (*path, index))
    yield path


@st.composite
def mistyped_set(draw) -> str:
    """The test set's data with a value anywhere replaced by a value of any TOML type,
    or a key dropped, written back as a catalog file."""
    data = tomllib.loads(board_set_toml(version=draw(st.integers(1, 1_000_000))))
    path = draw(st.sampled_from([p for p in _locations(data) if p]))
    node = data
    for part in path[:-1]:
        node = node[part]
    if draw(st.booleans()):
        node[path[-1]] = draw(toml_values)
    else:
        del node[path[-1]]
    return "\n".join(f"{json.dumps(key)} = {_toml(value)}" for key, value in data.items())


def _toml(value) -> str:
    """A value as TOML, tables inline (JSON's string escapes are TOML's too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


@HYPOTHESIS
@given(text=st.text(max_size=500))
def test_arbitrary_text_is_added_as_a_set_or_refused_with_reasons_and_nothing_stored(
    site_admin, text
):
    added_or_refused(text, site_admin)


@HYPOTHESIS
@given(text=corrupted_toml())
def test_a_corrupted_set_file_is_added_or_refused_with_reasons_and_nothing_stored(
    board_staff, text
):
    added_or_refused(text, board_staff)


@HYPOTHESIS
@given(text=mistyped_set())
def test_a_set_with_values_of_the_wrong_type_is_refused_naming_the_key(site_admin, text):
    added_or_refused(text, site_admin)


# --- absurd files -----------------------------------------------------------------------------


def test_toml_nested_100000_levels_deep_is_refused_and_nothing_is_stored(site_admin):
    deep = board_set_toml() + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert len(deep.encode()) < 256 * 1024
    assert refused(deep, site_admin) == ["hostile.toml: nested too deeply"]
    tables = board_set_toml() + "deep = " + "{a = " * 40_000 + "1" + "}" * 40_000 + "\n"
    assert refused(tables, site_admin) == ["hostile.toml: nested too deeply"]


def test_a_number_of_five_thousand_digits_is_refused(site_admin):
    text = board_set_toml().replace("version = 1", "version = " + "9" * 5_000)
    assert refused(text, site_admin) == ["hostile.toml: holds a number of more than 4,300 digits"]


def test_a_version_past_the_stored_range_is_refused_before_the_database_sees_it(site_admin):
    text = board_set_toml().replace("version = 1", "version = 99999999999999999999")
    assert refused(text, site_admin) == [
        "hostile.toml: version: Input should be less than or equal to 1000000"
    ]


def test_nul_characters_in_the_file_are_refused_with_their_keys(board_staff):
    text = (
        board_set_toml()
        .replace('name = "ABPMR ethics duty"', 'name = "ABPMR\\u0000"')
        .replace('name = "5 credits of ethics"', 'name = "five\\u0000"')
    )
    assert refused(text, board_staff) == [
        "hostile.toml: name: holds a NUL character, which is not text",
        "hostile.toml: rules[0].name: holds a NUL character, which is not text",
    ]
    raw = board_set_toml().replace("ABPMR ethics duty", "ABPMR\x00")
    assert refused(raw, board_staff)[0].startswith("hostile.toml: Illegal character '\\x00'")


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(site_admin):
    huge = board_set_toml() + "# " + "x" * 300_000 + "\n"
    assert refused(huge, site_admin) == [
        f"hostile.toml: {len(huge):,} bytes is larger than the 256 KB a set may be."
    ]


# --- through the upload page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (("deep = " + "[" * 100_000).encode(), "hostile.toml: nested too deeply"),
        (
            board_set_toml().replace("ABPMR ethics duty", "A\\u0000").encode(),
            "hostile.toml: name: holds a NUL character, which is not text",
        ),
        (b"\xff\xfe" + board_set_toml().encode("utf-16-le"), "hostile.toml: not UTF-8 text."),
        (b"x" * 300_000, "hostile.toml: 300,000 bytes is larger than the 256 KB a set may be."),
        (b'id = "\x00"', "hostile.toml: Illegal character"),
    ],
)
def test_the_upload_page_answers_400_with_the_reason_and_stores_nothing(
    client, board_staff, content, message
):
    client.force_login(board_staff)
    before = versions()
    upload = SimpleUploadedFile("hostile.toml", content)
    response = client.post(reverse("set-upload"), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert versions() == before


# --- board program edits ------------------------------------------------------------------------


@pytest.fixture
def synced(db):
    sync()


@pytest.fixture
def frozen():
    with time_machine.travel(f"{TODAY} 12:00", tick=False):
        yield


hostile_text = st.text(max_size=40) | st.sampled_from(
    [
        "",
        "\x00",
        'x"\n[applies]\nboards = ["abim"]\n#',
        "x'''\n[[rules]]\nid = \"evil\"",
        "\\",
        "\\u0000",
        "]]",
        "x" * 5_000,
        "\r\n",
    ]
)
amounts = st.none() | st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), allow_nan=False, places=3
)


RULE_FIELDS = {
    "name": hostile_text,
    "source": hostile_text,
    "note": hostile_text,
    "credits": amounts,
    "id": st.sampled_from(["Bad Id", "", "x" * 100, "total"]) | hostile_text,
    "kind": st.sampled_from(["minimum-total", "pacing", "nonsense", ""]),
    "topics": st.sampled_from([["ethics"], ["astrology"], ["\x00"], []]),
}


@st.composite
def hostile_edit(draw, start: ProgramInput) -> ProgramInput:
    """The form's starting values with one or two fields of the set, and one or two of
    each of a few rules, made hostile: most edits are then close enough to be saved."""
    fields = {
        "name": hostile_text,
        "short_name": hostile_text,
        "sources": st.lists(hostile_text, max_size=25),
        "accepted_credit_types": st.sampled_from([["ama-pra-1"], ["nope"], []]),
        "cycle_months": st.sampled_from([0, 1, 241, -1, 10**12]),
        "rules": st.sampled_from([start.rules[:1], [], start.rules * 9]),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(fields)), max_size=2))
    change = replace(start, effective_from=TODAY, **{k: draw(fields[k]) for k in chosen})
    rules = list(change.rules)
    for index in draw(st.sets(st.integers(0, max(len(rules) - 1, 0)), max_size=2)):
        if index < len(rules):
            keys = draw(st.sets(st.sampled_from(sorted(RULE_FIELDS)), min_size=1, max_size=2))
            rules[index] = replace(rules[index], **{k: draw(RULE_FIELDS[k]) for k in keys})
    return replace(change, rules=rules)


def test_a_hostile_program_edit_is_saved_exactly_as_given_or_refused_with_reasons(
    synced, frozen, board_staff
):
    start = ProgramInput.from_version(program.get_board_set(board_staff, "abpmr-cc").latest)

    @HYPOTHESIS
    @given(change=hostile_edit(start))
    def check(change):
        before = versions()
        try:
            row = program.save_version(board_staff, "abpmr-cc", change, TODAY)
        except ProgramRefused as refused:
            assert refused.problems and all(message for _, message in refused.problems)
            assert versions() == before
            return
        # What was typed lands as typed: no text can add a table or a rule to the file.
        saved = row.requirement_set()
        assert saved.name == change.name and saved.sources == change.sources
        assert saved.applies.boards == ["abpmr"]
        assert [rule.id for rule in saved.rules] == [rule.id for rule in change.rules]
        RequirementSetVersion.objects.filter(pk=row.pk).delete()  # next example, same day

    check()


def test_the_program_form_refuses_a_text_that_tries_to_write_its_own_toml(
    synced, frozen, client, board_staff
):
    client.force_login(board_staff)
    url = reverse("board-program-edit", args=["abpmr-cc"])
    page = client.get(url).context
    data = {}
    for bound in [*page["form"], *[f for rule in page["rules"].forms for f in rule]]:
        value = bound.value()
        if value is not None:
            data[bound.html_name] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
    data.update({f"rules-{k}": str(v) for k, v in page["rules"].management_form.initial.items()})
    injected = 'ABPMR"\n[applies]\nboards = ["abim"]\n#'
    data.update({"name": injected, "effective_from": str(TODAY), "rules-0-credits": "1e400"})
    before = versions()
    response = client.post(url, data)
    assert response.status_code == 400
    assert versions() == before
    assert not any(
        row.definition["applies"].get("boards") == ["abim"]
        for row in RequirementSetVersion.objects.all()
        if row.set_id == "abpmr-cc"
    )


def test_every_catalog_set_still_parses_under_the_new_limits():
    assert all(s.version <= 1_000_000 for s in load_catalog().sets)
