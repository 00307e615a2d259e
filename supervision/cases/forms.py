"""Forms for emergency (break-glass) access and its review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.cases.models import BreakGlassGrant


class BreakGlassForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        help_text=_("The 10-character reference of the case, for example ABCDE-12345."),
        max_length=20,
        error_messages={"required": _("Enter the case reference")},
    )
    reason_code = forms.ChoiceField(
        label=_("Why do you need emergency access?"),
        choices=BreakGlassGrant.ReasonCode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why you need emergency access")},
    )
    reason = forms.CharField(
        label=_("Explain what has happened"),
        help_text=_(
            "Someone else reviews every use of emergency access and reads this. Do not write "
            "the names of the family."
        ),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Explain why you need emergency access")},
    )
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("Enter your password again to confirm it is you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
        max_length=200,
        error_messages={"required": _("Enter your password")},
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Explain why you need emergency access"))
        return reason


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was the emergency access justified?"),
        choices=BreakGlassGrant.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the emergency access was justified")},
    )
    note = forms.CharField(
        label=_("Review note"),
        help_text=_("Required if it was not justified: what happens next."),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        note = (data.get("note") or "").strip()
        if data.get("outcome") == BreakGlassGrant.Outcome.NOT_JUSTIFIED and not note:
            self.add_error("note", _("Write what happens next when it was not justified"))
        return data


_MAX_KEY_DIGITS = 18  # every value below 10**18 fits a 64-bit integer key


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A multiple choice of rows with integer keys (people, practitioners) that turns away a
    forged value too large for the database before it reaches a query."""

    def _check_values(self, value: Any) -> Any:
        for key in value:
            text = str(key)
            if not text.isdigit() or len(text) > _MAX_KEY_DIGITS:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:40]},
                )
        return super()._check_values(value)  # type: ignore[misc]
