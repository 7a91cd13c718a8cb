"""Reading catalog files: TOML in, checked RequirementSet out, or errors naming the spot."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pydantic

from cmeledger.requirements.schema import RequirementSet

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
MAX_FILE_BYTES = 1_048_576


class CatalogError(Exception):
    """A catalog file is wrong; `problems` say where (file, line or key) and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _key(location: tuple) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in {
            "minimum-total",
            "minimum-subset",
            "maximum-subset",
            "minimum-share",
            "pacing",
            "topic-duty",
            "component",
        }:
            continue  # the union's branch name, not a key in the file
        else:
            text += f".{part}" if text else str(part)
    return text or "(file)"


def _nul_keys(data: dict) -> list[str]:
    """Where a string holds a NUL (a TOML "\\u0000"): no set needs one and PostgreSQL
    cannot store one. A loop, not recursion: the file may be as deep as tomllib allowed."""
    found = []
    stack: list[tuple[tuple, object]] = [((), data)]
    while stack:
        location, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if "\x00" in key:
                    found.append(f"{_key(location)}: a key holds a NUL character")
                stack.append(((*location, key), value))
        elif isinstance(node, list):
            stack.extend(((*location, index), value) for index, value in enumerate(node))
        elif isinstance(node, str) and "\x00" in node:
            found.append(f"{_key(location)}: holds a NUL character, which is not text")
    return sorted(found)


def parse(text: str, name: str) -> RequirementSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError([f"{name}: {error}"]) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise CatalogError([f"{name}: nested too deeply"]) from None
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        raise CatalogError([f"{name}: holds a number of more than 4,300 digits"]) from None
    nul = _nul_keys(data)
    if nul:
        raise CatalogError([f"{name}: {problem}" for problem in nul])
    try:
        return RequirementSet.model_validate(data)
    except pydantic.ValidationError as error:
        raise CatalogError(
            [f"{name}: {_key(e['loc'])}: {e['msg']}" for e in error.errors()]
        ) from None


def load_file(path: Path) -> RequirementSet:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CatalogError([f"{path}: {error.strerror}"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise CatalogError([f"{path}: larger than {MAX_FILE_BYTES} bytes"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogError([f"{path}: not UTF-8 text"]) from None
    requirement_set = parse(text, path.name)
    if path.stem != f"{requirement_set.id}-v{requirement_set.version}":
        raise CatalogError(
            [f"{path.name}: name the file {requirement_set.id}-v{requirement_set.version}.toml"]
        )
    return requirement_set


@dataclass(frozen=True)
class Catalog:
    sets: list[RequirementSet]

    def get(self, set_id: str, version: int | None = None) -> RequirementSet | None:
        found = [s for s in self.sets if s.id == set_id and version in (None, s.version)]
        return max(found, key=lambda s: s.version, default=None)


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    """Every file in the catalog, all checked; one bad file fails the whole load."""
    sets, problems = [], []
    for path in sorted(directory.glob("*.toml")):
        try:
            sets.append(load_file(path))
        except CatalogError as error:
            problems += error.problems
    keys = [(s.id, s.version) for s in sets]
    problems += [
        f"{i} version {v} appears twice" for i, v in sorted(set(keys)) if keys.count((i, v)) > 1
    ]
    if problems:
        raise CatalogError(problems)
    return Catalog(sorted(sets, key=lambda s: (s.id, s.version)))
