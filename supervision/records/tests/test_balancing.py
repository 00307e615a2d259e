"""The balancing exercise of the Harries/Walsh session (domain.md §7.5; R37, B12, B14)."""

from __future__ import annotations

import re

import pytest

from supervision.audit.models import AuditEvent
from supervision.meetings.models import SupervisionSession
from supervision.records.models import BalancingItem, PrinciplesRecord, ScalingScore
from supervision.records.tests.test_record import _queries, url

pytestmark = pytest.mark.django_db

ITEMS = (
    ("strength", "Nan's consistent care", "Glenys (Nan)"),
    ("risk", "Dean not engaging with the programme", "DAS"),
    ("need", "Kai's father's views (unknown)", "Social worker"),
)
SUMMARY = "The strengths do not yet outweigh the risk at weekends."


def item(column: str, text: str, raised_by: str) -> dict[str, object]:
    return {"column": column, "text": text, "raised_by": raised_by}


def score(participant: str, value: object, rationale: str = "") -> dict[str, object]:
    return {"participant": participant, "score": value, "rationale": rationale}


def summary(text: str, version: int) -> dict[str, object]:
    return {"summary": text, "version": version}


def test_items_show_side_by_side_with_who_raised_them(client_for, cast, booked):
    client = client_for(cast.social_worker)
    for column, text, raised_by in ITEMS:
        response = client.post(url(booked, "balancing_item_add"), item(column, text, raised_by))
        assert response.status_code == 302
        assert response["Location"].endswith("#balancing")
    page = client.get(url(booked)).content.decode()
    section = page[page.index('id="balancing"') :]
    strengths = section.index('id="balancing-strength"')
    risks = section.index('id="balancing-risk"')
    needs = section.index('id="balancing-need"')
    assert strengths < section.index("Nan&#x27;s consistent care") < risks
    assert risks < section.index("Dean not engaging with the programme") < needs
    assert needs < section.index("Kai&#x27;s father&#x27;s views (unknown)")
    for heading in ("Strengths", "Risks", "Outstanding needs"):
        assert f">{heading}</h3>" in section
    assert 'Raised by <span translate="no">Glenys (Nan)</span>' in section
    assert 'Raised by <span translate="no">DAS</span>' in section
    assert set(BalancingItem.objects.values_list("column", "raised_by")) == {
        (column, raised_by) for column, _, raised_by in ITEMS
    }
    events = AuditEvent.objects.filter(case=booked.case, detail__part="balancing item")
    assert events.count() == 3


