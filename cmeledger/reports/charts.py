"""The dashboard's charts as data: credits per year by credit type, and progress over a
cycle against the pace line. Pure geometry apart from one aggregate query.

Every coordinate is worked out here, in SVG user units of a fixed viewBox, so templates
only print numbers and tests can check the drawing itself (docs/charts.md). Credits stay
`Decimal`; only coordinates are floats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import models
from django.db.models import Sum
from django.db.models.functions import ExtractYear

from cmeledger.accounts.models import User
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.vocabulary import CreditType
from cmeledger.lib.credits import Unit, counted_of, credit_text, set_amount, unit_word
from cmeledger.requirements.engine import SetResult
from cmeledger.requirements.progress import Report

ZERO = Decimal(0)
QUARTER = Decimal("0.25")
YEARS_SHOWN = 6
MAX_TICKS = 5
# Beyond this many credit types the smallest share one "other" series: eight fill
# patterns are as many as stay distinct at bar size.
MAX_SERIES = 8
OTHER = "other"

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 24, 28, 40  # room for axis labels and direct labels
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BASELINE = TOP + PLOT_H
# A value is written inside its bar segment only when the segment is tall enough to
# hold the text; the total above the bar and the table always give every number.
MIN_LABELLED_HEIGHT = 16.0
BAR_SHARE, MAX_BAR_W = 0.6, 64.0


class Pattern(models.TextChoices):
    """Fill patterns, in the order series get them, so colour is never the only cue."""

    SOLID = "solid", "solid"
    HATCH = "hatch", "diagonal lines"
    DOTS = "dots", "dots"
    CROSS = "cross", "cross-hatching"
    HORIZONTAL = "horizontal", "horizontal lines"
    BACK_HATCH = "back-hatch", "reverse diagonal lines"
    VERTICAL = "vertical", "vertical lines"
    GRID = "grid", "grid"


# The dashboard's segment palette (app.css .seg-N), dark enough for white text.
PALETTE = ("#1f5fbf", "#2e9d6a", "#b06f0a", "#8a4fbf", "#c2416b", "#2f8797", "#5f6b7d", "#7a5a2f")


class PaceStanding(models.TextChoices):
    AHEAD = "ahead", "Ahead of the pace"
    ON_PACE = "on-pace", "On the pace"
    BEHIND = "behind", "Behind the pace"
    REACHED = "reached", "Required total reached"
    ENDED_SHORT = "ended-short", "Cycle ended short"
    NOT_STARTED = "not-started", "Cycle not started"


def fmt(value: Decimal) -> str:
    """Credits as the rest of the dashboard writes them: 12, 12.5, 1,250."""
    return credit_text(value)


def _r(value: float) -> float:
    return round(value, 2)


def day_label(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


@dataclass(frozen=True)
class Tick:
    value: Decimal | date  # credits on a value axis, a day on a time axis
    at: float  # y for a value axis, x for a time axis
    label: str


def nice_step(top: Decimal, ticks: int = MAX_TICKS) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ (at least a quarter credit) giving at most
    `ticks` steps up to `top`."""
    raw = max(top, QUARTER) / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    factors = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
    step = next((f * magnitude for f in factors if f * magnitude >= raw), 10 * magnitude)
    return max(step, QUARTER)


def value_axis(top: Decimal) -> tuple[Decimal, list[Tick]]:
    """The axis maximum (a whole number of steps at or above `top`) and its ticks."""
    step = nice_step(top)
    steps = int((max(top, QUARTER) / step).to_integral_value(ROUND_CEILING))
    axis_max = step * steps
    ticks = [
        Tick(step * i, _r(BASELINE - PLOT_H * float(step * i / axis_max)), fmt(step * i))
        for i in range(steps + 1)
    ]
    return axis_max, ticks


def _y(value: Decimal, axis_max: Decimal) -> float:
    return _r(BASELINE - PLOT_H * float(value / axis_max))


# Credits per year ------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    key: str  # a credit type code, or "other"
    label: str
    members: tuple[str, ...]  # the credit type labels it holds (several for "other")
    pattern: str
    colour: str
    total: Decimal

    @property
    def pattern_id(self) -> str:
        return f"chart-fill-{self.key}"

    @property
    def pattern_label(self) -> str:
        return Pattern(self.pattern).label


