"""The whole Harries/Walsh session of domain.md §7.5 recorded through the screens, by the
chair, from what matters to sign-off, then read back from the signed-off version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from supervision.actions.tests.test_plan import (
    A1_NOTE,
    ACTIONS,
    LEANNE_OUTCOME,
    MACY_OUTCOME,
    MONITORING,
    ONE_MONTH,
    THREE_MONTHS,
    action_data,
)
from supervision.cases.models import Person
from supervision.conftest import DEMO_PASSWORD
from supervision.records.models import PrinciplesRecord, RecordEdition
from supervision.records.tests.test_record import (
    FAMILY_WORDS,
    KAI_OUTCOME,
    WHAT_MATTERS,
    WHOLE_FAMILY_OUTCOME,
)
from supervision.safety.tests.test_safety_plan import (
    AGREED_BY,
    CONTINGENCY,
    POLICE,
    SEWEDT,
)
from supervision.safety.tests.test_safety_plan import ITEMS as PLAN_ITEMS
from supervision.safety.tests.test_safety_plan import item as plan_item

pytestmark = pytest.mark.django_db

STRENGTHS = [
    ("personal", "Leanne seeks help when frightened (999 call, harassment report, self-referral)."),
    ("family", "Nan does the school run, takes the children to appointments; Kai sleeps at hers."),
    ("community", "School key adult and breakfast club."),
    ("home_environment", "Stable tenancy; locks replaced."),
]
RISKS = [
    ("Dean turning up drunk on a Friday night", "Leanne", ["Fri/Sat 21:00-02:00"]),
    ("Shouting when I'm in bed", "Kai", ["Weekend nights", "School holidays"]),
    ("Health needs missed when Leanne's mood dips", "HV / GP", ["1-6 weeks after an incident"]),
    ("School attendance drops after incidents", "School", ["Mondays after a weekend incident"]),
]
BALANCING = [
    ("strength", "Nan's consistent care", "Social worker"),
    ("strength", "Leanne attending the recovery group", "DAS"),
    ("risk", "Repeated domestic abuse with Dean's presence contrary to the plan", "Police"),
    ("need", "Weekend cover", "School"),
    ("need", "Kai's father's views (unknown)", "Social worker"),
]
SCALING = [("SW", 4), ("HV", 5), ("School", 5), ("DAS", 6), ("Police", 3), ("FSC", 4)]
LEARNING = (
    "1. Each incident was handled on its own; the improve-then-relapse pattern only showed in "
    "the merged chronology.\n2. Flying Start non-engagement was not known to the school.\n"
    "3. Weekend plans depended on one person (Nan) with no back-up."
)


def record_the_scenario(client_for, cast, booked) -> list[dict[str, object]]:
    """Record the §7.5 session through the screens as the chair and sign it off; returns
    the outcomes as posted."""
    case = booked.case
    kwargs = {"reference": case.reference, "code": booked.request.code}

    def go(name: str, data: dict | None = None, **extra: object) -> None:
        response = chair.post(reverse(name, kwargs={**kwargs, **extra}), data or {})
        assert response.status_code == 302, (name, response.content.decode()[:2000])

    def person(given: str) -> int:
        return Person.objects.get(case=case, given_names=given).pk

    chair = client_for(cast.chair)
    # What matters, in the family's words.
    go(
        "records:what_matters",
        {"what_matters": WHAT_MATTERS, "family_words": FAMILY_WORDS, "version": "0"},
    )
    # Outcomes O1-O4; "Children to be safe." is refused first.
    generic = {"whose": "whole_family", "text": "Children to be safe.", "status": "agreed"}
    refused = chair.post(reverse("records:outcome_add", kwargs=kwargs), generic)
    assert refused.status_code == 400
    outcomes: list[dict[str, object]] = [
        {"whose": "whole_family", "text": WHOLE_FAMILY_OUTCOME, "status": "agreed"},
        {"whose": "child", "person": person("Kai"), "text": KAI_OUTCOME, "status": "agreed"},
        {"whose": "child", "person": person("Macy"), "text": MACY_OUTCOME, "status": "agreed"},
        {
            "whose": "parent",
            "person": person("Leanne"),
            "text": LEANNE_OUTCOME,
            "status": "work_in_progress",
        },
    ]
    for data in outcomes:
        go("records:outcome_add", {"keep_reason": "", **data})
    for kind, text in STRENGTHS:
        go("records:strength_add", {"kind": kind, "text": text})
    for rank, (avoid, view, moments) in enumerate(RISKS, start=1):
        go("records:risk_add", {"trying_to_avoid": avoid, "from_whose_view": view})
        for when in moments:
            go("records:moment_add", {"when": when}, rank=rank)
    # The safety plan, shared out of hours.
    for row in PLAN_ITEMS:
        go("safety:item_add", plan_item(row))
    plan_version = len(PLAN_ITEMS)
    go(
        "safety:details",
        {
            "contingency": CONTINGENCY,
            "agreed_by": AGREED_BY,
            "family_owned": "yes",
            "version": str(plan_version),
        },
    )
    go("safety:share_add", SEWEDT)
    go("safety:share_add", POLICE)
    # The balancing exercise, with the scaling shown as a spread.
    for column, text, raised_by in BALANCING:
        go("records:balancing_item_add", {"column": column, "text": text, "raised_by": raised_by})
    for participant, score in SCALING:
        go("records:scaling_score_add", {"participant": participant, "score": score})
    go(
        "records:balancing_summary",
        {"summary": "Risks still outweigh the strengths at weekends.", "version": "0"},
    )
    record_page = chair.get(reverse("records:record", kwargs=kwargs)).content.decode()
    assert "Scores from 3 to 6" in record_page
    assert "average" not in record_page.lower()
    # Next steps A1-A7, progress at one and three months, the review date.
    for description, owner, due in ACTIONS:
        go("actions:action_add", action_data(description, owner, due))
    go("actions:action_done", {"completion_note": A1_NOTE}, number=1)
    go("actions:progress_point", {"target": ONE_MONTH, "version": "0", **MONITORING}, months=1)
    go("actions:progress_point", {"target": THREE_MONTHS, "version": "0", **MONITORING}, months=3)
    go("actions:review", {"review_date": "2026-04-16", "no_actions_reason": "", "version": "0"})
    # Attendance, the chair summary, sign-off.
    attendees = [cast.social_worker.practitioner.pk, cast.involved.practitioner.pk]
    go("records:attendance", {"attendees": attendees})
    go(
        "records:summary_save",
        {
            "information_shared": "The merged chronology findings.",
            "learning_points": LEARNING,
            "version": "0",
        },
    )
    summary = chair.get(reverse("records:summary", kwargs=kwargs)).content.decode()
    assert "Everything the record needs is there." in summary
    go("records:sign_off", {"password": DEMO_PASSWORD})

    return outcomes


def test_the_scenario_session_is_recorded_through_the_screens(client_for, cast, booked):
    outcomes = record_the_scenario(client_for, cast, booked)
    kwargs = {"reference": booked.case.reference, "code": booked.request.code}
    chair = client_for(cast.chair)
    record = PrinciplesRecord.objects.get(session=booked)
    assert record.locked
    content = RecordEdition.objects.get(record=record, number=1).content
    principles = content["principles"]
    assert [o["text"] for o in principles["outcomes"]] == [o["text"] for o in outcomes]
    assert [o["status"] for o in principles["outcomes"]][-1] == "work_in_progress"
    assert [r["rank"] for r in principles["risks"]] == [1, 2, 3, 4]
    assert sorted(s["score"] for s in principles["scaling"]) == [3, 4, 4, 5, 5, 6]
    assert len(content["safety_plan"]["items"]) == 5
    assert content["safety_plan"]["out_of_hours"]["answered"] is True
    steps = content["next_steps"]
    assert [a["due"] for a in steps["actions"]] == [due for _, _, due in ACTIONS]
    assert steps["actions"][0]["status"] == "done"
    assert [(p["months"], p["due"]) for p in steps["progress"]] == [
        (1, "2026-02-16"),
        (3, "2026-04-15"),
    ]
    assert steps["review_date"] == "2026-04-16"
    assert principles["learning_points"] == LEARNING
    version = chair.get(reverse("records:edition", kwargs={**kwargs, "number": 1}))
    page = version.content.decode()
    assert "Weekend plans depended on one person (Nan) with no back-up." in page
    assert "16 April 2026" in page
