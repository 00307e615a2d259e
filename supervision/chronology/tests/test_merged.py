"""The multi-agency chronology page: the merged table, its filters, what it shows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.audit.models import AuditEvent
from supervision.chronology import services
from supervision.chronology.models import (
    AgencyChronology,
    ChronologyEntry,
    ChronologyFinding,
    Theme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chronology(demo_case):
    services.demo_chronology_load()
    return demo_case


def page_for(client, case, **query) -> str:
    url = reverse("chronology:merged", kwargs={"reference": case.reference})
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def refs_in_table(page: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" id="entry-([A-Z]+-\d+)">', page)


def section(page: str, heading: str) -> str:
    start = page.index(f'<h3 class="govuk-heading-s">{heading}')
    end = page.index("<h3", start + 1)
    return page[start:end]


def test_every_entry_in_date_order_with_its_agency(client_for, cast, chronology):
    page = page_for(client_for(cast.involved), chronology)
    refs = refs_in_table(page)
    assert len(refs) == 46
    assert refs[:4] == ["HV-01", "SCH-01", "HV-02", "POL-01"]
    assert refs.index("POL-02") < refs.index("SCH-03")  # 01:15 before 08:20 on 7 April
    assert refs[-2:] == ["CS-13", "HV-08"]
    assert "46 entries from 11 December 2024 to 10 December 2025" in page


def test_incidents_followed_by_missed_contact_are_shown(client_for, cast, chronology):
    shown = section(page_for(client_for(cast.involved), chronology), "Incidents followed")
    for trigger, follower in [
        ("POL-01", "HV-03"),
        ("POL-02", "FSC-02"),
        ("POL-02", "CS-07"),
        ("POL-05", "HV-07"),
        ("POL-05", "GP-05"),
    ]:
        line = next(item for item in shown.split("<li>") if f">{trigger}<" in item.split("was")[0])
        assert f">{follower}<" in line, (trigger, follower)


def test_missed_contact_is_counted_for_each_person(client_for, cast, chronology):
    shown = section(page_for(client_for(cast.involved), chronology), "Missed contact, for each")
    cells = {
        name: re.findall(r"numeric\">(\d+)<", shown.split(name, 1)[1].split("</tr>")[0])
        for name in ("Macy Walsh", "Leanne Harries", "Dean Walsh")
    }
    # columns: was not brought, did not attend, no access, cancelled, declined, not responding
    assert cells["Macy Walsh"][0] == "4"
    assert cells["Macy Walsh"][2] == "2"
    assert cells["Leanne Harries"][1] == "1"
    assert cells["Dean Walsh"][1] == "1"


def test_conflicts_gaps_history_and_strengths_are_shown(client_for, cast, chronology):
    page = page_for(client_for(cast.involved), chronology)
    conflicts = section(page, "Accounts that conflict")
    assert ">SCH-04<" in conflicts
    assert ">CS-08<" in conflicts
    assert "corroborated by" in conflicts
    assert ">CS-09<" in conflicts
    gaps = section(page, "Gaps")
    assert "No agency holds anything about Ryan Morgan" in gaps
    assert "Nothing from" not in gaps  # every involved agency contributed
    history = section(page, "What has been tried before")
    assert "Flying Start Childcare Setting" in history
    assert "place withdrawn" in history
    strengths = section(page, "Strengths")
    network = strengths.split("Family and friends network", 1)[1].split("</dd>")[0]
    for ref in ("CS-02", "GP-03", "HV-05", "SCH-06"):
        assert f">{ref}<" in network


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"agency": "FSC"}, ["FSC-01", "FSC-02"]),
        ({"person": "P4"}, ["POL-04", "CS-11", "CS-12", "POL-06"]),
        ({"theme": "conflicting_information"}, ["CS-08"]),
        ({"polarity": "strength", "start": "2025-09-01", "end": "2025-10-31"}, ["SCH-06"]),
    ],
)
def test_filters(client_for, cast, chronology, query, expected):
    assert refs_in_table(page_for(client_for(cast.involved), chronology, **query)) == expected


def test_a_period_that_ends_before_it_starts_is_explained(client_for, cast, chronology):
    page = page_for(client_for(cast.involved), chronology, start="2025-06-01", end="2025-01-01")
    assert "The end of the period must be after its start." in page


def test_opening_the_chronology_is_audited(client_for, cast, chronology):
    page_for(client_for(cast.involved), chronology)
    event = AuditEvent.objects.filter(case=chronology, action="view").latest("id")
    assert event.detail["part"] == "chronology"
    assert event.actor == cast.involved


def test_outsiders_get_404(client_for, cast, chronology):
    url = reverse("chronology:merged", kwargs={"reference": chronology.reference})
    for outsider in (cast.uninvolved, cast.quality_officer, cast.administrator, cast.chair):
        assert client_for(outsider).get(url).status_code == 404


def test_the_social_worker_records_findings_citing_entries(client_for, cast, chronology):
    client = client_for(cast.social_worker)
    url = reverse("chronology:finding_add", kwargs={"reference": chronology.reference})
    response = client.post(
        url,
        {
            "kind": "pattern",
            "text": "Incidents are followed by missed contact.",
            "entries": "POL-01, HV-03",
        },
    )
    assert response.status_code == 302
    finding = ChronologyFinding.objects.get()
    assert sorted(entry.ref for entry in finding.entries.all()) == ["HV-03", "POL-01"]
    page = page_for(client, chronology)
    assert "Incidents are followed by missed contact." in page

    bad = client.post(url, {"kind": "pattern", "text": "x", "entries": "NOPE-1"})
    assert bad.status_code == 400
    assert "There is no entry NOPE-1 in this chronology." in bad.content.decode()
    assert (
        client_for(cast.involved)
        .post(url, {"kind": "strength", "text": "x", "entries": "HV-05"})
        .status_code
        == 403
    )


def add_entries(case, count: int) -> None:
    chronology = AgencyChronology.objects.get(case=case, agency__code="hv")
    author = chronology.entries.first().created_by
    person = case.people.get(key="P2")
    theme = Theme.objects.get(code="missed_health")
    start = datetime.date(2024, 12, 11)
    entries = ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            case=case,
            chronology=chronology,
            ref=f"HVX-{n}",
            source="Clinic list",
            event_date=start + datetime.timedelta(days=n % 360),
            event_type="appointment",
            description="Not brought.",
            action_taken="Letter sent.",
            polarity="worry",
            engagement="was_not_brought",
            created_by=author,
        )
        for n in range(count)
    )
    ChronologyEntry.subjects.through.objects.bulk_create(
        ChronologyEntry.subjects.through(chronologyentry_id=e.pk, person_id=person.pk)
        for e in entries
    )
    ChronologyEntry.themes.through.objects.bulk_create(
        ChronologyEntry.themes.through(chronologyentry_id=e.pk, theme_id=theme.pk) for e in entries
    )


def test_the_page_runs_the_same_queries_for_2000_entries_as_for_20(
    client_for, cast, demo_case, django_assert_num_queries
):
    services.demo_chronology_load()
    client = client_for(cast.involved)
    page_for(client, demo_case)  # the first request after sign-in notes the time
    counts = []
    for extra in (0, 1954):  # 46 entries, then 2,000
        add_entries(demo_case, extra)
        with CaptureQueriesContext(connection) as queries:
            page_for(client, demo_case)
        counts.append(len(queries))
    assert ChronologyEntry.objects.filter(case=demo_case).count() == 2000
    assert counts[0] == counts[1]


def test_the_anonymised_view_names_nobody(client_for, cast, chronology):
    page = page_for(client_for(cast.involved), chronology, anonymised="1")
    people = chronology.people.all()
    table = page[page.index('id="entries"') :]
    for person in people:
        for name in {person.given_names, person.family_name}:
            assert not re.search(rf"\b{re.escape(name)}\b", table), name
    assert "Child 1" in page
    assert "Harries/Walsh</span>" not in page
    assert len(refs_in_table(page)) == 46
