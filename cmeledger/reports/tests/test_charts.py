"""Chart data: the sums behind the yearly bars, and the geometry of both charts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmeledger.ledger import services
from cmeledger.ledger.testing import entry_fields
from cmeledger.reports import charts
from cmeledger.reports.charts import (
    BASELINE,
    LEFT,
    MAX_SERIES,
    PLOT_H,
    PLOT_W,
    QUARTER,
    TOP,
    PaceStanding,
    Pattern,
)
from cmeledger.requirements.catalog import parse
from cmeledger.requirements.cycles import Window
from cmeledger.requirements.engine import Credit, Facts, evaluate
from cmeledger.requirements.progress import EnrollmentProgress, Report

TODAY = date(2026, 11, 23)
D = Decimal


def add(user, completed_on: date, credits: str, credit_type: str = "ama-pra-1"):
    fields = entry_fields(
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=D(credits),
        credit_type=credit_type,
    )
    return services.create_entry(user, user, fields)


# The sums -------------------------------------------------------------------------------


def test_it_sums_credits_per_year_and_credit_type_in_decimal(alice, bob):
    add(alice, date(2025, 2, 1), "1.25")
    add(alice, date(2025, 11, 30), "2.50")
    add(alice, date(2025, 6, 1), "0.75", "aoa-1a")
    add(alice, date(2026, 1, 1), "3.00")
    add(bob, date(2025, 3, 1), "40.00")
    rows = {(year, code): credits for year, code, credits in charts.yearly_totals(alice)}
    assert rows == {
        (2025, "ama-pra-1"): D("3.75"),
        (2025, "aoa-1a"): D("0.75"),
        (2026, "ama-pra-1"): D("3.00"),
    }
    assert all(isinstance(credits, Decimal) for credits in rows.values())


def test_it_leaves_out_deleted_entries_and_self_reports_linked_to_a_reported_one(alice):
    kept = add(alice, date(2025, 5, 1), "2.00")
    gone = add(alice, date(2025, 5, 2), "9.00")
    services.delete_entry(gone, alice)
    linked = add(alice, date(2025, 5, 3), "5.00")
    linked.reported_as = kept  # the organization's report of the same activity counts instead
    linked.save(update_fields=["reported_as"])
    assert charts.yearly_totals(alice) == [(2025, "ama-pra-1", D("2.00"))]


def test_another_clinicians_entries_never_reach_the_chart(alice, bob):
    add(bob, date(2025, 3, 1), "7.00", "aoa-1a")
    assert charts.credits_by_year(alice, TODAY) is None
    add(alice, date(2025, 3, 1), "1.00")
    chart = charts.credits_by_year(alice, TODAY)
    assert [s.key for s in chart.series] == ["ama-pra-1"]
    assert chart.total == D("1.00")


def test_the_chart_data_takes_one_query_however_many_entries(alice, django_assert_max_num_queries):
    for year in range(2021, 2027):
        for code in ("ama-pra-1", "ama-pra-2", "aoa-1a"):
            add(alice, date(year, 3, 1), "1.00", code)
            add(alice, date(year, 9, 1), "0.25", code)
    with django_assert_max_num_queries(1):
        chart = charts.credits_by_year(alice, TODAY)
    assert chart.total == D("22.50")
    assert chart.totals == [D("3.75")] * 6


# Bars ------------------------------------------------------------------------------------


def test_bar_heights_are_proportional_to_the_yearly_totals():
    chart = charts.year_chart(
        [(2024, "ama-pra-1", D("10")), (2025, "ama-pra-1", D("20")), (2026, "ama-pra-1", D("5"))],
        TODAY,
    )
    assert chart.years == [2024, 2025, 2026]
    heights = [bar.segments[0].height for bar in chart.bars]
    assert heights[1] == pytest.approx(2 * heights[0]) == pytest.approx(4 * heights[2])
    # The axis runs to 20 in steps of 5, so the tallest bar fills the plot exactly.
    assert [t.label for t in chart.ticks] == ["0", "5", "10", "15", "20"]
    assert heights[1] == pytest.approx(PLOT_H)
    assert all(
        seg.y + seg.height == pytest.approx(BASELINE) for bar in chart.bars for seg in bar.segments
    )


def test_segments_stack_without_gaps_and_the_total_sits_on_top():
    chart = charts.year_chart(
        [(2026, "ama-pra-1", D("6")), (2026, "ama-pra-2", D("3")), (2026, "aoa-1a", D("0.5"))],
        TODAY,
    )
    (bar,) = chart.bars
    first, second, third = bar.segments
    assert [s.series.key for s in bar.segments] == ["ama-pra-1", "ama-pra-2", "aoa-1a"]
    assert first.y + first.height == pytest.approx(BASELINE)
    assert second.y + second.height == pytest.approx(first.y)
    assert third.y + third.height == pytest.approx(second.y)
    assert first.height / second.height == pytest.approx(2)
    assert bar.total == D("9.5")
    assert bar.total_y < third.y
    assert first.labelled and not third.labelled  # 0.5 of 10 is too thin for its number


def test_a_year_without_credits_between_two_with_credits_is_an_empty_slot():
    chart = charts.year_chart([(2023, "ama-pra-1", D("4")), (2025, "ama-pra-1", D("2"))], TODAY)
    assert chart.years == [2023, 2024, 2025, 2026]
    assert chart.totals == [D("4"), D("0"), D("2"), D("0")]
    assert chart.bars[1].segments == []
    slots = [bar.x for bar in chart.bars]
    assert slots == sorted(slots) and LEFT <= slots[0] and slots[-1] < LEFT + PLOT_W


def test_a_single_year_gives_one_bar_no_wider_than_the_limit():
    chart = charts.year_chart([(2026, "ama-pra-1", D("0.25"))], TODAY)
    (bar,) = chart.bars
    assert bar.width == charts.MAX_BAR_W
    assert [t.label for t in chart.ticks] == ["0", "0.25"]


def test_only_the_last_six_years_are_drawn_and_the_rest_is_totalled_apart():
    totals = [(year, "ama-pra-1", D("1")) for year in range(2015, 2027)]
    chart = charts.year_chart([*totals, (2031, "ama-pra-1", D("2.5"))], TODAY)
    assert chart.years == [2021, 2022, 2023, 2024, 2025, 2026]
    assert chart.earlier == D("6")
    assert chart.later == D("2.5")


def test_there_is_no_chart_without_credits_in_the_years_shown():
    assert charts.year_chart([], TODAY) is None
    assert charts.year_chart([(2001, "ama-pra-1", D("5"))], TODAY) is None


def test_each_credit_type_gets_its_own_pattern_and_colour_in_vocabulary_order():
    codes = ["aoa-1a", "ama-pra-1", "moc-points", "ama-pra-2"]
    chart = charts.year_chart([(2026, code, D("1")) for code in codes], TODAY)
    assert [s.key for s in chart.series] == ["ama-pra-1", "ama-pra-2", "aoa-1a", "moc-points"]
    assert len({s.pattern for s in chart.series}) == 4
    assert len({s.colour for s in chart.series}) == 4
    assert len({s.pattern_id for s in chart.series}) == 4
    assert chart.series[0].pattern == Pattern.SOLID
    assert chart.series[1].pattern_label == "diagonal lines"


def test_past_eight_credit_types_the_smallest_share_one_other_series():
    codes = [
        "ama-pra-1", "ama-pra-2", "aoa-1a", "aoa-1b", "aoa-2a", "aoa-2b",
        "aafp-prescribed", "aafp-elective", "rcpsc-1", "moc-points",
    ]  # fmt: skip
    amounts = {code: D(20 - i) for i, code in enumerate(codes)}
    chart = charts.year_chart([(2026, code, amounts[code]) for code in codes], TODAY)
    assert len(chart.series) == MAX_SERIES
    other = chart.series[-1]
    assert other.key == charts.OTHER
    assert other.members == ("AAFP Elective", "RCPSC Section 1", "MOC points")
    assert other.total == D(13) + D(12) + D(11)
    assert len({s.pattern for s in chart.series}) == MAX_SERIES
    assert chart.total == sum(amounts.values())
    assert [row.cells[0] for row in chart.rows] == [s.total for s in chart.series]


@pytest.mark.parametrize(
    ("top", "step"),
    [
        ("0", "0.25"),
        ("0.5", "0.25"),
        ("3", "1"),
        ("7.5", "2"),
        ("12", "2.5"),
        ("48", "10"),
        ("60", "20"),
        ("150", "50"),
        ("1000", "200"),
    ],
)
def test_axis_steps_are_round_numbers(top, step):
    assert charts.nice_step(D(top)) == D(step)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("12", "12"),
        ("12.00", "12"),
        ("12.5", "12.5"),
        ("0.25", "0.25"),
        ("0", "0"),
        ("1500", "1,500"),
    ],
)
def test_credits_are_written_as_on_the_rest_of_the_dashboard(value, text):
    assert charts.fmt(D(value)) == text


def test_the_axis_ends_on_a_whole_step_at_or_above_the_top():
    axis_max, ticks = charts.value_axis(D("47.25"))
    assert axis_max == D(50)
    assert [t.value for t in ticks] == [D(0), D(10), D(20), D(30), D(40), D(50)]
    assert ticks[0].at == BASELINE and ticks[-1].at == TOP


# Pace -----------------------------------------------------------------------------------

HEAD = """
id = "paced"
name = "Paced set"
authority = "Test board"
kind = "custom"
version = 1
effective_from = 2020-01-01
sources = ["https://example.org"]
accepted_credit_types = ["ama-pra-1"]
[cycle]
months = 24
anchor = "calendar"
first_start = 2025-01-01
"""
TOTAL = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "24 credits"
credits = 24
source = "s"
"""
PACED = parse(HEAD + TOTAL, "paced-v1.toml")
CYCLE = Window(date(2025, 1, 1), date(2026, 12, 31))  # 730 days
SETS = {
    required: parse(HEAD + TOTAL.replace("credits = 24", f"credits = {required}"), "paced-v1.toml")
    for required in (5, 24, 48, 150)
}


