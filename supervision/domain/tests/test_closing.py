"""Closing a session and the conference prompt (R24, R27, R28, R40; domain.md §7.5).

Expected values come from the issue and the scenario, not from the code.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.calendar import WorkingCalendar
from supervision.domain.closing import (
    ClosingProblem,
    children_not_recorded,
    closing_problems,
    conference_before_minutes,
    conference_prompt,
)
from supervision.domain.deadlines import artefact_deadlines
from supervision.domain.tests.test_calendar import BANK_HOLIDAYS_2025_2026

CAL = WorkingCalendar.from_dates(BANK_HOLIDAYS_2025_2026)
P = ClosingProblem

DONE = {"actions_distributed": True, "minutes_distributed": True, "signed_off": True}


def test_a_session_with_everything_done_can_be_closed():
    # §7.5: Kai's and Macy's synopses on their LA files, actions and minutes sent.
    assert closing_problems(children_recorded={"Kai": True, "Macy": True}, **DONE) == []


def test_nothing_done_names_every_problem_in_order():
    problems = closing_problems(
        children_recorded={"Kai": False, "Macy": False},
        actions_distributed=False,
        minutes_distributed=False,
        signed_off=False,
    )
    assert problems == [
        "not_signed_off",
        "synopsis_not_recorded",
        "actions_not_distributed",
        "minutes_not_distributed",
    ]


@pytest.mark.parametrize(
    ("missing", "problem"),
    [
        ("signed_off", "not_signed_off"),
        ("actions_distributed", "actions_not_distributed"),
        ("minutes_distributed", "minutes_not_distributed"),
    ],
)
def test_each_missing_step_is_named_on_its_own(missing, problem):
    facts = {**DONE, missing: False}
    assert closing_problems(children_recorded={"Kai": True}, **facts) == [problem]


def test_one_child_not_recorded_stops_closing_and_is_named():
    # The actions went out on 16 January; the minutes are still to come; Macy's synopsis
    # is not on her file yet.
    recorded = {"Kai": True, "Macy": False}
    assert closing_problems(children_recorded=recorded, **DONE) == ["synopsis_not_recorded"]
    assert children_not_recorded(recorded) == ["Macy"]


def test_children_not_recorded_keeps_the_callers_order():
    recorded = {"P3": False, "P1": True, "P2": False}
    assert children_not_recorded(recorded) == ["P3", "P2"]
    assert children_not_recorded({"P1": True}) == []


def test_a_case_with_no_children_cannot_be_closed():
    assert closing_problems(children_recorded={}, **DONE) == ["no_children"]


def test_problems_are_the_enum_values():
    assert set(P) == {
        P.NOT_SIGNED_OFF,
        P.NO_CHILDREN,
        P.SYNOPSIS_NOT_RECORDED,
        P.ACTIONS_NOT_DISTRIBUTED,
        P.MINUTES_NOT_DISTRIBUTED,
    }


@given(
    recorded=st.dictionaries(st.text(min_size=1, max_size=4), st.booleans(), max_size=6),
    actions=st.booleans(),
    minutes=st.booleans(),
    signed=st.booleans(),
)
def test_closing_is_allowed_exactly_when_every_step_is_done(recorded, actions, minutes, signed):
    problems = closing_problems(
        children_recorded=recorded,
        actions_distributed=actions,
        minutes_distributed=minutes,
        signed_off=signed,
    )
    everything_done = signed and actions and minutes and bool(recorded) and all(recorded.values())
    assert (problems == []) is everything_done
    # Each problem at most once, in the order the enum lists them.
    order = list(P)
    assert len(problems) == len(set(problems))
    assert [order.index(P(p)) for p in problems] == sorted(order.index(P(p)) for p in problems)
    assert (P.NOT_SIGNED_OFF in problems) is not signed
    assert (P.SYNOPSIS_NOT_RECORDED in problems) is bool(children_not_recorded(recorded))
    assert set(children_not_recorded(recorded)) == {k for k, v in recorded.items() if not v}


# --- The conference and the minutes deadline ---------------------------------------------


def test_the_scenario_rcpc_is_before_the_minutes_are_due():
    # Session Thu 15 January 2026: minutes due Thu 12 February; the RCPC is on 29 January.
    minutes_due = artefact_deadlines(date(2026, 1, 15), CAL).minutes_due
    assert minutes_due == date(2026, 2, 12)
    assert conference_before_minutes(date(2026, 1, 29), minutes_due) is True


@pytest.mark.parametrize(
    ("conference", "expected"),
    [
        (date(2026, 2, 11), True),  # the day before the deadline
        (date(2026, 2, 12), True),  # the deadline day: minutes may come after the meeting
        (date(2026, 2, 13), False),  # the day after: the minutes are out by then
        (date(2026, 4, 29), False),  # the next review conference, months later
    ],
)
def test_a_conference_around_the_minutes_deadline(conference, expected):
    assert conference_before_minutes(conference, date(2026, 2, 12)) is expected


@given(
    st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.integers(min_value=-400, max_value=400),
)
def test_the_prompt_shows_up_to_the_deadline_and_never_after(minutes_due, offset):
    conference = minutes_due + timedelta(days=offset)
    assert conference_before_minutes(conference, minutes_due) is (offset <= 0)


def test_the_prompt_stays_until_the_minutes_are_out_before_the_conference():
    due = date(2026, 2, 12)
    rcpc = date(2026, 1, 29)
    assert conference_prompt(conference_on=rcpc, minutes_due=due, minutes_sent_on=None)
    # Sent on the conference day: maybe after it met, so still prompt.
    assert conference_prompt(conference_on=rcpc, minutes_due=due, minutes_sent_on=rcpc)
    # Sent early, the day before: the conference has the minutes.
    assert not conference_prompt(
        conference_on=rcpc, minutes_due=due, minutes_sent_on=date(2026, 1, 28)
    )
    # A conference after the deadline never needs the prompt.
    assert not conference_prompt(
        conference_on=date(2026, 3, 5), minutes_due=due, minutes_sent_on=None
    )


@given(
    st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    st.integers(min_value=-60, max_value=60),
    st.one_of(st.none(), st.integers(min_value=-60, max_value=60)),
)
def test_the_prompt_never_shows_once_the_conference_has_the_minutes(due, offset, sent):
    conference = due + timedelta(days=offset)
    sent_on = None if sent is None else conference + timedelta(days=sent)
    shown = conference_prompt(conference_on=conference, minutes_due=due, minutes_sent_on=sent_on)
    if sent_on is not None and sent_on < conference:
        assert not shown
    else:
        assert shown is conference_before_minutes(conference, due)
