"""Agencies and the practitioners who work for them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    LA_CHILDRENS_SERVICES = "la_childrens_services", _("Local authority children's services")
    LA_EDUCATION = "la_education", _("Local authority education")
    SCHOOL = "school", _("School")
    HEALTH_BOARD_COMMUNITY = "health_board_community", _("Health board (community)")
    HEALTH_BOARD_ACUTE = "health_board_acute", _("Health board (hospital)")
    GP_PRACTICE = "gp_practice", _("GP practice")
    POLICE = "police", _("Police")
    PROBATION = "probation", _("Probation")
    YOUTH_JUSTICE = "youth_justice", _("Youth justice")
    HOUSING = "housing", _("Housing")
    THIRD_SECTOR_DA = "third_sector_da", _("Domestic abuse service (third sector)")
    EARLY_YEARS = "early_years", _("Early years and childcare")
    SAFEGUARDING_BOARD = "safeguarding_board", _("Safeguarding board")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")


class Agency(models.Model):
    code = models.SlugField(_("short code"), max_length=20, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=AgencyType.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ("name_en",)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English."""
        if (get_language() or "").startswith("cy") and self.name_cy:
            return self.name_cy
        return self.name_en

    @property
    def name_lang(self) -> str:
        """The language the displayed name is written in (for the lang attribute)."""
        if (get_language() or "").startswith("cy") and self.name_cy:
            return "cy"
        return "en"


class Practitioner(models.Model):
    """A user's working identity: which agency they work for and in what job."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="practitioner",
        verbose_name=_("account"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="practitioners", verbose_name=_("agency")
    )
    job_title = models.CharField(_("job title"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )

    class Meta:
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")
        ordering = ("user__full_name",)

    def __str__(self) -> str:
        return self.user.full_name
