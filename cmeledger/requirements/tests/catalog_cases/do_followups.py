"""Table cases for the DO sets that repeat rules the re-check corrected for MDs (issue 21,
docs/catalog.md "What the re-check changed"), each worked out by hand from the rule text:

- Texas DO v2: the trafficking hour at the first renewal, then once in every third period
  (Tex. Occ. Code § 156.060), so six years back; the first registration owes no hours,
  formal hours or ethics, but still the trafficking and opioid hours; a shortfall may be
  made up within 30 days (22 Tex. Admin. Code § 161.35(c)(1));
- New York DO v2: infection control every four years with no stated length (Pub. Health
  Law § 239(a)): a half-hour course counts;
- Ohio DO v2: same arithmetic (50 Category 1), only the flag's reasons changed;
- Michigan DO v2: the opioid-awareness training before each renewal (R 338.3135(1)), so one
  from the previous cycle no longer counts; implicit bias 1 hour a year (R 338.7004(2));
- California DO v2: the one-time 12 pain and end-of-life hours are due by the second
  renewal (Bus. & Prof. Code § 2190.5(a)(1), which the OMBC enforces under § 2450), not at
  the first, and hours from the first period count at the second.

Each case names its own anchors, so the module's ANCHORS stay empty and the tables of
other modules keep theirs.
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.cycles import Anchors
from cmeledger.requirements.tests.catalog_cases import Case, c

# 2025-03-01 .. 2027-02-28; a shortfall may be made up until 2027-03-30.
TX = {"anchors": Anchors(license_expiry=date(2027, 2, 28)), "degree": "DO"}
NY = {"anchors": Anchors(license_expiry=date(2027, 6, 30)), "degree": "DO"}  # from 2025-07-01
OH = {"anchors": Anchors(license_expiry=date(2027, 4, 1)), "degree": "DO"}  # from 2025-04-02
MI = {"anchors": Anchors(license_expiry=date(2027, 12, 31)), "degree": "DO"}  # from 2025-01-01
CA_FIRST = {"anchors": Anchors(license_expiry=date(2027, 6, 30)), "degree": "DO"}
CA_SECOND = {"anchors": Anchors(license_expiry=date(2029, 6, 30)), "degree": "DO"}
LICENSED_2025 = date(2025, 9, 1)  # inside both states' first period: the first renewal


def tx_do_period(trafficking_on: str):
    """48 formal AOA 1-A credits with 2 of ethics and 2 of opioid prescribing, and the
    trafficking hour on the day given."""
    return [
        c("44", "2025-06-01", "aoa-1a"),
        c("2", "2025-07-01", "aoa-1a", "ethics"),
        c("2", "2025-09-01", "aoa-1a", "opioid-prescribing"),
        c("1", trafficking_on, "aoa-1a", "human-trafficking"),
    ]


def mi_do_cycle(opioid_training_on: str, pain_topic: str, implicit_bias: str = "3"):
    """150 hours (63 Category 1, 44 of them AOA 1-A) with ethics, 3 pain hours (one on
    `pain_topic`), the implicit-bias hours given, a trafficking training long ago and an
    opioid-awareness training (attendance, outside the 150) on the day given."""
    return [
        c("40", "2025-02-01", "aoa-1a"),
        c("16", "2025-03-01", "ama-pra-1"),
        c("1", "2025-04-01", "aoa-1a", "ethics"),
        c("2", "2025-05-01", "ama-pra-1", "pain-management"),
        c("1", "2025-06-01", "ama-pra-1", pain_topic),
        c(implicit_bias, "2025-07-01", "aoa-1a", "implicit-bias"),
        c(str(90 - int(implicit_bias)), "2026-01-01", "aoa-2a"),
        c("1", "2020-01-01", "attendance", "human-trafficking"),
        c("1", opioid_training_on, "attendance", "opioid-prescribing"),
    ]


CASES = [
    # Texas DO -------------------------------------------------------------------------
    Case(
        "tx do a trafficking hour from five and a half years ago still counts",
        "us-tx-do",
        "2027-03-31",
        tx_do_period("2021-09-01"),
        "met",
        {"total": ("met", "48"), "human-trafficking": ("met", "1"), "formal": ("met", "48")},
        TX,
    ),
    Case(
        "tx do a trafficking hour six years and a day before the end does not count",
        "us-tx-do",
        "2027-03-31",
        tx_do_period("2021-02-28"),
        "not-met",
        {"total": ("met", "48"), "human-trafficking": ("not-met", "0")},
        TX,
    ),
    Case(
        "tx do first registration owes no hours but still the trafficking and opioid hours",
        "us-tx-do",
        "2027-03-31",
        [
            c("1", "2026-01-01", "aoa-1a", "human-trafficking"),
            c("2", "2026-02-01", "aoa-1a", "opioid-prescribing"),
        ],
        "met",
        {
            "total": "not-applicable",
            "formal": "not-applicable",
            "ethics": "not-applicable",
            "human-trafficking": ("met", "1"),
            "opioids": ("met", "2"),
        },
        {**TX, "started_on": date(2025, 6, 1)},
    ),
    Case(
        "tx do first registration without the trafficking hour is not met",
        "us-tx-do",
        "2027-03-31",
        [c("2", "2026-02-01", "aoa-1a", "opioid-prescribing")],
        "not-met",
        {"total": "not-applicable", "human-trafficking": ("not-met", "0")},
        {**TX, "started_on": date(2025, 6, 1)},
    ),
    Case(
        "tx do an informal trafficking hour leaves the period behind within the 30 days",
        "us-tx-do",
        "2027-03-10",
        [*tx_do_period("2025-08-01")[:3], c("1", "2025-08-01", "aoa-1b", "human-trafficking")],
        "behind",
        # 44 + 2 + 2 formal = 48 total; the 1-B trafficking hour is informal, so the
        # trafficking duty (formal only) is short until the 30 days are over.
        {"total": ("met", "49"), "human-trafficking": ("behind", "0")},
        TX,
    ),
    Case(
        "tx do a formal trafficking hour within the 30 days cures the period",
        "us-tx-do",
        "2027-04-15",
        [*tx_do_period("2027-03-15")],
        "met",
        {"human-trafficking": ("met", "1"), "formal": "met", "total": "met"},
        TX,
    ),
    # New York DO ----------------------------------------------------------------------
    Case(
        "ny do a half-hour infection-control course within four years counts",
        "us-ny-do",
        "2027-07-01",
        [
            c("0.5", "2023-09-01", "attendance", "infection-control"),
            c("2", "2010-01-01", "aoa-1a", "child-abuse"),
        ],
        "met",
        {
            "infection-control": "met",
            "child-abuse": "met",
            "pain-palliative-addiction": "not-applicable",
        },
        NY,
    ),
    Case(
        "ny do infection control four years and a day before the end does not count",
        "us-ny-do",
        "2027-07-01",
        [
            c("0.5", "2023-06-30", "attendance", "infection-control"),
            c("2", "2010-01-01", "aoa-1a", "child-abuse"),
        ],
        "not-met",
        {"infection-control": ("not-met", "0"), "child-abuse": "met"},
        NY,
    ),
    # Ohio DO --------------------------------------------------------------------------
    Case(
        "oh do the flagged 50 hours are still what is asked",
        "us-oh-do",
        "2027-04-02",
        [c("49.75", "2025-04-02", "aoa-1b")],
        "not-met",
        {"total": ("not-met", "49.75")},
        OH,
    ),
    # Michigan DO ----------------------------------------------------------------------
    Case(
        "mi do opioid awareness from the previous cycle no longer counts",
        "us-mi-do",
        "2028-01-01",
        mi_do_cycle("2024-06-01", "pain-management"),
        "not-met",
        {
            "total": ("met", "150"),
            "category-1": ("met", "63"),
            "aoa-1a": ("met", "44"),
            "pain": ("met", "3"),
            "controlled-substances": ("not-met", "0"),
            "implicit-bias": ("met", "3"),
            "human-trafficking": "met",
            "opioid-awareness": ("not-met", "0"),
        },
        {**MI, "dea_registrant": True},
    ),
    Case(
        "mi do opioid awareness on the cycle's first day counts",
        "us-mi-do",
        "2028-01-01",
        mi_do_cycle("2025-01-01", "controlled-substances"),
        "met",
        # The attendance record and the in-cycle controlled-substances hour.
        {"opioid-awareness": ("met", "2"), "controlled-substances": ("met", "1")},
        {**MI, "dea_registrant": True},
    ),
    Case(
        "mi do without a DEA registration the awareness training is not asked",
        "us-mi-do",
        "2028-01-01",
        mi_do_cycle("2024-06-01", "controlled-substances"),
        "met",
        {"opioid-awareness": "not-applicable", "total": ("met", "150")},
        MI,
    ),
    Case(
        "mi do two implicit-bias hours in a three-year cycle are short",
        "us-mi-do",
        "2028-01-01",
        mi_do_cycle("2025-01-01", "controlled-substances", implicit_bias="2"),
        "not-met",
        {"implicit-bias": ("not-met", "2"), "total": ("met", "150")},
        {**MI, "dea_registrant": True},
    ),
    # California DO --------------------------------------------------------------------
    Case(
        "ca do the twelve pain hours are not due at the first renewal",
        "us-ca-do",
        "2027-07-01",
        [c("40", "2026-01-01", "aoa-1a"), c("60", "2026-02-01", "aoa-2a")],
        "met",
        {"total": ("met", "100"), "pain-end-of-life": "not-applicable"},
        {**CA_FIRST, "started_on": LICENSED_2025},
    ),
    Case(
        "ca do pain hours from the first period count at the second renewal",
        "us-ca-do",
        "2029-07-01",
        [
            c("12", "2026-02-01", "ama-pra-1", "pain-management"),
            c("40", "2028-01-01", "aoa-1a"),
            c("60", "2028-02-01", "aoa-2a"),
        ],
        "met",
        {"total": ("met", "100"), "pain-end-of-life": ("met", "12")},
        {**CA_SECOND, "started_on": LICENSED_2025},
    ),
    Case(
        "ca do second renewal without the twelve pain hours is not met",
        "us-ca-do",
        "2029-07-01",
        [
            c("11", "2026-02-01", "ama-pra-1", "end-of-life-care"),
            c("40", "2028-01-01", "aoa-1a"),
            c("60", "2028-02-01", "aoa-2a"),
        ],
        "not-met",
        {"total": ("met", "100"), "pain-end-of-life": ("not-met", "11")},
        {**CA_SECOND, "started_on": LICENSED_2025},
    ),
]

ANCHORS: dict = {}
