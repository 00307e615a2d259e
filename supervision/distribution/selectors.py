"""Queries that shape the distribution page, and what other apps ask of distribution.

The page runs a fixed number of queries however many recipients and corrections it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from supervision.agencies.models import Practitioner
from supervision.artefacts.models import Artefact, ArtefactFile, ArtefactKind
from supervision.cases.models import CaseTeamMember, Involvement
from supervision.distribution.models import Correction, Recipient
from supervision.distribution.services import DISTRIBUTED_KINDS, Problem, send_problem
from supervision.domain.deadlines import DeadlineState, artefact_deadlines, deadline_state
from supervision.meetings.models import SupervisionSession
from supervision.timescales.calendars import working_calendar


def distributed_on(session: SupervisionSession, kind: str) -> date | None:
    """The day the session's document of `kind` first went out, or None (one query)."""
    when = (
        Artefact.objects.filter(session=session, kind=kind)
        .values_list("distributed_at", flat=True)
        .first()
    )
    return timezone.localdate(when) if when is not None else None


def _with_delivery(recipients: QuerySet[Recipient]) -> QuerySet[Recipient]:
    return recipients.select_related(
        "practitioner__user", "practitioner__agency", "file", "message"
    ).defer("message__body", "message__calendar")


def recipients_of(artefact: Artefact) -> list[Recipient]:
    """Who the document went to, attendees first, with their delivery (the outbox
    message's status) and acknowledgement (one query)."""
    return list(_with_delivery(Recipient.objects.filter(artefact=artefact)))


@dataclass(frozen=True)
class DocumentPart:
    """One document on the page: its deadline, who it went to, and whether it can go."""

    kind: str
    label: str
    artefact: Artefact | None
    files: list[ArtefactFile]
    due: date
    state: DeadlineState
    sent_on: date | None
    working_days_late: int
    recipients: list[Recipient]
    problem: Problem | None
    attendees_waiting: int

    @property
    def distributed(self) -> bool:
        return self.sent_on is not None

    @property
    def done_files(self) -> list[ArtefactFile]:
        return [file for file in self.files if file.status == "done"]


@dataclass(frozen=True)
class DistributionPage:
    held_on: date
    documents: list[DocumentPart]
    minutes: Artefact | None
    corrections: list[Correction]
    attendee_user_ids: set[int]


def distribution_page(session: SupervisionSession) -> DistributionPage:
    """The actions and the minutes of a session: deadlines, recipients, corrections."""
    calendar = working_calendar()
    held_on = timezone.localdate(session.starts_at)
    deadlines = artefact_deadlines(held_on, calendar)
    due = {ArtefactKind.ACTIONS: deadlines.actions_due, ArtefactKind.MINUTES: deadlines.minutes_due}
    artefacts = {
        artefact.kind: artefact
        for artefact in Artefact.objects.filter(
            session=session, kind__in=DISTRIBUTED_KINDS
        ).prefetch_related(
            Prefetch("files", queryset=ArtefactFile.objects.order_by("language", "format"))
        )
    }
    recipients: dict[int, list[Recipient]] = {artefact.pk: [] for artefact in artefacts.values()}
    for recipient in _with_delivery(
        Recipient.objects.filter(artefact__in=list(artefacts.values()))
    ):
        recipients[recipient.artefact_id].append(recipient)
    attendees = set(
        Practitioner.objects.filter(attended__record__session=session).values_list("pk", "user_id")
    )
    attendee_practitioners = {pk for pk, _user in attendees}
    today = timezone.localdate()
    documents = []
    for kind in DISTRIBUTED_KINDS:
        artefact = artefacts.get(kind)
        files = list(artefact.files.all()) if artefact is not None else []
        sent_on = (
            timezone.localdate(artefact.distributed_at)
            if artefact is not None and artefact.distributed_at is not None
            else None
        )
        sent_to = (
            {recipient.practitioner_id for recipient in recipients.get(artefact.pk, [])}
            if artefact is not None
            else set()
        )
        documents.append(
            DocumentPart(
                kind=kind.value,
                label=str(kind.label),
                artefact=artefact,
                files=files,
                due=due[kind],
                state=deadline_state(
                    due=due[kind], today=today, done_on=sent_on, calendar=calendar
                ),
                sent_on=sent_on,
                working_days_late=calendar.working_days_late(due[kind], sent_on or today),
                recipients=recipients.get(artefact.pk, []) if artefact is not None else [],
                problem=send_problem(artefact, files) if artefact is not None else None,
                attendees_waiting=len(attendee_practitioners - sent_to),
            )
        )
    minutes = artefacts.get(ArtefactKind.MINUTES)
    corrections = (
        list(Correction.objects.filter(artefact=minutes).select_related("raised_by", "resolved_by"))
        if minutes is not None
        else []
    )
    return DistributionPage(
        held_on=held_on,
        documents=documents,
        minutes=minutes,
        corrections=corrections,
        attendee_user_ids={user for _pk, user in attendees},
    )


def wider_candidates(session: SupervisionSession) -> list[Practitioner]:
    """The practitioners who can open the case (involved, or on its team), by name: the
    only people a document can be sent to through the service."""
    involved = Involvement.objects.filter(
        case_id=session.case_id, practitioner__isnull=False
    ).values("practitioner_id")
    team = CaseTeamMember.objects.filter(case_id=session.case_id).values("practitioner_id")
    return list(
        Practitioner.objects.filter(Q(pk__in=involved) | Q(pk__in=team))
        .select_related("user", "agency")
        .order_by("user__full_name", "pk")
    )
