"""One chronology entry: add it, change it (drafts saved as you go), read it, add a note.

An entry belongs to its agency. Anyone who can see the case can read an entry that is in
the chronology and add a note to it; only the agencies the user writes for
(`writable_agency_codes`) can add or change entries. A draft is seen only by those who
could change it. Saving checks the version the form was loaded with: a stale save shows
both versions (409) and saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.agencies.models import Agency
from supervision.cases.access import access_case
from supervision.cases.models import Case
from supervision.chronology import services
from supervision.chronology.access import writable_agency_codes
from supervision.chronology.forms import EntryForm, EntryNoteForm
from supervision.chronology.models import (
    ChronologyEntry,
    EngagementFlag,
    EntryLink,
    EventType,
    Polarity,
    Significance,
)
from supervision.chronology.templatetags.chronology_tags import event_date

PART = "chronology entry"
# A draft needs a date for as long as the date column is required in the database.
DRAFT_NEEDS_DATE = not ChronologyEntry._meta.get_field("event_date").null


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _writable_agencies(request: AuthenticatedHttpRequest, case: Case) -> dict[str, Agency]:
    """The agencies involved in the case that the user adds entries for, by upper-case code."""
    codes = writable_agency_codes(request.user, case)
    involved = Agency.objects.filter(involvements__case=case).distinct().order_by("name_en")
    return {agency.code.upper(): agency for agency in involved if agency.code.upper() in codes}


def _entry(
    request: AuthenticatedHttpRequest, case: Case, code: UUID
) -> tuple[ChronologyEntry, bool]:
    """The entry of this case, and whether the user may change it. 404 for someone
    else's draft, as for an entry that does not exist."""
    entry = get_object_or_404(
        ChronologyEntry.objects.select_related("chronology__agency", "created_by"),
        case=case,
        code=code,
    )
    entry.case = case
    can_change = entry.chronology.agency.code.upper() in writable_agency_codes(request.user, case)
    if entry.is_draft and not can_change:
        raise Http404
    return entry, can_change


def _posted_version(request: AuthenticatedHttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0  # no entry has version 0: shown as a conflict, never saved over


def _saved_at() -> str:
    return date_format(timezone.localtime(), "H:i")


def _form_page(
    request: AuthenticatedHttpRequest,
    case: Case,
    form: EntryForm,
    *,
    entry: ChronologyEntry | None,
    version: int | None = None,
    status: int = 200,
    saved_with_problems: bool = False,
) -> HttpResponse:
    reference = case.reference
    if entry is None:
        action_url = reverse("chronology:entry_create", kwargs={"reference": reference})
        autosave_url: str | None = action_url
        cancel_url = reverse("chronology:merged", kwargs={"reference": reference})
    else:
        kwargs = {"reference": reference, "code": entry.code}
        action_url = reverse("chronology:entry_edit", kwargs=kwargs)
        autosave_url = reverse("chronology:entry_draft", kwargs=kwargs) if entry.is_draft else None
        cancel_url = reverse("chronology:entry_detail", kwargs=kwargs)
    context = {
        "case": case,
        "form": form,
        "entry": entry,
        "version": version if version is not None else (entry.version if entry else ""),
        "action_url": action_url,
        "autosave_url": autosave_url,
        "can_draft": entry is None or entry.is_draft,
        "cancel_url": cancel_url,
        "saved_with_problems": saved_with_problems,
    }
    return render(request, "chronology/entry_form.html", context, status=status)


def _draft_not_saved(
    request: AuthenticatedHttpRequest, case: Case, form: EntryForm
) -> HttpResponse:
    if _wants_json(request):
        first = next(iter(form.errors.values()))[0] if form.errors else ""
        message = _("Draft not saved yet: %(problem)s.") % {"problem": first}
        return JsonResponse({"saved": False, "message": message}, status=400)
    return _form_page(request, case, form, entry=None, status=400)


def _draft_saved(
    request: AuthenticatedHttpRequest, case: Case, form: EntryForm, entry: ChronologyEntry
) -> HttpResponse:
    kwargs = {"reference": case.reference, "code": entry.code}
    edit_url = reverse("chronology:entry_edit", kwargs=kwargs)
    if _wants_json(request):
        if form.errors:
            message = _("Draft saved at %(time)s, except the answers that need correcting.") % {
                "time": _saved_at()
            }
        else:
            message = _("Draft saved at %(time)s") % {"time": _saved_at()}
        return JsonResponse(
            {
                "saved": True,
                "version": entry.version,
                "edit_url": edit_url,
                "draft_url": reverse("chronology:entry_draft", kwargs=kwargs),
                "message": message,
            }
        )
    if form.errors:
        # Show what could not be kept, with what was typed, on the draft's own page.
        return _form_page(request, case, form, entry=entry, saved_with_problems=True)
    messages.success(
        request, _("Draft saved. It is not in the chronology until you select ‘Save entry’.")
    )
    return redirect(edit_url)


@require_http_methods(["GET", "POST"])
@login_required
def create(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part=PART)
    agencies = _writable_agencies(request, case)
    if not agencies:
        raise PermissionDenied
    draft = request.method == "POST" and request.POST.get("action") == "draft"
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        case=case,
        agencies=[(code, agency.name) for code, agency in agencies.items()],
        draft=draft,
    )
    if request.method != "POST":
        return _form_page(request, case, form, entry=None)
    valid = form.is_valid()
    if draft:
        agency = agencies.get(form.cleaned_data.get("agency") or "")
        data = form.entry_data()
        if agency is None and "agency" not in form.errors:
            form.add_error("agency", _("Select the agency this entry is for"))
        if DRAFT_NEEDS_DATE and "event_date" not in data and "event_day" not in form.errors:
            form.add_error("event_day", _("Enter the date of the event to save a draft"))
        if agency is None or (DRAFT_NEEDS_DATE and "event_date" not in data):
            return _draft_not_saved(request, case, form)
        entry = services.entry_create(
            case=case, agency=agency, data=data, author=request.user, draft=True
        )
        return _draft_saved(request, case, form, entry)
    if not valid:
        return _form_page(request, case, form, entry=None, status=400)
    entry = services.entry_create(
        case=case,
        agency=agencies[form.cleaned_data["agency"]],
        data=form.entry_data(),
        author=request.user,
        draft=False,
    )
    messages.success(request, _("Entry %(ref)s added to the chronology.") % {"ref": entry.ref})
    return redirect("chronology:entry_detail", reference=reference, code=entry.code)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    case = access_case(request.user, reference, part=PART)
    entry, can_change = _entry(request, case, code)
    if not can_change:
        raise PermissionDenied
    draft = request.method == "POST" and request.POST.get("action") == "draft" and entry.is_draft
    form = EntryForm(
        request.POST if request.method == "POST" else None, case=case, entry=entry, draft=draft
    )
    if request.method != "POST":
        return _form_page(request, case, form, entry=entry)
    valid = form.is_valid()
    if not draft and not valid:
        # Keep the version the form was loaded with: a change made meanwhile is a conflict.
        version = _posted_version(request)
        return _form_page(request, case, form, entry=entry, version=version, status=400)
    was_draft = entry.is_draft
    try:
        saved = services.entry_update(
            entry=entry,
            data=form.entry_data(),
            expected_version=_posted_version(request),
            author=request.user,
            draft=draft,
        )
    except services.EntryConflict as conflict:
        return _conflict(request, case, conflict.current, form, draft=draft)
    if draft:
        return _draft_saved(request, case, form, saved)
    if was_draft:
        message = _("Entry %(ref)s added to the chronology.") % {"ref": saved.ref}
    else:
        message = _("Entry %(ref)s saved.") % {"ref": saved.ref}
    messages.success(request, message)
    return redirect("chronology:entry_detail", reference=reference, code=saved.code)


