"""The session's safety plan (R18-R19, B17-B20): who does what, where, when or on what
trigger, and how to get help; who agreed it; the contingency; and whether out-of-hours
services have it. Every change makes a new version, kept whole."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SafetyPlan(models.Model):
    """One per session record. `version` is 1 after the first change and moves on every one."""

    record = models.OneToOneField(
        "records.PrinciplesRecord", on_delete=models.PROTECT, related_name="safety_plan"
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    # The plan version at which the contingency or agreement last changed: a save of those
    # made from an older page conflicts, while adding an item in between does not.
    details_version = models.PositiveIntegerField(default=0)
    contingency = models.TextField(_("contingency"), blank=True)
    agreed_by = models.TextField(_("who agreed the plan"), blank=True)
    # None until someone says whether the plan is the family's own or a professional one.
    family_owned = models.BooleanField(_("family-owned plan"), null=True, blank=True)
    out_of_hours_not_applicable = models.BooleanField(
        _("out-of-hours services not applicable"), default=False
    )
    out_of_hours_reason = models.TextField(
        _("why out-of-hours services are not applicable"), blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(out_of_hours_not_applicable=False) | ~Q(out_of_hours_reason=""),
                name="safety_plan_not_applicable_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(details_version__lte=F("version")),
                name="safety_plan_details_version_not_ahead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} safety plan (v{self.version})"


class SafetyPlanItem(models.Model):
    """Who does what, where, when or on what trigger, and how to get help (B17)."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="items")
    who = models.CharField(_("who"), max_length=200)
    what = models.TextField(_("what"))
    where = models.CharField(_("where"), max_length=300, blank=True)
    when_trigger = models.CharField(_("when or trigger"), max_length=300)
    help_route = models.CharField(_("how to get help"), max_length=300)
    risk = models.ForeignKey(
        "records.PriorityRisk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safety_plan_items",
        verbose_name=_("priority risk it addresses"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A removed item stays for the audit trail; the plan's versions keep its history.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("safety plan item")
        verbose_name_plural = _("safety plan items")
        ordering = ("plan", "pk")
        constraints = [
            models.CheckConstraint(condition=~Q(who=""), name="safety_item_has_who"),
            models.CheckConstraint(condition=~Q(what=""), name="safety_item_has_what"),
            models.CheckConstraint(condition=~Q(when_trigger=""), name="safety_item_has_when"),
            models.CheckConstraint(condition=~Q(help_route=""), name="safety_item_has_help"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="safety_item_removed_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.who}: {self.what[:40]}"

    @property
    def risk_rank(self) -> int | None:
        return self.risk.rank if self.risk is not None else None


class OutOfHoursService(models.TextChoices):
    EMERGENCY_DUTY_TEAM = "emergency_duty_team", _("Emergency duty team")
    POLICE = "police", _("Police flag or public protection unit")
    OTHER = "other", _("Another out-of-hours service")


class OutOfHoursShare(models.Model):
    """The plan went to an out-of-hours service on a date, by a method (R19, B20)."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="shares")
    service = models.CharField(_("service"), max_length=24, choices=OutOfHoursService.choices)
    service_name = models.CharField(_("name of the service"), max_length=200, blank=True)
    shared_on = models.DateField(_("date shared"))
    method = models.CharField(_("how it was shared"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("out-of-hours share")
        verbose_name_plural = _("out-of-hours shares")
        ordering = ("plan", "shared_on", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__in=OutOfHoursService.values), name="ooh_share_service_valid"
            ),
            models.CheckConstraint(
                condition=~Q(service=OutOfHoursService.OTHER) | ~Q(service_name=""),
                name="ooh_share_other_is_named",
            ),
            models.CheckConstraint(condition=~Q(method=""), name="ooh_share_has_method"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="ooh_share_removed_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_label} {self.shared_on:%Y-%m-%d}"

    @property
    def service_label(self) -> str:
        return str(OutOfHoursService(self.service).label)


class PlanChange(models.TextChoices):
    ITEM_ADDED = "item_added", _("Item added")
    ITEM_REMOVED = "item_removed", _("Item removed")
    DETAILS_SAVED = "details_saved", _("Contingency and agreement changed")
    SHARE_ADDED = "share_added", _("Shared with an out-of-hours service")
    SHARE_REMOVED = "share_removed", _("Out-of-hours share removed")
    NOT_APPLICABLE_SAVED = "not_applicable_saved", _("Out-of-hours marked not applicable")
    NOT_APPLICABLE_WITHDRAWN = "not_applicable_withdrawn", _("Not applicable withdrawn")


class SafetyPlanVersion(models.Model):
    """The whole plan as it stood after one change."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("the plan at this version"))
    change = models.CharField(_("what changed"), max_length=32, choices=PlanChange.choices)
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("safety plan version")
        verbose_name_plural = _("safety plan versions")
        ordering = ("plan", "number")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safety_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="safety_version_from_one"),
            models.CheckConstraint(
                condition=Q(change__in=PlanChange.values), name="safety_version_change_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} version {self.number}"
