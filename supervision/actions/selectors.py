"""Queries that shape next steps and progress, and the facts sign-off needs.

The page loads in a fixed number of queries whatever the number of actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from supervision.actions.models import Action, ActionPlan, ActionStatus, ProgressPoint
from supervision.agencies.models import Agency, Practitioner
from supervision.cases.models import CaseTeamMember, Involvement
from supervision.domain.calendar import WorkingCalendar
from supervision.domain.session import progress_points
from supervision.meetings.models import Invitation, SessionType, SupervisionSession
from supervision.records.models import PrinciplesRecord
from supervision.timescales.calendars import working_calendar

#: The progress points agreed at every session: one month and three months on (R21).
PROGRESS_MONTHS = (1, 3)


def session_date(session: SupervisionSession) -> date:
    """The day the session is held, in local time."""
    return timezone.localdate(session.starts_at)


def practitioners_of(session: SupervisionSession) -> QuerySet[Practitioner]:
    """Who may own an action: the people invited to the session (and not removed), the case
    team, and the practitioners named on the case's involvements. Active accounts only."""
    case_id = session.case_id
    invited = Invitation.objects.filter(session=session, removed=False)
    team = CaseTeamMember.objects.filter(case_id=case_id)
    involved = Involvement.objects.filter(case_id=case_id, practitioner__isnull=False)
    return (
        Practitioner.objects.filter(
            Q(pk__in=invited.values("practitioner_id"))
            | Q(pk__in=team.values("practitioner_id"))
            | Q(pk__in=involved.values("practitioner_id")),
            user__is_active=True,
        )
        .select_related("user", "agency")
        .order_by("user__full_name", "pk")
    )


def agencies_of(session: SupervisionSession) -> QuerySet[Agency]:
    """Agencies an action may be carried out through: those of the case's practitioners and
    those involved with the case."""
    involved = Involvement.objects.filter(case_id=session.case_id)
    return Agency.objects.filter(
        Q(pk__in=practitioners_of(session).values("agency_id"))
        | Q(pk__in=involved.values("agency_id"))
    ).order_by("name_en", "pk")


# --- What sign-off needs --------------------------------------------------------------


@dataclass(frozen=True)
class CompletionFacts:
    has_review_date: bool
    action_count: int
    no_actions_reason: str


def completion_facts(session: SupervisionSession) -> CompletionFacts:
    """The facts about next steps that decide whether a session can be completed (R38)."""
    record = PrinciplesRecord.objects.filter(session=session).first()
    if record is None:
        return CompletionFacts(has_review_date=False, action_count=0, no_actions_reason="")
    plan = ActionPlan.objects.filter(record=record).first()
    return CompletionFacts(
        has_review_date=plan is not None and plan.review_date is not None,
        action_count=Action.objects.filter(record=record).count(),
        no_actions_reason=plan.no_actions_reason if plan is not None else "",
    )


def snapshot(session: SupervisionSession) -> dict[str, Any]:
    """Next steps and progress as plain JSON values, to keep with a signed-off edition.

    `{}` when nothing has been recorded.
    """
    record = PrinciplesRecord.objects.filter(session=session).first()
    if record is None:
        return {}
    plan = ActionPlan.objects.filter(record=record).first()
    actions = list(
        Action.objects.filter(record=record)
        .select_related("owner__user", "agency", "outcome", "risk")
        .order_by("number")
    )
    points = list(ProgressPoint.objects.filter(record=record).order_by("months"))
    if plan is None and not actions and not points:
        return {}
    return {
        "actions": [
            {
                "number": action.number,
                "description": action.description,
                "owner_name": action.owner.user.full_name,
                "owner_code": str(action.owner.code),
                "agency_name": action.agency.name_en,
                "due": action.due_date.isoformat(),
                "status": action.status,
                "completion_note": action.completion_note,
                "outcome": action.outcome.text if action.outcome is not None else None,
                "risk_rank": action.risk.rank if action.risk is not None else None,
            }
            for action in actions
        ],
        "progress": [
            {
                "months": point.months,
                "target": point.target,
                "due": point.due_date.isoformat(),
                "monitored_by": point.monitored_by,
                "how": point.how,
            }
            for point in points
        ],
        "review_date": (
            plan.review_date.isoformat() if plan is not None and plan.review_date else None
        ),
        "no_actions_reason": plan.no_actions_reason if plan is not None else "",
    }


