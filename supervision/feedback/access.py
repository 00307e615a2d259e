"""Who gives feedback on a session, and who reads it. The case itself is opened through
access_case first, so outsiders never get this far (404)."""

from __future__ import annotations

from supervision.accounts.models import User
from supervision.meetings.models import SupervisionSession
from supervision.records.access import attendee_user_ids, can_write_record
from supervision.records.models import RecordEdition


def can_give_feedback(user: User, session: SupervisionSession) -> bool:
    """The people the chair recorded as attending (R26)."""
    return user.pk in attendee_user_ids(session)


def can_read_results(user: User, session: SupervisionSession) -> bool:
    """The request's chair and the case's social worker read the answers, without names."""
    return can_write_record(user, session)


def feedback_open(session: SupervisionSession) -> bool:
    """Feedback opens once the chair has signed the record off (the session is over)."""
    return RecordEdition.objects.filter(record__session=session).exists()