def credit(n: int, on: date, amount: str, kind: str = "ama-pra-1") -> Credit:
    return Credit(f"e{n}", on, D(amount), kind)


def paced(on: date, credits: list[Credit]):
    return charts.pace_chart(evaluate(PACED, credits, Facts(), on, cycle=CYCLE))


def x_at(day: date) -> float:
    return LEFT + PLOT_W * ((day - CYCLE.start).days + 1) / CYCLE.days


def test_the_pace_line_runs_from_zero_at_the_start_to_the_total_at_the_end():
    chart = paced(TODAY, [credit(1, date(2025, 3, 1), "6")])
    assert (chart.pace_start.x, chart.pace_start.y) == (LEFT, BASELINE)
    assert chart.pace_end.x == LEFT + PLOT_W
    assert chart.required == D(24)
    # The value axis is 0 to 25 in fives, so 24 sits just under the top.
    assert chart.pace_end.y == pytest.approx(BASELINE - PLOT_H * 24 / 25, abs=0.01)
    assert chart.pace_label.text == "Pace: 24"


@pytest.mark.parametrize("required", [5, 24, 150])
def test_the_pace_lines_name_sits_under_the_line_along_its_whole_width(required):
    chart = charts.pace_chart(evaluate(SETS[required], [], Facts(), TODAY, cycle=CYCLE))
    left, top, right, _ = charts.box(chart.pace_label)
    rise = chart.pace_start.y - chart.pace_end.y
    line_at_left = chart.pace_start.y - rise * (left - LEFT) / PLOT_W
    assert top > line_at_left
    assert right == chart.pace_end.x


