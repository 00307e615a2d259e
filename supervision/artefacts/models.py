"""The documents made from a signed-off session record: the actions, the minutes and the
conference extract (R23, R27, R40). Each is made from one signed-off version, in English
and Welsh, as PDF and DOCX."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArtefactKind(models.TextChoices):
    ACTIONS = "actions", _("Actions")
    MINUTES = "minutes", _("Minutes")
    CONFERENCE_EXTRACT = "conference_extract", _("Conference extract")


class ArtefactStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved by the chair")
    DISTRIBUTED = "distributed", _("Distributed")


class Artefact(models.Model):
    """One document of a session. `distributed_at` is when it first went out: the
    deadlines (actions within 2 working days, minutes within 20) are measured on it."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        "meetings.SupervisionSession", on_delete=models.PROTECT, related_name="artefacts"
    )
    kind = models.CharField(_("document"), max_length=20, choices=ArtefactKind.choices)
    edition = models.ForeignKey(
        "records.RecordEdition", on_delete=models.PROTECT, related_name="artefacts"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ArtefactStatus.choices, default=ArtefactStatus.DRAFT
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("session document")
        verbose_name_plural = _("session documents")
        ordering = ("session", "kind")
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="one_artefact_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=ArtefactKind.values), name="artefact_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="distributed") | Q(distributed_at__isnull=False),
                name="distributed_artefact_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.session})"


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


class FileStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ArtefactFile(models.Model):
    """One rendering of a document: a language and a format, made in the background."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    artefact = models.ForeignKey(Artefact, on_delete=models.PROTECT, related_name="files")
    language = models.CharField(
        _("language"), max_length=2, choices=[("en", "English"), ("cy", "Cymraeg")]
    )
    format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    file = models.FileField(upload_to="artefacts/", blank=True, max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=FileStatus.choices, default=FileStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Each time the file is (re)queued it gets a new run: a task still working on an older
    # run finds it changed and throws its result away instead of overwriting the new one.
    run = models.UUIDField(default=uuid.uuid4, editable=False)
    # Whose request the task reads the case for (through the access layer, as them).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ("artefact", "language", "format")
        constraints = [
            models.UniqueConstraint(
                fields=["artefact", "language", "format"], name="one_file_per_language_format"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="artefact_file_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.artefact} {self.language} {self.format}"


def docx_template_path(instance: DocxTemplate, filename: str) -> str:
    """A random name: the uploaded file's own name is not kept."""
    return f"artefacts/templates/{uuid.uuid4().hex}.docx"


class DocxTemplate(models.Model):
    """A Word template for one kind of document, uploaded by an administrator to replace
    the one shipped with the product. It is checked by rendering it with sample content
    before it is saved; the newest active one of a kind is used, for both languages."""

    kind = models.CharField(_("document"), max_length=20, choices=ArtefactKind.choices)
    file = models.FileField(
        _("Word template (.docx)"), upload_to=docx_template_path, max_length=200
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Untick to go back to the previous template, or to the one supplied."),
    )

    class Meta:
        verbose_name = _("Word template")
        verbose_name_plural = _("Word templates")
        ordering = ("kind", "-uploaded_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ArtefactKind.values), name="docx_template_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.uploaded_at:%Y-%m-%d %H:%M})"
