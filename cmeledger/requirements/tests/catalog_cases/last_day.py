"""A cycle's last day is its deadline: a rule still short that day is not met (not on
track, not behind), while the day before it may still be met in time. Where the set
gives days after the cycle to make up a shortfall (Texas), the deadline is the last of
those days instead. Issue 19."""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.tests.catalog_cases import Case, c

# us-fl-md is anchored on a license expiring 2027-01-31: the cycle 2025-02-01 .. 2027-01-31.
FL_NO_ERRORS = [
    c("40", "2025-06-01"),
    c("2", "2025-07-01", "ama-pra-1", "domestic-violence"),
    c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
]
FL_TOTAL_SHORT = [
    c("30", "2025-06-01"),
    c("2", "2025-07-01", "ama-pra-1", "domestic-violence"),
    c("1", "2025-08-01", "ama-pra-1", "human-trafficking"),
    c("2", "2025-09-01", "ama-pra-1", "medical-errors"),
]
# us-tx-md is anchored on a license expiring 2027-02-28: the period 2025-03-01 ..
# 2027-02-28, and a shortfall may be made up until 2027-03-30.
TX_NO_ETHICS = [c("48", "2025-06-01"), c("1", "2025-08-01", "ama-pra-1", "human-trafficking")]

CASES = [
    Case(
        "last day: fl medical errors still short is not met",
        "us-fl-md",
        "2027-01-31",
        FL_NO_ERRORS,
        "not-met",
        {"medical-errors": ("not-met", "0"), "human-trafficking": "met", "total": ("met", "43")},
    ),
    Case(
        "the day before the last: fl medical errors still short is on track",
        "us-fl-md",
        "2027-01-30",
        FL_NO_ERRORS,
        "on-track",
        {"medical-errors": ("on-track", "0"), "total": ("met", "43")},
    ),
    Case(
        "last day: fl with everything done, a topic completed that day, is met",
        "us-fl-md",
        "2027-01-31",
        [*FL_NO_ERRORS, c("2", "2027-01-31", "ama-pra-1", "medical-errors")],
        "met",
        {"medical-errors": ("met", "2"), "total": ("met", "45")},
    ),
    Case(
        "last day: a fl topic duty still short is not met",
        "us-fl-md",
        "2027-01-31",
        [c("43", "2025-06-01"), c("2", "2025-09-01", "ama-pra-1", "medical-errors")],
        "not-met",
        {"domestic-violence": ("not-met", "0"), "medical-errors": "met"},
    ),
    Case(
        "last day: fl total short is not met, not behind",
        "us-fl-md",
        "2027-01-31",
        FL_TOTAL_SHORT,
        "not-met",
        {"total": ("not-met", "35"), "medical-errors": "met"},
    ),
    Case(
        "the day before the last: fl total short is behind",
        "us-fl-md",
        "2027-01-30",
        FL_TOTAL_SHORT,
        "behind",
        {"total": ("behind", "35"), "medical-errors": "met"},
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
    Case(
        "tx on its due date a shortfall is behind: the 30 days to make it up are ahead",
        "us-tx-md",
        "2027-02-28",
        TX_NO_ETHICS,
        "behind",
        {"ethics": ("behind", "0"), "total": ("met", "49")},
    ),
    Case(
        "tx on the last of the 30 days a shortfall still open is not met",
        "us-tx-md",
        "2027-03-30",
        TX_NO_ETHICS,
        "not-met",
        {"ethics": ("not-met", "0"), "total": ("met", "49")},
    ),
    Case(
        "tx the day before the last of the 30 days a shortfall is still behind",
        "us-tx-md",
        "2027-03-29",
        TX_NO_ETHICS,
        "behind",
        {"ethics": ("behind", "0")},
    ),
]

ANCHORS: dict[str, dict[str, date]] = {}
