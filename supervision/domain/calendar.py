"""Working-day arithmetic. Pure Python: no Django, no I/O, no clock.

Conventions (used by every timescale in the product):

- A working day is a Monday to Friday that is not in the calendar's ``holidays``
  (bank holidays, plus any local closure days the caller chose to include).
- The event day is day 0. "Within 2 working days of a session on Thursday" means
  by the 2nd working day *after* Thursday, whatever kind of day the event fell on.
- Intervals are half-open, ``(start, end]``: the start day is never counted, the end day is.

The holiday set is passed in; this module never looks anything up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
SATURDAY = 5  # date.weekday(): Monday is 0, so 5 and 6 are the weekend


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Saturdays, Sundays and the given holidays are not working days."""

    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_dates(cls, holidays: Iterable[date]) -> WorkingCalendar:
        """Build a calendar from any iterable of non-working dates (duplicates are fine)."""
        return cls(frozenset(holidays))

    def is_working_day(self, day: date) -> bool:
        """True for a weekday that is not a holiday."""
        return day.weekday() < SATURDAY and day not in self.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """Return the date ``n`` working days after ``start``.

        ``start`` is day 0 and is returned unchanged when ``n`` is 0, even if it is a
        weekend or holiday. For ``n`` > 0 the result is always a working day: an event on
        a Saturday plus 1 working day is the following Monday (if that is a working day).

        Raises ValueError if ``n`` is negative: deadlines only run forwards.
        """
        if n < 0:
            raise ValueError(f"n must not be negative (got {n})")
        day = start
        remaining = n
        while remaining:
            day += ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days in the half-open interval ``(start, end]``.

        ``start`` is not counted and ``end`` is, so
        ``working_days_between(start, add_working_days(start, n)) == n``.
        If ``end`` is before ``start`` the result is negative:
        ``working_days_between(a, b) == -working_days_between(b, a)``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def working_days_late(self, due: date, done: date) -> int:
        """How many working days after ``due`` the thing was ``done``; 0 if on time or early.

        Counts working days in ``(due, done]``: due Wednesday and done Thursday is 1
        working day late; due Friday and done the following Monday is also 1.
        """
        return max(0, self.working_days_between(due, done))
