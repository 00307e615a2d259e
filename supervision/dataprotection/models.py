"""Data protection: legal holds, the record of anonymised cases, subject access exports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalHold(models.Model):
    """A case that must not be anonymised or have anything deleted, for example because an
    inquiry or court asked for its records to be kept. Lifting a hold keeps the row."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    reason = models.TextField(_("why the records must be kept"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ("-placed_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_reason"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legal_hold_lifted_by_whom",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_legal_hold_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"Legal hold {self.pk} on case {self.case_id}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class CaseAnonymisation(models.Model):
    """A case the retention job anonymised: one row each, so a second run does nothing more.
    `counts` says how many rows of each kind were changed or deleted (no content)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    anonymised_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField()
    due_on = models.DateField()
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("anonymised case")
        verbose_name_plural = _("anonymised cases")

    def __str__(self) -> str:
        return f"Case {self.case_id} anonymised {self.anonymised_at:%Y-%m-%d}"


class SubjectKind(models.TextChoices):
    PERSON = "person", _("A member of a family")
    STAFF = "staff", _("A member of staff")


class RequestReason(models.TextChoices):
    """Why the export is made. A choice, not free text, so that it can go in the audit row."""

    SUBJECT = "subject", _("The person asked for their own information")
    REPRESENTATIVE = "representative", _("Someone asked on the person’s behalf, with authority")
    PARENTAL = (
        "parental",
        _("A person with parental responsibility asked for a child’s information"),
    )
    LEGAL = "legal", _("A court order or another legal duty")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Could not be made")
    EXPIRED = "expired", _("Deleted after 7 days")


def export_path(instance: SubjectAccessExport, filename: str) -> str:
    """A random storage name: nothing about the subject."""
    return f"subject-access/{uuid.uuid4().hex}.zip"


class SubjectAccessExport(models.Model):
    """Everything held about one person, made in the background as a ZIP of JSON and PDF for
    the data protection officer who asked. The file is deleted after 7 days (retention); the
    row stays as the record that the export was made."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_kind = models.CharField(
        _("whose information"), max_length=8, choices=SubjectKind.choices
    )
    person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sar_reference = models.CharField(_("request reference"), max_length=40)
    reason = models.CharField(_("why"), max_length=16, choices=RequestReason.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    language = models.CharField(max_length=5, default="en")
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=export_path, blank=True, max_length=200)
    items = models.PositiveIntegerField(default=0)
    items_to_review = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subject access export")
        verbose_name_plural = _("subject access exports")
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_kind="person", person__isnull=False, user__isnull=True)
                | Q(subject_kind="staff", person__isnull=True, user__isnull=False),
                name="subject_access_one_subject",
            ),
            models.CheckConstraint(condition=~Q(sar_reference=""), name="subject_access_has_ref"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="subject_access_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access {self.sar_reference} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
