"""Who may read and write a session record."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.chronology.access import is_case_social_worker
from supervision.meetings.access import is_request_chair, request_of_case
from supervision.meetings.models import SupervisionSession
from supervision.records.models import PrinciplesRecord


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