@require_POST
@login_required
def save_draft(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    """Autosave: the form as it stands, saved as a draft without full checks."""
    case = access_case(request.user, reference, part=PART)
    entry, can_change = _entry(request, case, code)
    if not can_change:
        raise PermissionDenied
    edit_url = reverse("chronology:entry_edit", kwargs={"reference": reference, "code": code})
    if not entry.is_draft:
        message = _(
            "This entry is already in the chronology. Select ‘Save entry’ to save your changes."
        )
        if _wants_json(request):
            return JsonResponse({"saved": False, "message": message}, status=400)
        return redirect(edit_url)
    form = EntryForm(request.POST, case=case, entry=entry, draft=True)
    form.is_valid()
    try:
        saved = services.entry_update(
            entry=entry,
            data=form.entry_data(),
            expected_version=_posted_version(request),
            author=request.user,
            draft=True,
        )
    except services.EntryConflict as conflict:
        if _wants_json(request):
            message = _(
                "Someone else has changed this draft since you opened it. Your latest changes "
                "are not saved: select ‘Save as draft’ to compare the two versions."
            )
            return JsonResponse({"saved": False, "conflict": True, "message": message}, status=409)
        return _conflict(request, case, conflict.current, form, draft=True)
    return _draft_saved(request, case, form, saved)


def _detail_page(
    request: AuthenticatedHttpRequest,
    case: Case,
    entry: ChronologyEntry,
    *,
    can_change: bool,
    note_form: EntryNoteForm,
    status: int = 200,
) -> HttpResponse:
    subjects = list(entry.subjects.order_by("date_of_birth", "pk"))
    themes = list(entry.themes.order_by("name_en"))
    links_out = list(
        EntryLink.objects.filter(source=entry)
        .select_related("target__chronology__agency")
        .order_by("kind", "target__ref")
    )
    links_in = list(
        EntryLink.objects.filter(target=entry, source__is_draft=False)
        .select_related("source__chronology__agency")
        .order_by("kind", "source__ref")
    )
    chronology = entry.chronology
    context = {
        "case": case,
        "entry": entry,
        "rows": _rows(_entry_values(entry, subjects=subjects, themes=themes, links=[])),
        "links_out": links_out,
        "links_in": links_in,
        "notes": list(entry.notes.select_related("author", "agency")),
        "note_form": note_form,
        "can_change": can_change,
        "outside_period": not (
            chronology.period_start <= entry.event_date <= chronology.period_end
        ),
        "chronology": chronology,
    }
    return render(request, "chronology/entry_detail.html", context, status=status)


@require_GET
@login_required
def detail(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    case = access_case(request.user, reference, part=PART)
    entry, can_change = _entry(request, case, code)
    return _detail_page(request, case, entry, can_change=can_change, note_form=EntryNoteForm())


@require_POST
@login_required
def note_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    case = access_case(request.user, reference, part=PART)
    entry, can_change = _entry(request, case, code)
    practitioner = getattr(request.user, "practitioner", None)
    if practitioner is None:
        raise PermissionDenied
    form = EntryNoteForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, case, entry, can_change=can_change, note_form=form, status=400)
    services.entry_note_add(
        entry=entry, text=form.cleaned_data["text"], author=request.user, agency=practitioner.agency
    )
    messages.success(request, _("Note added."))
    url = reverse("chronology:entry_detail", kwargs={"reference": reference, "code": code})
    return redirect(url + "#notes")


# --- The conflict page ------------------------------------------------------------------


def _entry_values(
    entry: ChronologyEntry,
    *,
    subjects: Iterable[Any] | None = None,
    themes: Iterable[Any] | None = None,
    links: Iterable[tuple[str, ChronologyEntry]] | None = None,
) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(entry, name) for name in services.ENTRY_COLUMNS}
    values["subjects"] = list(subjects if subjects is not None else entry.subjects.all())
    values["themes"] = list(themes if themes is not None else entry.themes.all())
    if links is None:
        links = [(link.kind, link.target) for link in entry.links.select_related("target")]
    values["links"] = list(links)
    return values


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""


