"""Reading chronology files and the forms that shape chronology pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.cases.forms import PeopleField
from supervision.cases.models import Case, Person
from supervision.chronology.models import (
    ChronologyEntry,
    ChronologyExport,
    DatePrecision,
    EngagementFlag,
    EventType,
    FindingKind,
    Polarity,
    Significance,
    Theme,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from_table(header: list[str], body: list[list[str]]) -> list[dict[str, str]]:
    names = [name.strip().lower().lstrip("\ufeff") for name in header]
    rows = []
    for cells in body:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines at the end of a sheet
        rows.append({name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)})
    return rows


def decode_text(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark, else Windows-1252 (Excel's CSV on Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def read_rows(upload: UploadedFile[Any]) -> list[dict[str, str]]:
    """Read a CSV or XLSX chronology into rows of column name -> text.

    Raises ValidationError with a message for the person uploading.
    """
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is larger than 5 MB. Split it into smaller files."))
    if not data.strip():
        raise forms.ValidationError(_("The file is empty."))
    name = (upload.name or "").lower()
    try:
        if data.startswith(XLSX_MAGIC):
            rows = _read_xlsx(data)
        elif name.endswith((".csv", ".txt")):
            rows = _read_csv(data)
        else:
            raise forms.ValidationError(_("The file must be a CSV or an Excel (.xlsx) file."))
    except (UnicodeDecodeError, csv.Error, KeyError, IndexError, ValueError, OSError) as error:
        if isinstance(error, forms.ValidationError):
            raise
        raise forms.ValidationError(
            _("The file could not be read. Save it as CSV (UTF-8) or Excel (.xlsx) and try again.")
        ) from error
    if not rows:
        raise forms.ValidationError(_("The file has a header row but no entries."))
    if any("\x00" in value for row in rows for value in row.values() if value):
        raise forms.ValidationError(
            _("The file holds characters that are not text. Save it as CSV (UTF-8) or Excel.")
        )
    if len(rows) > MAX_ROWS:
        raise forms.ValidationError(
            _("The file has %(count)s entries; the most one file can hold is %(limit)s.")
            % {"count": len(rows), "limit": MAX_ROWS}
        )
    return rows


def _read_csv(data: bytes) -> list[dict[str, str]]:
    text = decode_text(data)
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table:
        return []
    return _rows_from_table(table[0], table[1:])


def _read_xlsx(data: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise ValueError("unreadable workbook") from error
    sheet = workbook.worksheets[0]
    table = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    if not table:
        return []
    return _rows_from_table(table[0], table[1:])


class ChronologyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a chronology file"),
        help_text=_("CSV or Excel (.xlsx), in the layout of the template, up to 5 MB."),
    )

    def clean_file(self) -> list[dict[str, str]]:
        return read_rows(self.cleaned_data["file"])


class ChronologyFilterForm(forms.Form):
    agency = forms.CharField(label=_("Agency"), required=False)
    person = forms.CharField(label=_("Child or adult"), required=False)
    theme = forms.CharField(label=_("Theme"), required=False)
    polarity = forms.ChoiceField(
        label=_("Strength or worry"),
        required=False,
        choices=[("", _("All")), *Polarity.choices],
    )
    start = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period must be after its start."))
        return data


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of finding"), choices=FindingKind.choices)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea, max_length=4000)
    entries = forms.CharField(
        label=_("Entries behind it"),
        help_text=_("Entry references separated by commas, for example HV-03, POL-02."),
    )

    def clean_entries(self) -> list[str]:
        refs = [ref.strip() for ref in self.cleaned_data["entries"].split(",") if ref.strip()]
        if not refs:
            raise forms.ValidationError(_("Cite at least one entry."))
        return refs


# --- Adding and changing an entry on screen ---------------------------------------------
# (Imported here so this part can be appended without touching the code above.)


LINK_FIELDS = {
    "links_same_event": "same_event",
    "links_corroborates": "corroborates",
    "links_conflicts_with": "conflicts_with",
}
NO_ACTION_MESSAGE = _("Say what action was taken, or tick ‘No action was taken’")


def _ref_list(text: str) -> list[str]:
    """Entry references typed with commas, semicolons or spaces between them."""
    return [ref.upper() for ref in re.split(r"[\s,;]+", text.strip()) if ref]


class EntryForm(forms.Form):
    """One chronology entry. With draft=True nothing is required: what parses is kept.

    The date is three boxes (day, month, year) whose meaning depends on how exact the date
    is: a month-only date leaves the day empty, a year-only date leaves day and month empty.
    """

    agency = forms.ChoiceField(
        label=_("Agency"),
        error_messages={"required": _("Select the agency this entry is for")},
    )
    event_day = forms.CharField(label=_("Day"), required=False)
    event_month = forms.CharField(label=_("Month"), required=False)
    event_year = forms.CharField(label=_("Year"), required=False)
    date_precision = forms.ChoiceField(
        label=_("How exact is the date?"),
        choices=DatePrecision.choices,
        widget=forms.RadioSelect,
        initial=DatePrecision.EXACT,
        error_messages={"required": _("Select how exact the date is")},
    )
    event_time = forms.CharField(
        label=_("Time (optional)"),
        help_text=_("Use the 24-hour clock, for example 14:30."),
        required=False,
        max_length=8,
    )
    source = forms.CharField(
        label=_("Source of information"),
        help_text=_("Where this comes from, for example ‘home visit record’ or ‘incident log’."),
        max_length=300,
        error_messages={
            "required": _("Enter the source of the information"),
            "max_length": _("The source must be 300 characters or fewer"),
        },
    )
    event_type = forms.ChoiceField(
        label=_("Type of event"),
        choices=[("", _("Select the type of event")), *EventType.choices],
        error_messages={"required": _("Select the type of event")},
    )
    subjects = PeopleField(
        label=_("Who is this entry about?"),
        help_text=_("Select everyone it is about."),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one person this entry is about"),
            "invalid_choice": _("Select people from this case"),
            "invalid_pk_value": _("Select people from this case"),
        },
    )
    description = forms.CharField(
        label=_("What happened"),
        help_text=_("The facts: what was seen, heard, said or done. Keep opinion out."),
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": _("Describe what happened")},
    )
    impact_on_child = forms.CharField(
        label=_("Impact on the child (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=10000,
    )
    action_taken = forms.CharField(
        label=_("Action taken"),
        help_text=_("What was done in response, by whom."),
        widget=forms.Textarea,
        required=False,
        max_length=10000,
    )
    no_action = forms.BooleanField(label=_("No action was taken"), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes (optional)"),
        queryset=Theme.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Select themes from the list")},
    )
    significance = forms.ChoiceField(
        label=_("Significance"),
        choices=Significance.choices,
        widget=forms.RadioSelect,
        initial=Significance.NONE,
        error_messages={"required": _("Select the significance, or ‘Not rated’")},
    )
    polarity = forms.ChoiceField(
        label=_("Does this entry record a strength or a worry?"),
        choices=Polarity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether this entry records a strength, a worry, both or neither")
        },
    )
    engagement = forms.ChoiceField(
        label=_("Engagement"),
        help_text=_("Use ‘Was not brought’ for a child, ‘Did not attend’ for an adult."),
        choices=EngagementFlag.choices,
        initial=EngagementFlag.NOT_APPLICABLE,
        error_messages={"required": _("Select the engagement, or ‘Not applicable’")},
    )
    childs_words = forms.CharField(
        label=_("The child’s own words (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=10000,
    )
    links_same_event = forms.CharField(label=_("The same event as"), required=False, max_length=500)
    links_corroborates = forms.CharField(label=_("Corroborates"), required=False, max_length=500)
    links_conflicts_with = forms.CharField(
        label=_("Conflicts with"), required=False, max_length=500
    )

    def __init__(
        self,
        data: Any = None,
        *,
        case: Case,
        entry: ChronologyEntry | None = None,
        agencies: Sequence[tuple[str, str]] = (),
        draft: bool = False,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(entry)
        super().__init__(data, **kwargs)
        self.case = case
        self.entry = entry
        self.draft = draft
        self.today = today or timezone.localdate()
        if entry is None:
            agency = cast(forms.ChoiceField, self.fields["agency"])
            agency.choices = list(agencies)
            if len(agencies) == 1:
                agency.initial = agencies[0][0]
        else:
            del self.fields["agency"]
        subjects = cast("forms.ModelMultipleChoiceField[Person]", self.fields["subjects"])
        # Children first, youngest first; each shown by full name.
        subjects.queryset = case.people.annotate(
            adult=models.Case(
                models.When(role__in=Person.CHILD_ROLES, then=models.Value(0)),
                default=models.Value(1),
            )
        ).order_by("adult", "-date_of_birth", "pk")
        themes = cast("forms.ModelMultipleChoiceField[Theme]", self.fields["themes"])
        shown = Q(is_active=True)
        if entry is not None:
            shown |= Q(entries=entry)  # a theme retired since keeps showing where it is used
        themes.queryset = Theme.objects.filter(shown).distinct().order_by("name_en")
        if draft:
            for field in self.fields.values():
                field.required = False

    @staticmethod
    def initial_for(entry: ChronologyEntry) -> dict[str, Any]:
        day = entry.event_date
        precision = entry.date_precision
        links: dict[str, list[str]] = {name: [] for name in LINK_FIELDS}
        by_kind = {kind: name for name, kind in LINK_FIELDS.items()}
        for link in entry.links.select_related("target").order_by("target__ref"):
            links[by_kind[link.kind]].append(link.target.ref)
        return {
            "event_day": str(day.day) if day and precision in ("exact", "approximate") else "",
            "event_month": str(day.month) if day and precision != "year" else "",
            "event_year": str(day.year) if day else "",
            "date_precision": precision,
            "event_time": entry.event_time.strftime("%H:%M") if entry.event_time else "",
            "source": entry.source,
            "event_type": entry.event_type,
            "subjects": list(entry.subjects.all()),
            "description": entry.description,
            "impact_on_child": entry.impact_on_child,
            "action_taken": entry.action_taken,
            "no_action": entry.no_action,
            "themes": list(entry.themes.all()),
            "significance": entry.significance,
            "polarity": entry.polarity,
            "engagement": entry.engagement,
            "childs_words": entry.childs_words,
            **{name: ", ".join(refs) for name, refs in links.items()},
        }

    def clean_event_time(self) -> time | None:
        text = self.cleaned_data["event_time"].strip()
        if not text:
            return None
        for pattern in ("%H:%M", "%H.%M"):
            try:
                return datetime.strptime(text, pattern).time()
            except ValueError:
                continue
        raise forms.ValidationError(_("Enter the time as hours and minutes, for example 14:30"))

    def _clean_links(self, name: str) -> list[tuple[str, ChronologyEntry]]:
        refs = _ref_list(self.cleaned_data.get(name, ""))
        if not refs:
            return []
        own = self.entry.ref.upper() if self.entry is not None else None
        if own in refs:
            raise forms.ValidationError(_("An entry cannot be linked to itself"))
        found = {
            entry.ref.upper(): entry
            for entry in ChronologyEntry.objects.filter(
                case=self.case, is_draft=False, ref__in={*refs, *(r.lower() for r in refs)}
            )
        }
        missing = [ref for ref in refs if ref not in found]
        if missing:
            raise forms.ValidationError(
                _("There is no entry %(refs)s in this chronology") % {"refs": ", ".join(missing)}
            )
        return [(LINK_FIELDS[name], found[ref]) for ref in dict.fromkeys(refs)]

    def clean_links_same_event(self) -> list[tuple[str, ChronologyEntry]]:
        return self._clean_links("links_same_event")

    def clean_links_corroborates(self) -> list[tuple[str, ChronologyEntry]]:
        return self._clean_links("links_corroborates")

    def clean_links_conflicts_with(self) -> list[tuple[str, ChronologyEntry]]:
        return self._clean_links("links_conflicts_with")

    def _event_date(self) -> date | None:
        """The date from the three boxes, as exact as the precision says; None if blank."""
        day, month, year = (
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("event_day", "event_month", "event_year")
        )
        precision = self.cleaned_data.get("date_precision") or DatePrecision.EXACT
        if not (day or month or year):
            if not self.draft:
                raise forms.ValidationError(_("Enter the date of the event"))
            return None
        if not all(part.isdigit() for part in (day, month, year) if part):
            raise forms.ValidationError(_("The date of the event must be a real date"))
        if not year:
            raise forms.ValidationError(_("The date of the event must include a year"))
        if len(year) != 4:
            raise forms.ValidationError(_("The year must have 4 numbers, for example 2025"))
        if precision in (DatePrecision.EXACT, DatePrecision.APPROXIMATE) and not (day and month):
            raise forms.ValidationError(
                _(
                    "The date of the event must include a day and month, "
                    "or choose ‘Month only’ or ‘Year only’"
                )
            )
        if precision == DatePrecision.MONTH and not month:
            raise forms.ValidationError(
                _("The date of the event must include a month, or choose ‘Year only’")
            )
        if precision == DatePrecision.YEAR:
            month = day = "1"
        elif precision == DatePrecision.MONTH:
            day = "1"
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("The date of the event must be a real date")) from None
        if value > self.today:
            raise forms.ValidationError(_("The date of the event must be today or in the past"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["event_date"] = self._event_date()
        except forms.ValidationError as error:
            self.add_error("event_day", error)
        action = (data.get("action_taken") or "").strip()
        missing_action = not action and not data.get("no_action")
        if not self.draft and missing_action and "action_taken" not in self.errors:
            self.add_error("action_taken", NO_ACTION_MESSAGE)
        if action and data.get("no_action"):
            self.add_error(
                "action_taken",
                _("Either say what action was taken or tick ‘No action was taken’, not both"),
            )
        return data

    def entry_data(self) -> dict[str, Any]:
        """What the service saves: every answer that parsed (all of them unless a draft).

        A link box that does not parse leaves the entry's links as they are.
        """
        data = self.cleaned_data
        names = [
            "date_precision",
            "event_time",
            "source",
            "event_type",
            "subjects",
            "description",
            "impact_on_child",
            "themes",
            "significance",
            "polarity",
            "engagement",
            "childs_words",
        ]
        result = {name: data[name] for name in names if name in data}
        if data.get("event_date") is not None:
            result["event_date"] = data["event_date"]
            result["date_precision"] = data.get("date_precision") or DatePrecision.EXACT
        else:
            result.pop("date_precision", None)  # kept with the date it describes
        if "action_taken" in data and "no_action" in data and "action_taken" not in self.errors:
            result["action_taken"] = data["action_taken"]
            result["no_action"] = data["no_action"]
        if all(name in data for name in LINK_FIELDS):
            result["links"] = [link for name in LINK_FIELDS for link in data[name]]
        if self.draft:
            for name in ("significance", "engagement"):
                if not result.get(name):
                    result.pop(name, None)
        return result


class EntryNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add a note"),
        help_text=_("Your note shows with your name and agency. It does not change the entry."),
        widget=forms.Textarea,
        max_length=4000,
        error_messages={
            "required": _("Enter your note"),
            "max_length": _("The note must be 4,000 characters or fewer"),
        },
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            (ChronologyExport.Format.PDF, _("PDF, to read or print")),
            (ChronologyExport.Format.XLSX, _("Excel spreadsheet (.xlsx)")),
            (ChronologyExport.Format.CSV, _("CSV, for other spreadsheet programs")),
        ],
        error_messages={"required": _("Select the format of the file")},
    )
    anonymised = forms.BooleanField(label=_("Replace names with roles"), required=False)
