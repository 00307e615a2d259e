"""Every form of the service, bound with hostile data: validating never raises, and a form
that says it is valid hands over values of the types its fields promise.

The forms are found by importing every module of the service (tests and migrations aside)
and collecting the Django form classes defined there; `test_every_form_is_fuzzed` fails when
one is missing here. Forms that need more than data (a case, a session, the people to choose
from) get them from the signed-off scenario, as their views give them (`MAKERS`).
Examples per form: 1,000 in CI (CI set), 100 otherwise (see fuzzing.py).
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

import supervision
from supervision.actions import selectors as action_selectors
from supervision.agencies.models import Agency
from supervision.artefacts.models import ArtefactFile
from supervision.artefacts.rendering import default_template
from supervision.casefile import selectors as casefile_selectors
from supervision.conftest import DEMO_PASSWORD
from supervision.distribution import selectors as distribution_selectors
from supervision.records import selectors as record_selectors
from supervision.records.models import PrinciplesRecord
from supervision.records.services import record_reopen
from supervision.web.tests.fuzzing import (
    HTTP_EXAMPLES,
    Posted,
    World,
    fresh,
    fuzz_settings,
    module_world,
    near,
    posted,
)
from supervision.web.tests.test_fuzz_importers import (
    NUL_CSV,
    SCENARIO,
    SHARED_STRING_MISSING,
    SHARED_STRING_XLSX,
)

pytestmark = pytest.mark.django_db


# --- Bugs these tests found ------------------------------------------------------------
#
# Each was an unhandled exception (a 500 over HTTP). Its input is replayed first, as an
# explicit example, by the test that found it: for good once fixed (a regression check). A
# bug still open (`fixed=False`) marks that test xfail(strict=True, raises=...): it fails
# for certain until the fix, then the strict xfail fails and the flag goes.

ON_SQLITE = "sqlite" in settings.DATABASES["default"]["ENGINE"]
HUGE = "9" * 30  # beyond 64 bits
VARIANTS = ("", "[edit]", "[draft]", "[new draft]")  # of the chronology entry form

PK_OVERFLOW = (
    "A model multiple choice posted a number beyond 64 bits (a forged checkbox value) "
    "raises OverflowError on SQLite instead of an error message: Django checks the range "
    "for pk=<value> but not for pk__in=[...] (ModelMultipleChoiceField._check_values). "
    "PostgreSQL compares the bigint with the larger number and finds nothing."
)
DATE_OVERFLOW = (
    "The day (or month) box of a date given a huge number raises OverflowError from "
    "datetime.date(...), which only ValueError is caught around "
    "(EntryForm._event_date, DocumentUploadForm.clean_document_day)."
)
VERSION_BEFORE_FIRST_SAVE = (
    "Posting a version other than 0 before anything was saved trips an assert in the "
    "service ('version 0 is the only version without a note/row'): AssertionError. The "
    "service should raise its conflict (or refuse the version) instead."
)
PERIOD_HALF_GIVEN = (
    "Filtering the chronology by only an end date before the default period starts (or only "
    "a start after it ends) raises ValueError('period starts ... after it ends') in "
    "chronology/selectors.py (domain.Period). ChronologyFilterForm compares the two dates "
    "only when both are given."
)
NUL_ON_POSTGRESQL = (
    "A CSV cell holding a NUL character passes read_rows (csv reads NUL since Python 3.11); "
    "PostgreSQL refuses it when chronology_import_check keeps the rows: DataError."
)


@dataclass(frozen=True)
class Bug:
    data: dict[str, str]
    reason: str
    raises: type[BaseException]
    only_on: str | None = None  # "sqlite" or "postgresql": the one database that fails
    who: str = "social_worker"  # over HTTP
    files: tuple[tuple[str, str, bytes], ...] = ()  # (field, file name, content)
    fixed: bool = True

    @property
    def applies(self) -> bool:
        """Whether the test fails on this database: the bug is open and fails here."""
        if self.fixed:
            return False
        return self.only_on is None or (self.only_on == "sqlite") == ON_SQLITE

    def posted(self) -> Posted:
        data = QueryDict(mutable=True)
        for key, value in self.data.items():
            data[key] = value
        files = {name: SimpleUploadedFile(file, content) for name, file, content in self.files}
        return Posted(data=data, files=files)


def _xfail(bugs: list[Bug]) -> list[Any]:
    found = [bug for bug in bugs if bug.applies]
    if not found:
        return []
    reason = " | ".join(dict.fromkeys(bug.reason for bug in found))
    raises = tuple(dict.fromkeys(bug.raises for bug in found))
    return [pytest.mark.xfail(strict=True, raises=raises, reason=reason)]


def _pk_overflow(field_name: str, who: str = "social_worker") -> Bug:
    return Bug({field_name: HUGE}, PK_OVERFLOW, OverflowError, only_on="sqlite", who=who)


ENTRY_DATE = Bug(
    {"event_day": HUGE, "event_month": "12", "event_year": "2025"},
    DATE_OVERFLOW,
    OverflowError,
)
ENTRY_BUGS = [_pk_overflow("subjects"), ENTRY_DATE]
DOCUMENT_DATE = Bug(
    {"document_day": HUGE, "document_month": "12", "document_year": "2025"},
    DATE_OVERFLOW,
    OverflowError,
)
VERSION_1 = Bug({"text": "0", "version": "1"}, VERSION_BEFORE_FIRST_SAVE, AssertionError)
END_ONLY = Bug({"end": "0001-01-01"}, PERIOD_HALF_GIVEN, ValueError)

FORM_BUGS: dict[str, list[Bug]] = {
    **{f"supervision.chronology.forms.EntryForm{v}": ENTRY_BUGS for v in VARIANTS},
    "supervision.documents.forms.DocumentUploadForm": [DOCUMENT_DATE],
    "supervision.records.forms.StrengthForm": [_pk_overflow("people")],
    "supervision.records.forms.AttendanceForm": [_pk_overflow("attendees")],
}
HTTP_BUGS: dict[str, list[Bug]] = {
    "post-chronology:entry_create": ENTRY_BUGS,
    "post-chronology:entry_edit": ENTRY_BUGS,
    "post-chronology:entry_draft": ENTRY_BUGS,
    "post-documents:upload": [DOCUMENT_DATE],
    "post-records:strength_add": [_pk_overflow("people", who="chair")],
    "post-records:attendance": [_pk_overflow("attendees", who="chair")],
    "post-records:reflection_save": [VERSION_1],
    "post-casefile:synopsis_save": [VERSION_1],
    "get-chronology:merged": [END_ONLY],
    "get-chronology:timeline": [END_ONLY],
    "post-chronology:import": [
        Bug(
            {},
            NUL_ON_POSTGRESQL,
            DatabaseError,
            only_on="postgresql",
            files=(("file", "chronology.csv", NUL_CSV),),
        ),
        Bug(
            {},
            SHARED_STRING_MISSING,
            IndexError,
            files=(("file", "chronology.xlsx", SHARED_STRING_XLSX),),
        ),
    ],
}


# --- Finding every form -----------------------------------------------------------------


def _service_modules() -> Iterator[str]:
    for module in pkgutil.walk_packages(supervision.__path__, "supervision."):
        parts = module.name.split(".")
        if {"tests", "migrations", "management"} & set(parts):
            continue
        if parts[-1] in {"settings", "settings_test", "wsgi"}:
            continue
        yield module.name


def _abstract(form_class: type[forms.BaseForm]) -> bool:
    """A model form base class with no model: only its subclasses can be made."""
    meta = getattr(form_class, "_meta", None)
    return issubclass(form_class, forms.BaseModelForm) and getattr(meta, "model", None) is None


IMPORT_ERRORS: dict[str, str] = {}


def discovered_forms() -> dict[str, type[forms.BaseForm]]:
    """Every form class defined in the service's own modules, by dotted name. A module that
    does not import is noted in IMPORT_ERRORS (the meta-test fails on it), not raised here,
    so that collecting the tests never fails."""
    found: dict[str, type[forms.BaseForm]] = {}
    for name in _service_modules():
        try:
            module = importlib.import_module(name)
        except Exception as error:
            IMPORT_ERRORS[name] = f"{type(error).__name__}: {error}"
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == name
                and not _abstract(value)
            ):
                found[f"{name}.{value.__qualname__}"] = value
    return found


# --- How each form is made --------------------------------------------------------------


@dataclass(frozen=True)
class Maker:
    """How a view makes a form: the form class (by discovered name) and what it is given
    besides the data, worked out once per test from the scenario."""

    form: str
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    plain_dict: bool = False  # bound with request.GET.dict(), not the QueryDict


def _held_on(world: World) -> datetime.date:
    return timezone.localdate(world.session.starts_at)


def _files(world: World) -> list[ArtefactFile]:
    return list(world.actions.files.order_by("language", "format"))


ENTRY_AGENCIES = [("CS", "Children's Services"), ("HV", "Health visiting")]
MAKERS: dict[str, Maker] = {
    "supervision.actions.forms.ActionForm": Maker(
        "supervision.actions.forms.ActionForm",
        lambda w: {
            "held_on": _held_on(w),
            "owners": action_selectors.practitioners_of(w.session),
            "agencies": action_selectors.agencies_of(w.session),
            "record": PrinciplesRecord.objects.get(session=w.session),
        },
    ),
    "supervision.actions.forms.ReviewForm": Maker(
        "supervision.actions.forms.ReviewForm", lambda w: {"held_on": _held_on(w)}
    ),
    "supervision.casefile.forms.ConferenceAlertForm": Maker(
        "supervision.casefile.forms.ConferenceAlertForm",
        lambda w: {"held_on": casefile_selectors.held_on(w.session)},
    ),
    "supervision.dashboards.forms.QualityFilterForm": Maker(
        "supervision.dashboards.forms.QualityFilterForm",
        lambda w: {
            "today": timezone.localdate(),
            "agencies": list(Agency.objects.order_by("name_en", "pk")),
        },
        plain_dict=True,
    ),
    "supervision.distribution.forms.RecipientForm": Maker(
        "supervision.distribution.forms.RecipientForm",
        lambda w: {"candidates": distribution_selectors.wider_candidates(w.session)},
    ),
    "supervision.distribution.forms.SecureEmailForm": Maker(
        "supervision.distribution.forms.SecureEmailForm",
        lambda w: {
            "files": _files(w),
            "labels": {file.pk: f"{file.language} {file.format}" for file in _files(w)},
        },
    ),
    "supervision.records.forms.OutcomeForm": Maker(
        "supervision.records.forms.OutcomeForm", lambda w: {"case": w.case}
    ),
    "supervision.records.forms.StrengthForm": Maker(
        "supervision.records.forms.StrengthForm", lambda w: {"case": w.case}
    ),
    "supervision.records.forms.AttendanceForm": Maker(
        "supervision.records.forms.AttendanceForm",
        lambda w: {"candidates": record_selectors.attendance_candidates(w.session)},
    ),
    "supervision.safety.forms.ItemForm": Maker(
        "supervision.safety.forms.ItemForm", lambda w: {"session": w.session}
    ),
    # An entry is added (for the agencies the person writes for), changed, or kept as a draft.
    "supervision.chronology.forms.EntryForm": Maker(
        "supervision.chronology.forms.EntryForm",
        lambda w: {"case": w.case, "agencies": ENTRY_AGENCIES},
    ),
    # (The initial values only show on a blank form: left out, they cost no queries.)
    "supervision.chronology.forms.EntryForm[edit]": Maker(
        "supervision.chronology.forms.EntryForm",
        lambda w: {"case": w.case, "entry": w.entry, "initial": {}},
    ),
    "supervision.chronology.forms.EntryForm[draft]": Maker(
        "supervision.chronology.forms.EntryForm",
        lambda w: {"case": w.case, "entry": w.draft, "draft": True, "initial": {}},
    ),
    "supervision.chronology.forms.EntryForm[new draft]": Maker(
        "supervision.chronology.forms.EntryForm",
        lambda w: {"case": w.case, "agencies": ENTRY_AGENCIES, "draft": True},
    ),
}


_CACHE: dict[str, type[forms.BaseForm]] = {}


def discovered_forms_cached() -> dict[str, type[forms.BaseForm]]:
    if not _CACHE:
        _CACHE.update(discovered_forms())
    return _CACHE


def _needs_more_than_data(form_class: type[forms.BaseForm]) -> bool:
    signature = inspect.signature(form_class.__init__)
    for name, parameter in list(signature.parameters.items())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is parameter.empty and name not in {"data", "files"}:
            return True
    return False


def form_maker(world: World, name: str) -> Callable[[Any, Any], forms.BaseForm]:
    """A function (data, files) -> the form, as its view makes it."""
    maker = MAKERS.get(name, Maker(name))
    form_class = discovered_forms_cached()[maker.form]
    kwargs = maker.kwargs(world)

    takes_files = any(isinstance(f, forms.FileField) for f in form_class.base_fields.values())

    def make(data: Any, files: Any) -> forms.BaseForm:
        if maker.plain_dict:
            data = data.dict() if data is not None else {}
        if takes_files:
            return form_class(data, files, **kwargs)
        return form_class(data, **kwargs)  # as its view makes it: no request.FILES

    return make


# --- A valid post for every form ------------------------------------------------------
#
# Each form gets a valid post (`seed`): every field filled with something its type accepts
# (the first choice offered, the first object it may pick, a date after the session, ...),
# with what a form needs beyond that in SEEDS. The test first checks that the seed is valid,
# then fuzzes both from nothing (`posted`) and around the seed (`near`).

SAFE_TEXT = "Fictional text"
SCENARIO_CSV = SCENARIO.read_bytes()
PDF = b"%PDF-1.7\n%fictional\n"


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# Per form (without [variant]): values, and files, a valid post needs besides the defaults.
SEEDS: dict[str, Callable[[World], tuple[dict[str, Any], dict[str, SimpleUploadedFile]]]] = {
    "supervision.chronology.forms.EntryForm": lambda w: (
        {
            "event_day": "1",
            "event_month": "12",
            "event_year": "2025",
            "event_time": "10:30",
            "no_action": "",
            "links_same_event": "",
            "links_corroborates": "",
            "links_conflicts_with": "POL-02",
        },
        {},
    ),
    "supervision.chronology.forms.ChronologyUploadForm": lambda w: (
        {},
        {"file": _file("chronology.csv", SCENARIO_CSV)},
    ),
    "supervision.documents.forms.DocumentUploadForm": lambda w: (
        {"document_day": "10", "document_month": "12", "document_year": "2025"},
        {"file": _file("plan.pdf", PDF)},
    ),
    "supervision.artefacts.admin.DocxTemplateForm": lambda w: (
        {"kind": "actions"},
        {"file": _file("actions.docx", default_template("actions").read_bytes())},
    ),
    # A CSV is made in a moment; a PDF (WeasyPrint, run at once in tests) takes a second.
    "supervision.chronology.forms.ExportForm": lambda w: ({"format": "csv"}, {}),
    "supervision.agencies.admin.PractitionerInviteForm": lambda w: (
        {"email": "new.colleague@hv.example"},
        {},
    ),
    "supervision.dataprotection.forms.SubjectAccessForm": lambda w: (
        {
            "subject_kind": "person",
            "case_reference": w.case.reference,
            "person_key": "P1",
            "email": "",
            "sar_reference": "SAR-2026-014",
            "password": DEMO_PASSWORD,
        },
        {},
    ),
    **{
        f"supervision.cases.admin.{name}": (
            lambda w: ({"case_reference": w.case.reference, "user": str(w.cast.uninvolved.pk)}, {})
        )
        for name in ("CaseExclusionForm", "RestrictedCaseMemberForm")
    },
}


def _first_choice(field: forms.Field) -> str | None:
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        first = field.queryset.first()
        key = getattr(field, "to_field_name", None) or "pk"
        return None if first is None else str(getattr(first, key))
    return next((str(value) for value in _flat_choices(field) if value != ""), None)


def _default(field: forms.Field) -> Any:
    """Something a field of this type accepts (constraints of a form aside)."""
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        first = _first_choice(field)
        multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        return [first] if multiple and first is not None else first
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.IntegerField):
        low = field.min_value() if callable(field.min_value) else field.min_value
        return str(low if low is not None else 0)
    if isinstance(field, forms.EmailField):
        return "someone@agency.example"
    if isinstance(field, forms.DateField):
        return "2026-01-20"  # after the session (15 January 2026), before today
    if isinstance(field, forms.TimeField):
        return "10:00"
    if isinstance(field, forms.CharField):
        return SAFE_TEXT[: field.max_length or None]
    return None


def seed_for(world: World, name: str, blank: forms.BaseForm) -> Posted:
    values, files = SEEDS.get(_base_name(name), lambda w: ({}, {}))(world)
    data = QueryDict(mutable=True)
    for field_name, field in blank.fields.items():
        value = values[field_name] if field_name in values else _default(field)
        if value is None or isinstance(field, forms.FileField):
            continue
        data.setlist(field_name, value if isinstance(value, list) else [value])
    return Posted(data=data, files=files)


# --- What a valid form must hand over ---------------------------------------------------

# A clean_<field>() method may turn the field's value into something else: say what it is
# then. Every other field is checked against what its class promises (`field_problem`).
CLEANED_AS: dict[str, Callable[[Any], bool]] = {
    "supervision.chronology.forms.ChronologyUploadForm.file": lambda v: (
        isinstance(v, list)
        and all(isinstance(row, dict) for row in v)
        and all(isinstance(k, str) and isinstance(x, str) for row in v for k, x in row.items())
    ),
    "supervision.chronology.forms.FindingForm.entries": lambda v: (
        isinstance(v, list) and bool(v) and all(isinstance(ref, str) and ref for ref in v)
    ),
    "supervision.chronology.forms.EntryForm.event_time": lambda v: (
        v is None or isinstance(v, datetime.time)
    ),
    **{
        f"supervision.chronology.forms.EntryForm.{name}": lambda v: (
            isinstance(v, list) and all(isinstance(kind, str) for kind, _entry in v)
        )
        for name in ("links_same_event", "links_corroborates", "links_conflicts_with")
    },
    "supervision.documents.forms.DocumentUploadForm.document_day": lambda v: (
        type(v) is datetime.date
    ),
}


def _base_name(name: str) -> str:
    return name.split("[", 1)[0]


def field_problem(form: forms.BaseForm, name: str, value: Any, field: forms.Field) -> str | None:
    """Why `value` is not what `field` promises, or None."""
    required = field.required
    if isinstance(field, forms.ModelMultipleChoiceField):
        model = field.queryset.model
        if not isinstance(value, QuerySet) or value.model is not model:
            return f"expected a queryset of {model.__name__}"
        allowed = set(field.queryset.values_list("pk", flat=True))
        if not {item.pk for item in value} <= allowed:
            return "a chosen object is not one the form offers"
        return None
    if isinstance(field, forms.ModelChoiceField):
        if value is None:
            return "required but None" if required else None
        model = field.queryset.model
        if not isinstance(value, model):
            return f"expected a {model.__name__}"
        if not field.queryset.filter(pk=value.pk).exists():
            return "the chosen object is not one the form offers"
        return None
    if isinstance(field, forms.TypedMultipleChoiceField | forms.MultipleChoiceField):
        choices = set(_flat_choices(field))
        if isinstance(field, forms.TypedMultipleChoiceField):
            choices = {field.coerce(choice) for choice in choices}
        if not isinstance(value, list) or not set(value) <= choices:
            return "expected a list of offered choices"
        return None
    if isinstance(field, forms.TypedChoiceField):
        offered = {field.coerce(choice) for choice in _flat_choices(field) if choice != ""}
        if value in offered or (not required and value == field.empty_value):
            return None
        return f"{value!r} is not an offered choice"
    if isinstance(field, forms.ChoiceField):
        offered = set(_flat_choices(field))
        if isinstance(value, str) and (value in offered or (not required and value == "")):
            return None
        return f"{value!r} is not an offered choice"
    if isinstance(field, forms.BooleanField):
        return None if isinstance(value, bool) else "expected a bool"
    if isinstance(field, forms.IntegerField):
        if value is None:
            return "required but None" if required else None
        if type(value) is not int:
            return "expected an int"
        low, high = (
            bound() if callable(bound) else bound for bound in (field.min_value, field.max_value)
        )
        if (low is not None and value < low) or (high is not None and value > high):
            return "outside the field's range"
        return None
    if isinstance(field, forms.DateField):
        if value is None:
            return "required but None" if required else None
        return None if type(value) is datetime.date else "expected a date"
    if isinstance(field, forms.TimeField):
        if value is None:
            return "required but None" if required else None
        return None if isinstance(value, datetime.time) else "expected a time"
    if isinstance(field, forms.FileField):
        if value in (None, False):
            return "required but empty" if required else None
        return None if isinstance(value, UploadedFile) else "expected an uploaded file"
    if isinstance(field, forms.CharField):
        if not isinstance(value, str):
            return "expected text"
        if field.max_length is not None and len(value) > field.max_length:
            return "longer than the field allows"
        if required and not value:
            return "required but empty"
        if "\x00" in value:
            return "holds a NUL character"
        return None
    return f"no check for {type(field).__name__}: add one"


def _flat_choices(field: Any) -> list[Any]:
    values: list[Any] = []
    for key, label in field.choices:
        if isinstance(label, list | tuple):
            values += [inner for inner, _label in label]
        else:
            values.append(key)
    return values


def check_valid_form(name: str, form: forms.BaseForm) -> None:
    base = _base_name(name)
    for field_name, field in form.fields.items():
        if field_name not in form.cleaned_data:
            continue
        value = form.cleaned_data[field_name]
        custom = CLEANED_AS.get(f"{base}.{field_name}")
        if custom is not None:
            assert custom(value), f"{field_name}: {value!r} is not what clean_ promises"
            continue
        problem = field_problem(form, field_name, value, field)
        hint = ""
        if hasattr(form, f"clean_{field_name}"):
            hint = f" (if clean_{field_name} returns another type on purpose, add it to CLEANED_AS)"
        assert problem is None, f"{field_name}: {problem} (got {value!r}){hint}"


# What a view does with a form after validating it: it must not raise either.
AFTER: dict[str, Callable[[forms.BaseForm, bool], object]] = {
    "supervision.distribution.forms.RecipientForm": lambda f, ok: ok and f.chosen(),
    "supervision.distribution.forms.SecureEmailForm": lambda f, ok: ok and f.chosen(),
    "supervision.distribution.forms.DecisionForm": lambda f, ok: ok and f.accepted,
    "supervision.dashboards.forms.QualityFilterForm": lambda f, ok: (
        ok and (f.quality_filter(), f.query())
    ),
    "supervision.documents.forms.DocumentUploadForm": lambda f, ok: ok and f.document_date,
    # A draft is saved from whatever parsed, valid or not; a full entry only when valid.
    "supervision.chronology.forms.EntryForm": lambda f, ok: ok and f.entry_data(),
    "supervision.chronology.forms.EntryForm[edit]": lambda f, ok: ok and f.entry_data(),
    "supervision.chronology.forms.EntryForm[draft]": lambda f, ok: f.entry_data(),
    "supervision.chronology.forms.EntryForm[new draft]": lambda f, ok: f.entry_data(),
}


# --- The tests --------------------------------------------------------------------------


def fuzzed_names() -> list[str]:
    names = sorted(discovered_forms_cached())
    variants = sorted(name for name in MAKERS if "[" in name)
    return sorted([*names, *variants])


def _params() -> list[Any]:
    return [pytest.param(name, marks=_xfail(FORM_BUGS.get(name, []))) for name in fuzzed_names()]


@dataclass
class Stats:
    examples: int = 0
    valid: int = 0


STATS: dict[str, Stats] = {}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from module_world(django_db_blocker)


def test_every_form_is_fuzzed():
    names = discovered_forms_cached()
    assert not IMPORT_ERRORS, f"These modules do not import: {IMPORT_ERRORS}"
    assert len(names) >= 40, "form discovery found too few forms: is an import failing?"
    needs = sorted(
        name
        for name, form_class in names.items()
        if _needs_more_than_data(form_class) and name not in MAKERS
    )
    assert not needs, f"Say in MAKERS how to make these forms: {needs}"
    stale = sorted(maker.form for maker in MAKERS.values() if maker.form not in names)
    assert not stale, f"MAKERS names forms that no longer exist: {stale}"


def _object_ids(form: forms.BaseForm) -> dict[str, list[str]]:
    """Every object a model choice could name (of this case or any other), as posted text."""
    found: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
            model = field.queryset.model
            key = getattr(field, "to_field_name", None) or "pk"
            found[name] = [str(v) for v in model.objects.values_list(key, flat=True)[:60]]
    return found


def _replay_form_bugs(name: str) -> Callable[[Any], Any]:
    """Try each known bug's post first (an explicit example), so that the xfail is certain."""

    def replay(test: Any) -> Any:
        for bug in FORM_BUGS.get(name, []):
            test = example(bound=bug.posted())(test)
        return test

    return replay


