"""Laying out the timeline picture of a merged chronology: a lane per agency. Pure Python.

No Django, no I/O, no clock. :func:`layout` turns entries into positions on a drawing; the
page draws them (as SVG) and decides colours, shapes and words.

The drawing, top to bottom: one lane per agency (a band with the agency's name in its top
strip and the marks below it), then the month axis. Along x, the period runs from
``plot_left`` to ``plot_right``, each day an equal slice. An entry's mark sits in the middle
of the first day it could have happened on (:func:`~supervision.domain.chronology.span`,
clamped to the period), so marks follow the chronology's own order from left to right. An
imprecise entry ("sometime in March") also gets ``x_end``, the middle of the last day of
its span, so the page can show how far the date could reach.

Marks in one lane that would overlap move down to the next free row of the lane; when
every row is taken at that point, the mark goes in the row whose last mark is furthest
left (it may then overlap: a picture of 2,000 entries cannot keep them all apart, and the
table is the text alternative anyway).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from supervision.domain.chronology import Entry, Period, Polarity, ordered

#: Half the width and height of a mark: marks are drawn inside a square of twice this.
MARK_RADIUS = 6.0
#: Space kept clear between marks in a row, and around the edges of the drawing.
MARK_GAP = 2.0
#: The strip at the top of each lane that holds the agency's name.
LANE_LABEL_HEIGHT = 20.0
#: Below the lanes: month ticks and their labels (month, and year under it).
AXIS_HEIGHT = 40.0
#: Labelled month ticks are at least this far apart; the others are drawn unlabelled.
MIN_LABEL_SPACING = 48.0
#: Room a month label takes to the right of its tick ("Chwef", "Sept" at the page's size).
LABEL_WIDTH = 40.0
LABEL_OFFSET = 3.0
#: Room left and right of the period so that marks on its first or last day are whole.
SIDE_MARGIN = MARK_RADIUS + MARK_GAP


@dataclass(frozen=True, slots=True)
class Lane:
    """An agency's band: from ``top`` for ``height``; its name's baseline at ``label_y``."""

    agency: str
    top: float
    height: float
    label_y: float


@dataclass(frozen=True, slots=True)
class Mark:
    """An entry's place. ``x_end`` equals ``x`` unless the date is a month or a year."""

    ref: str
    agency: str
    polarity: Polarity
    x: float
    y: float
    x_end: float
    lane: int
    row: int


@dataclass(frozen=True, slots=True)
class Tick:
    """The start of a month on the axis.

    Only ``labelled`` ticks get a label, written from ``label_x`` (just right of the tick,
    or moved left to stay inside the drawing); the page shows the year under it when
    ``shows_year`` (the first labelled tick, and the first of each year).
    """

    x: float
    month: date
    labelled: bool
    shows_year: bool
    label_x: float


@dataclass(frozen=True, slots=True)
class Timeline:
    width: float
    height: float
    plot_left: float
    plot_right: float
    axis_y: float
    lanes: tuple[Lane, ...]
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]


def _lane_order(lanes: Sequence[str], entries: Iterable[Entry]) -> list[str]:
    """The lanes asked for, then any other agency with entries, alphabetically."""
    order = list(dict.fromkeys(lanes))
    known = set(order)
    order.extend(sorted({entry.agency for entry in entries} - known))
    return order


def _month_starts(period: Period) -> list[date]:
    """The first day of every month that starts inside the period."""
    year, month = period.start.year, period.start.month
    if period.start.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    starts = []
    while (day := date(year, month, 1)) <= period.end:
        starts.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts


def layout(
    entries: Iterable[Entry],
    period: Period,
    lanes: Sequence[str],
    *,
    width: float = 960.0,
    lane_height: float = 56.0,
) -> Timeline:
    """Place every entry in its agency's lane along the period, and the month ticks.

    ``lanes`` is the agency codes in the order to draw them; an agency with entries but not
    in ``lanes`` gets a lane after them. Entries may come in any order: marks are returned
    in the chronology's order (:func:`~supervision.domain.chronology.sort_key`), and their
    ``x`` never decreases along it. Entries outside the period are drawn at its nearer end.
    Every mark, with its radius, lies inside ``width`` by ``height``.
    """
    plot_left, plot_right = SIDE_MARGIN, width - SIDE_MARGIN
    if plot_right - plot_left < 2 * MARK_RADIUS:
        raise ValueError(f"width {width} is too small for a timeline")
    mark_area = lane_height - LANE_LABEL_HEIGHT - 2 * MARK_GAP
    if mark_area < 2 * MARK_RADIUS:
        raise ValueError(f"lane height {lane_height} is too small for a timeline")
    row_height = 2 * MARK_RADIUS + MARK_GAP
    rows = max(1, int((mark_area + MARK_GAP) // row_height))
    first_row_y = LANE_LABEL_HEIGHT + MARK_GAP + MARK_RADIUS

    in_order = ordered(entries)
    agencies = _lane_order(lanes, in_order)
    lane_index = {agency: index for index, agency in enumerate(agencies)}
    drawn_lanes = tuple(
        Lane(
            agency=agency,
            top=index * lane_height,
            height=lane_height,
            label_y=index * lane_height + LANE_LABEL_HEIGHT - 5,
        )
        for index, agency in enumerate(agencies)
    )

    day_width = (plot_right - plot_left) / period.days
    start_ordinal = period.start.toordinal()
    last_offset = period.days - 1

    def day_x(day: date) -> float:
        offset = min(max(day.toordinal() - start_ordinal, 0), last_offset)
        return plot_left + (offset + 0.5) * day_width

    # For each lane, where each row's last mark ends (x of its right edge).
    row_ends = [[float("-inf")] * rows for _ in agencies]
    marks = []
    for entry in in_order:
        lane = lane_index[entry.agency]
        x = day_x(entry.first_day)
        ends = row_ends[lane]
        row = next(
            (r for r in range(rows) if ends[r] + MARK_GAP <= x - MARK_RADIUS),
            min(range(rows), key=ends.__getitem__),
        )
        ends[row] = x + MARK_RADIUS
        marks.append(
            Mark(
                ref=entry.ref,
                agency=entry.agency,
                polarity=entry.polarity,
                x=x,
                y=lane * lane_height + first_row_y + row * row_height,
                x_end=day_x(entry.last_day),
                lane=lane,
                row=row,
            )
        )

    axis_y = len(agencies) * lane_height
    months = _month_starts(period)
    every = max(1, math.ceil(MIN_LABEL_SPACING / (28 * day_width)))
    ticks = []
    last_label = float("-inf")
    for index, month in enumerate(months):
        x = plot_left + (month.toordinal() - start_ordinal) * day_width
        label_x = min(x + LABEL_OFFSET, width - LABEL_WIDTH)
        labelled = index % every == 0 and label_x - last_label >= MIN_LABEL_SPACING
        if labelled:
            last_label = label_x
        ticks.append(
            Tick(
                x=x,
                month=month,
                labelled=labelled,
                shows_year=labelled and (index == 0 or month.month <= every),
                label_x=label_x,
            )
        )
    return Timeline(
        width=width,
        height=axis_y + AXIS_HEIGHT,
        plot_left=plot_left,
        plot_right=plot_right,
        axis_y=axis_y,
        lanes=drawn_lanes,
        marks=tuple(marks),
        ticks=tuple(ticks),
    )
