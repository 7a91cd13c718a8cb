"""`cmeledger catalog coverage`: per state and license kind, and per board, which set and
how sure; missing states are named, sets that need no CME say so, PA and NP licenses are
listed only where a set exists with the others counted, bad input is refused."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.coverage import STATES, coverage

TEXAS = """
id = "us-tx-md"
name = "Texas"
authority = "Texas Medical Board"
kind = "license"
version = {version}
effective_from = 2020-01-01
sources = ["22 Tex. Admin. Code 161.35"]
{checked}
accepted_credit_types = ["ama-pra-1"]

[applies]
license_states = ["TX"]
license_degrees = ["MD", "DO"]

[cycle]
months = 24
anchor = "license-expiry"

[[rules]]
id = "total"
kind = "minimum-total"
name = "48 credits"
credits = 48
source = "22 Tex. Admin. Code 161.35"

[[rules]]
id = "ethics"
kind = "minimum-subset"
name = "2 hours of ethics"
credits = 2
select = {{ topics = ["ethics"] }}
source = "a vendor's summary"
confidence = "unconfirmed"
"""

NO_CME = """
id = "us-ny-do"
name = "New York DO"
authority = "NYSED"
kind = "license"
version = 1
effective_from = 2020-01-01
sources = ["N.Y. Educ. Law 6524"]
sources_checked = 2026-12-04
requires_cme = false

[applies]
license_states = ["NY"]
license_degrees = ["DO"]

[cycle]
months = 24
anchor = "license-expiry"
"""

BOARD = """
id = "abzz-cc"
name = "Test board"
authority = "American Board of Testing"
kind = "board"
version = 1
effective_from = 2020-01-01
sources = ["https://example.org/cc"]
sources_checked = 2026-12-04
accepted_credit_types = ["moc-points"]

[applies]
boards = ["abim"]

[cycle]
months = 60
anchor = "certification"

[[rules]]
id = "total"
kind = "minimum-total"
name = "100 points"
credits = 100
source = "https://example.org/cc"
"""


PA_NP = """
id = "us-{state}-{kind}"
name = "{state} {kind}"
authority = "A board"
kind = "license"
version = 1
effective_from = 2020-01-01
sources = ["a rule"]
sources_checked = 2026-12-04
{body}

[applies]
license_states = ["{state_upper}"]
license_degrees = ["{kind_upper}"]

[cycle]
months = 24
anchor = "license-expiry"
"""

PA_RULES = """accepted_credit_types = ["aapa-1"]

