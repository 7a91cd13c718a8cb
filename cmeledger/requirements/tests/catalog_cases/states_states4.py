"""Table cases for RI, SC, SD, TN, UT, VT, VA, WA and WV, and the DO sets of TX, NY and OH.

Each case was worked out by hand from the set's source before it was run. Cycles are
named beside each state's cases. A calendar set (VT MD) cannot be judged on a day after
its cycle here (the day belongs to the next cycle), so its short case is judged the day
before the cycle ends instead.
"""

from __future__ import annotations

from datetime import date

from cmeledger.requirements.tests.catalog_cases import Case, c

DO = {"degree": "DO"}
DEA = {"dea_registrant": True}
DO_DEA = {"degree": "DO", "dea_registrant": True}

CASES = [
    # Rhode Island MD/DO (cycle 2024-07-01 .. 2026-06-30) -------------------------------
    Case(
        "ri met; the one-time dementia hour from years ago still counts",
        "us-ri-md",
        "2026-06-01",
        [
            c("36", "2024-09-01"),
            c("4", "2025-01-01", "ama-pra-1", "risk-management"),
            c("1", "2020-03-01", "ama-pra-1", "dementia"),
        ],
        "met",
        {
            "total": ("met", "40"),
            "dementia": ("met", "1"),
            "public-health": ("met", "4"),
            "opioid-training": "not-applicable",
        },
    ),
    Case(
        "ri not met after the cycle: category 2 does not count toward the 40",
        "us-ri-md",
        "2026-07-01",
        [
            c("30", "2024-09-01"),
            c("10", "2025-01-01", "ama-pra-2"),
            c("4", "2025-02-01", "aoa-1a", "public-health"),
            c("1", "2025-03-01", "ama-pra-1", "dementia"),
        ],
        "not-met",
        {"total": ("not-met", "35"), "public-health": "met", "dementia": "met"},
        DO,
    ),
    Case(
        "ri dea registrant short of the one-time opioid training while the total is met",
        "us-ri-md",
        "2026-03-01",
        [
            c("40", "2024-09-01"),
            c("4", "2025-01-01", "ama-pra-1", "public-health"),
            c("1", "2021-01-01", "ama-pra-1", "dementia"),
            c("5", "2023-01-01", "ama-pra-1", "opioid-prescribing"),
        ],
        "on-track",
        {"total": ("met", "44"), "opioid-training": ("on-track", "5")},
        DEA,
    ),
    # South Carolina MD/DO (cycle 2025-07-01 .. 2027-06-30) -----------------------------
    Case(
        "sc met with 30 practice-area hours and the controlled-substance hours",
        "us-sc-md",
        "2027-06-01",
        [
            c("30", "2025-09-01", specialty_related=True),
            c("2", "2025-10-01", "ama-pra-1", "controlled-substances"),
            c("8", "2026-01-01", "aoa-1b"),
        ],
        "met",
        {
            "total": ("met", "40"),
            "practice-area": ("met", "30"),
            "controlled-substances": ("met", "2"),
        },
    ),
    Case(
        "sc not met after the cycle without practice-area hours, though the total is met",
        "us-sc-md",
        "2027-07-01",
        [c("40", "2025-09-01"), c("2", "2025-10-01", "ama-pra-1", "controlled-substances")],
        "not-met",
        {"total": ("met", "42"), "practice-area": ("not-met", "0")},
    ),
    Case(
        "sc first renewal after initial licensure needs no cme",
        "us-sc-md",
        "2027-07-01",
        [],
        "met",
        {
            "total": "not-applicable",
            "practice-area": "not-applicable",
            "controlled-substances": "not-applicable",
        },
        {"started_on": date(2025, 12, 1)},
    ),
    # South Dakota MD/DO: no CME (cycle 2026-01-01 .. 2026-12-31) -----------------------
    Case("sd requires no cme: met with nothing entered", "us-sd-md", "2026-06-01", [], "met"),
    Case(
        "sd stays met after the renewal day: there is nothing to miss",
        "us-sd-md",
        "2027-01-01",
        [c("5", "2026-03-01", "ama-pra-2")],
        "met",
        {},
        DO,
    ),
    # Tennessee MD (cycle 2025-04-01 .. 2027-03-31) -------------------------------------
    Case(
        "tn md met with the prescribing hours inside the 40",
        "us-tn-md",
        "2027-03-01",
        [c("38", "2025-06-01"), c("2", "2025-07-01", "aafp-prescribed", "controlled-substances")],
        "met",
        {"total": ("met", "40"), "controlled-substances": ("met", "2")},
        DEA,
    ),
    Case(
        "tn md not met after the cycle: category 2 does not count",
        "us-tn-md",
        "2027-04-01",
        [c("30", "2025-06-01"), c("10", "2025-07-01", "ama-pra-2")],
        "not-met",
        {"total": ("not-met", "30"), "controlled-substances": "not-applicable"},
    ),
    Case(
        "tn md prescribing hours the day before the cycle do not count",
        "us-tn-md",
        "2026-12-01",
        [c("40", "2025-06-01"), c("2", "2025-03-31", "ama-pra-1", "controlled-substances")],
        "on-track",
        {"total": ("met", "40"), "controlled-substances": ("on-track", "0")},
        DEA,
    ),
    # Tennessee DO (cycle 2025-06-01 .. 2027-05-31) -------------------------------------
    Case(
        "tn do met with aoa 1-a and ama category 1 (aoa 2-a)",
        "us-tn-do",
        "2027-05-01",
        [
            c("20", "2025-07-01", "aoa-1a"),
            c("2", "2025-08-01", "aoa-1a", "controlled-substances"),
            c("18", "2026-01-01", "ama-pra-1"),
        ],
        "met",
        {"total": ("met", "40"), "controlled-substances": ("met", "2")},
        DO_DEA,
    ),
    Case(
        "tn do not met: at most 20 of aoa 1-b count",
        "us-tn-do",
        "2027-06-01",
        [c("30", "2025-07-01", "aoa-1b"), c("10", "2025-08-01", "aoa-1a")],
        "not-met",
        {"total": ("not-met", "30"), "category-1b-cap": ("met", "20")},
        DO,
    ),
    Case(
        "tn do without dea registration skips the prescribing hours",
        "us-tn-do",
        "2026-06-01",
        [c("40", "2025-07-01", "aoa-2a")],
        "met",
        {"total": ("met", "40"), "controlled-substances": "not-applicable"},
        DO,
    ),
    # Utah MD (cycle 2026-02-01 .. 2028-01-31) ------------------------------------------
    Case(
        "ut md met with 34 category 1, DOPL courses and the prescribing hours",
        "us-ut-md",
        "2028-01-01",
        [
            c("33", "2026-03-01"),
            c("4", "2026-04-01", "ama-pra-1", "controlled-substances"),
            c("1", "2026-05-01", "attendance", "suicide-prevention"),
            c("2", "2026-06-01", "attendance"),
        ],
        "met",
        {
            "total": ("met", "40"),
            "category-1": ("met", "37"),
            "dopl-cap": ("met", "3"),
            "controlled-substances": ("met", "4"),
            "suicide-prevention": ("met", "1"),
        },
        DEA,
    ),
    Case(
        "ut md not met: at most 6 DOPL hours count, the suicide course among them",
        "us-ut-md",
        "2028-02-01",
        [
            c("32", "2026-03-01"),
            c("1", "2026-05-01", "attendance", "suicide-prevention"),
            c("9", "2026-06-01", "attendance"),
        ],
        "not-met",
        {
            "total": ("not-met", "38"),
            "category-1": ("not-met", "32"),
            "dopl-cap": ("met", "6"),
            "suicide-prevention": "met",
        },
    ),
    Case(
        "ut md dea registrant half an hour short of the prescribing hours",
        "us-ut-md",
        "2027-01-01",
        [
            c("40", "2026-03-01"),
            c("3.5", "2026-04-01", "ama-pra-1", "opioid-prescribing"),
            c("1", "2026-05-01", "ama-pra-1", "suicide-prevention"),
        ],
        "on-track",
        {"total": ("met", "44.5"), "controlled-substances": ("on-track", "3.5")},
        DEA,
    ),
    # Utah DO (cycle 2026-06-01 .. 2028-05-31) ------------------------------------------
    Case(
        "ut do met with aoa category 1",
        "us-ut-do",
        "2028-05-01",
        [
            c("36", "2026-07-01", "aoa-1a"),
            c("1", "2026-08-01", "attendance", "suicide-prevention"),
            c("3", "2026-09-01", "aoa-1b"),
        ],
        "met",
        {
            "total": ("met", "40"),
            "category-1": ("met", "39"),
            "controlled-substances": "not-applicable",
        },
        DO,
    ),
    Case(
        "ut do not met after the cycle: aoa 2-a is not accepted",
        "us-ut-do",
        "2028-06-01",
        [c("30", "2026-07-01", "aoa-1a"), c("10", "2026-08-01", "aoa-2a")],
        "not-met",
        {"total": ("not-met", "30"), "suicide-prevention": "not-met"},
        DO,
    ),
    Case(
        "ut do dea registration switches the prescribing hours on",
        "us-ut-do",
        "2027-06-01",
        [
            c("36", "2026-07-01", "aoa-1a"),
            c("1", "2026-08-01", "attendance", "suicide-prevention"),
            c("3", "2026-09-01", "aoa-1b"),
        ],
        "on-track",
        {"total": ("met", "40"), "controlled-substances": ("on-track", "0")},
        DO_DEA,
    ),
    # Vermont MD (calendar periods 2024-12-01 .. 2026-11-30) ----------------------------
    Case(
        "vt md met with the hospice hour and the prescribing hours",
        "us-vt-md",
        "2026-11-01",
        [
            c("27", "2025-01-01"),
            c("1", "2025-02-01", "ama-pra-1", "palliative-care"),
            c("2", "2025-03-01", "ama-pra-1", "opioid-prescribing"),
        ],
        "met",
        {
            "total": ("met", "30"),
            "hospice-palliative-pain": ("met", "1"),
            "controlled-substances": ("met", "2"),
        },
        DEA,
    ),
    Case(
        "vt md short the day before the period ends is behind",
        "us-vt-md",
        "2026-11-29",
        [c("20", "2025-01-01"), c("1", "2025-02-01", "ama-pra-1", "pain-management")],
        "behind",
        {"total": ("behind", "21"), "hospice-palliative-pain": "met"},
    ),
    Case(
        "vt md the day after the period starts the next one with nothing counted",
        "us-vt-md",
        "2026-12-01",
        [c("20", "2025-01-01"), c("1", "2025-02-01", "ama-pra-1", "pain-management")],
        "on-track",
        {"total": ("on-track", "0"), "hospice-palliative-pain": ("on-track", "0")},
    ),
    Case(
        "vt md first renewal waives the 30 hours but not the hospice hour",
        "us-vt-md",
        "2026-06-01",
        [c("1", "2025-07-01", "ama-pra-1", "end-of-life-care")],
        "met",
        {"total": "not-applicable", "hospice-palliative-pain": "met"},
        {"started_on": date(2025, 6, 1)},
    ),
    # Vermont DO (cycle 2024-10-01 .. 2026-09-30) ---------------------------------------
    Case(
        "vt do met with 12 osteopathic hours and the opioid hours",
        "us-vt-do",
        "2026-09-01",
        [
            c("12", "2024-11-01", "aoa-1a"),
            c("2", "2025-01-01", "ama-pra-1", "opioid-prescribing"),
            c("16", "2025-06-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "30"), "osteopathic": ("met", "12"), "opioid-prescribing": "met"},
        DO,
    ),
    Case(
        "vt do not met without osteopathic hours though the total is met",
        "us-vt-do",
        "2026-10-01",
        [c("30", "2024-11-01"), c("2", "2025-01-01", "ama-pra-1", "opioid-prescribing")],
        "not-met",
        {"total": ("met", "32"), "osteopathic": ("not-met", "0")},
        DO,
    ),
    Case(
        "vt do the cycle's first day is inside, the day before is outside",
        "us-vt-do",
        "2026-06-01",
        [
            c("12", "2024-10-01", "aoa-1b"),
            c("2", "2024-09-30", "aoa-1a", "opioid-prescribing"),
        ],
        "behind",
        {"osteopathic": ("met", "12"), "opioid-prescribing": ("on-track", "0")},
        DO,
    ),
    # Virginia MD/DO (cycle 2025-09-01 .. 2027-08-31) -----------------------------------
    Case(
        "va met with 30 type 1 and 30 type 2 hours",
        "us-va-md",
        "2027-08-01",
        [
            c("28", "2025-10-01"),
            c("2", "2025-11-01", "ama-pra-1", "pain-management"),
            c("30", "2026-01-01", "ama-pra-2"),
        ],
        "met",
        {"total": ("met", "60"), "type-1": ("met", "30"), "opioids": ("met", "2")},
        DEA,
    ),
    Case(
        "va not met after the cycle with only 20 type 1 hours",
        "us-va-md",
        "2027-09-01",
        [c("20", "2025-10-01"), c("40", "2026-01-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "60"), "type-1": ("not-met", "20")},
    ),
    Case(
        "va without prescriptive authority skips the opioid hours",
        "us-va-md",
        "2026-06-01",
        [c("30", "2025-10-01", "aoa-1a")],
        "on-track",
        {"total": ("on-track", "30"), "type-1": ("met", "30"), "opioids": "not-applicable"},
        DO,
    ),
    # Washington MD (cycle 2024-07-16 .. 2028-07-15, four years) ------------------------
    Case(
        "wa md met; the one-time suicide training from years ago counts",
        "us-wa-md",
        "2028-07-01",
        [
            c("150", "2025-01-01"),
            c("2", "2025-02-01", "ama-pra-1", "health-equity"),
            c("48", "2026-01-01", "ama-pra-2"),
            c("6", "2019-05-01", "ama-pra-1", "suicide-prevention"),
        ],
        "met",
        {
            "total": ("met", "200"),
            "category-1": ("met", "152"),
            "health-equity": ("met", "2"),
            "suicide-prevention": ("met", "6"),
            "opioid-prescribing": "not-applicable",
        },
    ),
    Case(
        "wa md not met: no category 1, health equity the day before the four years",
        "us-wa-md",
        "2028-07-16",
        [
            c("200", "2025-01-01", "ama-pra-2"),
            c("6", "2020-01-01", "ama-pra-1", "suicide-prevention"),
            c("2", "2024-07-15", "ama-pra-1", "health-equity"),
        ],
        "not-met",
        {
            "total": ("met", "200"),
            "category-1": ("not-met", "0"),
            "health-equity": ("not-met", "0"),
            "suicide-prevention": "met",
        },
    ),
    Case(
        "wa md dea registration switches the one-time opioid course on",
        "us-wa-md",
        "2026-07-16",
        [
            c("100", "2025-01-01"),
            c("6", "2025-02-01", "ama-pra-1", "suicide-prevention"),
            c("2", "2025-03-01", "ama-pra-1", "health-equity"),
        ],
        "on-track",
        {"total": ("on-track", "108"), "opioid-prescribing": ("on-track", "0")},
        DEA,
    ),
    # Washington DO (cycle 2024-10-21 .. 2027-10-20, three years) -----------------------
    Case(
        "wa do met with 60 formal category 1 hours",
        "us-wa-do",
        "2027-10-01",
        [
            c("60", "2025-01-01", "aoa-1a"),
            c("84", "2025-06-01", "aoa-1b"),
            c("2", "2025-07-01", "aoa-1a", "health-equity"),
            c("6", "2025-08-01", "ama-pra-1", "suicide-prevention"),
        ],
        "met",
        {"total": ("met", "152"), "category-1": ("met", "68"), "health-equity": "met"},
        DO,
    ),
    Case(
        "wa do not met: at most 45 teaching hours count",
        "us-wa-do",
        "2027-10-21",
        [
            c("60", "2025-01-01", "aoa-1a"),
            c("90", "2025-06-01", "aoa-1b", activity_kind="teaching"),
            c("2", "2025-07-01", "aoa-1a", "health-equity"),
            c("6", "2018-08-01", "ama-pra-1", "suicide-prevention"),
        ],
        "not-met",
        {
            "total": ("not-met", "107"),
            "teaching-cap": ("met", "45"),
            "category-1": ("met", "62"),
            "suicide-prevention": "met",
        },
        DO,
    ),
    Case(
        "wa do health equity older than four years does not count",
        "us-wa-do",
        "2027-01-01",
        [
            c("150", "2025-01-01", "aoa-1a"),
            c("6", "2025-02-01", "aoa-1a", "suicide-prevention"),
            c("2", "2022-10-01", "aoa-1a", "health-equity"),
        ],
        "on-track",
        {"total": ("met", "156"), "health-equity": ("on-track", "0")},
        DO,
    ),
    # West Virginia MD (cycle 2024-07-01 .. 2026-06-30) ---------------------------------
    Case(
        "wv md met with 30 specialty hours and the drug-diversion hours",
        "us-wv-md",
        "2026-06-01",
        [
            c("30", "2024-08-01", specialty_related=True),
            c("3", "2024-09-01", "ama-pra-1", "controlled-substances"),
            c("17", "2025-01-01", "aafp-prescribed"),
        ],
        "met",
        {
            "total": ("met", "50"),
            "category-1": ("met", "50"),
            "specialty": ("met", "30"),
            "drug-diversion": ("met", "3"),
        },
        DEA,
    ),
    Case(
        "wv md not met after the cycle: category 2 does not make the category 1 rule",
        "us-wv-md",
        "2026-07-01",
        [c("30", "2024-08-01", specialty_related=True), c("20", "2025-01-01", "ama-pra-2")],
        "not-met",
        {"total": ("met", "50"), "category-1": ("not-met", "30")},
    ),
    Case(
        "wv md at most 20 teaching hours count",
        "us-wv-md",
        "2026-01-01",
        [
            c("30", "2024-08-01", specialty_related=True),
            c("25", "2025-01-01", activity_kind="teaching"),
        ],
        "met",
        {
            "total": ("met", "50"),
            "teaching-cap": ("met", "20"),
            "category-1": ("met", "50"),
            "drug-diversion": "not-applicable",
        },
    ),
    # West Virginia DO (cycle 2024-07-01 .. 2026-06-30) ---------------------------------
    Case(
        "wv do met with half aoa category 1 and the drug-diversion hours",
        "us-wv-do",
        "2026-06-01",
        [
            c("13", "2024-08-01", "aoa-1a"),
            c("3", "2024-09-01", "aoa-1a", "controlled-substances"),
            c("16", "2025-01-01", "ama-pra-1"),
        ],
        "met",
        {"total": ("met", "32"), "category-1": ("met", "16"), "drug-diversion": ("met", "3")},
        DO_DEA,
    ),
    Case(
        "wv do not met with only ama credit: aoa category 1 is half",
        "us-wv-do",
        "2026-07-01",
        [c("32", "2024-08-01", "ama-pra-1")],
        "not-met",
        {"total": ("met", "32"), "category-1": ("not-met", "0")},
        DO,
    ),
    Case(
        "wv do drug-diversion hours the day before the period do not count",
        "us-wv-do",
        "2026-03-01",
        [
            c("16", "2024-08-01", "aoa-1a"),
            c("16", "2025-01-01", "aoa-2a"),
            c("3", "2024-06-30", "aoa-1a", "controlled-substances"),
        ],
        "on-track",
        {"total": ("met", "32"), "drug-diversion": ("on-track", "0")},
        DO_DEA,
    ),
    # Texas DO (cycle 2025-03-01 .. 2027-02-28) -----------------------------------------
    Case(
        "tx do all met with aoa 1-a formal credits",
        "us-tx-do",
        "2027-01-15",
        [
            c("40", "2025-06-01", "aoa-1a"),
            c("2", "2025-07-01", "aoa-1a", "ethics"),
            c("1", "2025-08-01", "aoa-1a", "human-trafficking"),
            c("2", "2025-09-01", "ama-pra-1", "opioid-prescribing"),
            c("5", "2026-01-01", "aoa-2b"),
        ],
        "met",
        {"total": ("met", "50"), "formal": ("met", "45"), "ethics": "met", "opioids": "met"},
        DO,
    ),
    Case(
        "tx do not met after the period and its 30 days: aoa 1-b is informal",
        "us-tx-do",
        "2027-03-31",  # v2: a shortfall may be made up until 2027-03-30
        [
            c("48", "2025-06-01", "aoa-1b"),
            c("2", "2025-07-01", "aoa-1a", "ethics"),
            c("1", "2025-08-01", "aoa-1a", "human-trafficking"),
            c("2", "2025-09-01", "aoa-1a", "pain-management"),
        ],
        "not-met",
        {"total": ("met", "53"), "formal": ("not-met", "5"), "ethics": "met"},
        DO,
    ),
    Case(
        "tx do excess of the previous period carries in, ethics excluded",
        "us-tx-do",
        "2026-06-01",
        [
            c("70", "2024-06-01", "aoa-1a"),
            c("4", "2024-07-01", "aoa-1a", "ethics"),
            c("10", "2025-06-01", "aoa-1a"),
        ],
        "on-track",
        {"total": ("on-track", "36")},
        {"degree": "DO", "direct_patient_care": False},
        carry_in="26",
    ),
    # New York DO (cycle 2025-07-01 .. 2027-06-30) --------------------------------------
    Case(
        "ny do met by its duties alone",
        "us-ny-do",
        "2027-06-01",
        [
            c("2", "2005-03-01", "attendance", "child-abuse"),
            c("1", "2024-01-01", "aoa-1a", "infection-control"),
            c("3", "2025-01-01", "aoa-1a", "pain-management"),
        ],
        "met",
        {
            "child-abuse": "met",
            "infection-control": "met",
            "pain-palliative-addiction": ("met", "3"),
        },
        DO_DEA,
    ),
    Case(
        "ny do not met after the period without infection control",
        "us-ny-do",
        "2027-07-01",
        [c("2", "2010-01-01", "attendance", "child-abuse")],
        "not-met",
        {
            "child-abuse": "met",
            "infection-control": ("not-met", "0"),
            "pain-palliative-addiction": "not-applicable",
        },
        DO,
    ),
    Case(
        "ny do infection control a day older than four years does not count",
        "us-ny-do",
        "2027-01-01",
        [
            c("2", "2005-03-01", "attendance", "child-abuse"),
            c("1", "2023-06-30", "aoa-1a", "infection-control"),
        ],
        "on-track",
        {"infection-control": ("on-track", "0")},
        DO,
    ),
    # Ohio DO (cycle 2025-04-02 .. 2027-04-01) ------------------------------------------
    Case(
        "oh do met with aoa 1-a and 1-b",
        "us-oh-do",
        "2026-06-01",
        [c("30", "2025-06-01", "aoa-1a"), c("20", "2025-07-01", "aoa-1b")],
        "met",
        {"total": ("met", "50")},
        DO,
    ),
    Case(
        "oh do not met after the cycle: aoa category 2 does not count",
        "us-oh-do",
        "2027-04-02",
        [c("30", "2025-06-01", "aoa-1a"), c("30", "2025-07-01", "aoa-2a")],
        "not-met",
        {"total": ("not-met", "30")},
        DO,
    ),
    Case(
        "oh do cycle edges are inside, the day before is outside",
        "us-oh-do",
        "2027-04-01",
        [
            c("25", "2025-04-02"),
            c("25", "2027-04-01", "aoa-1a"),
            c("10", "2025-04-01", "aoa-1a"),
        ],
        "met",
        {"total": ("met", "50")},
        DO,
    ),
]


def _expiry(day: str) -> dict:
    return {"license_expiry": date.fromisoformat(day)}


ANCHORS = {
    "us-ri-md": _expiry("2026-06-30"),
    "us-sc-md": _expiry("2027-06-30"),
    "us-sd-md": _expiry("2026-12-31"),
    "us-tn-md": _expiry("2027-03-31"),
    "us-tn-do": _expiry("2027-05-31"),
    "us-ut-md": _expiry("2028-01-31"),
    "us-ut-do": _expiry("2028-05-31"),
    "us-vt-md": {},  # calendar periods from 2024-12-01
    "us-vt-do": _expiry("2026-09-30"),
    "us-va-md": _expiry("2027-08-31"),
    "us-wa-md": _expiry("2028-07-15"),
    "us-wa-do": _expiry("2027-10-20"),
    "us-wv-md": _expiry("2026-06-30"),
    "us-wv-do": _expiry("2026-06-30"),
    "us-tx-do": _expiry("2027-02-28"),
    "us-ny-do": _expiry("2027-06-30"),
    "us-oh-do": _expiry("2027-04-01"),
}
