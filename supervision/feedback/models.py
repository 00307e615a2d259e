"""Practitioner feedback after a session (R26): what was useful, what could be better, an
optional rating. Answers are read without names."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.domain.quality import RATINGS


class FeedbackRequest(models.Model):
    """An attendee was asked for feedback on a session: one row each, so nobody is asked
    twice."""

    session = models.ForeignKey(
        "meetings.SupervisionSession", on_delete=models.PROTECT, related_name="feedback_requests"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="feedback_asked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.user_id}"


class Feedback(models.Model):
    """One attendee's answer. `author` is kept only so that each attendee answers once: it
    is never shown, exported or put in an email."""

    session = models.ForeignKey(
        "meetings.SupervisionSession", on_delete=models.PROTECT, related_name="feedback"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    useful = models.TextField(_("what was useful"), blank=True)
    better = models.TextField(_("what could be better"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="one_feedback_per_attendee"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__in=RATINGS),
                name="feedback_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(useful="") | ~Q(better=""), name="feedback_has_an_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.pk}"
