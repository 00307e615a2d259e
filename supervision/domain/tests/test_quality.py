"""The quality figures' arithmetic: periods, deadlines met, percentages, medians, counts."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.quality import (
    DeadlineOutcome,
    Granularity,
    Tally,
    add_months,
    bar_length,
    deadline_outcome,
    percentage,
    period_index,
    period_of,
    periods_between,
    rating_counts,
    reason_counts,
    spread,
    tally,
)

MONTH, QUARTER = Granularity.MONTH, Granularity.QUARTER


# --- Periods ----------------------------------------------------------------------------


def test_a_month_runs_from_its_first_to_its_last_day():
    period = period_of(date(2026, 2, 14), MONTH)
    assert (period.start, period.end, period.key) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        "2026-02",
    )


@pytest.mark.parametrize(
    ("day", "start", "end", "key"),
    [
        (date(2026, 1, 15), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
        (date(2025, 9, 30), date(2025, 7, 1), date(2025, 9, 30), "2025-Q3"),
        (date(2025, 12, 11), date(2025, 10, 1), date(2025, 12, 31), "2025-Q4"),
    ],
)
def test_quarters_are_calendar_quarters(day, start, end, key):
    period = period_of(day, QUARTER)
    assert (period.start, period.end, period.key) == (start, end, key)


def test_months_between_cross_the_year_end():
    periods = periods_between(date(2025, 11, 20), date(2026, 2, 3), MONTH)
    assert [p.key for p in periods] == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_quarters_between_take_in_the_quarters_at_either_end():
    periods = periods_between(date(2025, 12, 1), date(2026, 4, 1), QUARTER)
    assert [p.key for p in periods] == ["2025-Q4", "2026-Q1", "2026-Q2"]


def test_no_periods_when_the_end_is_before_the_start():
    assert periods_between(date(2026, 3, 1), date(2026, 2, 1), MONTH) == []


def test_a_day_is_placed_in_its_period_or_none():
    periods = periods_between(date(2026, 1, 1), date(2026, 3, 1), MONTH)
    assert period_index(date(2026, 1, 15), periods) == 0
    assert period_index(date(2026, 3, 31), periods) == 2
    assert period_index(date(2026, 4, 1), periods) is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(-30, 30))
def test_adding_months_lands_on_the_first_of_a_month(day, months):
    moved = add_months(day, months)
    assert moved.day == 1
    assert (moved.year - day.year) * 12 + moved.month - day.month == months


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)),
    st.integers(0, 800),
    st.sampled_from(list(Granularity)),
)
def test_periods_cover_every_day_once_and_in_order(first, length, granularity):
    last = first + timedelta(days=length)
    periods = periods_between(first, last, granularity)
    assert periods[0].contains(first)
    assert periods[-1].contains(last)
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + timedelta(days=1)


# --- Deadlines --------------------------------------------------------------------------

ACTIONS_DUE = date(2026, 1, 19)  # the scenario: session Thu 15 Jan, actions due Mon 19 Jan


@pytest.mark.parametrize(
    ("done", "today", "outcome"),
    [
        (date(2026, 1, 16), date(2026, 11, 1), DeadlineOutcome.ON_TIME),  # the scenario
        (date(2026, 1, 19), date(2026, 1, 19), DeadlineOutcome.ON_TIME),  # on the day
        (date(2026, 1, 16), date(2026, 1, 16), DeadlineOutcome.ON_TIME),  # early, before due
        (date(2026, 1, 20), date(2026, 1, 20), DeadlineOutcome.LATE),
        (None, date(2026, 1, 20), DeadlineOutcome.LATE),  # never sent, day passed
        (None, date(2026, 1, 19), DeadlineOutcome.NOT_DUE_YET),  # can still be met today
        (None, date(2026, 1, 15), DeadlineOutcome.NOT_DUE_YET),
    ],
)
def test_deadline_outcome(done, today, outcome):
    assert deadline_outcome(due=ACTIONS_DUE, done_on=done, today=today) == outcome


def test_a_tally_counts_the_outcomes_and_leaves_running_deadlines_out_of_the_percentage():
    today = date(2026, 1, 26)
    counted = tally(
        [
            (date(2026, 1, 16), date(2026, 1, 16)),  # on time
            (date(2026, 1, 23), date(2026, 1, 22)),  # on time
            (date(2026, 1, 22), None),  # late: still open
            (date(2026, 1, 30), None),  # not due yet
            (date(2026, 1, 19), date(2026, 1, 21)),  # late
        ],
        today=today,
    )
    assert counted == Tally(on_time=2, late=2, not_due_yet=1)
    assert counted.measured == 4
    assert counted.percent_on_time == 50


def test_tallies_add_up():
    assert Tally(1, 2, 3) + Tally(4, 5, 6) == Tally(5, 7, 9)


def test_nothing_measured_has_no_percentage():
    assert Tally(not_due_yet=3).percent_on_time is None


# --- Numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 3, 33), (2, 3, 67), (1, 8, 13), (3, 8, 38), (0, 5, 0), (5, 5, 100), (6, 7, 86)],
)
def test_percentages_are_whole_numbers_rounded_half_up(part, whole, expected):
    assert percentage(part, whole) == expected


def test_no_percentage_of_nothing():
    assert percentage(0, 0) is None


@given(st.integers(1, 10_000), st.data())
def test_a_percentage_is_within_half_a_point(whole, data):
    part = data.draw(st.integers(0, whole))
    result = percentage(part, whole)
    assert result is not None
    assert abs(result - 100 * part / whole) <= 0.5


def test_spread_gives_the_median_and_range():
    # Scenario: request 11 Dec 2025, session 15 Jan 2026 is 35 days; three more made up.
    result = spread([35, 10, 30, 12])
    assert (result.count, result.median, result.shortest, result.longest) == (4, 21.0, 10, 35)


def test_spread_of_an_odd_number_of_values():
    assert spread([7, 3, 100]).median == 7.0


def test_spread_of_nothing():
    result = spread([])
    assert (result.count, result.median, result.shortest, result.longest) == (0, None, None, None)


def test_rating_counts_have_every_rating_and_skip_no_rating():
    assert rating_counts([5, 4, None, 5, 9]) == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}


def test_reason_counts_count_each_request_once_per_reason():
    known = ["stuck_or_drift", "escalating_risk", "other"]
    counts = reason_counts(
        [
            ["stuck_or_drift", "escalating_risk"],  # the scenario's request (§7.4)
            ["stuck_or_drift", "stuck_or_drift"],
            ["not_a_reason"],
        ],
        known,
    )
    assert counts == {"stuck_or_drift": 2, "escalating_risk": 1, "other": 0}
    assert list(counts) == known


@pytest.mark.parametrize(
    ("value", "largest", "expected"),
    [(50, 100, 150), (100, 100, 300), (0, 100, 0), (None, 100, 0), (0.1, 100, 1), (3, 0, 0)],
)
def test_bar_length(value, largest, expected):
    assert bar_length(value, largest, 300) == expected
