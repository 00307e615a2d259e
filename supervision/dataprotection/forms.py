"""Forms of the data protection pages: a subject access export, a legal hold."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from supervision.dataprotection.models import RequestReason, SubjectKind

# A reference from the officer's own request log: letters, digits and - / _ . only, so it
# can go in an audit row and a file name and never carries a name.
SAR_REFERENCE = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$",
    _("Use letters, numbers and - / _ . only, up to 40, for example SAR-2026-014"),
)


class SubjectAccessForm(forms.Form):
    subject_kind = forms.ChoiceField(
        label=_("Whose information"),
        choices=SubjectKind.choices,
        error_messages={"required": _("Select whose information to export")},
    )
    case_reference = forms.CharField(
        label=_("Case reference"),
        help_text=_("For example 7KQ2M-X4D9P."),
        required=False,
        max_length=20,
    )
    person_key = forms.CharField(
        label=_("Short reference of the person in the case"),
        help_text=_("For example P1. It is on the case page, next to each person."),
        required=False,
        max_length=16,
    )
    email = forms.EmailField(
        label=_("Email address of the member of staff"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.org")},
    )
    sar_reference = forms.CharField(
        label=_("Request reference"),
        help_text=_("The reference of the request in your request log, for example SAR-2026-014."),
        max_length=40,
        validators=[SAR_REFERENCE],
        error_messages={"required": _("Enter the request reference")},
    )
    reason = forms.ChoiceField(
        label=_("Why you are making the export"),
        choices=RequestReason.choices,
        error_messages={"required": _("Select why you are making the export")},
    )
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("An export holds everything about a person, so we ask for it again."),
        widget=forms.PasswordInput,
        strip=False,
        max_length=4096,
        error_messages={"required": _("Enter your password")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("subject_kind")
        if kind == SubjectKind.PERSON:
            if not cleaned.get("case_reference", "").strip():
                self.add_error("case_reference", _("Enter the case reference"))
            if not cleaned.get("person_key", "").strip():
                self.add_error("person_key", _("Enter the person’s short reference"))
        elif kind == SubjectKind.STAFF and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter the member of staff’s email address"))
        return cleaned


class LegalHoldForm(forms.Form):
    case_reference = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        error_messages={"required": _("Enter the case reference")},
    )
    reason = forms.CharField(
        label=_("Why the records must be kept"),
        help_text=_(
            "For example the inquiry or court that asked for them. Do not name the family."
        ),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter why the records must be kept")},
    )
