"""The one form of the review page: where we are now against a progress point."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ProgressCheckForm(forms.Form):
    where_we_are = forms.CharField(
        label=_("Where are we now?"),
        help_text=_("What has changed for the children since the last session, and how we know."),
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": _("Enter where we are now")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
