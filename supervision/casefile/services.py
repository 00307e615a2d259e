"""Writes for the case file, the conference alert and closing a session. Each is one
transaction with its audit row inside; the audit never carries the synopsis, the case
system reference, a name or a note."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from supervision.accounts.models import User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.casefile.access import can_close, can_write_case_file
from supervision.casefile.models import AlertMethod, ChildSynopsis, ConferenceAlert
from supervision.casefile.selectors import ClosingState, closing_state, held_on
from supervision.cases.models import Person, PersonRole
from supervision.meetings.models import SessionStatus, SupervisionSession
from supervision.records.models import PrinciplesRecord


class NotSignedOff(Exception):
    """The session record is not signed off (or was reopened): there is nothing agreed to
    put on a case file yet."""


class SessionClosed(Exception):
    """The session is closed: its case file work is finished and no longer changes."""


class SynopsisRecorded(Exception):
    """The synopsis is confirmed as recorded on the child's case file, so it no longer
    changes (the case file holds that text)."""


class SynopsisConflict(Exception):
    """Someone saved this child's synopsis since the editor loaded it. Carries it as saved."""

    def __init__(self, current: ChildSynopsis) -> None:
        super().__init__("The synopsis changed since it was loaded.")
        self.current = current


class NotReadyToClose(Exception):
    """The session cannot be closed yet; `state` names every problem and child."""

    def __init__(self, state: ClosingState) -> None:
        super().__init__(", ".join(state.problems))
        self.state = state


def _lock_session(session: SupervisionSession) -> SupervisionSession:
    """The session row, locked for this transaction; refused once closed."""
    locked = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.CLOSED:
        raise SessionClosed
    return locked


def _signed_off(session: SupervisionSession) -> bool:
    return PrinciplesRecord.objects.filter(session=session, signed_off_at__isnull=False).exists()


@transaction.atomic
def synopsis_save(
    *,
    session: SupervisionSession,
    child: Person,
    text: str,
    expected_version: int,
    by: User,
) -> ChildSynopsis:
    """Save a subject child's synopsis, unless someone saved it since `expected_version`.

    For the record's writers, once the record is signed off, until the synopsis is
    confirmed as recorded on the case file or the session is closed.
    """
    if not can_write_case_file(by, session):
        raise PermissionDenied
    if child.case_id != session.case_id or child.role != PersonRole.SUBJECT_CHILD:
        raise ValueError("A synopsis is for a subject child of the session's case.")
    text = text.strip()
    if not text:
        raise ValueError("A synopsis needs its text.")
    _lock_session(session)
    if not _signed_off(session):
        raise NotSignedOff
    synopsis = (
        ChildSynopsis.objects.select_for_update()
        .select_related("updated_by")
        .filter(session=session, child=child)
        .first()
    )
    if synopsis is not None and synopsis.recorded:
        raise SynopsisRecorded
    # With no synopsis yet there is nothing to overwrite, whatever version the form claims.
    if synopsis is not None and synopsis.version != expected_version:
        raise SynopsisConflict(synopsis)
    if synopsis is None:
        synopsis = ChildSynopsis.objects.create(
            session=session, child=child, text=text, version=1, updated_by=by
        )
    else:
        synopsis.text = text
        synopsis.version += 1
        synopsis.updated_by = by
        synopsis.save(update_fields=["text", "version", "updated_by", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=synopsis,
        case=session.case,
        detail={"part": "case file synopsis", "child": child.key, "version": synopsis.version},
    )
    return synopsis


@transaction.atomic
def synopsis_confirm_recorded(
    *, synopsis: ChildSynopsis, case_system_reference: str, by: User
) -> ChildSynopsis:
    """Confirm that the saved synopsis is on the child's case file, with the case system's
    reference for it (R24). After this the synopsis no longer changes. Not while the record
    is reopened: what was agreed may still change."""
    session = synopsis.session
    if not can_write_case_file(by, session):
        raise PermissionDenied
    reference = case_system_reference.strip()
    if not reference:
        raise ValueError("Confirming needs the case system's reference.")
    _lock_session(session)
    if not _signed_off(session):
        raise NotSignedOff
    current = ChildSynopsis.objects.select_for_update().get(pk=synopsis.pk)
    if current.recorded:
        raise SynopsisRecorded
    current.recorded_on_case_file_at = timezone.now()
    current.recorded_by = by
    current.case_system_reference = reference
    current.save(update_fields=["recorded_on_case_file_at", "recorded_by", "case_system_reference"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=current,
        case=session.case,
        detail={"part": "synopsis recorded on case file", "child": current.child.key},
    )
    return current


@transaction.atomic
def conference_alert_record(
    *,
    session: SupervisionSession,
    conference_on: date,
    conference_chair: str,
    method: str,
    note: str,
    by: User,
) -> ConferenceAlert:
    """Record that the chair of the next child protection conference was alerted to the
    session's outcome and actions (R28): by whom, now, and how."""
    if not can_write_case_file(by, session):
        raise PermissionDenied
    if method not in AlertMethod.values:
        raise ValueError(f"Unknown alert method: {method!r}")
    conference_chair = conference_chair.strip()
    if not conference_chair:
        raise ValueError("An alert names the conference chair.")
    if conference_on < held_on(session):
        raise ValueError("The conference is the next one after the session.")
    _lock_session(session)
    alert = ConferenceAlert.objects.create(
        session=session,
        conference_on=conference_on,
        conference_chair=conference_chair,
        alerted_at=timezone.now(),
        alerted_by=by,
        method=method,
        note=note.strip(),
    )
    audit.record(
        actor=by,
        action=AuditAction.SHARE,
        target=alert,
        case=session.case,
        detail={
            "part": "conference chair alert",
            "conference_on": conference_on.isoformat(),
            "method": method,
        },
    )
    return alert


@transaction.atomic
def session_close(*, session: SupervisionSession, by: User) -> SupervisionSession:
    """The request's chair closes the session once the record is signed off, every subject
    child's synopsis is recorded on their case file, and both the actions and the minutes
    have been distributed (R24, R40). Refused with every problem otherwise."""
    if not can_close(by, session):
        raise PermissionDenied
    locked = _lock_session(session)
    state = closing_state(locked)
    if state.problems:
        raise NotReadyToClose(state)
    SupervisionSession.objects.filter(pk=session.pk).update(status=SessionStatus.CLOSED)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=locked,
        case=session.case,
        detail={"part": "session closed"},
    )
    locked.refresh_from_db()
    return locked
