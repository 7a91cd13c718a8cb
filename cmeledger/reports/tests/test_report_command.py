"""`cmeledger report transcript`: the file, its code, and clear errors."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cmeledger.reports.models import IssuedTranscript
from cmeledger.reports.testing import add_entry as add
from cmeledger.reports.testing import follow_texas, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


@pytest.fixture
def texan(alice):
    follow_texas(alice, "T-1")
    add(alice, "Ethics in rehabilitation", date(2025, 6, 1), "2.00", topics=["ethics"])
    return alice


def test_it_writes_a_set_transcript_and_prints_its_code(texan, tmp_path):
    out = io.StringIO()
    target = tmp_path / "t.pdf"
    call_command("report", "transcript", "ALICE@example.org", "--set", "us-tx-md",
                 "--output", str(target), stdout=out)  # fmt: skip
    code = IssuedTranscript.objects.get().code
    assert code in out.getvalue()
    assert "Ethics in rehabilitation" in pdf_text(target.read_bytes())


def test_it_writes_a_range_transcript(texan, tmp_path):
    target = tmp_path / "t.pdf"
    call_command("report", "transcript", texan.email, "--from", "2025-01-01", "--to",
                 "2025-12-31", "-o", str(target), stdout=io.StringIO())  # fmt: skip
    assert "Jan 1, 2025 to Dec 31, 2025" in pdf_text(target.read_bytes())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.org", "--set", "us-tx-md"], "No clinician with the email"),
        (["alice@example.org", "--set", "us-ny-md"], "You do not follow the requirement set"),
        (["alice@example.org", "--set", "us-tx-md", "--cycle", "soon"], "is not a date"),
        (["alice@example.org", "--from", "2025-01-01"], "both a start and an end date"),
    ],
)
def test_it_fails_with_a_message_and_writes_nothing(texan, tmp_path, args, message):
    target = tmp_path / "t.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("report", "transcript", *args, "--output", str(target))
    assert not target.exists()
    assert not IssuedTranscript.objects.exists()


def test_an_organization_member_is_not_a_clinician(org_member, tmp_path):
    with pytest.raises(CommandError, match="No clinician with the email"):
        call_command("report", "transcript", org_member.email, "--set", "x",
                     "--output", str(tmp_path / "t.pdf"))  # fmt: skip
