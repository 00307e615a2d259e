"""Background work: one task makes one subject access export, a ZIP of `subject.json` and
`subject.pdf`, with its progress kept on the export's row for the status page.

The export reads what is held about the subject without case access (the officer's legal
duty; the request itself was audited as EXPORT). Items that name or concern other people
are marked `"third_party_review": true` in the JSON and highlighted in the PDF, for the
officer to review before anything is released.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django_tasks import task

from supervision.audit import context
from supervision.dataprotection import selectors
from supervision.dataprotection.models import ExportStatus, SubjectAccessExport, export_path
from supervision.dataprotection.selectors import SubjectDocument, Value

FORMAT = "multi-agency-supervision/subject-access/1"


def file_name(export: SubjectAccessExport) -> str:
    """The download's name: the request reference, never the subject's name."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", export.sar_reference).strip("-") or "export"
    return f"subject-access-{safe}.zip"


@task()
def subject_access_make(export_id: int) -> None:
    token = context.set_origin(context.Origin(ip_address=None, source="task:subject_access_make"))
    try:
        _make(export_id)
    finally:
        context.reset_origin(token)


def _progress(export_id: int, **values: Any) -> int:
    """Change the export while it is still being made (it may have expired meanwhile)."""
    return SubjectAccessExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        **values
    )


def _make(export_id: int) -> None:
    claimed = SubjectAccessExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=10
    )
    if not claimed:
        return
    export = SubjectAccessExport.objects.select_related("person", "user", "requested_by").get(
        pk=export_id
    )
    try:
        with translation.override(export.language):
            if export.person is not None:
                document = selectors.person_subject(export.person)
            else:
                assert export.user is not None  # noqa: S101 - the model's constraint
                document = selectors.staff_subject(export.user)
            _progress(export_id, progress=40)
            data = subject_json(document, export)
            _progress(export_id, progress=60)
            pdf = subject_pdf(document, export)
        _progress(export_id, progress=90)
        name = default_storage.save(export_path(export, ""), ContentFile(_zip(data, pdf)))
    except Exception:
        _progress(export_id, status=ExportStatus.FAILED, finished_at=timezone.now())
        raise
    finished = _progress(
        export_id,
        status=ExportStatus.DONE,
        progress=100,
        file=name,
        items=document.item_count,
        items_to_review=document.review_count,
        finished_at=timezone.now(),
    )
    if not finished:  # expired or deleted while it was being made: keep nothing
        default_storage.delete(name)


def _zip(data: bytes, pdf: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject.json", data)
        archive.writestr("subject.pdf", pdf)
    return buffer.getvalue()


# --- JSON -------------------------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def _values(values: tuple[Value, ...]) -> dict[str, object]:
    return {value.key: _plain(value.value) for value in values}


def subject_json(document: SubjectDocument, export: SubjectAccessExport) -> bytes:
    """Everything in the document, one object per item; `third_party_review` true on each
    item that names or concerns someone else, with who in `third_parties`."""
    payload = {
        "format": FORMAT,
        "sar_reference": export.sar_reference,
        "reason": export.reason,
        "made_at": timezone.now().isoformat(),
        "made_by": export.requested_by.email,
        "subject": {"kind": document.kind, **_values(document.about)},
        "review": (
            "Items with third_party_review true name or concern other people. "
            "Review them, and redact what is not the subject's, before anything is released."
        ),
        "items": document.item_count,
        "items_to_review": document.review_count,
        "sections": {
            section.key: [
                {
                    "heading": item.heading,
                    "case": item.case,
                    **_values(item.values),
                    "third_party_review": item.third_party_review,
                    "third_parties": list(item.third_parties),
                }
                for item in section.items
            ]
            for section in document.sections
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


# --- PDF --------------------------------------------------------------------------------


def _shown(value: object) -> str:
    """A value as the PDF shows it, in the active language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return str(value)


def _row(value: Value) -> dict[str, object]:
    pieces = value.pieces or ((_shown(value.value), False),)
    return {"label": str(value.label), "pieces": pieces}


def _shown_document(document: SubjectDocument) -> list[dict[str, object]]:
    sections = []
    for section in document.sections:
        items = [
            {
                "heading": item.heading,
                "case": item.case,
                "review": item.third_party_review,
                "third_parties": ", ".join(item.third_parties),
                "rows": [_row(value) for value in item.values if value.value not in ("", None)],
                "cells": [_shown(value.value) for value in item.values],
            }
            for item in section.items
        ]
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "note": section.note,
                "table": section.table,
                "columns": [str(v.label) for v in section.items[0].values] if section.items else [],
                "items": items,
            }
        )
    return sections


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"exports load nothing from outside: {url}")


def subject_pdf(document: SubjectDocument, export: SubjectAccessExport) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "dataprotection/subject_pdf.html",
        {
            "document": document,
            "about": [_row(value) for value in document.about],
            "sections": _shown_document(document),
            "export": export,
            "made_on": timezone.localdate(),
            "language": translation.get_language(),
        },
    )
    return bytes(HTML(string=html, url_fetcher=_refuse_fetch).write_pdf())
