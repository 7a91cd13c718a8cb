"""Seed the directory with the providers the ABPMR's Lifelong Learning page names
(shared/seeds/abpmr-lifelong-learning.txt), using only what that page says: names and
phone numbers as printed, no web addresses (the links were not captured), no accreditors
(the page does not say which accredits each). Specialties are only those a provider's own
name states. get_or_create keeps it safe on a database that already has some rows.

Left out: the row whose name was not captured (phone (212) 301-6700 only).
"""

from django.db import migrations
from django.utils.text import slugify

PAGE = "ABPMR Lifelong Learning page (abpmr.org/CC/LifelongLearning/CME)"
COMMON = f"{PAGE}: Commonly Used CME Providers (AMA PRA Category 1 Credit™ providers)"
REPORTING = f"{PAGE}: Credits Reported by Other Organizations"

# (name, phone, specialties stated by the name)
PROVIDERS = [
    (
        "American Academy for Cerebral Palsy & Developmental Medicine (AACPDM)",
        "(414) 918-3014",
        ["Cerebral palsy", "Developmental medicine"],
    ),
    # The page spells it "Assocation"; the organization's name is corrected here.
    ("Association of American Medical Colleges (AAMC) MedEd Portal", "(202) 828-0496", []),
    (
        "American Association of Neuromuscular & Electrodiagnostic Medicine (AANEM)",
        "(507) 288-0100",
        ["Neuromuscular medicine", "Electrodiagnostic medicine"],
    ),
    (
        "Association of Academic Physiatrists (AAP)",
        "(410) 654-1000",
        ["Physical medicine and rehabilitation"],
    ),
    ("American Academy of Pain Medicine (AAPM)", "(847) 375-4731", ["Pain medicine"]),
    (
        "American Academy of Physical Medicine and Rehabilitation (AAPM&R)",
        "(847) 737-6000",
        ["Physical medicine and rehabilitation"],
    ),
    (
        "American Congress of Rehabilitation Medicine (ACRM)",
        "(703) 435-5335",
        ["Rehabilitation medicine"],
    ),
    ("American Medical Association (AMA)", "(312) 464-4671", []),
    ("American Osteopathic Association (AOA)", "(800) 621-1773", ["Osteopathic medicine"]),
    ("American Spinal Injury Association (ASIA)", "(404) 355-9772", ["Spinal injury"]),
    ("Mayo Clinic - CME Store", "(800) 695-5200", []),
    ("Royal College of Physicians and Surgeons of Canada (RCPSC)", "(800) 668-3740", []),
    (
        "American Academy of Hospice & Palliative Medicine",
        "",
        ["Hospice and palliative medicine"],
    ),
]

# Named only in the reporting table, as "Contact FlouroSafety" (spelled as on the page).
REPORTING_ONLY = [("FlouroSafety", "", [])]

# (provider name, credit types, activity kinds, details) reported to the ABPMR.
ABPMR_REPORTING = [
    (
        "American Academy of Physical Medicine and Rehabilitation (AAPM&R)",
        ["sa-cme"],
        [],
        "All CME credits for AAPM&R activities; SA credits earned through PM&R Journal or "
        "Archives of PM&R (2007 and 2008 only); other AAPM&R activities. Must be an AAPM&R "
        "member for credits to automatically transfer.",
    ),
    (
        "Association of Academic Physiatrists (AAP)",
        [],
        [],
        "CME credits earned at the AAP Annual Meeting.",
    ),
    (
        "American Association of Neuromuscular & Electrodiagnostic Medicine (AANEM)",
        [],
        ["self-assessment"],
        "CME credits associated with ABPMR-approved SA activities.",
    ),
    (
        "FlouroSafety",
        [],
        ["self-assessment"],
        "CME credits associated with ABPMR-approved SA activities.",
    ),
]

# The page lists the accepted accreditors as logos (not captured). What is sourced: any
# AMA PRA Category 1 activity counts, and only these accredit Category 1 providers.
ABPMR_ACCREDITORS = [
    (
        "accme",
        "ACCME",
        "abpmr.org/MOC/PartII/CME (any Category 1 activity counts); "
        "ama-assn.org/ama/pub/category/16354.html",
    ),
    (
        "state-society",
        "ACCME-recognized state medical society",
        "abpmr.org/MOC/PartII/CME (any Category 1 activity counts); "
        "ama-assn.org/ama/pub/category/16354.html",
    ),
]
ACCREDITOR_NOTE = (
    "AMA PRA Category 1 Credit™ is designated only by providers these accredit. Whether "
    "the ABPMR also accepts AOA, RCPSC or AAFP credit is not confirmed."
)


def seed(apps, schema_editor):
    Board = apps.get_model("accounts", "Board")
    Provider = apps.get_model("directory", "Provider")
    ProviderSpecialty = apps.get_model("directory", "ProviderSpecialty")
    ProviderReporting = apps.get_model("directory", "ProviderReporting")
    BoardAccreditor = apps.get_model("directory", "BoardAccreditor")
    DirectoryChange = apps.get_model("directory", "DirectoryChange")
    for name, phone, specialties in PROVIDERS + REPORTING_ONLY:
        source = COMMON if (name, phone, specialties) in PROVIDERS else REPORTING
        provider, created = Provider.objects.get_or_create(
            name=name, defaults={"slug": slugify(name)[:80], "phone": phone, "source": source}
        )
        if created:
            for specialty in specialties:
                ProviderSpecialty.objects.create(provider=provider, name=specialty)
            DirectoryChange.objects.create(provider=provider, summary=f"Seeded from the {PAGE}.")
    board, _ = Board.objects.get_or_create(
        code="abpmr", defaults={"name": "American Board of Physical Medicine and Rehabilitation"}
    )
    for name, credit_types, activity_kinds, details in ABPMR_REPORTING:
        ProviderReporting.objects.get_or_create(
            provider=Provider.objects.get(name=name),
            board=board,
            defaults={
                "reports_automatically": True,
                "credit_types": credit_types,
                "activity_kinds": activity_kinds,
                "details": details,
                "source": REPORTING,
            },
        )
    for code, name, source in ABPMR_ACCREDITORS:
        BoardAccreditor.objects.get_or_create(
            board=board,
            name=name,
            defaults={"accreditor": code, "source": source, "note": ACCREDITOR_NOTE},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("accounts", "0002_seed_boards"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
