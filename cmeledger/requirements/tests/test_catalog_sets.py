"""Table-driven checks of every catalog set: met, not met, cycle edges, conditions,
carry-forward and proration, each with a fixed day."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date
from decimal import Decimal

import pytest

from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.cycles import Anchors, Window
from cmeledger.requirements.engine import Credit, Facts, Status, evaluate
from cmeledger.requirements.tests import catalog_cases
from cmeledger.requirements.tests.catalog_cases import Case, c

CATALOG = load_catalog()


TX = {"license_expiry": date(2027, 2, 28)}  # cycle 2025-03-01 .. 2027-02-28
CA = {"license_expiry": date(2027, 4, 30)}  # cycle 2025-05-01 .. 2027-04-30
ABPMR = {"certification": Window(date(2023, 1, 1), date(2027, 12, 31))}
NCCPA = {"certification": Window(date(2025, 1, 1), date(2026, 12, 31))}
ENROLLED = {"enrolled_on": date(2025, 1, 1)}

CASES = [
    # Texas ---------------------------------------------------------------------------
    Case(
        "tx all met",
        "us-tx-md",
        "2027-01-15",
        [
            c("40", "2025-06-01"),
            c("2", "2025-07-01", "ama-pra-1", "ethics"),
            c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
            c("2", "2025-09-01", "ama-pra-1", "opioid-prescribing"),
            c("5", "2026-01-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "50"), "formal": ("met", "45"), "ethics": "met", "opioids": "met"},
        {"dea_registrant": True},
    ),
    Case(
        "tx ethics must be formal: category 2 ethics does not count",
        "us-tx-md",
        "2027-03-31",  # the day after the 30 days in which a shortfall may be made up
        [
            c("48", "2025-06-01"),
            c("2", "2025-07-01", "ama-pra-2", "ethics"),
            c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
        ],
        "not-met",
        {"ethics": ("not-met", "0"), "total": ("met", "51")},
    ),
    Case(
        "tx cycle edges are inside, the day before is outside",
        "us-tx-md",
        "2027-02-28",
        [c("24", "2025-03-01"), c("24", "2027-02-28"), c("10", "2025-02-28")],
        "behind",  # short on the due date, with Texas's 30 days to make it up ahead
        {"total": ("met", "48")},
        {"direct_patient_care": False},
    ),
    Case(
        "tx without direct patient care skips opioids and trafficking",
        "us-tx-md",
        "2026-06-01",
        [c("48", "2025-06-01", "ama-pra-1", "ethics")],
        "met",
        {"opioids": "not-applicable", "human-trafficking": "not-applicable"},
        {"direct_patient_care": False},
    ),
    Case(
        "tx opioid hours 7 years ago still count, 9 years ago do not",
        "us-tx-md",
        "2026-06-01",
        [
            c("2", "2020-01-01", "ama-pra-1", "opioid-prescribing"),
            c("2", "2018-01-01", "ama-pra-1", "pain-management"),
        ],
        "behind",
        {"opioids": ("met", "2")},
    ),
    Case(
        "tx excess of the previous period carries in, required topics excluded",
        "us-tx-md",
        "2026-06-01",
        [c("70", "2024-06-01"), c("4", "2024-07-01", "ama-pra-1", "ethics"), c("10", "2025-06-01")],
        "on-track",
        {"total": ("on-track", "36")},
        {"direct_patient_care": False},
        carry_in="26",
    ),
    Case(
        "tx aoa 1-b counts toward the total but not formal",
        "us-tx-md",
        "2026-06-01",
        [c("30", "2025-06-01", "aoa-1b")],
        "on-track",
        {"total": ("on-track", "30"), "formal": ("on-track", "0")},
        {"direct_patient_care": False},
    ),
    # California ----------------------------------------------------------------------
    Case(
        "ca met with the one-time pain hours from years ago",
        "us-ca-md",
        "2027-04-01",
        [c("50", "2025-06-01"), c("12", "2019-01-01", "ama-pra-1", "pain-management")],
        "met",
        {"total": ("met", "50"), "pain-end-of-life": ("met", "12")},
    ),
    Case(
        "ca category 2 is not accepted",
        "us-ca-md",
        "2027-05-01",
        [c("30", "2025-06-01"), c("30", "2025-07-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "30")},
    ),
    # ABPMR ---------------------------------------------------------------------------
    Case(
        "abpmr half specialty and longitudinal assessment met",
        "abpmr-cc",
        "2027-12-31",
        [
            c("80", "2023-06-01", specialty_related=True),
            c("70", "2024-06-01"),
            *[
                c("3", f"{year}-03-01", activity_kind="longitudinal-assessment")
                for year in (2023, 2024, 2025, 2026)
            ],
        ],
        "met",
        {
            "total": ("met", "162"),
            "specialty-share": "met",
            "longitudinal-assessment": ("met", "4"),
        },
        {"components": frozenset({"valid-license"})},
    ),
    Case(
        "abpmr below half specialty is not met at the end",
        "abpmr-cc",
        "2028-01-01",
        [
            c("40", "2023-06-01", specialty_related=True),
            c("110", "2024-06-01"),
            c("1", "2025-01-01", activity_kind="longitudinal-assessment"),
        ],
        "not-met",
        {"specialty-share": ("not-met", "40")},
        {"components": frozenset({"valid-license"})},
    ),
    Case(
        "abpmr paced: 30 a year, behind after three years with 40",
        "abpmr-cc",
        "2026-01-01",
        [
            c("40", "2023-06-01", specialty_related=True),
            *[
                c("1", f"{year}-03-01", "attendance", activity_kind="longitudinal-assessment")
                for year in (2023, 2024, 2025)
            ],
        ],
        "behind",
        {"pace": "behind", "total": "behind"},
        {"components": frozenset({"valid-license"})},
    ),
    # AMA PRA 3-year --------------------------------------------------------------------
    Case(
        "ama 3y met with 60 category 1",
        "ama-pra-3y",
        "2027-12-31",
        [c("60", "2025-06-01"), c("90", "2026-06-01", "ama-pra-2")],
        "met",
        {"total": ("met", "150"), "category-1": ("met", "60")},
        {"anchors": Anchors(enrolled_on=date(2025, 1, 1))},
    ),
    # NCCPA ---------------------------------------------------------------------------
    Case(
        "nccpa weights self-assessment and performance improvement",
        "nccpa-pa",
        "2026-12-31",
        [
            c("20", "2025-03-01", "sa-cme"),  # 30
            c("30", "2025-04-01", "aapa-1", activity_kind="performance-improvement"),  # 20x2 + 10
            c("20", "2025-05-01", "aapa-1"),
            # nccpa-pa v2: the recertification exam (here PANCE) within ten years.
            c("0.25", "2020-06-01", "attendance", activity_kind="longitudinal-assessment"),
        ],
        "met",
        {"total": ("met", "100"), "category-1": ("met", "100")},
        {"degree": "PA"},
    ),
    Case(
        "nccpa not met with only category 2",
        "nccpa-pa",
        "2027-01-01",
        [c("100", "2025-03-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "100"), "category-1": ("not-met", "0")},
        {"degree": "PA"},
    ),
    # Florida (cycle 2025-02-01 .. 2027-01-31) ----------------------------------------
    Case(
        "fl all met, domestic violence from four years ago still counts",
        "us-fl-md",
        "2027-01-15",
        [
            c("35", "2025-06-01"),
            c("2", "2025-07-01", "ama-pra-1", "medical-errors"),
            c("2", "2025-08-01", "ama-pra-1", "controlled-substances"),
            c("1", "2025-09-01", "ama-pra-1", "human-trafficking"),
            c("2", "2022-05-01", "ama-pra-2", "domestic-violence"),
        ],
        "met",
        {
            "total": ("met", "40"),
            "category-1": ("met", "40"),
            "domestic-violence": ("met", "2"),
            "hiv-aids": "not-applicable",
        },
        {"dea_registrant": True},
    ),
    Case(
        "fl first renewal needs only errors and the hiv hour",
        "us-fl-md",
        "2027-01-15",
        [
            c("2", "2025-07-01", "ama-pra-1", "medical-errors"),
            c("1", "2025-08-01", "ama-pra-1", "hiv-aids"),
        ],
        "met",
        {
            "total": "not-applicable",
            "medical-errors": "met",
            "hiv-aids": "met",
            "controlled-substances": "not-applicable",
        },
        # A DEA registrant owes the controlled-substance hours even at the first renewal
        # (us-fl-md v2, § 456.0301): catalog_cases/recheck.py.
        {"dea_registrant": False, "started_on": date(2025, 3, 1)},
    ),
    Case(
        "fl category 2 hours do not make the category 1 rule",
        "us-fl-md",
        "2027-02-01",
        [
            c("20", "2025-06-01"),
            c("20", "2025-07-01", "ama-pra-2"),
            c("2", "2025-08-01", "ama-pra-1", "medical-errors"),
        ],
        "not-met",
        {
            "total": ("met", "42"),
            "category-1": ("not-met", "22"),
            "controlled-substances": "not-applicable",
        },
    ),
    # New York (cycle 2025-07-01 .. 2027-06-30) ----------------------------------------
    Case(
        "ny met by its duties alone, child abuse long ago",
        "us-ny-md",
        "2027-06-01",
        [
            c("2", "2005-03-01", "attendance", "child-abuse"),
            c("1", "2024-01-01", "ama-pra-1", "infection-control"),
            c("3", "2025-01-01", "ama-pra-1", "pain-management"),
        ],
        "met",
        {
            "child-abuse": "met",
            "infection-control": "met",
            "pain-palliative-addiction": ("met", "3"),
        },
        {"dea_registrant": True},
    ),
    Case(
        "ny without dea registration and without child abuse is not met at the end",
        "us-ny-md",
        "2027-07-01",
        [c("1", "2024-01-01", "ama-pra-1", "infection-control")],
        "not-met",
        {"child-abuse": "not-met", "pain-palliative-addiction": "not-applicable"},
    ),
    # Pennsylvania MD (biennium 2025-01-01 .. 2026-12-31) ------------------------------
    Case(
        "pa md met with category 2 making up the rest",
        "us-pa-md",
        "2026-12-31",
        [
            c("64", "2025-02-01"),
            c("12", "2025-03-01", "ama-pra-1", "patient-safety"),
            c("2", "2025-04-01", "ama-pra-2", "child-abuse"),
            c("2", "2025-05-01", "ama-pra-2", "opioid-prescribing"),
            c("20", "2026-06-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "100"), "category-1": ("met", "76"), "patient-safety": ("met", "12")},
    ),
    Case(
        "pa md child abuse hours do not count toward patient safety",
        "us-pa-md",
        "2026-06-01",
        [c("12", "2025-03-01", "ama-pra-1", "patient-safety", "child-abuse")],
        "behind",
        {"patient-safety": ("on-track", "0"), "child-abuse": ("met", "12")},
    ),
    # Pennsylvania DO (biennium 2024-11-01 .. 2026-10-31) ------------------------------
    Case(
        "pa do met; the day after the biennium belongs to the next",
        "us-pa-do",
        "2026-10-31",
        [
            c("16", "2024-11-01", "aoa-1a"),
            c("2", "2025-01-01", "aoa-1a", "child-abuse"),
            c("2", "2025-02-01", "aoa-1a", "opioid-prescribing"),
            c("68", "2026-10-31", "ama-pra-2"),
            c("12", "2026-10-31", "ama-pra-2", "patient-safety"),  # § 25.271(c)(1), v2
            c("5", "2026-11-01", "aoa-1a"),
        ],
        "met",
        {"total": ("met", "100"), "aoa-1a": ("met", "20")},
    ),
    # Ohio (cycle 2025-04-02 .. 2027-04-01) --------------------------------------------
    Case(
        "oh category 2 no longer counts",
        "us-oh-md",
        "2027-04-02",
        [c("30", "2025-06-01"), c("30", "2025-07-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "30")},
    ),
    Case(
        "oh met with 50 category 1",
        "us-oh-md",
        "2026-06-01",
        [c("50", "2025-06-01")],
        "met",
        {"total": ("met", "50")},
    ),
    # Michigan (cycle 2025-01-01 .. 2027-12-31) ----------------------------------------
    Case(
        "mi met; the one-time trafficking training may be attendance only",
        "us-mi-md",
        "2027-12-01",
        [
            c("68", "2025-02-01"),
            c("1", "2025-03-01", "ama-pra-1", "ethics"),
            c("2", "2025-04-01", "ama-pra-1", "pain-management"),
            c("1", "2025-05-01", "ama-pra-1", "controlled-substances"),
            c("3", "2025-06-01", "ama-pra-1", "implicit-bias"),
            c("75", "2026-01-01", "ama-pra-2"),
            c("1", "2019-05-01", "attendance", "human-trafficking"),
        ],
        "met",
        {
            "total": ("met", "150"),
            "category-1": ("met", "75"),
            "pain": ("met", "3"),
            "human-trafficking": "met",
            "opioid-awareness": "not-applicable",
        },
    ),
    Case(
        "mi prescribers also need the opioid awareness training",
        "us-mi-md",
        "2027-12-01",
        [c("1", "2019-05-01", "attendance", "human-trafficking")],
        "behind",
        {"opioid-awareness": "on-track", "human-trafficking": "met"},
        {"dea_registrant": True},
    ),
    # AOA (cycle 2025-01-01 .. 2027-12-31) ---------------------------------------------
    Case(
        "aoa met with 120 credits of any kind",
        "aoa-general",
        "2027-06-01",
        [c("60", "2025-06-01", "aoa-1a"), c("60", "2026-06-01", "ama-pra-2")],
        "met",
        {"total": ("met", "120")},
        {"anchors": Anchors()},
    ),
    Case(
        "aoa prorated for a mid-cycle entrant: 24 of 36 months",
        "aoa-general",
        "2027-06-01",
        [c("80", "2026-06-01", "aoa-1a")],
        "met",
        {"total": ("met", "80")},
        {"anchors": Anchors(), "started_on": date(2025, 12, 15)},
    ),
    # ABPMR legacy MOC: catalog_cases/round_two.py (checked in halves) ------------------
    # AMA PRA 1 and 2 years (enrolled 2025-01-01) --------------------------------------
    Case(
        "ama 1y met with 20 category 1 and 30 category 2",
        "ama-pra-1y",
        "2025-12-31",
        [c("20", "2025-03-01"), c("30", "2025-04-01", "ama-pra-2")],
        "met",
        {"total": ("met", "50"), "category-1": ("met", "20")},
    ),
    Case(
        "ama 2y short of category 1 on its last day",
        "ama-pra-2y",
        "2026-12-31",
        [c("30", "2025-03-01"), c("70", "2026-04-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "100"), "category-1": ("not-met", "30")},
    ),
]


ANCHORS = {
    "us-tx-md": TX,
    "us-ca-md": CA,
    "abpmr-cc": ABPMR,
    "nccpa-pa": NCCPA,
    "us-fl-md": {"license_expiry": date(2027, 1, 31)},
    "us-ny-md": {"license_expiry": date(2027, 6, 30)},
    "us-oh-md": {"license_expiry": date(2027, 4, 1)},
    "us-mi-md": {"license_expiry": date(2027, 12, 31)},
    "abpmr-moc-10y": {"certification": Window(date(2018, 1, 1), date(2027, 12, 31))},
}


# More cases live in the modules of catalog_cases/ (one per group of sets), each with
# its own CASES and ANCHORS, so that adding a set's cases touches one small file.
for _module in pkgutil.iter_modules(catalog_cases.__path__):
    _cases = importlib.import_module(f"{catalog_cases.__name__}.{_module.name}")
    CASES += _cases.CASES
    ANCHORS.update(_cases.ANCHORS)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_catalog_set(case: Case):
    credits = [
        Credit(
            f"e{i:03d}",
            x.completed_on,
            x.credits,
            x.credit_type,
            x.topics,
            x.activity_kind,
            x.specialty_related,
            participation=x.participation,
        )
        for i, x in enumerate(case.credits)
    ]
    facts = dict(case.facts)
    anchors = facts.pop("anchors", None) or Anchors(**ANCHORS.get(case.set_id, ENROLLED))
    result = evaluate(
        CATALOG.get(case.set_id),
        credits,
        Facts(anchors=anchors, **facts),
        date.fromisoformat(case.on),
    )
    rules = {r.id: r for r in result.rules}
    for rule_id, expected in case.rules.items():
        status, counted = expected if isinstance(expected, tuple) else (expected, None)
        assert rules[rule_id].status == Status(status), (rule_id, rules[rule_id].explanation)
        if counted is not None:
            assert rules[rule_id].counted == Decimal(counted), (rule_id, rules[rule_id].explanation)
    assert result.status == Status(case.status), [
        (r.id, r.status, r.explanation) for r in result.rules
    ]
    if case.carry_in is not None:
        assert result.carry_in == Decimal(case.carry_in)


def test_every_catalog_set_has_table_cases():
    covered = {case.set_id for case in CASES}
    missing = sorted({s.id for s in CATALOG.sets} - covered)
    assert not missing, f"catalog sets without table cases: {missing}"
