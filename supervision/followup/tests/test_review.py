"""A review session starts from the last one: the Harries/Walsh session of domain.md §7.5
(held 15 January 2026, signed off) is reviewed, with where we wanted to be at one and three
months next to where we are now, and what became of actions A1-A7."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supervision.actions.models import Action
from supervision.actions.tests.test_plan import A1_NOTE, ONE_MONTH, THREE_MONTHS
from supervision.audit.models import AuditEvent
from supervision.cases.models import CaseTeamMember
from supervision.followup.models import ProgressCheck, ReviewLink
from supervision.meetings.models import SupervisionRequest, SupervisionSession
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
WHERE_WE_ARE = "One weekend call-out (31 January); Macy missed one SLT session; Kai 96% in January."


def at(day: str) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00"), tick=False)


def old_url(session: SupervisionSession, name: str) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code}
    return reverse(name, kwargs=kwargs)


def review_url(review: ReviewLink, name: str = "followup:compare", **extra: object) -> str:
    kwargs = {"reference": review.new_request.case.reference, "code": review.new_request.code}
    return reverse(name, kwargs={**kwargs, **extra})


def start(client, session: SupervisionSession, day: str = "2026-04-10"):
    with at(day):
        return client.post(old_url(session, "followup:start"))


@pytest.fixture
def review(signed_off, client_for, cast) -> ReviewLink:
    response = start(client_for(cast.chair), signed_off)
    assert response.status_code == 302
    return ReviewLink.objects.get(previous_session=signed_off)


def page_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_the_chair_starts_a_review_from_the_signed_off_session(signed_off, client_for, cast):
    client = client_for(cast.chair)
    plan = page_of(client.get(old_url(signed_off, "actions:plan")))
    assert plan.find("button", string="Start a review session") is not None

    response = start(client, signed_off)

    review = ReviewLink.objects.get(previous_session=signed_off)
    new, old = review.new_request, signed_off.request
    assert response["Location"] == reverse(
        "meetings:detail", kwargs={"reference": signed_off.case.reference, "code": new.code}
    )
    assert new.pk != old.pk
    assert new.case == signed_off.case
    assert new.session_type == "multi_agency"
    assert new.reasons == ["review"]
    assert new.question == "Review of the supervision held on 15 January 2026"
    assert (new.period_start, new.period_end) == (old.period_start, old.period_end)
    assert (
        new.sharing_agreement,
        new.lawful_basis,
        new.special_category_condition,
        new.consent_status,
        new.consent_reason,
    ) == (
        old.sharing_agreement,
        old.lawful_basis,
        old.special_category_condition,
        old.consent_status,
        old.consent_reason,
    )
    assert new.status == "accepted"
    assert new.chair == cast.chair
    assert new.requested_by == cast.chair
    assert new.requester_agency == cast.chair.practitioner.agency
    assert new.requested_on == datetime.date(2026, 4, 10)
    assert CaseTeamMember.objects.filter(
        case=signed_off.case, practitioner__user=cast.chair, role="chair"
    ).exists()
    assert AuditEvent.objects.filter(
        action="create",
        actor=cast.chair,
        target_type="meetings.supervisionrequest",
        target_id=str(new.pk),
        detail__review_of_session=str(signed_off.code),
    ).exists()
    # The new request's page opens, and the old session's next steps now lead to the review.
    assert client.get(response["Location"]).status_code == 200
    plan = client.get(old_url(signed_off, "actions:plan")).content.decode()
    assert review_url(review) in plan
    assert "Start a review session" not in plan


def test_a_session_is_reviewed_once(review, client_for, cast):
    response = start(client_for(cast.chair), review.previous_session)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/requests/{review.new_request.code}/")
    assert ReviewLink.objects.count() == 1
    assert SupervisionRequest.objects.filter(reasons=["review"]).count() == 1


def test_a_session_not_signed_off_cannot_be_reviewed_yet(booked, client_for, cast):
    client = client_for(cast.chair)
    response = start(client, booked)
    assert response.status_code == 302
    assert response["Location"] == old_url(booked, "actions:plan")
    assert not ReviewLink.objects.exists()
    assert SupervisionRequest.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "A review can start once the chair has signed off the session record." in page
    assert "Start a review session" not in page


def test_where_we_wanted_to_be_next_to_where_we_are_now(review, client_for, cast):
    client = client_for(cast.social_worker)
    with at("2026-04-14"):
        saved = client.post(
            review_url(review, "followup:progress", months=1),
            {"where_we_are": WHERE_WE_ARE, "version": "0"},
        )
    assert saved.status_code == 302
    assert saved["Location"] == review_url(review) + "#progress-1"
    check = ProgressCheck.objects.get(review=review, months=1)
    assert (check.where_we_are, check.version, check.updated_by) == (
        WHERE_WE_ARE,
        1,
        cast.social_worker,
    )
    assert AuditEvent.objects.filter(
        action="create", target_type="followup.progresscheck", actor=cast.social_worker
    ).exists()

    client = client_for(cast.social_worker)  # signed in again: the idle session expired
    page = page_of(client.get(review_url(review)))
    one = page.find(id="progress-1")
    assert "In one month" in one.get_text()
    wanted, now = one.find_all(class_="govuk-grid-column-one-half")
    assert ONE_MONTH in wanted.get_text()
    assert "16 February 2026" in wanted.get_text()
    assert "Core group" in wanted.get_text()
    assert WHERE_WE_ARE in now.get_text()
    assert "Sioned Price" in now.get_text()
    three = page.find(id="progress-3")
    assert THREE_MONTHS in three.get_text()
    assert "15 April 2026" in three.get_text()
    assert "Not recorded yet." in three.get_text()


def test_the_last_sessions_actions_as_they_stand(review, client_for, cast):
    client = client_for(cast.involved)  # a member of the case reads the review
    with at("2026-01-26"):
        page = page_of(client.get(review_url(review)))

    def status(number: int) -> str:
        cell = page.find(id=f"action-{number}").find_all("td")[-1]
        return " ".join(cell.get_text(" ").split())

    assert status(1) == f"Done Completion note: {A1_NOTE}"
    assert status(2) == "Overdue"  # due Friday 23 January
    assert status(4) == "Overdue"  # due Thursday 22 January
    for number in (3, 5, 6, 7):  # due 30 January and 13 February
        assert status(number) == "Open"
    # The involved practitioner reads but does not write.
    assert page.find("form", action=review_url(review, "followup:progress", months=1)) is None


def test_the_next_steps_page_flags_open_actions_past_their_due_date(signed_off, client_for, cast):
    client = client_for(cast.social_worker)
    with at("2026-01-23"):
        page = page_of(client.get(old_url(signed_off, "actions:plan")))

    def tags(number: int) -> list[str]:
        return [tag.get_text() for tag in page.find(id=f"action-{number}").select(".govuk-tag")]

    assert tags(4) == ["Overdue"]  # due yesterday, still open
    assert page.select("#action-4 .govuk-tag.govuk-tag--red")
    assert tags(2) == ["Open"]  # due today: not overdue yet
    assert tags(1) == ["Done"]
    with at("2026-01-26"):
        client = client_for(cast.social_worker)  # signed in again: the idle session expired
        page = page_of(client.get(old_url(signed_off, "actions:plan")))
    assert tags(2) == ["Overdue"]
    # The social worker writes the record but does not chair: no review button.
    assert page.find("button", string="Start a review session") is None


def test_a_request_that_is_not_a_review_has_no_review_page(signed_off, client_for, cast):
    client = client_for(cast.chair)
    assert client.get(old_url(signed_off, "followup:compare")).status_code == 404
    progress = reverse(
        "followup:progress",
        kwargs={
            "reference": signed_off.case.reference,
            "code": signed_off.request.code,
            "months": 1,
        },
    )
    assert client.post(progress, {"where_we_are": "Text", "version": "0"}).status_code == 404
    assert not ProgressCheck.objects.exists()


def test_saving_nothing_keeps_the_page_with_a_message(review, client_for, cast):
    client = client_for(cast.chair)
    response = client.post(
        review_url(review, "followup:progress", months=3), {"where_we_are": "  ", "version": "0"}
    )
    assert response.status_code == 400
    page = page_of(response)
    assert page.title.get_text().startswith("Error:")
    assert "Enter where we are now" in page.select_one(".govuk-error-summary").get_text()
    assert page.find(id="check-3-where_we_are") is not None
    assert not ProgressCheck.objects.exists()
    assert client.post(review_url(review, "followup:progress", months=2), {}).status_code == 404


def test_two_writers_saving_the_same_point_the_second_sees_both(review, client_for, cast):
    chair = client_for(cast.chair)
    url = review_url(review, "followup:progress", months=1)
    assert chair.post(url, {"where_we_are": "The chair's view.", "version": "0"}).status_code == 302
    worker = client_for(cast.social_worker)
    response = worker.post(url, {"where_we_are": "The social worker's view.", "version": "0"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "The chair&#x27;s view." in text  # the saved version
    assert "The social worker&#x27;s view." in text  # theirs, kept in the form
    assert "Alun Jarvis" in text
    check = ProgressCheck.objects.get(review=review, months=1)
    assert (check.where_we_are, check.version) == ("The chair's view.", 1)
    # Saving again from the version shown keeps theirs.
    again = worker.post(url, {"where_we_are": "Both views, combined.", "version": "1"})
    assert again.status_code == 302
    check.refresh_from_db()
    assert (check.where_we_are, check.version) == ("Both views, combined.", 2)


ROUTES = [
    # (name, on the review's request?, extra kwargs, method, expected per WHO)
    ("followup:compare", True, {}, "get", (OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT)),
    (
        "followup:progress",
        True,
        {"months": 1},
        "post",
        (BAD, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT),
    ),
    (
        "followup:start",
        False,
        {},
        "post",
        (FORBIDDEN, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT),
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=[route[0] for route in ROUTES])
def test_who_reads_and_writes_the_review(route, review, cast, client):
    name, on_review, extra, method, expected = route
    request = review.new_request if on_review else review.previous_session.request
    url = reverse(name, kwargs={"reference": request.case.reference, "code": request.code, **extra})
    outcomes = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        outcomes.append(getattr(client, method)(url).status_code)
    assert tuple(outcomes) == expected, f"{WHO} got {tuple(outcomes)}"
    assert ReviewLink.objects.count() == 1


def test_every_followup_route_is_here():
    from supervision.web.tests.test_access_matrix import all_routes

    prefix = "cases/<str:reference>/requests/<uuid:code>/review/"
    ours = {route for route in all_routes() if route.startswith(prefix)}
    assert len(ours) == len(ROUTES)


def _queries(client, url: str) -> int:
    client.get(url)  # shows (and so clears) any messages
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_actions(session: SupervisionSession, cast, count: int) -> None:
    record = session.principles
    first = Action.objects.filter(record=record).count() + 1
    for number in range(first, first + count):
        Action.objects.create(
            record=record,
            number=number,
            description=f"Action {number}",
            owner=cast.involved.practitioner,
            agency=cast.involved.practitioner.agency,
            due_date=datetime.date(2026, 1, 20) + datetime.timedelta(days=number),
            created_by=cast.chair,
        )
    Action.objects.filter(record=record, number=first).update(
        status="done", completion_note="Done.", done_at=timezone.now(), done_by=cast.chair
    )


def test_the_review_page_runs_the_same_queries_for_few_or_many_actions(review, client_for, cast):
    client = client_for(cast.chair)
    url = review_url(review)
    client.post(
        review_url(review, "followup:progress", months=1),
        {"where_we_are": WHERE_WE_ARE, "version": "0"},
    )
    with at("2026-02-20"):
        few = _queries(client, url)
        _more_actions(review.previous_session, cast, 12)
        assert Action.objects.filter(record__session=review.previous_session).count() == 19
        assert _queries(client, url) == few


def test_the_next_steps_page_still_runs_the_same_queries(signed_off, client_for, cast):
    client = client_for(cast.chair)
    url = old_url(signed_off, "actions:plan")
    with at("2026-02-20"):
        few = _queries(client, url)
        _more_actions(signed_off, cast, 12)
        page = client.get(url).content.decode()
        assert page.count("govuk-tag--red") == 6 + 11  # A2-A7 and the new open ones, all late
        assert _queries(client, url) == few
