from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from supervision.agencies.models import Agency
from supervision.dashboards.selectors import QualityFilter
from supervision.domain.quality import Granularity, add_months, month_start

#: How far back the figures can go, in months.
MONTHS_OFFERED = 60
#: The figures shown first: the last twelve months, by month.
DEFAULT_MONTHS = 12


def _month_value(day: date) -> str:
    return f"{day:%Y-%m}"


def _parse_month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def default_data(today: date) -> dict[str, str]:
    this_month = month_start(today)
    return {
        "period": Granularity.MONTH.value,
        "start": _month_value(add_months(this_month, 1 - DEFAULT_MONTHS)),
        "end": _month_value(this_month),
        "agency": "",
    }


class QualityFilterForm(forms.Form):
    """Which periods and which requesting agency. Read from the query string; anything
    missing takes its default."""

    period = forms.ChoiceField(
        label=_("Show the figures by"),
        choices=[(Granularity.MONTH.value, _("Month")), (Granularity.QUARTER.value, _("Quarter"))],
        widget=forms.RadioSelect,
    )
    start = forms.ChoiceField(label=_("From"))
    end = forms.ChoiceField(label=_("To"))
    agency = forms.ChoiceField(
        label=_("Requesting agency"),
        help_text=_("The agency that asked for the supervision."),
        required=False,
    )

    def __init__(
        self,
        data: Mapping[str, str],
        *,
        today: date,
        agencies: Sequence[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__({**default_data(today), **data}, **kwargs)
        this_month = month_start(today)
        months = [add_months(this_month, -back) for back in range(MONTHS_OFFERED)]
        choices = [(_month_value(month), date_format(month, "F Y")) for month in months]
        self.fields["start"].choices = choices  # type: ignore[attr-defined]
        self.fields["end"].choices = choices  # type: ignore[attr-defined]
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            ("", _("All agencies")),
            *((agency.code, agency.name) for agency in agencies),
        ]
        self._agencies = {agency.code: agency for agency in agencies}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and _parse_month(end) < _parse_month(start):
            self.add_error("end", _("The last month must be the same as or after the first"))
        return cleaned

    def quality_filter(self) -> QualityFilter:
        data = self.cleaned_data
        return QualityFilter(
            granularity=Granularity(data["period"]),
            first_month=_parse_month(data["start"]),
            last_month=_parse_month(data["end"]),
            agency=self._agencies.get(data["agency"]) if data["agency"] else None,
        )

    def query(self) -> dict[str, str]:
        """The cleaned choice as query-string values (for the CSV link)."""
        data = self.cleaned_data
        return {key: data[key] for key in ("period", "start", "end", "agency")}
