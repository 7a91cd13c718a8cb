from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from cmeledger.accounts.models import User
from cmeledger.ledger.demo import EMAIL, PASSWORD
from cmeledger.ledger.vocabulary import Source

pytestmark = pytest.mark.django_db


def test_the_demo_clinician_has_three_years_of_history_and_can_log_in(client):
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert EMAIL in out.getvalue() and PASSWORD in out.getvalue()
    user = User.objects.get(email=EMAIL)
    entries = user.entries.all()
    assert 80 <= entries.count() <= 100
    dates = sorted(entries.values_list("completed_on", flat=True))
    assert (dates[-1] - dates[0]).days > 2 * 365
    reported = entries.filter(source=Source.ORGANIZATION)
    assert reported.count() == 8
    assert all(entry.reported_by.slug == "aapmr" for entry in reported)
    assert user.certificates.count() == 3
    assert user.licenses.count() == 2 and user.certifications.count() == 1
    assert client.login(email=EMAIL, password=PASSWORD)
    assert client.get("/").status_code == 200


def test_running_the_demo_twice_adds_nothing():
    call_command("demo", stdout=io.StringIO())
    counts = User.objects.get(email=EMAIL).entries.count()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Already there" in out.getvalue()
    assert User.objects.get(email=EMAIL).entries.count() == counts
    assert User.objects.filter(email=EMAIL).count() == 1


def test_the_demo_ledger_survives_an_export_and_import_round_trip(tmp_path):
    call_command("demo", stdout=io.StringIO())
    target = tmp_path / "demo.zip"
    call_command("ledger", "export", EMAIL, "--with-files", "-o", str(target), stderr=io.StringIO())
    before = io.StringIO()
    call_command("ledger", "export", EMAIL, stdout=before)
    User.objects.get(email=EMAIL).delete()
    call_command("ledger", "import", str(target), stdout=io.StringIO())
    after = io.StringIO()
    call_command("ledger", "export", EMAIL, stdout=after)
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "exported_at"}  # noqa: E731
    assert strip(after.getvalue()) == strip(before.getvalue())
