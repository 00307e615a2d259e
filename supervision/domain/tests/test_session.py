"""Completing a session, scaling, progress points and reflective notes (domain.md §7.5).

Expected values come from the issue, the brief and the scenario, not from the code.
"""

from __future__ import annotations

import dataclasses
from calendar import monthrange
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.calendar import WorkingCalendar
from supervision.domain.session import (
    CompletionProblem,
    SessionType,
    Spread,
    add_months,
    can_read_reflective_notes,
    completion_problems,
    out_of_hours_answer_complete,
    progress_points,
    scaling_spread,
)
from supervision.domain.tests.test_calendar import BANK_HOLIDAYS_2025_2026

CAL = WorkingCalendar.from_dates(BANK_HOLIDAYS_2025_2026)
P = CompletionProblem

# --- Completing a session -------------------------------------------------------------

COMPLETE = {
    "has_review_date": True,
    "out_of_hours_answered": True,
    "action_count": 1,
    "no_actions_reason": "",
    "has_balancing_summary": True,
    "has_chair_summary": True,
}
NOTHING = {
    "has_review_date": False,
    "out_of_hours_answered": False,
    "action_count": 0,
    "no_actions_reason": "",
    "has_balancing_summary": False,
    "has_chair_summary": False,
}


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="complete"),
        pytest.param({"has_review_date": False}, [P.NO_REVIEW_DATE], id="no-review-date"),
        pytest.param(
            {"out_of_hours_answered": False}, [P.OUT_OF_HOURS_UNANSWERED], id="no-ooh-answer"
        ),
        pytest.param(
            {"has_review_date": False, "out_of_hours_answered": False},
            [P.NO_REVIEW_DATE, P.OUT_OF_HOURS_UNANSWERED],
            id="issue-done-when-both-missing",
        ),
        pytest.param({"action_count": 0}, [P.NO_ACTIONS], id="no-actions-no-reason"),
        pytest.param(
            {"action_count": 0, "no_actions_reason": "   \n"},
            [P.NO_ACTIONS],
            id="blank-reason-is-no-reason",
        ),
        pytest.param(
            {"action_count": 0, "no_actions_reason": "Plan already covers it"},
            [],
            id="no-actions-with-reason",
        ),
        pytest.param({"action_count": 7}, [], id="scenario-seven-actions"),
        pytest.param({"has_balancing_summary": False}, [P.NO_BALANCING_SUMMARY], id="no-balancing"),
        pytest.param(
            NOTHING,
            [
                P.NO_REVIEW_DATE,
                P.OUT_OF_HOURS_UNANSWERED,
                P.NO_ACTIONS,
                P.NO_BALANCING_SUMMARY,
                P.NO_CHAIR_SUMMARY,
            ],
            id="everything-missing",
        ),
    ],
)
def test_multi_agency_completion(changes, problems):
    found = completion_problems(session_type="multi_agency", **{**COMPLETE, **changes})
    assert found == problems
    assert all(isinstance(code, str) for code in found)


@pytest.mark.parametrize("session_type", ["core_group", "individual", "reflective_group"])
def test_other_session_types_need_none_of_the_multi_agency_items(session_type):
    assert completion_problems(session_type=session_type, **NOTHING) == [P.NO_CHAIR_SUMMARY]
    assert completion_problems(session_type=session_type, **COMPLETE) == []


@pytest.mark.parametrize("session_type", [kind.value for kind in SessionType])
def test_every_session_type_needs_the_chair_summary(session_type):
    changes = {**COMPLETE, "has_chair_summary": False}
    assert completion_problems(session_type=session_type, **changes) == [P.NO_CHAIR_SUMMARY]


@pytest.mark.parametrize("session_type", [kind.value for kind in SessionType])
def test_a_signed_off_record_cannot_be_completed_again(session_type):
    assert completion_problems(session_type=session_type, **NOTHING, summary_signed=True) == [
        "already_signed_off"
    ]


def test_problem_codes_are_stable_strings():
    # Templates and translations key on these values.
    assert [code.value for code in CompletionProblem] == [
        "already_signed_off",
        "no_review_date",
        "out_of_hours_unanswered",
        "no_actions",
        "no_balancing_summary",
        "no_chair_summary",
    ]


def test_unknown_session_type_raises():
    with pytest.raises(ValueError, match="session type"):
        completion_problems(session_type="case_conference", **COMPLETE)


def test_negative_action_count_raises():
    with pytest.raises(ValueError, match="negative"):
        completion_problems(session_type="multi_agency", **{**COMPLETE, "action_count": -1})


