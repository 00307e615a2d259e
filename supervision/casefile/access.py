"""Who may write the case file synopses, record conference alerts and close a session.

Reading the case file page is for the case's members, through
`supervision.cases.access.access_case` and `supervision.records.access.session_of_request`.
"""

from __future__ import annotations

from supervision.accounts.models import User
from supervision.meetings.models import SupervisionSession
from supervision.records.access import can_sign_off, can_write_record


def can_write_case_file(user: User, session: SupervisionSession) -> bool:
    """The writers of the session record (the request's chair or the case's social worker)
    write the synopses, confirm them as recorded and record conference alerts."""
    return can_write_record(user, session)


def can_close(user: User, session: SupervisionSession) -> bool:
    """Only the request's chair closes the session, as they sign its record off."""
    return can_sign_off(user, session)
