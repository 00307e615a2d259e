"""Forms for next steps and progress. Names are not translated: selects of people, and of
what was recorded, carry translate="no" in the page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from supervision.agencies.models import Agency, Practitioner
from supervision.records.models import Outcome, PrinciplesRecord, PriorityRisk

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _day(day: date) -> str:
    return date_format(day, "j F Y")


class OwnerChoiceField(forms.ModelChoiceField[Practitioner]):
    def label_from_instance(self, obj: Practitioner) -> str:
        return f"{obj.user.full_name}, {obj.agency.name}"


class AgencyChoiceField(forms.ModelChoiceField[Agency]):
    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class OutcomeChoiceField(forms.ModelChoiceField[Outcome]):
    def label_from_instance(self, obj: Outcome) -> str:
        return Truncator(obj.text).chars(90)


class RiskChoiceField(forms.ModelChoiceField[PriorityRisk]):
    def label_from_instance(self, obj: PriorityRisk) -> str:
        return f"{obj.rank}. {Truncator(obj.trying_to_avoid).chars(90)}"


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("What needs to happen"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter what needs to happen")},
    )
    owner = OwnerChoiceField(
        label=_("Owner"),
        help_text=_("The practitioner who will make sure it happens."),
        queryset=Practitioner.objects.none(),
        empty_label="",
        error_messages={
            "required": _("Choose who owns the action"),
            "invalid_choice": _("Choose one of the practitioners in this case"),
        },
    )
    agency = AgencyChoiceField(
        label=_("Through which agency (optional)"),
        help_text=_("Leave this empty when the owner acts for their own agency."),
        queryset=Agency.objects.none(),
        required=False,
        empty_label="",
        error_messages={"invalid_choice": _("Choose one of the agencies in this case")},
    )
    due_date = forms.DateField(
        label=_("Due date"),
        help_text=_("For example, 2026-01-30"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": _("Enter the due date"),
            "invalid": _("Enter a real date, for example 2026-01-30"),
        },
    )
    outcome = OutcomeChoiceField(
        label=_("The outcome it serves (optional)"),
        queryset=Outcome.objects.none(),
        required=False,
        empty_label="",
        error_messages={"invalid_choice": _("Choose an outcome from this session record")},
    )
    risk = RiskChoiceField(
        label=_("The priority risk it serves (optional)"),
        queryset=PriorityRisk.objects.none(),
        required=False,
        empty_label="",
        error_messages={"invalid_choice": _("Choose a priority risk from this session record")},
    )

    def __init__(
        self,
        *args: Any,
        held_on: date,
        owners: QuerySet[Practitioner],
        agencies: QuerySet[Agency],
        record: PrinciplesRecord | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.held_on = held_on
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if record is not None:
            self.fields["outcome"].queryset = Outcome.objects.filter(  # type: ignore[attr-defined]
                record=record
            ).order_by("pk")
            self.fields["risk"].queryset = PriorityRisk.objects.filter(  # type: ignore[attr-defined]
                record=record
            ).order_by("rank")

    def clean_due_date(self) -> date:
        due: date = self.cleaned_data["due_date"]
        if due < self.held_on:
            raise forms.ValidationError(
                _("The due date must be on or after the day of the session, %(date)s"),
                params={"date": _day(self.held_on)},
            )
        return due


class DoneForm(forms.Form):
    completion_note = forms.CharField(
        label=_("What was done"),
        help_text=_("This is kept as the action's completion note."),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Say what was done")},
    )


class ProgressPointForm(forms.Form):
    target = forms.CharField(
        label=_("Where do we want to be?"),
        help_text=_("What will be different for the children, in terms everyone can check."),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter where we want to be")},
    )
    monitored_by = forms.CharField(
        label=_("Who checks"),
        help_text=_("For example, the core group, or a named practitioner."),
        max_length=300,
        error_messages={"required": _("Enter who checks")},
    )
    how = forms.CharField(
        label=_("How it is checked"),
        help_text=_("For example, core group meetings, home visits or attendance data."),
        max_length=300,
        error_messages={"required": _("Enter how it is checked")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    review_date = forms.DateField(
        label=_("Review date"),
        help_text=_("For example, 2026-04-16"),
        input_formats=DATE_FORMATS,
        required=False,
        error_messages={"invalid": _("Enter a real date, for example 2026-04-16")},
    )
    no_actions_reason = forms.CharField(
        label=_("If no actions are needed, why not?"),
        help_text=_("Only when the session agreed that nothing needs to be done."),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, held_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held_on = held_on

    def clean_review_date(self) -> date | None:
        review: date | None = self.cleaned_data["review_date"]
        if review is not None and review <= self.held_on:
            raise forms.ValidationError(
                _("The review date must be after the day of the session, %(date)s"),
                params={"date": _day(self.held_on)},
            )
        return review
