"""The chair summary, attendance, sign-off with the password, versions after reopening, and
reflective notes (R7, R9, R39)."""

from __future__ import annotations

import json

import pytest

from supervision.audit.models import AuditEvent
from supervision.conftest import DEMO_PASSWORD
from supervision.records.models import PrinciplesRecord, RecordEdition, ReflectiveNote
from supervision.records.tests.test_record import url

pytestmark = pytest.mark.django_db

INFORMATION = "The merged chronology showed an improve-then-relapse pattern after each incident."
LEARNING = (
    "Each incident was handled on its own.\n"
    "Flying Start non-engagement was not known to the school.\n"
    "Weekend plans depended on one person (Nan) with no back-up."
)
REFLECTION = "I saw myself as the only one chasing health appointments; I was not."


def summary(information: str = INFORMATION, learning: str = LEARNING, version: int = 0):
    return {"information_shared": information, "learning_points": learning, "version": str(version)}


def test_the_chair_writes_the_summary_and_a_stale_save_gets_both_versions(client_for, cast, booked):
    chair = client_for(cast.chair)
    page = chair.get(url(booked, "summary"))
    assert page.status_code == 200
    assert "Chair summary and sign-off" in page.content.decode()
    assert chair.post(url(booked, "summary_save"), summary()).status_code == 302
    record = PrinciplesRecord.objects.get(session=booked)
    assert (record.information_shared, record.summary_version) == (INFORMATION, 1)
    assert (
        "Weekend plans depended on one person" in chair.get(url(booked, "summary")).content.decode()
    )

    social_worker = client_for(cast.social_worker)
    response = social_worker.post(url(booked, "summary_save"), summary("Another view.", "", 0))
    assert response.status_code == 409
    page = response.content.decode()
    assert INFORMATION in page
    assert "Another view." in page
    record.refresh_from_db()
    assert record.information_shared == INFORMATION


def test_drafts_save_as_you_type_and_a_stale_draft_is_refused(client_for, cast, booked):
    chair = client_for(cast.chair)
    json_headers = {"HTTP_ACCEPT": "application/json"}
    reply = chair.post(url(booked, "summary_save"), summary(), **json_headers)
    assert reply.status_code == 200
    body = json.loads(reply.content)
    assert body["saved"] is True
    assert body["version"] == 1
    assert body["message"].startswith("Draft saved at ")
    stale = chair.post(url(booked, "summary_save"), summary("Typed elsewhere"), **json_headers)
    assert stale.status_code == 409
    assert json.loads(stale.content)["conflict"] is True
    assert PrinciplesRecord.objects.get(session=booked).information_shared == INFORMATION
    empty = chair.post(url(booked, "summary_save"), summary("", version=1), **json_headers)
    assert empty.status_code == 400
    assert "Enter the information shared" in json.loads(empty.content)["message"]
    # The same for what matters and the summary judgement.
    reply = chair.post(
        url(booked, "what_matters"),
        {"what_matters": "Calm weekends.", "family_words": "", "version": "0"},
        **json_headers,
    )
    assert json.loads(reply.content)["version"] == 1
    reply = chair.post(
        url(booked, "balancing_summary"),
        {"summary": "Risks outweigh.", "version": "0"},
        **json_headers,
    )
    assert json.loads(reply.content)["version"] == 1


def test_attendance_is_chosen_from_the_people_the_session_could_have_had(client_for, cast, booked):
    chair = client_for(cast.chair)
    involved = cast.involved.practitioner
    assert chair.post(url(booked, "attendance"), {"attendees": [involved.pk]}).status_code == 302
    assert "Rachel" in chair.get(url(booked, "summary")).content.decode()
    outsider = cast.uninvolved.practitioner
    response = chair.post(url(booked, "attendance"), {"attendees": [outsider.pk]})
    assert response.status_code == 400
    record = PrinciplesRecord.objects.get(session=booked)
    assert list(record.attendance.values_list("practitioner", flat=True)) == [involved.pk]


