"""Forms for the case file page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from supervision.casefile.models import AlertMethod

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class SynopsisForm(forms.Form):
    text = forms.CharField(
        label=_("Synopsis for the case file"),
        help_text=_(
            "Prefilled from the signed-off record. Change it as needed before it goes on the "
            "child’s case file."
        ),
        widget=forms.Textarea,
        max_length=20000,
        error_messages={"required": _("Enter the synopsis")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RecordedForm(forms.Form):
    case_system_reference = forms.CharField(
        label=_("Reference in the case system"),
        help_text=_("Where the synopsis is on the child’s case file, for example LA-2026-0117."),
        max_length=100,
        error_messages={
            "required": _("Enter the reference of the synopsis in the case system"),
        },
    )


class ConferenceAlertForm(forms.Form):
    conference_on = forms.DateField(
        label=_("Date of the conference"),
        help_text=_("For example, 2026-01-29"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": _("Enter the date of the conference"),
            "invalid": _("Enter a real date, for example 2026-01-29"),
        },
    )
    conference_chair = forms.CharField(
        label=_("Conference chair"),
        help_text=_("Who chairs the conference."),
        max_length=200,
        error_messages={"required": _("Enter who chairs the conference")},
    )
    method = forms.ChoiceField(
        label=_("How was the chair alerted?"),
        choices=AlertMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the chair was alerted")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, held_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held_on = held_on

    def clean_conference_on(self) -> date:
        day: date = self.cleaned_data["conference_on"]
        if day < self.held_on:
            raise forms.ValidationError(
                _("The conference must be on or after the session (%(date)s)")
                % {"date": date_format(self.held_on, "j F Y")}
            )
        return day


class CloseForm(forms.Form):
    """Closing asks for nothing; the form carries the refusal into the error summary."""
