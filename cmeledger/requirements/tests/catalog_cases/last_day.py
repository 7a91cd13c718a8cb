"""A cycle's last day is its deadline: a rule still short that day is not met (not on
track, not behind), and the day before it still may be met in time. Issue 19."""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.tests.catalog_cases import Case, c

TX_DONE = [
    c("43", "2025-06-01"),
    c("2", "2025-07-01", "ama-pra-1", "ethics"),
    c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
    c("2", "2027-02-28", "ama-pra-1", "opioid-prescribing"),  # on the last day itself
]
TX_NO_ETHICS = [c("48", "2025-06-01"), c("1", "2025-08-01", "ama-pra-1", "human-trafficking")]

CASES = [
    Case(
        "last day: tx ethics still short is not met",
        "us-tx-md",
        "2027-02-28",
        TX_NO_ETHICS,
        "not-met",
        {"ethics": ("not-met", "0"), "human-trafficking": "met", "total": ("met", "49")},
    ),
    Case(
        "the day before the last: tx ethics still short is on track",
        "us-tx-md",
        "2027-02-27",
        TX_NO_ETHICS,
        "on-track",
        {"ethics": ("on-track", "0"), "total": ("met", "49")},
    ),
    Case(
        "last day: tx with everything done, a topic completed that day, is met",
        "us-tx-md",
        "2027-02-28",
        TX_DONE,
        "met",
        {"opioids": ("met", "2"), "ethics": "met", "total": ("met", "48")},
        {"dea_registrant": True},
    ),
    Case(
        "last day: a tx topic duty still short is not met",
        "us-tx-md",
        "2027-02-28",
        TX_DONE[:3],
        "not-met",
        {"opioids": ("not-met", "0"), "ethics": "met"},
        {"dea_registrant": True},
    ),
    Case(
        "last day: tx total short is not met, not behind",
        "us-tx-md",
        "2027-02-28",
        [c("40", "2025-06-01"), c("2", "2025-07-01", "ama-pra-1", "ethics"), TX_DONE[2]],
        "not-met",
        {"total": ("not-met", "43"), "ethics": "met"},
    ),
    Case(
        "the day before the last: tx total short is behind",
        "us-tx-md",
        "2027-02-27",
        [c("40", "2025-06-01"), c("2", "2025-07-01", "ama-pra-1", "ethics"), TX_DONE[2]],
        "behind",
        {"total": ("behind", "43"), "ethics": "met"},
    ),
    Case(
        "last day: ama 1y category 1 short is not met",
        "ama-pra-1y",
        "2025-12-31",
        [c("10", "2025-03-01"), c("40", "2025-04-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "50"), "category-1": ("not-met", "10")},
    ),
    Case(
        "last day: a ca topic duty still short is not met",
        "us-ca-md",
        "2027-04-30",
        [c("50", "2025-06-01"), c("11", "2027-04-30", "ama-pra-1", "pain-management")],
        "not-met",
        {"pain-end-of-life": ("not-met", "11"), "total": ("met", "61")},
    ),
]

ANCHORS: dict[str, dict[str, date]] = {}
