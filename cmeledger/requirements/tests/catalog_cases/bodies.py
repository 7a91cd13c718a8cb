"""Table cases of the PA and NP certifying bodies' sets (issue 21): NCCPA v2, AANPCB, ANCC.

Each case was worked out by hand from the set's source before it was run. An exam or
assessment is a record of its activity kind (here the smallest entry, 0.25 credit of a
certificate of attendance, which none of these sets counts as credit); a current license
comes from the facts. NCCPA's cases use the two-year window of test_catalog_sets.py
(2025-01-01 .. 2026-12-31).
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.cycles import Window
from cmeledger.requirements.tests.catalog_cases import Case, c

ANCHORS = {
    "aanpcb-np": {"certification": Window(date(2021, 1, 1), date(2025, 12, 31))},
    "ancc-np": {"certification": Window(date(2022, 1, 1), date(2026, 12, 31))},
}

PA = {"degree": "PA"}
NP_LICENSED = {"degree": "NP", "components": frozenset({"valid-license"})}
CH = "ancc-contact-hour"
PI = {"activity_kind": "performance-improvement"}
TEACHING = {"activity_kind": "teaching"}


def exam(on: str):
    """A passed PANCE, PANRE or PANRE-LA: a record, not credit."""
    return c("0.25", on, "attendance", activity_kind="longitudinal-assessment")


CASES = [
    # Certificates of participation (accepted_participation = ["ama-pra-1"] in all three) -
    Case(
        "nccpa counts a certificate of participation as category 1",
        "nccpa-pa",
        "2026-12-31",
        [
            c("30", "2025-03-01", participation=True),
            c("20", "2025-04-01", "aapa-1"),
            c("50", "2026-05-01", "ama-pra-2"),
            exam("2017-06-01"),
        ],
        "met",
        {"total": ("met", "100"), "category-1": ("met", "50")},
        PA,
    ),
    Case(
        "ancc counts a certificate of participation toward the 75 hours and pharmacology",
        "ancc-np",
        "2026-12-31",
        [c("50", "2023-03-01", participation=True), c("25", "2024-04-01", CH, "pharmacology")],
        "met",
        {"total": ("met", "75"), "pharmacology": ("met", "25")},
        NP_LICENSED,
    ),
    # NCCPA v2 (two-year cycle 2025-01-01 .. 2026-12-31) --------------------------------
    Case(
        "nccpa counts aoa 1-a and aafp prescribed as category 1",
        "nccpa-pa",
        "2026-12-31",
        [
            c("30", "2025-03-01", "aoa-1a"),
            c("20", "2025-04-01", "aafp-prescribed"),
            c("50", "2026-05-01", "ama-pra-2"),
            exam("2017-06-01"),
        ],
        "met",
        {"total": ("met", "100"), "category-1": ("met", "50"), "recertification-exam": "met"},
        PA,
    ),
    Case(
        # A certificate of participation counts only for the credit type NCCPA accepts
        # it for (AMA PRA Category 1); one for AAPA Category 1 does not count.
        "nccpa counts a certificate of participation for ama pra category 1 only",
        "nccpa-pa",
        "2026-12-31",
        [
            c("50", "2025-03-01", "ama-pra-1", participation=True),
            c("10", "2025-04-01", "aapa-1", participation=True),
            c("50", "2026-05-01", "ama-pra-2"),
            exam("2020-06-01"),
        ],
        "met",
        {"total": ("met", "100"), "category-1": ("met", "50"), "recertification-exam": "met"},
        PA,
    ),
    Case(
        "nccpa sa-cme counts one and a half times",
        "nccpa-pa",
        "2026-12-31",
        [c("40", "2025-03-01", "sa-cme"), c("40", "2025-04-01", "aapa-1"), exam("2020-06-01")],
        "met",
        {"total": ("met", "100"), "category-1": ("met", "100")},
        PA,
    ),
    Case(
        "nccpa doubles only the first 20 pi-cme credits: 99.75 is short",
        "nccpa-pa",
        "2027-01-01",
        [
            c("30", "2025-03-01", "aapa-1", **PI),  # 20 x 2 + 10
            c("10", "2025-09-01", "aapa-1", **PI),  # past the 20: once
            c("39.75", "2026-02-01", "ama-pra-2"),
            exam("2020-06-01"),
        ],
        "not-met",
        {"total": ("not-met", "99.75"), "category-1": ("met", "60")},
        PA,
    ),
    Case(
        "nccpa exam more than ten years before the cycle's end no longer counts",
        "nccpa-pa",
        "2027-01-01",
        [c("100", "2025-03-01", "aapa-1"), exam("2016-12-31")],
        "not-met",
        {"total": ("met", "100"), "recertification-exam": "not-met"},
        PA,
    ),
    Case(
        "nccpa exam on the first day of the ten-year look-back counts",
        "nccpa-pa",
        "2027-01-01",
        [c("100", "2025-03-01", "aapa-1"), exam("2017-01-01")],
        "met",
        {"recertification-exam": "met"},
        PA,
    ),
    Case(
        "nccpa credits on the cycle's last day count, the day after does not",
        "nccpa-pa",
        "2026-12-31",
        [
            c("50", "2026-12-31", "aapa-1"),
            c("50", "2025-01-01", "ama-pra-2"),
            c("10", "2027-01-01", "aapa-1"),
            exam("2020-06-01"),
        ],
        "met",
        {"total": ("met", "100"), "category-1": ("met", "50")},
        PA,
    ),
    # AANPCB (five years 2021-01-01 .. 2025-12-31) -------------------------------------
    Case(
        "aanpcb met with 100 hours, 25 of them pharmacology, and a license",
        "aanpcb-np",
        "2025-12-31",
        [
            c("60", "2021-05-01", CH),
            c("15", "2023-05-01", "ama-pra-1"),
            c("25", "2024-05-01", CH, "pharmacology"),
        ],
        "met",
        {"total": ("met", "100"), "pharmacology": ("met", "25"), "license": "met"},
        NP_LICENSED,
    ),
    Case(
        "aanpcb pharmacology short by a quarter hour is not met",
        "aanpcb-np",
        "2026-01-01",
        [c("75.25", "2022-05-01", CH), c("24.75", "2023-05-01", CH, "pharmacology")],
        "not-met",
        {"total": ("met", "100"), "pharmacology": ("not-met", "24.75")},
        NP_LICENSED,
    ),
    Case(
        "aanpcb precepting counts for at most 25 hours",
        "aanpcb-np",
        "2026-01-01",
        [
            c("40", "2022-05-01", CH, **TEACHING),
            c("49.75", "2023-05-01", CH),
            c("25", "2024-05-01", CH, "pharmacology"),
        ],
        "not-met",
        {"total": ("not-met", "99.75"), "precepting": ("met", "25")},
        NP_LICENSED,
    ),
    Case(
        "aanpcb precepting up to the cap counts in full",
        "aanpcb-np",
        "2026-01-01",
        [
            c("25", "2022-05-01", "aapa-1", **TEACHING),
            c("50", "2023-05-01", CH),
            c("25", "2024-05-01", CH, "pharmacology"),
        ],
        "met",
        {"total": ("met", "100"), "precepting": ("met", "25")},
        NP_LICENSED,
    ),
    Case(
        "aanpcb hours on the last day of the five years count, the day after does not",
        "aanpcb-np",
        "2025-12-31",
        [
            c("75", "2025-12-31", CH),
            c("25", "2021-01-01", CH, "pharmacology"),
            c("10", "2026-01-01", CH),
        ],
        "met",
        {"total": ("met", "100"), "pharmacology": ("met", "25")},
        NP_LICENSED,
    ),
    Case(
        "aanpcb without a current rn license is not met",
        "aanpcb-np",
        "2026-01-01",
        [c("75", "2022-05-01", CH), c("25", "2023-05-01", CH, "pharmacology")],
        "not-met",
        {"total": ("met", "100"), "license": "not-met"},
        {"degree": "NP"},
    ),
    # ANCC (five years 2022-01-01 .. 2026-12-31) ---------------------------------------
    Case(
        "ancc met with 75 contact hours, 25 of them pharmacology",
        "ancc-np",
        "2026-12-31",
        [c("50", "2022-05-01", CH), c("25", "2024-05-01", "ama-pra-1", "pharmacology")],
        "met",
        {"total": ("met", "75"), "pharmacology": ("met", "25"), "license": "met"},
        NP_LICENSED,
    ),
    Case(
        "ancc pharmacology short by a quarter hour is not met",
        "ancc-np",
        "2027-01-01",
        [c("50.25", "2022-05-01", CH), c("24.75", "2023-05-01", CH, "pharmacology")],
        "not-met",
        {"total": ("met", "75"), "pharmacology": ("not-met", "24.75")},
        NP_LICENSED,
    ),
    Case(
        "ancc hours on the last day count, the day before the five years does not",
        "ancc-np",
        "2026-12-31",
        [
            c("50", "2026-12-31", CH),
            c("25", "2022-01-01", CH, "pharmacology"),
            c("10", "2021-12-31", CH),
        ],
        "met",
        {"total": ("met", "75"), "pharmacology": ("met", "25")},
        NP_LICENSED,
    ),
    Case(
        "ancc asks pharmacology of nurse practitioners only, not of an rn",
        "ancc-np",
        "2027-01-01",
        [c("75", "2022-05-01", CH)],
        "met",
        {"total": ("met", "75"), "pharmacology": "not-applicable"},
        {"degree": "RN", "components": frozenset({"valid-license"})},
    ),
    Case(
        "ancc does not count aapa category 1",
        "ancc-np",
        "2027-01-01",
        [c("50", "2022-05-01", "aapa-1"), c("25", "2023-05-01", CH, "pharmacology")],
        "not-met",
        {"total": ("not-met", "25"), "pharmacology": ("met", "25")},
        NP_LICENSED,
    ),
]
