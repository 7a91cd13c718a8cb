"""The catalog files: all valid, listed by the CLI, and bad files refused with the spot."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cmeledger.requirements.catalog import CATALOG_DIR, CatalogError, load_catalog, load_file, parse

MINIMAL = """
id = "us-zz-md"
name = "Test state"
authority = "Test board"
kind = "license"
version = 1
effective_from = 2020-01-01
sources = ["https://example.org/rules"]
accepted_credit_types = ["ama-pra-1"]

[cycle]
months = 24
anchor = "license-expiry"

[[rules]]
id = "total"
kind = "minimum-total"
name = "40 credits"
credits = 40
source = "Rule 1"
"""


def test_every_catalog_file_loads():
    catalog = load_catalog()
    ids = {s.id for s in catalog.sets}
    assert {"us-tx-md", "us-ca-md", "abpmr-cc", "ama-pra-3y", "nccpa-pa"} <= ids
    assert all(rule.source for s in catalog.sets for rule in s.rules)


def test_unconfirmed_facts_are_flagged():
    ama = load_catalog().get("ama-pra-3y")
    flagged = [rule.id for rule in ama.rules if rule.confidence == "unconfirmed"]
    assert flagged == ["category-1"]


def test_a_minimal_file_parses():
    parsed = parse(MINIMAL, "test.toml")
    assert parsed.rules[0].credits == 40


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("credits = 40", "credits = 40.3"), "rules[0].credits"),
        (('kind = "minimum-total"', 'kind = "maximum-vibes"'), "rules[0]"),
        (('anchor = "license-expiry"', 'anchor = "moon-phase"'), "cycle.anchor"),
        (
            ('accepted_credit_types = ["ama-pra-1"]', 'accepted_credit_types = ["gold-stars"]'),
            "accepted_credit_types[0]",
        ),
        (('name = "40 credits"', 'name = "40 credits"\nsurprise = 1'), "rules[0].surprise"),
        (("months = 24", "months = 0"), "cycle.months"),
        (('id = "us-zz-md"', 'id = "US ZZ"'), "id"),
        (
            (
                "effective_from = 2020-01-01",
                "effective_from = 2020-01-01\neffective_to = 2019-01-01",
            ),
            "effective_to is before",
        ),
        (
            (
                'source = "Rule 1"',
                'source = "Rule 1"\n[[rules]]\nid = "total"\nkind = "pacing"\nname = "x"\ncredits_per_year = 1\nsource = "y"',
            ),
            "rule ids repeat",
        ),
    ],
)
def test_a_bad_file_names_the_key_and_the_reason(change, message):
    old, new = change
    with pytest.raises(CatalogError) as caught:
        parse(MINIMAL.replace(old, new), "bad.toml")
    assert any(
        message in problem and problem.startswith("bad.toml: ") for problem in caught.value.problems
    ), caught.value.problems


def test_a_toml_syntax_error_names_the_line():
    with pytest.raises(CatalogError, match=r"bad.toml: .*line 3"):
        parse('id = "x"\nname = "y"\nkind = = "board"\n', "bad.toml")


def test_the_file_name_must_match_id_and_version(tmp_path):
    path = tmp_path / "wrong-name.toml"
    path.write_text(MINIMAL)
    with pytest.raises(CatalogError, match="us-zz-md-v1.toml"):
        load_file(path)


def test_catalog_list_prints_every_set():
    out = io.StringIO()
    call_command("catalog", "list", stdout=out)
    assert "us-tx-md" in out.getvalue() and "abpmr-cc" in out.getvalue()
    out = io.StringIO()
    call_command("catalog", "list", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {row["id"] for row in rows} >= {"us-tx-md", "nccpa-pa"}


def test_catalog_check_accepts_good_files_and_reports_bad_ones(tmp_path):
    out = io.StringIO()
    call_command("catalog", "check", str(CATALOG_DIR / "us-tx-md-v1.toml"), stdout=out)
    assert "ok" in out.getvalue()
    bad = tmp_path / "us-zz-md-v1.toml"
    bad.write_text(MINIMAL.replace("credits = 40", 'credits = "lots"'))
    with pytest.raises(CommandError, match=r"us-zz-md-v1.toml: rules\[0\].credits"):
        call_command("catalog", "check", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("catalog", "check", str(Path(tmp_path) / "missing.toml"), stdout=io.StringIO())


NO_CME = MINIMAL.split("[[rules]]")[0].replace(
    'accepted_credit_types = ["ama-pra-1"]', "requires_cme = false\nsources_checked = 2026-12-04"
)


def test_a_license_that_requires_no_cme_is_a_set_without_rules_and_is_met():
    from datetime import date

    from cmeledger.requirements.cycles import Anchors
    from cmeledger.requirements.engine import Facts, Status, evaluate

    parsed = parse(NO_CME, "test.toml")
    assert parsed.requires_cme is False
    assert parsed.sources_checked == date(2026, 12, 4)
    result = evaluate(
        parsed, [], Facts(anchors=Anchors(license_expiry=date(2027, 6, 30))), date(2026, 1, 1)
    )
    assert result.status == Status.MET


def test_a_set_that_requires_no_cme_may_not_have_rules():
    with pytest.raises(CatalogError, match="requires no CME has no rules"):
        parse(
            MINIMAL.replace('kind = "license"', 'kind = "license"\nrequires_cme = false'),
            "test.toml",
        )


def test_a_set_that_requires_cme_names_its_credit_types():
    with pytest.raises(CatalogError, match="accepted_credit_types"):
        parse(MINIMAL.replace('accepted_credit_types = ["ama-pra-1"]', ""), "test.toml")


def test_a_set_counts_credits_unless_it_names_its_unit():
    assert parse(MINIMAL, "test.toml").unit == "credits"
    parsed = parse(MINIMAL.replace("[cycle]", 'unit = "contact-hours"\n\n[cycle]'), "t.toml")
    assert parsed.unit == "contact-hours"


def test_an_unknown_unit_is_refused_with_the_units_there_are():
    with pytest.raises(CatalogError) as caught:
        parse(MINIMAL.replace("[cycle]", 'unit = "ceus"\n\n[cycle]'), "bad.toml")
    [problem] = caught.value.problems
    assert problem.startswith("bad.toml: unit: ")
    assert "'credits', 'contact-hours' or 'hours'" in problem


def test_nurse_practitioner_sets_count_hours_and_pa_sets_credits():
    catalog = load_catalog()
    newest: dict[str, object] = {}
    for s in sorted(catalog.sets, key=lambda s: s.version):
        newest[s.id] = s
    np_sets = [s for s in newest.values() if "NP" in s.applies.license_degrees]
    pa_sets = [s for s in newest.values() if "PA" in s.applies.license_degrees]
    assert len(np_sets) >= 9 and len(pa_sets) >= 11
    assert {s.id: s.unit for s in np_sets if s.unit == "credits"} == {}
    assert newest["us-ca-np"].unit == "contact-hours"  # 16 CCR § 1451: "contact hours"
    assert newest["us-pa-np"].unit == "hours"  # 63 P.S. § 218.1: "30 hours"
    assert {s.unit for s in pa_sets} == {"credits"}
