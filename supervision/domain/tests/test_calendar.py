"""Working-day arithmetic: the domain brief's worked cases (§7.6) plus properties.

The bank holidays below are the England and Wales list published on GOV.UK for 2025 and
2026, written out by hand so that these tests do not depend on the `holidays` package or
on the database (the timescales tests check that the seeded table agrees with them).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.calendar import WorkingCalendar

BANK_HOLIDAYS_2025_2026 = frozenset(
    {
        # 2025
        date(2025, 1, 1),  # New Year's Day
        date(2025, 4, 18),  # Good Friday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 5, 5),  # Early May bank holiday
        date(2025, 5, 26),  # Spring bank holiday
        date(2025, 8, 25),  # Summer bank holiday
        date(2025, 12, 25),  # Christmas Day
        date(2025, 12, 26),  # Boxing Day
        # 2026
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 5, 25),  # Spring bank holiday
        date(2026, 8, 31),  # Summer bank holiday
        date(2026, 12, 25),  # Christmas Day
        date(2026, 12, 28),  # Boxing Day (substitute day: 26 December is a Saturday)
    }
)

CAL = WorkingCalendar.from_dates(BANK_HOLIDAYS_2025_2026)


def _d(text: str) -> date:
    return date.fromisoformat(text)


# domain.md §7.6, one row per filled cell: (event day, weekday label in the table,
# working days added, expected date, weekday label in the table).
SECTION_7_6 = [
    # Thu 2025-04-17: Good Friday 18/04, Easter Monday 21/04, early May BH 05/05
    ("2025-04-17", "Thu", 2, "2025-04-23", "Wed"),
    ("2025-04-17", "Thu", 5, "2025-04-28", "Mon"),
    ("2025-04-17", "Thu", 10, "2025-05-06", "Tue"),
    ("2025-04-17", "Thu", 20, "2025-05-20", "Tue"),
    # Wed 2025-04-09 (strategy discussion): ICPC within 15 working days
    ("2025-04-09", "Wed", 15, "2025-05-02", "Fri"),
    # Thu 2025-05-01 (ICPC): outline plan 5 WD, first core group 10 WD (05/05 BH)
    ("2025-05-01", "Thu", 5, "2025-05-09", "Fri"),
    ("2025-05-01", "Thu", 10, "2025-05-16", "Fri"),
    # Thu 2025-07-10: no bank holiday in the window
    ("2025-07-10", "Thu", 2, "2025-07-14", "Mon"),
    ("2025-07-10", "Thu", 5, "2025-07-17", "Thu"),
    ("2025-07-10", "Thu", 10, "2025-07-24", "Thu"),
    ("2025-07-10", "Thu", 20, "2025-08-07", "Thu"),
    # Wed 2025-12-24: 25/26 December and 1 January
    ("2025-12-24", "Wed", 2, "2025-12-30", "Tue"),
    ("2025-12-24", "Wed", 5, "2026-01-05", "Mon"),
    ("2025-12-24", "Wed", 10, "2026-01-12", "Mon"),
    ("2025-12-24", "Wed", 20, "2026-01-26", "Mon"),
    # Thu 2026-01-15 (sample multi-agency supervision session)
    ("2026-01-15", "Thu", 2, "2026-01-19", "Mon"),
    ("2026-01-15", "Thu", 5, "2026-01-22", "Thu"),
    ("2026-01-15", "Thu", 10, "2026-01-29", "Thu"),
    ("2026-01-15", "Thu", 20, "2026-02-12", "Thu"),
    # Thu 2026-04-02: Good Friday 03/04, Easter Monday 06/04, early May BH 04/05
    ("2026-04-02", "Thu", 2, "2026-04-08", "Wed"),
    ("2026-04-02", "Thu", 5, "2026-04-13", "Mon"),
    ("2026-04-02", "Thu", 10, "2026-04-20", "Mon"),
    ("2026-04-02", "Thu", 20, "2026-05-05", "Tue"),
]


@pytest.mark.parametrize(("event", "event_dow", "n", "expected", "expected_dow"), SECTION_7_6)
def test_add_working_days_matches_domain_brief(event, event_dow, n, expected, expected_dow):
    # The weekday labels guard against a mistyped date in the table above.
    assert _d(event).strftime("%a") == event_dow
    assert _d(expected).strftime("%a") == expected_dow
    assert CAL.add_working_days(_d(event), n) == _d(expected)


@pytest.mark.parametrize(("event", "event_dow", "n", "expected", "expected_dow"), SECTION_7_6)
def test_working_days_between_counts_the_brief_cases_back(
    event, event_dow, n, expected, expected_dow
):
    assert CAL.working_days_between(_d(event), _d(expected)) == n
    assert CAL.working_days_between(_d(expected), _d(event)) == -n


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param("2025-12-20", 0, "2025-12-20", id="saturday-day-0-is-the-saturday"),
        pytest.param("2025-12-20", 1, "2025-12-22", id="saturday-plus-1-is-monday"),
        pytest.param("2025-12-21", 1, "2025-12-22", id="sunday-plus-1-is-monday"),
        pytest.param("2025-12-20", 2, "2025-12-23", id="saturday-plus-2-is-tuesday"),
        pytest.param("2025-12-25", 0, "2025-12-25", id="bank-holiday-day-0-is-itself"),
        pytest.param("2025-12-25", 1, "2025-12-29", id="christmas-plus-1-skips-boxing-day"),
        pytest.param("2026-12-26", 1, "2026-12-29", id="saturday-boxing-day-skips-substitute"),
        pytest.param("2026-12-24", 1, "2026-12-29", id="christmas-eve-2026-plus-1"),
        pytest.param("2026-12-22", 5, "2026-12-31", id="christmas-week-2026-plus-5"),
        pytest.param("2026-04-03", 1, "2026-04-07", id="good-friday-plus-1-skips-easter"),
        pytest.param("2026-04-02", 1, "2026-04-07", id="maundy-thursday-plus-1"),
        pytest.param("2025-12-19", 1, "2025-12-22", id="friday-plus-1-is-monday"),
        pytest.param("2025-12-31", 1, "2026-01-02", id="new-years-eve-skips-new-year"),
    ],
)
def test_add_working_days_from_weekends_and_holidays(start, n, expected):
    assert CAL.add_working_days(_d(start), n) == _d(expected)


@pytest.mark.parametrize(
    ("agency", "due", "submitted", "late"),
    [
        # domain.md §7.4: agency chronologies for the sample request
        ("HV", "2026-01-07", "2026-01-06", 0),
        ("GP", "2026-01-07", "2026-01-08", 1),
        ("POL", "2026-01-07", "2026-01-07", 0),
        ("SCH", "2026-01-07", "2026-01-05", 0),
        ("CS", "2026-01-09", "2026-01-09", 0),
        # Friday deadline met on Monday is one working day late, not three days.
        ("weekend", "2026-01-09", "2026-01-12", 1),
        # Due the day before Christmas 2025, done on 29 December: only the 29th counts.
        ("christmas", "2025-12-24", "2025-12-29", 1),
        # Done on the Saturday after a Friday deadline: no working day has passed.
        ("saturday", "2026-01-09", "2026-01-10", 0),
    ],
)
def test_working_days_late(agency, due, submitted, late):
    assert CAL.working_days_late(_d(due), _d(submitted)) == late


def test_add_working_days_rejects_negative_n():
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(date(2026, 1, 15), -1)


def test_working_days_between_same_day_is_zero():
    assert CAL.working_days_between(date(2026, 1, 15), date(2026, 1, 15)) == 0


def test_a_calendar_without_holidays_only_skips_weekends():
    plain = WorkingCalendar()
    assert plain.add_working_days(date(2025, 12, 24), 2) == date(2025, 12, 26)
    assert CAL.add_working_days(date(2025, 12, 24), 2) == date(2025, 12, 30)


def test_from_dates_accepts_any_iterable_and_ignores_duplicates():
    days = [date(2025, 12, 25), date(2025, 12, 25), date(2025, 12, 26)]
    cal = WorkingCalendar.from_dates(day for day in days)
    assert cal.holidays == frozenset({date(2025, 12, 25), date(2025, 12, 26)})
    assert cal == WorkingCalendar.from_dates(reversed(days))


def test_calendar_is_immutable():
    with pytest.raises(FrozenInstanceError):
        CAL.holidays = frozenset()


def test_calendar_module_imports_without_django():
    code = (
        "import sys\n"
        "import supervision.domain.calendar\n"
        "assert 'django' not in sys.modules, 'domain imported django'\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- properties -----------------------------------------------------------------------

DATES = st.dates(date(2020, 1, 1), date(2035, 12, 31))
COUNTS = st.integers(min_value=0, max_value=260)
# Any set of holidays, not only the real ones: the rules must hold for closure days too.
CALENDARS = st.one_of(
    st.just(CAL),
    st.just(WorkingCalendar()),
    st.frozensets(st.dates(date(2024, 1, 1), date(2027, 12, 31)), max_size=60).map(WorkingCalendar),
)


@given(CALENDARS, DATES, COUNTS)
def test_add_then_count_round_trips(cal, start, n):
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@given(CALENDARS, DATES, st.integers(min_value=1, max_value=260))
def test_adding_at_least_one_day_lands_on_a_working_day(cal, start, n):
    result = cal.add_working_days(start, n)
    assert result > start
    assert cal.is_working_day(result)


@given(CALENDARS, DATES, COUNTS, COUNTS)
def test_add_working_days_is_monotonic_in_n(cal, start, m, n):
    lo, hi = sorted((m, n))
    assert cal.add_working_days(start, lo) <= cal.add_working_days(start, hi)
    if lo < hi:
        assert cal.add_working_days(start, lo) < cal.add_working_days(start, hi)


@given(CALENDARS, DATES, DATES)
def test_working_days_between_is_antisymmetric(cal, a, b):
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)


@given(CALENDARS, DATES, st.integers(0, 400), st.integers(0, 400))
def test_working_days_between_adds_up_over_consecutive_intervals(cal, a, x, y):
    b = a + timedelta(days=x)
    c = b + timedelta(days=y)
    assert cal.working_days_between(a, c) == (
        cal.working_days_between(a, b) + cal.working_days_between(b, c)
    )


@given(CALENDARS, DATES, st.integers(0, 400))
def test_adding_the_count_back_reaches_the_last_working_day(cal, start, days):
    end = start + timedelta(days=days)
    reached = cal.add_working_days(start, cal.working_days_between(start, end))
    assert reached <= end
    if cal.is_working_day(end) and end > start:
        assert reached == end
    # No working day is skipped between the date reached and the end.
    assert cal.working_days_between(reached, end) == 0


@given(CALENDARS, DATES)
def test_weekends_are_never_working_days(cal, day):
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    assert not cal.is_working_day(saturday)
    assert not cal.is_working_day(saturday + timedelta(days=1))


@given(CALENDARS, DATES)
def test_a_weekday_is_a_working_day_unless_it_is_a_holiday(cal, day):
    weekday = day - timedelta(days=max(0, day.weekday() - 4))  # weekend -> the Friday before
    assert cal.is_working_day(weekday) is (weekday not in cal.holidays)


@given(CALENDARS, DATES, DATES)
def test_working_days_late_is_never_negative_and_zero_when_early(cal, due, done):
    late = cal.working_days_late(due, done)
    assert late >= 0
    if done <= due:
        assert late == 0
    else:
        assert late == cal.working_days_between(due, done)
