"""Recording the Harries/Walsh next steps and progress (domain.md §7.5) through the screens."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from supervision.accounts.models import User
from supervision.actions import services
from supervision.actions.models import Action, ActionPlan, ProgressPoint
from supervision.actions.selectors import CompletionFacts, completion_facts, snapshot
from supervision.agencies.models import Practitioner
from supervision.audit.models import AuditEvent
from supervision.cases.models import Person
from supervision.domain.chronology import Period
from supervision.meetings.models import SupervisionSession
from supervision.meetings.services import (
    SharingBasis,
    request_accept,
    request_create,
    session_schedule,
)
from supervision.records.models import Outcome, PrinciplesRecord, PriorityRisk

pytestmark = pytest.mark.django_db

SOCIAL_WORKER = "sioned.price@cs.example"  # PR-CS-01
HEALTH_VISITOR = "rachel.evans@hv.example"  # PR-HV-01
GP = "amir.shah@gp.example"  # PR-GP-01

LEANNE_OUTCOME = (
    "Leanne finishes the 12-week recovery group and knows who to ring at a weekend if Dean "
    "turns up."
)
MACY_OUTCOME = (
    "Macy goes to every SLT session and can be understood by people outside her family by "
    "the summer."
)
KAI_OUTCOME = (
    "Kai is in school every day on time, having had breakfast, and has his inhaler with him."
)
DEAN_RISK = "Dean turning up drunk on a Friday night"

# The action register of §7.5: (description, owner's email, due date).
ACTIONS = [
    (
        "Share safety plan v5 with SEWEDT and confirm the police address flag",
        SOCIAL_WORKER,
        "2026-01-16",
    ),
    (
        "Ask Leanne for her own outcome (O4) in her words; update the plan",
        SOCIAL_WORKER,
        "2026-01-23",
    ),
    (
        "Arrange SLT appointments on Nan's non-working days; text reminders",
        HEALTH_VISITOR,
        "2026-01-30",
    ),
    (
        "Include MAS outcomes/actions in the RCPC report and alert the conference chair",
        SOCIAL_WORKER,
        "2026-01-22",
    ),
    ("Seek Kai's father's views and any relevant information", SOCIAL_WORKER, "2026-02-13"),
    (
        "Confirm a pharmacy delivery/collection plan for Kai's inhaler with Nan",
        GP,
        "2026-01-30",
    ),
    (
        "Re-offer Dean a behaviour change programme in writing; state the contact boundaries",
        SOCIAL_WORKER,
        "2026-01-30",
    ),
]
A1_NOTE = "Shared with SEWEDT by secure email; police PPU confirmed the address flag is active."
ONE_MONTH = "No weekend incidents; Macy at all SLT sessions; Kai at least 95% in January."
THREE_MONTHS = "Safety plan held through half-term and Easter; Leanne completed the group."
MONITORING = {"monitored_by": "Core group", "how": "HV and school data; SW visits"}


def url(session: SupervisionSession, name: str = "plan", **extra: object) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code, **extra}
    return reverse(f"actions:{name}", kwargs=kwargs)


def record_url(session: SupervisionSession, name: str) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code}
    return reverse(f"records:{name}", kwargs=kwargs)


def practitioner(email: str) -> Practitioner:
    return Practitioner.objects.get(user__email=email)


def action_data(description: str, owner: str, due: str, **extra: object) -> dict[str, object]:
    return {
        "description": description,
        "owner": str(practitioner(owner).pk),
        "agency": "",
        "due_date": due,
        "outcome": "",
        "risk": "",
        **extra,
    }


def point_data(target: str, version: int = 0) -> dict[str, object]:
    return {"target": target, "version": str(version), **MONITORING}


def sign_off(session: SupervisionSession, chair: User) -> None:
    """What the chair's sign-off does to the record (the lead's sign-off builds on this)."""
    PrinciplesRecord.objects.filter(session=session).update(
        signed_off_at=timezone.now(), signed_off_by=chair
    )


def add_scenario_outcomes_and_risk(client, session: SupervisionSession) -> None:
    people = {p.given_names: p for p in Person.objects.filter(case=session.case)}
    for whose, person, text, status in (
        ("child", people["Kai"], KAI_OUTCOME, "agreed"),
        ("child", people["Macy"], MACY_OUTCOME, "agreed"),
        ("parent", people["Leanne"], LEANNE_OUTCOME, "work_in_progress"),
    ):
        data = {
            "whose": whose,
            "person": str(person.pk),
            "text": text,
            "status": status,
            "keep_reason": "",
        }
        assert client.post(record_url(session, "outcome_add"), data).status_code == 302
    risk = {"trying_to_avoid": DEAN_RISK, "from_whose_view": "Leanne"}
    assert client.post(record_url(session, "risk_add"), risk).status_code == 302


def test_the_scenario_next_steps_and_progress(client_for, cast, booked):
    client = client_for(cast.chair)
    assert completion_facts(booked) == CompletionFacts(
        has_review_date=False, action_count=0, no_actions_reason=""
    )
    assert snapshot(booked) == {}
    page = client.get(url(booked)).content.decode()
    assert "A multi-agency session needs a review date before it can be completed." in page
    assert "No actions yet." in page
    # The points' due dates are known from the session date before anything is agreed.
    assert "16 February 2026" in page
    assert "15 April 2026" in page

    add_scenario_outcomes_and_risk(client, booked)
    outcomes = {o.text: o for o in Outcome.objects.filter(record__session=booked)}
    dean = PriorityRisk.objects.get(record__session=booked, trying_to_avoid=DEAN_RISK)
    links = {
        1: {"risk": str(dean.pk)},
        2: {"outcome": str(outcomes[LEANNE_OUTCOME].pk)},
        3: {"outcome": str(outcomes[MACY_OUTCOME].pk)},
        6: {"outcome": str(outcomes[KAI_OUTCOME].pk)},
    }
    children_services = cast.social_worker.practitioner.agency
    # A6 is the GP's, carried out through the social worker's agency ("via SW").
    links[6]["agency"] = str(children_services.pk)
    for number, (description, owner, due) in enumerate(ACTIONS, start=1):
        data = action_data(description, owner, due, **links.get(number, {}))
        response = client.post(url(booked, "action_add"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"].endswith(f"#action-{number}")

    # The social worker (a writer and A1's owner) marks A1 done with a note.
    client.force_login(cast.social_worker)
    response = client.post(url(booked, "action_done", number=1), {"completion_note": A1_NOTE})
    assert response.status_code == 302
    assert response["Location"].endswith("#action-1")

    client.force_login(cast.chair)
    for months, target in ((1, ONE_MONTH), (3, THREE_MONTHS)):
        response = client.post(url(booked, "progress_point", months=months), point_data(target))
        assert response.status_code == 302
        assert response["Location"].endswith(f"#progress-{months}")
    response = client.post(
        url(booked, "review"), {"review_date": "2026-04-16", "no_actions_reason": "", "version": 0}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#review")

    actions = {a.number: a for a in Action.objects.filter(record__session=booked)}
    assert sorted(actions) == [1, 2, 3, 4, 5, 6, 7]
    assert actions[3].owner.user.email == HEALTH_VISITOR
    assert actions[3].agency.code == "hv"  # the owner's own agency by default
    assert actions[6].owner.user.email == GP
    assert actions[6].agency == children_services
    assert actions[2].outcome == outcomes[LEANNE_OUTCOME]
    assert actions[1].risk == dean
    assert actions[7].due_date == datetime.date(2026, 1, 30)
    assert [a.status for _n, a in sorted(actions.items())] == ["done"] + ["open"] * 6
    assert actions[1].done_by == cast.social_worker
    points = {p.months: p for p in ProgressPoint.objects.filter(record__session=booked)}
    assert points[1].due_date == datetime.date(2026, 2, 16)  # 15 February is a Sunday
    assert points[3].due_date == datetime.date(2026, 4, 15)
    assert ActionPlan.objects.get(record__session=booked).review_date == datetime.date(2026, 4, 16)

    page = client.get(url(booked)).content.decode()
    assert "A multi-agency session needs a review date" not in page
    for label in ("A1", "A2", "A3", "A4", "A5", "A6", "A7"):
        assert f'<th scope="row" class="govuk-table__header" translate="no">{label}</th>' in page
    assert page.index("Share safety plan v5") < page.index("Re-offer Dean a behaviour change")
    assert "Dr Amir Shah" in page
    assert "Rachel Evans" in page
    assert "30 January 2026" in page
    assert "16 April 2026" in page
    assert "Completion note:" in page
    assert "police PPU confirmed the address flag is active." in page
    assert "Priority risk 1:" in page
    assert "Mark A1 as done" not in page  # done already
    assert "Mark A7 as done" in page

    assert completion_facts(booked) == CompletionFacts(
        has_review_date=True, action_count=7, no_actions_reason=""
    )
    kept = snapshot(booked)
    assert json.loads(json.dumps(kept)) == kept
    assert len(kept["actions"]) == 7
    assert kept["actions"][0] == {
        "number": 1,
        "description": "Share safety plan v5 with SEWEDT and confirm the police address flag",
        "owner_name": "Sioned Price",
        "owner_code": str(practitioner(SOCIAL_WORKER).code),
        "agency_name": "Children's Services, Example County Borough Council",
        "due": "2026-01-16",
        "status": "done",
        "completion_note": A1_NOTE,
        "outcome": None,
        "risk_rank": 1,
    }
    assert kept["actions"][5]["owner_name"] == "Dr Amir Shah"
    assert kept["actions"][5]["outcome"] == KAI_OUTCOME
    assert kept["actions"][2]["due"] == "2026-01-30"
    assert kept["progress"] == [
        {"months": 1, "target": ONE_MONTH, "due": "2026-02-16", **MONITORING},
        {"months": 3, "target": THREE_MONTHS, "due": "2026-04-15", **MONITORING},
    ]
    assert kept["review_date"] == "2026-04-16"
    assert kept["no_actions_reason"] == ""


def test_no_actions_needs_a_reason_and_the_reason_counts(client_for, cast, booked):
    client = client_for(cast.social_worker)
    warning = "A multi-agency session needs at least one action, or a reason why none is needed"
    assert warning in client.get(url(booked)).content.decode()
    reason = "The core group plan already covers every next step."
    response = client.post(
        url(booked, "review"), {"review_date": "", "no_actions_reason": reason, "version": "0"}
    )
    assert response.status_code == 302
    page = client.get(url(booked)).content.decode()
    assert warning not in page
    assert reason in page
    assert completion_facts(booked) == CompletionFacts(
        has_review_date=False, action_count=0, no_actions_reason=reason
    )
    assert snapshot(booked)["no_actions_reason"] == reason


@pytest.mark.parametrize("day", ["2026-01-15", "2026-01-14", "15/01/2026"])
def test_a_review_date_on_or_before_the_session_is_refused(client_for, cast, booked, day):
    client = client_for(cast.chair)
    response = client.post(
        url(booked, "review"), {"review_date": day, "no_actions_reason": "", "version": "0"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "The review date must be after the day of the session, 15 January 2026" in page
    assert f'value="{day}"' in page  # what was typed is kept
    assert not ActionPlan.objects.filter(review_date__isnull=False).exists()
    assert completion_facts(booked).has_review_date is False


def test_bad_action_input_is_shown_by_its_field_and_kept(client_for, cast, booked):
    client = client_for(cast.chair)
    response = client.post(url(booked, "action_add"), action_data("", SOCIAL_WORKER, ""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter what needs to happen" in page
    assert "Enter the due date" in page
    early = action_data("Seek Kai's father's views", SOCIAL_WORKER, "2026-01-14")
    response = client.post(url(booked, "action_add"), early)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The due date must be on or after the day of the session, 15 January 2026" in page
    assert "Seek Kai&#x27;s father&#x27;s views" in page
    assert 'value="2026-01-14"' in page
    # Someone from an agency with no part in the case cannot own an action.
    outsider = action_data("Visit", "owen.pritchard@hsg.example", "2026-01-20")
    response = client.post(url(booked, "action_add"), outsider)
    assert response.status_code == 400
    assert "Choose one of the practitioners in this case" in response.content.decode()
    assert not Action.objects.exists()


def test_a_due_date_on_a_non_working_day_is_taken_with_a_note(client_for, cast, booked):
    client = client_for(cast.chair)
    note = "This is not a working day."
    # Easter Monday 2026 is a bank holiday in England and Wales.
    data = action_data("Check the plan held over Easter", SOCIAL_WORKER, "2026-04-06")
    assert client.post(url(booked, "action_add"), data).status_code == 302
    assert note in client.get(url(booked)).content.decode()
    assert Action.objects.get().due_date == datetime.date(2026, 4, 6)


def test_only_one_and_three_months_are_progress_points(client_for, cast, booked):
    client = client_for(cast.chair)
    for months in (0, 2, 6):
        response = client.post(url(booked, "progress_point", months=months), point_data("x"))
        assert response.status_code == 404, months
    response = client.post(url(booked, "progress_point", months=1), point_data(""))
    assert response.status_code == 400
    assert "Enter where we want to be" in response.content.decode()
    assert not ProgressPoint.objects.exists()


def test_a_stale_progress_save_gets_a_conflict_and_the_first_save_is_kept(client_for, cast, booked):
    client = client_for(cast.social_worker)
    first = client.post(url(booked, "progress_point", months=1), point_data(ONE_MONTH))
    assert first.status_code == 302
    client.force_login(cast.chair)
    response = client.post(url(booked, "progress_point", months=1), point_data("Chair's words"))
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this while you were editing." in page
    assert "Chair&#x27;s words" in page  # mine, in the form
    assert ONE_MONTH in page  # theirs, on the page
    assert ProgressPoint.objects.get().target == ONE_MONTH
    # The form now carries the saved version: saving again replaces it.
    again = client.post(url(booked, "progress_point", months=1), point_data("Chair's words", 1))
    assert again.status_code == 302
    assert ProgressPoint.objects.get().target == "Chair's words"
    assert ProgressPoint.objects.get().due_date == datetime.date(2026, 2, 16)


def _another_session(cast, case) -> SupervisionSession:
    """A second request in the same case, accepted and booked, through the services."""
    found = request_create(
        case=case,
        requested_by=cast.social_worker,
        reasons=["new_information"],
        question="What has changed since January?",
        session_type="core_group",
        period=Period(datetime.date(2025, 6, 1), datetime.date(2026, 1, 31)),
        period_reason="",
        sharing=SharingBasis(
            "ISP-EXAMPLE-CP-001 (fictional)", "Public task", "Sch1 18", "given", ""
        ),
        today=datetime.date(2026, 2, 2),
    )
    request_accept(request=found, chair=cast.chair)
    return session_schedule(
        request=found,
        starts_at=datetime.datetime(2026, 2, 20, 10, 0, tzinfo=datetime.UTC),
        duration_minutes=60,
        venue="Room 3",
        meeting_language="en",
        scheduled_by=cast.chair,
    )


def test_an_outcome_or_action_of_another_session_is_refused(client_for, cast, booked):
    other = _another_session(cast, booked.case)
    client = client_for(cast.chair)
    add_scenario_outcomes_and_risk(client, other)
    theirs = Outcome.objects.filter(record__session=other).first()
    assert theirs is not None
    data = action_data("Ask Leanne for her own outcome", SOCIAL_WORKER, "2026-01-23")
    response = client.post(url(booked, "action_add"), {**data, "outcome": str(theirs.pk)})
    assert response.status_code == 400
    assert "Choose an outcome from this session record" in response.content.decode()
    assert not Action.objects.exists()
    with pytest.raises(ValueError, match="this session record"):
        services.action_add(
            session=booked,
            description="Ask Leanne for her own outcome",
            owner=practitioner(SOCIAL_WORKER),
            agency=None,
            due_date=datetime.date(2026, 1, 23),
            outcome=theirs,
            risk=None,
            by=cast.chair,
        )
    # A1 of the other session is not an action of this one.
    other_action = action_data("x", SOCIAL_WORKER, "2026-02-27")
    assert client.post(url(other, "action_add"), other_action).status_code == 302
    assert Action.objects.filter(record__session=other, number=1).exists()
    response = client.post(url(booked, "action_done", number=1), {"completion_note": "Done."})
    assert response.status_code == 404
    assert Action.objects.get(record__session=other).status == "open"


def test_the_owner_marks_done_after_sign_off_but_nothing_else_changes(client_for, cast, booked):
    client = client_for(cast.chair)
    for description, owner, due in ACTIONS[:3]:
        response = client.post(url(booked, "action_add"), action_data(description, owner, due))
        assert response.status_code == 302
    sign_off(booked, cast.chair)

    page = client.get(url(booked)).content.decode()
    assert "The session record is signed off." in page
    assert "Add an action" not in page
    assert "Set the review date" not in page
    assert "Mark A2 as done" in page  # the chair still can

    owner = client_for(cast.involved)  # the health visitor owns A3
    page = owner.get(url(booked)).content.decode()
    assert "Mark A3 as done" in page
    assert "Mark A1 as done" not in page
    note = "First two SLT appointments booked for Nan's days off; reminders set up."
    response = owner.post(url(booked, "action_done", number=3), {"completion_note": note})
    assert response.status_code == 302
    done = Action.objects.get(number=3)
    assert (done.status, done.completion_note, done.done_by) == ("done", note, cast.involved)
    assert done.done_at is not None
    # An empty note is refused, after sign-off as before.
    response = client_for(cast.chair).post(
        url(booked, "action_done", number=2), {"completion_note": ""}
    )
    assert response.status_code == 400
    assert "Say what was done" in response.content.decode()

    chair = client_for(cast.chair)
    late = action_data("One more thing", SOCIAL_WORKER, "2026-02-02")
    response = chair.post(url(booked, "action_add"), late)
    assert response.status_code == 409
    assert "The session record is signed off" in response.content.decode()
    assert chair.post(url(booked, "progress_point", months=1), point_data("x")).status_code == 409
    review = {"review_date": "2026-04-16", "no_actions_reason": "", "version": "0"}
    assert chair.post(url(booked, "review"), review).status_code == 409
    assert Action.objects.count() == 3
    assert not ProgressPoint.objects.exists()
    assert not ActionPlan.objects.exists()


def test_the_involved_practitioner_reads_but_writes_only_their_own_actions(
    client_for, cast, booked
):
    chair = client_for(cast.chair)
    for description, owner, due in ACTIONS[:3]:
        response = chair.post(url(booked, "action_add"), action_data(description, owner, due))
        assert response.status_code == 302
    client = client_for(cast.involved)
    page = client.get(url(booked))
    assert page.status_code == 200
    assert "Add an action" not in page.content.decode()
    posts = [
        ("action_add", {}, action_data("x", HEALTH_VISITOR, "2026-01-30")),
        ("action_done", {"number": 1}, {"completion_note": "Done."}),  # the social worker's
        ("progress_point", {"months": 1}, point_data("x")),
        ("progress_point", {"months": 3}, point_data("x")),
        ("review", {}, {"review_date": "2026-04-16", "no_actions_reason": "", "version": "0"}),
    ]
    for name, extra, data in posts:
        assert client.post(url(booked, name, **extra), data).status_code == 403, name
    assert Action.objects.count() == 3
    assert not Action.objects.filter(status="done").exists()
    assert not ProgressPoint.objects.exists()
    assert not ActionPlan.objects.exists()


def test_the_uninvolved_practitioner_gets_not_found_everywhere(client_for, cast, booked):
    chair = client_for(cast.chair)
    first = chair.post(url(booked, "action_add"), action_data("x", SOCIAL_WORKER, "2026-01-16"))
    assert first.status_code == 302
    client = client_for(cast.uninvolved)
    assert client.get(url(booked)).status_code == 404
    for name, extra in (
        ("action_add", {}),
        ("action_done", {"number": 1}),
        ("progress_point", {"months": 1}),
        ("review", {}),
    ):
        assert client.post(url(booked, name, **extra), {}).status_code == 404, name
    assert Action.objects.get().status == "open"


def test_signed_out_visitors_are_sent_to_sign_in(client, booked):
    client.logout()
    response = client.get(url(booked))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    response = client.post(url(booked, "review"), {})
    assert response.status_code == 302


def test_reads_and_writes_leave_audit_rows(client_for, cast, booked):
    client = client_for(cast.chair)
    client.get(url(booked))
    assert AuditEvent.objects.filter(
        case=booked.case, actor=cast.chair, action="view", detail__part="next steps"
    ).exists()
    client.post(url(booked, "action_add"), action_data(*ACTIONS[2]))
    client.post(url(booked, "progress_point", months=3), point_data(THREE_MONTHS))
    client.post(
        url(booked, "review"),
        {"review_date": "2026-04-16", "no_actions_reason": "", "version": "0"},
    )
    client.force_login(cast.involved)
    client.post(url(booked, "action_done", number=1), {"completion_note": "Booked."})

    events = AuditEvent.objects.filter(case=booked.case, target_type__startswith="actions.")
    parts = {(e.detail["part"], e.action, e.actor.email) for e in events}
    assert parts == {
        ("action", "create", "alun.jarvis@cs.example"),
        ("progress point", "create", "alun.jarvis@cs.example"),
        ("review date", "update", "alun.jarvis@cs.example"),
        ("action done", "update", HEALTH_VISITOR),
    }
    created = events.get(detail__part="action")
    assert created.detail["number"] == 1
    assert created.detail["due"] == "2026-01-30"
    assert events.get(detail__part="progress point").detail["due"] == "2026-04-15"
    for event in events:  # references and facts only: no names, no narrative
        text = json.dumps(event.detail)
        assert "Rachel" not in text
        assert "SLT" not in text
        assert "Nan" not in text


def _queries(client, page_url: str) -> int:
    client.get(page_url)  # shows (and so clears) the messages left by the writes
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page_url).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_one_or_ten_actions(client_for, cast, booked):
    client = client_for(cast.chair)
    add_scenario_outcomes_and_risk(client, booked)
    outcome = Outcome.objects.filter(record__session=booked).first()
    dean = PriorityRisk.objects.get(record__session=booked)
    owners = [SOCIAL_WORKER, HEALTH_VISITOR, GP]

    def add(n: int) -> None:
        data = action_data(
            f"Action {n}",
            owners[n % 3],
            f"2026-02-{n:02d}",
            outcome=str(outcome.pk) if outcome else "",
            risk=str(dean.pk),
        )
        assert client.post(url(booked, "action_add"), data).status_code == 302

    add(1)
    client.post(url(booked, "progress_point", months=1), point_data(ONE_MONTH))
    one = _queries(client, url(booked))
    for n in range(2, 11):
        add(n)
    client.post(url(booked, "action_done", number=2), {"completion_note": "Done."})
    assert Action.objects.count() == 10
    assert _queries(client, url(booked)) == one


def test_the_database_keeps_a_done_action_whole_and_points_at_one_or_three_months(
    client_for, cast, booked
):
    client = client_for(cast.chair)
    data = action_data(*ACTIONS[0])
    assert client.post(url(booked, "action_add"), data).status_code == 302
    action = Action.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="done")  # no note, no who or when
    record = action.record
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressPoint.objects.create(
            record=record,
            months=2,
            target="x",
            due_date=datetime.date(2026, 3, 16),
            monitored_by="Core group",
            how="Visits",
            updated_by=cast.chair,
        )
    assert Action.objects.get().status == "open"


def test_the_page_is_there_in_welsh_with_dates_in_welsh(client_for, cast, booked):
    with translation.override("cy"):
        welsh = url(booked)
    assert welsh.startswith("/cy/")
    response = client_for(cast.social_worker).get(welsh)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy"' in page
    assert "16 Chwefror 2026" in page  # the one-month point, with the month in Welsh
