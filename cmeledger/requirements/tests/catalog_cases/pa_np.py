"""Table cases for the PA and NP license sets (CA, TX, FL, NY, PA, OH, MI; IL, NC, MD, NE, WA).

Each case was worked out by hand from the set's source before it was run; the cycle each
state's cases use is named beside them. Calendar sets (FL PA, PA PA, OH NP) cannot be
judged on a day after their biennium here (that day belongs to the next one), so their
short cases are judged on the last days of the biennium instead.
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.tests.catalog_cases import Case, c

PA = {"degree": "PA"}
PA_DEA = {"degree": "PA", "dea_registrant": True}
NP = {"degree": "NP"}
NP_DEA = {"degree": "NP", "dea_registrant": True}
CH = "ancc-contact-hour"

CASES = [
    # California PA (cycle 2025-05-01 .. 2027-04-30) -----------------------------------
    Case(
        "ca pa met with 50 category 1 hours from aapa and ama",
        "us-ca-pa",
        "2027-04-01",
        [c("30", "2025-06-01", "aapa-1"), c("20", "2026-01-01", "ama-pra-1")],
        "met",
        {"total": ("met", "50")},
        PA,
    ),
    Case(
        "ca pa not met after the cycle: category 2 does not count",
        "us-ca-pa",
        "2027-05-01",
        [c("40", "2025-06-01", "aapa-1"), c("10", "2026-01-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "40")},
        PA,
    ),
    Case(
        "ca pa hours from the day before the cycle do not count and 45 is not met on expiry day",
        "us-ca-pa",
        "2027-04-30",
        [c("10", "2025-04-30", "aapa-1"), c("45", "2025-05-01", "aapa-1")],
        "not-met",  # the last day is the deadline (issue 19)
        {"total": ("not-met", "45")},
        PA,
    ),
    # California NP (cycle 2025-07-01 .. 2027-06-30) -----------------------------------
    Case(
        "ca np met with contact hours and category 1 hour for hour",
        "us-ca-np",
        "2027-06-01",
        [c("20", "2025-08-01", CH), c("10", "2026-02-01", "ama-pra-1")],
        "met",
        {"total": ("met", "30")},
        NP,
    ),
    Case(
        "ca np not met after the cycle: aapa credit is not a nursing contact hour",
        "us-ca-np",
        "2027-07-01",
        [c("25", "2025-08-01", CH), c("5", "2026-02-01", "aapa-1")],
        "not-met",
        {"total": ("not-met", "25")},
        NP,
    ),
    Case(
        "ca np first renewal still asks the 30 hours (the waiver is not computed)",
        "us-ca-np",
        "2027-07-01",
        [],
        "not-met",
        {"total": ("not-met", "0")},
        {"degree": "NP", "started_on": date(2026, 1, 1)},
    ),
    # Texas PA (cycle 2025-03-01 .. 2027-02-28) -----------------------------------------
    Case(
        "tx pa met with 21 formal hours including trafficking and the opioid hours",
        "us-tx-pa",
        "2027-02-01",
        [
            c("18", "2025-04-01", "aapa-1"),
            c("1", "2025-05-01", "aapa-1", "human-trafficking"),
            c("2", "2025-06-01", "ama-pra-1", "opioid-prescribing"),
            c("19", "2026-01-01", "ama-pra-2"),
        ],
        "met",
        {
            "total": ("met", "40"),
            "formal": ("met", "21"),
            "human-trafficking": ("met", "1"),
            "opioids": ("met", "2"),
        },
        PA,
    ),
    Case(
        "tx pa not met after the cycle with 18 formal hours though the total is met",
        "us-tx-pa",
        "2027-03-01",
        [
            c("15", "2025-04-01", "aapa-1"),
            c("1", "2025-05-01", "aapa-1", "human-trafficking"),
            c("2", "2025-06-01", "ama-pra-1", "opioid-prescribing"),
            c("22", "2026-01-01", "ama-pra-2"),
        ],
        "not-met",
        {"total": ("met", "40"), "formal": ("not-met", "18")},
        PA,
    ),
    Case(
        "tx pa without direct patient care owes no trafficking course; category 2 course no use",
        "us-tx-pa",
        "2027-02-01",
        [
            c("20", "2025-04-01", "aapa-1"),
            c("2", "2025-05-01", "aapa-1", "pain-management"),
            c("1", "2025-06-01", "ama-pra-2", "human-trafficking"),
            c("17", "2026-01-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "40"), "formal": ("met", "22"), "human-trafficking": "not-applicable"},
        {"degree": "PA", "direct_patient_care": False},
    ),
    # Texas NP (cycle 2025-09-01 .. 2027-08-31) -----------------------------------------
    Case(
        "tx np met: pharmacotherapeutics, opioid hours each year, ethics within 6 years",
        "us-tx-np",
        "2027-08-01",
        [
            c("5", "2025-10-01", CH, "pharmacology"),
            c("2", "2025-12-01", CH, "opioid-prescribing"),
            c("2", "2026-12-01", CH, "opioid-prescribing"),
            c("2", "2022-01-01", CH, "ethics"),
        ],
        "met",
        {
            "pharmacotherapeutics": ("met", "5"),
            "opioids-year-1": ("met", "2"),
            "opioids-year-2": ("met", "2"),
            "jurisprudence-ethics": ("met", "2"),
        },
        NP_DEA,
    ),
    Case(
        "tx np not met after the cycle: no opioid hours in the second year",
        "us-tx-np",
        "2027-09-01",
        [
            c("5", "2025-10-01", CH, "pharmacology"),
            c("2", "2025-12-01", CH, "opioid-prescribing"),
            c("2", "2024-01-01", CH, "ethics"),
        ],
        "not-met",
        {
            "pharmacotherapeutics": "met",
            "opioids-year-1": ("met", "2"),
            "opioids-year-2": ("not-met", "0"),
        },
        NP_DEA,
    ),
    Case(
        "tx np without dea owes no opioid hours; an ama pharmacology course is not counted",
        "us-tx-np",
        "2027-03-01",
        [c("5", "2025-10-01", "ama-pra-1", "pharmacology"), c("2", "2024-01-01", CH, "ethics")],
        "on-track",
        {
            "pharmacotherapeutics": ("on-track", "0"),
            "opioids-year-1": "not-applicable",
            "opioids-year-2": "not-applicable",
            "jurisprudence-ethics": "met",
        },
        NP,
    ),
    # Florida PA (biennium 2026-02-01 .. 2028-01-31) ------------------------------------
    Case(
        "fl pa met with 60 category 1, the specialty hours and domestic violence from 2023",
        "us-fl-pa",
        "2028-01-15",
        [
            c("48", "2026-03-01", "aapa-1"),
            c("2", "2026-04-01", "ama-pra-1", "medical-errors"),
            c("10", "2026-05-01", "ama-pra-1", specialty_related=True),
            c("40", "2026-06-01", "ama-pra-2"),
            c("2", "2023-01-01", "ama-pra-1", "domestic-violence"),
        ],
        "met",
        {
            "total": ("met", "100"),
            "category-1": ("met", "60"),
            "medical-errors": ("met", "2"),
            "domestic-violence": ("met", "2"),
            "hiv-aids": "not-applicable",
            "prescribing-specialty": ("met", "10"),
        },
        PA,
    ),
    Case(
        "fl pa 80 hours two days before the biennium ends is behind; old domestic violence",
        "us-fl-pa",
        "2028-01-30",
        [
            c("40", "2026-03-01", "aapa-1"),
            c("2", "2026-04-01", "ama-pra-1", "medical-errors"),
            c("10", "2026-05-01", "ama-pra-1", specialty_related=True),
            c("28", "2026-06-01", "ama-pra-2"),
            c("2", "2021-01-01", "ama-pra-1", "domestic-violence"),
        ],
        "behind",
        {
            "total": ("behind", "80"),
            "category-1": ("met", "52"),
            "domestic-violence": ("on-track", "0"),
        },
        PA,
    ),
    Case(
        "fl pa first renewal: a category 2 hiv hour does not count",
        "us-fl-pa",
        "2027-06-01",
        [c("1", "2026-04-01", "ama-pra-2", "hiv-aids")],
        "behind",
        {"hiv-aids": ("on-track", "0"), "total": ("behind", "1")},
        {"degree": "PA", "started_on": date(2026, 3, 1)},
    ),
    # Florida NP (cycle 2025-05-01 .. 2027-04-30) ---------------------------------------
    Case(
        "fl np met with the controlled-substance and trafficking courses",
        "us-fl-np",
        "2027-04-01",
        [
            c("3", "2025-06-01", "ama-pra-1", "controlled-substances"),
            c("2", "2025-07-01", CH, "human-trafficking"),
        ],
        "met",
        {"controlled-substances": ("met", "3"), "human-trafficking": ("met", "2")},
        NP,
    ),
    Case(
        "fl np not met after the cycle: an aapa course is not accepted",
        "us-fl-np",
        "2027-05-01",
        [
            c("3", "2025-06-01", "aapa-1", "controlled-substances"),
            c("2", "2025-07-01", CH, "human-trafficking"),
        ],
        "not-met",
        {"controlled-substances": ("not-met", "0"), "human-trafficking": "met"},
        NP,
    ),
    Case(
        "fl np one trafficking hour is short while the prescribing hours add up",
        "us-fl-np",
        "2026-12-01",
        [
            c("2", "2025-06-01", CH, "opioid-prescribing"),
            c("1", "2026-06-01", CH, "controlled-substances"),
            c("1", "2025-07-01", CH, "human-trafficking"),
        ],
        "on-track",
        {"controlled-substances": ("met", "3"), "human-trafficking": ("on-track", "1")},
        NP_DEA,
    ),
    # New York PA (cycle 2025-07-01 .. 2027-06-30) --------------------------------------
    Case(
        "ny pa met: infection control within 4 years, pain hours within 3",
        "us-ny-pa",
        "2027-06-01",
        [
            c("1", "2024-01-01", "ama-pra-1", "infection-control"),
            c("3", "2025-01-01", "ama-pra-1", "pain-management"),
        ],
        "met",
        {"infection-control": ("met", "1"), "pain-palliative-addiction": ("met", "3")},
        PA_DEA,
    ),
    Case(
        "ny pa not met after the cycle: infection control more than 4 years old",
        "us-ny-pa",
        "2027-07-01",
        [c("1", "2023-01-01", "ama-pra-1", "infection-control")],
        "not-met",
        {"infection-control": ("not-met", "0"), "pain-palliative-addiction": "not-applicable"},
        PA,
    ),
    Case(
        "ny pa pain course 3 years and 2 months before the cycle ends is too old",
        "us-ny-pa",
        "2027-01-01",
        [
            c("1", "2025-01-01", "attendance", "infection-control"),
            c("3", "2024-05-01", "ama-pra-1", "pain-management"),
        ],
        "on-track",
        {"infection-control": "met", "pain-palliative-addiction": ("on-track", "0")},
        PA_DEA,
    ),
    # New York NP (cycle 2024-10-01 .. 2027-09-30, 3 years) -----------------------------
    Case(
        "ny np met with child abuse once, infection control and pain hours",
        "us-ny-np",
        "2027-09-01",
        [
            c("3", "2010-05-01", CH, "child-abuse"),
            c("4", "2024-02-01", CH, "infection-control"),
            c("3", "2025-01-01", CH, "pain-management"),
        ],
        "met",
        {
            "child-abuse": ("met", "3"),
            "infection-control": ("met", "4"),
            "pain-palliative-addiction": ("met", "3"),
        },
        NP_DEA,
    ),
    Case(
        "ny np not met after the cycle with a 2-hour child-abuse course",
        "us-ny-np",
        "2027-10-01",
        [c("2", "2015-01-01", CH, "child-abuse"), c("4", "2025-01-01", CH, "infection-control")],
        "not-met",
        {"child-abuse": ("not-met", "2"), "infection-control": "met"},
        NP,
    ),
    Case(
        "ny np attendance certificates and split pain topics count",
        "us-ny-np",
        "2026-06-01",
        [
            c("3", "2012-01-01", "attendance", "child-abuse"),
            c("4", "2025-03-01", "attendance", "infection-control"),
            c("1", "2025-04-01", CH, "palliative-care"),
            c("2", "2025-05-01", CH, "addiction"),
        ],
        "met",
        {"pain-palliative-addiction": ("met", "3"), "infection-control": ("met", "4")},
        NP_DEA,
    ),
    # Pennsylvania PA (biennium 2025-01-01 .. 2026-12-31) -------------------------------
    Case(
        "pa pa met with child abuse and opioid hours",
        "us-pa-pa",
        "2026-12-01",
        [
            c("2", "2025-03-01", "attendance", "child-abuse"),
            c("2", "2025-04-01", "aapa-1", "opioid-prescribing"),
        ],
        "met",
        {"child-abuse": ("met", "2"), "opioids": ("met", "2")},
        PA_DEA,
    ),
    Case(
        "pa pa without child abuse hours on the last day of the biennium is short",
        "us-pa-pa",
        "2026-12-31",
        [c("2", "2025-04-01", "aapa-1", "opioid-prescribing")],
        "not-met",  # the last day is the deadline (issue 19)
        {"child-abuse": ("not-met", "0"), "opioids": "met"},
        PA_DEA,
    ),
    Case(
        "pa pa the day after the biennium starts the next with nothing counted",
        "us-pa-pa",
        "2027-01-01",
        [c("2", "2025-03-01", "attendance", "child-abuse")],
        "on-track",
        {"child-abuse": ("on-track", "0"), "opioids": "not-applicable"},
        PA,
    ),
    # Pennsylvania NP (cycle 2024-11-01 .. 2026-10-31) ----------------------------------
    Case(
        "pa np met with 16 pharmacology hours inside the 30",
        "us-pa-np",
        "2026-10-01",
        [c("16", "2025-01-01", CH, "pharmacology"), c("14", "2025-06-01", "ama-pra-1")],
        "met",
        {"total": ("met", "30"), "pharmacology": ("met", "16"), "opioids": "not-applicable"},
        NP,
    ),
    Case(
        "pa np not met after the cycle with 10 pharmacology hours though the total is met",
        "us-pa-np",
        "2026-11-01",
        [c("10", "2025-01-01", CH, "pharmacology"), c("20", "2025-06-01", CH)],
        "not-met",
        {"total": ("met", "30"), "pharmacology": ("not-met", "10")},
        NP,
    ),
    Case(
        "pa np dea registrant with the opioid hours is on track at 28 in june",
        "us-pa-np",
        "2026-06-01",
        [
            c("16", "2025-01-01", CH, "pharmacology"),
            c("2", "2025-03-01", CH, "opioid-prescribing"),
            c("10", "2025-06-01", CH),
        ],
        "on-track",
        {"total": ("on-track", "28"), "pharmacology": "met", "opioids": ("met", "2")},
        NP_DEA,
    ),
    # Ohio PA (cycle 2025-02-01 .. 2027-01-31) ------------------------------------------
    Case(
        "oh pa met with 100 hours and 12 pharmacology hours",
        "us-oh-pa",
        "2027-01-15",
        [
            c("12", "2025-03-01", "aapa-1", "pharmacology"),
            c("60", "2025-06-01", "ama-pra-1"),
            c("40", "2026-06-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "112"), "pharmacology": ("met", "12")},
        PA,
    ),
    Case(
        "oh pa not met after the cycle: 100 hours without pharmacology",
        "us-oh-pa",
        "2027-02-01",
        [c("60", "2025-06-01", "ama-pra-1"), c("40", "2026-06-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "100"), "pharmacology": ("not-met", "0")},
        PA,
    ),
    Case(
        "oh pa pharmacology hours beyond 12 count toward the 100",
        "us-oh-pa",
        "2027-01-31",
        [c("20", "2025-03-01", "aapa-1", "pharmacology"), c("92", "2025-06-01", "ama-pra-1")],
        "met",
        {"total": ("met", "112"), "pharmacology": ("met", "20")},
        PA,
    ),
    # Ohio NP (biennium 2025-11-01 .. 2027-10-31) ---------------------------------------
    Case(
        "oh np met with 48 contact hours, category a and 12 pharmacology hours",
        "us-oh-np",
        "2027-10-01",
        [
            c("12", "2025-12-01", CH, "pharmacology"),
            c("1", "2026-01-01", CH, "ethics"),
            c("35", "2026-06-01", CH),
        ],
        "met",
        {
            "rn-total": ("met", "48"),
            "category-a": ("met", "1"),
            "aprn-total": ("met", "48"),
            "pharmacology": ("met", "12"),
        },
        NP,
    ),
    Case(
        "oh np 24 hours the day before the biennium ends meets the rn but not the aprn",
        "us-oh-np",
        "2027-10-30",
        [
            c("12", "2025-12-01", CH, "pharmacology"),
            c("1", "2026-01-01", CH, "ethics"),
            c("11", "2026-06-01", CH),
        ],
        "behind",
        {"rn-total": ("met", "24"), "aprn-total": ("behind", "24"), "pharmacology": "met"},
        NP,
    ),
    Case(
        "oh np first renewal needs no rn hours or category a, still the aprn hours",
        "us-oh-np",
        "2027-06-01",
        [c("12", "2026-02-01", CH, "pharmacology"), c("36", "2026-03-01", "ama-pra-1")],
        "met",
        {
            "rn-total": "not-applicable",
            "category-a": "not-applicable",
            "aprn-total": ("met", "48"),
        },
        {"degree": "NP", "started_on": date(2026, 1, 1)},
    ),
    # Michigan PA (cycle 2025-04-01 .. 2028-03-31, 3 years) -----------------------------
    Case(
        "mi pa met with 3 implicit bias hours and the one-time trainings",
        "us-mi-pa",
        "2028-03-01",
        [
            c("3", "2025-05-01", "ama-pra-1", "implicit-bias"),
            c("1", "2019-01-01", "attendance", "human-trafficking"),
            c("1", "2018-06-01", "attendance", "opioid-prescribing"),
        ],
        "met",
        {
            "implicit-bias": ("met", "3"),
            "human-trafficking": ("met", "1"),
            "opioid-awareness": ("met", "1"),
        },
        PA_DEA,
    ),
    Case(
        "mi pa not met after the cycle with 2 implicit bias hours",
        "us-mi-pa",
        "2028-04-01",
        [
            c("2", "2025-05-01", "aapa-1", "implicit-bias"),
            c("1", "2019-01-01", "attendance", "human-trafficking"),
        ],
        "not-met",
        {
            "implicit-bias": ("not-met", "2"),
            "human-trafficking": "met",
            "opioid-awareness": "not-applicable",
        },
        PA,
    ),
    Case(
        "mi pa implicit bias from the day before the cycle does not carry; any trafficking course",
        "us-mi-pa",
        "2027-01-01",
        [
            c("3", "2025-03-31", "ama-pra-1", "implicit-bias"),
            c("1", "2020-01-01", CH, "human-trafficking"),
        ],
        "on-track",
        {"implicit-bias": ("on-track", "0"), "human-trafficking": ("met", "1")},
        PA,
    ),
    # Michigan NP (cycle 2025-04-01 .. 2027-03-31) --------------------------------------
    Case(
        "mi np met with 25 hours including pain and implicit bias, and the trainings",
        "us-mi-np",
        "2027-03-01",
        [
            c("2", "2025-05-01", CH, "pain-management"),
            c("2", "2025-06-01", CH, "implicit-bias"),
            c("21", "2026-01-01", "ama-pra-1"),
            c("1", "2018-01-01", "attendance", "human-trafficking"),
            c("1", "2019-01-01", "attendance", "opioid-prescribing"),
        ],
        "met",
        {
            "total": ("met", "25"),
            "pain": ("met", "2"),
            "implicit-bias": ("met", "2"),
            "human-trafficking": ("met", "1"),
            "opioid-awareness": ("met", "1"),
        },
        NP_DEA,
    ),
    Case(
        "mi np not met after the cycle without pain hours though the total is met",
        "us-mi-np",
        "2027-04-01",
        [
            c("25", "2025-06-01", CH),
            c("2", "2025-07-01", CH, "implicit-bias"),
            c("1", "2018-01-01", "attendance", "human-trafficking"),
        ],
        "not-met",
        {"total": ("met", "27"), "pain": ("not-met", "0"), "implicit-bias": "met"},
        NP,
    ),
    Case(
        "mi np 24 hours on the expiry day is not met though every topic is met",
        "us-mi-np",
        "2027-03-31",
        [
            c("2", "2025-05-01", CH, "implicit-bias"),
            c("2", "2025-06-01", CH, "pain-management"),
            c("20", "2026-01-01", CH),
            c("1", "2018-01-01", "attendance", "human-trafficking"),
        ],
        "not-met",  # the last day is the deadline (issue 19)
        {"total": ("not-met", "24"), "pain": "met", "implicit-bias": "met"},
        NP,
    ),
    # Illinois NP (cycle 2024-06-01 .. 2026-05-31) -------------------------------------
    Case(
        "il np met with 80 hours, 50 in programs, 20 pharmacotherapeutics, 10 on opioids",
        "us-il-np",
        "2026-05-01",
        [
            c("10", "2024-07-01", CH, "pharmacology"),
            c("10", "2024-08-01", CH, "opioid-prescribing"),
            c("30", "2025-01-01", "ama-pra-1"),
            c("30", "2025-06-01", "attendance"),
            c("1", "2022-01-01", CH, "cultural-competency"),
        ],
        "met",
        {
            "total": ("met", "80"),
            "programs": ("met", "50"),
            "pharmacotherapeutics": ("met", "20"),
            "opioids-substance-abuse": ("met", "10"),
            "safe-opioid-prescribing": ("met", "10"),
            "cultural-competency": ("met", "1"),
        },
        NP_DEA,
    ),
    Case(
        "il np not met after the cycle with 5 opioid hours though pharmacotherapeutics is met",
        "us-il-np",
        "2026-06-01",
        [
            c("15", "2024-07-01", CH, "pharmacology"),
            c("5", "2024-08-01", CH, "substance-use"),
            c("30", "2025-01-01", "ama-pra-1"),
            c("30", "2025-06-01", "attendance"),
            c("1", "2022-01-01", CH, "cultural-competency"),
        ],
        "not-met",
        {
            "total": ("met", "80"),
            "pharmacotherapeutics": ("met", "20"),
            "opioids-substance-abuse": ("not-met", "5"),
            "safe-opioid-prescribing": "not-applicable",
        },
        NP,
    ),
    Case(
        "il np attendance hours are not program hours; cultural competency from 2019 too old",
        "us-il-np",
        "2026-01-01",
        [
            c("10", "2024-07-01", CH, "pharmacology"),
            c("10", "2024-08-01", CH, "opioid-prescribing"),
            c("20", "2025-01-01", "ama-pra-1"),
            c("40", "2025-06-01", "attendance"),
            c("1", "2019-01-01", CH, "cultural-competency"),
        ],
        "on-track",
        {
            "total": ("met", "80"),
            "programs": ("on-track", "40"),
            "cultural-competency": ("on-track", "0"),
        },
        NP,
    ),
    # North Carolina NP (birth month June: 12 months to 2026-06-30) ---------------------
    Case(
        "nc np prescriber met with a controlled-substance hour in the last 12 months",
        "us-nc-np",
        "2026-06-15",
        [c("1", "2025-09-01", CH, "controlled-substances")],
        "met",
        {"controlled-substances": ("met", "1")},
        NP_DEA,
    ),
    Case(
        "nc np prescriber short on the last day: a course from before the 12 months is too old",
        "us-nc-np",
        "2026-06-30",
        [c("1", "2025-06-15", CH, "controlled-substances")],
        "not-met",  # the last day is the deadline (issue 19)
        {"controlled-substances": ("not-met", "0")},
        NP_DEA,
    ),
    Case(
        "nc np not prescribing controlled substances owes nothing certification does not meet",
        "us-nc-np",
        "2026-06-30",
        [],
        "met",
        {"controlled-substances": "not-applicable"},
        NP,
    ),
    # Maryland PA (cycle 2025-10-01 .. 2027-09-30) --------------------------------------
    Case(
        "md pa met with 8 pharmacology and 42 more category 1 hours",
        "us-md-pa",
        "2027-09-01",
        [c("8", "2025-11-01", "aapa-1", "pharmacology"), c("42", "2026-03-01", "ama-pra-1")],
        "met",
        {"total": ("met", "50"), "pharmacology": ("met", "8")},
        PA,
    ),
    Case(
        "md pa not met after the cycle: category 2 does not count",
        "us-md-pa",
        "2027-10-01",
        [
            c("8", "2025-11-01", "aapa-1", "pharmacology"),
            c("30", "2026-03-01", "ama-pra-1"),
            c("12", "2026-04-01", "ama-pra-2"),
        ],
        "not-met",
        {"total": ("not-met", "38"), "pharmacology": "met"},
        PA,
    ),
    Case(
        "md pa a category 2 pharmacology course is short while the total is met",
        "us-md-pa",
        "2027-03-01",
        [c("8", "2025-11-01", "ama-pra-2", "pharmacology"), c("50", "2026-01-01", "ama-pra-1")],
        "on-track",
        {"total": ("met", "50"), "pharmacology": ("on-track", "0")},
        PA,
    ),
    # Nebraska PA (cycle 2024-10-01 .. 2026-09-30) --------------------------------------
    Case(
        "ne pa met with 50 category 1 hours",
        "us-ne-pa",
        "2026-09-01",
        [c("50", "2025-01-01", "aapa-1")],
        "met",
        {"total": ("met", "50")},
        PA,
    ),
    Case(
        "ne pa not met after the cycle: category 2 does not count",
        "us-ne-pa",
        "2026-10-01",
        [c("40", "2025-01-01", "ama-pra-1"), c("10", "2025-02-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "40")},
        PA,
    ),
    Case(
        "ne pa carries at most 25 excess hours from the previous period",
        "us-ne-pa",
        "2026-09-01",
        [c("80", "2023-01-01", "aapa-1"), c("25", "2025-01-01", "aapa-1")],
        "met",
        {"total": ("met", "50")},
        PA,
        carry_in="25",
    ),
    # North Carolina PA (birth month June: 24 months to 2026-06-30) --------------------
    Case(
        "nc pa met with 50 category 1 hours including the controlled-substance hours",
        "us-nc-pa",
        "2026-06-15",
        [
            c("48", "2024-09-01", "aapa-1"),
            c("2", "2025-01-01", "ama-pra-1", "controlled-substances"),
        ],
        "met",
        {"total": ("met", "50"), "controlled-substances": ("met", "2")},
        PA_DEA,
    ),
    Case(
        "nc pa 40 category 1 hours on the last day of the period is not met",
        "us-nc-pa",
        "2026-06-30",
        [c("40", "2024-09-01", "aapa-1"), c("10", "2025-01-01", "ama-pra-2")],
        "not-met",  # the last day is the deadline (issue 19)
        {"total": ("not-met", "40"), "controlled-substances": "not-applicable"},
        PA,
    ),
    Case(
        "nc pa prescriber short of the controlled-substance hours while the total is met",
        "us-nc-pa",
        "2026-01-01",
        [c("50", "2024-09-01", "ama-pra-1")],
        "on-track",
        {"total": ("met", "50"), "controlled-substances": ("on-track", "0")},
        PA_DEA,
    ),
    # Washington PA (cycle 2025-02-01 .. 2027-01-31) ------------------------------------
    Case(
        "wa pa met with 40 category 1 and 60 category 2 hours and the opioid course",
        "us-wa-pa",
        "2027-01-15",
        [
            c("39", "2025-03-01", "aapa-1"),
            c("1", "2020-06-01", "ama-pra-1", "opioid-prescribing"),
            c("1", "2025-04-01", "ama-pra-1"),
            c("60", "2026-01-01", "ama-pra-2"),
        ],
        "met",
        {
            "total": ("met", "100"),
            "category-1": ("met", "40"),
            "opioid-prescribing": ("met", "1"),
        },
        PA_DEA,
    ),
    Case(
        "wa pa not met after the cycle with 30 category 1 hours though the total is met",
        "us-wa-pa",
        "2027-02-01",
        [c("30", "2025-03-01", "aapa-1"), c("70", "2026-01-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "100"), "category-1": ("not-met", "30")},
        PA,
    ),
    Case(
        "wa pa prescriber without the one-time opioid course while the hours are met",
        "us-wa-pa",
        "2026-06-01",
        [c("100", "2025-03-01", "ama-pra-1")],
        "on-track",
        {"total": ("met", "100"), "opioid-prescribing": ("on-track", "0")},
        PA_DEA,
    ),
]


def _expiry(day: str) -> dict:
    return {"license_expiry": date.fromisoformat(day)}


ANCHORS = {
    "us-ca-pa": _expiry("2027-04-30"),
    "us-ca-np": _expiry("2027-06-30"),
    "us-tx-pa": _expiry("2027-02-28"),
    "us-tx-np": _expiry("2027-08-31"),
    "us-fl-pa": {},  # calendar bienniums from 2024-02-01
    "us-fl-np": _expiry("2027-04-30"),
    "us-ny-pa": _expiry("2027-06-30"),
    "us-ny-np": _expiry("2027-09-30"),
    "us-pa-pa": {},  # calendar bienniums from 2025-01-01
    "us-pa-np": _expiry("2026-10-31"),
    "us-oh-pa": _expiry("2027-01-31"),
    "us-oh-np": {},  # calendar bienniums from 2025-11-01
    "us-mi-pa": _expiry("2028-03-31"),
    "us-mi-np": _expiry("2027-03-31"),
    "us-il-np": _expiry("2026-05-31"),
    "us-nc-np": {"birth_month": 6},
    "us-md-pa": _expiry("2027-09-30"),
    "us-ne-pa": _expiry("2026-09-30"),
    "us-nc-pa": {"birth_month": 6},
    "us-wa-pa": _expiry("2027-01-31"),
}
