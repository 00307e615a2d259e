"""Exporting the multi-agency chronology, through HTTP with the named cast on the demo case.

Tasks run at once in tests (ImmediateBackend), so a POST makes the file before it answers.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from typing import Any

import pytest
import weasyprint
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.chronology import services, tasks
from supervision.chronology.models import ChronologyEntry, ChronologyExport
from supervision.conftest import Cast

pytestmark = pytest.mark.django_db

DEMO_ENTRIES = 46


@pytest.fixture
def chronology(demo_case: Case) -> Case:
    services.demo_chronology_load()
    return demo_case


def export_url(case: Case) -> str:
    return reverse("chronology:export", kwargs={"reference": case.reference})


def make_export(client: Client, case: Case, file_format: str, **extra: str) -> ChronologyExport:
    response = client.post(export_url(case), {"format": file_format, **extra})
    assert response.status_code == 302
    export = ChronologyExport.objects.latest("pk")
    status_url = reverse(
        "chronology:export_status", kwargs={"reference": case.reference, "code": export.code}
    )
    assert response["Location"] == status_url
    return export


def download(client: Client, export: ChronologyExport) -> Any:
    url = reverse(
        "chronology:export_download",
        kwargs={"reference": export.case.reference, "code": export.code},
    )
    return client.get(url)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def table_order(client: Client, case: Case) -> list[str]:
    page = client.get(reverse("chronology:merged", kwargs={"reference": case.reference}))
    return re.findall(r'<tr class="govuk-table__row" id="entry-([^"]+)"', page.content.decode())


def every_name(case: Case) -> set[str]:
    names = {case.family_name}
    for person in case.people.all():
        names |= {person.full_name, *person.given_names.split(), *person.family_name.split()}
    return names


def whole_words(text: str, names: set[str]) -> set[str]:
    return {
        name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
    }


def pdf_page_count(data: bytes) -> int:
    """The /Count of the page tree, looked for in plain and compressed objects."""
    chunks = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    for chunk in chunks:
        found = re.search(
            rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", chunk
        )
        if found:
            return int(found.group(1) or found.group(2))
    raise AssertionError("no page tree in the PDF")


# --- The form ---------------------------------------------------------------------------


def test_the_form_offers_three_formats_and_names_replaced(
    chronology: Case, cast: Cast, client_for
) -> None:
    page = client_for(cast.social_worker).get(export_url(chronology)).content.decode()
    assert re.findall(r'type="radio" value="(\w+)"', page) == ["pdf", "xlsx", "csv"]
    assert 'type="checkbox"' in page
    assert "Replace names with roles" in page


def test_no_format_chosen_says_so_and_makes_nothing(
    chronology: Case, cast: Cast, client_for
) -> None:
    response = client_for(cast.social_worker).post(export_url(chronology), {"anonymised": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select the format of the file" in page
    assert 'href="#id_format"' in page
    assert 'id="id_format"' in page
    assert 'id="id_anonymised" name="anonymised" type="checkbox" value="on" checked' in page
    assert not ChronologyExport.objects.exists()


# --- CSV --------------------------------------------------------------------------------


def test_csv_has_every_entry_in_order_with_every_column(
    chronology: Case, cast: Cast, client_for
) -> None:
    ChronologyEntry.objects.filter(case=chronology, ref="SCH-01").update(
        no_action=True, action_taken=""
    )
    client = client_for(cast.social_worker)
    export = make_export(client, chronology, "csv")
    export.refresh_from_db()
    assert export.status == "done"
    assert export.finished_at is not None
    response = download(client, export)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="chronology-{chronology.reference}-'
        f'{export.created_at.date().isoformat()}.csv"'
    )
    header, *rows = csv_rows(body(response))
    assert header == [
        "Entry reference", "Date", "Time", "Agency", "Source of information", "Type of event",
        "People", "What happened", "Impact on the child", "Action taken", "Themes",
        "Significance", "Strength or worry", "Engagement", "The child’s own words", "Links",
    ]  # fmt: skip
    assert len(rows) == DEMO_ENTRIES
    assert [row[0] for row in rows] == table_order(client, chronology)
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    # Checked against the scenario file (demo/harries-walsh/chronology.csv), not the code.
    hv01 = by_ref["HV-01"]
    assert hv01["Date"] == "8 January 2025"
    assert hv01["Agency"].startswith("Flying Start Health Visiting")
    assert hv01["People"] == "Macy Walsh"
    assert hv01["What happened"].startswith("Macy was not brought to her 27-month")
    assert hv01["Strength or worry"] == "Worry"
    assert hv01["Significance"] == "Amber"
    assert hv01["Engagement"] == "Was not brought"
    pol01 = by_ref["POL-01"]
    assert pol01["Time"] == "23:40"
    assert pol01["People"] == "Kai Harries; Macy Walsh"
    assert by_ref["HV-01"]["Action taken"].startswith("Review re-offered as a home visit")
    assert by_ref["SCH-01"]["Action taken"] == "No action"
    linked = [row for row in by_ref.values() if row["Links"]]
    assert linked
    assert all(
        re.fullmatch(
            r"((Same event as|Corroborates|Conflicts with) [A-Z]+-\d+(; )?)+", row["Links"]
        )
        for row in linked
    )


def test_csv_in_welsh_when_asked_in_welsh(chronology: Case, cast: Cast, client_for) -> None:
    client = client_for(cast.social_worker)
    response = client.post("/cy" + export_url(chronology), {"format": "csv"})
    assert response.status_code == 302
    export = ChronologyExport.objects.get()
    assert export.language == "cy"
    _header, *rows = csv_rows(body(download(client, export)))
    dates = {row[0]: row[1] for row in rows}
    assert dates["HV-01"] == "8 Ionawr 2025"


@pytest.fixture
def formula_entry(chronology: Case) -> ChronologyEntry:
    """An entry whose text a spreadsheet would run as formulas."""
    model = ChronologyEntry.objects.filter(case=chronology).first()
    entry = ChronologyEntry.objects.create(
        case=chronology,
        chronology=model.chronology,
        ref="ZZ-99",
        event_date=model.event_date,
        source="+44 29 2000 0000",
        event_type="contact",
        description="=SUM(1)",
        impact_on_child="-1 day at school",
        action_taken="@HYPERLINK(x)",
        childs_words="\tcmd",
        polarity="neutral",
        created_by=model.created_by,
    )
    entry.subjects.add(chronology.people.first())
    return entry


def test_csv_neutralises_formulas(formula_entry: ChronologyEntry, cast: Cast, client_for) -> None:
    client = client_for(cast.social_worker)
    header, *rows = csv_rows(body(download(client, make_export(client, formula_entry.case, "csv"))))
    (row,) = [dict(zip(header, row, strict=True)) for row in rows if row[0] == "ZZ-99"]
    assert row["What happened"] == "'=SUM(1)"
    assert row["Source of information"] == "'+44 29 2000 0000"
    assert row["Impact on the child"] == "'-1 day at school"
    assert row["Action taken"] == "'@HYPERLINK(x)"
    assert row["The child’s own words"] == "'\tcmd"
    # Text that only contains those characters later is left alone.
    assert all(not cell.startswith("'") for cell in rows[0])


# --- XLSX -------------------------------------------------------------------------------


def test_xlsx_has_every_entry_as_text(
    formula_entry: ChronologyEntry, cast: Cast, client_for
) -> None:
    client = client_for(cast.social_worker)
    case = formula_entry.case
    response = download(client, make_export(client, case, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(body(response))).worksheets[0]
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    assert header[:3] == ["Entry reference", "Date", "Time"]
    assert len(header) == 16
    assert len(rows) == 1 + DEMO_ENTRIES + 1
    assert [row[0].value for row in rows[1:]] == table_order(client, case)
    (formula_row,) = [row for row in rows if row[0].value == "ZZ-99"]
    described = formula_row[header.index("What happened")]
    assert described.value == "=SUM(1)"
    assert described.data_type == "s"
    assert all(cell.data_type in ("s", "n") for row in rows for cell in row)
    assert not any(cell.data_type == "f" for row in rows for cell in row)


# --- PDF --------------------------------------------------------------------------------


@pytest.fixture
def pdf_sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML each PDF is made from (WeasyPrint still makes the PDF)."""
    sources: list[str] = []
    real = weasyprint.HTML

    def spy(*args: Any, **kwargs: Any) -> Any:
        sources.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return sources


