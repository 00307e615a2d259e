"""Who may send a session document, receive it, and correct the minutes."""

from __future__ import annotations

from supervision.accounts.models import User
from supervision.agencies.models import Practitioner
from supervision.cases.models import Case
from supervision.meetings.access import is_request_chair
from supervision.meetings.models import SupervisionSession
from supervision.records import access as records_access


def can_distribute(user: User, session: SupervisionSession) -> bool:
    """The request's chair or the case's social worker send the documents (R25)."""
    return records_access.can_write_record(user, session)


def can_resolve_corrections(user: User, session: SupervisionSession) -> bool:
    """The chair, who approved the minutes, decides on each correction."""
    return is_request_chair(user, session.request)


def can_raise_correction(user: User, attendee_ids: set[int]) -> bool:
    """Those who attended send in corrections to the minutes."""
    return user.pk in attendee_ids


def can_open_case(practitioner: Practitioner, case: Case) -> bool:
    """Whether the practitioner may already open the case (involved, or on its team): only
    they can be sent a document through the service."""
    return Case.objects.filter(pk=case.pk).visible_to(practitioner.user).exists()
