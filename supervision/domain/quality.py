"""The safeguarding board's quality figures: periods, deadlines met, percentages, medians.
Pure Python.

No Django, no I/O, no clock: "today" and the dates to count arrive as plain values. The
figures are aggregates only; nothing here knows about people or cases.

- :class:`Period` and :func:`periods_between`: the months or quarters a report covers.
- :func:`deadline_outcome` and :class:`Tally`: whether something due was done on time, late,
  or is not due yet (counted apart, so a deadline still running is not called missed).
- :func:`percentage`, :func:`spread`: rounded percentages, and the median and range.
- :func:`rating_counts`, :func:`reason_counts`: counts per rating and per request reason.
- :func:`bar_length`: how long a chart bar is drawn.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

#: The feedback rating runs from 1 (not useful) to 5 (very useful); it is optional.
RATINGS = (1, 2, 3, 4, 5)
MONTHS_IN_QUARTER = 3


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after the month of `day` (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month or quarter (January to March, April to June...), both ends
    included."""

    granularity: Granularity
    start: date
    end: date

    @property
    def key(self) -> str:
        """For files and URLs: "2026-01" for a month, "2026-Q1" for a quarter."""
        if self.granularity is Granularity.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // MONTHS_IN_QUARTER + 1}"
        return f"{self.start:%Y-%m}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_of(day: date, granularity: Granularity) -> Period:
    """The month or quarter that `day` falls in."""
    if granularity is Granularity.QUARTER:
        first_month = (day.month - 1) // MONTHS_IN_QUARTER * MONTHS_IN_QUARTER + 1
        start = date(day.year, first_month, 1)
        length = MONTHS_IN_QUARTER
    else:
        start = month_start(day)
        length = 1
    return Period(granularity, start, add_months(start, length) - timedelta(days=1))


def periods_between(first: date, last: date, granularity: Granularity) -> list[Period]:
    """Every month or quarter from the one holding `first` to the one holding `last`.

    Empty when `last` is before `first`.
    """
    if last < first:
        return []
    periods = [period_of(first, granularity)]
    while periods[-1].end < last:
        periods.append(period_of(periods[-1].end + timedelta(days=1), granularity))
    return periods


def period_index(day: date, periods: Sequence[Period]) -> int | None:
    """The position of the period holding `day`, or None when no period does."""
    for index, period in enumerate(periods):
        if period.contains(day):
            return index
    return None


def percentage(part: int, whole: int) -> int | None:
    """`part` as a whole-number percentage of `whole`, halves rounded up; None for 0 of 0.

    1 of 3 is 33, 2 of 3 is 67, 1 of 8 (12.5) is 13.
    """
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


class DeadlineOutcome(StrEnum):
    ON_TIME = "on_time"  # done on or before the day it was due
    LATE = "late"  # done after it was due, or still not done and the day has passed
    NOT_DUE_YET = "not_due_yet"  # not done, and the due day has not passed


def deadline_outcome(*, due: date, done_on: date | None, today: date) -> DeadlineOutcome:
    """Whether something due on `due` was done in time, as things stand on `today`.

    Something done counts by the day it was done, even if `today` is before `due`. Something
    not done counts as late only once `due` has passed; until then it is not due yet.
    """
    if done_on is not None:
        return DeadlineOutcome.ON_TIME if done_on <= due else DeadlineOutcome.LATE
    return DeadlineOutcome.LATE if today > due else DeadlineOutcome.NOT_DUE_YET


@dataclass(frozen=True, slots=True)
class Tally:
    """Deadlines counted by outcome. The percentage is of those that could be measured:
    on time and late, not those not due yet."""

    on_time: int = 0
    late: int = 0
    not_due_yet: int = 0

    @property
    def measured(self) -> int:
        return self.on_time + self.late

    @property
    def percent_on_time(self) -> int | None:
        return percentage(self.on_time, self.measured)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.on_time + other.on_time,
            self.late + other.late,
            self.not_due_yet + other.not_due_yet,
        )

    def counted(self, outcome: DeadlineOutcome) -> Tally:
        """This tally with one more of `outcome`."""
        if outcome is DeadlineOutcome.ON_TIME:
            return Tally(self.on_time + 1, self.late, self.not_due_yet)
        if outcome is DeadlineOutcome.LATE:
            return Tally(self.on_time, self.late + 1, self.not_due_yet)
        return Tally(self.on_time, self.late, self.not_due_yet + 1)


def tally(deadlines: Iterable[tuple[date, date | None]], *, today: date) -> Tally:
    """Count (due, done_on) pairs by their outcome on `today`."""
    result = Tally()
    for due, done_on in deadlines:
        result = result.counted(deadline_outcome(due=due, done_on=done_on, today=today))
    return result


@dataclass(frozen=True, slots=True)
class Spread:
    """How many values, their median, and the smallest and largest (None when empty)."""

    count: int
    median: float | None
    shortest: int | None
    longest: int | None


def spread(values: Iterable[int]) -> Spread:
    """The median and range of whole numbers (days, for example).

    The median of an even number of values is the mean of the middle two, so it can end in
    .5: 10, 12, 20, 30 has median 16.
    """
    ordered = sorted(values)
    if not ordered:
        return Spread(0, None, None, None)
    return Spread(len(ordered), float(statistics.median(ordered)), ordered[0], ordered[-1])


def rating_counts(ratings: Iterable[int | None]) -> dict[int, int]:
    """How many answers gave each rating, 1 to 5 (all five keys, in order); answers
    without a rating, or with a rating outside 1 to 5, are not counted."""
    counts = dict.fromkeys(RATINGS, 0)
    for rating in ratings:
        if rating in counts:
            counts[rating] += 1
    return counts


def reason_counts(reason_lists: Iterable[Iterable[str]], known: Sequence[str]) -> dict[str, int]:
    """How many requests gave each reason, in the order of `known`.

    A request may give several reasons and counts once for each; a reason given twice in
    one request counts once. Codes not in `known` are not counted.
    """
    counts = dict.fromkeys(known, 0)
    for reasons in reason_lists:
        for reason in set(reasons):
            if reason in counts:
                counts[reason] += 1
    return counts


def bar_length(value: float | None, largest: float, full: int) -> int:
    """The length of a bar for `value` on a scale where `largest` is `full` long.

    Nothing (or zero) has no bar; any value above zero has a bar of at least 1, so it is
    seen.
    """
    if not value or value <= 0 or largest <= 0:
        return 0
    return max(1, round(full * min(value, largest) / largest))