@dataclass(frozen=True)
class Segment:
    series: Series
    credits: Decimal
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # tall enough for its value written inside
    label_x: float
    label_y: float

    @property
    def text(self) -> str:
        return fmt(self.credits)


@dataclass(frozen=True)
class YearBar:
    year: int
    total: Decimal
    segments: list[Segment]
    x: float
    width: float
    centre: float
    total_y: float  # baseline of the total written above the bar

    @property
    def text(self) -> str:
        return fmt(self.total)


@dataclass(frozen=True)
class SeriesRow:
    series: Series
    cells: list[Decimal]  # one per year shown


@dataclass(frozen=True)
class YearChart:
    years: list[int]
    series: list[Series]
    bars: list[YearBar]
    ticks: list[Tick]
    rows: list[SeriesRow]
    total: Decimal  # all credits in the years shown
    earlier: Decimal  # credits before the first year shown
    later: Decimal  # credits dated after this year
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = BASELINE
    year_label_y: int = BASELINE + 18

    @property
    def totals(self) -> list[Decimal]:
        return [bar.total for bar in self.bars]

    @property
    def description(self) -> str:
        years = "; ".join(
            f"{bar.year}: {fmt(bar.total)}"
            + (
                " (" + ", ".join(f"{s.series.label} {fmt(s.credits)}" for s in bar.segments) + ")"
                if bar.segments
                else ""
            )
            for bar in self.bars
        )
        return f"Credits counted each year, stacked by credit type. {years}."


def yearly_totals(user: User) -> list[tuple[int, str, Decimal]]:
    """(year, credit type, credits) for every entry that counts: one GROUP BY query."""
    rows = (
        CreditEntry.objects.counted()
        .owned_by(user)
        .annotate(year=ExtractYear("completed_on"))
        .values("year", "credit_type")
        .annotate(credits=Sum("credits"))
        .order_by()  # the model's default ordering would split the groups
        .values_list("year", "credit_type", "credits")
    )
    return [(year, code, Decimal(credits)) for year, code, credits in rows]


def credits_by_year(user: User, today: date, years: int = YEARS_SHOWN) -> YearChart | None:
    return year_chart(yearly_totals(user), today, years)


_TYPE_ORDER = {str(c.value): i for i, c in enumerate(CreditType)}
_TYPE_LABELS = {str(c.value): str(c.label) for c in CreditType}


def _series(by_type: dict[str, Decimal]) -> tuple[list[Series], dict[str, str]]:
    """The series to draw, in vocabulary order, and which series each type falls in."""
    ranked = sorted(by_type, key=lambda code: (-by_type[code], _TYPE_ORDER.get(code, 99)))
    own = ranked if len(ranked) <= MAX_SERIES else ranked[: MAX_SERIES - 1]
    rest = [code for code in ranked if code not in own]
    keys = sorted(own, key=lambda code: _TYPE_ORDER.get(code, 99))
    groups: list[tuple[str, str, tuple[str, ...]]] = [
        (code, _TYPE_LABELS.get(code, code), (code,)) for code in keys
    ]
    if rest:
        rest.sort(key=lambda code: _TYPE_ORDER.get(code, 99))
        groups.append((OTHER, "Other credit types", tuple(rest)))
    patterns = list(Pattern)
    series = [
        Series(
            key=key,
            label=label,
            members=tuple(_TYPE_LABELS.get(code, code) for code in members),
            pattern=patterns[i].value,
            colour=PALETTE[i],
            total=sum((by_type[code] for code in members), ZERO),
        )
        for i, (key, label, members) in enumerate(groups)
    ]
    member_of = {code: key for key, _, members in groups for code in members}
    return series, member_of


