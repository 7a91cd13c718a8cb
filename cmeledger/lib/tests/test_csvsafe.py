"""The one CSV writer: cells a spreadsheet would run as formulas are written as text."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cmeledger.lib import csvsafe

PACKAGE = Path(csvsafe.__file__).resolve().parent.parent
# Files that write CSV only for the importer, never for a person to open.
NOT_FOR_PEOPLE = {"reporting/sample.py"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_quotes_a_text_cell_that_a_spreadsheet_would_run(start):
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerow([f"{start}1+1", "plain"])
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [f"'{start}1+1", "plain"]


def test_it_writes_numbers_dates_and_empty_cells_as_they_are():
    buffer = io.StringIO()
    csvsafe.writer(buffer, lineterminator="\n").writerow(
        [Decimal("-2.50"), -3, date(2025, 5, 4), None, ""]
    )
    assert buffer.getvalue() == "-2.50,-3,2025-05-04,,\n"


def test_every_csv_the_product_writes_goes_through_the_safe_writer():
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "csvsafe.py"
        and str(path.relative_to(PACKAGE)) not in NOT_FOR_PEOPLE
        and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