@pytest.mark.parametrize("name", _params())
def test_a_form_never_raises_on_any_input(name: str, world: World) -> None:
    make = form_maker(world, name)
    blank = make(None, None)
    fields = dict(blank.fields)
    if name.startswith("supervision.chronology.forms.EntryForm"):
        fields["action"] = forms.ChoiceField(choices=[("draft", "draft"), ("save", "save")])
    known = _object_ids(blank)
    stats = STATS.setdefault(name, Stats())
    seed = seed_for(world, name, blank)
    seeded = make(seed.data, {k: fresh(v) for k, v in seed.files.items()})
    assert seeded.is_valid(), f"the seed is not valid: {seeded.errors.as_data()}"
    check_valid_form(name, seeded)

    @fuzz_settings()
    @given(bound=st.one_of(posted(fields, known), near(seed, fields, known)))
    @_replay_form_bugs(name)
    def validate(bound: Any) -> None:
        form = make(bound.data, bound.files)
        ok = form.is_valid()
        stats.examples += 1
        if ok:
            stats.valid += 1
            check_valid_form(name, form)
            # What the form does not declare is never handed over (no mass assignment).
            undeclared = set(bound.data) - set(form.fields)
            assert not undeclared & set(form.cleaned_data), undeclared
        else:
            assert form.errors, "invalid, yet no error to show"
        after = AFTER.get(name)
        if after is not None:
            after(form, ok)

    validate()
    assert stats.examples > 0
    assert stats.valid > 0, "no valid example: the valid path was not fuzzed"


