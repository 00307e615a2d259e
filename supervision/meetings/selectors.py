"""Queries that shape request pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

from supervision.chronology.models import AgencyChronology, ChronologyFinding, ChronologyStatus
from supervision.documents.selectors import DocumentPack, document_pack
from supervision.domain.calendar import WorkingCalendar
from supervision.meetings.models import (
    Invitation,
    RequestStatus,
    SupervisionRequest,
    SupervisionSession,
)
from supervision.notifications.models import OutboxMessage
from supervision.notifications.selectors import messages_for_case
from supervision.timescales.calendars import working_calendar


@dataclass
class ChronologyRow:
    chronology: AgencyChronology
    entries: int
    working_days_late: int
    is_late: bool
    involvement_status: str


@dataclass
class Readiness:
    request: SupervisionRequest
    rows: list[ChronologyRow]
    received: int
    late: int
    missing: int
    session: SupervisionSession | None = None
    invitations: list[Invitation] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)
    emails: list[OutboxMessage] = field(default_factory=list)
    pack: DocumentPack | None = None
    entries: int = 0
    findings: int = 0


def pending_requests() -> QuerySet[SupervisionRequest]:
    return (
        SupervisionRequest.objects.filter(status=RequestStatus.SUBMITTED)
        .select_related("case", "requester_agency")
        .order_by("requested_on", "created_at")
    )


def lateness(chronology: AgencyChronology, today: date, calendar: WorkingCalendar) -> int:
    """Working days the chronology is (or was) late against its agreed due date."""
    if chronology.due_date is None:
        return 0
    done = chronology.submitted_on or today
    return calendar.working_days_late(chronology.due_date, done)


def readiness(request: SupervisionRequest, *, today: date) -> Readiness:
    calendar = working_calendar()
    chronologies = (
        request.chronologies.select_related("agency", "due_date_approved_by")
        .annotate(entry_count=Count("entries", filter=Q(entries__is_draft=False)))
        .order_by("agency__name_en")
    )
    statuses = dict(request.case.involvements.values_list("agency_id", "status"))
    rows = []
    for chronology in chronologies:
        late = lateness(chronology, today, calendar)
        rows.append(
            ChronologyRow(
                chronology=chronology,
                entries=chronology.entry_count,
                working_days_late=late,
                is_late=late > 0,
                involvement_status=statuses.get(chronology.agency_id, ""),
            )
        )
    received = [r for r in rows if r.chronology.status in _RECEIVED]
    session = SupervisionSession.objects.filter(request=request).first()
    invitations = (
        list(
            session.invitations.select_related("practitioner__user", "agency").order_by(
                "removed", "agency__name_en", "practitioner__user__full_name"
            )
        )
        if session is not None
        else []
    )
    return Readiness(
        request=request,
        rows=rows,
        received=len(received),
        late=sum(1 for r in rows if r.is_late),
        missing=len(rows) - len(received),
        session=session,
        invitations=invitations,
        answers=dict(Counter(i.response for i in invitations if not i.removed)),
        emails=list(messages_for_case(request.case)[:EMAILS_SHOWN]),
        pack=document_pack(request.case),
        entries=sum(row.entries for row in rows),
        findings=ChronologyFinding.objects.filter(case=request.case).count(),
    )


EMAILS_SHOWN = 50


_RECEIVED = (ChronologyStatus.SUBMITTED, ChronologyStatus.ACCEPTED)
