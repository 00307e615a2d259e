"""Forms of the distribution page. Lists of people and files are built by the view from
rows it already has, so rendering them runs no query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.agencies.models import Practitioner
from supervision.artefacts.models import ArtefactFile

REASON_HELP = _(
    "How having it helps the care and support plan for the children, for example as a "
    "member of the core group."
)
BASIS_HELP = _(
    "The information sharing protocol or agreement that allows it, and the lawful basis, "
    "for example “WASPI protocol, UK GDPR article 6(1)(e)”."
)


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("Why they need it for care planning"),
        help_text=REASON_HELP,
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Enter why they need it for care planning")},
    )


def _basis() -> forms.CharField:
    return forms.CharField(
        label=_("Information-sharing basis"),
        help_text=BASIS_HELP,
        max_length=300,
        error_messages={"required": _("Enter the information-sharing basis")},
    )


class RecipientForm(forms.Form):
    """Send the document, through the service, to a practitioner who did not attend."""

    practitioner = forms.TypedChoiceField(
        label=_("Who to send it to"),
        help_text=_("Only practitioners who can already open this case are listed."),
        coerce=int,
        error_messages={
            "required": _("Select who to send it to"),
            "invalid_choice": _("Select someone from the list"),
        },
    )
    reason = _reason()
    sharing_basis = _basis()

    def __init__(self, *args: Any, candidates: Sequence[Practitioner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {practitioner.pk: practitioner for practitioner in candidates}
        field = cast(forms.TypedChoiceField, self.fields["practitioner"])
        field.choices = [("", "")] + [
            (practitioner.pk, f"{practitioner.user.full_name}, {practitioner.agency.name}")
            for practitioner in candidates
        ]

    def chosen(self) -> Practitioner:
        return self.candidates[self.cleaned_data["practitioner"]]


class SecureEmailForm(forms.Form):
    """Record a document sent by secure email to someone without an account."""

    name = forms.CharField(
        label=_("Their name"),
        max_length=200,
        error_messages={"required": _("Enter the name of the person it was sent to")},
    )
    organisation = forms.CharField(
        label=_("Their organisation"),
        max_length=200,
        required=False,
    )
    email = forms.EmailField(
        label=_("Their secure email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address it was sent to"),
            "invalid": _("Enter an email address like name@example.gov.uk"),
        },
    )
    file = forms.TypedChoiceField(
        label=_("Which file was sent"),
        coerce=int,
        error_messages={
            "required": _("Select the file that was sent"),
            "invalid_choice": _("Select a file from the list"),
        },
    )
    sent_by = forms.CharField(
        label=_("Who sent it"),
        help_text=_("The name of the person who sent the secure email."),
        max_length=200,
        error_messages={"required": _("Enter the name of the person who sent it")},
    )
    reason = _reason()
    sharing_basis = _basis()

    def __init__(
        self, *args: Any, files: Sequence[ArtefactFile], labels: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.file_choices = {file.pk: file for file in files}
        field = cast(forms.TypedChoiceField, self.fields["file"])
        field.choices = [("", "")] + [(file.pk, labels[file.pk]) for file in files]

    def chosen(self) -> ArtefactFile:
        return self.file_choices[self.cleaned_data["file"]]


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your correction"),
        help_text=_("Say which part of the minutes is wrong and what it should say."),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Enter your correction")},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("accepted", _("Accept the correction")),
            ("not_accepted", _("Do not accept it")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether you accept the correction")},
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("If you do not accept it, say why."),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "not_accepted" and not data.get("note", "").strip():
            self.add_error("note", _("Say why you do not accept the correction"))
        return data

    @property
    def accepted(self) -> bool:
        return bool(self.cleaned_data["decision"] == "accepted")