# --- The same through HTTP: every route that takes a form ------------------------------
#
# Every POST route of the service (and the GET routes that read a form from the query
# string) gets hypothesis-made values for its form's fields, posted as the social worker and
# as the chair (and whoever else the route is for): the answer is never a server error.
# Each request runs in a savepoint rolled back afterwards, so examples do not pile up.
# The record's parts (record, safety plan, next steps) are fuzzed reopened, so that their
# forms reach the services; everything else with the record signed off.

# A path parameter: the values to try, the first being the scenario's own.
PathValues = Callable[[World], list[Any]]


def _same(*values: Any) -> PathValues:
    return lambda world: list(values)


@dataclass(frozen=True)
class Route:
    name: str
    form: str | None  # the discovered name of the form whose fields are posted
    path: dict[str, PathValues]
    reopened: bool = False
    method: str = "post"
    users: tuple[str, ...] = ("social_worker", "chair")
    extra: tuple[str, ...] = ()  # names the view reads from the post besides the form's
    # Values worth trying in some fields besides hostile text (a real case reference, the
    # right password), so that the fuzzing also gets past the form.
    known: dict[str, Callable[[World], list[str]]] = dataclass_field(default_factory=dict)


def _reference(world: World) -> list[Any]:
    return [world.case.reference]


