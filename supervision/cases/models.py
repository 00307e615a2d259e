"""Cases, the people in them, the agencies involved and the case team."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supervision.agencies.models import Language

if TYPE_CHECKING:
    from supervision.accounts.models import User

# Crockford's base32 without I, L, O, U: easy to read aloud, hard to guess.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 10  # 50 bits of randomness


def new_reference() -> str:
    raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """Cases the user may open: named on an involvement, or on the case team.

        Roles alone (administrator, quality officer, chair) grant no case content.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            Q(pk__in=Involvement.objects.filter(practitioner__user=user).values("case_id"))
            | Q(pk__in=CaseTeamMember.objects.filter(practitioner__user=user).values("case_id"))
        )


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(
        _("reference"), max_length=11, unique=True, default=new_reference, editable=False
    )
    family_name = models.CharField(_("family name"), max_length=200)
    local_authority = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("local authority"),
    )
    local_authority_reference = models.CharField(
        _("local authority case reference"), max_length=64, blank=True
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ("family_name", "reference")

    def __str__(self) -> str:
        return f"{self.family_name} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"reference": self.reference})


class TeamRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    TEAM_MANAGER = "team_manager", _("Team manager")
    CHAIR = "chair", _("Supervision chair")
    CONFERENCE_CHAIR = "conference_chair", _("Child protection conference chair")
    MINUTE_TAKER = "minute_taker", _("Minute taker")


class CaseTeamMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team")
    practitioner = models.ForeignKey(
        "agencies.Practitioner", on_delete=models.PROTECT, related_name="case_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "practitioner", "role"], name="case_team_member_unique"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="social_worker"),
                name="case_has_one_social_worker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} ({self.get_role_display()})"


class PersonRole(models.TextChoices):
    SUBJECT_CHILD = "subject_child", _("Child (subject of the plan)")
    OTHER_CHILD = "other_child", _("Other child")
    PARENT = "parent", _("Parent")
    CARER = "carer", _("Carer")
    PARTNER_OF_PARENT = "partner_of_parent", _("Partner of a parent")
    RELATIVE = "relative", _("Relative")
    SIGNIFICANT_ADULT = "significant_adult", _("Significant adult")


class Household(models.TextChoices):
    YES = "yes", _("Lives in the household")
    NO = "no", _("Lives elsewhere")
    DISPUTED = "disputed", _("Disputed")


class Person(models.Model):
    CHILD_ROLES = (PersonRole.SUBJECT_CHILD, PersonRole.OTHER_CHILD)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="people")
    key = models.CharField(
        _("short reference"),
        max_length=16,
        help_text=_("How this person is referred to in imported chronologies, for example P1."),
    )
    given_names = models.CharField(_("given names"), max_length=200)
    family_name = models.CharField(_("family name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    role = models.CharField(_("role in the case"), max_length=20, choices=PersonRole.choices)
    household = models.CharField(
        _("household"), max_length=8, choices=Household.choices, default=Household.YES
    )
    relationship = models.CharField(_("relationship"), max_length=300, blank=True)
    spoken_languages = models.JSONField(_("spoken languages"), default=list, blank=True)
    written_language = models.CharField(
        _("written language"), max_length=2, choices=Language.choices, blank=True
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ("case", "date_of_birth", "pk")
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="person_key_unique_in_case"),
            models.CheckConstraint(
                condition=Q(role__in=PersonRole.values),
                name="person_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def is_child(self) -> bool:
        return self.role in self.CHILD_ROLES

    def spoken_language_labels(self) -> list[str]:
        return [str(Language(code).label) for code in self.spoken_languages if code in Language]


class EngagementStatus(models.TextChoices):
    ENGAGED = "engaged", _("Engaged")
    PARTIALLY_ENGAGED = "partially_engaged", _("Partly engaged")
    DECLINED = "declined", _("Declined")
    NOT_RESPONDING = "not_responding", _("Not responding")
    DISENGAGED = "disengaged", _("Disengaged")
    NO_ACCESS = "no_access", _("No access")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    UNKNOWN = "unknown", _("Not known")


class Involvement(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        PREVIOUS = "previous", _("Previous")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="involvements")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="involvements"
    )
    practitioner = models.ForeignKey(
        "agencies.Practitioner",
        on_delete=models.PROTECT,
        related_name="involvements",
        null=True,
        blank=True,
        verbose_name=_("named practitioner"),
    )
    people = models.ManyToManyField(Person, related_name="involvements", verbose_name=_("people"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    end_reason = models.CharField(_("reason it ended"), max_length=300, blank=True)
    engagement_status = models.CharField(
        _("engagement"),
        max_length=20,
        choices=EngagementStatus.choices,
        default=EngagementStatus.UNKNOWN,
    )
    non_engagement_summary = models.TextField(_("what is known about non-engagement"), blank=True)
    relevant_information = models.TextField(_("relevant information"), blank=True)

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        ordering = ("case", "status", "agency__name_en")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="involvement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="previous") | Q(end_date__isnull=False),
                name="previous_involvement_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_status_display()})"
