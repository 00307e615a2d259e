"""Writes for follow-up: the daily reminders, starting a review session, and where we are
now against the last session's progress points."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from supervision.accounts.models import User
from supervision.actions.models import Action, ActionPlan, ActionStatus, ProgressPoint
from supervision.actions.selectors import PROGRESS_MONTHS
from supervision.artefacts.models import Artefact, ArtefactKind
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import CaseTeamMember, TeamRole
from supervision.domain.calendar import WorkingCalendar
from supervision.domain.deadlines import artefact_deadlines, reminder_day
from supervision.followup.access import can_start_review
from supervision.followup.models import (
    FollowUpReminder,
    ProgressCheck,
    ReminderKind,
    ReviewLink,
)
from supervision.meetings.models import (
    Reason,
    RequestStatus,
    SessionStatus,
    SupervisionRequest,
    SupervisionSession,
)
from supervision.notifications.services import email_queue
from supervision.records.models import PrinciplesRecord, RecordEdition
from supervision.timescales.calendars import working_calendar

#: A run missed (the server down over a long weekend) is made up for this many working
#: days after the day an overdue notice was due; after that it is not sent late.
CATCH_UP_WORKING_DAYS = 5


# --- Reminders ----------------------------------------------------------------------------


def reminder_window(kind: ReminderKind, due: date, calendar: WorkingCalendar) -> tuple[date, date]:
    """The days on which a reminder about a deadline on `due` may go out (both included).

    A reminder before a deadline goes on its reminder day, the last working day before it
    is due (domain.deadlines.reminder_day); a run missed that day sends it late, up to the
    due date itself. An overdue notice goes on the first working day after the due date
    (due Friday 23 January 2026: Monday 26 January), or up to CATCH_UP_WORKING_DAYS working
    days later if that day's run was missed. Pure: no clock, no queries.
    """
    if kind == ReminderKind.ACTION_OVERDUE:
        first = calendar.add_working_days(due, 1)
        return first, calendar.add_working_days(first, CATCH_UP_WORKING_DAYS)
    return reminder_day(due, calendar), due


@dataclass(frozen=True)
class _Due:
    """One deadline to remind people of, with whom to remind and where their link goes."""

    kind: ReminderKind
    due: date
    recipients: list[User]
    link_name: str
    anchor: str = ""
    action: Action | None = None
    point: ProgressPoint | None = None
    context: dict[str, object] = field(default_factory=dict)


def _language(user: User) -> str:
    practitioner = getattr(user, "practitioner", None)
    return str(practitioner.preferred_language) if practitioner is not None else "en"


def _link(name: str, language: str, anchor: str = "", **kwargs: object) -> str:
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
    return str(settings.SITE_URL).rstrip("/") + path + (f"#{anchor}" if anchor else "")


def _email(
    *,
    user: User,
    kind: str,
    context: dict[str, object],
    session: SupervisionSession,
    related: models.Model,
) -> None:
    """Queue one email in the recipient's language: a date and a link, no case details."""
    language = _language(user)
    with translation.override(language):
        subject = render_to_string(f"followup/email/{kind}_subject.txt", context)
        body = render_to_string(f"followup/email/{kind}_body.txt", context)
    email_queue(
        to=user.email,
        subject=subject,
        body=body,
        kind=kind,
        language=language,
        case=session.case,
        related=related,
    )


def _remind_once(session: SupervisionSession, due: _Due, user: User) -> bool:
    """Record the reminder and queue its email in one transaction; False if it was sent
    before (or is being sent by another run at this moment)."""
    with transaction.atomic():
        _reminder, created = FollowUpReminder.objects.get_or_create(
            kind=due.kind,
            session=session,
            action=due.action,
            progress_point=due.point,
            due_date=due.due,
            recipient=user,
        )
        if not created:
            return False
        language = _language(user)
        kwargs = {"reference": session.case.reference, "code": session.request.code}
        context = {
            **due.context,
            "due": due.due,
            "link": _link(due.link_name, language, due.anchor, **kwargs),
        }
        related: models.Model = due.action or due.point or session
        _email(user=user, kind=due.kind, context=context, session=session, related=related)
    return True


