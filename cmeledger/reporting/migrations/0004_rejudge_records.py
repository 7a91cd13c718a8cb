"""Corroborated matching (docs/identity.md): every stored record is judged again.

This runs the current service rather than historical models, on purpose: the rules live
in one place, and a database upgraded past this release has nothing left to re-judge
here (a later schema change to the tables it touches must squash or replace it).
"""

from django.db import migrations


def rejudge(apps, schema_editor):
    from cmeledger.reporting.models import ReportedRecord
    from cmeledger.reporting.rejudge import rejudge_all

    if not ReportedRecord.objects.exists():
        return
    for line in rejudge_all().lines():
        print(f"  reporting: {line}")


class Migration(migrations.Migration):
    # Each chunk commits on its own: a million records in one transaction would hold
    # SQLite's write lock throughout, and an interrupted run loses nothing done.
    atomic = False

    dependencies = [
        ("reporting", "0003_match_evidence"),
        ("accounts", "0005_identifier_states"),
        ("ledger", "0004_certificate_shared_with_boards"),
    ]

    operations = [migrations.RunPython(rejudge, migrations.RunPython.noop)]
