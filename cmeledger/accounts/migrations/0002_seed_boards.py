"""Seed the 24 ABMS member boards and the AOA specialty boards, so a fresh install has
boards to choose from. get_or_create keeps it safe to run on a database that has some."""

from django.db import migrations

BOARDS = [
    ("abai", "American Board of Allergy and Immunology"),
    ("aba", "American Board of Anesthesiology"),
    ("abcrs", "American Board of Colon and Rectal Surgery"),
    ("abd", "American Board of Dermatology"),
    ("abem", "American Board of Emergency Medicine"),
    ("abfm", "American Board of Family Medicine"),
    ("abim", "American Board of Internal Medicine"),
    ("abmgg", "American Board of Medical Genetics and Genomics"),
    ("abns", "American Board of Neurological Surgery"),
    ("abnm", "American Board of Nuclear Medicine"),
    ("abog", "American Board of Obstetrics and Gynecology"),
    ("abo", "American Board of Ophthalmology"),
    ("abos", "American Board of Orthopaedic Surgery"),
    ("abohns", "American Board of Otolaryngology – Head and Neck Surgery"),
    ("abpath", "American Board of Pathology"),
    ("abp", "American Board of Pediatrics"),
    ("abpmr", "American Board of Physical Medicine and Rehabilitation"),
    ("abps", "American Board of Plastic Surgery"),
    ("abpm", "American Board of Preventive Medicine"),
    ("abpn", "American Board of Psychiatry and Neurology"),
    ("abr", "American Board of Radiology"),
    ("abs", "American Board of Surgery"),
    ("abts", "American Board of Thoracic Surgery"),
    ("abu", "American Board of Urology"),
    ("aoa", "American Osteopathic Association specialty boards"),
]


def seed_boards(apps, schema_editor):
    Board = apps.get_model("accounts", "Board")
    for code, name in BOARDS:
        Board.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # Rows may be in use by certifications (PROTECT), so unapplying leaves them.
    operations = [migrations.RunPython(seed_boards, migrations.RunPython.noop)]
