"""Table cases of the licensing-board sets of ID, IL, IN, IA, KS, KY, LA, ME (MD and DO),
MD, MA, MN and the Florida DO set, each worked out by hand from the set's sources.

Sets anchored on a calendar cycle or the birth month move to the next cycle the day
after one ends, so their cases show that boundary instead of a "not met" after the end
(issue 19 asks for ended cycles to be judged; until then none can be).
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.cycles import Anchors
from cmeledger.requirements.tests.catalog_cases import Case, c

ANCHORS = {
    "us-id-md": {"license_expiry": date(2027, 6, 30)},  # 2025-07-01 .. 2027-06-30
    "us-in-md": {"license_expiry": date(2027, 6, 30)},  # 2025-07-01 .. 2027-06-30
    "us-ia-md": {"license_expiry": date(2027, 3, 1)},  # 2025-03-02 .. 2027-03-01
    "us-ks-md": {"license_expiry": date(2027, 6, 30)},  # 2025-12-31 .. 2027-06-30 (18 months)
    "us-la-md": {"birth_month": 3},  # the twelve months ending 31 March
    "us-me-md": {"license_expiry": date(2026, 8, 31)},  # 2024-09-01 .. 2026-08-31
    "us-me-do": {"license_expiry": date(2026, 12, 31)},  # 2025-01-01 .. 2026-12-31
    "us-md-md": {"license_expiry": date(2027, 9, 30)},  # 2025-10-01 .. 2027-09-30
    "us-ma-md": {"license_expiry": date(2027, 5, 14)},  # 2025-05-15 .. 2027-05-14
    "us-mn-md": {"license_expiry": date(2027, 12, 31)},  # 2025-01-01 .. 2027-12-31
    # us-il-md (2023-08-01 .. 2026-07-31), us-ky-md (2025-01-01 .. 2027-12-31) and
    # us-fl-do (2024-04-01 .. 2026-03-31) are calendar cycles and need no anchor.
}

FAMILY_MEDICINE = frozenset({"Family Medicine"})

CASES = [
    # Idaho ---------------------------------------------------------------------------
    Case(
        "id 40 category 1 hours are met",
        "us-id-md",
        "2027-06-01",
        [c("40", "2026-01-01")],
        "met",
        {"total": ("met", "40")},
    ),
    Case(
        "id category 2 is not accepted: 30 short after the expiry",
        "us-id-md",
        "2027-07-01",
        [c("30", "2026-01-01"), c("20", "2026-02-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "30")},
    ),
    Case(
        "id cycle edges are inside, AOA 1-B counts, the day before is outside",
        "us-id-md",
        "2027-06-30",
        [c("20", "2025-06-30"), c("20", "2025-07-01", "aoa-1b"), c("20", "2027-06-30")],
        "met",
        {"total": ("met", "40")},
    ),
    # Indiana -------------------------------------------------------------------------
    Case(
        "in registrant with 2 opioid hours of any accepted type is met",
        "us-in-md",
        "2027-06-01",
        [c("2", "2026-01-01", "ama-pra-2", "opioid-prescribing")],
        "met",
        {"opioids": ("met", "2")},
        {"dea_registrant": True},
    ),
    Case(
        "in opioid hours before the two years do not count after the expiry",
        "us-in-md",
        "2027-07-01",
        [c("2", "2025-06-01", "ama-pra-1", "opioid-prescribing")],
        "not-met",
        {"opioids": ("not-met", "0")},
        {"dea_registrant": True},
    ),
    Case(
        "in without a registration nothing is required",
        "us-in-md",
        "2026-01-01",
        [],
        "met",
        {"opioids": "not-applicable"},
    ),
    # Iowa ----------------------------------------------------------------------------
    Case(
        "ia 40 category 1 hours are met without role-based trainings",
        "us-ia-md",
        "2027-03-01",
        [c("40", "2026-01-01")],
        "met",
        {
            "total": ("met", "40"),
            "opioids": "not-applicable",
            "end-of-life": "not-applicable",
            "child-abuse": "not-applicable",
        },
    ),
    Case(
        "ia 30 hours are short after the expiry",
        "us-ia-md",
        "2027-03-02",
        [c("30", "2026-01-01")],
        "not-met",
        {"total": ("not-met", "30")},
    ),
    Case(
        "ia up to 20 hours of the previous period carry in",
        "us-ia-md",
        "2027-03-01",
        [c("60", "2024-01-01"), c("20", "2026-01-01")],
        "met",
        {"total": ("met", "40")},
        carry_in="20",
    ),
    Case(
        "ia family medicine: end-of-life from 4 years ago counts, child abuse from 4 years ago does not",
        "us-ia-md",
        "2026-06-01",
        [
            c("40", "2025-06-01"),
            c("2", "2023-01-01", "ama-pra-1", "end-of-life-care"),
            c("2", "2023-06-01", "attendance", "child-abuse"),
            c("2", "2025-01-01", "attendance", "elder-abuse"),
        ],
        "on-track",
        {
            "total": ("met", "40"),
            "end-of-life": ("met", "2"),
            "child-abuse": ("on-track", "0"),
            "dependent-adult-abuse": ("met", "2"),
            "opioids": "not-applicable",
        },
        {"specialties": FAMILY_MEDICINE},
    ),
    Case(
        "ia opioid prescriber needs the CDC-guideline hours as category 1",
        "us-ia-md",
        "2026-06-01",
        [c("40", "2025-06-01"), c("2", "2025-07-01", "ama-pra-2", "opioid-prescribing")],
        "on-track",
        {"opioids": ("on-track", "0")},
        {"dea_registrant": True},
    ),
    # Illinois (2023-08-01 .. 2026-07-31) ---------------------------------------------
    Case(
        "il met with every topic, cultural competency from four years ago",
        "us-il-md",
        "2026-07-31",
        [
            c("140", "2024-01-01"),
            c("1", "2024-02-01", "ama-pra-1", "sexual-harassment"),
            c("1", "2024-03-01", "ama-pra-1", "implicit-bias"),
            c("1", "2022-01-01", "ama-pra-1", "cultural-competency"),
            c("1", "2025-01-01", "ama-pra-1", "dementia"),
            c("1", "2025-02-01", "attendance", "child-abuse"),
            c("1", "2025-03-01", "ama-pra-2", "opioid-prescribing"),
            c("10", "2026-01-01", "ama-pra-2"),
        ],
        "met",
        {
            "total": ("met", "154"),
            "formal": "met",
            "cultural-competency": ("met", "1"),
            "child-abuse": ("met", "1"),
            "opioids": ("met", "1"),
        },
        {"dea_registrant": True},
    ),
    Case(
        "il 150 informal hours leave the formal 60 and the topics open",
        "us-il-md",
        "2026-06-01",
        [c("150", "2024-01-01", "ama-pra-2")],
        "on-track",
        {"total": ("met", "150"), "formal": ("on-track", "0"), "opioids": "not-applicable"},
    ),
    Case(
        "il the day after the prerenewal period belongs to the next",
        "us-il-md",
        "2026-08-01",
        [c("150", "2024-01-01")],
        "on-track",
        {"total": ("on-track", "0")},
    ),
    Case(
        "il first renewal needs only the opioid hour, the reporter training and dementia",
        "us-il-md",
        "2026-06-01",
        [
            c("1", "2024-06-01", "ama-pra-1", "opioid-prescribing"),
            c("1", "2024-07-01", "attendance", "child-abuse"),
            c("1", "2025-01-01", "ama-pra-1", "dementia"),
        ],
        "met",
        {
            "total": "not-applicable",
            "formal": "not-applicable",
            "sexual-harassment": "not-applicable",
            "cultural-competency": "not-applicable",
            "dementia": ("met", "1"),
            "opioids": ("met", "1"),
        },
        {"dea_registrant": True, "started_on": date(2024, 1, 1)},
    ),
    # Kansas --------------------------------------------------------------------------
    Case(
        "ks 50 hours with 21 category 1 and the opioid hour are met, 18 months back",
        "us-ks-md",
        "2027-06-30",
        [
            c("29", "2026-01-01", "ama-pra-2"),
            c("20", "2026-09-01"),
            c("1", "2026-10-01", "ama-pra-1", "opioid-prescribing"),
        ],
        "met",
        {"total": ("met", "50"), "category-1": ("met", "21"), "opioids": ("met", "1")},
    ),
    Case(
        "ks category 2 only is short of category 1 after the expiry",
        "us-ks-md",
        "2027-07-01",
        [c("50", "2026-08-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "50"), "category-1": ("not-met", "0"), "opioids": "not-met"},
    ),
    Case(
        "ks a DO's 18 months end on 30 September: the day before they start is outside",
        "us-ks-md",
        "2027-09-30",
        [
            c("50", "2026-03-30", "aoa-1a", "pain-management"),
            c("50", "2026-03-31", "aoa-1a", "pain-management"),
        ],
        "met",
        {"total": ("met", "50"), "category-1": ("met", "50")},
        {"anchors": Anchors(license_expiry=date(2027, 9, 30)), "degree": "DO"},
    ),
    # Kentucky (2025-01-01 .. 2027-12-31) ---------------------------------------------
    Case(
        "ky 60 hours, 30 category 1 and the KASPER hours are met",
        "us-ky-md",
        "2027-12-31",
        [
            c("30", "2025-06-01"),
            c("25.5", "2026-01-01", "ama-pra-2"),
            c("4.5", "2026-06-01", "ama-pra-2", "prescription-monitoring", "pain-management"),
        ],
        "met",
        {
            "total": ("met", "60"),
            "category-1": ("met", "30"),
            "controlled-substances": ("met", "4.5"),
            "abusive-head-trauma": "not-applicable",
        },
        {"dea_registrant": True},
    ),
    Case(
        "ky category 2 alone leaves category 1 open",
        "us-ky-md",
        "2027-06-01",
        [c("60", "2025-06-01", "ama-pra-2")],
        "on-track",
        {"total": ("met", "60"), "category-1": ("on-track", "0")},
    ),
    Case(
        "ky pediatrician's one-time trainings from years ago still count",
        "us-ky-md",
        "2027-06-01",
        [
            c("60", "2025-06-01"),
            c("1", "2016-01-01", "ama-pra-1", "abusive-head-trauma"),
            c("3", "2010-01-01", "ama-pra-2", "domestic-violence"),
        ],
        "met",
        {"abusive-head-trauma": ("met", "1"), "domestic-violence": ("met", "3")},
        {"specialties": frozenset({"Pediatrics"})},
    ),
    Case(
        "ky the day after the cycle belongs to the next",
        "us-ky-md",
        "2028-01-01",
        [c("60", "2027-06-01")],
        "on-track",
        {"total": ("on-track", "0")},
    ),
    # Louisiana (birth month March) ---------------------------------------------------
    Case(
        "la 20 category 1 hours in the year to the birth month are met",
        "us-la-md",
        "2027-03-31",
        [c("20", "2026-04-01")],
        "met",
        {"total": ("met", "20"), "controlled-substances": "not-applicable"},
    ),
    Case(
        "la the day after the birth month starts the next year",
        "us-la-md",
        "2027-04-01",
        [c("20", "2026-04-01")],
        "on-track",
        {"total": ("on-track", "0")},
    ),
    Case(
        "la CDS hours once in 2019 still count; category 2 does not",
        "us-la-md",
        "2026-12-01",
        [
            c("3", "2019-05-01", "ama-pra-1", "controlled-substances"),
            c("20", "2026-06-01", "ama-pra-2"),
        ],
        "behind",
        {"controlled-substances": ("met", "3"), "total": ("behind", "0")},
        {"dea_registrant": True},
    ),
    # Maine MD ------------------------------------------------------------------------
    Case(
        "me md 40 category 1 with 3 opioid hours are met",
        "us-me-md",
        "2026-08-31",
        [c("37", "2025-01-01"), c("3", "2025-02-01", "ama-pra-1", "opioid-prescribing")],
        "met",
        {"total": ("met", "40"), "opioids": ("met", "3")},
    ),
    Case(
        "me md opioid hours must be category 1, whether or not one prescribes",
        "us-me-md",
        "2026-09-01",
        [c("40", "2025-01-01"), c("3", "2025-03-01", "ama-pra-2", "opioid-prescribing")],
        "not-met",
        {"total": ("met", "40"), "opioids": ("not-met", "0")},
    ),
    Case(
        "me md a license issued in September 2025 needs 11 of 24 months' share",
        "us-me-md",
        "2026-08-31",
        [c("17", "2025-10-01"), c("1.5", "2025-11-01", "ama-pra-1", "opioid-prescribing")],
        "met",
        {"total": ("met", "18.5"), "opioids": ("met", "1.5")},
        {"started_on": date(2025, 9, 15)},
    ),
    # Maine DO ------------------------------------------------------------------------
    Case(
        "me do 100 hours with 43 osteopathic and the opioid hours are met",
        "us-me-do",
        "2026-12-31",
        [
            c("40", "2025-03-01", "aoa-1a"),
            c("57", "2025-06-01", "ama-pra-2"),
            c("3", "2025-07-01", "aoa-1a", "opioid-prescribing"),
        ],
        "met",
        {"total": ("met", "100"), "osteopathic": "met", "opioids": ("met", "3")},
        {"dea_registrant": True, "degree": "DO"},
    ),
    Case(
        "me do 100 allopathic hours miss the osteopathic 40 after the expiry",
        "us-me-do",
        "2027-01-01",
        [c("100", "2025-03-01")],
        "not-met",
        {"total": ("met", "100"), "osteopathic": ("not-met", "0")},
        {"degree": "DO"},
    ),
    Case(
        "me do a non-prescriber owes no opioid hours",
        "us-me-do",
        "2026-06-01",
        [c("60", "2025-03-01", "aoa-1b")],
        "behind",
        {"osteopathic": "met", "opioids": "not-applicable", "total": "behind"},
        {"degree": "DO"},
    ),
    # Maryland ------------------------------------------------------------------------
    Case(
        "md 50 hours, 25 category 1, the opioid credit and the bias training are met",
        "us-md-md",
        "2027-09-30",
        [
            c("24", "2026-01-01"),
            c("1", "2026-02-01", "ama-pra-1", "opioid-prescribing"),
            c("25", "2026-03-01", "ama-pra-2"),
            c("0.25", "2022-09-01", "attendance", "implicit-bias"),
        ],
        "met",
        {
            "total": ("met", "50"),
            "category-1": ("met", "25"),
            "opioids": ("met", "1"),
            "implicit-bias": ("met", "0.25"),
            "cds-prescribing": "not-applicable",
        },
    ),
    Case(
        "md category 2 only misses category 1, the opioid credit and the training",
        "us-md-md",
        "2027-10-01",
        [c("50", "2026-01-01", "ama-pra-2")],
        "not-met",
        {
            "total": ("met", "50"),
            "category-1": ("not-met", "0"),
            "opioids": ("not-met", "0"),
            "implicit-bias": ("not-met", "0"),
        },
    ),
    Case(
        "md a 2018 CDS course meets the one-time duty but not this renewal's opioid credit",
        "us-md-md",
        "2026-06-01",
        [c("2", "2018-01-01", "ama-pra-1", "controlled-substances")],
        "behind",
        {"cds-prescribing": ("met", "2"), "opioids": ("on-track", "0")},
        {"dea_registrant": True},
    ),
    # Massachusetts -------------------------------------------------------------------
    Case(
        "ma met with the per-cycle topics and one-time trainings from years ago",
        "us-ma-md",
        "2027-05-14",
        [
            c("25", "2025-06-01"),
            c("10", "2025-07-01", "ama-pra-1", "risk-management"),
            c("3", "2025-08-01", "ama-pra-1", "opioid-prescribing"),
            c("2", "2025-09-01", "ama-pra-1", "implicit-bias"),
            c("10", "2025-10-01", "ama-pra-2"),
            c("2", "2015-01-01", "ama-pra-2", "end-of-life-care"),
            c("1", "2018-01-01", "ama-pra-2", "dementia"),
            c("0.5", "2012-01-01", "attendance", "child-abuse"),
            c("0.5", "2012-01-01", "attendance", "domestic-violence"),
        ],
        "met",
        {
            "total": ("met", "50"),
            "category-1": "met",
            "risk-management": "met",
            "board-regulations": "met",
            "opioids": "met",
            "end-of-life": ("met", "2"),
            "child-abuse": ("met", "0.5"),
        },
        {"dea_registrant": True},
    ),
    Case(
        "ma 50 category 2 hours miss category 1 and the topics after the expiry",
        "us-ma-md",
        "2027-05-15",
        [c("50", "2025-06-01", "ama-pra-2")],
        "not-met",
        {
            "total": ("met", "50"),
            "category-1": ("not-met", "0"),
            "risk-management": ("not-met", "0"),
            "opioids": "not-applicable",
        },
    ),
    Case(
        "ma end-of-life hours from ten years ago meet the one-time duty",
        "us-ma-md",
        "2026-06-01",
        [c("2", "2016-01-01", "ama-pra-2", "end-of-life-care")],
        "behind",
        {"end-of-life": ("met", "2"), "opioids": "not-applicable", "total": ("behind", "0")},
    ),
    # Minnesota -----------------------------------------------------------------------
    Case(
        "mn 75 category 1 hours with the prescriber's opioid hours are met",
        "us-mn-md",
        "2027-12-31",
        [c("73", "2025-06-01"), c("2", "2026-01-01", "ama-pra-1", "opioid-prescribing")],
        "met",
        {"total": ("met", "75"), "opioids": ("met", "2")},
        {"dea_registrant": True},
    ),
    Case(
        "mn category 2 is not accepted: nothing counts after the expiry",
        "us-mn-md",
        "2028-01-01",
        [c("75", "2025-06-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "0")},
    ),
    Case(
        "mn the day before the cycle is outside, its first day inside",
        "us-mn-md",
        "2026-12-31",
        [c("40", "2024-12-31"), c("55", "2025-01-01")],
        "on-track",
        {"total": ("on-track", "55"), "opioids": "not-applicable"},
    ),
    # Florida DO (2024-04-01 .. 2026-03-31) -------------------------------------------
    Case(
        "fl do met: 40 hours, 20 AOA 1-A, the renewal topics, domestic violence 5 years ago",
        "us-fl-do",
        "2026-03-31",
        [
            c("15", "2024-05-01", "aoa-1a"),
            c("1", "2024-06-01", "aoa-1a", "ethics"),
            c("2", "2024-07-01", "aoa-1a", "medical-errors"),
            c("2", "2024-08-01", "aoa-1a", "controlled-substances"),
            c("2", "2021-01-01", "ama-pra-1", "domestic-violence"),
            c("20", "2025-01-01"),
        ],
        "met",
        {
            "total": ("met", "40"),
            "aoa-1a": ("met", "20"),
            "domestic-violence": ("met", "2"),
            "hiv-aids": "not-applicable",
        },
        {"dea_registrant": True, "degree": "DO"},
    ),
    Case(
        "fl do the day after the biennium belongs to the next",
        "us-fl-do",
        "2026-04-01",
        [c("40", "2025-01-01", "aoa-1a")],
        "on-track",
        {"total": ("on-track", "0")},
        {"degree": "DO"},
    ),
    Case(
        "fl do first renewal asks for the HIV/AIDS hour",
        "us-fl-do",
        "2025-06-01",
        [c("1", "2024-10-01", "ama-pra-1", "hiv-aids")],
        "behind",
        {"hiv-aids": ("met", "1"), "controlled-substances": "not-applicable"},
        {"degree": "DO", "started_on": date(2024, 9, 1)},
    ),
    Case(
        "fl do domestic violence seven years ago is too old",
        "us-fl-do",
        "2026-01-01",
        [c("2", "2019-01-01", "ama-pra-1", "domestic-violence")],
        "behind",
        {"domestic-violence": ("on-track", "0")},
        {"degree": "DO"},
    ),
]