def year_chart(
    totals: Iterable[tuple[int, str, Decimal]], today: date, years: int = YEARS_SHOWN
) -> YearChart | None:
    """Stacked bars for the last `years` calendar years up to today's; None when there is
    nothing to draw (no credits in those years)."""
    rows = list(totals)
    first_shown = today.year - years + 1
    shown = [row for row in rows if first_shown <= row[0] <= today.year]
    if not shown:
        return None
    earlier = sum((c for y, _, c in rows if y < first_shown), ZERO)
    later = sum((c for y, _, c in rows if y > today.year), ZERO)
    first = min(year for year, _, _ in shown)
    span = list(range(first, today.year + 1))
    by_type: dict[str, Decimal] = {}
    for _, code, credits in shown:
        by_type[code] = by_type.get(code, ZERO) + credits
    series, member_of = _series(by_type)
    cell: dict[tuple[int, str], Decimal] = {}
    for year, code, credits in shown:
        key = (year, member_of[code])
        cell[key] = cell.get(key, ZERO) + credits
    year_totals = [sum((cell.get((y, s.key), ZERO) for s in series), ZERO) for y in span]
    axis_max, ticks = value_axis(max(year_totals))
    slot = PLOT_W / len(span)
    width = min(slot * BAR_SHARE, MAX_BAR_W)
    bars = []
    for i, year in enumerate(span):
        x = LEFT + slot * i + (slot - width) / 2
        bottom, stacked, segments = float(BASELINE), ZERO, []
        for s in series:
            credits = cell.get((year, s.key), ZERO)
            if not credits:
                continue
            stacked += credits
            top = _y(stacked, axis_max)
            height = _r(bottom - top)
            segments.append(
                Segment(
                    series=s,
                    credits=credits,
                    x=_r(x),
                    y=top,
                    width=_r(width),
                    height=height,
                    labelled=height >= MIN_LABELLED_HEIGHT,
                    label_x=_r(x + width / 2),
                    label_y=_r(top + height / 2 + 4),  # +4: the text's middle, not its foot
                )
            )
            bottom = top
        total = year_totals[i]
        bars.append(
            YearBar(year, total, segments, _r(x), _r(width), _r(x + width / 2), _r(bottom - 6))
        )
    table = [SeriesRow(s, [cell.get((y, s.key), ZERO) for y in span]) for s in series]
    return YearChart(
        years=span,
        series=series,
        bars=bars,
        ticks=ticks,
        rows=table,
        total=sum(year_totals, ZERO),
        earlier=earlier,
        later=later,
    )


# Progress over a cycle against the pace ---------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    anchor: str  # SVG text-anchor: start, middle or end
    text: str


@dataclass(frozen=True)
class PaceRow:
    """One month with credits: what it added, the running total and the pace at its end."""

    month: date
    added: Decimal
    total: Decimal
    pace: Decimal


@dataclass(frozen=True)
class PaceChart:
    key: str  # unique on the page, for element ids
    set_id: str
    name: str
    cycle_start: date
    cycle_end: date
    on: date
    required: Decimal
    counted: Decimal
    carry_in: Decimal
    expected: Decimal  # where the pace line stands today (or at the cycle's end)
    standing: str  # a PaceStanding
    summary: str
    progress: list[Point]
    pace_start: Point
    pace_end: Point
    today_x: float | None  # None when today is outside the cycle
    today_label: Label | None
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    pace_label: Label
    progress_label: Label | None
    rows: list[PaceRow] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = BASELINE
    tick_label_y: int = BASELINE + 18
    unit: str = Unit.CREDITS  # the set's: "Contact hours counted toward …"

    @property
    def points(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.progress)

    @property
    def progress_end(self) -> Point | None:
        return self.progress[-1] if self.progress else None

    @property
    def standing_label(self) -> str:
        return PaceStanding(self.standing).label

    @property
    def description(self) -> str:
        return (
            f"{unit_word(2, self.unit).capitalize()} counted toward {self.name} from "
            f"{day_label(self.cycle_start)} to "
            f"{day_label(self.cycle_end)}, as a solid line, against a dashed pace line "
            f"rising evenly from 0 to the required {set_amount(self.required, self.unit)}. "
            f"{self.summary}"
        )


def elapsed(start: date, end: date, day: date) -> Decimal:
    """Share of the cycle gone by the end of `day`, as the calculator reckons it."""
    days = (end - start).days + 1
    return min(Decimal(1), max(ZERO, Decimal((day - start).days + 1) / days))


def pace_on(required: Decimal, start: date, end: date, day: date) -> Decimal:
    """Credits the pace line asks for by the end of `day`, rounded down to a quarter like
    the calculator's "behind" test (docs/decisions.md, "only the total is paced")."""
    share = required * elapsed(start, end, day)
    return (share / QUARTER).to_integral_value(ROUND_FLOOR) * QUARTER


