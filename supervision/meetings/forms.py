"""Forms for asking for a supervision and deciding on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.agencies.models import Practitioner
from supervision.meetings.models import (
    ConsentStatus,
    InvitationResponse,
    MeetingLanguage,
    Reason,
    SessionType,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class RequestForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Why are you asking for a supervision?"),
        help_text=_("Select all that apply."),
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one reason")},
    )
    question = forms.CharField(
        label=_("What question should the session answer?"),
        help_text=_("For example: why do improvements not last?"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter the question for the session")},
    )
    session_type = forms.ChoiceField(
        label=_("Type of session"),
        choices=SessionType.choices,
        initial=SessionType.MULTI_AGENCY,
        widget=forms.RadioSelect,
    )
    period_start = forms.DateField(
        label=_("Chronology from"),
        input_formats=DATE_FORMATS,
        help_text=_("For example, 2025-01-31"),
    )
    period_end = forms.DateField(
        label=_("Chronology to"), input_formats=DATE_FORMATS, help_text=_("For example, 2025-12-31")
    )
    period_reason = forms.CharField(
        label=_("If the chronology covers more than 12 months, why?"),
        widget=forms.Textarea,
        required=False,
        max_length=1000,
    )
    sharing_agreement = forms.CharField(
        label=_("Information sharing agreement"),
        help_text=_("The reference of the agreement the agencies share information under."),
        max_length=200,
    )
    lawful_basis = forms.CharField(
        label=_("Lawful basis (UK GDPR article 6)"), initial=_("Public task"), max_length=200
    )
    special_category_condition = forms.CharField(
        label=_("Condition for special category data (article 9)"),
        initial=_("Safeguarding of children (DPA 2018 Schedule 1 paragraph 18)"),
        max_length=200,
    )
    consent_status = forms.ChoiceField(
        label=_("Has the family consented to information being shared?"),
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
    )
    consent_reason = forms.CharField(
        label=_("If consent was refused or not sought, why?"),
        widget=forms.Textarea,
        required=False,
        max_length=1000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period must be after its start."))
        status = data.get("consent_status")
        if status and status != ConsentStatus.GIVEN and not data.get("consent_reason", "").strip():
            self.add_error("consent_reason", _("Say why consent was refused or not sought"))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Will you chair this supervision?"),
        choices=[("accept", _("Yes, I will chair it")), ("decline", _("No, decline it"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether you will chair it")},
    )
    reason = forms.CharField(
        label=_("If you decline it, why?"), widget=forms.Textarea, required=False, max_length=1000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the request is declined"))
        return data


class DueDateForm(forms.Form):
    due = forms.DateField(
        label=_("When will the chronology be ready?"),
        input_formats=DATE_FORMATS,
        help_text=_("For example, 2026-01-07"),
        error_messages={"invalid": _("Enter a real date, for example 2026-01-07")},
    )


class ScheduleForm(forms.Form):
    day = forms.DateField(
        label=_("Date"), input_formats=DATE_FORMATS, help_text=_("For example, 2026-01-15")
    )
    time = forms.TimeField(
        label=_("Start time"), input_formats=["%H:%M"], help_text=_("For example, 10:00")
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=15, max_value=480, initial=90
    )
    venue = forms.CharField(
        label=_("Where"),
        help_text=_("A room, or the link to an online meeting."),
        max_length=300,
    )
    meeting_language = forms.ChoiceField(
        label=_("Language of the meeting"),
        choices=MeetingLanguage.choices,
        initial=MeetingLanguage.ENGLISH,
        widget=forms.RadioSelect,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        max_length=1000,
        error_messages={"required": _("Give a reason")},
    )


class PractitionerChoiceField(forms.ModelChoiceField[Practitioner]):
    def label_from_instance(self, obj: Practitioner) -> str:
        return f"{obj.user.full_name}, {obj.agency.name}"


class AddInviteeForm(forms.Form):
    practitioner = PractitionerChoiceField(
        label=_("Who"),
        queryset=Practitioner.objects.none(),
        error_messages={"required": _("Choose who to invite")},
    )
    reason = forms.CharField(
        label=_("Why are you inviting them?"),
        max_length=1000,
        error_messages={"required": _("Say why you are inviting them")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        if isinstance(field, PractitionerChoiceField):
            field.queryset = Practitioner.objects.filter(user__is_active=True).select_related(
                "user", "agency"
            )


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Can you attend?"),
        choices=[
            (InvitationResponse.ATTENDING, _("Yes, I will attend")),
            (InvitationResponse.CANNOT_ATTEND, _("No, I cannot attend")),
            (InvitationResponse.WRITTEN, _("I will send a written contribution")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select your answer")},
    )
