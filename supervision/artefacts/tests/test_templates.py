"""An administrator replaces the Word template of a document; a broken one is refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from supervision.artefacts.models import DocxTemplate
from supervision.artefacts.tests.helpers import docx_text, files, prepare, text_of
from supervision.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ADD = "admin:artefacts_docxtemplate_add"


def docx_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


CUSTOM = docx_with(
    "Example County Council layout",
    "{{ marking }} {{ title }}",
    "{%p for a in actions %}",
    "{{ a.label }} | {{ a.description }} | {{ a.owner }} | {{ a.due }}",
    "{%p endfor %}",
)


def upload(client, content: bytes, *, kind: str = "actions", name: str = "ours.docx"):
    return client.post(
        reverse(ADD),
        {"kind": kind, "file": SimpleUploadedFile(name, content), "active": "on"},
    )


def test_a_replaced_template_is_used_for_its_kind_in_both_languages(
    client, client_for, cast, signed_off, django_capture_on_commit_callbacks
):
    client.force_login(cast.administrator)
    response = upload(client, CUSTOM)
    assert response.status_code == 302, response.content.decode()[:3000]
    template = DocxTemplate.objects.get()
    assert (template.kind, template.uploaded_by, template.active) == (
        "actions",
        cast.administrator,
        True,
    )
    assert "ours" not in str(template.file.name)  # kept under a random name
    assert AuditEvent.objects.filter(
        action="create", target_type="artefacts.docxtemplate", actor=cast.administrator
    ).exists()

    prepare(client_for(cast.social_worker), signed_off, django_capture_on_commit_callbacks)
    made = files(signed_off)
    english = text_of(made[("actions", "en", "docx")])
    assert english.startswith("Example County Council layout OFFICIAL-SENSITIVE Actions")
    assert (
        "A1 | Share safety plan v5 with SEWEDT and confirm the police address flag | "
        "Sioned Price | 16 January 2026"
    ) in english
    welsh = text_of(made[("actions", "cy", "docx")])
    assert "Example County Council layout" in welsh
    assert "Camau gweithredu" in welsh
    assert "16 Ionawr 2026" in welsh
    # The other kinds keep the template supplied.
    assert "Example County Council layout" not in text_of(made[("minutes", "en", "docx")])


def test_an_older_or_inactive_template_is_not_used(client, cast):
    from supervision.artefacts.selectors import docx_template_for

    client.force_login(cast.administrator)
    assert upload(client, CUSTOM).status_code == 302
    assert upload(client, docx_with("Newer {{ title }}")).status_code == 302
    newest = docx_template_for("actions")
    assert docx_text(newest.file.read()) == "Newer {{ title }}"
    DocxTemplate.objects.filter(pk=newest.pk).update(active=False)
    assert docx_text(docx_template_for("actions").file.read()).startswith("Example County")
    assert docx_template_for("minutes") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a Word file", "This is not a Word (.docx) file."),
        (docx_with("{{ title }} {{ no_such_field }}"), "The template could not be filled in"),
        (docx_with("{% for a in actions %}"), "The template could not be filled in"),
        (docx_with("{{ title.__class__.__mro__ }}"), "The template could not be filled in"),
    ],
    ids=["not-docx", "unknown-field", "broken-tag", "reaches-python"],
)
def test_a_broken_template_is_refused_with_a_clear_message(client, cast, content, message):
    client.force_login(cast.administrator)
    response = upload(client, content)
    assert response.status_code == 200  # the form again
    assert message in response.content.decode()
    assert not DocxTemplate.objects.exists()


def test_only_an_administrator_uploads_templates(client, cast):
    client.force_login(cast.chair)
    response = upload(client, CUSTOM)
    assert response.status_code in (302, 403)
    assert not DocxTemplate.objects.exists()