def _signed_off_sessions() -> list[SupervisionSession]:
    """Sessions whose record has been signed off at least once and that are not cancelled,
    with what their reminders need, in a fixed number of queries."""
    open_actions = Action.objects.filter(status=ActionStatus.OPEN).select_related(
        "owner__user__practitioner"
    )
    signed = RecordEdition.objects.values("record__session_id")
    return list(
        SupervisionSession.objects.exclude(status=SessionStatus.CANCELLED)
        .filter(pk__in=signed)
        .select_related("case", "request__chair__practitioner", "principles")
        .prefetch_related(
            Prefetch("principles__actions", queryset=open_actions, to_attr="open_actions"),
            Prefetch(
                "principles__progress_points",
                queryset=ProgressPoint.objects.order_by("months"),
                to_attr="points",
            ),
            Prefetch(
                "artefacts",
                queryset=Artefact.objects.filter(distributed_at__isnull=False),
                to_attr="distributed",
            ),
        )
        .order_by("starts_at", "pk")
    )


def _deadlines(
    session: SupervisionSession,
    record: PrinciplesRecord,
    plan: ActionPlan | None,
    social_worker: User | None,
    calendar: WorkingCalendar,
) -> Iterable[_Due]:
    """Every deadline of a signed-off session that someone is reminded of."""
    chair = session.request.chair
    held_on = timezone.localdate(session.starts_at)
    artefacts = artefact_deadlines(held_on, calendar)
    distributed = {artefact.kind for artefact in getattr(session, "distributed", [])}
    # The actions document (2 working days) and the minutes (20) go to the chair (R40).
    if chair is not None:
        for kind, artefact, due in (
            (ReminderKind.ACTIONS_DUE, ArtefactKind.ACTIONS, artefacts.actions_due),
            (ReminderKind.MINUTES_DUE, ArtefactKind.MINUTES, artefacts.minutes_due),
        ):
            if artefact not in distributed:
                yield _Due(kind, due, [chair], "meetings:detail")
    # Each open action: its owner, before it is due and once when it is overdue.
    for action in getattr(record, "open_actions", []):
        for kind in (ReminderKind.ACTION_DUE, ReminderKind.ACTION_OVERDUE):
            yield _Due(
                kind,
                action.due_date,
                [action.owner.user],
                "actions:plan",
                anchor=f"action-{action.number}",
                action=action,
                context={"label": action.label},
            )
    # The progress points and the review date: the chair and the social worker (R22).
    writers = [user for user in (chair, social_worker) if user is not None]
    writers = list({user.pk: user for user in writers}.values())
    for point in getattr(record, "points", []):
        yield _Due(
            ReminderKind.PROGRESS_DUE,
            point.due_date,
            writers,
            "actions:plan",
            anchor=f"progress-{point.months}",
            point=point,
            context={"months": point.months, "monitored_by": point.monitored_by},
        )
    if plan is not None and plan.review_date is not None:
        yield _Due(ReminderKind.REVIEW_DUE, plan.review_date, writers, "actions:plan", "review")


def follow_up_reminders_send(*, today: date) -> int:
    """Send the follow-up reminders due `today`; returns how many emails were queued.

    For every signed-off session that is not cancelled (R21-R22, R40):
    - the request's chair, on the reminder day of the actions document and of the minutes,
      unless that document has already gone out (Artefact.distributed_at);
    - each open action's owner, on the reminder day before it is due, and once on the first
      working day after it is overdue;
    - the chair and the case's social worker, on the reminder day before each progress
      point (one and three months) and before the review date.
    Each reminder is sent once per person and due date (FollowUpReminder), through the
    outbox, in the recipient's language, with a link and no case details. Safe to re-run,
    and to run twice at once.
    """
    calendar = working_calendar()
    sessions = _signed_off_sessions()
    plans = {
        plan.record_id: plan
        for plan in ActionPlan.objects.filter(record__session__in=[s.pk for s in sessions])
    }
    social_workers = {
        member.case_id: member.practitioner.user
        for member in CaseTeamMember.objects.filter(
            case_id__in={s.case_id for s in sessions}, role=TeamRole.SOCIAL_WORKER
        ).select_related("practitioner__user__practitioner")
    }
    sent = 0
    for session in sessions:
        record = session.principles
        deadlines = _deadlines(
            session, record, plans.get(record.pk), social_workers.get(session.case_id), calendar
        )
        for due in deadlines:
            first, last = reminder_window(due.kind, due.due, calendar)
            if not first <= today <= last:
                continue
            for user in due.recipients:
                if user.is_active and _remind_once(session, due, user):
                    sent += 1
    return sent


# --- Starting a review --------------------------------------------------------------------