def test_signing_off_an_empty_multi_agency_record_says_everything_that_is_missing(
    client_for, cast, booked
):
    chair = client_for(cast.chair)
    response = chair.post(url(booked, "sign_off"), {"password": DEMO_PASSWORD})
    page = response.content.decode()
    assert response.status_code == 400
    assert "The record cannot be signed off yet" in page
    for missing in (
        "There is no review date.",
        "Nobody has said whether the safety plan is available to out-of-hours services.",
        "There are no actions.",
        "The balancing exercise has no summary judgement.",
        "The chair summary does not say what information was shared.",
    ):
        assert missing in page
    assert not RecordEdition.objects.exists()


def test_sign_off_needs_the_chairs_own_password_and_only_the_chair(client_for, cast, booked):
    social_worker = client_for(cast.social_worker)
    assert (
        social_worker.post(url(booked, "sign_off"), {"password": DEMO_PASSWORD}).status_code == 403
    )
    chair = client_for(cast.chair)
    response = chair.post(url(booked, "sign_off"), {"password": "not-the-password"})
    assert response.status_code == 400
    assert "The password is not right" in response.content.decode()
    assert AuditEvent.objects.filter(
        actor=cast.chair, action="login_failed", detail__part="sign-off password"
    ).exists()
    for _ in range(4):
        chair.post(url(booked, "sign_off"), {"password": "still-wrong"})
    # Five wrong passwords: even the right one is refused for a while.
    response = chair.post(url(booked, "sign_off"), {"password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()


def _ready_single_agency(client, cast, demo_case):
    """An individual supervision: only the chair summary is needed to sign it off."""
    from supervision.meetings.tests.test_session_types import booked_of_type

    found = booked_of_type(client, cast, demo_case, "individual")
    return found.session


def test_sign_off_locks_the_record_and_reopening_makes_a_new_version(
    client, client_for, cast, demo_case
):
    session = _ready_single_agency(client, cast, demo_case)
    chair = client_for(cast.chair)
    assert chair.post(url(session, "summary_save"), summary()).status_code == 302
    response = chair.post(url(session, "sign_off"), {"password": DEMO_PASSWORD})
    assert response.status_code == 302
    record = PrinciplesRecord.objects.get(session=session)
    assert record.locked
    assert record.signed_off_by == cast.chair
    session.refresh_from_db()
    assert session.status == "held"
    first = RecordEdition.objects.get(record=record, number=1)
    assert first.content["principles"]["information_shared"] == INFORMATION
    assert AuditEvent.objects.filter(case=demo_case, action="sign_off").count() == 1

    # Locked: every part refuses a change with a plain page, and nothing is saved.
    response = chair.post(url(session, "summary_save"), summary("Changed", version=1))
    assert response.status_code == 409
    assert "The session record is signed off" in response.content.decode()
    response = chair.post(
        url(session, "what_matters"), {"what_matters": "x", "family_words": "", "version": "0"}
    )
    assert response.status_code == 409
    record.refresh_from_db()
    assert record.information_shared == INFORMATION
    assert record.version == 0
    assert "Change the chair summary" not in chair.get(url(session, "summary")).content.decode()

    # Reopening needs a reason, which stays with version 1.
    assert chair.post(url(session, "reopen"), {"reason": ""}).status_code == 400
    reason = "The learning points left out the view of the school."
    assert chair.post(url(session, "reopen"), {"reason": reason}).status_code == 302
    first.refresh_from_db()
    assert first.reopen_reason == reason
    assert first.reopened_by == cast.chair
    assert (
        chair.post(url(session, "summary_save"), summary("Changed", version=1)).status_code == 302
    )
    assert chair.post(url(session, "sign_off"), {"password": DEMO_PASSWORD}).status_code == 302
    second = RecordEdition.objects.get(record=record, number=2)
    assert second.content["principles"]["information_shared"] == "Changed"
    first.refresh_from_db()
    assert first.content["principles"]["information_shared"] == INFORMATION
    page = chair.get(url(session, "edition", number=1)).content.decode()
    assert INFORMATION in page
    assert reason in page
    assert chair.get(url(session, "edition", number=3)).status_code == 404


def test_reflective_notes_are_for_attendees_and_the_chair_only(client_for, cast, booked):
    chair = client_for(cast.chair)
    chair.post(url(booked, "attendance"), {"attendees": [cast.involved.practitioner.pk]})
    involved = client_for(cast.involved)
    response = involved.post(url(booked, "reflection_save"), {"text": REFLECTION, "version": "0"})
    assert response.status_code == 302
    assert REFLECTION in involved.get(url(booked, "reflections")).content.decode()
    assert REFLECTION in chair.get(url(booked, "reflections")).content.decode()

    # The case's social worker did not attend: no notes, on any page of the record.
    social_worker = client_for(cast.social_worker)
    response = social_worker.get(url(booked, "reflections"))
    assert response.status_code == 403
    assert REFLECTION not in response.content.decode()
    response = social_worker.post(url(booked, "reflection_save"), {"text": "Mine", "version": "0"})
    assert response.status_code == 403
    for name in ("record", "summary"):
        assert REFLECTION not in social_worker.get(url(booked, name)).content.decode()
    # The audit says a note was written, never what it says.
    event = AuditEvent.objects.get(detail__part="reflective note")
    assert REFLECTION not in json.dumps(event.detail)
    assert ReflectiveNote.objects.get().author == cast.involved


def test_reflective_notes_never_reach_a_signed_off_version(client, client_for, cast, demo_case):
    session = _ready_single_agency(client, cast, demo_case)
    chair = client_for(cast.chair)
    chair.post(url(session, "reflection_save"), {"text": REFLECTION, "version": "0"})
    chair.post(url(session, "summary_save"), summary())
    assert chair.post(url(session, "sign_off"), {"password": DEMO_PASSWORD}).status_code == 302
    edition = RecordEdition.objects.get(record__session=session)
    assert REFLECTION not in json.dumps(edition.content)
    assert REFLECTION not in chair.get(url(session, "edition", number=1)).content.decode()
    # Notes can still be written after sign-off: they are not part of the record.
    response = chair.post(url(session, "reflection_save"), {"text": "Later.", "version": "1"})
    assert response.status_code == 302


def test_the_summary_page_runs_the_same_queries_for_one_or_many_attendees(client_for, cast, booked):
    from supervision.records.selectors import attendance_candidates
    from supervision.records.tests.test_record import _queries

    chair = client_for(cast.chair)
    candidates = attendance_candidates(booked)
    chair.post(url(booked, "attendance"), {"attendees": [candidates[0].pk]})
    one = _queries(chair, url(booked, "summary"))
    chair.post(url(booked, "attendance"), {"attendees": [p.pk for p in candidates]})
    many = _queries(chair, url(booked, "summary"))
    assert len(candidates) > 3
    assert one == many


def test_the_reflections_page_runs_the_same_queries_for_one_or_many_notes(client_for, cast, booked):
    from supervision.records.selectors import attendance_candidates
    from supervision.records.tests.test_record import _queries

    chair = client_for(cast.chair)
    candidates = attendance_candidates(booked)
    chair.post(url(booked, "attendance"), {"attendees": [p.pk for p in candidates]})
    chair.post(url(booked, "reflection_save"), {"text": "The chair's.", "version": "0"})
    chair.get(url(booked, "reflections"))  # the saved message shown once
    one = _queries(chair, url(booked, "reflections"))
    for user in (cast.social_worker, cast.involved):
        client_for(user).post(url(booked, "reflection_save"), {"text": "Mine.", "version": "0"})
    assert ReflectiveNote.objects.count() == 3
    chair = client_for(cast.chair)
    chair.get(url(booked, "reflections"))
    assert _queries(chair, url(booked, "reflections")) == one
