"""Comparing people's names as records and profiles spell them (docs/identity.md).

Two spellings are the same name when they agree after folding case and accents,
dropping hyphens, apostrophes, dots and spaces, and dropping generational and degree
suffixes ("Jr", "III", "MD"): "O'Brien-Smith Jr." and "obrien smith" agree.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Lower-case, without dots: what may follow a surname without being part of it.
SUFFIXES = frozenset(
    {
        "jr", "sr", "ii", "iii", "iv", "v", "2nd", "3rd",
        "md", "do", "mbbs", "phd", "pa", "pac", "np", "rn", "aprn", "dnp", "faan", "facp",
    }
)  # fmt: skip
_SEPARATORS = re.compile(r"[\s,]+")
_DROPPED = re.compile(r"[-‐‑‒–—'’`.]")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# An import compares the same few thousand surnames a million times.
@functools.lru_cache(maxsize=100_000)
def normalise_name(name: str) -> str:
    """The form two spellings of one name share; "" for a name that is only suffixes."""
    words = [_DROPPED.sub("", word) for word in _SEPARATORS.split(_fold(name))]
    words = [word for word in words if word]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return "".join(words)


def same_name(first: str, second: str) -> bool:
    a, b = normalise_name(first), normalise_name(second)
    return bool(a) and a == b