def _rows(values: Mapping[str, Any], *, with_links: bool = False) -> list[tuple[str, str, bool]]:
    """(question, answer as text, whether the answer is the user's own words) for a summary
    list; an answer missing from `values` (not readable in a draft) shows as "Not given"."""
    missing = _("Not given")

    def text(name: str, shown: Any) -> str:
        return shown(values[name]) if name in values else missing

    link_names = {
        "same_event": _("Same event as"),
        "corroborates": _("Corroborates"),
        "conflicts_with": _("Conflicts with"),
    }
    no_action = _("No action was taken")
    rows = [
        (
            _("Date"),
            event_date(values["event_date"], values.get("date_precision") or "exact")
            if values.get("event_date")
            else missing,
            False,
        ),
        (_("Time"), text("event_time", lambda t: t.strftime("%H:%M") if t else ""), False),
        (_("Source of information"), text("source", str), True),
        (_("Type of event"), text("event_type", lambda v: _label(EventType, v)), False),
        (_("About"), text("subjects", lambda people: ", ".join(p.full_name for p in people)), True),
        (_("What happened"), text("description", str), True),
        (_("Impact on the child"), text("impact_on_child", str), True),
        (
            _("Action taken"),
            (no_action if values.get("no_action") else str(values["action_taken"]))
            if "action_taken" in values
            else missing,
            not values.get("no_action"),
        ),
        (_("The child’s own words"), text("childs_words", str), True),
        (_("Strength or worry"), text("polarity", lambda v: _label(Polarity, v)), False),
        (_("Significance"), text("significance", lambda v: _label(Significance, v)), False),
        (_("Engagement"), text("engagement", lambda v: _label(EngagementFlag, v)), False),
        (_("Themes"), text("themes", lambda found: ", ".join(t.name for t in found)), False),
    ]
    if with_links:
        rows.append(
            (
                _("Links"),
                text(
                    "links",
                    lambda found: "; ".join(f"{link_names[kind]} {e.ref}" for kind, e in found),
                ),
                False,
            )
        )
    not_recorded = _("Not recorded")
    return [
        (label, shown, user) if shown else (label, not_recorded, False)
        for label, shown, user in rows
    ]


def _conflict(
    request: AuthenticatedHttpRequest,
    case: Case,
    current: ChronologyEntry,
    form: EntryForm,
    *,
    draft: bool,
) -> HttpResponse:
    """Both versions side by side; the user's answers are carried in the page so that
    saving them again (over the current version) is one button."""
    current.case = case
    theirs = _rows(_entry_values(current), with_links=True)
    yours = _rows(form.entry_data(), with_links=True)
    compared = [
        (label, their_text, your_text, user_text, their_text != your_text)
        for (label, their_text, user_text), (_same, your_text, _user) in zip(
            theirs, yours, strict=True
        )
    ]
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "version", "action")
        for value in values
    ]
    context = {
        "case": case,
        "entry": current,
        "compared": compared,
        "carried": carried,
        "version": current.version,
        "action": "draft" if draft and current.is_draft else "save",
        "action_url": reverse(
            "chronology:entry_edit", kwargs={"reference": case.reference, "code": current.code}
        ),
        "changed_at": current.updated_at,
    }
    return render(request, "chronology/entry_conflict.html", context, status=409)
