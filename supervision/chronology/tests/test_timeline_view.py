"""The timeline picture, through HTTP with the named cast on the demo case."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.chronology import selectors, services
from supervision.chronology.models import AgencyChronology, ChronologyEntry, Theme
from supervision.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def chronology(demo_case: Case) -> Case:
    services.demo_chronology_load()
    return demo_case


def timeline_url(case: Case, query: str = "") -> str:
    url = reverse("chronology:timeline", kwargs={"reference": case.reference})
    return f"{url}?{query}" if query else url


def get_page(client_for: Any, user: User, url: str) -> Any:
    """The page, parsed (typed Any: BeautifulSoup's lookups may return None)."""
    response = client_for(user).get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_mark_for_every_entry_in_a_lane_per_agency(
    chronology: Case, cast: Cast, client_for
) -> None:
    page = get_page(client_for, cast.social_worker, timeline_url(chronology))
    svg = page.find("svg", attrs={"aria-labelledby": "timeline-title"})
    assert svg is not None
    assert svg.find("title", id="timeline-title").get_text()
    assert "46 entries" in svg.find("desc").get_text()
    links = svg.find_all("a")
    assert len(links) == 46
    merged = reverse("chronology:merged", kwargs={"reference": chronology.reference})
    refs = set(ChronologyEntry.objects.filter(case=chronology).values_list("ref", flat=True))
    assert {link["href"] for link in links} == {f"{merged}#entry-{ref}" for ref in refs}
    # Every link has a name and a tooltip naming its entry.
    for link in links:
        ref = link["href"].rsplit("#entry-", 1)[1]
        assert link["aria-label"].startswith(f"{ref}, ")
        assert link.find("title").get_text().startswith(ref)
    # A lane per involved agency, labelled with its name and its number of entries.
    lane_labels = [text.get_text() for text in svg.find_all("text", attrs={"font-weight": "bold"})]
    for involvement in chronology.involvements.select_related("agency"):
        agency = involvement.agency
        count = ChronologyEntry.objects.filter(case=chronology, chronology__agency=agency).count()
        assert f"{agency.name_en} ({count})" in lane_labels


def test_marks_follow_the_chronology_order_from_left_to_right(
    chronology: Case, cast: Cast, client_for
) -> None:
    page = get_page(client_for, cast.social_worker, timeline_url(chronology))
    refs, xs = [], []
    for link in page.find("svg", attrs={"aria-labelledby": "timeline-title"}).find_all("a"):
        refs.append(link["href"].rsplit("#entry-", 1)[1])
        shape = link.find(["circle", "polygon"])
        if shape.name == "circle":
            xs.append(float(shape["cx"]))
        else:
            corners = [float(point.split(",")[0]) for point in shape["points"].split()]
            xs.append((min(corners) + max(corners)) / 2)
    table = get_page(
        client_for,
        cast.social_worker,
        reverse("chronology:merged", kwargs={"reference": chronology.reference}),
    )
    rows = table.find("table", class_="app-chronology").find_all("tr", id=True)
    assert refs == [row["id"].removeprefix("entry-") for row in rows]
    assert xs == sorted(xs)


def test_colour_is_never_the_only_difference(chronology: Case, cast: Cast, client_for) -> None:
    page = get_page(client_for, cast.social_worker, timeline_url(chronology))
    shapes: dict[str, set[tuple[object, str]]] = {}
    for link in page.find("svg", attrs={"aria-labelledby": "timeline-title"}).find_all("a"):
        shape = link.find(["circle", "polygon"])
        kind = shape.name if shape.name == "circle" else len(shape["points"].split())
        polarity = link["aria-label"].rsplit(", ", 1)[1]
        shapes.setdefault(polarity, set()).add((kind, shape["fill"]))
    # Four kinds of entry in the demo; each drawn one way, each way different in shape.
    assert set(shapes) == {"Strength", "Worry", "Both", "Neutral"}
    assert all(len(found) == 1 for found in shapes.values())
    drawn = {polarity: next(iter(found)) for polarity, found in shapes.items()}
    assert len({fill for _kind, fill in drawn.values()}) == 4
    assert drawn["Strength"][0] == "circle"
    assert drawn["Worry"][0] == 3  # a triangle
    assert drawn["Both"][0] == drawn["Neutral"][0] == 4  # a diamond and a square:
    assert _outline(page, "Both") != _outline(page, "Neutral")
    key = page.find("h2", string="Key").find_next("ul").get_text(" ", strip=True)
    for label in ("Strength", "Worry", "Both", "Neutral"):
        assert label in key


def _outline(page: Any, polarity: str) -> set[tuple[float, float]]:
    """The corners of the first mark of that kind, relative to its centre."""
    for link in page.find("svg", attrs={"aria-labelledby": "timeline-title"}).find_all("a"):
        if link["aria-label"].endswith(f", {polarity}"):
            corners = [
                tuple(map(float, point.split(","))) for point in link.polygon["points"].split()
            ]
            cx = sum(x for x, _y in corners) / len(corners)
            cy = sum(y for _x, y in corners) / len(corners)
            return {(round(x - cx, 1), round(y - cy, 1)) for x, y in corners}
    raise AssertionError(polarity)


def test_the_table_is_named_as_the_text_alternative(
    chronology: Case, cast: Cast, client_for
) -> None:
    page = get_page(client_for, cast.involved, timeline_url(chronology))
    inset = page.find(class_="govuk-inset-text")
    assert "text alternative" in inset.get_text()
    merged = reverse("chronology:merged", kwargs={"reference": chronology.reference})
    assert inset.find("a")["href"] == f"{merged}#entries"


def test_filters_narrow_the_marks_and_carry_to_the_table(
    chronology: Case, cast: Cast, client_for
) -> None:
    page = get_page(
        client_for, cast.social_worker, timeline_url(chronology, "agency=POL&polarity=worry")
    )
    links = page.find("svg", attrs={"aria-labelledby": "timeline-title"}).find_all("a")
    expected = ChronologyEntry.objects.filter(
        case=chronology, chronology__agency__code="pol", polarity="worry"
    ).count()
    assert 0 < len(links) == expected
    merged = reverse("chronology:merged", kwargs={"reference": chronology.reference})
    assert all(
        link["href"].startswith(f"{merged}?agency=POL&polarity=worry#entry-POL-") for link in links
    )


def test_the_page_is_audited_as_a_read(chronology: Case, cast: Cast, client_for) -> None:
    from supervision.audit.models import AuditEvent

    client_for(cast.social_worker).get(timeline_url(chronology))
    event = AuditEvent.objects.filter(case=chronology, action="view").latest("pk")
    assert event.detail["part"] == "chronology timeline"
    assert event.actor == cast.social_worker


@pytest.mark.parametrize("who", ["uninvolved", "chair", "quality_officer", "administrator"])
def test_people_outside_the_case_get_not_found(
    chronology: Case, cast: Cast, client_for, who: str
) -> None:
    assert client_for(getattr(cast, who)).get(timeline_url(chronology)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(chronology: Case, client) -> None:
    response = client.get(timeline_url(chronology))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _add_entries(case: Case, count: int) -> None:
    """`count` more entries, spread over the period, with a subject and a theme each."""
    chronology = AgencyChronology.objects.filter(case=case).first()
    author = ChronologyEntry.objects.filter(case=case).first().created_by
    child = case.people.order_by("pk").first()
    theme = Theme.objects.first()
    start = chronology.period_start
    polarities = ["strength", "worry", "both", "neutral"]
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                case=case,
                chronology=chronology,
                ref=f"X-{i:04d}",
                event_date=start + timedelta(days=i % 360),
                date_precision="month" if i % 7 == 0 else "exact",
                source="Generated",
                event_type="contact",
                description=f"Generated entry {i}",
                no_action=True,
                polarity=polarities[i % 4],
                created_by=author,
            )
            for i in range(count)
        ]
    )
    added = ChronologyEntry.objects.filter(case=case, ref__startswith="X-")
    ChronologyEntry.subjects.through.objects.bulk_create(
        [
            ChronologyEntry.subjects.through(chronologyentry_id=pk, person_id=child.pk)
            for pk in added.values_list("pk", flat=True)
        ]
    )
    ChronologyEntry.themes.through.objects.bulk_create(
        [
            ChronologyEntry.themes.through(chronologyentry_id=pk, theme_id=theme.pk)
            for pk in added.values_list("pk", flat=True)
        ]
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_page_runs_the_same_queries_for_many_more_entries(
    chronology: Case, cast: Cast, client_for
) -> None:
    client = client_for(cast.social_worker)
    url = timeline_url(chronology)
    client.get(url)  # warm: session, sites and other one-off lookups
    small = _queries(client, url)
    _add_entries(chronology, 450)
    page = BeautifulSoup(client.get(url).content, "html.parser")
    assert len(page.find("svg", attrs={"aria-labelledby": "timeline-title"}).find_all("a")) == 496
    assert _queries(client, url) == small


def test_marks_beyond_the_first_page_of_the_table_link_to_their_page(
    chronology: Case, cast: Cast, client_for
) -> None:
    _add_entries(chronology, 450)
    page = get_page(client_for, cast.social_worker, timeline_url(chronology))
    hrefs = [
        a["href"]
        for a in page.find("svg", attrs={"aria-labelledby": "timeline-title"}).find_all("a")
    ]
    pages = {int(m.group(1)) if (m := re.search(r"page=(\d+)", href)) else 1 for href in hrefs}
    assert pages == {1, 2, 3}
    per_page = selectors.ROWS_PER_PAGE
    assert sum(1 for href in hrefs if "page=" not in href) == per_page