# --- The page -------------------------------------------------------------------------


def is_overdue(action: Action, today: date) -> bool:
    """An action is overdue while it is open and its due date has passed (R40's "flag
    overdue"): due Friday 23 January 2026, it is overdue from Saturday 24 January."""
    return action.status == ActionStatus.OPEN and action.due_date < today


@dataclass(frozen=True)
class ActionRow:
    action: Action
    on_working_day: bool
    overdue: bool = False

    @property
    def is_done(self) -> bool:
        return self.action.status == ActionStatus.DONE


@dataclass(frozen=True)
class PointRow:
    """A progress point, agreed or not: its due date is known from the session date."""

    months: int
    due_date: date
    point: ProgressPoint | None

    @property
    def version(self) -> int:
        return self.point.version if self.point is not None else 0


@dataclass(frozen=True)
class PlanPage:
    held_on: date
    multi_agency: bool
    record: PrinciplesRecord | None
    plan: ActionPlan | None
    actions: list[ActionRow] = field(default_factory=list)
    points: list[PointRow] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.plan.version if self.plan is not None else 0

    @property
    def review_date(self) -> date | None:
        return self.plan.review_date if self.plan is not None else None

    @property
    def no_actions_reason(self) -> str:
        return self.plan.no_actions_reason if self.plan is not None else ""

    @property
    def needs_review_date(self) -> bool:
        """A multi-agency session cannot be completed without a review date (R38)."""
        return self.multi_agency and self.review_date is None

    @property
    def needs_actions(self) -> bool:
        """A multi-agency session needs an action or a reason for having none (R38)."""
        return self.multi_agency and not self.actions and not self.no_actions_reason.strip()


def _points(held_on: date, calendar: WorkingCalendar, saved: list[ProgressPoint]) -> list[PointRow]:
    """Both points, always; an agreed one shows the due date it was saved with."""
    computed = dict(zip(PROGRESS_MONTHS, progress_points(held_on, calendar), strict=True))
    by_months = {point.months: point for point in saved}
    rows = []
    for months in PROGRESS_MONTHS:
        point = by_months.get(months)
        rows.append(PointRow(months, point.due_date if point else computed[months], point))
    return rows


def plan_page(session: SupervisionSession, *, today: date | None = None) -> PlanPage:
    """The next steps page; open actions past their due date on `today` (local date by
    default) are flagged overdue."""
    today = today or timezone.localdate()
    held_on = session_date(session)
    calendar = working_calendar()
    multi_agency = session.request.session_type == SessionType.MULTI_AGENCY
    record = PrinciplesRecord.objects.filter(session=session).first()
    if record is None:
        return PlanPage(
            held_on=held_on,
            multi_agency=multi_agency,
            record=None,
            plan=None,
            points=_points(held_on, calendar, []),
        )
    plan = ActionPlan.objects.filter(record=record).first()
    actions = (
        Action.objects.filter(record=record)
        .select_related("owner__user", "agency", "outcome", "risk", "done_by")
        .order_by("number")
    )
    saved = list(ProgressPoint.objects.filter(record=record))
    return PlanPage(
        held_on=held_on,
        multi_agency=multi_agency,
        record=record,
        plan=plan,
        actions=[
            ActionRow(action, calendar.is_working_day(action.due_date), is_overdue(action, today))
            for action in actions
        ],
        points=_points(held_on, calendar, saved),
    )