def time_ticks(start: date, end: date) -> list[Tick]:
    """1 January of each year inside a cycle longer than two years; else each quarter."""
    long = (end - start).days + 1 > 731  # a two-year cycle may hold a 29 February
    months = (1,) if long else (1, 4, 7, 10)
    ticks = []
    for year in range(start.year, end.year + 1):
        for month in months:
            day = date(year, month, 1)
            if start < day <= end:
                x = LEFT + PLOT_W * float(elapsed(start, end, day - timedelta(days=1)))
                ticks.append(Tick(day, _r(x), f"{day:%Y}" if long else f"{day:%b %Y}"))
    return ticks


def _standing(
    chart_on: date,
    start: date,
    end: date,
    counted: Decimal,
    required: Decimal,
    expected: Decimal,
    unit: str = Unit.CREDITS,
) -> tuple[PaceStanding, str]:
    if counted >= required:
        return PaceStanding.REACHED, f"{counted_of(counted, required, unit)} counted: reached."
    if chart_on < start:
        return (
            PaceStanding.NOT_STARTED,
            f"The cycle starts on {day_label(start)}; {fmt(required)} needed by {day_label(end)}.",
        )
    if chart_on > end:
        return (
            PaceStanding.ENDED_SHORT,
            f"The cycle ended on {day_label(end)} with {counted_of(counted, required, unit)} counted, "
            f"{fmt(required - counted)} short.",
        )
    tail = f"{fmt(counted)} counted, {fmt(expected)} expected by today, {fmt(required)} needed by {day_label(end)}."
    if counted > expected:
        return PaceStanding.AHEAD, f"Ahead of the pace by {fmt(counted - expected)}: {tail}"
    if counted == expected:
        return PaceStanding.ON_PACE, f"On the pace: {tail}"
    return PaceStanding.BEHIND, f"Behind the pace by {fmt(expected - counted)}: {tail}"


def _monthly(
    result: SetResult, required: Decimal, credited: list[tuple[date, Decimal]], last: date
) -> list[PaceRow]:
    months: dict[date, Decimal] = {}
    for day, credits in credited:
        key = day.replace(day=1)
        months[key] = months.get(key, ZERO) + credits
    rows, running = [], result.carry_in
    for month, added in sorted(months.items()):
        running += added
        following = (month + timedelta(days=32)).replace(day=1)
        month_end = min(following - timedelta(days=1), last)
        pace = pace_on(required, result.cycle_start, result.cycle_end, month_end)
        rows.append(PaceRow(month, added, running, pace))
    return rows


CHAR_W, TEXT_H = 7.0, 12.0  # a generous guess at an 11px bold label's size


def box(label: Label) -> tuple[float, float, float, float]:
    width = CHAR_W * len(label.text)
    left = {"start": label.x, "middle": label.x - width / 2, "end": label.x - width}[label.anchor]
    return left, label.y - TEXT_H, left + width, label.y


def overlaps(a: Label, b: Label) -> bool:
    a0, a1, a2, a3 = box(a)
    b0, b1, b2, b3 = box(b)
    return a0 < b2 and b0 < a2 and a1 < b3 and b1 < a3


def _inside(label: Label) -> bool:
    left, top, right, bottom = box(label)
    return 0 <= left and right <= WIDTH and 0 <= top and bottom <= BASELINE - 2


def _direct_labels(
    pace_end: Point, last: Point | None, pace_y: float, today: Label | None, names: tuple[str, str]
) -> tuple[Label, Label | None]:
    """The pace line is named under its end ("Today" stands above the plot); the progress
    line at its end, preferably on the side away from the pace line and toward the
    middle, else wherever its name collides with neither and stays in the picture."""
    # Under the line all along the name's width: the line rises to the right, so the
    # name's top sits where the line stands at the name's left edge.
    slope = (BASELINE - pace_end.y) / PLOT_W
    drop = slope * CHAR_W * len(names[0])
    pace = Label(pace_end.x, _r(pace_end.y + drop + TEXT_H + 3), "end", names[0])
    if last is None:
        return pace, None
    taken = [label for label in (pace, today) if label is not None]
    anchors = ("end", "start") if last.x > LEFT + PLOT_W * 0.75 else ("start", "end")
    # Further below as a last resort, when the pace's name and "Today" crowd the corner.
    sides = (-8, 16, 30, 44) if last.y < pace_y else (16, -8, 30, 44)
    candidates = [
        Label(_r(last.x + (-6 if anchor == "end" else 6)), _r(last.y + dy), anchor, names[1])
        for dy in sides
        for anchor in anchors
    ]
    fitting = (c for c in candidates if _inside(c) and not any(overlaps(c, t) for t in taken))
    return pace, next(fitting, candidates[0])


