"""Writes for practitioner feedback (R26): asking attendees once, and taking one answer each."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from supervision.accounts.models import User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.feedback.access import can_give_feedback, feedback_open
from supervision.feedback.models import Feedback, FeedbackRequest
from supervision.meetings.models import SessionStatus, SupervisionSession
from supervision.notifications.services import email_queue
from supervision.records.models import Attendance, RecordEdition

EMAIL_KIND = "feedback_request"


class FeedbackNotOpen(Exception):
    """The record is not signed off yet, so the session is not over."""


class AlreadyAnswered(Exception):
    """Each attendee answers once."""


def _language(user: User) -> str:
    practitioner = getattr(user, "practitioner", None)
    return str(practitioner.preferred_language) if practitioner is not None else "en"


def _ask(attendance: Attendance) -> bool:
    """Ask one attendee, in their language, unless they have been asked already."""
    session = attendance.record.session
    user = attendance.practitioner.user
    with transaction.atomic():
        try:
            with transaction.atomic():
                asked = FeedbackRequest.objects.create(session=session, user=user)
        except IntegrityError:  # asked by another run at the same moment
            return False
        language = _language(user)
        # The site's English is British English, served without a language prefix.
        with translation.override("cy" if language == "cy" else settings.LANGUAGE_CODE):
            link = str(settings.SITE_URL).rstrip("/") + reverse(
                "feedback:give",
                kwargs={"reference": session.case.reference, "code": session.request.code},
            )
            context = {"held_on": timezone.localdate(session.starts_at), "link": link}
            subject = render_to_string("feedback/email/feedback_request_subject.txt", context)
            body = render_to_string("feedback/email/feedback_request_body.txt", context)
        email_queue(
            to=user.email,
            subject=subject,
            body=body,
            kind=EMAIL_KIND,
            language=language,
            case=session.case,
            related=asked,
        )
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            target=asked,
            case=session.case,
            detail={"part": "feedback request"},
        )
    return True


def feedback_requests_send(*, today: date) -> int:
    """Ask every attendee of every signed-off session held on or before `today` for feedback,
    once each, by email in their own language. Returns how many were asked.

    Safe to run again (daily): an attendee already asked is never asked again.
    """
    held_by = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    already_asked = FeedbackRequest.objects.filter(
        session=OuterRef("record__session"), user=OuterRef("practitioner__user")
    )
    signed_off = RecordEdition.objects.filter(record=OuterRef("record"))
    waiting = (
        Attendance.objects.filter(
            Exists(signed_off),
            record__session__starts_at__lt=held_by,
            practitioner__user__is_active=True,
        )
        .exclude(record__session__status=SessionStatus.CANCELLED)
        .exclude(Exists(already_asked))
        .select_related(
            "practitioner__user__practitioner",
            "record__session__case",
            "record__session__request",
        )
        .order_by("pk")
    )
    return sum(_ask(attendance) for attendance in waiting)


@transaction.atomic
def feedback_give(
    *,
    session: SupervisionSession,
    user: User,
    useful: str,
    better: str,
    rating: int | None,
) -> Feedback:
    """An attendee's one answer: what was useful, what could be better, a rating (optional).

    Raises PermissionDenied for anyone who did not attend, FeedbackNotOpen before the record
    is signed off, and AlreadyAnswered for a second answer.
    """
    if not can_give_feedback(user, session):
        raise PermissionDenied
    if not feedback_open(session):
        raise FeedbackNotOpen
    useful, better = useful.strip(), better.strip()
    if not useful and not better:
        raise ValueError("Feedback needs an answer to at least one question.")
    if Feedback.objects.filter(session=session, author=user).exists():
        raise AlreadyAnswered
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                session=session, author=user, useful=useful, better=better, rating=rating
            )
    except IntegrityError as error:  # a second answer sent at the same moment
        raise AlreadyAnswered from error
    # The session, not the answer, is the target: the audit does not tie a person to an
    # answer more closely than the fact that they gave one.
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        target=session,
        case=session.case,
        detail={"part": "feedback"},
    )
    return feedback
