"""Recording the Harries/Walsh session (domain.md §7.5) through the screens."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from supervision.audit.models import AuditEvent
from supervision.cases.models import Person
from supervision.meetings.models import SupervisionSession
from supervision.meetings.tests.test_requests import SESSION, accepted_request
from supervision.records.models import HighRiskMoment, Outcome, PrinciplesRecord

pytestmark = pytest.mark.django_db

WHAT_MATTERS = "Calm weekends at home; the children's health appointments kept."
FAMILY_WORDS = (
    'Leanne: "I just want a normal weekend without the police at the door." '
    'Kai (seen alone 08/01/2026): "I like it when it\'s quiet and Nan makes cawl."'
)
WHOLE_FAMILY_OUTCOME = (
    "Leanne, Kai and Macy have calm evenings at home, and the children are not woken at "
    "night by adults arguing."
)
KAI_OUTCOME = (
    "Kai is in school every day on time, having had breakfast, and has his inhaler with him."
)


def url(session: SupervisionSession, name: str = "record", **extra: object) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code, **extra}
    return reverse(f"records:{name}", kwargs=kwargs)


def person(case, given: str) -> Person:
    return Person.objects.get(case=case, given_names=given)


def outcome(whose: str = "whole_family", text: str = WHOLE_FAMILY_OUTCOME, **extra: object):
    return {"whose": whose, "text": text, "status": "agreed", "keep_reason": "", **extra}


def test_the_chair_records_what_matters_and_the_familys_words(client_for, cast, booked):
    client = client_for(cast.chair)
    page = client.get(url(booked))
    assert page.status_code == 200
    assert "Nothing recorded yet." in page.content.decode()
    response = client.post(
        url(booked, "what_matters"),
        {"what_matters": WHAT_MATTERS, "family_words": FAMILY_WORDS, "version": "0"},
    )
    assert response.status_code == 302
    record = PrinciplesRecord.objects.get(session=booked)
    assert record.version == 1
    assert record.updated_by == cast.chair
    page = client.get(url(booked)).content.decode()
    assert "I like it when it&#x27;s quiet and Nan makes cawl." in page
    assert WHAT_MATTERS.replace("'", "&#x27;") in page
    event = AuditEvent.objects.get(case=booked.case, action="update", detail__part="what matters")
    assert event.actor == cast.chair


def test_a_generic_outcome_is_refused_until_a_reason_keeps_it(client_for, cast, booked):
    client = client_for(cast.chair)
    response = client.post(url(booked, "outcome_add"), outcome(text="Children to be safe."))
    page = response.content.decode()
    assert response.status_code == 400
    assert "“safe” is a generic word. What would this look like day to day?" in page
    assert "Keep this wording" in page
    assert "Children to be safe." in page  # what was typed is kept
    assert not Outcome.objects.exists()

    response = client.post(
        url(booked, "outcome_add"),
        outcome(text="Children to be safe.", keep_reason="Leanne's own words at the meeting."),
    )
    assert response.status_code == 302
    kept = Outcome.objects.get()
    assert kept.keep_reason == "Leanne's own words at the meeting."
    page = client.get(url(booked)).content.decode()
    assert "Children to be safe." in page
    assert "Wording kept because:" in page
    assert "Leanne&#x27;s own words at the meeting." in page
    created = AuditEvent.objects.get(case=booked.case, action="create", detail__part="outcome")
    assert created.detail["kept"] is True


def test_a_welsh_generic_outcome_is_refused_in_welsh(client_for, cast, booked):
    client = client_for(cast.chair)
    welsh = outcome(text="Plant i fod yn ddiogel.")
    # The words are not generic English, so the English page takes them.
    assert client.post(url(booked, "outcome_add"), welsh).status_code == 302
    with translation.override("cy"):
        welsh_url = url(booked, "outcome_add")
    assert welsh_url.startswith("/cy/")
    response = client.post(welsh_url, welsh)
    assert response.status_code == 400
    assert "“ddiogel”" in response.content.decode()
    assert Outcome.objects.count() == 1  # only the English one


def test_the_whole_family_warning_shows_until_there_is_a_whole_family_outcome(
    client_for, cast, booked
):
    client = client_for(cast.chair)
    warning = "There is no outcome for the whole family yet."
    assert warning in client.get(url(booked)).content.decode()
    kai = person(booked.case, "Kai")
    response = client.post(
        url(booked, "outcome_add"), outcome("child", KAI_OUTCOME, person=str(kai.pk))
    )
    assert response.status_code == 302
    page = client.get(url(booked)).content.decode()
    assert warning in page
    assert "Kai Harries" in page
    client.post(url(booked, "outcome_add"), outcome())
    page = client.get(url(booked)).content.decode()
    assert warning not in page
    assert WHOLE_FAMILY_OUTCOME in page


def test_strengths_by_kind_and_risks_in_rank_order_with_their_moments(client_for, cast, booked):
    client = client_for(cast.social_worker)  # the social worker writes too
    glenys = person(booked.case, "Glenys")
    for data in (
        {"kind": "community", "text": "School key adult and breakfast club."},
        {
            "kind": "network",
            "text": "Nan does the school run and the health appointments.",
            "people": [str(glenys.pk)],
        },
    ):
        assert client.post(url(booked, "strength_add"), data).status_code == 302
    for avoid, view in (
        ("Dean turning up drunk on a Friday night", "Leanne"),
        ("Shouting when I'm in bed", "Kai"),
        ("School attendance drops after incidents", "School"),
    ):
        data = {"trying_to_avoid": avoid, "from_whose_view": view}
        assert client.post(url(booked, "risk_add"), data).status_code == 302
    moment = {"when": "Fri/Sat 21:00–02:00", "where": "Home", "trigger": "", "early_sign": ""}
    assert client.post(url(booked, "moment_add", rank=1), moment).status_code == 302
    later = {"when": "Mondays after a weekend incident", "where": "", "trigger": ""}
    assert client.post(url(booked, "moment_add", rank=3), later).status_code == 302
    assert client.post(url(booked, "moment_add", rank=9), later).status_code == 404

    page = client.get(url(booked)).content.decode()
    # Kinds in their fixed order (network before community), whatever order they came in.
    assert page.index("Nan does the school run") < page.index("School key adult")
    assert "Glenys Harries" in page
    first = page.index("Dean turning up drunk")
    second = page.index("Shouting when I&#x27;m in bed")
    third = page.index("School attendance drops")
    assert first < page.index("Fri/Sat 21:00–02:00") < second < third
    assert third < page.index("Mondays after a weekend incident")
    assert HighRiskMoment.objects.get(when="Fri/Sat 21:00–02:00").risk.rank == 1

    # A moment needs a when; the page comes back with the error by that risk.
    response = client.post(url(booked, "moment_add", rank=2), {**later, "when": ""})
    assert response.status_code == 400
    assert "Enter when the risk is highest" in response.content.decode()
    parts = set(
        AuditEvent.objects.filter(
            case=booked.case, action="create", target_type__startswith="records."
        ).values_list("detail__part", flat=True)
    )
    assert parts == {"strength", "priority risk", "high-risk moment"}


def test_a_stale_save_gets_the_conflict_page_and_the_first_save_is_kept(client_for, cast, booked):
    chair = client_for(cast.chair)
    # Both open the record at version 0; the social worker saves first.
    chair.force_login(cast.social_worker)
    first = {"what_matters": "The social worker's words.", "family_words": "", "version": "0"}
    assert chair.post(url(booked, "what_matters"), first).status_code == 302
    chair.force_login(cast.chair)
    second = {"what_matters": "The chair's words.", "family_words": "", "version": "0"}
    response = chair.post(url(booked, "what_matters"), second)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has changed this" in page
    assert "The social worker&#x27;s words." in page
    assert "The chair&#x27;s words." in page
    record = PrinciplesRecord.objects.get(session=booked)
    assert record.what_matters == "The social worker's words."
    assert record.version == 1
    # Saving again from the conflict page (which carries the new version) works.
    response = chair.post(url(booked, "what_matters"), {**second, "version": "1"})
    assert response.status_code == 302


def test_the_involved_practitioner_reads_but_does_not_write(client_for, cast, booked):
    client = client_for(cast.involved)
    page = client.get(url(booked))
    assert page.status_code == 200
    assert "Add an outcome" not in page.content.decode()
    posts = {
        "what_matters": {"what_matters": "x", "family_words": "", "version": "0"},
        "outcome_add": outcome(),
        "strength_add": {"kind": "personal", "text": "x"},
        "risk_add": {"trying_to_avoid": "x", "from_whose_view": "y"},
    }
    for name, data in posts.items():
        assert client.post(url(booked, name), data).status_code == 403, name
    assert not PrinciplesRecord.objects.exists()


def test_the_uninvolved_practitioner_gets_not_found_everywhere(client_for, cast, booked):
    client_for(cast.chair).post(
        url(booked, "risk_add"), {"trying_to_avoid": "x", "from_whose_view": "y"}
    )
    client = client_for(cast.uninvolved)
    assert client.get(url(booked)).status_code == 404
    for name, extra in (
        ("what_matters", {}),
        ("outcome_add", {}),
        ("strength_add", {}),
        ("risk_add", {}),
        ("moment_add", {"rank": 1}),
    ):
        assert client.post(url(booked, name, **extra), {}).status_code == 404, name


def test_the_page_reads_are_audited_and_need_a_session(client, client_for, cast, demo_case):
    found = accepted_request(client, cast, demo_case)
    no_session = reverse(
        "records:record", kwargs={"reference": demo_case.reference, "code": found.code}
    )
    assert client.get(no_session).status_code == 404  # accepted, not booked
    client.post(
        reverse("meetings:schedule", kwargs={"reference": demo_case.reference, "code": found.code}),
        SESSION,
    )
    client_for(cast.involved).get(no_session)
    assert AuditEvent.objects.filter(
        case=demo_case, actor=cast.involved, action="view", detail__part="session record"
    ).exists()


def _queries(client, page_url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page_url).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_one_or_ten_of_everything(client_for, cast, booked):
    client = client_for(cast.chair)
    kai = person(booked.case, "Kai")

    def add_one(n: int) -> None:
        posts = [
            ("outcome_add", {}, outcome("child", f"{KAI_OUTCOME} ({n})", person=kai.pk)),
            ("strength_add", {}, {"kind": "personal", "text": f"Strength {n}", "people": [kai.pk]}),
            ("risk_add", {}, {"trying_to_avoid": f"Risk {n}", "from_whose_view": "Kai"}),
            ("moment_add", {"rank": n}, {"when": f"Moment {n}"}),
        ]
        for name, extra, data in posts:
            assert client.post(url(booked, name, **extra), data).status_code == 302, name

    add_one(1)
    one = _queries(client, url(booked))
    for n in range(2, 11):
        add_one(n)
    assert Outcome.objects.count() == 10
    assert HighRiskMoment.objects.count() == 10
    assert _queries(client, url(booked)) == one