class NotSignedOff(Exception):
    """Only a session whose record is signed off can be reviewed."""


def review_question(held_on: date, language: str) -> str:
    """The question a review starts with, in the chair's language."""
    with translation.override(language):
        return gettext("Review of the supervision held on %(date)s") % {
            "date": formats.date_format(held_on, "j F Y")
        }


@transaction.atomic
def review_start(*, session: SupervisionSession, by: User, today: date) -> tuple[ReviewLink, bool]:
    """The chair starts a review of a signed-off session: a new request for the same case,
    accepted, with the same chair, type of session, chronology period and sharing basis,
    its reason "review", and linked to the session it reviews. The previous request's
    chronologies carry over (the agencies are not asked again). A session is reviewed once:
    starting again returns the review already started, with False."""
    if not can_start_review(by, session):
        raise PermissionDenied
    # One start at a time per session: the second waits, then finds the first's review.
    session = (
        SupervisionSession.objects.select_for_update()
        .select_related("request", "case")
        .get(pk=session.pk)
    )
    existing = (
        ReviewLink.objects.select_related("new_request").filter(previous_session=session).first()
    )
    if existing is not None:
        return existing, False
    signed_off = PrinciplesRecord.objects.filter(session=session, signed_off_at__isnull=False)
    if session.status == SessionStatus.CANCELLED or not signed_off.exists():
        raise NotSignedOff
    previous = session.request
    practitioner = by.practitioner
    new_request = SupervisionRequest.objects.create(
        case=session.case,
        requested_by=by,
        requester_agency=practitioner.agency,
        requested_on=today,
        reasons=[Reason.REVIEW.value],
        question=review_question(
            timezone.localdate(session.starts_at), practitioner.preferred_language
        ),
        session_type=previous.session_type,
        status=RequestStatus.ACCEPTED,
        chair=by,
        decided_at=timezone.now(),
        period_start=previous.period_start,
        period_end=previous.period_end,
        period_reason=previous.period_reason,
        sharing_agreement=previous.sharing_agreement,
        lawful_basis=previous.lawful_basis,
        special_category_condition=previous.special_category_condition,
        consent_status=previous.consent_status,
        consent_reason=previous.consent_reason,
    )
    new_request.chronologies.set(previous.chronologies.all())
    CaseTeamMember.objects.get_or_create(
        case=session.case, practitioner=practitioner, role=TeamRole.CHAIR
    )
    link = ReviewLink.objects.create(
        new_request=new_request, previous_session=session, created_by=by
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=new_request,
        case=session.case,
        detail={
            "reasons": [Reason.REVIEW.value],
            "session_type": new_request.session_type,
            "review_of_session": str(session.code),
        },
    )
    return link, True


# --- Where we are now ---------------------------------------------------------------------


class CheckConflict(Exception):
    """Someone saved where we are now since the form was loaded; `current` is their save."""

    def __init__(self, current: ProgressCheck) -> None:
        super().__init__("stale version")
        self.current = current


@transaction.atomic
def progress_check_save(
    *, review: ReviewLink, months: int, where_we_are: str, expected_version: int, by: User
) -> ProgressCheck:
    """Save where we are now against the one- or three-month point of the reviewed session.

    `expected_version` is the version the writer started from (0 when nothing was saved);
    if someone has saved since, nothing is written and CheckConflict carries their save.
    Who may write is checked by the caller (access.can_write_review).
    """
    if months not in PROGRESS_MONTHS:
        raise ValueError("A progress check is at one or three months.")
    where_we_are = where_we_are.strip()
    if not where_we_are:
        raise ValueError("Say where we are now.")
    current = (
        ProgressCheck.objects.select_for_update()
        .select_related("updated_by")
        .filter(review=review, months=months)
        .first()
    )
    if current is None:
        check = ProgressCheck.objects.create(
            review=review, months=months, where_we_are=where_we_are, version=1, updated_by=by
        )
        action = AuditAction.CREATE
    else:
        if current.version != expected_version:
            raise CheckConflict(current)
        current.where_we_are = where_we_are
        current.version += 1
        current.updated_by = by
        current.save(update_fields=["where_we_are", "version", "updated_by", "updated_at"])
        check = current
        action = AuditAction.UPDATE
    audit.record(
        actor=by,
        action=action,
        target=check,
        case=review.previous_session.case,
        detail={"part": "where we are now", "months": months, "version": check.version},
    )
    return check