def test_the_today_marker_stands_at_the_share_of_the_cycle_gone():
    chart = paced(TODAY, [credit(1, date(2025, 3, 1), "6")])
    assert chart.today_x == pytest.approx(x_at(TODAY), abs=0.01)
    assert chart.progress_end.x == chart.today_x
    assert paced(date(2027, 3, 1), [credit(1, date(2025, 3, 1), "6")]).today_x is None


def test_the_progress_line_climbs_in_steps_on_the_days_credits_were_earned():
    credits = [
        credit(1, date(2025, 3, 1), "6"),
        credit(2, date(2025, 3, 1), "2"),  # the same day: one step
        credit(3, date(2026, 2, 10), "4"),
        credit(4, date(2024, 12, 31), "50"),  # before the cycle: not counted
        credit(5, date(2026, 3, 1), "9", kind="aoa-1a"),  # not accepted
    ]
    chart = paced(TODAY, credits)
    ys = [p.y for p in chart.progress]
    xs = [p.x for p in chart.progress]
    assert xs == sorted(xs)
    assert ys == sorted(ys, reverse=True)  # only ever up
    per_credit = PLOT_H / 25
    assert ys[0] == BASELINE
    assert len(chart.progress) == 6  # start, 2 points per step day, today
    assert xs[1] == xs[2] == pytest.approx(x_at(date(2025, 3, 1)), abs=0.01)
    assert ys[1] - ys[2] == pytest.approx(8 * per_credit, abs=0.02)
    assert ys[-1] == pytest.approx(BASELINE - 12 * per_credit, abs=0.01)
    assert chart.counted == D(12)
    assert chart.progress_label.text == "You: 12"