def _references(world: World) -> list[str]:
    return [world.case.reference, world.case.reference.lower(), "ABCDE-12345"]


def _password(world: World) -> list[str]:
    return [DEMO_PASSWORD]


def _code(world: World) -> list[Any]:
    return [world.request.code]


CASE = {"reference": _reference}
REQUEST = {"reference": _reference, "code": _code}
F = "supervision"


def _first_pk(model_path: str) -> PathValues:
    def values(world: World) -> list[Any]:
        from django.apps import apps

        model = apps.get_model(model_path)
        pk = model.objects.filter(plan__record__session=world.session).order_by("pk").first().pk
        return [pk, pk + 10_000, 1]

    return values


ROUTES: list[Route] = [
    # Chronology
    Route("chronology:finding_add", f"{F}.chronology.forms.FindingForm", CASE),
    Route("chronology:import", f"{F}.chronology.forms.ChronologyUploadForm", CASE),
    Route(
        "chronology:import_detail",
        None,
        {**CASE, "code": lambda w: [w.upload.code]},
    ),
    Route("chronology:export", f"{F}.chronology.forms.ExportForm", CASE),
    Route(
        "chronology:entry_create",
        f"{F}.chronology.forms.EntryForm[new draft]",
        CASE,
        extra=("action",),
    ),
    Route(
        "chronology:entry_edit",
        f"{F}.chronology.forms.EntryForm[edit]",
        {**CASE, "code": lambda w: [w.entry.code, w.draft.code]},
        extra=("action", "version"),
    ),
    Route(
        "chronology:entry_draft",
        f"{F}.chronology.forms.EntryForm[draft]",
        {**CASE, "code": lambda w: [w.draft.code, w.entry.code]},
        extra=("version",),
    ),
    Route(
        "chronology:entry_note_add",
        f"{F}.chronology.forms.EntryNoteForm",
        {**CASE, "code": lambda w: [w.entry.code]},
    ),
    Route("chronology:merged", f"{F}.chronology.forms.ChronologyFilterForm", CASE, method="get"),
    Route("chronology:timeline", f"{F}.chronology.forms.ChronologyFilterForm", CASE, method="get"),
    # Requests and sessions
    Route("meetings:create", f"{F}.meetings.forms.RequestForm", CASE),
    *(
        Route(
            f"meetings:{name}",
            form,
            {**REQUEST, "agency": _same(agency, "hv", "cs", "pol", "nope")},
            extra=("decision",),
        )
        for name, form, agency in [
            ("propose_due_date", f"{F}.meetings.forms.DueDateForm", "cs"),
            ("approve_due_date", None, "hv"),
            ("review_chronology", f"{F}.meetings.forms.ReasonForm", "hv"),
            ("submit_chronology", None, "cs"),
        ]
    ),
    Route("meetings:schedule", f"{F}.meetings.forms.ScheduleForm", REQUEST),
    Route("meetings:cancel", f"{F}.meetings.forms.ReasonForm", REQUEST),
    Route("meetings:invitee_add", f"{F}.meetings.forms.AddInviteeForm", REQUEST),
    Route(
        "meetings:invitee_remove",
        f"{F}.meetings.forms.ReasonForm",
        {**REQUEST, "invitation": lambda w: [w.session.invitations.order_by("pk").first().code]},
    ),
    Route(
        "request_decide",
        f"{F}.meetings.forms.DecisionForm",
        {"code": lambda w: [w.waiting.code, w.request.code]},
    ),
    Route(
        "invitation_respond",
        f"{F}.meetings.forms.RespondForm",
        {
            "code": lambda w: [
                w.session.invitations.get(practitioner__user=w.cast.social_worker).code
            ]
        },
    ),
    # Documents
    Route("documents:upload", f"{F}.documents.forms.DocumentUploadForm", CASE),
    # The record, reopened
    Route(
        "records:sign_off",
        f"{F}.records.forms.SignOffForm",
        REQUEST,
        reopened=True,
        known={"password": _password},
    ),
    *(
        Route(f"records:{name}", form and f"{F}.records.forms.{form}", REQUEST, reopened=True)
        for name, form in [
            ("what_matters", "WhatMattersForm"),
            ("outcome_add", "OutcomeForm"),
            ("strength_add", "StrengthForm"),
            ("risk_add", "RiskForm"),
            ("balancing_item_add", "BalancingItemForm"),
            ("scaling_score_add", "ScalingScoreForm"),
            ("balancing_summary", "BalancingSummaryForm"),
            ("summary_save", "ChairSummaryForm"),
            ("attendance", "AttendanceForm"),
            ("reflection_save", "ReflectiveNoteForm"),
        ]
    ),
    Route(
        "records:moment_add",
        f"{F}.records.forms.MomentForm",
        {**REQUEST, "rank": _same(1, 4, 5, 0)},
        reopened=True,
    ),
    Route("records:reopen", f"{F}.records.forms.ReopenForm", REQUEST),
    *(
        Route(f"safety:{name}", form and f"{F}.safety.forms.{form}", REQUEST, reopened=True)
        for name, form in [
            ("item_add", "ItemForm"),
            ("details", "DetailsForm"),
            ("share_add", "ShareForm"),
            ("not_applicable", "NotApplicableForm"),
        ]
    ),
    Route(
        "safety:item_remove",
        None,
        {**REQUEST, "pk": _first_pk("safety.SafetyPlanItem")},
        reopened=True,
    ),
    Route(
        "safety:share_remove",
        None,
        {**REQUEST, "pk": _first_pk("safety.OutOfHoursShare")},
        reopened=True,
    ),
    Route("actions:action_add", f"{F}.actions.forms.ActionForm", REQUEST, reopened=True),
    Route(
        "actions:action_done",
        f"{F}.actions.forms.DoneForm",
        {**REQUEST, "number": _same(2, 1, 7, 8, 0)},
        reopened=True,
    ),
    Route(
        "actions:progress_point",
        f"{F}.actions.forms.ProgressPointForm",
        {**REQUEST, "months": _same(1, 3, 2, 0)},
        reopened=True,
    ),
    Route("actions:review", f"{F}.actions.forms.ReviewForm", REQUEST, reopened=True),
    # After the session
    *(
        Route(
            f"casefile:{name}",
            f"{F}.casefile.forms.{form}",
            {**REQUEST, "key": _same("P1", "P2", "P3", "P9", "x")},
        )
        for name, form in [("synopsis_save", "SynopsisForm"), ("synopsis_recorded", "RecordedForm")]
    ),
    Route("casefile:conference_alert", f"{F}.casefile.forms.ConferenceAlertForm", REQUEST),
    Route("casefile:close", f"{F}.casefile.forms.CloseForm", REQUEST),
    Route(
        "followup:progress",
        f"{F}.followup.forms.ProgressCheckForm",
        {"reference": _reference, "code": lambda w: [w.review.code], "months": _same(1, 3, 2)},
    ),
    Route("followup:start", None, REQUEST),
    Route("artefacts:prepare", None, REQUEST),
    Route("artefacts:approve_minutes", None, REQUEST),
    Route("feedback:give", f"{F}.feedback.forms.FeedbackForm", REQUEST),
    *(
        Route(
            f"distribution:{name}",
            form and f"{F}.distribution.forms.{form}",
            {**REQUEST, "kind": _same("actions", "minutes", "x")},
        )
        for name, form in [
            ("send", None),
            ("recipient_add", "RecipientForm"),
            ("secure_email", "SecureEmailForm"),
        ]
    ),
    Route(
        "distribution:acknowledge",
        None,
        {**REQUEST, "recipient": lambda w: [w.visitor_receipt.code]},
        users=("social_worker", "chair", "involved"),
    ),
    Route(
        "distribution:correction_raise",
        f"{F}.distribution.forms.CorrectionForm",
        REQUEST,
        users=("social_worker", "chair", "involved"),
    ),
    Route(
        "distribution:correction_resolve",
        f"{F}.distribution.forms.DecisionForm",
        {**REQUEST, "correction": lambda w: [w.correction.code]},
    ),
    # Emergency (break-glass) access and its review
    Route(
        "cases:break_glass",
        f"{F}.cases.forms.BreakGlassForm",
        {},
        known={"reference": _references, "password": _password},
    ),
    Route(
        "cases:break_glass_review",
        f"{F}.cases.forms.BreakGlassReviewForm",
        {"pk": lambda w: [w.out.grant.pk, 10**9]},
        users=("quality_officer", "safeguarding_lead", "duty", "social_worker", "chair"),
    ),
    # Data protection: the officer's pages
    Route(
        "dataprotection:subject_access",
        f"{F}.dataprotection.forms.SubjectAccessForm",
        {},
        users=("officer", "social_worker", "chair"),
        known={
            "case_reference": _references,
            "person_key": lambda w: ["P1", "P7", "p1"],
            "email": lambda w: [w.cast.social_worker.email, "nobody@cs.example"],
            "password": _password,
        },
    ),
    Route(
        "dataprotection:legal_holds",
        f"{F}.dataprotection.forms.LegalHoldForm",
        {},
        users=("officer", "social_worker", "chair"),
        known={"case_reference": _references},
    ),
    Route(
        "dataprotection:legal_hold_lift",
        None,
        {"pk": lambda w: [w.out.hold.pk, 10**9]},
        users=("officer", "social_worker", "chair"),
    ),
    # The board's figures, for its quality officer
    *(
        Route(
            f"dashboards:{name}",
            f"{F}.dashboards.forms.QualityFilterForm",
            {},
            method="get",
            users=("quality_officer", "chair"),
        )
        for name in ("quality", "quality_csv")
    ),
]


