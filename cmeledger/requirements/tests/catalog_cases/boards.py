"""Table cases of the specialty boards' sets (issue 19, "The largest specialty boards").

Each case was worked out by hand from the set's source before it was run. Components are
met by a record of that activity kind; a valid license comes from the facts.
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.cycles import Window
from cmeledger.requirements.tests.catalog_cases import Case, c

LICENSE = {"components": frozenset({"valid-license"})}

ANCHORS = {
    "abim-moc": {"certification": Window(date(2021, 1, 1), date(2025, 12, 31))},
    "abfm-cc": {"certification": Window(date(2023, 1, 1), date(2025, 12, 31))},
    "abp-moc": {"certification": Window(date(2022, 1, 1), date(2026, 12, 31))},
    "abs-cc": {"certification": Window(date(2021, 1, 1), date(2025, 12, 31))},
    "aba-moca": {"certification": Window(date(2016, 1, 1), date(2025, 12, 31))},
    "abr-cc": {"certification": Window(date(2023, 1, 1), date(2025, 12, 31))},
    "abpn-cc": {"certification": Window(date(2024, 1, 1), date(2026, 12, 31))},
    "abem-cc": {"certification": Window(date(2022, 1, 1), date(2026, 12, 31))},
    "abpath-cc": {"certification": Window(date(2024, 1, 1), date(2025, 12, 31))},
    # abog-cc and aoa-occ are calendar sets and need no anchor.
}

LA = {"activity_kind": "longitudinal-assessment"}
IP = {"activity_kind": "improvement-project"}

CASES = [
    # ABIM (points window 2021-01-01 .. 2025-12-31) -------------------------------------
    Case(
        "abim met with 124 moc points and an assessment inside ten years",
        "abim-moc",
        "2025-12-31",
        [
            c("60", "2022-03-01", "moc-points"),
            c("40", "2024-05-01", "moc-points"),
            c("24", "2023-06-01", "moc-points", **LA),
        ],
        "met",
        {"total": ("met", "124"), "assessment": "met", "license": "met"},
        LICENSE,
    ),
    Case(
        "abim counts moc points only: 50 category 1 credits add nothing",
        "abim-moc",
        "2026-01-02",
        [
            c("80", "2022-03-01", "moc-points"),
            c("50", "2023-03-01", "ama-pra-1"),
            c("20", "2019-10-01", "moc-points", **LA),
        ],
        "not-met",
        {"total": ("not-met", "80"), "assessment": "met"},
        LICENSE,
    ),
    Case(
        "abim assessment passed eleven years before the window ends is too old",
        "abim-moc",
        "2026-01-02",
        [c("100", "2022-03-01", "moc-points"), c("20", "2015-06-01", "moc-points", **LA)],
        "not-met",
        {"total": ("met", "100"), "assessment": "not-met"},
        LICENSE,
    ),
    # ABFM (stage 2023-01-01 .. 2025-12-31) ---------------------------------------------
    Case(
        "abfm met with 80 division i and 70 elective",
        "abfm-cc",
        "2025-12-31",
        [c("80", "2023-05-01", "ama-pra-1"), c("70", "2024-05-01", "aafp-elective")],
        "met",
        {"total": ("met", "150"), "division-1": ("met", "80"), "pace": "met"},
    ),
    Case(
        "abfm 150 credits with only 60 division i is not met",
        "abfm-cc",
        "2026-01-01",
        [c("60", "2023-05-01", "aafp-prescribed"), c("90", "2024-05-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "150"), "division-1": ("not-met", "60")},
    ),
    Case(
        "abfm behind the 50 a year pace after two years with 60",
        "abfm-cc",
        "2024-12-31",
        [c("60", "2023-05-01", "ama-pra-1")],
        "behind",
        {"pace": "behind", "total": "behind"},
    ),
    # ABP (cycle 2022-01-01 .. 2026-12-31) ----------------------------------------------
    Case(
        "abp met with 60 part 2 and 50 part 4 points",
        "abp-moc",
        "2026-12-31",
        [
            c("50", "2023-01-01", "moc-points", activity_kind="enduring"),
            c("50", "2024-01-01", "moc-points", **IP),
            c("10", "2025-01-01", "moc-points", **LA),
        ],
        "met",
        {
            "total": ("met", "110"),
            "part-2": ("met", "60"),
            "part-4": ("met", "50"),
            "assessment": "met",
        },
        LICENSE,
    ),
    Case(
        "abp 100 part 4 points do not make part 2; category 1 credit is not points",
        "abp-moc",
        "2027-01-01",
        [
            c("75", "2023-01-01", "moc-points", **IP),
            c("25", "2023-06-01", "moc-points", activity_kind="performance-improvement"),
            c("5", "2025-01-01", "moc-points", **LA),
            c("200", "2024-01-01", "ama-pra-1", activity_kind="self-assessment"),
        ],
        "not-met",
        {"total": ("met", "105"), "part-2": ("not-met", "5"), "part-4": ("met", "100")},
        LICENSE,
    ),
    # ABS (window 2021-01-01 .. 2025-12-31) ---------------------------------------------
    Case(
        "abs met with 52 self-assessment and the assessment in the last two years",
        "abs-cc",
        "2025-12-31",
        [
            c("100", "2022-01-01"),
            c("50", "2023-01-01", "sa-cme"),
            c("2", "2025-03-01", "sa-cme", **LA),
            c("1", "2024-06-01", "ama-pra-1", **IP),
        ],
        "met",
        {
            "total": ("met", "153"),
            "self-assessment": ("met", "52"),
            "assessment": "met",
            "practice-improvement": "met",
        },
        LICENSE,
    ),
    Case(
        "abs 40 self-assessment, an old assessment and aoa 1-a not counted",
        "abs-cc",
        "2026-01-01",
        [
            c("150", "2022-01-01"),
            c("40", "2023-01-01", "sa-cme"),
            c("30", "2022-01-01", "aoa-1a"),
            c("1", "2022-06-01", "ama-pra-1", **LA),
            c("1", "2024-06-01", "ama-pra-1", **IP),
        ],
        "not-met",
        {
            "total": ("met", "192"),
            "self-assessment": ("not-met", "40"),
            "assessment": "not-met",
        },
        LICENSE,
    ),
    # ABA MOCA (cycle 2016-01-01 .. 2025-12-31) -----------------------------------------
    Case(
        "aba met with 251 credits, 20 patient safety, no year over 60",
        "aba-moca",
        "2025-12-31",
        [
            c("50", "2016-03-01"),
            c("30", "2017-03-01"),
            c("20", "2017-04-01", "ama-pra-1", "patient-safety"),
            c("50", "2018-03-01"),
            c("50", "2019-03-01"),
            c("47.5", "2020-03-01"),
            c("2.5", "2020-06-01", "ama-pra-1", **LA),
            c("1", "2021-03-01", "ama-pra-1", **IP),
        ],
        "met",
        {
            "total": ("met", "251"),
            "patient-safety": ("met", "20"),
            "quality-improvement": "met",
            "moca-minute": "met",
        },
        LICENSE,
    ),
    Case(
        "aba counts at most 60 a calendar year: 260 claimed, 180 counted",
        "aba-moca",
        "2026-01-01",
        [
            c("100", "2016-03-01"),
            c("100", "2017-03-01"),
            c("40", "2018-03-01"),
            c("20", "2018-04-01", "ama-pra-1", "patient-safety"),
            c("0.25", "2018-05-01", "ama-pra-1", **LA),
            c("0.25", "2018-06-01", "ama-pra-1", **IP),
        ],
        "not-met",
        {"total": ("not-met", "180"), "yearly-cap": ("met", "180"), "patient-safety": "met"},
        LICENSE,
    ),
    Case(
        "aba patient safety short while the total is met",
        "aba-moca",
        "2026-01-01",
        [
            c("50", "2016-03-01"),
            c("50", "2017-03-01"),
            c("50", "2018-03-01"),
            c("50", "2019-03-01"),
            c("50", "2020-03-01"),
            c("10", "2021-03-01", "ama-pra-1", "patient-safety"),
            c("0.25", "2021-05-01", "ama-pra-1", **LA),
            c("0.25", "2021-06-01", "ama-pra-1", **IP),
        ],
        "not-met",
        {"total": ("met", "260.5"), "patient-safety": ("not-met", "10")},
        LICENSE,
    ),
    # ABR (window 2023-01-01 .. 2025-12-31) ---------------------------------------------
    Case(
        "abr met with 75 in the three years, the day before the window left out",
        "abr-cc",
        "2025-12-31",
        [
            c("40", "2022-12-31"),
            c("73", "2023-01-01"),
            c("2", "2025-12-31", "sa-cme", **LA),
            c("1", "2024-06-01", "ama-pra-1", **IP),
        ],
        "met",
        {"total": ("met", "76"), "assessment": "met", "quality-improvement": "met"},
        LICENSE,
    ),
    Case(
        "abr 73 accepted credits are not 75; aoa 1-a is not category 1 here",
        "abr-cc",
        "2026-01-01",
        [
            c("70", "2023-06-01"),
            c("3", "2024-06-01", "aoa-1a"),
            c("2", "2024-07-01", "sa-cme", **LA),
            c("1", "2024-08-01", "ama-pra-1", **IP),
        ],
        "not-met",
        {"total": ("not-met", "73")},
        LICENSE,
    ),
    # ABPN (block 2024-01-01 .. 2026-12-31) ---------------------------------------------
    Case(
        "abpn met with 90 credits, 24 of them self-assessment",
        "abpn-cc",
        "2026-12-31",
        [c("66", "2024-06-01"), c("24", "2025-06-01", "sa-cme")],
        "met",
        {"total": ("met", "90"), "self-assessment": ("met", "24"), "pace": "met"},
    ),
    Case(
        "abpn 16 self-assessment credits meet the cme page but not the 24 entered",
        "abpn-cc",
        "2027-01-01",
        [c("74", "2024-06-01"), c("16", "2025-06-01", "sa-cme")],
        "not-met",
        {"total": ("met", "90"), "self-assessment": ("not-met", "16")},
    ),
    Case(
        "abpn behind halfway with 20 credits",
        "abpn-cc",
        "2025-06-30",
        [c("20", "2024-06-01", "rcpsc-1")],
        "behind",
        {"pace": "behind", "total": ("behind", "20")},
    ),
    # ABEM (certificate 2022-01-01 .. 2026-12-31) ---------------------------------------
    Case(
        "abem met: the pace of 25 a year, modules and an improvement activity",
        "abem-cc",
        "2026-12-31",
        [
            c("125", "2023-01-01"),
            c("4", "2024-01-01", "aafp-prescribed", **LA),
            c("1", "2025-01-01", "ama-pra-1", **IP),
        ],
        "met",
        {"pace": ("met", "130"), "myemcert": "met", "improvement": "met"},
        LICENSE,
    ),
    Case(
        "abem without an improvement activity is not met when the certificate ends",
        "abem-cc",
        "2027-01-01",
        [c("125", "2023-01-01"), c("4", "2024-01-01", "ama-pra-1", **LA)],
        "not-met",
        {"pace": "met", "improvement": "not-met", "myemcert": "met"},
        LICENSE,
    ),
    Case(
        "abem behind the pace after three years with 40",
        "abem-cc",
        "2024-12-31",
        [c("40", "2022-06-01", "aoa-1a")],
        "behind",
        {"pace": ("behind", "40")},
        LICENSE,
    ),
    # ABOG (calendar year) ---------------------------------------------------------------
    Case(
        "abog met by this year's article-based assessment",
        "abog-cc",
        "2026-11-15",
        [c("25", "2026-11-01", "ama-pra-1", **LA)],
        "met",
        {"article-assessment": "met"},
    ),
    Case(
        "abog last year's assessment does not count for this year",
        "abog-cc",
        "2026-06-01",
        [c("25", "2025-11-10", "ama-pra-1", **LA)],
        "on-track",
        {"article-assessment": "on-track"},
    ),
    # ABPath (period 2024-01-01 .. 2025-12-31) ------------------------------------------
    Case(
        "abpath met with 70 practice-related credits, 20 of them sams",
        "abpath-cc",
        "2025-12-31",
        [
            c("50", "2024-03-01", specialty_related=True),
            c("19", "2024-09-01", "sa-cme", specialty_related=True),
            c("1", "2025-03-01", "sa-cme", specialty_related=True, **LA),
        ],
        "met",
        {
            "total": ("met", "70"),
            "sam": ("met", "20"),
            "practice-related": ("met", "70"),
            "certlink": "met",
        },
        LICENSE,
    ),
    Case(
        "abpath 80 credits with 10 sams and 50 practice-related is not met",
        "abpath-cc",
        "2026-01-01",
        [
            c("40", "2024-03-01", specialty_related=True),
            c("30", "2024-04-01"),
            c("10", "2024-09-01", "sa-cme", specialty_related=True, **LA),
        ],
        "not-met",
        {
            "total": ("met", "80"),
            "sam": ("not-met", "10"),
            "practice-related": ("not-met", "50"),
        },
        LICENSE,
    ),
    # AOA OCC (calendar cycle 2025-01-01 .. 2027-12-31) ----------------------------------
    Case(
        "aoa occ met with 120 credits, 60 in the specialty",
        "aoa-occ",
        "2027-12-31",
        [
            c("60", "2025-06-01", "aoa-1a", specialty_related=True),
            c("60", "2026-06-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "120"), "specialty": ("met", "60")},
    ),
    Case(
        "aoa occ prorated for a diplomate certified a year into the cycle",
        "aoa-occ",
        "2027-12-31",
        [
            c("46", "2026-06-01", "aoa-1b"),
            c("34", "2027-06-01", "aoa-1a", specialty_related=True),
        ],
        "met",
        {"total": ("met", "80"), "specialty": ("met", "34")},
        {"started_on": date(2026, 1, 1)},
    ),
    Case(
        "aoa occ behind halfway with 30 credits; aafp credit is not accepted",
        "aoa-occ",
        "2026-07-01",
        [c("30", "2025-06-01", "aoa-1a"), c("40", "2025-07-01", "aafp-prescribed")],
        "behind",
        {"total": ("behind", "30")},
    ),
]
