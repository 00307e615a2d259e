"""Background work: one task makes one file of a session document (a language and a
format), with its progress kept on the ArtefactFile row for the documents page.

The case is read through the access layer as the person who asked for the file, so a
file asked for by someone who has since lost access to the case fails instead of leaking.
Each run of a file carries a token: when the file has been queued again meanwhile, the
older task throws its result away.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from supervision.actions.models import Action
from supervision.artefacts import rendering, selectors
from supervision.artefacts.models import ArtefactFile, ArtefactKind, FileFormat, FileStatus
from supervision.audit import context
from supervision.cases.access import access_case
from supervision.records.access import session_of_request

CONTENT_TYPES: dict[str, str] = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
#: Longest error message kept on a failed file.
ERROR_LENGTH = 500


def file_name(found: ArtefactFile) -> str:
    """The download's name: the document, the session date and the language, never a
    person's name ("minutes-2026-01-15-cy.pdf")."""
    kind = found.artefact.kind.replace("_", "-")
    day = selectors.held_on(found.artefact.session).isoformat()
    return f"{kind}-{day}-{found.language}.{found.format}"


@task()
def artefact_file_make(file_id: int, run: str) -> None:
    token = context.set_origin(context.Origin(ip_address=None, source="task:artefact_file_make"))
    try:
        _make(file_id, uuid.UUID(run))
    finally:
        context.reset_origin(token)


def _update(file_id: int, run: uuid.UUID, **values: Any) -> bool:
    """Change the file only if it is still this run's; False when it was queued again."""
    return ArtefactFile.objects.filter(pk=file_id, run=run).update(**values) == 1


def _make(file_id: int, run: uuid.UUID) -> None:
    found = (
        ArtefactFile.objects.select_related(
            "artefact__session__case",
            "artefact__session__request",
            "artefact__edition__signed_off_by",
            "requested_by",
        )
        .filter(pk=file_id, run=run)
        .first()
    )
    if found is None or not _update(file_id, run, status=FileStatus.RUNNING, progress=10):
        return
    try:
        data = _render(found, run)
    except Exception as error:
        message = str(error) if isinstance(error, rendering.TemplateProblem) else repr(error)
        _update(
            file_id,
            run,
            status=FileStatus.FAILED,
            error=message[:ERROR_LENGTH],
            finished_at=timezone.now(),
        )
        raise
    previous = found.file.name
    storage = found.file.storage
    name = storage.save(f"artefacts/{uuid.uuid4().hex}.{found.format}", ContentFile(data))
    if _update(
        file_id,
        run,
        file=name,
        status=FileStatus.DONE,
        progress=100,
        error="",
        finished_at=timezone.now(),
    ):
        if previous and previous != name:
            storage.delete(previous)
    else:
        storage.delete(name)  # queued again meanwhile: the newer run makes the file


def _render(found: ArtefactFile, run: uuid.UUID) -> bytes:
    artefact = found.artefact
    session = artefact.session
    if found.requested_by is None:
        raise PermissionError("no one asked for this file")
    case = access_case(found.requested_by, session.case.reference, part="session documents")
    session_of_request(case, session.request.code)
    edition = artefact.edition
    live = None
    if artefact.kind == ArtefactKind.CONFERENCE_EXTRACT:
        live = {
            number: rendering.LiveAction(
                status, note, timezone.localdate(done_at) if done_at else None
            )
            for number, status, note, done_at in Action.objects.filter(
                record__session=session
            ).values_list("number", "status", "completion_note", "done_at")
        }
    source = rendering.Source(
        content=edition.content,
        edition_number=edition.number,
        signed_off_by=edition.signed_off_by.full_name,
        signed_off_at=edition.signed_off_at,
        case_name=case.family_name,
        case_reference=case.reference,
    )
    with translation.override(found.language):
        document = rendering.document_context(artefact.kind, source, live_actions=live)
        _update(found.pk, run, progress=40)
        if found.format == FileFormat.PDF:
            return rendering.render_pdf(document)
        template = selectors.docx_template_for(artefact.kind)
        if template is None:
            return rendering.render_docx(rendering.default_template(artefact.kind), document)
        with template.file.open("rb") as handle:
            return rendering.render_docx(io.BytesIO(handle.read()), document)
