"""Table cases for the rules issue 19 found judged wrongly, worked out by hand from the
domain reference (§1 ABPMR, § Texas) before running them:

- ABPMR legacy MOC checks each half of its ten years (150 credits, 40 SA-CME and an
  improvement project in years 1-5 and again in years 6-10);
- ABPMR CC's LA-PM&R is taken every year (years 1-4; year 5 is optional);
- Texas lets credits completed within 30 days after the due date make up a shortfall.

Each case names its own anchors (the module's ANCHORS would apply to every case of the
set, including other modules').
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.cycles import Anchors, Window
from cmeledger.requirements.tests.catalog_cases import Case, c

LICENSED = frozenset({"valid-license"})
MOC = {
    "anchors": Anchors(certification=Window(date(2018, 1, 1), date(2027, 12, 31))),
    "components": LICENSED,
}  # years 1-5: 2018-01-01 .. 2022-12-31; years 6-10: 2023-01-01 .. 2027-12-31
CC = {
    "anchors": Anchors(certification=Window(date(2023, 1, 1), date(2027, 12, 31))),
    "components": LICENSED,
}  # year 1: 2023, year 2: 2024, ... year 5: 2027
CC_JULY = {
    "anchors": Anchors(certification=Window(date(2023, 7, 1), date(2028, 6, 30))),
    "components": LICENSED,
}  # year 1: 2023-07-01 .. 2024-06-30, year 2: 2024-07-01 .. 2025-06-30, ...
TX = {"anchors": Anchors(license_expiry=date(2027, 2, 28))}
# The period 2025-03-01 .. 2027-02-28; a shortfall may be made up until 2027-03-30.
TX_NEXT = {"anchors": Anchors(license_expiry=date(2029, 2, 28))}  # 2027-03-01 .. 2029-02-28


def pip(on: str):
    """An improvement-project record; attendance, so it adds no credit."""
    return c("1", on, "attendance", activity_kind="improvement-project")


def la(on: str, credits: str = "3"):
    return c(credits, on, activity_kind="longitudinal-assessment", specialty_related=True)


def tx_short_by_two():
    """46 credits, every topic done: two short of the total."""
    return [
        c("41", "2025-06-01"),
        c("2", "2025-07-01", "ama-pra-1", "ethics"),
        c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
        c("2", "2025-09-01", "ama-pra-1", "opioid-prescribing"),
    ]


CASES = [
    # ABPMR legacy MOC, in halves -------------------------------------------------------
    Case(
        "moc 200 credits in years 1-5 and 100 in years 6-10 is not met",
        "abpmr-moc-10y",
        "2028-01-01",
        [
            c("160", "2019-06-01", specialty_related=True),
            c("40", "2020-06-01", "sa-cme", specialty_related=True),
            pip("2021-06-01"),
            c("60", "2024-06-01", specialty_related=True),
            c("40", "2025-06-01", "sa-cme", specialty_related=True),
            pip("2025-06-01"),
        ],
        "not-met",
        {
            "total": ("met", "300"),
            "first-half": ("met", "200"),
            "second-half": ("not-met", "100"),
            "self-assessment-first-half": ("met", "40"),
            "self-assessment-second-half": ("met", "40"),
            "improvement-project-first-half": "met",
            "improvement-project-second-half": "met",
        },
        MOC,
    ),
    Case(
        "moc 150 in each half with self-assessment and a project in each is met",
        "abpmr-moc-10y",
        "2027-12-31",
        [
            c("110", "2019-06-01", specialty_related=True),
            c("40", "2020-06-01", "sa-cme"),
            pip("2021-06-01"),
            c("110", "2024-06-01", specialty_related=True),
            c("40", "2025-06-01", "sa-cme"),
            pip("2026-06-01"),
        ],
        "met",
        {
            "total": ("met", "300"),
            "first-half": ("met", "150"),
            "second-half": ("met", "150"),
            "specialty-share": ("met", "220"),
        },
        MOC,
    ),
    Case(
        "moc the last day of year 5 counts for the first half, the next day for the second",
        "abpmr-moc-10y",
        "2027-12-31",
        [c("150", "2022-12-31"), c("150", "2023-01-01")],
        "not-met",  # no self-assessment in years 1-5, which ended long ago
        {
            "first-half": ("met", "150"),
            "second-half": ("met", "150"),
            "self-assessment-first-half": ("not-met", "0"),
            "self-assessment-second-half": ("not-met", "0"),  # its last day (issue 19)
        },
        MOC,
    ),
    Case(
        "moc a short first half is lost in year 7, while the cycle still runs",
        "abpmr-moc-10y",
        "2024-06-01",
        [
            c("60", "2019-06-01", specialty_related=True),
            c("40", "2020-06-01", "sa-cme"),
            pip("2021-06-01"),
            c("100", "2023-06-01", specialty_related=True),
        ],
        "not-met",
        {
            "first-half": ("not-met", "100"),
            "second-half": ("on-track", "100"),
            "self-assessment-first-half": ("met", "40"),
            "improvement-project-second-half": "on-track",
        },
        MOC,
    ),
    Case(
        "moc a project in years 6-10 does not stand for years 1-5",
        "abpmr-moc-10y",
        "2027-12-31",
        [
            c("110", "2019-06-01", specialty_related=True),
            c("40", "2020-06-01", "sa-cme"),
            c("110", "2024-06-01", specialty_related=True),
            c("40", "2025-06-01", "sa-cme"),
            pip("2024-06-01"),
            pip("2026-06-01"),
        ],
        "not-met",
        {
            "improvement-project-first-half": "not-met",
            "improvement-project-second-half": "met",
            "first-half": "met",
            "second-half": "met",
        },
        MOC,
    ),
    # ABPMR CC: LA-PM&R each year ----------------------------------------------------------
    Case(
        "cc la-pm&r in each of years 1-4 is met; year 5 is optional",
        "abpmr-cc",
        "2027-12-31",
        [
            c("80", "2023-06-01", specialty_related=True),
            c("60", "2024-06-01"),
            la("2023-03-01"),
            la("2024-03-01"),
            la("2025-03-01"),
            la("2026-03-01"),
        ],
        "met",
        {
            "longitudinal-assessment": ("met", "4"),
            "total": ("met", "152"),
            "specialty-share": ("met", "92"),
        },
        CC,
    ),
    Case(
        "cc a year without la-pm&r is lost: not met while the cycle runs",
        "abpmr-cc",
        "2025-06-01",
        [c("90", "2023-06-01", specialty_related=True), la("2023-03-01"), la("2025-03-01")],
        "not-met",
        {"longitudinal-assessment": ("not-met", "2"), "total": ("on-track", "96")},
        CC,
    ),
    Case(
        "cc the current year's la-pm&r is still open: on track",
        "abpmr-cc",
        "2025-06-01",
        [c("80", "2023-06-01", specialty_related=True), la("2023-03-01"), la("2024-03-01")],
        "on-track",
        {"longitudinal-assessment": ("on-track", "2"), "total": ("on-track", "86")},
        CC,
    ),
    Case(
        "cc years follow the certification, not the calendar: june 30 and july 1 differ",
        "abpmr-cc",
        "2027-07-01",
        [
            c("150", "2023-08-01", specialty_related=True),
            la("2024-06-30"),  # year 1
            la("2024-07-01"),  # year 2
            la("2026-06-30"),  # year 3
            la("2026-07-01"),  # year 4
        ],
        "met",
        {"longitudinal-assessment": ("met", "4")},
        CC_JULY,
    ),
    Case(
        "cc la-pm&r before the certification began does not count for year 1",
        "abpmr-cc",
        "2027-07-01",
        [
            c("150", "2023-08-01", specialty_related=True),
            la("2023-06-30"),
            la("2024-07-01"),
            la("2025-07-01"),
            la("2026-07-01"),
        ],
        "not-met",
        {"longitudinal-assessment": ("not-met", "3")},
        CC_JULY,
    ),
    # Texas: a shortfall made up within 30 days ----------------------------------------------
    Case(
        "tx short by 2 and made up 20 days after the due date is met",
        "us-tx-md",
        "2027-04-15",
        [*tx_short_by_two(), c("2", "2027-03-20")],
        "met",
        {"total": ("met", "48"), "formal": ("met", "48")},
        TX,
    ),
    Case(
        "tx made up on the 30th day after the due date still counts",
        "us-tx-md",
        "2027-03-30",
        [*tx_short_by_two(), c("2", "2027-03-30")],
        "met",
        {"total": ("met", "48")},
        TX,
    ),
    Case(
        "tx made up on the 31st day is too late: not met",
        "us-tx-md",
        "2027-04-15",
        [*tx_short_by_two(), c("2", "2027-03-31")],
        "not-met",
        {"total": ("not-met", "46")},
        TX,
    ),
    Case(
        "tx within the 30 days a shortfall is behind, not yet not met",
        "us-tx-md",
        "2027-03-10",
        tx_short_by_two(),
        "behind",
        {"total": ("behind", "46"), "ethics": ("met", "2")},
        TX,
    ),
    Case(
        "tx a cure counts only what the period lacks",
        "us-tx-md",
        "2027-04-15",
        [*tx_short_by_two(), c("10", "2027-03-10")],
        "met",
        {"total": ("met", "48")},
        TX,
    ),
    Case(
        "tx a cure's credits still count in the period they fall in",
        "us-tx-md",
        "2027-06-01",
        [*tx_short_by_two(), c("10", "2027-03-10")],
        "on-track",
        {"total": ("on-track", "10")},
        TX_NEXT,
        carry_in="0",
    ),
    Case(
        "tx a missing ethics hour is made up by a formal ethics credit afterwards",
        "us-tx-md",
        "2027-04-01",
        [
            c("46", "2025-06-01"),
            c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
            c("2", "2025-09-01", "ama-pra-1", "opioid-prescribing"),
            c("2", "2027-03-15", "ama-pra-1", "ethics"),
        ],
        "met",
        {"ethics": ("met", "2"), "total": ("met", "51")},
        TX,
    ),
    Case(
        "tx category 2 ethics afterwards does not make up a formal ethics shortfall",
        "us-tx-md",
        "2027-04-01",
        [
            c("46", "2025-06-01"),
            c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
            c("2", "2025-09-01", "ama-pra-1", "opioid-prescribing"),
            c("2", "2027-03-15", "ama-pra-2", "ethics"),
        ],
        "not-met",
        {"ethics": ("not-met", "0"), "total": ("met", "49")},
        TX,
    ),
]

CASES += [
    Case(
        "tx newly licensed: the first registration needs no hours, only the duties",
        "us-tx-md",
        "2027-02-28",
        [
            c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
            c("2", "2025-09-01", "ama-pra-1", "opioid-prescribing"),
        ],
        "met",
        {
            "total": "not-applicable",
            "formal": "not-applicable",
            "ethics": "not-applicable",
            "human-trafficking": "met",
            "opioids": "met",
        },
        {**TX, "started_on": date(2025, 6, 1)},
    ),
    Case(
        "tx licensed before the period: the hours apply",
        "us-tx-md",
        "2027-03-31",
        [c("1", "2025-08-01", "ama-pra-1", "human-trafficking")],
        "not-met",
        {"total": ("not-met", "1"), "ethics": "not-met"},
        {**TX, "started_on": date(2025, 2, 28)},
    ),
]

ANCHORS: dict[str, dict] = {}
