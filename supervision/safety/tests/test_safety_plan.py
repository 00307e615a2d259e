"""Recording the Harries/Walsh safety plan (domain.md §7.5, "Safety plan v5") through the
screens: its items, contingency and out-of-hours sharing, its versions, and who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supervision.audit.models import AuditEvent
from supervision.domain.chronology import Period
from supervision.meetings.models import SupervisionSession
from supervision.meetings.services import (
    SharingBasis,
    request_accept,
    request_create,
    session_schedule,
)
from supervision.records.models import PrinciplesRecord
from supervision.safety import selectors, services
from supervision.safety.models import SafetyPlan, SafetyPlanItem, SafetyPlanVersion

pytestmark = pytest.mark.django_db

# The safety plan of §7.5: who, what, where, when or trigger, how to get help.
ITEMS = [
    (
        "Leanne",
        "Does not let Dean into the home; phones 999 if he arrives and will not leave",
        "Home",
        "Any time, especially Fri/Sat night",
        "999; address flag (POL-03)",
    ),
    (
        "Glenys (Nan)",
        "Has Kai and Macy at hers on Friday nights until the end of March",
        "Nan's house",
        "Every Friday 17:00 to Saturday 10:00",
        "Mobile on plan",
    ),
    (
        "Leanne",
        'Texts Nan "all ok" by 21:00 on Saturdays; if no text, Nan phones, then rings the EDT',
        "",
        "Saturdays",
        "SEWEDT number on plan",
    ),
    (
        "School DSP",
        "Checks in with Kai on Monday mornings; informs SW the same day of any disclosure",
        "School",
        "Mondays 09:00",
        "SW / duty line",
    ),
    (
        "HV",
        "Texts Leanne the day before each SLT session; Nan is back-up escort",
        "",
        "Before each SLT session",
        "HV mobile",
    ),
]
CONTINGENCY = (
    "If Leanne's mood deteriorates (missed GP review or no reply to HV for 7 days), "
    "the SW convenes an early core group within 5 WD."
)
AGREED_BY = "Leanne and Glenys (Nan), with the practitioners at the session"
SEWEDT = {
    "service": "emergency_duty_team",
    "service_name": "SEWEDT",
    "shared_on": "2026-01-16",
    "method": "Secure email, confirmed",
}
POLICE = {
    "service": "police",
    "service_name": "",
    "shared_on": "2026-01-16",
    "method": "PPU confirmed the address flag is still active",
}
DEAN_RISK = "Dean turning up drunk on a Friday night"
NOT_ANSWERED = "Not answered yet."


def url(session: SupervisionSession, name: str = "plan", **extra: object) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code, **extra}
    return reverse(f"safety:{name}", kwargs=kwargs)


def item(row: tuple[str, str, str, str, str], risk: object = "") -> dict[str, object]:
    who, what, where, when, help_route = row
    return {
        "who": who,
        "what": what,
        "where": where,
        "when_trigger": when,
        "help_route": help_route,
        "risk": risk,
    }


def details(version: int, contingency: str = CONTINGENCY, family_owned: str = "yes") -> dict:
    return {
        "contingency": contingency,
        "agreed_by": AGREED_BY,
        "family_owned": family_owned,
        "version": str(version),
    }


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")


def add_dean_risk(client, session: SupervisionSession) -> None:
    risk = {"trying_to_avoid": DEAN_RISK, "from_whose_view": "Leanne"}
    kwargs = {"reference": session.case.reference, "code": session.request.code}
    assert client.post(reverse("records:risk_add", kwargs=kwargs), risk).status_code == 302


def test_the_chair_records_the_scenario_safety_plan(client_for, cast, booked):
    client = client_for(cast.chair)
    page = client.get(url(booked)).content.decode()
    assert "Nothing recorded yet." in page
    assert NOT_ANSWERED in page
    assert "A multi-agency session cannot be completed until this is answered." in page
    assert 'aria-current="page">Safety plan' in page
    add_dean_risk(client, booked)
    risk = booked.principles.risks.get()

    for n, row in enumerate(ITEMS):
        linked = str(risk.pk) if n == 0 else ""
        response = client.post(url(booked, "item_add"), item(row, linked))
        assert response.status_code == 302
        assert response["Location"].endswith("#items")
    assert client.post(url(booked, "details"), details(version=5)).status_code == 302
    for share in (SEWEDT, POLICE):
        response = client.post(url(booked, "share_add"), share)
        assert response.status_code == 302
        assert response["Location"].endswith("#out-of-hours")

    page = client.get(url(booked)).content.decode()
    # Every item, in the order agreed, in the table.
    positions = [page.index(escaped(row[1])) for row in ITEMS]
    assert positions == sorted(positions)
    for row in ITEMS:
        for text in row:
            assert escaped(text) in page
    assert "For priority risk 1" in page
    assert escaped(CONTINGENCY) in page
    assert escaped(AGREED_BY) in page
    assert "The family&#x27;s own plan, made with them and their network" in page
    assert "Emergency duty team" in page
    assert "SEWEDT" in page
    assert "Police flag or public protection unit" in page
    assert "16 January 2026" in page
    assert NOT_ANSWERED not in page
    # Five items, the details and two shares: eight changes, eight versions.
    assert "This is version 8 of the plan." in page
    assert SafetyPlanVersion.objects.filter(plan__record__session=booked).count() == 8

    assert selectors.out_of_hours_answered(booked) is True
    expected_items = [
        {
            "who": who,
            "what": what,
            "where": where,
            "when_trigger": when,
            "help_route": help_route,
            "risk_rank": 1 if n == 0 else None,
        }
        for n, (who, what, where, when, help_route) in enumerate(ITEMS)
    ]
    expected = {
        "version": 8,
        "items": expected_items,
        "contingency": CONTINGENCY,
        "agreed_by": AGREED_BY,
        "family_owned": True,
        "out_of_hours": {
            "not_applicable": False,
            "reason": "",
            "shares": [
                {
                    "service": "emergency_duty_team",
                    "service_name": "SEWEDT",
                    "shared_on": "2026-01-16",
                    "method": "Secure email, confirmed",
                },
                {
                    "service": "police",
                    "service_name": "",
                    "shared_on": "2026-01-16",
                    "method": "PPU confirmed the address flag is still active",
                },
            ],
            "answered": True,
        },
    }
    assert selectors.snapshot(booked) == expected
    # The latest version keeps the same whole plan.
    latest = SafetyPlanVersion.objects.get(plan__record__session=booked, number=8)
    assert latest.content == expected
    assert latest.saved_by == cast.chair


def test_every_change_makes_a_version_and_old_versions_stay_readable(client_for, cast, booked):
    client = client_for(cast.social_worker)  # the social worker writes too
    assert selectors.snapshot(booked) == {}
    client.post(url(booked, "item_add"), item(ITEMS[0]))
    client.post(url(booked, "item_add"), item(ITEMS[1]))
    first = SafetyPlanItem.objects.get(who="Leanne")
    response = client.post(url(booked, "item_remove", pk=first.pk))
    assert response.status_code == 302
    # Removing it again (a second click) changes nothing.
    assert client.post(url(booked, "item_remove", pk=first.pk)).status_code == 302

    plan = SafetyPlan.objects.get(record__session=booked)
    assert plan.version == 3
    page = client.get(url(booked)).content.decode()
    assert "This is version 3 of the plan." in page
    assert escaped(ITEMS[0][1]) not in page  # only current items on the page
    assert escaped(ITEMS[1][1]) in page
    for number, change in ((1, "Item added"), (2, "Item added"), (3, "Item removed")):
        assert url(booked, "version", number=number) in page
        assert change in page
    assert "Sioned Price" in page  # who saved them

    old = client.get(url(booked, "version", number=1))
    assert old.status_code == 200
    old_page = old.content.decode()
    assert escaped(ITEMS[0][1]) in old_page
    assert escaped(ITEMS[1][1]) not in old_page
    assert "This is an earlier version and cannot be changed. The current version is 3." in old_page
    assert "<form" not in old_page.split('id="main-content"')[1]
    assert client.get(url(booked, "version", number=4)).status_code == 404

    events = AuditEvent.objects.filter(case=booked.case, detail__part="safety plan item")
    assert sorted(events.values_list("action", flat=True)) == ["create", "create", "delete"]
    assert all(event.actor == cast.social_worker for event in events)
    assert events.get(action="delete").target_id == str(first.pk)
    assert AuditEvent.objects.filter(
        case=booked.case, actor=cast.social_worker, action="view", detail__part="safety plan"
    ).exists()


def test_a_stale_save_of_the_details_gets_the_conflict_page(client_for, cast, booked):
    client = client_for(cast.social_worker)
    # Both load the plan before it exists (version 0); the social worker saves first.
    first = details(0, contingency="The social worker's contingency.")
    assert client.post(url(booked, "details"), first).status_code == 302
    client.force_login(cast.chair)
    second = details(0, contingency="The chair's contingency.", family_owned="no")
    response = client.post(url(booked, "details"), second)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has changed this" in page
    assert "The social worker&#x27;s contingency." in page
    assert "The chair&#x27;s contingency." in page
    assert "Sioned Price" in page
    plan = SafetyPlan.objects.get(record__session=booked)
    assert plan.contingency == "The social worker's contingency."
    assert plan.family_owned is True
    assert plan.version == 1
    # The conflict page carries the new version, so saving from it works.
    assert 'name="version" value="1"' in page
    assert client.post(url(booked, "details"), {**second, "version": "1"}).status_code == 302
    plan.refresh_from_db()
    assert plan.contingency == "The chair's contingency."
    assert (plan.family_owned, plan.version) == (False, 2)


def test_adding_an_item_does_not_make_an_open_details_form_stale(client_for, cast, booked):
    client = client_for(cast.chair)
    client.post(url(booked, "item_add"), item(ITEMS[1]))  # version 1
    # The social worker opens the plan at version 1; the chair adds another item meanwhile.
    client.post(url(booked, "item_add"), item(ITEMS[3]))  # version 2
    client.force_login(cast.social_worker)
    assert client.post(url(booked, "details"), details(1)).status_code == 302
    plan = SafetyPlan.objects.get(record__session=booked)
    assert (plan.version, plan.contingency) == (3, CONTINGENCY)


def test_not_applicable_and_shares_cannot_both_be_the_answer(client_for, cast, booked):
    client = client_for(cast.chair)
    assert client.post(url(booked, "share_add"), SEWEDT).status_code == 302
    assert selectors.out_of_hours_answered(booked) is True

    refused = client.post(
        url(booked, "not_applicable"), {"not_applicable": "true", "reason": "No weekend element."}
    )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "There is a problem" in page
    assert "Remove those records before saying out-of-hours services do not apply." in page
    assert "No weekend element." in page  # what was typed is kept
    plan = SafetyPlan.objects.get(record__session=booked)
    assert (plan.out_of_hours_not_applicable, plan.version) == (False, 1)

    share = plan.shares.get()
    assert client.post(url(booked, "share_remove", pk=share.pk)).status_code == 302
    assert selectors.out_of_hours_answered(booked) is False
    assert NOT_ANSWERED in client.get(url(booked)).content.decode()

    # "Not applicable" needs a reason.
    response = client.post(url(booked, "not_applicable"), {"not_applicable": "true", "reason": ""})
    assert response.status_code == 400
    assert "Enter why the plan does not need to be available out of hours" in (
        response.content.decode()
    )
    reason = {"not_applicable": "true", "reason": "The plan covers school hours only."}
    assert client.post(url(booked, "not_applicable"), reason).status_code == 302
    assert selectors.out_of_hours_answered(booked) is True
    page = client.get(url(booked)).content.decode()
    assert "Not applicable" in page
    assert "The plan covers school hours only." in page
    assert NOT_ANSWERED not in page

    refused = client.post(url(booked, "share_add"), POLICE)
    assert refused.status_code == 400
    assert (
        "The plan says out-of-hours services do not apply. Withdraw that answer before "
        "recording where the plan was shared." in refused.content.decode()
    )
    assert "PPU confirmed the address flag is still active" in refused.content.decode()

    withdraw = {"not_applicable": "false"}
    assert client.post(url(booked, "not_applicable"), withdraw).status_code == 302
    assert selectors.out_of_hours_answered(booked) is False
    assert client.post(url(booked, "share_add"), POLICE).status_code == 302
    plan.refresh_from_db()
    # share, removal, not applicable, withdrawn, share: five versions; refusals made none.
    assert plan.version == 5
    changes = list(plan.versions.order_by("number").values_list("change", flat=True))
    assert changes == [
        "share_added",
        "share_removed",
        "not_applicable_saved",
        "not_applicable_withdrawn",
        "share_added",
    ]
    answers = AuditEvent.objects.filter(case=booked.case, detail__part="out-of-hours answer")
    assert [event.detail["not_applicable"] for event in answers.order_by("pk")] == [True, False]


def test_out_of_hours_answered(client_for, cast, booked):
    client = client_for(cast.chair)
    assert selectors.out_of_hours_answered(booked) is False  # no plan
    client.post(url(booked, "item_add"), item(ITEMS[0]))
    client.post(url(booked, "details"), details(1))
    assert selectors.out_of_hours_answered(booked) is False  # a plan, never shared
    client.post(url(booked, "share_add"), POLICE)
    assert selectors.out_of_hours_answered(booked) is True
    share = SafetyPlan.objects.get(record__session=booked).shares.get()
    client.post(url(booked, "share_remove", pk=share.pk))
    assert selectors.out_of_hours_answered(booked) is False
    client.post(url(booked, "not_applicable"), {"not_applicable": "true", "reason": "Day only."})
    assert selectors.out_of_hours_answered(booked) is True


def test_bad_input_is_shown_again_with_what_was_typed(client_for, cast, booked):
    client = client_for(cast.chair)
    response = client.post(url(booked, "item_add"), {**item(ITEMS[1]), "who": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.index("There is a problem") < page.index("<h1")
    assert "Enter who does it" in page
    assert escaped(ITEMS[1][1]) in page

    other = {**SEWEDT, "service": "other", "service_name": "", "shared_on": "16/01/2026"}
    response = client.post(url(booked, "share_add"), other)
    assert response.status_code == 400
    assert "Enter the name of the service" in response.content.decode()
    future = {**SEWEDT, "shared_on": (timezone.localdate().replace(year=2099)).isoformat()}
    response = client.post(url(booked, "share_add"), future)
    assert response.status_code == 400
    assert "The date shared must be today or in the past" in response.content.decode()
    response = client.post(url(booked, "share_add"), {**SEWEDT, "shared_on": "2026-02-30"})
    assert "Enter a real date, for example 2026-01-16" in response.content.decode()
    response = client.post(url(booked, "details"), {**details(0), "family_owned": ""})
    assert response.status_code == 400
    assert "Select whose plan it is" in response.content.decode()
    assert not SafetyPlan.objects.exists()


def another_session(cast, booked: SupervisionSession) -> SupervisionSession:
    """A second request for the same family (a core group), accepted and booked."""
    found = request_create(
        case=booked.case,
        requested_by=cast.involved,
        reasons=["stuck_or_drift"],
        question="Is the weekend plan holding?",
        session_type="core_group",
        period=Period(date(2025, 7, 1), date(2026, 1, 31)),
        period_reason="",
        sharing=SharingBasis(
            "ISP-EXAMPLE-CP-001 (fictional)", "Public task", "Safeguarding", "given", ""
        ),
        today=date(2026, 2, 2),
    )
    request_accept(request=found, chair=cast.chair)
    return session_schedule(
        request=found,
        starts_at=datetime(2026, 2, 12, 10, 0, tzinfo=UTC),
        duration_minutes=60,
        venue="Room 2, Example County Hall",
        meeting_language="en",
        scheduled_by=cast.chair,
    )


def test_an_item_can_only_address_a_risk_of_this_session(client_for, cast, booked):
    chair = client_for(cast.chair)
    other_session = another_session(cast, booked)
    add_dean_risk(chair, other_session)
    foreign = other_session.principles.risks.get()
    response = chair.post(url(booked, "item_add"), item(ITEMS[0], foreign.pk))
    assert response.status_code == 400
    assert "Select one of this session&#x27;s priority risks" in response.content.decode()
    # The service refuses it too, whoever calls it.
    who, what, where, when, help_route = ITEMS[0]
    with pytest.raises(ValueError, match="this session's priority risks"):
        services.plan_item_add(
            session=booked,
            who=who,
            what=what,
            where=where,
            when_trigger=when,
            help_route=help_route,
            risk=foreign,
            by=cast.chair,
        )
    assert not SafetyPlanItem.objects.exists()


def test_another_sessions_items_and_shares_are_not_found(client_for, cast, booked):
    chair = client_for(cast.chair)
    other_session = another_session(cast, booked)
    assert chair.post(url(other_session, "item_add"), item(ITEMS[0])).status_code == 302
    assert chair.post(url(other_session, "share_add"), SEWEDT).status_code == 302
    foreign_item = SafetyPlanItem.objects.get()
    foreign_share = SafetyPlan.objects.get(record__session=other_session).shares.get()
    assert chair.post(url(booked, "item_remove", pk=foreign_item.pk)).status_code == 404
    assert chair.post(url(booked, "share_remove", pk=foreign_share.pk)).status_code == 404
    assert chair.get(url(booked, "version", number=1)).status_code == 404
    assert foreign_item.removed_at is None
    assert selectors.out_of_hours_answered(other_session) is True
    assert selectors.out_of_hours_answered(booked) is False


def _write_posts(session: SupervisionSession) -> dict[str, tuple[str, dict]]:
    plan = SafetyPlan.objects.get(record__session=session)
    first_item, first_share = plan.items.first(), plan.shares.first()
    return {
        "item_add": (url(session, "item_add"), item(ITEMS[3])),
        "item_remove": (url(session, "item_remove", pk=first_item.pk), {}),
        "details": (url(session, "details"), details(plan.version)),
        "share_add": (url(session, "share_add"), POLICE),
        "share_remove": (url(session, "share_remove", pk=first_share.pk), {}),
        "not_applicable": (url(session, "not_applicable"), {"not_applicable": "false"}),
    }


def test_the_involved_practitioner_reads_but_does_not_write(client_for, cast, booked):
    chair = client_for(cast.chair)
    chair.post(url(booked, "item_add"), item(ITEMS[1]))
    chair.post(url(booked, "share_add"), SEWEDT)
    client = client_for(cast.involved)
    page = client.get(url(booked))
    assert page.status_code == 200
    content = page.content.decode()
    assert escaped(ITEMS[1][1]) in content
    assert "Add an item to the plan" not in content
    assert "<button" not in content.split('id="main-content"')[1]
    assert client.get(url(booked, "version", number=2)).status_code == 200
    for name, (path, data) in _write_posts(booked).items():
        assert client.post(path, data).status_code == 403, name
    assert SafetyPlan.objects.get().version == 2


def test_the_uninvolved_practitioner_and_board_staff_get_not_found(client_for, cast, booked):
    client_for(cast.chair).post(url(booked, "item_add"), item(ITEMS[1]))
    client_for(cast.chair).post(url(booked, "share_add"), SEWEDT)
    posts = _write_posts(booked)
    for who in (cast.uninvolved, cast.quality_officer, cast.administrator):
        client = client_for(who)
        assert client.get(url(booked)).status_code == 404
        assert client.get(url(booked, "version", number=1)).status_code == 404
        for name, (path, data) in posts.items():
            assert client.post(path, data).status_code == 404, name
    assert SafetyPlan.objects.get().version == 2


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, cast, booked):
    client.logout()
    response = client.get(url(booked))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client.post(url(booked, "item_add"), item(ITEMS[1])).status_code == 302
    assert not SafetyPlanItem.objects.exists()


def test_writes_after_sign_off_get_the_locked_page(client_for, cast, booked):
    client = client_for(cast.chair)
    client.post(url(booked, "item_add"), item(ITEMS[1]))
    client.post(url(booked, "share_add"), SEWEDT)
    PrinciplesRecord.objects.filter(session=booked).update(
        signed_off_at=timezone.now(), signed_off_by=cast.chair
    )
    for name, (path, data) in _write_posts(booked).items():
        response = client.post(path, data)
        assert response.status_code == 409, name
        assert "The session record is signed off" in response.content.decode()
    # Even a form with errors gets the same answer: nothing can change.
    assert client.post(url(booked, "item_add"), {}).status_code == 409
    plan = SafetyPlan.objects.get()
    assert plan.version == 2
    assert plan.items.filter(removed_at__isnull=True).count() == 1
    page = client.get(url(booked)).content.decode()
    assert "the safety plan cannot be changed" in page
    assert "Add an item to the plan" not in page
    assert "<button" not in page.split('id="main-content"')[1]


def _queries(client, page_url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page_url).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_one_or_ten_items_and_shares(client_for, cast, booked):
    client = client_for(cast.chair)
    add_dean_risk(client, booked)
    risk = booked.principles.risks.get()

    def add_one(n: int) -> None:
        row = (f"Person {n}", f"Does thing {n}", "Home", "Fridays", "999")
        assert client.post(url(booked, "item_add"), item(row, risk.pk)).status_code == 302
        share = {**POLICE, "method": f"Secure email {n}", "shared_on": date(2026, 1, n).isoformat()}
        assert client.post(url(booked, "share_add"), share).status_code == 302

    add_one(1)
    one = _queries(client, url(booked))
    for n in range(2, 11):
        add_one(n)
    assert SafetyPlanItem.objects.count() == 10
    assert SafetyPlanVersion.objects.count() == 20
    assert _queries(client, url(booked)) == one
