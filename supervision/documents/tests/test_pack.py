"""The document pack through HTTP, with the named cast on the fictional demo case."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases.models import Case
from supervision.cases.tests.factories import CaseFactory, CaseTeamMemberFactory
from supervision.documents import services
from supervision.documents.models import Document
from supervision.documents.tests import builders

pytestmark = pytest.mark.django_db

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KIND_MESSAGE = (
    "The selected file must be a PDF, a Word document (.docx), an Excel spreadsheet "
    "(.xlsx), an OpenDocument text file (.odt), or a PNG or JPEG image"
)
SELECT_AGAIN = "Select the file again"


def pack_url(case: Case) -> str:
    return reverse("documents:pack", kwargs={"reference": case.reference})


def upload_url(case: Case) -> str:
    return reverse("documents:upload", kwargs={"reference": case.reference})


def download_url(document: Document, case: Case | None = None) -> str:
    reference = (case or document.case).reference
    return reverse("documents:download", kwargs={"reference": reference, "code": document.code})


def details(**overrides: Any) -> dict[str, Any]:
    data = {
        "type": "cp_care_and_support_plan",
        "title": "Care and support protection plan v5",
        "document_day": "29",
        "document_month": "1",
        "document_year": "2026",
        "version": "v5",
        "language": "bilingual",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_upload(client, case: Case, content: bytes | None, name: str = "plan.pdf", **fields):
    data = details(**fields)
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(upload_url(case), data)


def stored_files() -> list[str]:
    try:
        return default_storage.listdir("documents")[1]
    except FileNotFoundError:
        return []


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


# --- Adding documents -------------------------------------------------------------------


def test_the_social_worker_adds_a_pdf_and_sees_it_in_the_pack(client_for, cast, demo_case):
    client = client_for(cast.social_worker)
    pdf = builders.pdf()
    response = post_upload(client, demo_case, pdf, name="Plan v5 (signed).pdf")
    assert response.status_code == 302
    assert response["Location"] == pack_url(demo_case)

    document = Document.objects.get(case=demo_case)
    assert document.type == "cp_care_and_support_plan"
    assert document.title == "Care and support protection plan v5"
    assert document.document_date == datetime.date(2026, 1, 29)
    assert document.version == "v5"
    assert document.language == "bilingual"
    assert document.content_type == PDF_TYPE
    assert document.original_name == "Plan v5 (signed).pdf"
    assert document.size == len(pdf)
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.uploaded_by == cast.social_worker
    # Stored under a random name, never the one it was uploaded with.
    assert re.fullmatch(r"documents/[0-9a-f]{32}", document.file.name)
    assert "Plan" not in str(document.file.name)
    with default_storage.open(document.file.name, "rb") as handle:
        assert handle.read() == pdf

    created = AuditEvent.objects.get(action=AuditAction.CREATE, target_type="documents.document")
    assert created.actor == cast.social_worker
    assert created.case == demo_case
    assert created.target_id == str(document.pk)

    page = client.get(response["Location"])
    text = page_text(page)
    assert "‘Care and support protection plan v5’ was added to the document pack." in text
    assert "Care and support protection plan v5" in text
    assert "Child protection care and support plan" in text
    assert "29 January 2026" in text
    assert "Welsh and English" in text
    assert "Sioned Price" in text
    assert download_url(document) in page.content.decode()


@pytest.mark.parametrize(
    ("build", "name", "content_type"),
    [
        (builders.docx, "Part 3 assessment.docx", DOCX_TYPE),
        (
            builders.xlsx,
            "Attendance.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (builders.odt, "Strategy record.odt", "application/vnd.oasis.opendocument.text"),
        (builders.png, "Body map.png", "image/png"),
        (builders.jpeg, "Body map.JPG", "image/jpeg"),
    ],
    ids=["docx", "xlsx", "odt", "png", "jpeg"],
)
def test_the_social_worker_adds_other_kinds_of_file(
    client_for, cast, demo_case, build, name, content_type
):
    response = post_upload(
        client_for(cast.social_worker), demo_case, build(), name=name, type="other", version=""
    )
    assert response.status_code == 302
    document = Document.objects.get(case=demo_case)
    assert document.content_type == content_type
    assert document.original_name == name
    assert document.version == ""


OVERSIZED = 20 * 1024 * 1024 + 1


@pytest.mark.parametrize(
    ("build", "name", "message"),
    [
        (builders.exe, "plan.pdf", KIND_MESSAGE),
        (lambda: b"Core group notes, typed in a text editor.\n", "plan.pdf", KIND_MESSAGE),
        (
            builders.pdf,
            "plan.docx",
            "The name of the selected file must end in .pdf to match what the file is (PDF).",
        ),
        (
            lambda: b"%PDF-1.7\n" + b"\x00" * (OVERSIZED - 9),
            "plan.pdf",
            "The selected file must be 20.0 MB or smaller",
        ),
        (
            lambda: builders.docx_with_many_parts(1000),
            "plan.docx",
            "could not be checked safely because it holds too many parts",
        ),
        (
            lambda: builders.docx_unpacking_to(200 * 1024 * 1024 + 1),
            "plan.docx",
            "could not be checked safely because it holds too many parts or unpacks to more",
        ),
        (
            lambda: builders.docx(**{"word/vbaProject.bin": b"\x00"}),
            "plan.docx",
            "The selected file contains macros",
        ),
        (lambda: b"", "plan.pdf", "The selected file is empty"),
    ],
    ids=[
        "exe-renamed-pdf",
        "text-renamed-pdf",
        "pdf-renamed-docx",
        "over-20-mb",
        "many-parts",
        "huge-unpacked",
        "macros",
        "empty",
    ],
)
def test_files_that_are_not_acceptable_are_turned_away_with_a_reason(
    client_for, cast, demo_case, build, name, message
):
    response = post_upload(client_for(cast.social_worker), demo_case, build(), name=name)
    assert response.status_code == 400
    text = page_text(response)
    assert "There is a problem" in text
    assert message in text
    assert Document.objects.count() == 0
    assert stored_files() == []
    # What was typed is kept; the file has to be chosen again, and the page says so.
    assert 'value="Care and support protection plan v5"' in text
    assert 'value="29"' in text
    assert 'value="2026"' in text
    assert 'value="v5"' in text
    assert re.search(r'value="bilingual" checked', text)
    assert re.search(r'value="cp_care_and_support_plan" checked', text)
    assert SELECT_AGAIN in text


def test_every_missing_answer_is_listed_and_linked(client_for, cast, demo_case):
    response = client_for(cast.social_worker).post(upload_url(demo_case), {})
    assert response.status_code == 400
    text = page_text(response)
    for field, message in [
        ("id_type", "Select the type of document"),
        ("id_title", "Enter the title of the document"),
        ("id_document_day", "Enter the date of the document"),
        ("id_language", "Select the language of the document"),
        ("id_file", "Select a file"),
    ]:
        assert f'<a href="#{field}">{message}</a>' in text
        assert f'id="{field}"' in text  # the link lands on the field
    assert "<title>Error:" in text


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2025", "The date of the document must be a real date"),
        ("1", "", "2025", "The date of the document must include a month"),
        ("1", "1", "25", "The year must have 4 numbers, for example 2025"),
        ("x", "1", "2025", "The date of the document must be a real date"),
        ("1", "1", "2999", "The date of the document must be today or in the past"),
    ],
)
def test_the_date_must_be_a_real_date_not_in_the_future(
    client_for, cast, demo_case, day, month, year, message
):
    response = post_upload(
        client_for(cast.social_worker),
        demo_case,
        builders.pdf(),
        document_day=day,
        document_month=month,
        document_year=year,
    )
    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    assert f'value="{day}"' in text
    assert Document.objects.count() == 0


def test_a_file_that_fails_after_it_is_stored_leaves_nothing_behind(
    client_for, cast, demo_case, monkeypatch
):
    def broken_audit(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        services.document_upload(
            case=demo_case,
            upload=SimpleUploadedFile("plan.pdf", builders.pdf()),
            type="cp_care_and_support_plan",
            title="Plan",
            document_date=datetime.date(2025, 12, 10),
            version="",
            language="en",
            uploaded_by=cast.social_worker,
        )
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_the_service_checks_the_file_itself(cast, demo_case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.document_upload(
            case=demo_case,
            upload=SimpleUploadedFile("plan.pdf", builders.exe()),
            type="cp_care_and_support_plan",
            title="Plan",
            document_date=datetime.date(2025, 12, 10),
            version="",
            language="en",
            uploaded_by=cast.social_worker,
        )
    assert stored_files() == []


# --- Who may do what --------------------------------------------------------------------


@pytest.fixture
def scenario_pack(demo_case: Case) -> list[Document]:
    services.demo_documents_load()
    return list(Document.objects.filter(case=demo_case))


def test_the_upload_form_is_shown_only_to_the_social_worker(
    client_for, cast, demo_case, scenario_pack
):
    social_worker = client_for(cast.social_worker).get(pack_url(demo_case))
    assert 'action="' + upload_url(demo_case) + '"' in social_worker.content.decode()
    involved = client_for(cast.involved).get(pack_url(demo_case))
    assert involved.status_code == 200
    assert upload_url(demo_case) not in involved.content.decode()
    assert "Care and support protection plan v4" in page_text(involved)


def test_an_involved_practitioner_lists_and_downloads_but_cannot_add(
    client_for, cast, demo_case, scenario_pack
):
    client = client_for(cast.involved)
    assert client.get(pack_url(demo_case)).status_code == 200
    document = scenario_pack[0]
    assert client.get(download_url(document)).status_code == 200
    assert client.get(upload_url(demo_case)).status_code == 403
    response = post_upload(client, demo_case, builders.pdf())
    assert response.status_code == 403
    assert Document.objects.count() == len(scenario_pack)


@pytest.mark.parametrize("who", ["uninvolved", "chair", "quality_officer", "administrator"])
def test_people_outside_the_case_get_not_found_everywhere(
    client_for, cast, demo_case, scenario_pack, who
):
    client = client_for(getattr(cast, who))
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    assert client.get(pack_url(demo_case)).status_code == 404
    assert client.get(upload_url(demo_case)).status_code == 404
    assert post_upload(client, demo_case, builders.pdf()).status_code == 404
    assert client.get(download_url(scenario_pack[0])).status_code == 404
    assert Document.objects.count() == len(scenario_pack)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before


def test_signed_out_visitors_are_sent_to_sign_in(client, demo_case, scenario_pack):
    for url in (pack_url(demo_case), upload_url(demo_case), download_url(scenario_pack[0])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_document_is_not_found_through_another_case(client_for, cast, demo_case, scenario_pack):
    # The social worker also holds a second case; its document is not part of this one.
    other = CaseFactory()
    CaseTeamMemberFactory(case=other, practitioner=cast.social_worker.practitioner)
    services.document_upload(
        case=other,
        upload=SimpleUploadedFile("other.pdf", builders.pdf()),
        type="other",
        title="Another family's document",
        document_date=datetime.date(2025, 5, 1),
        version="",
        language="en",
        uploaded_by=cast.social_worker,
    )
    elsewhere = Document.objects.get(case=other)
    client = client_for(cast.social_worker)
    assert client.get(download_url(elsewhere, case=demo_case)).status_code == 404
    assert client.get(download_url(scenario_pack[0], case=other)).status_code == 404
    assert client.get(download_url(elsewhere)).status_code == 200


def test_the_storage_is_not_reachable_by_url(client_for, cast, scenario_pack):
    client = client_for(cast.social_worker)
    name = scenario_pack[0].file.name
    for url in (f"/media/{name}", f"/{name}", f"/static/{name}"):
        assert client.get(url).status_code == 404


# --- Downloads --------------------------------------------------------------------------


def test_a_download_streams_the_file_safely_and_is_audited(client_for, cast, demo_case):
    social_worker = client_for(cast.social_worker)
    docx = builders.docx()
    post_upload(social_worker, demo_case, docx, name="Part 3 assessment (Ŵyn).docx")
    document = Document.objects.get()
    social_worker.logout()

    client = client_for(cast.involved)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert body(response) == docx
    assert response["Content-Type"] == DOCX_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Part%203%20assessment%20%28%C5%B4yn%29.docx" in disposition

    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert exports.count() == 1
    export = exports.get()
    assert export.actor == cast.involved
    assert export.case == demo_case
    assert export.target_type == "documents.document"
    assert export.target_id == str(document.pk)
    assert export.detail == {"part": "document"}


def test_every_page_of_the_pack_is_audited_as_a_view(client_for, cast, demo_case, scenario_pack):
    client = client_for(cast.involved)
    client.get(pack_url(demo_case))
    client.get(download_url(scenario_pack[0]))
    parts = list(
        AuditEvent.objects.filter(action=AuditAction.VIEW, actor=cast.involved)
        .order_by("pk")
        .values_list("detail__part", flat=True)
    )
    assert parts == ["document pack", "document"]


def test_a_missing_file_is_not_found_and_not_audited_as_an_export(client_for, cast, scenario_pack):
    document = scenario_pack[0]
    default_storage.delete(document.file.name)
    response = client_for(cast.social_worker).get(download_url(document))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- The pack and its warning -----------------------------------------------------------


WARNING = (
    "The newest child protection care and support plan (10 December 2025) is older than "
    "the last conference (29 January 2026)."
)


def test_the_scenario_pack_is_listed_newest_first_with_no_warning(
    client_for, cast, demo_case, scenario_pack
):
    response = client_for(cast.involved).get(pack_url(demo_case))
    text = page_text(response)
    link = r'<a class="govuk-link" href="[^"]+/download/" translate="no">([^<]+)</a>'
    titles = re.findall(link, text)
    assert titles == [
        "Care and support protection plan v4",
        "Review conference 1 record",
        "Part 3 assessment update",
    ]
    assert "govuk-warning-text" not in text
    assert "is older than the last conference" not in text


def test_a_report_for_a_later_conference_warns_that_the_plan_is_out_of_date(
    client_for, cast, demo_case, scenario_pack
):
    client = client_for(cast.social_worker)
    response = post_upload(
        client,
        demo_case,
        builders.pdf(),
        name="Review conference 2 report.pdf",
        type="conference_report",
        title="Review conference 2 report",
        version="",
        language="en",
    )
    assert response.status_code == 302
    text = page_text(client.get(pack_url(demo_case)))
    assert WARNING in text
    assert '<div class="govuk-warning-text" id="plan-warning">' in text

    # Adding the plan agreed at that conference clears the warning.
    post_upload(client, demo_case, builders.pdf(), name="Plan v5.pdf")
    assert "is older than the last conference" not in page_text(client.get(pack_url(demo_case)))


def test_the_pack_page_works_in_welsh(client_for, cast, demo_case, scenario_pack):
    response = client_for(cast.involved).get("/cy" + pack_url(demo_case))
    assert response.status_code == 200
    assert '<html lang="cy"' in response.content.decode()


def add_documents(case: Case, count: int, uploaders: list) -> None:
    Document.objects.bulk_create(
        Document(
            case=case,
            type="agency_report" if n % 2 else "conference_record",
            title=f"Fictional document {n}",
            document_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            version=f"v{n}",
            language="en",
            file=f"documents/{n:032x}",
            original_name=f"document-{n}.pdf",
            content_type=PDF_TYPE,
            size=1000 + n,
            sha256="0" * 64,
            uploaded_by=uploaders[n % len(uploaders)],
        )
        for n in range(count)
    )


def test_the_pack_page_runs_the_same_queries_for_1_document_as_for_20(client_for, cast, demo_case):
    # Uploaded by different people from different agencies, to catch a query per row.
    uploaders = [cast.social_worker, cast.involved, cast.chair, cast.uninvolved]
    client = client_for(cast.social_worker)
    client.get(pack_url(demo_case))  # the first request after sign-in notes the time
    counts = []
    for total in (1, 20):
        Document.objects.all().delete()
        add_documents(demo_case, total, uploaders)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(pack_url(demo_case))
        assert response.status_code == 200
        assert response.content.decode().count("/download/") == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
