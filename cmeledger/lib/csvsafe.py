"""The one CSV writer for files people open: every cell is safe in a spreadsheet.

Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return as a
formula (CSV injection): a learner named `=HYPERLINK("https://evil.example", "Click")`
in a partner's file would become a live link in a reporter's error file. Text cells that
start so get a leading apostrophe, which spreadsheets show as text and do not display;
numbers, dates and empty cells are written as they are (a negative number is no formula).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value a spreadsheet shows as text: a leading quote defuses formula characters."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows are made safe cell by cell."""

    def __init__(self, file, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **options: Any) -> SafeWriter:
    """Like csv.writer (same options), for any CSV a person may open."""
    return SafeWriter(file, **options)
