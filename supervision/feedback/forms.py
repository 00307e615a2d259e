from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

RATING_CHOICES = [
    ("1", _("1 – not useful")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _("5 – very useful")),
]


class FeedbackForm(forms.Form):
    useful = forms.CharField(
        label=_("What was useful?"),
        help_text=_("For example, something you learned, or something you will now do."),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    better = forms.CharField(
        label=_("What could be better?"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    rating = forms.TypedChoiceField(
        label=_("Overall, how useful was the session? (optional)"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        if not cleaned.get("useful", "").strip() and not cleaned.get("better", "").strip():
            self.add_error("useful", _("Tell us what was useful, what could be better, or both"))
        return cleaned
