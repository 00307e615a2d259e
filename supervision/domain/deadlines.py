"""When the session's artefacts are due, and how each deadline stands. Pure Python.

The source document: "Actions to be distributed within 2 working days and minutes to
follow within 20 working days" (R40). The session day is day 0; weekends, England and
Wales bank holidays and local closure days do not count (domain.md §3.5.4, §7.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from supervision.domain.calendar import WorkingCalendar

ACTIONS_WORKING_DAYS = 2
MINUTES_WORKING_DAYS = 20
#: A deadline turns amber this many working days before it falls due.
AMBER_WORKING_DAYS = 1
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ArtefactDeadlines:
    actions_due: date
    minutes_due: date


def artefact_deadlines(held_on: date, calendar: WorkingCalendar) -> ArtefactDeadlines:
    """Actions due 2 working days after the session, minutes 20 (R40).

    A session on Thursday 15 January 2026 has actions due Monday 19 January and minutes due
    Thursday 12 February; one on Wednesday 24 December 2025 has Tuesday 30 December and
    Monday 26 January 2026 (Christmas Day and Boxing Day do not count).
    """
    return ArtefactDeadlines(
        actions_due=calendar.add_working_days(held_on, ACTIONS_WORKING_DAYS),
        minutes_due=calendar.add_working_days(held_on, MINUTES_WORKING_DAYS),
    )


class DeadlineState(StrEnum):
    """Red, amber or green, or met: templates and translations key on these values."""

    GREEN = "green"  # open, more than a working day to go
    AMBER = "amber"  # open, due today or on the next working day
    RED = "red"  # open and past its due date
    MET = "met"  # done on or before the due date
    MET_LATE = "met_late"  # done, after the due date


def deadline_state(
    *, due: date, today: date, done_on: date | None, calendar: WorkingCalendar
) -> DeadlineState:
    """How a deadline stands on `today`.

    Done deadlines are MET or MET_LATE whatever today is. An open one is RED once `today`
    is after `due`; AMBER when `due` is today or within AMBER_WORKING_DAYS working days;
    GREEN otherwise.
    """
    if done_on is not None:
        return DeadlineState.MET if done_on <= due else DeadlineState.MET_LATE
    if today > due:
        return DeadlineState.RED
    if due <= calendar.add_working_days(today, AMBER_WORKING_DAYS):
        return DeadlineState.AMBER
    return DeadlineState.GREEN


def reminder_day(due: date, calendar: WorkingCalendar) -> date:
    """The last working day before `due`, when the person responsible is reminded."""
    day = due - ONE_DAY
    while not calendar.is_working_day(day):
        day -= ONE_DAY
    return day
