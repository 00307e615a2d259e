"""Asking for a supervision and preparing it, as the people in the scenario do (§7.4)."""

from __future__ import annotations

import datetime

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from supervision.accounts.models import User
from supervision.audit.models import AuditEvent
from supervision.chronology.models import AgencyChronology
from supervision.conftest import give_totp
from supervision.meetings.models import Invitation, SupervisionRequest, SupervisionSession
from supervision.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

REQUEST = {
    "reasons": ["stuck_or_drift", "escalating_risk"],
    "question": (
        "Why do improvements not last, and what would make the safety plan work at weekends?"
    ),
    "session_type": "multi_agency",
    "period_start": "2024-12-11",
    "period_end": "2025-12-10",
    "sharing_agreement": "ISP-EXAMPLE-CP-001 (fictional)",
    "lawful_basis": "Public task",
    "special_category_condition": "DPA 2018 Sch1 para 18 (safeguarding)",
    "consent_status": "not_sought",
    "consent_reason": "Professional supervision about an open CP case; mother informed by SW.",
}


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00"), tick=False)


def ask(client, case) -> SupervisionRequest:
    """The scenario's request, made on the scenario's date (2025-12-11)."""
    with at("2025-12-11"):
        response = client.post(
            reverse("meetings:create", kwargs={"reference": case.reference}), REQUEST
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    return SupervisionRequest.objects.get(case=case)


def test_the_scenario_request_and_preparation_through_the_screens(client, cast, demo_case):
    # The health visitor asks (R29), not the social worker.
    client.force_login(cast.involved)
    found = ask(client, demo_case)
    assert found.requested_by == cast.involved
    assert found.requester_agency.code == "hv"
    assert found.status == "submitted"

    # The chair sees it in the queue and accepts it.
    client.force_login(cast.chair)
    queue = client.get(reverse("requests_queue")).content.decode()
    assert demo_case.reference in queue
    assert "Harries" not in queue  # the queue names no family
    with at("2025-12-12"):
        response = client.post(
            reverse("request_decide", kwargs={"code": found.code}), {"decision": "accept"}
        )
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.chair == cast.chair
    # Every involved agency, current and previous, is asked for its chronology (R30, R36).
    asked = {c.agency.code for c in found.chronologies.all()}
    assert asked == {"cs", "hv", "gp", "pol", "sch", "das", "fsc"}
    assert {c.status for c in found.chronologies.all()} == {"requested"}
    # The chair now has the case.
    assert client.get(demo_case.get_absolute_url()).status_code == 200

    # The GP proposes a due date; the chair approves it.
    gp = User.objects.get(email="amir.shah@gp.example")
    give_totp(gp)
    detail_kwargs = {"reference": demo_case.reference, "code": found.code}
    client.force_login(gp)
    client.post(
        reverse("meetings:propose_due_date", kwargs={**detail_kwargs, "agency": "gp"}),
        {"due": "2026-01-07"},
    )
    client.force_login(cast.chair)
    with at("2025-12-15"):
        client.post(reverse("meetings:approve_due_date", kwargs={**detail_kwargs, "agency": "gp"}))
    gp_chronology = AgencyChronology.objects.get(case=demo_case, agency__code="gp")
    assert gp_chronology.due_date == datetime.date(2026, 1, 7)
    assert gp_chronology.due_date_approved_by == cast.chair

    # The GP shares it a day late: it shows as one working day late.
    client.force_login(gp)
    with at("2026-01-08"):
        client.post(reverse("meetings:submit_chronology", kwargs={**detail_kwargs, "agency": "gp"}))
        page = client.get(reverse("meetings:detail", kwargs=detail_kwargs)).content.decode()
    assert "1 working day late" in page
    assert "1 received, 1 late, 6 still to come." in page
    assert AuditEvent.objects.filter(case=demo_case, action="share").exists()


def test_only_involved_practitioners_can_ask(client_for, cast, demo_case):
    url = reverse("meetings:create", kwargs={"reference": demo_case.reference})
    assert client_for(cast.uninvolved).get(url).status_code == 404
    assert client_for(cast.involved).get(url).status_code == 200


def test_a_request_needs_reasons_and_a_basis_for_sharing(client_for, cast, demo_case):
    url = reverse("meetings:create", kwargs={"reference": demo_case.reference})
    response = client_for(cast.involved).post(url, {**REQUEST, "reasons": [], "consent_reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select at least one reason" in page
    assert "Say why consent was refused or not sought" in page
    assert "Why do improvements not last" in page  # what was typed is kept
    assert not SupervisionRequest.objects.exists()


def test_a_longer_period_needs_a_reason(client_for, cast, demo_case):
    url = reverse("meetings:create", kwargs={"reference": demo_case.reference})
    client = client_for(cast.involved)
    with at("2025-12-11"):
        response = client.post(url, {**REQUEST, "period_start": "2023-12-11"})
        assert response.status_code == 400
        assert (
            "Say why the chronology needs to cover more than 12 months" in response.content.decode()
        )
        response = client.post(
            url, {**REQUEST, "period_start": "2023-12-11", "period_reason": "Earlier neglect."}
        )
    assert response.status_code == 302


def test_declining_needs_a_reason_and_only_chairs_decide(client, cast, demo_case):
    client.force_login(cast.involved)
    found = ask(client, demo_case)
    url = reverse("request_decide", kwargs={"code": found.code})
    client.force_login(cast.involved)  # asking was on the scenario's date; the session is old
    assert client.get(url).status_code == 404  # not a chair
    client.force_login(cast.chair)
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 400
    assert "Say why the request is declined" in response.content.decode()
    client.post(url, {"decision": "decline", "reason": "A core group is already planned."})
    found.refresh_from_db()
    assert found.status == "declined"
    assert client.get(url).status_code == 404  # decided requests leave the queue


def test_only_the_requests_chair_approves_due_dates(client, cast, demo_case):
    client.force_login(cast.involved)
    found = ask(client, demo_case)
    client.force_login(cast.chair)
    client.post(reverse("request_decide", kwargs={"code": found.code}), {"decision": "accept"})
    kwargs = {"reference": demo_case.reference, "code": found.code, "agency": "hv"}
    client.force_login(cast.involved)
    client.post(reverse("meetings:propose_due_date", kwargs=kwargs), {"due": "2026-01-07"})
    assert client.post(reverse("meetings:approve_due_date", kwargs=kwargs)).status_code == 403
    assert (
        client.post(
            reverse("meetings:propose_due_date", kwargs={**kwargs, "agency": "pol"}),
            {"due": "2026-01-07"},
        ).status_code
        == 403
    )


def accepted_request(client, cast, case) -> SupervisionRequest:
    client.force_login(cast.involved)
    found = ask(client, case)
    client.force_login(cast.chair)
    client.post(reverse("request_decide", kwargs={"code": found.code}), {"decision": "accept"})
    found.refresh_from_db()
    return found


SESSION = {
    "day": "2026-01-15",
    "time": "10:00",
    "duration_minutes": "90",
    "venue": "Room 2, Example County Hall",
    "meeting_language": "en",
}


def calendars(method: str) -> list[icalendar.Calendar]:
    """The calendar events in the emails sent so far, with the given METHOD."""
    found = []
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype.startswith("text/calendar"):
                calendar = icalendar.Calendar.from_ical(content)
                if str(calendar["METHOD"]) == method:
                    found.append(calendar)
    return found


def test_booking_invites_every_agency_now_and_before_with_what_is_known(
    client, cast, demo_case, django_capture_on_commit_callbacks
):
    found = accepted_request(client, cast, demo_case)
    kwargs = {"reference": demo_case.reference, "code": found.code}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:schedule", kwargs=kwargs), SESSION)
    assert response.status_code == 302
    session = SupervisionSession.objects.get(request=found)
    invited = {i.practitioner.user.email: i for i in session.invitations.all()}
    assert "bethan.morris@fsc.example" in invited  # a previous involvement (R36)
    childcare = invited["bethan.morris@fsc.example"]
    assert childcare.basis == "previous"
    assert "place withdrawn" not in childcare.non_engagement  # the summary, not the reason
    assert invited["rachel.evans@hv.example"].non_engagement.startswith("WNB 27-month review")
    assert "gareth.lloyd@cs.example" in invited  # team manager (CS x2)
    assert len(invited) == 8

    # Each invitee gets an email with a calendar invitation and no case details.
    assert OutboxMessage.objects.filter(kind="invitation", status="sent").count() == 8
    sent = [m for m in mail.outbox if getattr(m, "alternatives", None)]
    assert len(sent) == 8
    welsh = next(m for m in sent if m.to == ["catrin.rowlands@sch.example"])
    assert welsh.subject.startswith("Gwahoddiad")  # in her preferred language
    for message in sent:
        assert "Harries" not in message.body
        assert "Walsh" not in message.body
        assert "/invitations/" in message.body
    (first, *_others) = calendars("REQUEST")
    event = first.walk("VEVENT")[0]
    assert str(first["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == session.calendar_uid
    assert int(event["SEQUENCE"]) == 0

    # Moving it updates the same calendar event; cancelling cancels it.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:schedule", kwargs=kwargs), {**SESSION, "time": "13:30"})
        client.post(reverse("meetings:cancel", kwargs=kwargs), {"reason": "Chair unwell."})
    changed = [c for c in calendars("REQUEST") if int(c.walk("VEVENT")[0]["SEQUENCE"]) == 1]
    cancelled = calendars("CANCEL")
    assert len(changed) == 8
    assert len(cancelled) == 8
    assert {str(c.walk("VEVENT")[0]["UID"]) for c in changed + cancelled} == {session.calendar_uid}
    assert str(cancelled[0]["METHOD"]) == "CANCEL"
    assert int(cancelled[0].walk("VEVENT")[0]["SEQUENCE"]) == 2


def test_invitees_answer_and_the_chair_sees_it(client, cast, demo_case):
    found = accepted_request(client, cast, demo_case)
    kwargs = {"reference": demo_case.reference, "code": found.code}
    client.post(reverse("meetings:schedule", kwargs=kwargs), SESSION)
    invitation = Invitation.objects.get(practitioner__user=cast.involved)
    client.force_login(cast.involved)
    url = reverse("invitation_respond", kwargs={"code": invitation.code})
    assert client.get(url).status_code == 200
    client.post(url, {"response": "written"})
    invitation.refresh_from_db()
    assert invitation.response == "written"
    client.force_login(cast.uninvolved)
    assert client.get(url).status_code == 404  # only the person invited
    client.force_login(cast.chair)
    page = client.get(reverse("meetings:detail", kwargs=kwargs)).content.decode()
    assert (
        "0 attending, 1 sending a written contribution, 0 cannot attend, 7 not answered yet."
        in page
    )


def test_the_chair_adds_and_removes_invitees_with_a_reason(client, cast, demo_case):
    found = accepted_request(client, cast, demo_case)
    kwargs = {"reference": demo_case.reference, "code": found.code}
    client.post(reverse("meetings:schedule", kwargs=kwargs), SESSION)
    owen = cast.uninvolved.practitioner
    client.post(
        reverse("meetings:invitee_add", kwargs=kwargs), {"practitioner": owen.pk, "reason": ""}
    )
    assert not Invitation.objects.filter(practitioner=owen).exists()
    client.post(
        reverse("meetings:invitee_add", kwargs=kwargs),
        {"practitioner": owen.pk, "reason": "Housing arrears reported."},
    )
    added = Invitation.objects.get(practitioner=owen)
    assert added.basis == "added"
    client.post(
        reverse("meetings:invitee_remove", kwargs={**kwargs, "invitation": added.code}),
        {"reason": "Not needed after all."},
    )
    added.refresh_from_db()
    assert added.removed
    assert OutboxMessage.objects.filter(kind="session_cancelled", to=cast.uninvolved.email).exists()


def test_requests_and_acceptance_send_emails(client, cast, demo_case):
    found = accepted_request(client, cast, demo_case)
    assert OutboxMessage.objects.filter(kind="request_waiting", to=cast.chair.email).exists()
    asked = set(
        OutboxMessage.objects.filter(kind="chronology_requested").values_list("to", flat=True)
    )
    assert "amir.shah@gp.example" in asked
    assert "bethan.morris@fsc.example" in asked
    assert found.status == "accepted"


def test_chronology_reminders_before_and_on_the_due_date_once(cast, demo_case, client):
    from supervision.meetings import services

    found = accepted_request(client, cast, demo_case)
    gp = found.chronologies.get(agency__code="gp")
    gp.due_date = datetime.date(2026, 1, 7)
    gp.save()
    assert services.chronology_reminders_send(today=datetime.date(2026, 1, 2)) == 0
    assert services.chronology_reminders_send(today=datetime.date(2026, 1, 5)) == 1  # 2 WD before
    assert services.chronology_reminders_send(today=datetime.date(2026, 1, 5)) == 0  # once only
    assert services.chronology_reminders_send(today=datetime.date(2026, 1, 7)) == 1  # on the day
    assert OutboxMessage.objects.filter(
        kind="chronology_due_today", to="amir.shah@gp.example"
    ).exists()


def test_the_demo_request_loads_once_with_the_gp_a_working_day_late(client, cast, demo_case):
    from django.core.management import call_command

    call_command("load_demo_request")
    call_command("load_demo_request")
    found = SupervisionRequest.objects.get(case=demo_case)
    assert found.chair == cast.chair
    client.force_login(cast.chair)
    page = client.get(
        reverse("meetings:detail", kwargs={"reference": demo_case.reference, "code": found.code})
    ).content.decode()
    assert page.count("1 working day late") == 1
    assert "7 received, 1 late, 0 still to come." in page


def test_the_social_worker_accepts_or_returns_submitted_chronologies(client, cast, demo_case):
    from django.core.management import call_command

    call_command("load_demo_request")
    found = SupervisionRequest.objects.get(case=demo_case)
    kwargs = {"reference": demo_case.reference, "code": found.code}
    client.force_login(cast.social_worker)
    client.post(
        reverse("meetings:review_chronology", kwargs={**kwargs, "agency": "hv"}),
        {"decision": "accept"},
    )
    client.post(
        reverse("meetings:review_chronology", kwargs={**kwargs, "agency": "gp"}),
        {"decision": "return", "reason": ""},
    )
    client.post(
        reverse("meetings:review_chronology", kwargs={**kwargs, "agency": "pol"}),
        {"decision": "return", "reason": "Please add the MARAC outcome."},
    )
    statuses = dict(found.chronologies.values_list("agency__code", "status"))
    assert statuses["hv"] == "accepted"
    assert statuses["gp"] == "submitted"  # no reason, not returned
    assert statuses["pol"] == "returned"
    page = client.get(reverse("meetings:detail", kwargs=kwargs)).content.decode()
    assert "Please add the MARAC outcome." in page
    client.force_login(cast.involved)
    response = client.post(
        reverse("meetings:review_chronology", kwargs={**kwargs, "agency": "sch"}),
        {"decision": "accept"},
    )
    assert response.status_code == 403