def test_a_weighted_credit_climbs_by_what_it_added_to_the_total():
    doubled = """
[[weights]]
select = { activity_kinds = ["performance-improvement"] }
factor = 2
source = "s"
"""
    weighted = parse(HEAD + TOTAL + doubled, "paced-v1.toml")
    result = evaluate(
        weighted,
        [
            Credit(
                "e1", date(2025, 5, 1), D(3), "ama-pra-1", activity_kind="performance-improvement"
            )
        ],
        Facts(),
        TODAY,
        cycle=CYCLE,
    )
    chart = charts.pace_chart(result)
    assert chart.counted == D(6)
    assert chart.rows[0].added == D(6)


NEW_YEAR = date(2026, 1, 1)  # 366 of 730 days gone: 24 × 366/730 = 12.03, so 12 expected


@pytest.mark.parametrize(
    ("earned", "standing", "summary"),
    [
        (
            "14",
            PaceStanding.AHEAD,
            "Ahead of the pace by 2: 14 counted, 12 expected by today, 24 needed by Dec 31, 2026.",
        ),
        ("12", PaceStanding.ON_PACE, "On the pace: 12 counted, 12 expected"),
        ("10.75", PaceStanding.BEHIND, "Behind the pace by 1.25: 10.75 counted, 12 expected"),
        ("24", PaceStanding.REACHED, "24 of 24 counted: reached."),
    ],
)
def test_it_says_in_words_whether_the_credits_are_ahead_of_or_behind_the_pace(
    earned, standing, summary
):
    chart = paced(NEW_YEAR, [credit(1, date(2025, 2, 1), earned)])
    assert chart.expected == D(12)
    assert chart.standing == standing
    assert summary in chart.summary
    assert chart.summary in chart.description


def test_the_words_agree_with_the_calculators_behind_status():
    result = evaluate(PACED, [credit(1, date(2025, 2, 1), "10")], Facts(), TODAY, cycle=CYCLE)
    chart = charts.pace_chart(result)
    assert result.status == "behind" and chart.standing == PaceStanding.BEHIND
    assert next(r for r in result.rules if r.id == "total").counted == chart.counted


def test_a_cycle_that_ended_short_says_so_and_draws_to_its_end():
    chart = paced(date(2027, 2, 1), [credit(1, date(2025, 2, 1), "10")])
    assert chart.standing == PaceStanding.ENDED_SHORT
    assert "ended on Dec 31, 2026 with 10 of 24 counted, 14 short" in chart.summary
    assert chart.progress_end.x == LEFT + PLOT_W
    assert chart.expected == D(24)


def test_a_cycle_not_yet_started_has_a_pace_line_and_no_progress_line():
    chart = paced(date(2024, 11, 1), [credit(1, date(2025, 2, 1), "3")])
    assert chart.standing == PaceStanding.NOT_STARTED
    assert chart.summary == "The cycle starts on Jan 1, 2025; 24 needed by Dec 31, 2026."
    assert chart.progress == [] and chart.progress_label is None and chart.today_x is None
    assert chart.points == ""


