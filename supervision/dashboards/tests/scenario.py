"""Sessions, requests, documents and actions made directly in the database for the
dashboard tests, around the signed-off scenario session. Every value is invented."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from supervision.accounts.models import User
from supervision.actions.models import Action, ActionStatus
from supervision.agencies.models import Agency, Practitioner
from supervision.artefacts.models import Artefact, ArtefactStatus
from supervision.cases.models import Case
from supervision.meetings.models import SessionStatus, SupervisionRequest, SupervisionSession
from supervision.records.models import PrinciplesRecord, RecordEdition

LONDON = ZoneInfo("Europe/London")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def make_request(
    *,
    case: Case,
    by: User,
    agency: Agency,
    requested_on: datetime.date,
    reasons: Sequence[str],
    chair: User | None = None,
) -> SupervisionRequest:
    return SupervisionRequest.objects.create(
        case=case,
        requested_by=by,
        requester_agency=agency,
        requested_on=requested_on,
        reasons=list(reasons),
        question="What would help?",
        session_type="multi_agency",
        status="accepted" if chair else "submitted",
        chair=chair,
        period_start=requested_on - datetime.timedelta(days=365),
        period_end=requested_on - datetime.timedelta(days=1),
        sharing_agreement="ISP-EXAMPLE (fictional)",
        lawful_basis="Public task",
        special_category_condition="Safeguarding",
        consent_status="not_sought",
        consent_reason="Professional supervision.",
    )


def make_session(
    request: SupervisionRequest, held_on: datetime.date, status: str = SessionStatus.HELD
) -> SupervisionSession:
    return SupervisionSession.objects.create(
        request=request,
        case=request.case,
        starts_at=at(held_on),
        venue="Room 1 (fictional)",
        status=status,
        cancel_reason="Family moved away." if status == SessionStatus.CANCELLED else "",
    )


def edition_of(session: SupervisionSession, by: User) -> RecordEdition:
    record, _created = PrinciplesRecord.objects.get_or_create(session=session)
    edition = RecordEdition.objects.filter(record=record).order_by("-number").first()
    if edition is None:
        edition = RecordEdition.objects.create(
            record=record, number=1, signed_off_at=session.starts_at, signed_off_by=by, content={}
        )
    return edition


def distribute(session: SupervisionSession, kind: str, on: datetime.date, by: User) -> Artefact:
    return Artefact.objects.create(
        session=session,
        kind=kind,
        edition=edition_of(session, by),
        status=ArtefactStatus.DISTRIBUTED,
        approved_at=at(on, 9),
        approved_by=by,
        distributed_at=at(on, 11),
        created_by=by,
    )


def add_action(
    session: SupervisionSession,
    *,
    number: int,
    owner: Practitioner,
    due: datetime.date,
    done_on: datetime.date | None = None,
    by: User,
) -> Action:
    record, _created = PrinciplesRecord.objects.get_or_create(session=session)
    return Action.objects.create(
        record=record,
        number=number,
        description=f"Action {number} (fictional)",
        owner=owner,
        agency=owner.agency,
        due_date=due,
        status=ActionStatus.DONE if done_on else ActionStatus.OPEN,
        completion_note="Done." if done_on else "",
        done_at=at(done_on, 15) if done_on else None,
        done_by=by if done_on else None,
        created_by=by,
    )
