"""Writes to next steps and progress. Each is one transaction with its audit row inside.

Every write except marking an action done is part of the session record: it calls
`record_for_writing` first, so it is refused (RecordLocked) once the chair has signed the
record off. Marking an action done is follow-up work and goes on after sign-off.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from supervision.accounts.models import User
from supervision.actions.models import Action, ActionPlan, ActionStatus, ProgressPoint
from supervision.actions.selectors import PROGRESS_MONTHS, practitioners_of, session_date
from supervision.agencies.models import Agency, Practitioner
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.domain.session import progress_points
from supervision.meetings.models import SupervisionSession
from supervision.records.models import Outcome, PriorityRisk
from supervision.records.services import record_for_writing
from supervision.timescales.calendars import working_calendar


class PlanConflict(Exception):
    """Someone else saved this part since the editor loaded it. Carries what is saved now."""

    def __init__(self, current: ActionPlan | ProgressPoint) -> None:
        super().__init__("The plan changed since it was loaded.")
        self.current = current


class ActionAlreadyDone(Exception):
    """The action was marked done already; the first completion note is kept."""

    def __init__(self, action: Action) -> None:
        super().__init__(f"{action.label} is already done.")
        self.action = action


@transaction.atomic
def action_add(
    *,
    session: SupervisionSession,
    description: str,
    owner: Practitioner,
    agency: Agency | None,
    due_date: date,
    outcome: Outcome | None,
    risk: PriorityRisk | None,
    by: User,
) -> Action:
    """Add an action at the next number. `agency` is the owner's own unless given.

    Raises ValueError for an empty description, an owner who is not one of the case's
    practitioners, a due date before the session, or an outcome or risk of another record.
    """
    description = description.strip()
    if not description:
        raise ValueError("An action needs a description.")
    if due_date < session_date(session):
        raise ValueError("An action cannot be due before the session.")
    if not practitioners_of(session).filter(pk=owner.pk).exists():
        raise ValueError("The owner must be one of the case's practitioners.")
    record = record_for_writing(session)  # locked: two adds cannot take the same number
    if outcome is not None and outcome.record_id != record.pk:
        raise ValueError("The outcome must be in this session record.")
    if risk is not None and risk.record_id != record.pk:
        raise ValueError("The priority risk must be in this session record.")
    last = Action.objects.filter(record=record).aggregate(last=Max("number"))["last"] or 0
    action = Action.objects.create(
        record=record,
        number=last + 1,
        description=description,
        owner=owner,
        agency=agency if agency is not None else owner.agency,
        due_date=due_date,
        outcome=outcome,
        risk=risk,
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=action,
        case=session.case,
        detail={
            "part": "action",
            "number": action.number,
            "owner": str(owner.code),
            "agency": action.agency.code,
            "due": due_date.isoformat(),
        },
    )
    return action


@transaction.atomic
def action_mark_done(*, action: Action, completion_note: str, by: User) -> Action:
    """Mark an action done with a note of what was done. Allowed after sign-off: it is
    follow-up, not a change to what was agreed. Who may do it is for access.py to say."""
    completion_note = completion_note.strip()
    if not completion_note:
        raise ValueError("Say what was done.")
    current = (
        Action.objects.select_for_update().select_related("record__session__case").get(pk=action.pk)
    )
    if current.status == ActionStatus.DONE:
        raise ActionAlreadyDone(current)
    current.status = ActionStatus.DONE
    current.completion_note = completion_note
    current.done_at = timezone.now()
    current.done_by = by
    current.save(update_fields=["status", "completion_note", "done_at", "done_by"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=current,
        case=current.record.session.case,
        detail={"part": "action done", "number": current.number},
    )
    return current


@transaction.atomic
def progress_point_save(
    *,
    session: SupervisionSession,
    months: int,
    target: str,
    monitored_by: str,
    how: str,
    expected_version: int,
    by: User,
) -> ProgressPoint:
    """Agree where we want to be in `months` (1 or 3) and who checks how (R21-R22).

    The due date is the session date plus the months, on the next working day when that
    falls on a weekend or a holiday. `expected_version` is the version the editor loaded
    (0 when there was none); a stale one raises PlanConflict with what is saved now.
    """
    if months not in PROGRESS_MONTHS:
        raise ValueError("A progress point is at one month or three months.")
    target, monitored_by, how = target.strip(), monitored_by.strip(), how.strip()
    if not target or not monitored_by or not how:
        raise ValueError("A progress point needs where we want to be, who checks and how.")
    record = record_for_writing(session)  # locked, so the version check below is safe
    one_month, three_months = progress_points(session_date(session), working_calendar())
    due = one_month if months == 1 else three_months
    point = ProgressPoint.objects.filter(record=record, months=months).first()
    if point is not None and point.version != expected_version:
        raise PlanConflict(point)
    if point is None:
        point = ProgressPoint.objects.create(
            record=record,
            months=months,
            target=target,
            due_date=due,
            monitored_by=monitored_by,
            how=how,
            updated_by=by,
        )
        action = AuditAction.CREATE
    else:
        ProgressPoint.objects.filter(pk=point.pk).update(
            target=target,
            due_date=due,
            monitored_by=monitored_by,
            how=how,
            version=F("version") + 1,
            updated_by=by,
            updated_at=timezone.now(),
        )
        point.refresh_from_db()
        action = AuditAction.UPDATE
    audit.record(
        actor=by,
        action=action,
        target=point,
        case=session.case,
        detail={
            "part": "progress point",
            "months": months,
            "due": due.isoformat(),
            "version": point.version,
        },
    )
    return point


@transaction.atomic
def action_plan_save(
    *,
    session: SupervisionSession,
    review_date: date | None,
    no_actions_reason: str,
    expected_version: int,
    by: User,
) -> ActionPlan:
    """Save the review date and the reason for having no actions (R38).

    The review date must be after the session date. `expected_version` is the version the
    editor loaded (0 when nothing was saved); a stale one raises PlanConflict.
    """
    if review_date is not None and review_date <= session_date(session):
        raise ValueError("The review date must be after the session.")
    record = record_for_writing(session)
    plan, _created = ActionPlan.objects.get_or_create(record=record)
    changed = ActionPlan.objects.filter(pk=plan.pk, version=expected_version).update(
        review_date=review_date,
        no_actions_reason=no_actions_reason.strip(),
        version=F("version") + 1,
        updated_by=by,
        updated_at=timezone.now(),
    )
    plan.refresh_from_db()
    if not changed:
        raise PlanConflict(plan)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=plan,
        case=session.case,
        detail={
            "part": "review date",
            "review_date": review_date.isoformat() if review_date else None,
            "no_actions_reason_given": bool(plan.no_actions_reason),
            "version": plan.version,
        },
    )
    return plan