@given(
    st.sampled_from([kind.value for kind in SessionType]),
    st.booleans(),
    st.booleans(),
    st.integers(min_value=0, max_value=50),
    st.text(max_size=20),
    st.booleans(),
    st.booleans(),
)
def test_completion_problems_properties(
    session_type, review, ooh, actions, reason, balance, chair_summary
):
    found = completion_problems(
        session_type=session_type,
        has_review_date=review,
        out_of_hours_answered=ooh,
        action_count=actions,
        no_actions_reason=reason,
        has_balancing_summary=balance,
        has_chair_summary=chair_summary,
    )
    assert len(found) == len(set(found))
    assert (P.NO_CHAIR_SUMMARY in found) is not chair_summary
    if session_type != "multi_agency":
        assert found == ([] if chair_summary else [P.NO_CHAIR_SUMMARY])
    else:
        assert (P.NO_REVIEW_DATE in found) is not review
        assert (P.OUT_OF_HOURS_UNANSWERED in found) is not ooh
        assert (P.NO_ACTIONS in found) is (actions == 0 and not reason.strip())
        assert (P.NO_BALANCING_SUMMARY in found) is not balance


# --- The out-of-hours answer ----------------------------------------------------------

SHARED = date(2026, 1, 16)


@pytest.mark.parametrize(
    ("kwargs", "answered"),
    [
        # domain.md §7.5: shared with SEWEDT by secure email; police confirmed the flag.
        (
            {
                "not_applicable": False,
                "shares": [(SHARED, "secure email"), (SHARED, "police PPU confirmed flag")],
            },
            True,
        ),
        ({"not_applicable": False, "shares": [(SHARED, "secure email")]}, True),
        ({"not_applicable": False, "shares": []}, False),
        ({"not_applicable": False, "shares": [(None, "secure email")]}, False),
        ({"not_applicable": False, "shares": [(SHARED, "  ")]}, False),
        (
            {"not_applicable": False, "shares": [(SHARED, "secure email"), (None, "phone")]},
            False,
        ),
        ({"not_applicable": True, "reason": "No out-of-hours element: day-time only"}, True),
        ({"not_applicable": True, "reason": ""}, False),
        ({"not_applicable": True, "reason": " \t"}, False),
        (
            {"not_applicable": True, "reason": "Not needed", "shares": [(SHARED, "email")]},
            False,
        ),
    ],
)
def test_out_of_hours_answer(kwargs, answered):
    assert out_of_hours_answer_complete(**kwargs) is answered


# --- Scaling --------------------------------------------------------------------------


def test_scenario_scaling_spread_is_three_to_six():
    # domain.md §7.5: SW 4, HV 5, School 5, DAS 6, Police 3, FSC (previous) 4.
    spread = scaling_spread([4, 5, 5, 6, 3, 4])
    assert (spread.lowest, spread.highest, spread.range) == (3, 6, 3)
    assert spread.total == 6
    assert spread.counts == (0, 0, 0, 1, 2, 2, 1, 0, 0, 0, 0)


def test_spread_never_offers_an_average():
    names = {f.name for f in dataclasses.fields(Spread)} | {
        name for name, value in vars(Spread).items() if isinstance(value, property)
    }
    assert names == {"counts", "total", "lowest", "highest", "range"}
    for banned in ("mean", "average", "avg", "median"):
        assert not any(banned in name for name in dir(Spread))


def test_no_scores_give_an_empty_spread():
    spread = scaling_spread([])
    assert (spread.lowest, spread.highest, spread.range, spread.total) == (None, None, None, 0)
    assert spread.counts == (0,) * 11


@pytest.mark.parametrize(("scores", "low", "high"), [([0], 0, 0), ([10, 0], 0, 10)])
def test_the_ends_of_the_scale(scores, low, high):
    spread = scaling_spread(scores)
    assert (spread.lowest, spread.highest) == (low, high)


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_scores_outside_the_scale_raise(score):
    with pytest.raises(ValueError, match="0 to 10"):
        scaling_spread([5, score])


@pytest.mark.parametrize("score", [4.5, "5", True, None])
def test_scores_that_are_not_whole_numbers_raise(score):
    with pytest.raises(TypeError, match="whole number"):
        scaling_spread([score])


def test_a_spread_checks_its_counts():
    with pytest.raises(ValueError, match="counts"):
        Spread((1, 2, 3))
    with pytest.raises(ValueError, match="counts"):
        Spread((0,) * 10 + (-1,))


SCORES = st.lists(st.integers(min_value=0, max_value=10), max_size=40)


@given(SCORES)
def test_spread_properties(scores):
    spread = scaling_spread(scores)
    assert sum(spread.counts) == spread.total == len(scores)
    assert all(spread.counts[score] == scores.count(score) for score in range(11))
    if scores:
        assert spread.lowest == min(scores)
        assert spread.highest == max(scores)
        assert spread.lowest is not None
        assert spread.highest is not None
        assert spread.lowest <= spread.highest
        assert spread.range == max(scores) - min(scores)
    else:
        assert spread.lowest is None


