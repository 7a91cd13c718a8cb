"""requirements.lock, which `make run` and `make test` install from, agrees with the pins
in pyproject.toml and carries a hash for every package; `make lock` refreshes it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$")


def locked() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    return {
        canonicalize_name(match[1]): match[2] for line in lines if (match := PIN.match(line))
    }


def pinned() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    requirements += [Requirement(text) for text in project["optional-dependencies"]["dev"]]
    return {
        canonicalize_name(requirement.name): str(requirement.specifier).removeprefix("==")
        for requirement in requirements
    }


def test_every_pin_in_pyproject_is_locked_at_the_same_version() -> None:
    lock = locked()
    differ = {
        name: (version, lock.get(name))
        for name, version in pinned().items()
        if lock.get(name) != version
    }
    assert not differ, f"run `make lock`: pyproject pin vs lock: {differ}"


def test_the_lock_holds_transitive_dependencies_and_the_installers_too() -> None:
    lock = locked()
    assert len(lock) > len(pinned())
    assert {"pip", "setuptools", "wheel", "sqlparse", "asgiref"} <= set(lock)


def test_every_locked_package_carries_a_hash() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text)
    packages = [block for block in blocks if PIN.match(block.splitlines()[0])]
    assert len(packages) == len(locked())
    unhashed = [block.split("==")[0] for block in packages if "--hash=sha256:" not in block]
    assert not unhashed
