"""The timeline layout: worked examples on the scenario, then properties."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision.domain.chronology import (
    DatePrecision,
    Engagement,
    Entry,
    Period,
    Polarity,
    Rag,
    merge,
    sort_key,
)
from supervision.domain.tests import scenario
from supervision.domain.timeline import (
    LABEL_WIDTH,
    MARK_RADIUS,
    MIN_LABEL_SPACING,
    Timeline,
    layout,
)

PERIOD = Period(date(2024, 12, 11), date(2025, 12, 10))


def entry(
    ref: str,
    day: date,
    agency: str = "HV",
    precision: DatePrecision = DatePrecision.EXACT,
    polarity: Polarity = Polarity.WORRY,
) -> Entry:
    return Entry(
        ref=ref,
        agency=agency,
        event_date=day,
        precision=precision,
        event_time=None,
        subjects=frozenset({"P1"}),
        event_type="visit",
        themes=frozenset(),
        rag=Rag.NONE,
        polarity=polarity,
        engagement=Engagement.NOT_APPLICABLE,
    )


def inside(drawing: Timeline) -> None:
    """Every mark whole inside the drawing and inside its own lane's mark area."""
    for mark in drawing.marks:
        lane = drawing.lanes[mark.lane]
        assert lane.agency == mark.agency
        assert mark.x - MARK_RADIUS >= 0
        assert mark.x + MARK_RADIUS <= drawing.width
        assert mark.y - MARK_RADIUS >= 0
        assert mark.y + MARK_RADIUS <= drawing.height
        assert lane.top < mark.y - MARK_RADIUS
        assert mark.y + MARK_RADIUS <= lane.top + lane.height
        assert lane.top < lane.label_y < mark.y - MARK_RADIUS
        assert mark.x <= mark.x_end <= drawing.plot_right


def test_the_scenario_has_a_lane_per_agency_in_the_order_given() -> None:
    merged = merge(scenario.entries(), scenario.links(), PERIOD)
    lanes = ["CS", "POL", "HV", "GP", "SCH", "DAS", "FSC"]
    drawing = layout(merged.entries, PERIOD, lanes, width=960, lane_height=56)
    assert [lane.agency for lane in drawing.lanes] == lanes
    assert len(drawing.marks) == 46
    assert [mark.ref for mark in drawing.marks] == [e.ref for e in merged.entries]
    assert {mark.agency for mark in drawing.marks} <= set(lanes)
    assert drawing.height == 7 * 56 + (drawing.height - drawing.axis_y)
    inside(drawing)


def test_first_and_last_days_of_the_period_are_at_the_ends() -> None:
    drawing = layout([entry("A", PERIOD.start), entry("B", PERIOD.end)], PERIOD, ["HV"], width=1000)
    first, last = drawing.marks
    day = (drawing.plot_right - drawing.plot_left) / PERIOD.days
    assert first.x == pytest.approx(drawing.plot_left + day / 2)
    assert last.x == pytest.approx(drawing.plot_right - day / 2)


def test_the_middle_of_the_period_is_in_the_middle() -> None:
    period = Period(date(2025, 1, 1), date(2025, 1, 31))  # 31 days: 16 January is the middle
    drawing = layout([entry("A", date(2025, 1, 16))], period, ["HV"], width=500)
    assert drawing.marks[0].x == pytest.approx(250)


def test_a_month_entry_reaches_across_its_month() -> None:
    drawing = layout(
        [
            entry("M", date(2025, 3, 14), precision=DatePrecision.MONTH),
            entry("D", date(2025, 3, 1)),
        ],
        PERIOD,
        ["HV"],
    )
    by_ref = {mark.ref: mark for mark in drawing.marks}
    day = (drawing.plot_right - drawing.plot_left) / PERIOD.days
    assert by_ref["M"].x == pytest.approx(by_ref["D"].x)  # drawn from 1 March
    assert by_ref["M"].x_end == pytest.approx(by_ref["D"].x + 30 * day)  # to 31 March
    assert by_ref["D"].x_end == by_ref["D"].x
    # Exact dates come first on the day (sort_key), so D is left of, or level with, M.
    assert [mark.ref for mark in drawing.marks] == ["D", "M"]


def test_entries_outside_the_period_are_drawn_at_its_ends() -> None:
    drawing = layout(
        [
            entry("Y", date(2024, 6, 1), precision=DatePrecision.YEAR),
            entry("LATE", date(2026, 2, 1)),
        ],
        PERIOD,
        ["HV"],
    )
    year, late = drawing.marks
    assert year.x == pytest.approx(layout([entry("S", PERIOD.start)], PERIOD, ["HV"]).marks[0].x)
    assert late.x == late.x_end
    inside(drawing)


