"""Table cases for the re-check of the first sets against their rule texts (issue 21),
each worked out by hand from the text before running it:

- California: the one-time 12 pain and end-of-life hours are due by the second renewal
  (Bus. & Prof. Code § 2190.5(a)(1)), so not at the first, and hours from the first
  period count at the second;
- Florida: human trafficking is a one-time hour (§ 456.0341), a DEA registrant owes
  the 2 controlled-substance hours at every renewal, the first included (§ 456.0301),
  and the first renewal's HIV/AIDS hour is Category I (64B8-13.005(1)(b));
- New York: infection control every four years with no stated length (Pub. Health Law
  § 239): a short course counts, one four years and a day old does not;
- Pennsylvania: the opioid hours bind prescribers (ABC-MAP § 9.1), and DOs owe 12 hours
  of patient safety or risk management (49 Pa. Code § 25.271(c)(1));
- Ohio: 50 Category 1 (now flagged unconfirmed, same arithmetic);
- Michigan: the opioid-awareness training before each renewal (R 338.3135), so one from
  the previous cycle no longer counts;
- Texas: the trafficking hour once in every third two-year period (Tex. Occ. Code
  § 156.060), so six years back, not every period.

Each case names its own anchors, so the module's ANCHORS stay empty and the tables of
other modules keep theirs.
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.cycles import Anchors
from cmeledger.requirements.tests.catalog_cases import Case, c

CA_FIRST = {"anchors": Anchors(license_expiry=date(2027, 4, 30))}  # 2025-05-01 .. 2027-04-30
CA_SECOND = {"anchors": Anchors(license_expiry=date(2029, 4, 30))}  # 2027-05-01 .. 2029-04-30
LICENSED_2025 = date(2025, 9, 1)  # inside the first period, so it is the first renewal
FL = {"anchors": Anchors(license_expiry=date(2027, 1, 31))}  # 2025-02-01 .. 2027-01-31
NY = {"anchors": Anchors(license_expiry=date(2027, 6, 30))}  # 2025-07-01 .. 2027-06-30
OH = {"anchors": Anchors(license_expiry=date(2027, 4, 1))}  # 2025-04-02 .. 2027-04-01
MI = {"anchors": Anchors(license_expiry=date(2027, 12, 31))}  # 2025-01-01 .. 2027-12-31
# 2025-03-01 .. 2027-02-28; a shortfall may be made up until 2027-03-30.
TX = {"anchors": Anchors(license_expiry=date(2027, 2, 28))}
# Pennsylvania's bienniums are calendar cycles: MD 2025-01-01 .. 2026-12-31,
# DO 2024-11-01 .. 2026-10-31. A calendar cycle is the one holding the day asked about,
# so these cases ask on the last day, when a duty still owed reads "on-track".


def pa_md_hundred():
    """100 hours: 22 Category 1, 12 patient safety, 2 child abuse; no opioid hours."""
    return [
        c("20", "2025-03-01"),
        c("12", "2025-04-01", "ama-pra-2", "patient-safety"),
        c("2", "2025-05-01", "ama-pra-1", "child-abuse"),
        c("66", "2026-01-01", "ama-pra-2"),
    ]


def tx_period(trafficking_on: str):
    """48 formal credits with 2 of ethics and 2 of opioid prescribing, and the
    trafficking hour on the day given."""
    return [
        c("44", "2025-06-01"),
        c("2", "2025-07-01", "ama-pra-1", "ethics"),
        c("2", "2025-09-01", "ama-pra-1", "opioid-prescribing"),
        c("1", trafficking_on, "ama-pra-1", "human-trafficking"),
    ]


def mi_cycle(opioid_training_on: str, pain_topic: str):
    """151 hours (82 Category 1) with ethics, 3 pain hours (one of them on `pain_topic`),
    implicit bias, a trafficking training long ago and an opioid-awareness training on
    the day given. A controlled-substances course meets the awareness training too (the
    training may come from accepted CME, R 338.3135(1)(c)(iii))."""
    return [
        c("75", "2025-03-01"),
        c("69", "2025-04-01", "ama-pra-2"),
        c("1", "2025-05-01", "ama-pra-1", "ethics"),
        c("2", "2025-06-01", "ama-pra-1", "pain-management"),
        c("1", "2025-07-01", "ama-pra-1", pain_topic),
        c("3", "2025-08-01", "ama-pra-1", "implicit-bias"),
        c("1", "2019-01-01", "attendance", "human-trafficking"),
        c("1", opioid_training_on, "attendance", "opioid-prescribing"),
    ]


CASES = [
    # California -----------------------------------------------------------------------
    Case(
        "ca the twelve pain hours are not due at the first renewal",
        "us-ca-md",
        "2027-05-01",
        [c("50", "2026-01-01")],
        "met",
        {"total": ("met", "50"), "pain-end-of-life": "not-applicable"},
        {**CA_FIRST, "started_on": LICENSED_2025},
    ),
    Case(
        "ca pain hours from the first period count at the second renewal",
        "us-ca-md",
        "2029-05-01",
        [c("12", "2026-02-01", "ama-pra-1", "pain-management"), c("50", "2028-01-01")],
        "met",
        {"total": ("met", "50"), "pain-end-of-life": ("met", "12")},
        {**CA_SECOND, "started_on": LICENSED_2025},
    ),
    Case(
        "ca second renewal without the twelve pain hours is not met",
        "us-ca-md",
        "2029-05-01",
        [c("11", "2026-02-01", "ama-pra-1", "end-of-life-care"), c("50", "2028-01-01")],
        "not-met",
        {"total": ("met", "50"), "pain-end-of-life": ("not-met", "11")},
        {**CA_SECOND, "started_on": LICENSED_2025},
    ),
    # Florida --------------------------------------------------------------------------
    Case(
        "fl a trafficking hour from 2020 still counts: it is needed once",
        "us-fl-md",
        "2027-02-01",
        [
            c("36", "2025-06-01"),
            c("2", "2025-07-01", "ama-pra-1", "medical-errors"),
            c("2", "2025-08-01", "ama-pra-1", "domestic-violence"),
            c("1", "2020-11-01", "ama-pra-1", "human-trafficking"),
        ],
        "met",
        {"total": ("met", "40"), "human-trafficking": ("met", "1"), "hiv-aids": "not-applicable"},
        FL,
    ),
    Case(
        "fl a DEA registrant owes controlled-substance hours at the first renewal",
        "us-fl-md",
        "2027-02-01",
        [
            c("2", "2025-07-01", "ama-pra-1", "medical-errors"),
            c("1", "2025-08-01", "ama-pra-1", "hiv-aids"),
        ],
        "not-met",
        {
            "total": "not-applicable",
            "human-trafficking": "not-applicable",
            "controlled-substances": ("not-met", "0"),
        },
        {**FL, "dea_registrant": True, "started_on": date(2025, 3, 1)},
    ),
    Case(
        "fl a category 2 HIV/AIDS hour does not make the first renewal",
        "us-fl-md",
        "2027-02-01",
        [
            c("2", "2025-07-01", "ama-pra-1", "medical-errors"),
            c("1", "2025-08-01", "ama-pra-2", "hiv-aids"),
        ],
        "not-met",
        {"medical-errors": "met", "hiv-aids": ("not-met", "0")},
        {**FL, "started_on": date(2025, 3, 1)},
    ),
    # New York -------------------------------------------------------------------------
    Case(
        "ny a half-hour infection-control course within four years counts",
        "us-ny-md",
        "2027-07-01",
        [
            c("0.5", "2023-09-01", "attendance", "infection-control"),
            c("2", "2010-01-01", "ama-pra-1", "child-abuse"),
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
        "ny infection control four years and a day before the end does not count",
        "us-ny-md",
        "2027-07-01",
        [
            c("1", "2023-06-30", "attendance", "infection-control"),
            c("2", "2010-01-01", "ama-pra-1", "child-abuse"),
        ],
        "not-met",
        {"infection-control": ("not-met", "0"), "child-abuse": "met"},
        NY,
    ),
    # Pennsylvania ---------------------------------------------------------------------
    Case(
        "pa md without a DEA registration the opioid hours are not asked",
        "us-pa-md",
        "2026-12-31",
        pa_md_hundred(),
        "met",
        {"total": ("met", "100"), "patient-safety": ("met", "12"), "opioids": "not-applicable"},
        {"dea_registrant": False},
    ),
    Case(
        "pa md a DEA registrant still owes the opioid hours on the last day",
        "us-pa-md",
        "2026-12-31",
        pa_md_hundred(),
        "not-met",  # the last day is the deadline (issue 19)
        {"total": ("met", "100"), "opioids": ("not-met", "0")},
        {"dea_registrant": True},
    ),
    Case(
        "pa do 100 hours without patient safety still owe twelve on the last day",
        "us-pa-do",
        "2026-10-31",
        [
            c("20", "2024-12-01", "aoa-1a"),
            c("2", "2025-01-01", "aoa-1a", "child-abuse"),
            c("78", "2026-01-01", "ama-pra-2"),
        ],
        "not-met",  # the last day is the deadline (issue 19)
        {"total": ("met", "100"), "aoa-1a": ("met", "22"), "patient-safety": ("not-met", "0")},
    ),
    Case(
        "pa do twelve category 2 patient-safety hours make it met",
        "us-pa-do",
        "2026-10-31",
        [
            c("20", "2024-12-01", "aoa-1a"),
            c("2", "2025-01-01", "aoa-1a", "child-abuse"),
            c("12", "2025-06-01", "ama-pra-2", "risk-management"),
            c("66", "2026-01-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "100"), "patient-safety": ("met", "12"), "opioids": "not-applicable"},
    ),
    # Ohio -----------------------------------------------------------------------------
    Case(
        "oh fifty category 1 hours are met",
        "us-oh-md",
        "2027-04-02",
        [c("50", "2027-04-01")],
        "met",
        {"total": ("met", "50")},
        OH,
    ),
    Case(
        "oh a quarter hour short is not met",
        "us-oh-md",
        "2027-04-02",
        [c("49.75", "2025-04-02")],
        "not-met",
        {"total": ("not-met", "49.75")},
        OH,
    ),
    # Michigan -------------------------------------------------------------------------
    Case(
        "mi opioid awareness from the previous cycle no longer counts",
        "us-mi-md",
        "2028-01-01",
        mi_cycle("2024-06-01", "pain-management"),
        "not-met",
        {
            "total": ("met", "151"),
            "category-1": ("met", "82"),
            "pain": ("met", "3"),
            "controlled-substances": ("not-met", "0"),
            "implicit-bias": ("met", "3"),
            "human-trafficking": "met",
            "opioid-awareness": ("not-met", "0"),
        },
        {**MI, "dea_registrant": True},
    ),
    Case(
        "mi opioid awareness inside the cycle is met",
        "us-mi-md",
        "2028-01-01",
        mi_cycle("2025-01-01", "controlled-substances"),
        "met",
        {"opioid-awareness": ("met", "2"), "controlled-substances": "met", "total": ("met", "151")},
        {**MI, "dea_registrant": True},
    ),
]

CASES += [
    # Texas ----------------------------------------------------------------------------
    Case(
        "tx a trafficking hour from five and a half years ago still counts",
        "us-tx-md",
        "2027-03-31",
        tx_period("2021-09-01"),
        "met",
        {"total": ("met", "48"), "human-trafficking": ("met", "1"), "ethics": "met"},
        TX,
    ),
    Case(
        "tx a trafficking hour six years and a day before the end does not count",
        "us-tx-md",
        "2027-03-31",
        tx_period("2021-02-28"),
        "not-met",
        {"total": ("met", "48"), "human-trafficking": ("not-met", "0")},
        TX,
    ),
]

ANCHORS: dict = {}
