"""Artefact deadlines (R40) and their red/amber/green state."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.calendar import WorkingCalendar
from supervision.domain.deadlines import (
    DeadlineState,
    artefact_deadlines,
    deadline_state,
    reminder_day,
)
from supervision.domain.tests.test_calendar import BANK_HOLIDAYS_2025_2026

CAL = WorkingCalendar.from_dates(BANK_HOLIDAYS_2025_2026)


@pytest.mark.parametrize(
    ("held", "actions", "minutes"),
    [
        # The cases: a Thursday in January, and Christmas Eve.
        (date(2026, 1, 15), date(2026, 1, 19), date(2026, 2, 12)),
        (date(2025, 12, 24), date(2025, 12, 30), date(2026, 1, 26)),
        # A Friday: the weekend does not count.
        (date(2026, 1, 16), date(2026, 1, 20), date(2026, 2, 13)),
        # Before Easter 2026 (Good Friday 3 April, Easter Monday 6 April, May Day 4 May).
        (date(2026, 4, 2), date(2026, 4, 8), date(2026, 5, 5)),  # and 4 May
    ],
)
def test_actions_and_minutes_fall_due_in_working_days(held, actions, minutes):
    deadlines = artefact_deadlines(held, CAL)
    assert (deadlines.actions_due, deadlines.minutes_due) == (actions, minutes)


DUE = date(2026, 1, 19)  # a Monday


@pytest.mark.parametrize(
    ("today", "done", "state"),
    [
        (date(2026, 1, 15), None, DeadlineState.GREEN),  # Thursday: two working days to go
        (date(2026, 1, 16), None, DeadlineState.AMBER),  # Friday: due next working day
        (date(2026, 1, 19), None, DeadlineState.AMBER),  # due today
        (date(2026, 1, 20), None, DeadlineState.RED),
        (date(2026, 3, 1), date(2026, 1, 16), DeadlineState.MET),
        (date(2026, 1, 19), date(2026, 1, 19), DeadlineState.MET),
        (date(2026, 1, 15), date(2026, 1, 20), DeadlineState.MET_LATE),
    ],
)
def test_deadline_state(today, done, state):
    assert deadline_state(due=DUE, today=today, done_on=done, calendar=CAL) == state


def test_the_reminder_goes_on_the_last_working_day_before():
    assert reminder_day(date(2026, 1, 19), CAL) == date(2026, 1, 16)  # Monday → Friday
    assert reminder_day(date(2025, 12, 30), CAL) == date(2025, 12, 29)
    assert reminder_day(date(2025, 12, 29), CAL) == date(2025, 12, 24)  # over Christmas


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 1)))
def test_deadline_properties(held):
    deadlines = artefact_deadlines(held, CAL)
    assert CAL.is_working_day(deadlines.actions_due)
    assert CAL.is_working_day(deadlines.minutes_due)
    assert CAL.working_days_between(held, deadlines.actions_due) == 2
    assert CAL.working_days_between(held, deadlines.minutes_due) == 20
    before = reminder_day(deadlines.actions_due, CAL)
    assert before < deadlines.actions_due
    assert CAL.is_working_day(before)
    assert CAL.working_days_between(before, deadlines.actions_due) == 1
    # Never green once past due; always met when done on time.
    late = deadlines.minutes_due + timedelta(days=1)
    assert (
        deadline_state(due=deadlines.minutes_due, today=late, done_on=None, calendar=CAL)
        == DeadlineState.RED
    )
