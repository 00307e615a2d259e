"""Closing a session, and the next child protection conference. Pure Python.

No Django, no I/O, no clock: the facts about a session arrive as plain values.

- :func:`closing_problems`: what stops a session being closed (R24, R40).
- :func:`children_not_recorded`: whose synopsis is not on their case file yet (R24).
- :func:`conference_before_minutes`: whether the next conference comes before the minutes
  are due, so its reports must use the distributed actions and the conference extract
  (R27, R28, domain.md §7.5 "Artefact deadlines").
- :func:`conference_prompt`: whether to prompt for that, given when the minutes went out.

A session is closed when its work is done: the record is signed off, a synopsis is on
every subject child's case file, and both the actions and the minutes have gone out.

A case with no subject child cannot be closed: R24 makes the synopsis on the child's case
file the point of the session's paper trail, and a child protection case with no child
recorded is a gap in the case, not a session with nothing to file. The problem
``no_children`` says so, so that the children are added to the case first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum


class ClosingProblem(StrEnum):
    """Why a session cannot be closed yet. Each is a code for the caller to word."""

    #: The chair has not signed the session record off (or reopened it to change it).
    NOT_SIGNED_OFF = "not_signed_off"
    #: The case has no subject child, so no synopsis can go on a child's case file.
    NO_CHILDREN = "no_children"
    #: At least one child's synopsis is not confirmed as recorded on their case file; see
    #: :func:`children_not_recorded` for whose.
    SYNOPSIS_NOT_RECORDED = "synopsis_not_recorded"
    #: The actions have not been distributed (due within 2 working days, R40).
    ACTIONS_NOT_DISTRIBUTED = "actions_not_distributed"
    #: The minutes have not been distributed (due within 20 working days, R40).
    MINUTES_NOT_DISTRIBUTED = "minutes_not_distributed"


def closing_problems(
    *,
    children_recorded: Mapping[str, bool],
    actions_distributed: bool,
    minutes_distributed: bool,
    signed_off: bool,
) -> list[str]:
    """Everything that stops the session being closed; empty when it can be.

    ``children_recorded`` maps each subject child of the case (by any key the caller
    chooses) to whether their synopsis is confirmed as recorded on their case file.

    Each item is a :class:`ClosingProblem`, at most once, in the order that enum lists
    them; every problem is listed, not only the first. ``SYNOPSIS_NOT_RECORDED`` stands for
    every child still to do: :func:`children_not_recorded` names them. An empty mapping
    gives ``NO_CHILDREN`` (see the module notes).
    """
    problems: list[str] = []
    if not signed_off:
        problems.append(ClosingProblem.NOT_SIGNED_OFF)
    if not children_recorded:
        problems.append(ClosingProblem.NO_CHILDREN)
    elif children_not_recorded(children_recorded):
        problems.append(ClosingProblem.SYNOPSIS_NOT_RECORDED)
    if not actions_distributed:
        problems.append(ClosingProblem.ACTIONS_NOT_DISTRIBUTED)
    if not minutes_distributed:
        problems.append(ClosingProblem.MINUTES_NOT_DISTRIBUTED)
    return problems


def children_not_recorded(children_recorded: Mapping[str, bool]) -> list[str]:
    """The keys of the children whose synopsis is not recorded yet, in the mapping's order."""
    return [key for key, recorded in children_recorded.items() if not recorded]


def conference_before_minutes(conference_on: date, minutes_due: date) -> bool:
    """Whether a conference on ``conference_on`` cannot count on the minutes due on
    ``minutes_due``.

    True when the conference is before the minutes deadline, and also when it is on the
    deadline day itself: minutes are due by the end of that day, which may be after the
    conference has met. The conference reports then use the distributed actions and the
    conference extract instead (domain.md §7.5: the RCPC on 29 January 2026 comes before
    the minutes due on 12 February 2026).
    """
    return conference_on <= minutes_due


def conference_prompt(
    *, conference_on: date, minutes_due: date, minutes_sent_on: date | None
) -> bool:
    """Whether to prompt that the conference must use the actions and the conference extract.

    Prompt when the conference is on or before the minutes deadline (see
    :func:`conference_before_minutes`), unless the minutes already went out on a day
    before the conference: then the conference has them after all.
    """
    if minutes_sent_on is not None and minutes_sent_on < conference_on:
        return False
    return conference_before_minutes(conference_on, minutes_due)
