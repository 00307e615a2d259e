"""Helpers for the session documents tests: URLs, preparing as a writer, reading files."""

from __future__ import annotations

import io
from datetime import datetime

import pypdfium2 as pdfium
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from supervision.artefacts.models import Artefact, ArtefactFile
from supervision.meetings.models import SupervisionSession
from supervision.records.models import RecordEdition


def url(session: SupervisionSession, name: str = "list", **extra: object) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code, **extra}
    return reverse(f"artefacts:{name}", kwargs=kwargs)


def prepare(client, session: SupervisionSession, capture) -> None:
    """Post "Make the documents" and let the background tasks run (they run on commit)."""
    with capture(execute=True):
        response = client.post(url(session, "prepare"))
    assert response.status_code == 302, response.content.decode()[:2000]


def files(session: SupervisionSession) -> dict[tuple[str, str, str], ArtefactFile]:
    """(kind, language, format) -> file."""
    return {
        (f.artefact.kind, f.language, f.format): f
        for f in ArtefactFile.objects.filter(artefact__session=session).select_related("artefact")
    }


def data(found: ArtefactFile) -> bytes:
    with found.file.storage.open(found.file.name, "rb") as handle:
        return handle.read()


def pdf_text(content: bytes) -> str:
    """Every page's text, with runs of white space made one space (table cells wrap)."""
    pdf = pdfium.PdfDocument(content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    # pdfium gives a word broken after its hyphen at the end of a line as U+FFFE.
    return " ".join(text.replace("\ufffe", "-").split())


def docx_text(content: bytes) -> str:
    """Paragraphs, table cells, headers and footers, as one line of words."""
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return " ".join(" ".join(parts).split())


def text_of(found: ArtefactFile) -> str:
    content = data(found)
    return pdf_text(content) if found.format == "pdf" else docx_text(content)


def preview(found: ArtefactFile, path: str) -> None:
    """Page 1 of a PDF as a PNG, to look at."""
    pdf = pdfium.PdfDocument(data(found))
    pdf[0].render(scale=1.4).to_pil().save(path)


def make_artefact(
    session: SupervisionSession,
    kind: str,
    *,
    by,
    status: str = "draft",
    distributed_at: datetime | None = None,
    languages: tuple[str, ...] = ("en", "cy"),
    formats: tuple[str, ...] = ("pdf", "docx"),
    edition: RecordEdition | None = None,
) -> Artefact:
    """A document with made files, written straight to the database (no rendering)."""
    edition = (
        edition or RecordEdition.objects.filter(record__session=session).order_by("-number").first()
    )
    artefact = Artefact.objects.create(
        session=session,
        kind=kind,
        edition=edition,
        status=status,
        distributed_at=distributed_at,
        created_by=by,
    )
    for language in languages:
        for fmt in formats:
            ArtefactFile.objects.create(
                artefact=artefact,
                language=language,
                format=fmt,
                status="done",
                progress=100,
                file=ContentFile(b"%PDF-1.7 fictional", name=f"x.{fmt}"),
                requested_by=by,
            )
    return artefact
