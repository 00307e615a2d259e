"""Who may see, make, approve and download a session's documents.

Every case member who may read the session (through `access_case` and
`session_of_request`) sees the documents page and downloads the files; the writers of the
record make them; the request's chair approves the minutes.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from supervision.accounts.models import User
from supervision.artefacts.models import ArtefactFile
from supervision.meetings.models import SupervisionSession
from supervision.records.access import can_sign_off, can_write_record


def can_prepare(user: User, session: SupervisionSession) -> bool:
    """The writers of the record (its chair and the case's social worker) make the documents."""
    return can_write_record(user, session)


def can_approve(user: User, session: SupervisionSession) -> bool:
    """Only the chair of the request approves the minutes."""
    return can_sign_off(user, session)


def file_of_session(session: SupervisionSession, code: UUID) -> ArtefactFile:
    """A file of one of this session's documents; a file of another session is a 404."""
    found = (
        ArtefactFile.objects.select_related("artefact__edition")
        .defer("artefact__edition__content")
        .filter(code=code, artefact__session=session)
        .first()
    )
    if found is None:
        raise Http404
    found.artefact.session = session
    return found
