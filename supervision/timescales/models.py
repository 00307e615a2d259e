"""Days that do not count as working days for statutory and agreed timescales."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NonWorkingDayKind(models.TextChoices):
    BANK_HOLIDAY = "bank_holiday", _("Bank holiday")
    LOCAL_CLOSURE = "local_closure", _("Local closure day")


class NonWorkingDay(models.Model):
    """A weekday on which the clock stops: a bank holiday or a local closure day.

    Bank holidays are seeded from the `holidays` package (see services.bank_holidays_seed);
    administrators add local closure days. A closure with an agency applies to that
    agency's calendar only; one without an agency applies to everyone.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=NonWorkingDayKind.choices,
        default=NonWorkingDayKind.LOCAL_CLOSURE,
    )
    title_en = models.CharField(_("title in English"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agency"),
        help_text=_("Only for a local closure day that applies to one agency."),
    )

    class Meta:
        verbose_name = _("non-working day")
        verbose_name_plural = _("non-working days")
        ordering = ("date",)
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=NonWorkingDayKind.LOCAL_CLOSURE) | Q(agency__isnull=True),
                name="timescales_nonworkingday_bank_holiday_has_no_agency",
                violation_error_message=_("A bank holiday applies to every agency."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.title_en}"
