"""Forms for the safety plan. What people type is theirs: it is shown with translate="no"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.meetings.models import SupervisionSession
from supervision.records.models import PriorityRisk
from supervision.safety.models import OutOfHoursService

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class RiskChoiceField(forms.ModelChoiceField[PriorityRisk]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.rank}. {obj.trying_to_avoid}"


class ItemForm(forms.Form):
    who = forms.CharField(
        label=_("Who"),
        help_text=_("A named person or a role, for example Nan or the school's safeguarding lead."),
        max_length=200,
        error_messages={"required": _("Enter who does it")},
    )
    what = forms.CharField(
        label=_("What they do"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter what they do")},
    )
    where = forms.CharField(label=_("Where"), max_length=300, required=False)
    when_trigger = forms.CharField(
        label=_("When, or on what trigger"),
        help_text=_("For example: every Friday 17:00 to Saturday 10:00, or if he arrives."),
        max_length=300,
        error_messages={"required": _("Enter when it happens or what triggers it")},
    )
    help_route = forms.CharField(
        label=_("How to get help"),
        help_text=_("Who to call and how, including out of hours."),
        max_length=300,
        error_messages={"required": _("Enter how to get help")},
    )
    risk = RiskChoiceField(
        label=_("The priority risk it addresses (optional)"),
        queryset=PriorityRisk.objects.none(),
        required=False,
        empty_label="",
        error_messages={"invalid_choice": _("Select one of this session's priority risks")},
    )

    def __init__(self, *args: Any, session: SupervisionSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = PriorityRisk.objects.filter(  # type: ignore[attr-defined]
            record__session=session
        ).order_by("rank")


class DetailsForm(forms.Form):
    contingency = forms.CharField(
        label=_("Contingency"),
        help_text=_("If this happens, then this is what will be done, and by whom."),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    agreed_by = forms.CharField(
        label=_("Who agreed the plan"),
        help_text=_("Include the family members and network members who agreed it."),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )
    family_owned = forms.TypedChoiceField(
        label=_("Whose plan is it?"),
        choices=[
            ("yes", _("The family's own plan, made with them and their network")),
            ("no", _("A professional plan")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whose plan it is")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ShareForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Which out-of-hours service has the plan?"),
        choices=OutOfHoursService.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the out-of-hours service")},
    )
    service_name = forms.CharField(
        label=_("Name of the service"),
        help_text=_("Needed for another service; optional for the others."),
        max_length=200,
        required=False,
    )
    shared_on = forms.DateField(
        label=_("Date shared"),
        input_formats=DATE_FORMATS,
        help_text=_("For example, 2026-01-16"),
        error_messages={
            "required": _("Enter the date the plan was shared"),
            "invalid": _("Enter a real date, for example 2026-01-16"),
        },
    )
    method = forms.CharField(
        label=_("How it was shared"),
        help_text=_("For example: secure email, receipt confirmed."),
        max_length=300,
        error_messages={"required": _("Enter how the plan was shared")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("service") == OutOfHoursService.OTHER and not data.get("service_name"):
            self.add_error("service_name", _("Enter the name of the service"))
        shared_on = data.get("shared_on")
        if shared_on is not None and shared_on > timezone.localdate():
            self.add_error("shared_on", _("The date shared must be today or in the past"))
        return data


class NotApplicableForm(forms.Form):
    not_applicable = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the plan does not need to be available out of hours"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("not_applicable") and not data.get("reason", "").strip():
            self.add_error(
                "reason", _("Enter why the plan does not need to be available out of hours")
            )
        return data