def test_marks_on_the_same_day_in_one_lane_do_not_overlap() -> None:
    day = date(2025, 5, 5)
    drawing = layout([entry(f"E{i}", day) for i in range(3)], PERIOD, ["HV"], lane_height=80)
    rows = [mark.row for mark in drawing.marks]
    assert rows == [0, 1, 2]
    ys = sorted(mark.y for mark in drawing.marks)
    assert all(b - a >= 2 * MARK_RADIUS for a, b in itertools.pairwise(ys))


def test_marks_in_different_lanes_share_the_first_row() -> None:
    day = date(2025, 5, 5)
    drawing = layout([entry("A", day, "HV"), entry("B", day, "POL")], PERIOD, ["HV", "POL"])
    assert [mark.row for mark in drawing.marks] == [0, 0]
    assert drawing.marks[1].y - drawing.marks[0].y == pytest.approx(drawing.lanes[1].top)


def test_an_agency_missing_from_the_lanes_gets_a_lane_after_them() -> None:
    drawing = layout(
        [entry("A", date(2025, 5, 5), "ZED"), entry("B", date(2025, 5, 6), "ABC")],
        PERIOD,
        ["HV"],
    )
    assert [lane.agency for lane in drawing.lanes] == ["HV", "ABC", "ZED"]


def test_month_ticks_for_the_default_period() -> None:
    drawing = layout([], PERIOD, ["HV"], width=960)
    assert [tick.month for tick in drawing.ticks] == [
        date(2025, month, 1) for month in range(1, 13)
    ]
    assert all(tick.labelled for tick in drawing.ticks)
    assert [tick.month for tick in drawing.ticks if tick.shows_year] == [date(2025, 1, 1)]


def test_a_long_period_labels_fewer_months() -> None:
    period = Period(date(2020, 1, 1), date(2025, 12, 31))
    drawing = layout([], period, ["HV"], width=960)
    assert len(drawing.ticks) == 72
    labelled = [tick for tick in drawing.ticks if tick.labelled]
    assert 6 <= len(labelled) < 72
    assert all(b.x - a.x >= MIN_LABEL_SPACING for a, b in itertools.pairwise(labelled))
    # Each year is named once, under its first labelled month.
    assert [tick.month.year for tick in labelled if tick.shows_year] == list(range(2020, 2026))


def test_too_small_a_drawing_is_refused() -> None:
    with pytest.raises(ValueError, match="width"):
        layout([], PERIOD, ["HV"], width=10)
    with pytest.raises(ValueError, match="lane height"):
        layout([], PERIOD, ["HV"], lane_height=20)


# --- Properties ---------------------------------------------------------------------------

AGENCIES = ["CS", "HV", "POL", "SCH", "GP"]


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 1, 1)))
    return Period(start, start + timedelta(days=draw(st.integers(0, 3 * 366))))


@st.composite
def entry_lists(draw: st.DrawFn, period: Period) -> list[Entry]:
    count = draw(st.integers(0, 60))
    near = st.dates(
        min_value=period.start - timedelta(days=400), max_value=period.end + timedelta(days=400)
    )
    return [
        entry(
            f"R{i}",
            draw(near),
            draw(st.sampled_from(AGENCIES)),
            draw(st.sampled_from(list(DatePrecision))),
            draw(st.sampled_from(list(Polarity))),
        )
        for i in range(count)
    ]


@st.composite
def drawings(draw: st.DrawFn) -> tuple[list[Entry], Timeline]:
    period = draw(periods())
    entries = draw(entry_lists(period))
    lanes = draw(st.lists(st.sampled_from(AGENCIES), unique=True))
    width = draw(st.floats(min_value=120, max_value=2400))
    lane_height = draw(st.floats(min_value=40, max_value=160))
    return entries, layout(entries, period, lanes, width=width, lane_height=lane_height)


@settings(max_examples=200)
@given(drawings())
def test_every_mark_is_inside_the_drawing(case: tuple[list[Entry], Timeline]) -> None:
    entries, drawing = case
    assert len(drawing.marks) == len(entries)
    inside(drawing)


@settings(max_examples=200)
@given(drawings())
def test_marks_keep_the_chronology_order_along_x(case: tuple[list[Entry], Timeline]) -> None:
    entries, drawing = case
    assert [mark.ref for mark in drawing.marks] == [e.ref for e in sorted(entries, key=sort_key)]
    xs = [mark.x for mark in drawing.marks]
    assert xs == sorted(xs)


@settings(max_examples=200)
@given(drawings())
def test_ticks_are_in_order_inside_the_plot(case: tuple[list[Entry], Timeline]) -> None:
    _entries, drawing = case
    xs = [tick.x for tick in drawing.ticks]
    assert xs == sorted(xs)
    assert all(drawing.plot_left <= x <= drawing.plot_right for x in xs)
    assert all(tick.month.day == 1 for tick in drawing.ticks)
    labels = [tick.label_x for tick in drawing.ticks if tick.labelled]
    assert all(b - a >= MIN_LABEL_SPACING for a, b in itertools.pairwise(labels))
    assert all(x >= 0 and x + LABEL_WIDTH <= drawing.width for x in labels)
