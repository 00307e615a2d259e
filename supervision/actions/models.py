"""Next steps and progress: the action register, the one- and three-month progress points
and the review date (R20-R22, R38)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ActionPlan(models.Model):
    """The parts of the action plan that are one per session record: the review date and,
    when nothing needs doing, why (R38). `version` moves on every save (no silent overwrite)."""

    record = models.OneToOneField(
        "records.PrinciplesRecord", on_delete=models.PROTECT, related_name="action_plan"
    )
    # Must be after the session date: checked in the form and the service.
    review_date = models.DateField(_("review date"), null=True, blank=True)
    no_actions_reason = models.TextField(_("why there are no actions"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return f"{self.record} action plan"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Action(models.Model):
    """One agreed action: what needs to happen, who does it, by when (R20). Shown as A1, A2…"""

    record = models.ForeignKey(
        "records.PrinciplesRecord", on_delete=models.PROTECT, related_name="actions"
    )
    number = models.PositiveIntegerField(_("number"))
    description = models.TextField(_("what needs to happen"))
    owner = models.ForeignKey(
        "agencies.Practitioner",
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("owner"),
    )
    # The owner's own agency unless they act through another one.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    # Not before the session date: checked in the form and the service.
    due_date = models.DateField(_("due date"))
    outcome = models.ForeignKey(
        "records.Outcome",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("the outcome it serves"),
    )
    risk = models.ForeignKey(
        "records.PriorityRisk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("the priority risk it serves"),
    )
    status = models.CharField(
        _("status"), max_length=4, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completion_note = models.TextField(_("completion note"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ("record", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "number"], name="action_number_unique_in_record"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="action_number_from_one"),
            models.CheckConstraint(condition=~Q(description=""), name="action_has_description"),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ActionStatus.OPEN, done_at__isnull=True, done_by__isnull=True)
                    | (
                        Q(status=ActionStatus.DONE, done_at__isnull=False, done_by__isnull=False)
                        & ~Q(completion_note="")
                    )
                ),
                name="done_action_has_when_who_and_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.description[:40]}"

    @property
    def label(self) -> str:
        """How the record refers to the action: A1, A2…"""
        return f"A{self.number}"


class ProgressPoint(models.Model):
    """Where we want to be in one or three months, when that is due and who checks how
    (R21-R22). The due date is worked out from the session date, never typed."""

    record = models.ForeignKey(
        "records.PrinciplesRecord", on_delete=models.PROTECT, related_name="progress_points"
    )
    months = models.PositiveSmallIntegerField(_("months after the session"))
    target = models.TextField(_("where we want to be"))
    due_date = models.DateField(_("due date"))
    monitored_by = models.CharField(_("who checks"), max_length=300)
    how = models.CharField(_("how it is checked"), max_length=300)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("progress point")
        verbose_name_plural = _("progress points")
        ordering = ("record", "months")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "months"], name="progress_point_once_per_horizon"
            ),
            models.CheckConstraint(
                condition=Q(months__in=(1, 3)), name="progress_point_one_or_three_months"
            ),
            models.CheckConstraint(condition=~Q(target=""), name="progress_point_has_target"),
            models.CheckConstraint(
                condition=~Q(monitored_by=""), name="progress_point_has_monitor"
            ),
            models.CheckConstraint(condition=~Q(how=""), name="progress_point_has_method"),
        ]

    def __str__(self) -> str:
        return f"{self.months} month(s): {self.target[:40]}"
