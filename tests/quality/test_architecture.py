"""Imports run one way (docs/architecture.md): the layers contract in pyproject.toml holds
for the code, and the same contract breaks on a small package that imports upward."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
# Run in a fresh interpreter: grimp finds `cmeledger` on sys.path, and the fake package
# below must stand in for the real one, which this process has already imported.
LINT = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]


def _config() -> dict:
    return tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]


def _contract() -> dict:
    [contract] = [c for c in _config()["contracts"] if c.get("id") == "layers"]
    return contract


def _lint(config: Path, cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath or cwd)}
    return subprocess.run(
        [*LINT, "--no-cache", "--no-logo", str(config)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_import_in_the_code_runs_down_the_layers():
    run = _lint(PYPROJECT, ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "KEPT" in run.stdout


def test_every_app_is_given_a_layer():
    # `exhaustive` is what makes a new app fail the check until it is placed.
    contract = _contract()
    assert contract["exhaustive"] is True
    packages = {p.parent.name for p in (ROOT / "cmeledger").glob("*/__init__.py")}
    assert packages <= set(_names(contract))


# A fake `cmeledger` ----------------------------------------------------------------------


def _names(contract: dict) -> list[str]:
    names = [n.strip() for layer in contract["layers"] for n in re.split(r"[|:]", layer)]
    return names + list(contract.get("exhaustive_ignores", []))


def _toml(value: object) -> str:
    # JSON's strings, lists and booleans are valid TOML.
    return json.dumps(value)


def _module(root: Path, name: str) -> Path:
    path = root.joinpath(*name.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in path.relative_to(root).parents:
        (root / folder / "__init__.py").touch()
    return path


def _fake_project(tmp_path: Path, imports: dict[str, str], extra_apps: tuple = ()) -> Path:
    """A package named cmeledger with one empty package per layer name, each module of
    `imports` importing its value, and a config holding the project's own contract."""
    contract = _contract()
    package = tmp_path / "cmeledger"
    for name in [*_names(contract), *extra_apps]:
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    for importer, imported in imports.items():
        _module(tmp_path, imported).touch()
        _module(tmp_path, importer).write_text(f"import {imported}\n")
    # The real contract, except that its listed exceptions need not occur in the fake.
    lines = ["[tool.importlinter]", f"root_package = {_toml(_config()['root_package'])}", ""]
    lines += ["[[tool.importlinter.contracts]]"]
    lines += [f"{key} = {_toml(value)}" for key, value in contract.items()]
    lines += ['unmatched_ignore_imports_alerting = "none"']
    config = tmp_path / "pyproject.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


# Imports every real layer order allows, tests that import anything, and nothing upward.
ALLOWED = {
    "cmeledger.front.views": "cmeledger.reports.models",
    "cmeledger.reports.models": "cmeledger.requirements.models",
    "cmeledger.requirements.models": "cmeledger.ledger.models",
    "cmeledger.ledger.models": "cmeledger.accounts.models",
    "cmeledger.accounts.models": "cmeledger.lib.env",
    "cmeledger.lib.tests.test_env": "cmeledger.front.views",
}


def test_the_fake_project_keeps_the_contract(tmp_path):
    run = _lint(_fake_project(tmp_path, ALLOWED), tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # The two cycles issue 18 removed: ledger under requirements, boards under audits.
        ("cmeledger.ledger.ledger_import", "cmeledger.requirements.models"),
        ("cmeledger.boards.access", "cmeledger.audits.models"),
        ("cmeledger.lib.env", "cmeledger.front.views"),
        # Apps that share a layer do not import each other either.
        ("cmeledger.reporting.intake", "cmeledger.capture.models"),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, importer, imported):
    lower, upper = importer.split(".")[1], imported.split(".")[1]
    config = _fake_project(tmp_path, {**ALLOWED, importer: imported})
    run = _lint(config, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"cmeledger.{lower} is not allowed to import cmeledger.{upper}" in run.stdout
    assert f"{importer} -> {imported}" in run.stdout


def test_an_app_without_a_layer_breaks_the_contract(tmp_path):
    run = _lint(_fake_project(tmp_path, ALLOWED, extra_apps=("newapp",)), tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "cmeledger.newapp" in run.stdout