@given(SCORES)
def test_spread_does_not_depend_on_who_spoke_first(scores):
    assert scaling_spread(scores) == scaling_spread(reversed(scores))


# --- Progress points ------------------------------------------------------------------


def _d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("held_on", "one_month", "three_months", "why"),
    [
        # domain.md §7.5: 15 Feb 2026 is a Sunday, so the one-month point is Monday 16th.
        ("2026-01-15", "2026-02-16", "2026-04-15", "scenario"),
        # 31 January: 28 February 2026 is a Saturday, so Monday 2 March; 30 April is a Thursday.
        ("2026-01-31", "2026-03-02", "2026-04-30", "month-end-short-february"),
        # Leap year: 29 February 2024 is a Thursday.
        ("2024-01-31", "2024-02-29", "2024-04-30", "month-end-leap-year"),
        # Three months lands on the early May bank holiday (Monday 4 May 2026).
        ("2026-02-04", "2026-03-04", "2026-05-05", "bank-holiday"),
        # One month lands on Christmas Day 2025 (Thu); Boxing Day and the weekend follow.
        ("2025-11-25", "2025-12-29", "2026-02-25", "christmas"),
        # 30 November: 30 December is a Tuesday; 28 February 2026 is a Saturday.
        ("2025-11-30", "2025-12-30", "2026-03-02", "across-the-year"),
        # Good Friday 3 April and Easter Monday 6 April 2026.
        ("2026-01-03", "2026-02-03", "2026-04-07", "easter"),
    ],
)
def test_progress_points(held_on, one_month, three_months, why):
    assert progress_points(_d(held_on), CAL) == (_d(one_month), _d(three_months)), why


def test_progress_points_use_the_calendar_passed_in():
    closure = WorkingCalendar.from_dates({*BANK_HOLIDAYS_2025_2026, date(2026, 2, 16)})
    assert progress_points(date(2026, 1, 15), closure)[0] == date(2026, 2, 17)
    assert progress_points(date(2026, 1, 15), WorkingCalendar())[1] == date(2026, 4, 15)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2025-12-31", 1, "2026-01-31"),
        ("2025-11-30", 3, "2026-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-01-15", 0, "2026-01-15"),
        ("2026-03-31", -1, "2026-02-28"),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(_d(day), months) == _d(expected)


def _months_later(day: date, months: int) -> date:
    """A second, independent reading of "n calendar months later" for the properties."""
    year = day.year + (day.month - 1 + months) // 12
    month = (day.month - 1 + months) % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


CALENDARS = st.one_of(
    st.just(CAL),
    st.just(WorkingCalendar()),
    st.frozensets(st.dates(date(2024, 1, 1), date(2027, 12, 31)), max_size=80).map(WorkingCalendar),
)


@given(st.dates(date(2024, 1, 1), date(2027, 12, 31)), CALENDARS)
def test_progress_points_are_the_first_working_day_on_or_after_the_month_dates(held_on, cal):
    one, three = progress_points(held_on, cal)
    assert held_on < one < three
    for point, months in ((one, 1), (three, 3)):
        assert cal.is_working_day(point)
        target = _months_later(held_on, months)
        assert point >= target
        day = target
        while day < point:  # nothing in between was a working day
            assert not cal.is_working_day(day)
            day += timedelta(days=1)


# --- Reflective notes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("PR-CS-04", True),  # the chair (domain.md §7.5)
        ("PR-HV-01", True),  # an attendee
        ("PR-GP-01", False),  # invited, sent a report, did not attend
        ("PR-CS-03", False),  # the conference chair
        (None, False),
    ],
)
def test_reflective_notes_are_for_attendees_and_the_chair(user, allowed):
    attended = ["PR-CS-01", "PR-CS-02", "PR-HV-01", "PR-POL-01", "PR-SCH-01", "PR-DAS-01"]
    assert can_read_reflective_notes(user, iter(attended), "PR-CS-04") is allowed


def test_no_chair_and_no_user_do_not_match():
    assert can_read_reflective_notes(None, [], None) is False
    assert can_read_reflective_notes(7, [], None) is False
    assert can_read_reflective_notes(7, [3, 7], None) is True


@given(
    st.integers(0, 20), st.lists(st.integers(0, 20), max_size=10), st.none() | st.integers(0, 20)
)
def test_reflective_notes_property(user, attendees, chair):
    assert can_read_reflective_notes(user, attendees, chair) == (user in attendees or user == chair)