def test_an_item_needs_a_column_its_text_and_who_raised_it(client_for, cast, booked):
    client = client_for(cast.chair)
    response = client.post(url(booked, "balancing_item_add"), item("", "", ""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Select a strength, a risk or an outstanding need" in page
    assert "Enter what was said" in page
    assert "Enter who raised it" in page
    assert not BalancingItem.objects.exists()


def test_scores_show_as_a_spread_and_never_an_average(client_for, cast, booked):
    client = client_for(cast.chair)
    for participant, value in (("Police", 3), ("SW", 4), ("FSC (previous)", 4), ("DAS", 6)):
        response = client.post(url(booked, "scaling_score_add"), score(participant, value))
        assert response.status_code == 302
    page = client.get(url(booked)).content.decode()
    assert "Scores from 3 to 6; 1 person scored 3; 2 people scored 4; 1 person scored 6." in page
    assert "FSC (previous)" in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\b(average|mean|median)\b", text, re.IGNORECASE)
    assert ScalingScore.objects.count() == 4


def test_one_agreed_score_says_so(client_for, cast, booked):
    client = client_for(cast.chair)
    client.post(url(booked, "scaling_score_add"), score("SW", 5))
    client.post(url(booked, "scaling_score_add"), score("HV", 5))
    assert "All 2 people scored 5." in client.get(url(booked)).content.decode()


@pytest.mark.parametrize("value", ["11", "-1", "4.5", "", "four"])
def test_a_score_outside_0_to_10_is_refused_and_not_saved(client_for, cast, booked, value):
    client = client_for(cast.chair)
    response = client.post(url(booked, "scaling_score_add"), score("Police", value))
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter a whole number from 0 to 10" in page
    assert not ScalingScore.objects.exists()


def test_the_summary_is_saved_and_a_stale_save_gets_the_conflict_page(client_for, cast, booked):
    client = client_for(cast.chair)
    # Saving what matters does not make the summary stale: it has its own version.
    client.post(
        url(booked, "what_matters"), {"what_matters": "x", "family_words": "", "version": "0"}
    )
    assert client.post(url(booked, "balancing_summary"), summary(SUMMARY, 0)).status_code == 302
    record = PrinciplesRecord.objects.get(session=booked)
    assert (record.balancing_summary, record.balancing_version) == (SUMMARY, 1)
    assert SUMMARY in client.get(url(booked)).content.decode()

    client.force_login(cast.social_worker)
    response = client.post(url(booked, "balancing_summary"), summary("A later view.", 0))
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has changed this" in page
    assert SUMMARY in page
    assert "A later view." in page
    record.refresh_from_db()
    assert (record.balancing_summary, record.balancing_version) == (SUMMARY, 1)
    # The conflict page carries the new version, so saving from it works.
    response = client.post(url(booked, "balancing_summary"), summary("A later view.", 1))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.balancing_summary, record.balancing_version) == ("A later view.", 2)
    events = AuditEvent.objects.filter(case=booked.case, detail__part="balancing summary")
    assert events.count() == 2


def test_an_empty_summary_is_refused(client_for, cast, booked):
    response = client_for(cast.chair).post(url(booked, "balancing_summary"), summary("", 0))
    assert response.status_code == 400
    assert "Enter the summary judgement" in response.content.decode()


POSTS = {
    "balancing_item_add": item(*ITEMS[0]),
    "scaling_score_add": score("SW", 4),
    "balancing_summary": summary(SUMMARY, 0),
}


def test_the_involved_practitioner_reads_but_does_not_write(client_for, cast, booked):
    client_for(cast.chair).post(url(booked, "balancing_item_add"), item(*ITEMS[1]))
    client = client_for(cast.involved)
    page = client.get(url(booked)).content.decode()
    assert "Dean not engaging with the programme" in page
    assert "Add to the balancing exercise" not in page
    assert "Add a score" not in page
    for name, data in POSTS.items():
        assert client.post(url(booked, name), data).status_code == 403, name
    assert BalancingItem.objects.count() == 1
    assert not ScalingScore.objects.exists()
    assert PrinciplesRecord.objects.get(session=booked).balancing_summary == ""


def test_the_uninvolved_practitioner_gets_not_found(client_for, cast, booked):
    client = client_for(cast.uninvolved)
    for name, data in POSTS.items():
        assert client.post(url(booked, name), data).status_code == 404, name
    assert not PrinciplesRecord.objects.exists()


def test_the_routes_take_posts_only(client_for, cast, booked):
    client = client_for(cast.chair)
    for name in POSTS:
        assert client.get(url(booked, name)).status_code == 405, name


def test_the_page_runs_the_same_queries_for_one_or_ten_items(
    client_for, cast, booked: SupervisionSession
):
    client = client_for(cast.chair)

    def add_one(n: int) -> None:
        for column in ("strength", "risk", "need"):
            data = item(column, f"{column} {n}", f"Agency {n}")
            assert client.post(url(booked, "balancing_item_add"), data).status_code == 302
        data = score(f"Participant {n}", n)
        assert client.post(url(booked, "scaling_score_add"), data).status_code == 302

    add_one(1)
    client.post(url(booked, "balancing_summary"), summary(SUMMARY, 0))
    one = _queries(client, url(booked))
    for n in range(2, 11):
        add_one(n)
    assert BalancingItem.objects.count() == 30
    assert _queries(client, url(booked)) == one