def test_carried_credit_starts_the_line_above_zero():
    result = evaluate(PACED, [credit(1, date(2025, 2, 1), "2")], Facts(), TODAY, cycle=CYCLE)
    result.carry_in = D(5)
    chart = charts.pace_chart(result)
    assert chart.progress[0].y == pytest.approx(BASELINE - PLOT_H * 5 / 25, abs=0.01)
    assert chart.counted == D(7)
    assert [(r.added, r.total) for r in chart.rows] == [(D(2), D(7))]


def test_the_monthly_table_adds_up_to_the_total_with_the_pace_at_each_months_end():
    credits = [
        credit(1, date(2025, 1, 10), "1"),
        credit(2, date(2025, 1, 20), "2"),
        credit(3, date(2026, 6, 5), "4.25"),
    ]
    chart = paced(TODAY, credits)
    assert [(r.month, r.added, r.total) for r in chart.rows] == [
        (date(2025, 1, 1), D(3), D(3)),
        (date(2026, 6, 1), D("4.25"), D("7.25")),
    ]
    # 31 of 730 days by the end of January 2025: 24 × 31/730 = 1.02, rounded down.
    assert chart.rows[0].pace == D(1)


def test_the_time_axis_marks_quarters_in_a_cycle_of_two_years_or_less():
    chart = paced(TODAY, [credit(1, date(2025, 2, 1), "1")])
    assert [t.label for t in chart.x_ticks] == [
        "Apr 2025", "Jul 2025", "Oct 2025", "Jan 2026", "Apr 2026", "Jul 2026", "Oct 2026"
    ]  # fmt: skip
    # Jan 1, 2026 is the start of day 366: 365 of 730 days gone.
    assert chart.x_ticks[3].at == pytest.approx(LEFT + PLOT_W * 365 / 730, abs=0.01)


def test_the_time_axis_marks_each_new_year_in_a_longer_cycle():
    ticks = charts.time_ticks(date(2022, 1, 1), date(2026, 12, 31))
    assert [t.label for t in ticks] == ["2023", "2024", "2025", "2026"]
    assert ticks[0].value == date(2023, 1, 1)
    assert [t.at for t in ticks] == sorted(t.at for t in ticks)
    assert LEFT < ticks[0].at and ticks[-1].at < LEFT + PLOT_W


def test_a_set_without_a_credit_total_has_no_pace_chart():
    ethics = """
[[rules]]
id = "ethics"
kind = "minimum-subset"
name = "2 h ethics"
credits = 2
select = { topics = ["ethics"] }
source = "s"
"""
    topic_only = parse(HEAD + ethics, "paced-v1.toml")
    result = evaluate(topic_only, [], Facts(), TODAY, cycle=CYCLE)
    assert charts.pace_chart(result) is None
    report = Report("f", 1, "x", TODAY, [EnrollmentProgress(1, "paced", True, "", result, None)])
    assert charts.pace_charts(report) == []


@settings(max_examples=300, deadline=None)
@given(
    required=st.sampled_from(sorted(SETS)),
    share=st.integers(min_value=0, max_value=150),  # percent of the required total earned
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 3, 1)),
)
def test_the_direct_labels_never_collide_and_stay_inside_the_picture(required, share, day):
    earned = D(required * share) / 100 // QUARTER * QUARTER
    credits = [credit(1, date(2025, 1, 5), str(earned))] if earned else []
    chart = charts.pace_chart(evaluate(SETS[required], credits, Facts(), day, cycle=CYCLE))
    labels = [chart.pace_label, chart.progress_label, chart.today_label]
    labels = [label for label in labels if label is not None]
    assert not any(charts.overlaps(a, b) for a in labels for b in labels if a is not b)
    for label in labels:
        left, top, right, bottom = charts.box(label)
        assert 0 <= left and right <= chart.width and 0 <= top and bottom <= chart.height
