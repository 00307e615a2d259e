"""The timeline picture of the multi-agency chronology: a lane per agency, a mark per entry.

The picture is drawn on the server as SVG (no JavaScript). Its text alternative is the
table of entries on the chronology page: every mark links to its row there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.chronology import selectors
from supervision.chronology.forms import ChronologyFilterForm
from supervision.chronology.models import Polarity as PolarityChoice
from supervision.chronology.templatetags.chronology_tags import event_date
from supervision.domain.chronology import Polarity
from supervision.domain.timeline import Mark, layout

WIDTH = 960.0  # the width of the page's content column
LANE_HEIGHT = 56.0

# GOV.UK colours, and a shape for each so that colour is never the only difference.
POLARITY_STYLE = {
    Polarity.STRENGTH: ("circle", "#00703c"),
    Polarity.WORRY: ("triangle", "#d4351c"),
    Polarity.BOTH: ("diamond", "#4c2c92"),
    Polarity.NEUTRAL: ("square", "#505a5f"),
}
LANE_SHADES = ("#f3f2f1", "#ffffff")


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _points(shape: str, x: float, y: float) -> str:
    """The outline of a mark centred on (x, y), inside the layout's mark radius plus one."""
    if shape == "triangle":
        corners = [(0, -6.5), (6.5, 5.5), (-6.5, 5.5)]
    elif shape == "diamond":
        corners = [(0, -7), (7, 0), (0, 7), (-7, 0)]
    else:  # square
        corners = [(-5.5, -5.5), (5.5, -5.5), (5.5, 5.5), (-5.5, 5.5)]
    return " ".join(f"{_number(x + dx)},{_number(y + dy)}" for dx, dy in corners)


@dataclass
class DrawnMark:
    label: str  # the link's name: reference, date, agency, strength or worry
    tooltip: str  # that, then the type of event and the start of what happened
    href: str
    shape: str
    colour: str
    x: str
    y: str
    points: str
    x_end: str | None  # where the line for an imprecise date ends
    cap_top: str
    cap_bottom: str


def _drawn(mark: Mark, row: selectors.EntryRow, href: str) -> DrawnMark:
    shape, colour = POLARITY_STYLE[mark.polarity]
    entry = row.entry
    facts = [
        entry.ref,
        event_date(entry.event_date, entry.date_precision),
        entry.chronology.agency.name,
        entry.get_polarity_display(),
    ]
    return DrawnMark(
        label=", ".join(facts),
        tooltip=" · ".join(facts)
        + f"\n{entry.get_event_type_display()}: {Truncator(entry.description).chars(160)}",
        href=href,
        shape=shape,
        colour=colour,
        x=_number(mark.x),
        y=_number(mark.y),
        points="" if shape == "circle" else _points(shape, mark.x, mark.y),
        x_end=_number(mark.x_end) if mark.x_end > mark.x else None,
        cap_top=_number(mark.y - 4),
        cap_bottom=_number(mark.y + 4),
    )


@require_GET
@login_required
def timeline(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="chronology timeline")
    form = ChronologyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    view = selectors.merged_chronology(case, today=timezone.localdate(), filters=filters)
    rows: list[selectors.EntryRow] = list(view.page.paginator.object_list)

    names: dict[str, str] = {}
    languages: dict[str, str] = {}
    agencies = [involvement.agency for involvement in view.involvements]
    for agency in [*agencies, *(row.entry.chronology.agency for row in rows)]:
        names.setdefault(agency.code.upper(), agency.name)
        languages.setdefault(agency.code.upper(), agency.name_lang)
    lanes = (
        [filters["agency"]]
        if filters.get("agency")
        else [code for code, _name, _lang in view.agencies]
    )
    drawing = layout(
        [row.entry.to_domain(subjects=row.subjects, themes=row.themes) for row in rows],
        view.period,
        lanes,
        width=WIDTH,
        lane_height=LANE_HEIGHT,
    )

    # Each mark links to its row of the table, on the page of the table that holds it.
    query = request.GET.copy()
    query.pop("page", None)
    table_url = reverse("chronology:merged", kwargs={"reference": reference})
    by_ref = {row.entry.ref: (index, row) for index, row in enumerate(rows)}
    marks = []
    for mark in drawing.marks:
        index, row = by_ref[mark.ref]
        page = index // selectors.ROWS_PER_PAGE + 1
        if page > 1:
            query["page"] = str(page)
        else:
            query.pop("page", None)
        search = f"?{query.urlencode()}" if query else ""
        marks.append(_drawn(mark, row, f"{table_url}{search}#entry-{mark.ref}"))
    query.pop("page", None)

    counts = {lane.agency: 0 for lane in drawing.lanes}
    for mark in drawing.marks:
        counts[mark.agency] += 1
    context = {
        "case": case,
        "view": view,
        "form": form,
        "drawing": drawing,
        "width": _number(drawing.width),
        "height": _number(drawing.height),
        "axis_y": _number(drawing.axis_y),
        "lanes": [
            {
                "name": names.get(lane.agency, lane.agency),
                "lang": languages.get(lane.agency, "en"),
                "count": counts[lane.agency],
                "top": _number(lane.top),
                "height": _number(lane.height),
                "bottom": _number(lane.top + lane.height),
                "label_y": _number(lane.label_y),
                "shade": LANE_SHADES[index % 2],
            }
            for index, lane in enumerate(drawing.lanes)
        ],
        "ticks": [
            {
                "x": _number(tick.x),
                "label_x": _number(tick.label_x),
                "month": tick.month,
                "labelled": tick.labelled,
                "shows_year": tick.shows_year,
            }
            for tick in drawing.ticks
        ],
        "month_y": _number(drawing.axis_y + 17),
        "year_y": _number(drawing.axis_y + 33),
        "tick_end": _number(drawing.axis_y + 5),
        "marks": marks,
        "table_url": f"{table_url}?{query.urlencode()}" if query else table_url,
        "legend": [
            (shape, colour, _points(shape, 8, 8) if shape != "circle" else "", label)
            for (shape, colour), label in zip(
                POLARITY_STYLE.values(),
                [PolarityChoice(p).label for p in POLARITY_STYLE],
                strict=True,
            )
        ],
    }
    return render(request, "chronology/timeline.html", context)
