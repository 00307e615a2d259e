"""Supervision requests: who asked, why, on what basis information is shared, and what follows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SessionType(models.TextChoices):
    MULTI_AGENCY = "multi_agency", _("Multi-agency supervision")
    CORE_GROUP = "core_group", _("Core group")
    INDIVIDUAL = "individual", _("Individual supervision")
    REFLECTIVE_GROUP = "reflective_group", _("Reflective group")


class Reason(models.TextChoices):
    STUCK_OR_DRIFT = "stuck_or_drift", _("Stuck or drifting")
    ESCALATING_RISK = "escalating_risk", _("Escalating risk")
    PROFESSIONAL_DISAGREEMENT = "professional_disagreement", _("Professional disagreement")
    NEW_INFORMATION = "new_information", _("New information")
    PRE_CONFERENCE = "pre_conference", _("Before a conference")
    REVIEW = "review", _("Review of an earlier session")
    OTHER = "other", _("Another reason")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    NOT_SOUGHT = "not_sought", _("Not sought")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for a chair")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class SupervisionRequest(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requester_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("requested on"))
    reasons = models.JSONField(_("reasons"), default=list)
    question = models.TextField(_("the question for the session"))
    session_type = models.CharField(
        _("type of session"), max_length=16, choices=SessionType.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default="submitted"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    period_start = models.DateField(_("chronology from"))
    period_end = models.DateField(_("chronology to"))
    period_reason = models.TextField(_("why the chronology covers more than 12 months"), blank=True)
    # The basis for sharing information (domain.md B29).
    sharing_agreement = models.CharField(_("information sharing agreement"), max_length=200)
    lawful_basis = models.CharField(_("lawful basis (UK GDPR article 6)"), max_length=200)
    special_category_condition = models.CharField(
        _("condition for special category data (article 9)"), max_length=200
    )
    consent_status = models.CharField(_("consent"), max_length=10, choices=ConsentStatus.choices)
    consent_reason = models.TextField(_("why consent was not sought or not needed"), blank=True)
    chronologies = models.ManyToManyField(
        "chronology.AgencyChronology", related_name="requests", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision request")
        verbose_name_plural = _("supervision requests")
        ordering = ("-requested_on", "-created_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="request_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_request_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(consent_status="given") | ~Q(consent_reason=""),
                name="consent_not_given_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(chair__isnull=False),
                name="accepted_request_has_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_session_type_display()} ({self.requested_on})"

    def reason_labels(self) -> list[str]:
        return [str(Reason(code).label) for code in self.reasons if code in Reason.values]


class MeetingLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")
    BILINGUAL = "bilingual", _("Welsh and English")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


class SupervisionSession(models.Model):
    """When and where the supervision meets. Its calendar event keeps one UID for life."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(
        SupervisionRequest, on_delete=models.PROTECT, related_name="session"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=90)
    venue = models.CharField(_("where"), max_length=300)
    meeting_language = models.CharField(
        _("language of the meeting"), max_length=10, choices=MeetingLanguage.choices, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default="scheduled"
    )
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480),
                name="session_length_sensible",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="cancelled_session_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def calendar_uid(self) -> str:
        return f"{self.code}@multi-agency-supervision"


class InvitationBasis(models.TextChoices):
    CURRENT = "current", _("Involved now")
    PREVIOUS = "previous", _("Involved before")
    TEAM = "team", _("Case team")
    ADDED = "added", _("Added by the chair")
    REQUESTER = "requester", _("Asked for the session")


class InvitationResponse(models.TextChoices):
    AWAITING = "awaiting", _("No answer yet")
    ATTENDING = "attending", _("Attending")
    CANNOT_ATTEND = "cannot_attend", _("Cannot attend")
    WRITTEN = "written", _("Sending a written contribution")


class Invitation(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        SupervisionSession, on_delete=models.PROTECT, related_name="invitations"
    )
    practitioner = models.ForeignKey(
        "agencies.Practitioner", on_delete=models.PROTECT, related_name="invitations"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("why invited"), max_length=10, choices=InvitationBasis.choices)
    relevant_information = models.TextField(_("relevant information"), blank=True)
    non_engagement = models.TextField(_("what is known about non-engagement"), blank=True)
    added_reason = models.TextField(_("why the chair added them"), blank=True)
    removed = models.BooleanField(default=False)
    removed_reason = models.TextField(_("why the chair removed them"), blank=True)
    response = models.CharField(
        _("answer"), max_length=14, choices=InvitationResponse.choices, default="awaiting"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("session", "agency__name_en", "practitioner__user__full_name")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "practitioner"], name="one_invitation_per_person"
            ),
            models.CheckConstraint(
                condition=~Q(basis="added") | ~Q(added_reason=""), name="added_invitee_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(removed=False) | ~Q(removed_reason=""),
                name="removed_invitee_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} ({self.get_response_display()})"


class ReminderSent(models.Model):
    """One row per reminder sent, so a re-run never sends it twice."""

    chronology = models.ForeignKey(
        "chronology.AgencyChronology", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chronology", "kind", "due_date"], name="reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chronology} {self.kind} {self.due_date}"
