"""Rules for recording and completing a supervision session. Pure Python.

No Django, no I/O, no clock: the session date and the working-day calendar are passed in,
and the facts about a session arrive as plain values.

- :func:`completion_problems`: what stops a session being completed (R19, R37, R38).
- :func:`out_of_hours_answer_complete`: whether the safety plan's out-of-hours question
  has an answer (R19, B20).
- :func:`scaling_spread`: the participants' 0-10 scaling, shown as a spread and never
  as an average (R37, B14).
- :func:`progress_points`: the due dates of the one-month and three-month progress
  points (R21).
- :func:`can_read_reflective_notes`: who may read reflective notes (R7, R9).
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from supervision.domain.calendar import WorkingCalendar

ONE_DAY = timedelta(days=1)


class SessionType(StrEnum):
    """The kinds of session (R4); all four use the principles record."""

    MULTI_AGENCY = "multi_agency"
    CORE_GROUP = "core_group"
    INDIVIDUAL = "individual"
    REFLECTIVE_GROUP = "reflective_group"


class CompletionProblem(StrEnum):
    """Why a session cannot be completed yet. Each is a code for the caller to word."""

    #: The chair has already signed the record off. It is locked: a change makes a new
    #: version with a reason (issue #5, item 9), so it cannot be completed again.
    ALREADY_SIGNED_OFF = "already_signed_off"
    #: Multi-agency only (R38): the action plan has no review date.
    NO_REVIEW_DATE = "no_review_date"
    #: Multi-agency only (R19): nobody has said whether the safety plan is available to
    #: out-of-hours services (shared, with date and method) or why that does not apply.
    OUT_OF_HOURS_UNANSWERED = "out_of_hours_unanswered"
    #: Multi-agency only (R38): no action is recorded and no reason is given for having none.
    NO_ACTIONS = "no_actions"
    #: Multi-agency only (R37): the balancing exercise has no summary judgement.
    NO_BALANCING_SUMMARY = "no_balancing_summary"
    #: Every type (R39): the chair has not summarised the information shared.
    NO_CHAIR_SUMMARY = "no_chair_summary"


def completion_problems(
    *,
    session_type: str,
    has_review_date: bool,
    out_of_hours_answered: bool,
    action_count: int,
    no_actions_reason: str,
    has_balancing_summary: bool,
    has_chair_summary: bool,
    summary_signed: bool = False,
) -> list[str]:
    """Everything that stops the session being completed; empty when it can be.

    Each item is a :class:`CompletionProblem`, in the order that enum lists them.

    - A signed-off record gives ``[ALREADY_SIGNED_OFF]`` and nothing else is checked.
    - A ``multi_agency`` session needs a review date, an out-of-hours answer (see
      :func:`out_of_hours_answer_complete`), at least one action or a no-actions reason
      (a reason of only spaces is no reason), and the balancing exercise summary.
    - ``core_group``, ``individual`` and ``reflective_group`` sessions need none of these:
      they use the principles, but the multi-agency steps are optional for them.
    - Every type needs the chair summary of the information shared (R39).

    Raises ValueError for an unknown session type or a negative ``action_count``.
    """
    try:
        kind = SessionType(session_type)
    except ValueError:
        raise ValueError(f"unknown session type {session_type!r}") from None
    if action_count < 0:
        raise ValueError(f"action_count must not be negative (got {action_count})")
    if summary_signed:
        return [CompletionProblem.ALREADY_SIGNED_OFF]
    problems: list[str] = []
    if kind == SessionType.MULTI_AGENCY:
        problems.extend(
            _multi_agency_problems(
                has_review_date=has_review_date,
                out_of_hours_answered=out_of_hours_answered,
                action_count=action_count,
                no_actions_reason=no_actions_reason,
                has_balancing_summary=has_balancing_summary,
            )
        )
    if not has_chair_summary:
        problems.append(CompletionProblem.NO_CHAIR_SUMMARY)
    return problems


def _multi_agency_problems(
    *,
    has_review_date: bool,
    out_of_hours_answered: bool,
    action_count: int,
    no_actions_reason: str,
    has_balancing_summary: bool,
) -> list[str]:
    problems: list[str] = []
    if not has_review_date:
        problems.append(CompletionProblem.NO_REVIEW_DATE)
    if not out_of_hours_answered:
        problems.append(CompletionProblem.OUT_OF_HOURS_UNANSWERED)
    if action_count == 0 and not no_actions_reason.strip():
        problems.append(CompletionProblem.NO_ACTIONS)
    if not has_balancing_summary:
        problems.append(CompletionProblem.NO_BALANCING_SUMMARY)
    return problems


def out_of_hours_answer_complete(
    *,
    not_applicable: bool,
    reason: str = "",
    shares: Iterable[tuple[date | None, str]] = (),
) -> bool:
    """Whether the safety plan's out-of-hours question is answered (R19, B20).

    ``shares`` holds one ``(date shared, method)`` pair per out-of-hours service the plan
    went to (the emergency duty team, the police flag, others). The answer is complete
    when either

    - the plan was shared: ``not_applicable`` is False, there is at least one share, and
      every share has a date and a method (not only spaces); or
    - it does not apply: ``not_applicable`` is True with a reason (not only spaces) and no
      shares, since "not applicable" and "shared with …" cannot both be the answer.
    """
    recorded = list(shares)
    if not_applicable:
        return bool(reason.strip()) and not recorded
    return bool(recorded) and all(
        shared_on is not None and method.strip() for shared_on, method in recorded
    )


# --- Scaling --------------------------------------------------------------------------

SCALE_MIN = 0
SCALE_MAX = 10


@dataclass(frozen=True, slots=True)
class Spread:
    """Where participants placed themselves on the 0-10 scale (B14).

    ``counts[score]`` is how many participants gave ``score``, for every score from 0 to
    10. The spread is the whole answer: there is deliberately no mean or median, because
    averaging hides the disagreement the exercise is there to show.
    """

    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.counts) != SCALE_MAX - SCALE_MIN + 1 or min(self.counts) < 0:
            raise ValueError("counts must hold a count of 0 or more for each score 0 to 10")

    @property
    def total(self) -> int:
        """How many scores were given."""
        return sum(self.counts)

    @property
    def lowest(self) -> int | None:
        """The lowest score given; None when nobody scored."""
        return next((score for score, n in enumerate(self.counts) if n), None)

    @property
    def highest(self) -> int | None:
        """The highest score given; None when nobody scored."""
        return next(
            (score for score in range(SCALE_MAX, SCALE_MIN - 1, -1) if self.counts[score]),
            None,
        )

    @property
    def range(self) -> int | None:
        """``highest - lowest`` (3 for a spread of 3 to 6); None when nobody scored."""
        low, high = self.lowest, self.highest
        return None if low is None or high is None else high - low


def scaling_spread(scores: Iterable[int]) -> Spread:
    """The spread of the participants' scores on the 0-10 scale.

    Raises TypeError for a score that is not a whole number (True and False are not
    scores) and ValueError for one outside 0 to 10. No scores give an empty spread.
    """
    tally: Counter[int] = Counter()
    for score in scores:
        if isinstance(score, bool) or not isinstance(score, int):
            raise TypeError(f"a score must be a whole number from 0 to 10 (got {score!r})")
        if not SCALE_MIN <= score <= SCALE_MAX:
            raise ValueError(f"a score must be from 0 to 10 (got {score})")
        tally[score] += 1
    return Spread(tuple(tally[score] for score in range(SCALE_MIN, SCALE_MAX + 1)))


# --- Progress points ------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` calendar months later (or earlier if negative).

    A day the target month does not have becomes its last day: 31 January plus one month
    is 28 February (29 in a leap year); 31 March plus one month is 30 April.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def first_working_day_from(day: date, calendar: WorkingCalendar) -> date:
    """``day`` itself if it is a working day, else the next working day after it."""
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


def progress_points(held_on: date, calendar: WorkingCalendar) -> tuple[date, date]:
    """Due dates of "where we want to be" in one month and in three months (R21).

    Each is the session date plus one (three) calendar months (see :func:`add_months`),
    moved forward to the next working day when it falls on a weekend or a holiday: a
    session on Thursday 15 January 2026 gives Monday 16 February (the 15th is a Sunday)
    and Wednesday 15 April 2026.
    """
    return (
        first_working_day_from(add_months(held_on, 1), calendar),
        first_working_day_from(add_months(held_on, 3), calendar),
    )


# --- Reflective notes -----------------------------------------------------------------


def can_read_reflective_notes(
    user_id: Hashable | None,
    attendee_ids: Iterable[Hashable],
    chair_id: Hashable | None,
) -> bool:
    """Reflective notes are for the session's attendees and its chair only (R7, R9).

    Nobody else may read them, whatever their role, and an unknown user (None) never may.
    """
    if user_id is None:
        return False
    return user_id == chair_id or user_id in set(attendee_ids)
