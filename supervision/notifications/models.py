"""The email outbox: every email the service sends, and how its delivery went.

A row is written in the same transaction as the change that causes the email
(services.email_queue), so an email exists exactly when its change does. A background task
sends it (services.outbox_send); a mail server that is down delays it, never loses it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")

    # Also the Message-ID the mail server sees, so a repeated delivery can be recognised.
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    # The body and calendar are emptied once the message is delivered: they may hold a
    # one-time link, and the outbox is a queue, not an archive.
    body = models.TextField(_("message"), blank=True)
    calendar = models.TextField(_("calendar invitation"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=16, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    kind = models.CharField(_("kind"), max_length=32)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )
    related_type = models.CharField(_("about record type"), max_length=64, blank=True)
    related_id = models.CharField(_("about record"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    # The exception's class name and SMTP code only: never an address or any content.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ("-created_at", "-id")
        indexes = [
            # The due queue: only waiting rows are indexed, however many have been sent.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="notif_outbox_due",
            ),
            # Messages a stopped worker left half-sent.
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="notif_outbox_sending",
            ),
            models.Index(fields=["case", "-created_at"], name="notif_outbox_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed"]),
                name="notif_outbox_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notif_outbox_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="notif_outbox_sending_has_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} ({self.status})"