[[rules]]
id = "total"
kind = "minimum-total"
name = "40 hours"
credits = 40
source = "a rule"
confidence = "unconfirmed"
"""


def pa_np(state: str, kind: str, body: str) -> str:
    """A PA or NP license set for one state; `body` holds its top-level keys and rules
    (TOML allows the [[rules]] tables before [applies])."""
    return PA_NP.format(
        state=state, kind=kind, state_upper=state.upper(), kind_upper=kind.upper(), body=body
    )


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    (tmp_path / "us-tx-md-v1.toml").write_text(TEXAS.format(version=1, checked=""))
    (tmp_path / "us-tx-md-v2.toml").write_text(
        TEXAS.format(version=2, checked="sources_checked = 2026-11-30")
    )
    (tmp_path / "us-ny-do-v1.toml").write_text(NO_CME)
    (tmp_path / "abzz-cc-v1.toml").write_text(BOARD)
    return tmp_path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("catalog", "coverage", *args, stdout=out)
    return out.getvalue()


def rows(catalog_dir: Path) -> dict[tuple[str, str], dict]:
    data = json.loads(run("--dir", str(catalog_dir), "--json"))
    return {(r["state"], r["degree"]): r for r in data["licenses"]}


def test_it_lists_every_state_and_dc_for_md_and_do(catalog_dir):
    found = rows(catalog_dir)
    assert len(STATES) == 51
    assert len(found) == 102
    assert ("DC", "DO") in found and ("PR", "MD") not in found


def test_a_state_with_no_set_is_shown_as_missing(catalog_dir):
    alabama = rows(catalog_dir)[("AL", "MD")]
    assert alabama["missing"] is True and alabama["set_id"] is None
    assert alabama["sources_checked"] is None
    assert "| Alabama | MD | missing |  |  | — |" in run("--dir", str(catalog_dir))


def test_it_gives_the_newest_version_its_rule_counts_and_the_day_sources_were_read(catalog_dir):
    texas = rows(catalog_dir)[("TX", "MD")]
    assert (texas["set_id"], texas["version"]) == ("us-tx-md", 2)
    assert (texas["confirmed"], texas["unconfirmed"]) == (1, 1)
    assert texas["sources_checked"] == "2026-11-30"
    assert "| Texas | MD | `us-tx-md` | 2 | 1 / 1 | 2026-11-30 |" in run("--dir", str(catalog_dir))


def test_one_set_for_md_and_do_fills_both_rows_but_counts_once(catalog_dir):
    found = rows(catalog_dir)
    assert found[("TX", "DO")]["set_id"] == "us-tx-md"
    summary = json.loads(run("--dir", str(catalog_dir), "--json"))["summary"]
    assert (summary["rules_confirmed"], summary["rules_unconfirmed"]) == (2, 1)


def test_a_set_that_requires_no_cme_says_so(catalog_dir):
    new_york = rows(catalog_dir)[("NY", "DO")]
    assert new_york["requires_cme"] is False and new_york["missing"] is False
    assert rows(catalog_dir)[("NY", "MD")]["missing"] is True
    text = run("--dir", str(catalog_dir))
    assert "| New York | DO | `us-ny-do` | 1 | no CME required | 2026-12-04 |" in text
    assert "3 of 102 state license kinds have a set (1 of them need no CME), 99 missing" in text


def test_a_set_without_sources_checked_shows_a_dash(tmp_path):
    (tmp_path / "us-tx-md-v1.toml").write_text(TEXAS.format(version=1, checked=""))
    assert "| Texas | MD | `us-tx-md` | 1 | 1 / 1 | — |" in run("--dir", str(tmp_path))


def test_board_sets_are_listed_with_their_boards(catalog_dir):
    data = json.loads(run("--dir", str(catalog_dir), "--json"))
    assert [(b["set_id"], b["boards"]) for b in data["boards"]] == [("abzz-cc", ["abim"])]
    assert "| ABIM | `abzz-cc` | 1 | 1 / 0 | 2026-12-04 |" in run("--dir", str(catalog_dir))


def test_the_built_in_catalog_covers_the_largest_boards():
    result = coverage(load_catalog())
    boards = {code for row in result.boards for code in row.boards}
    assert {"abim", "abfm", "abp", "abs", "aba", "abr", "abpn", "abem", "abog", "abpath"} <= boards
    assert "aoa" in boards
    assert len(result.licenses) >= 102


def test_it_refuses_a_directory_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        run("--dir", str(tmp_path / "nowhere"))


def test_it_refuses_a_directory_without_catalog_files(tmp_path):
    with pytest.raises(CommandError, match=r"no catalog files \(\*\.toml\)"):
        run("--dir", str(tmp_path))


def test_it_refuses_a_bad_file_naming_it(catalog_dir):
    (catalog_dir / "us-zz-md-v1.toml").write_text('id = "us-zz-md"\n')
    with pytest.raises(CommandError, match="us-zz-md-v1.toml: name"):
        run("--dir", str(catalog_dir))


@pytest.fixture
def with_pa_np(catalog_dir: Path) -> Path:
    (catalog_dir / "us-tx-pa-v1.toml").write_text(pa_np("tx", "pa", PA_RULES))
    (catalog_dir / "us-ca-pa-v1.toml").write_text(pa_np("ca", "pa", PA_RULES))
    (catalog_dir / "us-ny-np-v1.toml").write_text(pa_np("ny", "np", "requires_cme = false"))
    return catalog_dir


def test_pa_and_np_are_listed_only_where_a_set_exists(with_pa_np):
    data = json.loads(run("--dir", str(with_pa_np), "--json"))
    listed = [(r["state"], r["degree"], r["set_id"]) for r in data["partial_licenses"]]
    assert listed == [("CA", "PA", "us-ca-pa"), ("NY", "NP", "us-ny-np"), ("TX", "PA", "us-tx-pa")]
    assert all(r["missing"] is False for r in data["partial_licenses"])
    # The MD and DO table is untouched: still every state, and a PA set fills no MD row.
    assert len(data["licenses"]) == 102
    assert {(r["state"], r["degree"]) for r in data["licenses"]}.isdisjoint(
        {("TX", "PA"), ("NY", "NP")}
    )


def test_pa_and_np_count_the_states_without_a_set(with_pa_np):
    summary = json.loads(run("--dir", str(with_pa_np), "--json"))["summary"]
    assert summary["partial_license_kinds"] == {
        "PA": {"states": 2, "without": 49, "no_cme_required": 0},
        "NP": {"states": 1, "without": 50, "no_cme_required": 1},
    }
    # Their rules count with the others, each set once: Texas MD 1 / 1, the two PA sets
    # 0 / 1 each, the NP set none, the board 1 / 0.
    assert (summary["rules_confirmed"], summary["rules_unconfirmed"]) == (2, 3)
    assert summary["missing"] == 99  # MD and DO only: PA and NP are never "missing"


def test_the_markdown_has_a_pa_and_np_table_and_its_counts(with_pa_np):
    text = run("--dir", str(with_pa_np))
    assert "| Texas | PA | `us-tx-pa` | 1 | 0 / 1 | 2026-12-04 |" in text
    assert "| New York | NP | `us-ny-np` | 1 | no CME required | 2026-12-04 |" in text
    assert (
        "PA: 2 of the 50 states and DC have a set (0 of them need no CME), 49 without; "
        "NP: 1 of the 50 states and DC have a set (1 of them need no CME), 50 without."
    ) in text
    assert "| Alabama | PA |" not in text and "| Alabama | MD | missing |" in text


def test_without_pa_or_np_sets_every_state_is_counted_without(catalog_dir):
    data = json.loads(run("--dir", str(catalog_dir), "--json"))
    assert data["partial_licenses"] == []
    assert data["summary"]["partial_license_kinds"]["NP"] == {
        "states": 0,
        "without": 51,
        "no_cme_required": 0,
    }


def test_the_built_in_catalog_lists_its_pa_and_np_sets():
    result = coverage(load_catalog())
    assert ("TX", "PA") in {(r.state, r.degree) for r in result.partial}
    assert ("TX", "NP") in {(r.state, r.degree) for r in result.partial}
    assert all(r.set is not None for r in result.partial)


def test_a_pa_set_for_a_territory_only_is_not_listed(catalog_dir):
    # Territories are outside the promise (STATES), so their sets neither list nor count.
    (catalog_dir / "us-pr-pa-v1.toml").write_text(pa_np("pr", "pa", PA_RULES))
    data = json.loads(run("--dir", str(catalog_dir), "--json"))
    assert data["partial_licenses"] == []
    assert data["summary"]["partial_license_kinds"]["PA"]["without"] == 51