def test_pdf_is_a_landscape_document_with_summaries_and_entries(
    chronology: Case, cast: Cast, client_for, pdf_sources: list[str]
) -> None:
    client = client_for(cast.social_worker)
    response = download(client, make_export(client, chronology, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = body(response)
    assert data.startswith(b"%PDF-")
    assert pdf_page_count(data) >= 3  # 46 entries do not fit on one or two A4 pages
    (html,) = pdf_sources
    assert "size: A4 landscape" in html
    assert "counter(page)" in html
    assert "counter(pages)" in html
    assert "<h1>Multi-agency chronology</h1>" in html
    assert "from 11 December 2024 to 10 December 2025" in html
    for heading in (
        "What the chronology shows",
        "Incidents followed by missed contact",
        "Gaps",
        "Strengths",
        "Entries",
    ):
        assert f"{heading}</h" in html
    assert all(f'<span class="ref">{ref}</span>' in html for ref in table_order(client, chronology))
    assert "Sioned Price" in html  # who made it


# --- Names replaced by roles --------------------------------------------------------------


def test_anonymised_files_name_nobody(
    chronology: Case, cast: Cast, client_for, pdf_sources: list[str]
) -> None:
    client = client_for(cast.social_worker)
    names = every_name(chronology)
    assert {"Kai", "Harries", "Macy", "Walsh", "Glenys", "Dean", "Leanne"} <= names

    csv_export = make_export(client, chronology, "csv", anonymised="on")
    response = download(client, csv_export)
    assert "anonymised" in response["Content-Disposition"]
    assert chronology.family_name not in response["Content-Disposition"]
    text = body(response).decode("utf-8-sig")
    assert whole_words(text, names) == set()
    header, *rows = csv_rows(text.encode("utf-8-sig"))
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_ref["POL-01"]["People"] == "Child 1; Child 2"
    assert by_ref["HV-01"]["What happened"].startswith("Child 2 was not brought")

    xlsx = body(download(client, make_export(client, chronology, "xlsx", anonymised="on")))
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    cells = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    assert whole_words(cells, names) == set()
    assert "Child 1" in cells

    pdf = body(download(client, make_export(client, chronology, "pdf", anonymised="on")))
    assert pdf.startswith(b"%PDF-")
    (html,) = pdf_sources
    assert whole_words(html, names) == set()
    assert "replaced by their roles" in html
    assert "Child 1" in html
    assert "Child 2" in html


def test_a_name_without_anonymising_is_kept(chronology: Case, cast: Cast, client_for) -> None:
    client = client_for(cast.social_worker)
    text = body(download(client, make_export(client, chronology, "csv"))).decode("utf-8-sig")
    assert {"Kai", "Macy", "Leanne", "Dean"} <= whole_words(text, every_name(chronology))


# --- Progress, audit and access -----------------------------------------------------------


def test_the_status_page_shows_progress_until_the_file_is_ready(
    chronology: Case, cast: Cast, client_for
) -> None:
    export = ChronologyExport.objects.create(
        case=chronology, format="pdf", created_by=cast.social_worker
    )
    client = client_for(cast.social_worker)
    url = reverse(
        "chronology:export_status",
        kwargs={"reference": chronology.reference, "code": export.code},
    )
    page = client.get(url).content.decode()
    assert 'data-status="queued"' in page
    assert "Waiting to start." in page
    # Without JavaScript: a button to look again. With it: the page checks by itself.
    assert f'<a href="{url}" role="button"' in page
    assert '<script type="module" nonce=' in page
    assert 'http-equiv="refresh"' not in page  # axe: a page must not reload itself
    assert download(client, export).status_code == 404  # nothing to download yet
    tasks.export_chronology.enqueue(export.pk)
    page = client.get(url).content.decode()
    assert 'data-status="done"' in page
    assert "Your file is ready" in page
    assert "<script" not in page.split("</main>")[0].split('id="main-content"')[1]
    download_url = reverse(
        "chronology:export_download",
        kwargs={"reference": chronology.reference, "code": export.code},
    )
    assert download_url in page


def test_making_and_downloading_are_audited(chronology: Case, cast: Cast, client_for) -> None:
    client = client_for(cast.social_worker)
    export = make_export(client, chronology, "xlsx", anonymised="on")
    made = AuditEvent.objects.get(action="create", target_type="chronology.chronologyexport")
    assert made.actor == cast.social_worker
    assert made.target_id == str(export.pk)
    assert not AuditEvent.objects.filter(action="export").exists()
    download(client, export)
    download(client, export)
    exported = AuditEvent.objects.filter(action="export")
    assert exported.count() == 2
    event = exported.first()
    assert event.case == chronology
    assert event.actor == cast.social_worker
    assert event.target_id == str(export.pk)
    assert event.detail == {"format": "xlsx", "anonymised": True}
    # The task read the chronology through the access layer, as the person who asked.
    read = AuditEvent.objects.filter(
        action="view", detail__part="chronology export", source="task:export_chronology"
    )
    assert read.filter(actor=cast.social_worker).exists()


def test_only_the_person_who_made_an_export_can_see_it(
    chronology: Case, cast: Cast, client_for
) -> None:
    export = make_export(client_for(cast.social_worker), chronology, "csv")
    other = client_for(cast.involved)  # can see the case, but did not make the export
    kwargs = {"reference": chronology.reference, "code": export.code}
    assert other.get(reverse("chronology:export_status", kwargs=kwargs)).status_code == 404
    assert download(other, export).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("who", ["uninvolved", "chair", "quality_officer", "administrator"])
def test_people_outside_the_case_get_not_found_everywhere(
    chronology: Case, cast: Cast, client_for, who: str
) -> None:
    export = make_export(client_for(cast.social_worker), chronology, "csv")
    client = client_for(getattr(cast, who))
    kwargs = {"reference": chronology.reference, "code": export.code}
    assert client.get(export_url(chronology)).status_code == 404
    assert client.post(export_url(chronology), {"format": "csv"}).status_code == 404
    assert client.get(reverse("chronology:export_status", kwargs=kwargs)).status_code == 404
    assert download(client, export).status_code == 404
    assert ChronologyExport.objects.count() == 1


def test_an_export_for_someone_who_lost_access_is_not_made(chronology: Case, cast: Cast) -> None:
    export = ChronologyExport.objects.create(
        case=chronology, format="csv", created_by=cast.uninvolved
    )
    tasks.export_chronology.enqueue(export.pk)
    export.refresh_from_db()
    assert export.status == "failed"
    assert not export.file
