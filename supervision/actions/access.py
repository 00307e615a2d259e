"""Who may change next steps and progress. Reading follows the session record: any member
of the case (through access_case); writing is for the record's writers (the request's chair
and the case's social worker)."""

from __future__ import annotations

from supervision.accounts.models import User
from supervision.actions.models import Action
from supervision.meetings.models import SupervisionSession
from supervision.records.access import can_write_record


def can_mark_done(user: User, session: SupervisionSession, action: Action) -> bool:
    """The action's owner, as well as the record's writers, marks it done (even after the
    record is signed off: it is follow-up, not a change to what was agreed)."""
    return action.owner.user_id == user.pk or can_write_record(user, session)
