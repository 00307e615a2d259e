"""Practitioner feedback after the scenario session (domain.md §7.5, R26): each attendee is
asked once, answers once, and the chair and the social worker read the answers without
names."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from supervision.accounts.models import User
from supervision.audit.models import AuditAction, AuditEvent
from supervision.conftest import Cast
from supervision.feedback.models import Feedback, FeedbackRequest
from supervision.feedback.services import feedback_requests_send
from supervision.meetings.models import SupervisionSession
from supervision.notifications.models import OutboxMessage
from supervision.records.models import Attendance, PrinciplesRecord
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

# The scenario's feedback sample (§7.5): the School DSP's and Flying Start's words.
DSP_SAID = (
    "Seeing the police and health entries next to our attendance data made the pattern obvious."
)
FSC_SAID = "Useful to know why the place was withdrawn mattered later."
BETTER = "Send the merged chronology two days earlier."
OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND, CONFLICT = 200, 302, 400, 403, 404, 409


def url(session: SupervisionSession, name: str = "give") -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code}
    return reverse(f"feedback:{name}", kwargs=kwargs)


def answer(useful: str = "", better: str = "", rating: str = "") -> dict[str, str]:
    return {"useful": useful, "better": better, "rating": rating}


def asked_emails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "/feedback/" in m.body]


# --- Asking ----------------------------------------------------------------------------


def test_each_attendee_is_asked_once_with_a_link_and_nothing_about_the_family(
    signed_off, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_feedback_requests")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_feedback_requests")  # a second run asks nobody again

    emails = asked_emails()
    assert sorted(m.to[0] for m in emails) == [
        "rachel.evans@hv.example",
        "sioned.price@cs.example",
    ]
    assert FeedbackRequest.objects.filter(session=signed_off).count() == 2
    link = "http://127.0.0.1:8000" + url(signed_off)
    for message in emails:
        assert link in message.body
        assert "15 January 2026" in message.subject
        for words in ("Harries", "Walsh", "Kai", "Macy", "Leanne", "Sioned", "Rachel"):
            assert words not in f"{message.subject}\n{message.body}"
    assert OutboxMessage.objects.filter(kind="feedback_request").count() == 2


def test_a_welsh_speaker_is_asked_in_welsh(signed_off, cast, django_capture_on_commit_callbacks):
    practitioner = cast.involved.practitioner
    practitioner.preferred_language = "cy"
    practitioner.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_requests_send(today=datetime.date(2026, 1, 16)) == 2
    welsh = next(m for m in asked_emails() if m.to == [cast.involved.email])
    assert "/cy/cases/" in welsh.body
    assert OutboxMessage.objects.get(to=cast.involved.email, kind="feedback_request").language == (
        "cy"
    )


def test_nobody_is_asked_before_the_session_is_held(signed_off):
    assert feedback_requests_send(today=datetime.date(2026, 1, 14)) == 0
    assert feedback_requests_send(today=datetime.date(2026, 1, 15)) == 2


def test_nobody_is_asked_until_the_record_is_signed_off(booked, cast):
    record, _created = PrinciplesRecord.objects.get_or_create(session=booked)
    Attendance.objects.create(
        record=record, practitioner=cast.involved.practitioner, recorded_by=cast.chair
    )
    assert feedback_requests_send(today=datetime.date(2026, 2, 1)) == 0


# --- Giving ----------------------------------------------------------------------------


def test_an_attendee_gives_feedback_once(signed_off, cast, client_for):
    client = client_for(cast.involved)
    form = client.get(url(signed_off))
    assert form.status_code == OK
    assert "What was useful?" in form.content.decode()

    saved = client.post(url(signed_off), answer(DSP_SAID, "", "5"))
    assert saved.status_code == REDIRECT
    feedback = Feedback.objects.get(session=signed_off)
    assert (feedback.useful, feedback.better, feedback.rating) == (DSP_SAID, "", 5)
    page = client.get(url(signed_off)).content.decode()
    assert "Thank you. Your feedback is saved." in page
    assert "5 out of 5" in page

    again = client.post(url(signed_off), answer("Something else", "", "1"))
    assert again.status_code == CONFLICT
    assert "You have already given feedback on this session" in again.content.decode()
    assert Feedback.objects.filter(session=signed_off).count() == 1
    assert AuditEvent.objects.filter(
        actor=cast.involved, action=AuditAction.CREATE, detail__part="feedback"
    ).exists()


def test_an_empty_answer_is_refused_next_to_the_field(signed_off, cast, client_for):
    response = client_for(cast.social_worker).post(url(signed_off), answer(rating="3"))
    assert response.status_code == BAD
    page = response.content.decode()
    assert "Tell us what was useful, what could be better, or both" in page
    assert 'value="3" checked' in page  # what was chosen is kept
    assert not Feedback.objects.exists()


def test_a_rating_outside_1_to_5_is_refused(signed_off, cast, client_for):
    response = client_for(cast.social_worker).post(url(signed_off), answer(FSC_SAID, "", "6"))
    assert response.status_code == BAD
    assert not Feedback.objects.exists()


def test_feedback_waits_for_the_sign_off(booked, cast, client_for):
    record, _created = PrinciplesRecord.objects.get_or_create(session=booked)
    Attendance.objects.create(
        record=record, practitioner=cast.involved.practitioner, recorded_by=cast.chair
    )
    client = client_for(cast.involved)
    page = client.get(url(booked)).content.decode()
    assert "once the chair has signed off the session record" in page
    refused = client.post(url(booked), answer(DSP_SAID))
    assert refused.status_code == CONFLICT
    assert not Feedback.objects.exists()


def test_someone_who_did_not_attend_cannot_give_feedback(signed_off, cast, client_for):
    client = client_for(cast.chair)  # a member of the case, not recorded as attending
    assert client.get(url(signed_off)).status_code == FORBIDDEN
    assert client.post(url(signed_off), answer(DSP_SAID)).status_code == FORBIDDEN
    assert not Feedback.objects.exists()


# --- Reading ---------------------------------------------------------------------------


def test_the_results_show_every_answer_and_no_attendee(signed_off, cast, client_for):
    feedback_requests_send(today=datetime.date(2026, 1, 16))
    client_for(cast.involved).post(url(signed_off), answer(DSP_SAID, BETTER, "5"))
    client_for(cast.social_worker).post(url(signed_off), answer(FSC_SAID, "", "4"))

    for reader in (cast.chair, cast.social_worker):
        response = client_for(reader).get(url(signed_off, "results"))
        assert response.status_code == OK
        page = response.content.decode()
        assert DSP_SAID in page
        assert FSC_SAID in page
        assert BETTER in page
        assert re.search(r'id="asked">\s*2\s*<', page)
        assert re.search(r'id="answered">\s*2 \(100%\)\s*<', page)
        # Ratings: one 5 and one 4, nothing else.
        counts = dict(re.findall(r'header">([1-5])</th><td class="[^"]*">(\d+)</td>', page))
        assert counts == {"1": "0", "2": "0", "3": "0", "4": "1", "5": "1"}
        attendees = User.objects.filter(
            practitioner__attended__record__session=signed_off
        ).distinct()
        assert attendees.count() == 2
        for attendee in attendees:
            assert attendee.full_name not in page
            assert attendee.email not in page
            for name in attendee.full_name.split():
                assert not re.search(rf"\b{re.escape(name)}\b", page), name


def test_the_results_are_for_the_chair_and_the_social_worker(signed_off, cast, client_for):
    assert client_for(cast.involved).get(url(signed_off, "results")).status_code == FORBIDDEN


def test_the_results_page_runs_the_same_queries_for_2_answers_as_for_60(
    signed_off, cast, client_for
):
    client_for(cast.involved).post(url(signed_off), answer(DSP_SAID, "", "5"))
    client_for(cast.social_worker).post(url(signed_off), answer(FSC_SAID, "", "4"))
    client = client_for(cast.chair)
    client.get(url(signed_off, "results"))
    counts = []
    for extra in (0, 58):
        users = User.objects.bulk_create(
            User(email=f"extra{extra}-{n}@example.test", full_name=f"Extra {n}")
            for n in range(extra)
        )
        Feedback.objects.bulk_create(
            Feedback(session=signed_off, author=user, useful=f"Answer {n}", rating=n % 5 + 1)
            for n, user in enumerate(users)
        )
        FeedbackRequest.objects.bulk_create(
            FeedbackRequest(session=signed_off, user=user) for user in users
        )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url(signed_off, "results")).content.decode()
        counts.append(len(queries))
    assert "Answer 57" in page
    assert Feedback.objects.filter(session=signed_off).count() == 60
    assert counts[0] == counts[1]


# --- Every route, everyone -------------------------------------------------------------

#                social_worker, involved, uninvolved, chair, quality_officer, admin, anonymous
GIVE = (OK, OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT)
GIVE_EMPTY = (BAD, BAD, NOT_FOUND, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT)
RESULTS = (OK, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT)


@pytest.mark.parametrize(
    ("name", "method", "expect"),
    [("give", "get", GIVE), ("give", "post", GIVE_EMPTY), ("results", "get", RESULTS)],
)
def test_feedback_route(name, method, expect, client, cast: Cast, signed_off):
    path = url(signed_off, name)
    outcomes = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        response = client.get(path) if method == "get" else client.post(path, {})
        outcomes.append(response.status_code)
    assert tuple(outcomes) == expect, f"{WHO} got {tuple(outcomes)}"


def test_outsiders_get_the_same_404_as_for_no_case(signed_off, cast, client_for):
    for outsider in (cast.uninvolved, cast.quality_officer, cast.administrator):
        client = client_for(outsider)
        assert client.get(url(signed_off, "results")).status_code == NOT_FOUND
        assert client.post(url(signed_off), answer(DSP_SAID)).status_code == NOT_FOUND
    assert not Feedback.objects.exists()
    assert SupervisionSession.objects.get(pk=signed_off.pk).status == "held"


def test_the_feedback_pages_open_in_welsh(signed_off, cast, client_for):
    client_for(cast.involved).post(url(signed_off), answer(DSP_SAID, "", "5"))
    for who, name in (
        (cast.social_worker, "give"),
        (cast.involved, "give"),
        (cast.chair, "results"),
    ):
        with translation.override("en-gb"):
            path = "/cy" + url(signed_off, name)
        response = client_for(who).get(path)
        assert response.status_code == OK
        assert '<html lang="cy"' in response.content.decode()