def _route_id(route: Route) -> str:
    return f"{route.method}-{route.name}"


def _path(world: World, route: Route, choice: dict[str, int] | None = None) -> str:
    kwargs = {key: values(world)[(choice or {}).get(key, 0)] for key, values in route.path.items()}
    return reverse(route.name, kwargs=kwargs or None)


HTTP_STATS: dict[str, Counter[int]] = {}


def _route_params() -> list[Any]:
    return [
        pytest.param(route, id=_route_id(route), marks=_xfail(HTTP_BUGS.get(_route_id(route), [])))
        for route in ROUTES
    ]


def _replay_http_bugs(route: Route) -> Callable[[Any], Any]:
    """Try each known bug's request first (an explicit example)."""

    def replay(test: Any) -> Any:
        for bug in HTTP_BUGS.get(_route_id(route), []):
            choice = dict.fromkeys(route.path, 0)
            test = example(who=bug.who, bound=bug.posted(), choice=choice, wants_json=False)(test)
        return test

    return replay


@pytest.mark.parametrize("route", _route_params())
def test_a_route_never_answers_with_a_server_error(route: Route, world: World) -> None:
    if route.reopened:
        record_reopen(session=world.session, reason="Fuzzing the record.", by=world.cast.chair)
    clients = {}
    for who in route.users:
        clients[who] = Client()
        clients[who].force_login(world.user(who))
    seeds: list[Posted] = []
    if route.form is not None:
        blank = form_maker(world, route.form)(None, None)
        fields, known = dict(blank.fields), _object_ids(blank)
        seeds.append(seed_for(world, route.form, blank))  # valid for the form, at least
    else:
        fields, known = {}, {}
    for name, values in route.known.items():
        known[name] = [*known.get(name, []), *values(world)]
    for name in route.extra:
        fields[name] = forms.CharField()
    choices = {key: len(values(world)) for key, values in route.path.items()}
    statuses = HTTP_STATS.setdefault(_route_id(route), Counter())
    users_seen: set[str] = set()

    @fuzz_settings(max_examples=HTTP_EXAMPLES)
    @given(
        who=st.sampled_from(route.users),
        bound=st.one_of(
            posted(fields, known, extra=route.extra),
            *(near(seed, fields, known) for seed in seeds),
        ),
        choice=st.fixed_dictionaries({key: st.integers(0, n - 1) for key, n in choices.items()}),
        wants_json=st.booleans(),
    )
    @_replay_http_bugs(route)
    def request(who: str, bound: Posted, choice: dict[str, int], wants_json: bool) -> None:
        path = _path(world, route, choice)
        headers = {"HTTP_ACCEPT": "application/json"} if wants_json else {}
        with transaction.atomic():
            if route.method == "get":
                response = clients[who].get(path, bound.data, **headers)
            else:
                response = clients[who].post(path, bound.as_post(), **headers)
            transaction.set_rollback(True)
        statuses[response.status_code] += 1
        users_seen.add(who)
        assert response.status_code < 500, f"{response.status_code} for {who} at {path}"

    request()
    if HTTP_EXAMPLES >= 5:
        assert users_seen == set(route.users) or len(users_seen) >= 2, users_seen


