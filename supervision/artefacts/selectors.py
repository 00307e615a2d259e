"""The session documents as pages and other apps need them, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from supervision.artefacts.models import (
    Artefact,
    ArtefactFile,
    ArtefactKind,
    DocxTemplate,
    FileFormat,
    FileStatus,
)
from supervision.domain.calendar import WorkingCalendar
from supervision.domain.deadlines import DeadlineState, artefact_deadlines, deadline_state
from supervision.meetings.models import SupervisionSession
from supervision.records.models import PrinciplesRecord, RecordEdition
from supervision.timescales.calendars import working_calendar

#: Every document is made in both languages and both formats, in this order.
LANGUAGES = ("en", "cy")
FORMATS = (FileFormat.PDF, FileFormat.DOCX)
IN_PROGRESS = (FileStatus.QUEUED, FileStatus.RUNNING)


def held_on(session: SupervisionSession) -> date:
    """The session date: the deadlines count from it (day 0)."""
    return timezone.localdate(session.starts_at)


def artefact_of(session: SupervisionSession, kind: str) -> Artefact | None:
    """One document of a session, with the version it is made from (without its content)."""
    return (
        Artefact.objects.select_related("edition")
        .defer("edition__content")
        .filter(session=session, kind=kind)
        .first()
    )


def file_for(artefact: Artefact, language: str, format: str) -> ArtefactFile | None:
    """One rendering of a document (any status: check `status == "done"` before using it)."""
    return ArtefactFile.objects.filter(artefact=artefact, language=language, format=format).first()


def docx_template_for(kind: str) -> DocxTemplate | None:
    """The newest active Word template an administrator uploaded for a kind, if any."""
    return (
        DocxTemplate.objects.filter(kind=kind, active=True).order_by("-uploaded_at", "-pk").first()
    )


# --- Deadlines (R40) --------------------------------------------------------------------


@dataclass(frozen=True)
class SessionDeadlines:
    """When the actions and the minutes are due, how each stands and when each went out.
    `*_days_late` counts working days past the due date: until it was sent, or until
    today while it is still not sent (0 when on time)."""

    actions_due: date
    minutes_due: date
    actions_state: DeadlineState
    minutes_state: DeadlineState
    actions_sent_on: date | None
    minutes_sent_on: date | None
    actions_days_late: int = 0
    minutes_days_late: int = 0


def _sent_on(artefact: Artefact | None) -> date | None:
    if artefact is None or artefact.distributed_at is None:
        return None
    return timezone.localdate(artefact.distributed_at)


def _deadlines(
    session: SupervisionSession,
    artefacts: dict[str, Artefact],
    calendar: WorkingCalendar,
    today: date,
) -> SessionDeadlines:
    due = artefact_deadlines(held_on(session), calendar)
    actions_sent = _sent_on(artefacts.get(ArtefactKind.ACTIONS))
    minutes_sent = _sent_on(artefacts.get(ArtefactKind.MINUTES))
    return SessionDeadlines(
        actions_due=due.actions_due,
        minutes_due=due.minutes_due,
        actions_state=deadline_state(
            due=due.actions_due, today=today, done_on=actions_sent, calendar=calendar
        ),
        minutes_state=deadline_state(
            due=due.minutes_due, today=today, done_on=minutes_sent, calendar=calendar
        ),
        actions_sent_on=actions_sent,
        minutes_sent_on=minutes_sent,
        actions_days_late=calendar.working_days_late(due.actions_due, actions_sent or today),
        minutes_days_late=calendar.working_days_late(due.minutes_due, minutes_sent or today),
    )


def deadlines_of(session: SupervisionSession, *, today: date | None = None) -> SessionDeadlines:
    """The actions (2 working days) and minutes (20) deadlines of a session, in two
    queries. A deadline is met when its document first went out (`distributed_at`)."""
    artefacts = {
        a.kind: a
        for a in Artefact.objects.filter(
            session=session, kind__in=(ArtefactKind.ACTIONS, ArtefactKind.MINUTES)
        ).only("kind", "distributed_at")
    }
    return _deadlines(session, artefacts, working_calendar(), today or timezone.localdate())


# --- The documents page ----------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    """One kind of document: not made yet (`artefact` None), or its four files."""

    kind: ArtefactKind
    artefact: Artefact | None
    files: list[ArtefactFile] = field(default_factory=list)

    @property
    def in_progress(self) -> bool:
        return any(f.status in IN_PROGRESS for f in self.files)

    @property
    def ready(self) -> bool:
        return len(self.files) == len(LANGUAGES) * len(FORMATS) and all(
            f.status == FileStatus.DONE for f in self.files
        )

    @property
    def by_language(self) -> list[tuple[str, list[tuple[str, ArtefactFile | None]]]]:
        """(language, [(format, file or None)]) in the page's fixed order."""
        found = {(f.language, f.format): f for f in self.files}
        return [
            (language, [(str(fmt), found.get((language, fmt))) for fmt in FORMATS])
            for language in LANGUAGES
        ]


@dataclass(frozen=True)
class DocumentsPage:
    session: SupervisionSession
    signed_off: bool
    latest: RecordEdition | None
    rows: list[DocumentRow]
    deadlines: SessionDeadlines

    @property
    def in_progress(self) -> bool:
        return any(row.in_progress for row in self.rows)

    @property
    def made(self) -> bool:
        return any(row.artefact is not None for row in self.rows)

    @property
    def out_of_date(self) -> list[DocumentRow]:
        """Documents made from an older version that can still move to the newest."""
        if self.latest is None:
            return []
        return [
            row
            for row in self.rows
            if row.artefact is not None
            and row.artefact.edition_id != self.latest.pk
            and row.artefact.distributed_at is None
        ]


def documents_page(session: SupervisionSession, *, today: date | None = None) -> DocumentsPage:
    """The documents page in six queries, however many files and versions there are."""
    record = PrinciplesRecord.objects.filter(session=session).only("id", "signed_off_at").first()
    latest = (
        RecordEdition.objects.filter(record=record)
        .select_related("signed_off_by")
        .defer("content")
        .order_by("-number")
        .first()
        if record is not None
        else None
    )
    artefacts = {
        a.kind: a
        for a in Artefact.objects.filter(session=session)
        .select_related("edition", "approved_by")
        .defer("edition__content")
        .prefetch_related(
            Prefetch("files", queryset=ArtefactFile.objects.order_by("language", "format"))
        )
    }
    rows = [
        DocumentRow(kind, artefacts.get(kind), list(artefacts[kind].files.all()))
        if kind in artefacts
        else DocumentRow(kind, None)
        for kind in ArtefactKind
    ]
    return DocumentsPage(
        session=session,
        signed_off=record is not None and record.locked,
        latest=latest,
        rows=rows,
        deadlines=_deadlines(session, artefacts, working_calendar(), today or timezone.localdate()),
    )
