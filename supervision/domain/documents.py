"""Checks on a case's document pack (R35). Pure Python: no Django, no I/O, no clock.

The supervision should see the most relevant and up-to-date plan. A child protection
conference reviews the plan, so a plan dated before the last conference is probably not
the one now in force: the pack warns about it. Documents arrive as plain (type, date) pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DocumentType(StrEnum):
    """The kinds of document in a pack (the stored values of Document.type)."""

    CONFERENCE_REPORT = "conference_report"
    CONFERENCE_RECORD = "conference_record"
    CP_CARE_AND_SUPPORT_PLAN = "cp_care_and_support_plan"
    PART3_ASSESSMENT = "part3_assessment"
    S47_ASSESSMENT = "s47_assessment"
    STRATEGY_RECORD = "strategy_record"
    AGENCY_REPORT = "agency_report"
    OTHER = "other"


PLAN_TYPES = frozenset({DocumentType.CP_CARE_AND_SUPPORT_PLAN})
# The date of a conference report or a conference record is taken as the conference date.
CONFERENCE_TYPES = frozenset({DocumentType.CONFERENCE_REPORT, DocumentType.CONFERENCE_RECORD})


@dataclass(frozen=True, slots=True)
class PlanOlderThanConference:
    """The newest plan in the pack is dated before the last conference."""

    plan_date: date
    conference_date: date


def plan_older_than_conference(
    documents: Iterable[tuple[str, date]],
) -> PlanOlderThanConference | None:
    """Compare the newest plan with the last conference among `documents` (type, date).

    Returns the two dates when the newest plan is strictly older than the last conference,
    else None: a plan dated on the day of the conference is current, and with no plan or no
    conference in the pack there is nothing to compare. Unknown types are ignored.
    """
    newest_plan: date | None = None
    last_conference: date | None = None
    for kind, day in documents:
        if kind in PLAN_TYPES:
            newest_plan = day if newest_plan is None else max(newest_plan, day)
        elif kind in CONFERENCE_TYPES:
            last_conference = day if last_conference is None else max(last_conference, day)
    if newest_plan is None or last_conference is None or newest_plan >= last_conference:
        return None
    return PlanOlderThanConference(plan_date=newest_plan, conference_date=last_conference)
