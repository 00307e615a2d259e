"""Forms for the session record. Names are not translated: lists of people carry translate="no"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.agencies.models import Practitioner
from supervision.cases.forms import PeopleField
from supervision.cases.models import Case, Person
from supervision.records.models import BalancingColumn, OutcomeStatus, StrengthKind, Whose


class WhatMattersForm(forms.Form):
    what_matters = forms.CharField(
        label=_("What matters"),
        help_text=_("What matters to the family, as the social worker heard it."),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Enter what matters to the family")},
    )
    family_words = forms.CharField(
        label=_("The family's own words"),
        help_text=_("Quote each person, saying who said it and when."),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


def _people(case: Case) -> Any:
    return Person.objects.filter(case=case).order_by("date_of_birth", "pk")


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PeopleChoiceField(PeopleField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class OutcomeForm(forms.Form):
    whose = forms.ChoiceField(
        label=_("Whose outcome is it?"),
        choices=Whose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whose outcome it is")},
    )
    person = PersonChoiceField(
        label=_("Who (for a child or a parent)"),
        queryset=Person.objects.none(),
        required=False,
        empty_label="",
    )
    text = forms.CharField(
        label=_("Outcome"),
        help_text=_("In the family's terms: what will be different, day to day?"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter the outcome")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=OutcomeStatus.choices,
        initial=OutcomeStatus.AGREED,
        widget=forms.RadioSelect,
    )
    keep_reason = forms.CharField(
        label=_("Keep this wording"),
        help_text=_("If the wording should stay as it is, say why."),
        widget=forms.Textarea,
        max_length=1000,
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(case)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("whose") == Whose.WHOLE_FAMILY:
            data["person"] = None
        return data


class StrengthForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of strength"),
        choices=StrengthKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of strength")},
    )
    text = forms.CharField(
        label=_("Strength"),
        help_text=_("What happens, and what shows it."),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter the strength")},
    )
    people = PeopleChoiceField(
        label=_("The people it is about"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people(case)  # type: ignore[attr-defined]


class RiskForm(forms.Form):
    trying_to_avoid = forms.CharField(
        label=_("What is the family trying to avoid?"),
        help_text=_("In their words where you can."),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter what the family is trying to avoid")},
    )
    from_whose_view = forms.CharField(
        label=_("From whose point of view?"),
        max_length=200,
        error_messages={"required": _("Enter whose point of view this is")},
    )


class MomentForm(forms.Form):
    when = forms.CharField(
        label=_("When"),
        max_length=300,
        error_messages={"required": _("Enter when the risk is highest")},
    )
    where = forms.CharField(label=_("Where"), max_length=300, required=False)
    trigger = forms.CharField(label=_("Trigger"), max_length=300, required=False)
    early_sign = forms.CharField(label=_("Early warning sign"), max_length=300, required=False)


class BalancingItemForm(forms.Form):
    column = forms.ChoiceField(
        label=_("Is it a strength, a risk or an outstanding need?"),
        choices=BalancingColumn.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a strength, a risk or an outstanding need")},
    )
    text = forms.CharField(
        label=_("What was said"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter what was said")},
    )
    raised_by = forms.CharField(
        label=_("Who raised it?"),
        help_text=_("A practitioner, an agency or a family member."),
        max_length=200,
        error_messages={"required": _("Enter who raised it")},
    )


_SCORE_ERROR = _("Enter a whole number from 0 to 10")


class ScalingScoreForm(forms.Form):
    participant = forms.CharField(
        label=_("Participant"),
        help_text=_("The person or agency giving the score."),
        max_length=200,
        error_messages={"required": _("Enter who gave the score")},
    )
    score = forms.IntegerField(
        label=_("Score (0 to 10)"),
        help_text=_("0 means the children cannot live at home; 10 means safe enough to close."),
        min_value=0,
        max_value=10,
        widget=forms.NumberInput,
        error_messages={
            "required": _SCORE_ERROR,
            "invalid": _SCORE_ERROR,
            "min_value": _SCORE_ERROR,
            "max_value": _SCORE_ERROR,
        },
    )
    rationale = forms.CharField(
        label=_("Why this score"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )


class BalancingSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary judgement"),
        help_text=_("How the strengths weigh against the risks and outstanding needs."),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Enter the summary judgement")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ChairSummaryForm(forms.Form):
    information_shared = forms.CharField(
        label=_("Information shared"),
        help_text=_("What the agencies brought, including what the merged chronology showed."),
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": _("Enter the information shared")},
    )
    learning_points = forms.CharField(
        label=_("Learning points"),
        help_text=_("What the practitioners learnt about doing things better, one per line."),
        widget=forms.Textarea,
        max_length=10000,
        required=False,
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class PractitionerChoiceField(PeopleField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name}, {obj.agency.name}"


class AttendanceForm(forms.Form):
    attendees = PractitionerChoiceField(
        label=_("Who attended?"),
        queryset=Practitioner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: list[Practitioner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        field.queryset = Practitioner.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in candidates]
        ).select_related("user", "agency")


class SignOffForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("Enter your password again to sign the record off."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
        max_length=200,
        error_messages={"required": _("Enter your password")},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the signed-off record need changing?"),
        help_text=_("The reason stays with the version it replaces."),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter why the record needs changing")},
    )


class ReflectiveNoteForm(forms.Form):
    text = forms.CharField(
        label=_("My role and impact"),
        help_text=_(
            "How you see your own role with this family: as a helper, an enabler or a "
            "practitioner, and the difference you make. Only the session's attendees and "
            "chair can read this; it is never sent out or put on the case file."
        ),
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": _("Enter your reflection")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
