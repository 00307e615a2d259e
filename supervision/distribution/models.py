"""Who a session document went to, and the corrections attendees send in to the minutes.

R25: the actions go to those who attended, and wider only with a recorded reason (care
planning) and an information-sharing basis (B29). R40: the actions within 2 working days
of the session, the minutes within 20; the deadline is measured on the artefact's
`distributed_at`, when it first went out.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SERVICE = "service", _("Through this service")
    SECURE_EMAIL = "secure_email", _("By secure email, outside this service")


class Recipient(models.Model):
    """One person a document was sent to.

    An account holder (`practitioner`) is told by an email with a link; the email's
    outbox row (`message`) says whether it was delivered. Someone without an account is
    sent the document itself by secure email: the row records who sent it (`sent_by`, a
    name), when, and which file.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    artefact = models.ForeignKey(
        "artefacts.Artefact", on_delete=models.PROTECT, related_name="recipients"
    )
    practitioner = models.ForeignKey(
        "agencies.Practitioner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("practitioner"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    is_attendee = models.BooleanField(_("attended the session"), default=False)
    reason = models.TextField(_("why they need it for care planning"), blank=True)
    sharing_basis = models.CharField(_("information-sharing basis"), max_length=300, blank=True)
    channel = models.CharField(_("how it was sent"), max_length=12, choices=Channel.choices)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.CharField(_("sent by"), max_length=200, blank=True)
    file = models.ForeignKey(
        "artefacts.ArtefactFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("file sent"),
    )
    message = models.ForeignKey(
        "notifications.OutboxMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("received"), null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ("artefact", "-is_attendee", "sent_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["artefact", "practitioner"], name="recipient_once_per_artefact"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["service", "secure_email"]),
                name="recipient_channel_valid",
            ),
            # R25: anyone who did not attend needs a care-planning reason and a basis.
            models.CheckConstraint(
                condition=Q(is_attendee=True) | (~Q(reason="") & ~Q(sharing_basis="")),
                name="recipient_non_attendee_has_reason_and_basis",
            ),
            models.CheckConstraint(
                condition=Q(is_attendee=False) | Q(practitioner__isnull=False),
                name="recipient_attendee_has_account",
            ),
            # Through the service: an account holder. By secure email: a named person
            # without an account, the named sender and the file that was sent.
            models.CheckConstraint(
                condition=~Q(channel="service") | Q(practitioner__isnull=False),
                name="recipient_service_has_account",
            ),
            models.CheckConstraint(
                condition=~Q(channel="secure_email")
                | (
                    Q(practitioner__isnull=True)
                    & ~Q(name="")
                    & ~Q(email="")
                    & ~Q(sent_by="")
                    & Q(file__isnull=False)
                ),
                name="recipient_secure_email_complete",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(practitioner__isnull=False),
                name="recipient_acknowledged_by_account",
            ),
        ]

    def __str__(self) -> str:
        who = self.practitioner.user.full_name if self.practitioner else self.name
        return f"{who} ({self.artefact})"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the chair")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class Correction(models.Model):
    """A correction to the minutes sent in by an attendee, and the chair's decision."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    artefact = models.ForeignKey(
        "artefacts.Artefact", on_delete=models.PROTECT, related_name="corrections"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("correction"))
    raised_at = models.DateTimeField(_("sent in"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.OPEN,
    )
    resolution_note = models.TextField(_("chair’s note"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction to the minutes")
        verbose_name_plural = _("corrections to the minutes")
        ordering = ("artefact", "raised_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "not_accepted"]),
                name="correction_status_valid",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="correction_has_text"),
            models.CheckConstraint(
                condition=(
                    Q(status="open") & Q(resolved_at__isnull=True) & Q(resolved_by__isnull=True)
                )
                | (~Q(status="open") & Q(resolved_at__isnull=False) & Q(resolved_by__isnull=False)),
                name="correction_resolved_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accepted") | ~Q(resolution_note=""),
                name="correction_not_accepted_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.artefact}: {self.get_status_display()}"
