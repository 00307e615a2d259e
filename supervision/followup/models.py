"""Follow-up after a signed-off session: the reminders sent (each once), and the review
session that starts from the last one (R21-R22, R40)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    ACTIONS_DUE = "actions_due", _("The actions document is due")
    MINUTES_DUE = "minutes_due", _("The minutes are due")
    ACTION_DUE = "action_due", _("An action is due")
    ACTION_OVERDUE = "action_overdue", _("An action is overdue")
    PROGRESS_DUE = "progress_due", _("A progress point is due")
    REVIEW_DUE = "review_due", _("The review date is near")


ACTION_KINDS = (ReminderKind.ACTION_DUE, ReminderKind.ACTION_OVERDUE)


class FollowUpReminder(models.Model):
    """One reminder sent to one person about one deadline. The unique constraints make the
    daily job safe to run twice, or twice at once: the second run finds the row and sends
    nothing. A changed due date is a new deadline, and so gets its own reminder."""

    kind = models.CharField(_("reminder"), max_length=16, choices=ReminderKind.choices)
    session = models.ForeignKey(
        "meetings.SupervisionSession", on_delete=models.CASCADE, related_name="+"
    )
    # Set for the reminders about one action, or about one progress point; the others are
    # about the session itself (its documents, its review date).
    action = models.ForeignKey(
        "actions.Action", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    progress_point = models.ForeignKey(
        "actions.ProgressPoint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")
        ordering = ("due_date", "kind")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="followup_reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=ACTION_KINDS, action__isnull=False, progress_point__isnull=True)
                    | Q(
                        kind=ReminderKind.PROGRESS_DUE,
                        action__isnull=True,
                        progress_point__isnull=False,
                    )
                    | (
                        ~Q(kind__in=[*ACTION_KINDS, ReminderKind.PROGRESS_DUE])
                        & Q(action__isnull=True, progress_point__isnull=True)
                    )
                ),
                name="followup_reminder_about_what_its_kind_says",
            ),
            # NULLs are distinct in a unique index, so each subject has its own constraint.
            models.UniqueConstraint(
                fields=["kind", "session", "due_date", "recipient"],
                condition=Q(action__isnull=True, progress_point__isnull=True),
                name="followup_session_reminder_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "action", "due_date", "recipient"],
                condition=Q(action__isnull=False),
                name="followup_action_reminder_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "progress_point", "due_date", "recipient"],
                condition=Q(progress_point__isnull=False),
                name="followup_progress_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date} to user {self.recipient_id}"


class ReviewLink(models.Model):
    """A supervision request that reviews an earlier session: the review starts from where
    the last one left off. A session is reviewed once."""

    new_request = models.OneToOneField(
        "meetings.SupervisionRequest", on_delete=models.PROTECT, related_name="review_link"
    )
    previous_session = models.OneToOneField(
        "meetings.SupervisionSession", on_delete=models.PROTECT, related_name="review_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("review of a session")
        verbose_name_plural = _("reviews of sessions")

    def __str__(self) -> str:
        return f"Review of session {self.previous_session_id}"


class ProgressCheck(models.Model):
    """Where we are now against one progress point of the reviewed session (one or three
    months). `version` moves on every save, so two writers never overwrite each other."""

    review = models.ForeignKey(ReviewLink, on_delete=models.PROTECT, related_name="checks")
    months = models.PositiveSmallIntegerField(_("months after the session"))
    where_we_are = models.TextField(_("where we are now"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("progress check")
        verbose_name_plural = _("progress checks")
        ordering = ("review", "months")
        constraints = [
            models.UniqueConstraint(fields=["review", "months"], name="progress_check_once"),
            models.CheckConstraint(
                condition=Q(months__in=(1, 3)), name="progress_check_one_or_three_months"
            ),
            models.CheckConstraint(condition=~Q(where_we_are=""), name="progress_check_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.months} month(s): {self.where_we_are[:40]}"
