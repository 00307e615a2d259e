"""Documents in a case's pack: conference reports, plans, assessments and others (R35).

The file is kept in Django storage under a random name (never the name it was uploaded
with: that is kept, cleaned, in `original_name`, for the download). Files are read only
through the download view, which checks access to the case and audits the read.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.domain import documents as domain


class DocumentType(models.TextChoices):
    CONFERENCE_REPORT = domain.DocumentType.CONFERENCE_REPORT, _("Conference report")
    CONFERENCE_RECORD = domain.DocumentType.CONFERENCE_RECORD, _("Conference record")
    CP_CARE_AND_SUPPORT_PLAN = (
        domain.DocumentType.CP_CARE_AND_SUPPORT_PLAN,
        _("Child protection care and support plan"),
    )
    PART3_ASSESSMENT = domain.DocumentType.PART3_ASSESSMENT, _("Part 3 assessment")
    S47_ASSESSMENT = domain.DocumentType.S47_ASSESSMENT, _("Section 47 assessment")
    STRATEGY_RECORD = domain.DocumentType.STRATEGY_RECORD, _("Strategy discussion record")
    AGENCY_REPORT = domain.DocumentType.AGENCY_REPORT, _("Agency report")
    OTHER = domain.DocumentType.OTHER, _("Other document")


class DocumentLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")
    BILINGUAL = "bilingual", _("Welsh and English")


class FileFormat(models.TextChoices):
    """The kinds of file a pack accepts, by content type (as detected, never as declared)."""

    PDF = "application/pdf", _("PDF")
    DOCX = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _("Word document"),
    )
    XLSX = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("Excel spreadsheet"),
    )
    ODT = "application/vnd.oasis.opendocument.text", _("OpenDocument text")
    PNG = "image/png", _("PNG image")
    JPEG = "image/jpeg", _("JPEG image")


def document_path(instance: Document, filename: str) -> str:
    """A random storage name. The uploaded name is ignored here: it is not safe to use."""
    return f"documents/{uuid.uuid4().hex}"


class Document(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="documents", verbose_name=_("case")
    )
    type = models.CharField(_("type of document"), max_length=32, choices=DocumentType.choices)
    title = models.CharField(_("title"), max_length=200)
    document_date = models.DateField(_("date of the document"))
    version = models.CharField(_("version"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=9, choices=DocumentLanguage.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("kind of file"), max_length=100, choices=FileFormat.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    uploaded_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ("-document_date", "-uploaded_at", "-pk")
        indexes = [models.Index(fields=["case", "-document_date"], name="document_case_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=DocumentType.values), name="document_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=DocumentLanguage.values), name="document_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=FileFormat.values),
                name="document_content_type_allowed",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="document_has_title"),
            models.CheckConstraint(condition=~Q(original_name=""), name="document_has_file_name"),
            models.CheckConstraint(condition=~Q(file=""), name="document_has_file"),
        ]

    def __str__(self) -> str:
        return self.title
