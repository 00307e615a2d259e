"""Who may read and write a session record."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.chronology.access import is_case_social_worker
from supervision.domain.session import can_read_reflective_notes
from supervision.meetings.access import is_request_chair, request_of_case
from supervision.meetings.models import SupervisionSession
from supervision.records.models import Attendance, PrinciplesRecord


def session_of_request(case: Case, code: UUID) -> SupervisionSession:
    """The session booked for a request of a case already given through access_case; or 404."""
    found = request_of_case(case, code)
    session = (
        SupervisionSession.objects.select_related("request", "case").filter(request=found).first()
    )
    if session is None:
        raise Http404
    return session


def can_write_record(user: User, session: SupervisionSession) -> bool:
    """The request's chair or the case's social worker writes the record."""
    return is_request_chair(user, session.request) or is_case_social_worker(user, session.case)


def record_locked(session: SupervisionSession) -> bool:
    """Whether the chair has signed the record off (every part is then read-only)."""
    return PrinciplesRecord.objects.filter(session=session, signed_off_at__isnull=False).exists()


def attendee_user_ids(session: SupervisionSession) -> set[int]:
    """The users the chair recorded as attending."""
    return set(
        Attendance.objects.filter(record__session=session).values_list(
            "practitioner__user_id", flat=True
        )
    )


def can_read_reflections(user: User, session: SupervisionSession) -> bool:
    """Reflective notes are for the session's attendees and its chair only (R7, R9)."""
    return can_read_reflective_notes(user.pk, attendee_user_ids(session), session.request.chair_id)


def can_sign_off(user: User, session: SupervisionSession) -> bool:
    """Only the chair of the request signs the record off or reopens it."""
    return is_request_chair(user, session.request)
