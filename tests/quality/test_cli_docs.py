"""docs/cli.md names every command this project adds to `cmeledger`, and every
subcommand of each, so an operator never meets a command the docs do not mention."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
CLI_DOC = ROOT / "docs" / "cli.md"


def project_commands() -> list[tuple[str, str]]:
    """(app module, command name) for every management command under cmeledger/."""
    return sorted(
        (app, name) for name, app in get_commands().items() if app.startswith("cmeledger.")
    )


def subcommands(app: str, name: str) -> list[str]:
    parser = load_command_class(app, name).create_parser("cmeledger", name)
    return sorted(
        choice
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action.choices
    )


def documented(words: str) -> bool:
    return f"cmeledger {words}" in CLI_DOC.read_text(encoding="utf-8")


def test_the_project_adds_commands_to_check() -> None:
    names = [name for _, name in project_commands()]
    assert {"serve", "ledger", "teams", "reporting"} <= set(names)


@pytest.mark.parametrize(("app", "name"), project_commands())
def test_every_project_command_and_subcommand_is_in_the_cli_docs(app: str, name: str) -> None:
    missing = [
        f"cmeledger {words}"
        for words in [f"{name} {sub}" for sub in subcommands(app, name)] or [name]
        if not documented(words)
    ]
    assert not missing, f"docs/cli.md does not mention: {', '.join(missing)}"
