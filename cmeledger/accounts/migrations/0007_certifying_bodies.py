"""Certifying bodies besides the ABMS and AOA boards: NCCPA for physician assistants,
AANPCB and ANCC for nurse practitioners (issue 21). Each body says whom it certifies
and the credential its certificants write, so the certification form offers a clinician
the bodies of their degree and pages can say "PA-C"."""

from django.db import migrations, models

BODIES = [
    ("nccpa", "National Commission on Certification of Physician Assistants", "PA", "PA-C"),
    ("aanpcb", "American Academy of Nurse Practitioners Certification Board", "NP", "NP-C"),
    # ANCC's nurse practitioner credentials all end so: FNP-BC, AGPCNP-BC, PMHNP-BC.
    ("ancc", "American Nurses Credentialing Center", "NP", "-BC"),
]


def seed_bodies(apps, schema_editor):
    Board = apps.get_model("accounts", "Board")
    for code, name, profession, credential in BODIES:
        board, created = Board.objects.get_or_create(
            code=code,
            defaults={"name": name, "profession": profession, "credential": credential},
        )
        # A row an operator added by hand before this migration keeps its name, but it
        # certifies whom the body certifies.
        if not created and (board.profession, board.credential) != (profession, credential):
            board.profession, board.credential = profession, credential
            board.save(update_fields=["profession", "credential"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_allauth")]

    operations = [
        migrations.AddField(
            model_name="board",
            name="profession",
            field=models.CharField(
                choices=[
                    ("physician", "Physicians"),
                    ("PA", "Physician assistants"),
                    ("NP", "Nurse practitioners"),
                ],
                db_default="physician",
                default="physician",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="board",
            name="credential",
            field=models.CharField(blank=True, db_default="", default="", max_length=20),
        ),
        # Rows may be in use by certifications (PROTECT), so unapplying leaves them.
        migrations.RunPython(seed_bodies, migrations.RunPython.noop),
    ]