def pace_chart(result: SetResult, key: str = "") -> PaceChart | None:
    """Cumulative credits over the cycle against the straight pace line; None for a set
    with no credit total (a topic-only set has nothing to pace)."""
    total_rule = next(
        (r for r in result.rules if r.kind == "minimum-total" and r.required is not None), None
    )
    required = total_rule.required if total_rule is not None else None
    if required is None or required <= 0:
        return None
    start, end, on = result.cycle_start, result.cycle_end, result.on
    credited = sorted(
        (e.completed_on, e.weighted)
        for e in result.entries
        if e.weighted and start <= e.completed_on <= end
    )
    counted = result.carry_in + sum((w for _, w in credited), ZERO)
    axis_max, y_ticks = value_axis(max(required, counted))

    def x_at(day: date) -> float:
        return _r(LEFT + PLOT_W * float(elapsed(start, end, day)))

    progress: list[Point] = []
    if on >= start:
        running = result.carry_in
        y = _y(running, axis_max)
        progress.append(Point(LEFT, y))
        by_day: dict[date, Decimal] = {}
        for day, credits in credited:
            by_day[day] = by_day.get(day, ZERO) + credits
        # A future-dated entry already counts in the calculator, so the line shows it too.
        # Each day's step: across at the old height, then up (one x and one y per day).
        for day, credits in sorted(by_day.items()):
            x = x_at(day)
            progress.append(Point(x, y))
            running += credits
            y = _y(running, axis_max)
            progress.append(Point(x, y))
        progress.append(Point(max(x_at(min(on, end)), progress[-1].x), y))
    expected = pace_on(required, start, end, on)
    standing, summary = _standing(on, start, end, counted, required, expected, result.unit)
    pace_end = Point(LEFT + PLOT_W, _y(required, axis_max))
    today_x = x_at(on) if start <= on <= end else None
    today = Label(today_x, TOP - 6, "middle", "Today") if today_x is not None else None
    pace_label, progress_label = _direct_labels(
        pace_end,
        progress[-1] if progress else None,
        _y(expected, axis_max),
        today,
        (f"Pace: {fmt(required)}", f"You: {fmt(counted)}"),
    )
    return PaceChart(
        key=key or f"pace-{result.set_id}",
        set_id=result.set_id,
        name=result.name,
        cycle_start=start,
        cycle_end=end,
        on=on,
        required=required,
        counted=counted,
        carry_in=result.carry_in,
        expected=expected,
        standing=standing,
        summary=summary,
        progress=progress,
        pace_start=Point(LEFT, BASELINE),
        pace_end=pace_end,
        today_x=today_x,
        today_label=today,
        x_ticks=time_ticks(start, end),
        y_ticks=y_ticks,
        pace_label=pace_label,
        progress_label=progress_label,
        rows=_monthly(result, required, credited, end),
        unit=result.unit,
    )


def pace_charts(report: Report) -> list[PaceChart]:
    """A pace chart for each followed set that asks for a credit total."""
    charts = []
    for item in report.sets:
        if item.result is not None:
            chart = pace_chart(item.result, key=f"pace-{item.enrollment_id}")
            if chart is not None:
                charts.append(chart)
    return charts


@dataclass(frozen=True)
class DashboardCharts:
    years: YearChart | None
    paces: list[PaceChart]
    years_shown: int = YEARS_SHOWN

    @property
    def empty(self) -> bool:
        return self.years is None and not self.paces


def for_dashboard(user: User, report: Report, today: date) -> DashboardCharts:
    """Both charts; pace charts only once some set has counted credit, so a new
    clinician gets one short message rather than charts with nothing on them."""
    years = credits_by_year(user, today)
    paces = pace_charts(report)
    if not any(chart.counted for chart in paces):
        paces = []
    return DashboardCharts(years, paces)
