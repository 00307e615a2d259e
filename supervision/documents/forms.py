"""The form for adding a document to a case's pack."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.documents import files
from supervision.documents.models import DocumentLanguage, DocumentType

DATE_FIELDS = ("document_day", "document_month", "document_year")


class DocumentUploadForm(forms.Form):
    """Type, title, date, version and language of a document, and the file itself.

    The date is three boxes (day, month, year). The file is checked by its content
    (supervision.documents.files); the cleaned "file" is the upload, checked.
    """

    type = forms.ChoiceField(
        label=_("Type of document"),
        choices=DocumentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the type of document"),
            "invalid_choice": _("Select the type of document"),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        help_text=_("As it appears on the document, for example ‘Review conference report’."),
        max_length=200,
        error_messages={
            "required": _("Enter the title of the document"),
            "max_length": _("The title must be 200 characters or fewer"),
        },
    )
    document_day = forms.CharField(label=_("Day"), required=False)
    document_month = forms.CharField(label=_("Month"), required=False)
    document_year = forms.CharField(label=_("Year"), required=False)
    version = forms.CharField(
        label=_("Version (optional)"),
        help_text=_("For example, v4."),
        max_length=20,
        required=False,
        error_messages={"max_length": _("The version must be 20 characters or fewer")},
    )
    language = forms.ChoiceField(
        label=_("Language of the document"),
        choices=DocumentLanguage.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the language of the document"),
            "invalid_choice": _("Select the language of the document"),
        },
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG or JPEG file, "
            "up to 20 MB."
        ),
        allow_empty_file=True,  # files.check_upload says so in the service's words
        error_messages={"required": _("Select a file")},
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_document_day(self) -> date:
        """The three date boxes as one date (the error shows against the first box)."""
        day, month, year = (
            (self.data.get(self.add_prefix(name)) or "").strip() for name in DATE_FIELDS
        )
        if not (day or month or year):
            raise forms.ValidationError(_("Enter the date of the document"))
        if not all(part.isdigit() for part in (day, month, year) if part):
            raise forms.ValidationError(_("The date of the document must be a real date"))
        if not day:
            raise forms.ValidationError(_("The date of the document must include a day"))
        if not month:
            raise forms.ValidationError(_("The date of the document must include a month"))
        if not year:
            raise forms.ValidationError(_("The date of the document must include a year"))
        if len(year) != 4:
            raise forms.ValidationError(_("The year must have 4 numbers, for example 2025"))
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("The date of the document must be a real date")) from None
        if value > self.today:
            raise forms.ValidationError(_("The date of the document must be today or in the past"))
        return value

    def clean_file(self) -> UploadedFile[Any]:
        upload: UploadedFile[Any] = self.cleaned_data["file"]
        files.check_upload(upload)
        return upload

    @property
    def document_date(self) -> date:
        value: date = self.cleaned_data["document_day"]
        return value
