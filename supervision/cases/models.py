"""Cases, the people in them, the agencies involved and the case team."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.accounts.models import Role
from supervision.agencies.models import Language

if TYPE_CHECKING:
    from supervision.accounts.models import User

# Crockford's base32 without I, L, O, U: easy to read aloud, hard to guess.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 10  # 50 bits of randomness

# Who may break the glass: social workers and agency safeguarding leads, the people who
# act for a child out of hours. Everyone else (practitioners, chairs, quality officers,
# data protection officers, administrators) is refused, with the same answer as for a
# case that does not exist. A grant ends early if its holder loses the role.
BREAK_GLASS_ROLES: frozenset[str] = frozenset({Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD})


def new_reference() -> str:
    raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """Cases the user may open. This is the one place that decides it (security.md §4.2):

        1. an exclusion (a conflict of interest) on the user denies the case whatever else
           holds, a break-glass grant included;
        2. a restricted case is open only to the users named on it, and to them only with
           a reason below (naming someone restricts who may see; it grants nothing alone);
        3. named on an involvement, or on the case team; or
        4. an active break-glass grant, while the user still holds an eligible role.

        Roles alone (administrator, quality officer, chair) grant no case content.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            (_membership(user) | Q(pk__in=_active_grants(user).values("case_id")))
            & (Q(restricted=False) | Q(pk__in=_named_on_restriction(user)))
        ).exclude(pk__in=_exclusions(user))

    def with_access_basis(self, user: User) -> CaseQuerySet:
        """Annotate each case with why `user` may see it, in the same query: `is_member`
        (named on an involvement or the case team) and `break_glass_grant` (the id of the
        active grant, or None)."""
        return self.annotate(
            on_involvement=Exists(
                Involvement.objects.filter(case=OuterRef("pk"), practitioner__user=user)
            ),
            on_team=Exists(
                CaseTeamMember.objects.filter(case=OuterRef("pk"), practitioner__user=user)
            ),
            break_glass_grant=Subquery(
                _active_grants(user)
                .filter(case=OuterRef("pk"))
                .order_by("-expires_at")
                .values("pk")[:1]
            ),
        )


def _membership(user: User) -> Q:
    return Q(pk__in=Involvement.objects.filter(practitioner__user=user).values("case_id")) | Q(
        pk__in=CaseTeamMember.objects.filter(practitioner__user=user).values("case_id")
    )


def _active_grants(user: User) -> models.QuerySet[BreakGlassGrant]:
    return BreakGlassGrant.objects.filter(
        user=user, expires_at__gt=timezone.now(), user__roles__role__in=BREAK_GLASS_ROLES
    )


def _named_on_restriction(user: User) -> models.QuerySet[RestrictedCaseMember, int]:
    return RestrictedCaseMember.objects.filter(user=user).values_list("case_id", flat=True)


def _exclusions(user: User) -> models.QuerySet[CaseExclusion, int]:
    return CaseExclusion.objects.filter(user=user).values_list("case_id", flat=True)


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
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_(
            "Only the people named on the restriction may see a restricted case, for example "
            "a case about a member of staff's own family."
        ),
    )
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


class CaseExclusion(models.Model):
    """A conflict of interest: this user may not see this case, whatever else holds
    (security.md §4.2 rule 6: deny overrides everything, break-glass included)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="exclusions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_exclusions",
        verbose_name=_("person excluded"),
    )
    reason = models.CharField(
        _("reason"),
        max_length=500,
        help_text=_("For example: a relative of the family. Do not write the family's names."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest exclusion")
        verbose_name_plural = _("conflict of interest exclusions")
        ordering = ("-recorded_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_exclusion_unique"),
        ]

    def __str__(self) -> str:
        # The reference only: the family name never reaches the administration pages.
        return f"{self.case.reference}: {self.user}"


class RestrictedCaseMember(models.Model):
    """A user named on a restricted case: only they may see it (with a reason to)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="restricted_to")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="restricted_cases",
        verbose_name=_("person named"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("person named on a restricted case")
        verbose_name_plural = _("people named on restricted cases")
        ordering = ("case", "added_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="restricted_case_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.user}"


class CaseRestriction(Case):
    """The case seen only as its reference and whether it is restricted: what the
    administration pages show of a case (never the family or its records)."""

    class Meta:
        proxy = True
        verbose_name = _("case restriction")
        verbose_name_plural = _("case restrictions")

    def __str__(self) -> str:
        return self.reference


class BreakGlassGrant(models.Model):
    """Emergency access to one case for a few hours, with a reason, reviewed afterwards by
    someone else (security.md §4.3)."""

    class ReasonCode(models.TextChoices):
        IMMEDIATE_RISK = "immediate_risk", _("Immediate risk to a child out of hours")
        EMERGENCY_REQUEST = "emergency_request", _("Police or emergency service request")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        JUSTIFIED = "justified", _("Justified")
        NOT_JUSTIFIED = "not_justified", _("Not justified")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="break_glass_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="break_glass_grants",
        verbose_name=_("given to"),
    )
    reason_code = models.CharField(_("reason"), max_length=20, choices=ReasonCode.choices)
    reason = models.TextField(_("why emergency access is needed"), max_length=2000)
    granted_at = models.DateTimeField(_("given"), default=timezone.now)
    expires_at = models.DateTimeField(_("ends"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_outcome = models.CharField(
        _("outcome of the review"), max_length=16, choices=Outcome.choices, blank=True
    )
    review_note = models.TextField(_("review note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency access")
        ordering = ("granted_at", "pk")
        indexes = [models.Index(fields=["user", "case", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")), name="break_glass_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(reason_code__in=["immediate_risk", "emergency_request", "other"]),
                name="break_glass_reason_code_valid",
            ),
            # A review is all there or not at all, and never by the person it reviews.
            models.CheckConstraint(
                condition=(
                    Q(reviewed_by__isnull=True, reviewed_at__isnull=True, review_outcome="")
                    | (
                        Q(reviewed_by__isnull=False, reviewed_at__isnull=False)
                        & Q(review_outcome__in=["justified", "not_justified"])
                    )
                ),
                name="break_glass_review_complete",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("user")),
                name="break_glass_reviewed_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.user} ({self.granted_at:%Y-%m-%d %H:%M})"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