def _filled(route: str) -> str:
    """A path for a route pattern, with made-up values for its parameters."""
    values = {"uuid": str(uuid.uuid4()), "int": "1", "slug": "hv", "str": "x", "path": "x"}

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        return "ABCDE-12345" if name == "reference" else values[converter]

    return "/" + re.sub(r"<(\w+):(\w+)>", fill, route)


# Routes served by django-allauth and the Django admin: their forms are theirs (the admin
# forms the service defines are fuzzed above as forms).
NOT_OURS = ("admin/", "accounts/")
# Routes that take a POST and no form: the home page redirects whatever the method.
NO_FORM = {""}


def test_every_route_that_takes_a_form_is_fuzzed(world: World) -> None:
    from supervision.web.tests.test_access_matrix import all_routes

    client = Client()
    client.force_login(world.cast.social_worker)
    takes_post, unclear = set(), set()
    for route in sorted(all_routes()):
        if route.startswith(NOT_OURS) or "(?P<" in route:
            continue
        response = client.generic("FUZZ", _filled(route))
        if response.status_code != 405:
            unclear.add(route)
        elif "POST" in response["Allow"]:
            takes_post.add(route)
    fuzzed_posts = {
        resolve(_path(world, route)).route for route in ROUTES if route.method == "post"
    } | NO_FORM
    missing = sorted(takes_post - fuzzed_posts)
    assert not missing, f"Add these POST routes to ROUTES: {missing}"
    stale = sorted(fuzzed_posts - takes_post)
    assert not stale, f"ROUTES posts to routes that take no POST: {stale}"
    # A view without a method decorator answers an unknown method with something else.
    assert unclear <= {"healthz"}, f"Say which methods these views take: {sorted(unclear)}"
