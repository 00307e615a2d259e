"""Writes to a document pack: adding a document, recording a download."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from supervision.accounts.models import User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import Case, CaseTeamMember, TeamRole
from supervision.cases.services import DEMO_DIR
from supervision.documents import files
from supervision.documents.models import Document, DocumentLanguage


def _sha256(upload: File[Any]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_upload(
    *,
    case: Case,
    upload: File[Any],
    type: str,
    title: str,
    document_date: date,
    version: str,
    language: str,
    uploaded_by: User,
) -> Document:
    """Check the file (size, kind by content, name), store it under a random name, record it.

    Raises django.core.exceptions.ValidationError if the file or the details are not
    acceptable; nothing is stored then. The audit row is written with the document.
    """
    checked = files.check_upload(upload)
    document = Document(
        case=case,
        type=type,
        title=title.strip(),
        document_date=document_date,
        version=version.strip(),
        language=language,
        original_name=checked.name,
        content_type=checked.format,
        size=checked.size,
        sha256=_sha256(upload),
        uploaded_by=uploaded_by,
    )
    document.full_clean(exclude=["file"])
    document.file.save("document", upload, save=False)  # the name comes from upload_to
    try:
        with transaction.atomic():
            document.save()
            audit.record(
                actor=uploaded_by,
                action=AuditAction.CREATE,
                target=document,
                case=case,
                detail={
                    "part": "document",
                    "type": document.type,
                    "content_type": document.content_type,
                    "size": document.size,
                    "sha256": document.sha256,
                },
            )
    except BaseException:
        document.file.delete(save=False)  # no row, so no file either
        raise
    return document


def document_download_record(*, document: Document, downloaded_by: User) -> None:
    """Audit a download of a document (an export of case data)."""
    audit.record(
        actor=downloaded_by,
        action=AuditAction.EXPORT,
        target=document,
        case=document.case,
        detail={"part": "document"},
    )


# --- The fictional demonstration pack ---------------------------------------------------

_VERSION = re.compile(r"\bv(\d+)\b", re.IGNORECASE)


def _demo_pdf(title: str, day: date) -> bytes:
    import weasyprint

    page = (
        f"<h1>{escape(title)}</h1><p>{day.isoformat()}</p>"
        "<p>Fictional demonstration document. Every person, family and case is invented.</p>"
    )
    pdf: bytes = weasyprint.HTML(string=page).write_pdf()
    return pdf


def demo_documents_load(*, data_dir: Path = DEMO_DIR) -> int:
    """Add the scenario's document pack to the demo case as PDFs. Safe to run again.

    The documents are added by the case's social worker, as on screen. Returns how many
    documents were added.
    """
    scenario = yaml.safe_load((data_dir / "harries-walsh" / "request-and-session.yaml").read_text())
    people = yaml.safe_load((data_dir / "harries-walsh" / "people.yaml").read_text())
    case = Case.objects.get(local_authority_reference=people["case"]["la_case_ref"])
    author = CaseTeamMember.objects.get(case=case, role=TeamRole.SOCIAL_WORKER).practitioner.user
    added = 0
    for row in scenario["document_pack"]:
        day = row["date"]
        if Document.objects.filter(
            case=case, type=row["type"], title=row["title"], document_date=day
        ).exists():
            continue
        version = _VERSION.search(row["title"])
        document_upload(
            case=case,
            upload=ContentFile(_demo_pdf(row["title"], day), name=f"{slugify(row['title'])}.pdf"),
            type=row["type"],
            title=row["title"],
            document_date=day,
            version=f"v{version.group(1)}" if version else "",
            language=DocumentLanguage.ENGLISH,
            uploaded_by=author,
        )
        added += 1
    return added
