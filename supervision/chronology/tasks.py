"""Background work for chronologies (Django tasks API; a database queue by default)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django_tasks import task

from supervision.audit import context
from supervision.cases.access import access_case
from supervision.cases.models import Person
from supervision.chronology import selectors, services
from supervision.chronology.models import ChronologyExport, ChronologyImport, EntryLink
from supervision.chronology.templatetags.chronology_tags import event_date
from supervision.domain.anonymise import anonymise


@task()
def import_chronology(upload_id: int, agency_codes: list[str]) -> int:
    token = context.set_origin(context.Origin(ip_address=None, source="task:import_chronology"))
    try:
        upload = ChronologyImport.objects.select_related("case", "created_by").get(pk=upload_id)
        return services.chronology_import_run(upload=upload, agency_codes=frozenset(agency_codes))
    finally:
        context.reset_origin(token)


# --- Exports of the multi-agency chronology ---------------------------------------------
#
# One task makes one ChronologyExport's file (PDF, XLSX or CSV) in the language it was
# asked for. The chronology is read through the access layer as the person who asked for
# it, so an export made after they lost access to the case fails instead of leaking it.


@task()
def export_chronology(export_id: int) -> None:
    token = context.set_origin(context.Origin(ip_address=None, source="task:export_chronology"))
    try:
        export = ChronologyExport.objects.select_related("case", "created_by").get(pk=export_id)
        ChronologyExport.objects.filter(pk=export.pk).update(status=ChronologyExport.Status.RUNNING)
        try:
            case = access_case(export.created_by, export.case.reference, part="chronology export")
            with translation.override(export.language):
                view = selectors.merged_chronology(case, today=timezone.localdate(), filters={})
                document = _export_document(view, export)
                data = _BUILDERS[export.format](document)
            export.file.save(export_file_name(export), ContentFile(data), save=False)
        except Exception:
            ChronologyExport.objects.filter(pk=export.pk).update(
                status=ChronologyExport.Status.FAILED, finished_at=timezone.now()
            )
            raise
        export.status = ChronologyExport.Status.DONE
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "finished_at"])
    finally:
        context.reset_origin(token)


EXPORT_CONTENT_TYPES: dict[str, str] = {
    ChronologyExport.Format.PDF: "application/pdf",
    ChronologyExport.Format.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    ChronologyExport.Format.CSV: "text/csv; charset=utf-8",
}
# Text a spreadsheet would read as a formula (or as the start of one): OWASP's list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_file_name(export: ChronologyExport) -> str:
    """The download's name: the case reference, never a person's name."""
    made = timezone.localdate(export.created_at) if export.created_at else timezone.localdate()
    kind = "-anonymised" if export.anonymised else ""
    return f"chronology-{export.case.reference}-{made.isoformat()}{kind}.{export.format}"


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text: a leading apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# Column headings, in order (the same words as the import's column labels where they exist).
EXPORT_COLUMNS = (
    ("ref", gettext_lazy("Entry reference")),
    ("date", gettext_lazy("Date")),
    ("time", gettext_lazy("Time")),
    ("agency", gettext_lazy("Agency")),
    ("source", gettext_lazy("Source of information")),
    ("type", gettext_lazy("Type of event")),
    ("people", gettext_lazy("People")),
    ("description", gettext_lazy("What happened")),
    ("impact", gettext_lazy("Impact on the child")),
    ("action", gettext_lazy("Action taken")),
    ("themes", gettext_lazy("Themes")),
    ("significance", gettext_lazy("Significance")),
    ("polarity", gettext_lazy("Strength or worry")),
    ("engagement", gettext_lazy("Engagement")),
    ("childs_words", gettext_lazy("The child’s own words")),
    ("links", gettext_lazy("Links")),
)


@dataclass
class _ExportDocument:
    """The chronology as text, ready for any of the three formats."""

    export: ChronologyExport
    case_name: str
    view: selectors.MergedView
    headers: list[str]
    rows: list[list[str]]
    pdf: dict[str, Any]


def _export_document(view: selectors.MergedView, export: ChronologyExport) -> _ExportDocument:
    people = view.people
    if export.anonymised:
        labels = selectors.role_labels(people)
        replacements = selectors.name_replacements(people, labels, view.case)

        def person_name(person: Person) -> str:
            return labels[person.pk]

        def text(value: str) -> str:
            return anonymise(value, replacements)

        case_name = gettext("Case %(reference)s") % {"reference": view.case.reference}
    else:
        labels = {}

        def person_name(person: Person) -> str:
            return person.full_name

        def text(value: str) -> str:
            return value

        case_name = f"{view.case.family_name} ({view.case.reference})"

    link_names = dict(EntryLink.Kind.choices)
    no_action = gettext("No action")
    rows = []
    pdf_rows = []
    for row in view.page.paginator.object_list:
        entry = row.entry
        values = {
            "ref": entry.ref,
            "date": event_date(entry.event_date, entry.date_precision),
            "time": entry.event_time.strftime("%H:%M") if entry.event_time else "",
            "agency": entry.chronology.agency.name,
            "source": text(entry.source),
            "type": entry.get_event_type_display(),
            "people": "; ".join(person_name(person) for person in row.subjects),
            "description": text(entry.description),
            "impact": text(entry.impact_on_child),
            "action": no_action if entry.no_action else text(entry.action_taken),
            "themes": "; ".join(theme.name for theme in row.themes),
            "significance": entry.get_significance_display()
            if entry.significance != "none"
            else "",
            "polarity": entry.get_polarity_display(),
            "engagement": (
                entry.get_engagement_display() if entry.engagement != "not_applicable" else ""
            ),
            "childs_words": text(entry.childs_words),
            "links": "; ".join(f"{link_names[kind]} {target}" for kind, target in row.links),
        }
        rows.append([str(values[key]) for key, _label in EXPORT_COLUMNS])
        pdf_rows.append(values)
    return _ExportDocument(
        export=export,
        case_name=case_name,
        view=view,
        headers=[str(label) for _key, label in EXPORT_COLUMNS],
        rows=rows,
        pdf={
            "rows": pdf_rows,
            "summary": _summary(view, person_name, text),
            "labels": list(dict.fromkeys(labels.values())),
        },
    )


def _summary(
    view: selectors.MergedView,
    person_name: Callable[[Person], str],
    text: Callable[[str], str],
) -> dict[str, Any]:
    """The "what the chronology shows" findings, with people named as the export names them."""
    found = view.shown_analysis
    if found is None:  # pragma: no cover - the selector always shapes it
        return {}

    def at(row: selectors.EntryRow) -> dict[str, str]:
        entry = row.entry
        return {
            "ref": entry.ref,
            "date": event_date(entry.event_date, entry.date_precision),
            "agency": entry.chronology.agency.name,
            "engagement": entry.get_engagement_display().lower(),
        }

    return {
        "sequences": [
            (at(trigger), [at(row) for row in rows]) for trigger, rows in found.sequences
        ],
        "engagement": [(person_name(person), counts) for person, counts in found.engagement],
        "conflicts": [
            (a.entry.ref, b.entry.ref, [row.entry.ref for row in support])
            for a, b, support in found.conflicts
        ],
        "agencies_without_entries": found.agencies_without_entries,
        "people_without_information": [
            (person_name(person), person.get_role_display())
            for person in found.people_without_information
        ],
        "silences": found.silences,
        "previous_non_engagement": [
            {
                "agency": involvement.agency.name,
                "engagement": involvement.get_engagement_status_display().lower(),
                "end_date": involvement.end_date,
                "end_reason": text(involvement.end_reason),
            }
            for involvement in found.previous_non_engagement
        ],
        "strengths": [(theme, [row.entry.ref for row in rows]) for theme, rows in found.strengths],
        "strength_count": found.strength_count,
        "worry_count": found.worry_count,
        "months": found.months,
        "heatmap": found.heatmap,
        "findings": [
            (finding.get_kind_display(), text(finding.text), [e.ref for e in finding.entries.all()])
            for finding in view.findings
        ],
    }


def _build_csv(document: _ExportDocument) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads Welsh letters (ŵ, ŷ) correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in document.headers])
    writer.writerows([neutralise(cell) for cell in row] for row in document.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _build_xlsx(document: _ExportDocument) -> bytes:
    """One sheet; every cell is written as text, so nothing in it runs as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Chronology")[:31])
    widths = {"description": 60, "impact": 40, "action": 40, "source": 30, "childs_words": 30}
    for index, (key, _label) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 16)
    sheet.freeze_panes = "B2"
    wrapped = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)

    def cell(value: str, *, header: bool = False) -> WriteOnlyCell | None:
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value:
            return None  # an empty cell, not an empty string
        written = WriteOnlyCell(sheet, value=value)
        written.data_type = "s"  # never "f": text starting with = stays text
        written.alignment = wrapped
        if header:
            written.font = bold
        return written

    sheet.append([cell(heading, header=True) for heading in document.headers])
    for row in document.rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _page_counter_css(label: str) -> str:
    """A CSS `content` value for "Page 2 of 7" in the current language, from a translation
    that holds %(page)s and %(pages)s."""

    def literal(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
        return f'"{escaped}"'

    parts = []
    for piece in re.split(r"(%\(pages?\)s)", label):
        if piece == "%(page)s":
            parts.append("counter(page)")
        elif piece == "%(pages)s":
            parts.append("counter(pages)")
        elif piece:
            parts.append(literal(piece))
    return " ".join(parts)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"exports load nothing from outside: {url}")


def _build_pdf(document: _ExportDocument) -> bytes:
    """A4 landscape, page numbers in the footer, the summaries then every entry."""
    from weasyprint import HTML

    view = document.view
    context = {
        "case_name": document.case_name,
        "view": view,
        "anonymised": document.export.anonymised,
        "made_on": timezone.localdate(),
        "made_by": document.export.created_by.full_name,
        "entries": document.pdf["rows"],
        "findings": document.pdf["summary"],
        "labels": document.pdf["labels"],
        "page_counter": _page_counter_css(gettext("Page %(page)s of %(pages)s")),
        "language": translation.get_language(),
    }
    html = render_to_string("chronology/export_pdf.html", context)
    return bytes(HTML(string=html, url_fetcher=_refuse_fetch).write_pdf())


_BUILDERS: dict[str, Callable[[_ExportDocument], bytes]] = {
    ChronologyExport.Format.PDF: _build_pdf,
    ChronologyExport.Format.XLSX: _build_xlsx,
    ChronologyExport.Format.CSV: _build_csv,
}
