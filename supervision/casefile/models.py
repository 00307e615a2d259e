"""What a session leaves on each child's case file, and the alert to the next child
protection conference's chair (R24, R27, R28)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChildSynopsis(models.Model):
    """The synopsis of a session for one subject child, with the agreed actions (R24).

    Prefilled from the signed-off record, changed by the chair or the social worker, then
    confirmed as recorded on the child's case file (by whom, when, the case system's
    reference); after that it no longer changes. `version` moves on every save, so two
    people saving at once get a conflict, never a silent overwrite."""

    session = models.ForeignKey(
        "meetings.SupervisionSession", on_delete=models.PROTECT, related_name="synopses"
    )
    child = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("synopsis"))
    version = models.PositiveIntegerField(default=0)
    recorded_on_case_file_at = models.DateTimeField(
        _("recorded on the case file at"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_system_reference = models.CharField(
        _("reference in the case system"), max_length=100, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("child’s synopsis")
        verbose_name_plural = _("children’s synopses")
        ordering = ("session", "child__date_of_birth", "child__pk")
        constraints = [
            models.UniqueConstraint(fields=["session", "child"], name="one_synopsis_per_child"),
            models.CheckConstraint(condition=~Q(text=""), name="synopsis_has_text"),
            models.CheckConstraint(
                condition=Q(recorded_on_case_file_at__isnull=True)
                | (Q(recorded_by__isnull=False) & ~Q(case_system_reference="")),
                name="recorded_synopsis_has_who_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} ({self.session})"

    @property
    def recorded(self) -> bool:
        return self.recorded_on_case_file_at is not None


class AlertMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class ConferenceAlert(models.Model):
    """An alert to the chair of the next child protection conference about the session's
    outcome and actions (R28): who alerted whom, when and how. The conference date is
    compared with the minutes deadline to prompt for the conference extract (R27)."""

    session = models.ForeignKey(
        "meetings.SupervisionSession", on_delete=models.PROTECT, related_name="conference_alerts"
    )
    conference_on = models.DateField(_("date of the conference"))
    conference_chair = models.CharField(_("conference chair"), max_length=200)
    alerted_at = models.DateTimeField(_("alerted at"))
    alerted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how"), max_length=10, choices=AlertMethod.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("conference chair alert")
        verbose_name_plural = _("conference chair alerts")
        ordering = ("session", "alerted_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=AlertMethod.values), name="conference_alert_method_valid"
            ),
            models.CheckConstraint(
                condition=~Q(conference_chair=""), name="conference_alert_names_the_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conference_on} ({self.session})"
