"""The dashboards: my actions and deadlines, sessions and their deadlines for chairs and
safeguarding leads, and the board's quality figures (aggregates only, on a page and as CSV).

The data: the signed-off scenario session (domain.md §7.5) with its documents sent, its
feedback given, and a few more requests and sessions made directly in the database.
Expected figures are counted by hand in the comments.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from supervision.accounts.models import Role, User, UserRole
from supervision.actions.models import Action
from supervision.agencies.models import Agency, Practitioner
from supervision.artefacts.models import ArtefactKind
from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases.models import Case, Person
from supervision.cases.tests.factories import CaseFactory, PersonFactory
from supervision.conftest import Cast, give_totp
from supervision.dashboards.tests.scenario import (
    LONDON,
    add_action,
    at,
    distribute,
    make_request,
    make_session,
)
from supervision.feedback.services import feedback_give, feedback_requests_send
from supervision.meetings.models import SessionStatus, SupervisionSession
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN = 200, 302, 400, 403
DSP_SAID = (
    "Seeing the police and health entries next to our attendance data made the pattern obvious."
)
FSC_SAID = "Useful to know why the place was withdrawn mattered later."
D = datetime.date


def on(day: datetime.date):
    """Freeze the clock at noon, London time, on `day`."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), LONDON), tick=False
    )


@dataclass
class World:
    s1: SupervisionSession  # the scenario: HV asked 11 Dec 2025, held Thu 15 Jan 2026
    s2: SupervisionSession  # another family: police asked 5 Jan, held Thu 29 Jan
    s3: SupervisionSession  # HV asked 2 Feb, held Wed 18 Feb (not signed off yet)
    s4: SupervisionSession  # HV asked 10 Jan, session on 20 Jan cancelled
    other: Case


@pytest.fixture
def world(signed_off, cast: Cast, demo_case: Case) -> World:
    chair = cast.chair
    hv, pol, sch, cs = (Agency.objects.get(code=code) for code in ("hv", "pol", "sch", "cs"))
    s1 = signed_off
    # A1 was done on the day it was due (the fixture ran today); the actions went out the
    # next day (due Mon 19 Jan: on time) and the minutes on Fri 13 Feb (due Thu 12 Feb: late).
    Action.objects.filter(record__session=s1, number=1).update(done_at=at(D(2026, 1, 16), 15))
    distribute(s1, ArtefactKind.ACTIONS, D(2026, 1, 16), chair)
    distribute(s1, ArtefactKind.MINUTES, D(2026, 2, 13), chair)
    feedback_requests_send(today=D(2026, 1, 16))
    feedback_give(session=s1, user=cast.involved, useful=DSP_SAID, better="", rating=5)
    feedback_give(session=s1, user=cast.social_worker, useful=FSC_SAID, better="", rating=4)

    other = CaseFactory(family_name="Pryce-Example", local_authority=cs)
    PersonFactory(case=other, given_names="Tomos", family_name="Pryce-Example")
    police = Practitioner.objects.get(user__email="laura.hughes@pol.example")
    s2 = make_session(
        make_request(
            case=other,
            by=police.user,
            agency=pol,
            requested_on=D(2026, 1, 5),
            reasons=["professional_disagreement"],
            chair=chair,
        ),
        D(2026, 1, 29),
    )
    # Actions due Mon 2 Feb, sent Tue 3 Feb: late. Minutes due Thu 26 Feb: not sent yet.
    distribute(s2, ArtefactKind.ACTIONS, D(2026, 2, 3), chair)
    add_action(s2, number=1, owner=police, due=D(2026, 2, 5), done_on=D(2026, 2, 4), by=chair)
    add_action(s2, number=2, owner=police, due=D(2026, 2, 10), by=chair)
    add_action(s2, number=3, owner=police, due=D(2026, 2, 27), by=chair)
    # The housing officer owns an action in a case he cannot open.
    add_action(s2, number=4, owner=cast.uninvolved.practitioner, due=D(2026, 2, 9), by=chair)
    s3 = make_session(
        make_request(
            case=demo_case,
            by=cast.involved,
            agency=hv,
            requested_on=D(2026, 2, 2),
            reasons=["escalating_risk", "pre_conference"],
            chair=chair,
        ),
        D(2026, 2, 18),
        status=SessionStatus.SCHEDULED,
    )
    s4 = make_session(
        make_request(
            case=demo_case,
            by=cast.involved,
            agency=hv,
            requested_on=D(2026, 1, 10),
            reasons=["other"],
            chair=chair,
        ),
        D(2026, 1, 20),
        status=SessionStatus.CANCELLED,
    )
    dsp = Practitioner.objects.get(user__email="catrin.rowlands@sch.example")
    make_request(
        case=demo_case,
        by=dsp.user,
        agency=sch,
        requested_on=D(2025, 12, 20),
        reasons=["new_information"],
    )
    return World(s1=s1, s2=s2, s3=s3, s4=s4, other=other)


# --- Reading pages ----------------------------------------------------------------------


def get(client, name: str, **query: str):
    return client.get(reverse(f"dashboards:{name}"), query)


def table(page: str, caption: str) -> dict[str, list[str]]:
    """The rows of the table with this caption: row header → the other cells' text."""
    soup = BeautifulSoup(page, "html.parser")
    for found in soup.find_all("table"):
        if found.caption and caption in found.caption.get_text():
            rows = {}
            for row in found.find("tbody").find_all("tr"):
                header = row.find("th").get_text(" ", strip=True)
                rows[header] = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            return rows
    raise AssertionError(f"no table captioned {caption!r}")


def csv_figures(content: bytes) -> dict[tuple[str, str, str], str]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Figure", "Period", "Measure", "Value"]
    return {(figure, period, measure): value for figure, period, measure, value in rows[1:]}


NONE = "– nothing to measure"
DEC_TO_FEB = {"period": "month", "start": "2025-12", "end": "2026-02"}


# --- Quality figures ---------------------------------------------------------------------


def test_the_quality_figures_are_counted_as_by_hand(world, cast, client_for):
    with on(D(2026, 2, 20)):  # a Friday
        client = client_for(cast.quality_officer)
        response = get(client, "quality", **DEC_TO_FEB)
        download = get(client, "quality_csv", **DEC_TO_FEB)
    assert response.status_code == OK
    page = response.content.decode()

    # Held: January s1, s2; February s3 (past, not signed off). s4 was cancelled.
    assert table(page, "Sessions held in each period") == {
        "December 2025": ["0"],
        "January 2026": ["2"],
        "February 2026": ["1"],
        "All periods": ["3"],
    }
    # Actions: s1 on time, s2 late, s3 due today and not sent (not due yet).
    assert table(page, "Actions sent within 2 working days, by period") == {
        "December 2025": ["0", "0", "0", NONE],
        "January 2026": ["1", "1", "0", "50%"],
        "February 2026": ["0", "0", "1", NONE],
        "All periods": ["1", "1", "1", "50%"],
    }
    # Minutes: s1 a day late; s2 (due 26 Feb) and s3 not due yet.
    assert table(page, "Minutes sent within 20 working days, by period")["All periods"] == [
        "0",
        "1",
        "2",
        "0%",
    ]
    # Actions done: s1 A1 on time, A2-A7 past due and open (6 late); s2 one on time, one
    # late, one not due; the housing officer's s2 action (due 9 Feb) late. 2 of 10 = 20%.
    assert table(page, "Actions done by their due date")["January 2026"] == [
        "2",
        "8",
        "1",
        "20%",
    ]
    feedback = table(page, "Feedback asked for and given")
    assert feedback["January 2026"] == ["2", "2", "100%"]
    assert feedback["February 2026"] == ["0", "0", NONE]
    ratings = table(page, "How many answers gave each rating")
    assert ratings == {"1": ["0"], "2": ["0"], "3": ["0"], "4": ["1"], "5": ["1"]}
    # Requests by the day made: Dec 11 and Dec 20; Jan 5 and Jan 10; Feb 2.
    assert table(page, "Requests made in each period") == {
        "December 2025": ["2"],
        "January 2026": ["2"],
        "February 2026": ["1"],
        "All periods": ["5"],
    }
    assert table(page, "Requests by reason") == {
        "Stuck or drifting": ["1"],
        "Escalating risk": ["2"],
        "Professional disagreement": ["1"],
        "New information": ["1"],
        "Before a conference": ["1"],
        "Review of an earlier session": ["0"],
        "Another reason": ["1"],
    }
    # Days from request to session: s1 35, s2 24 (January: median 29.5); s3 16.
    waits = table(page, "Days from request to session")
    assert waits["January 2026"] == ["2", "29.5", "24", "35"]
    assert waits["February 2026"] == ["1", "16", "16", "16"]
    assert waits["All periods"] == ["3", "24", "16", "35"]
    assert waits["December 2025"] == ["0", NONE, NONE, NONE]

    assert download.status_code == OK
    assert download["Content-Type"].startswith("text/csv")
    assert "quality-figures-2025-12-to-2026-02.csv" in download["Content-Disposition"]
    figures = csv_figures(download.content)
    assert figures[("Sessions held", "2026-01", "Sessions")] == "2"
    assert figures[("Actions sent within 2 working days", "All periods", "Percentage on time")] == (
        "50"
    )
    assert figures[("Minutes sent within 20 working days", "All periods", "Late")] == "1"
    assert figures[("Actions done by their due date", "2026-01", "Late")] == "8"
    assert figures[("Feedback", "2026-01", "Answers")] == "2"
    assert figures[("Feedback ratings", "All periods", "5")] == "1"
    assert figures[("Requests by reason", "All periods", "Escalating risk")] == "2"
    assert figures[("Days from request to session", "2026-01", "Median")] == "29.5"
    assert figures[("Days from request to session", "All periods", "Longest")] == "35"
    assert figures[("Requests", "All periods", "Requests")] == "5"


def test_the_figures_by_quarter_and_for_one_requesting_agency(world, cast, client_for):
    with on(D(2026, 2, 20)):
        client = client_for(cast.quality_officer)
        quarters = get(client, "quality", **{**DEC_TO_FEB, "period": "quarter"})
        health = get(client, "quality", **{**DEC_TO_FEB, "agency": "hv"})
    page = quarters.content.decode()
    assert table(page, "Sessions held in each period") == {
        "October to December 2025": ["0"],
        "January to March 2026": ["3"],
        "All periods": ["3"],
    }
    # The health visitors asked for s1 (Dec), s4 (Jan, cancelled) and s3 (Feb).
    page = health.content.decode()
    assert "Flying Start Health Visiting" in page
    assert table(page, "Requests made in each period")["All periods"] == ["3"]
    assert table(page, "Sessions held in each period")["All periods"] == ["2"]
    assert table(page, "Actions sent within 2 working days")["All periods"] == [
        "1",
        "0",
        "1",
        "100%",
    ]
    assert "Professional disagreement" in table(page, "Requests by reason")
    assert table(page, "Requests by reason")["Professional disagreement"] == ["0"]


def test_the_quality_page_and_csv_name_nobody_and_no_case(world, cast, client_for):
    with on(D(2026, 2, 20)):
        client = client_for(cast.quality_officer)
        texts = [
            get(client, "quality", **DEC_TO_FEB).content.decode(),
            get(client, "quality").content.decode(),
            get(client, "quality_csv", **DEC_TO_FEB).content.decode("utf-8"),
            get(client, "quality_csv", **{**DEC_TO_FEB, "agency": "pol"}).content.decode(),
        ]
    forbidden: set[str] = set()
    for person in Person.objects.all():
        forbidden |= {person.full_name, f"{person.given_names} {person.family_name}"}
    for user in User.objects.all():
        forbidden |= {user.full_name, user.email}
    for case in Case.objects.all():
        forbidden |= {case.reference, case.family_name}
        if case.local_authority_reference:
            forbidden.add(case.local_authority_reference)
    assert len(forbidden) > 30
    assert "Kai Harries" in forbidden
    assert world.other.reference in forbidden
    for text in texts:
        assert "Sessions" in text
        found = [value for value in forbidden if value and value in text]
        assert not found, found


def test_the_csv_download_is_audited_as_an_export_without_a_case(world, cast, client_for):
    client_for(cast.quality_officer)
    with on(D(2026, 2, 20)):
        get(client_for(cast.quality_officer), "quality_csv", **DEC_TO_FEB, agency="hv")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=cast.quality_officer)
    assert event.case is None
    assert event.detail == {
        "part": "quality figures",
        "period": "month",
        "start": "2025-12",
        "end": "2026-02",
        "agency": "hv",
    }


def test_a_filter_that_ends_before_it_starts_is_refused(world, cast, client_for):
    client = client_for(cast.quality_officer)
    response = get(client, "quality", period="month", start="2026-02", end="2025-12")
    assert response.status_code == BAD
    page = response.content.decode()
    assert "The last month must be the same as or after the first" in page
    assert "govuk-error-summary" in page
    assert get(client, "quality_csv", start="2026-02", end="2025-12").status_code == BAD
    assert get(client, "quality", period="week").status_code == BAD
    assert get(client, "quality", agency="no-such-agency").status_code == BAD


def test_the_figures_show_the_last_twelve_months_by_default(world, cast, client_for):
    with on(D(2026, 2, 20)):
        page = get(client_for(cast.quality_officer), "quality").content.decode()
    held = table(page, "Sessions held in each period")
    assert list(held)[:1] == ["March 2025"]
    assert list(held)[-2:] == ["February 2026", "All periods"]
    assert held["All periods"] == ["3"]


def add_sessions(count: int, cast: Cast, case: Case) -> None:
    """`count` more held January sessions, each with a request, a record and two actions."""
    hv = Agency.objects.get(code="hv")
    for n in range(count):
        session = make_session(
            make_request(
                case=case,
                by=cast.involved,
                agency=hv,
                requested_on=D(2025, 12, 1 + n % 28),
                reasons=["stuck_or_drift"],
                chair=cast.chair,
            ),
            D(2026, 1, 5 + n % 20),
        )
        for number in (1, 2):
            add_action(
                session,
                number=number,
                owner=cast.social_worker.practitioner,
                due=D(2026, 2, 2),
                by=cast.chair,
            )
        distribute(session, ArtefactKind.ACTIONS, D(2026, 1, 27), cast.chair)


def test_the_quality_pages_run_the_same_queries_for_4_sessions_as_for_34(world, cast, client_for):
    client = client_for(cast.quality_officer)
    get(client, "quality")  # the first request after sign-in notes the time
    counts = []
    for extra in (0, 30):
        add_sessions(extra, cast, world.other)
        with on(D(2026, 2, 20)), CaptureQueriesContext(connection) as queries:
            page = get(client, "quality", **DEC_TO_FEB).content.decode()
            get(client, "quality_csv", **DEC_TO_FEB)
        counts.append(len(queries))
    assert table(page, "Sessions held in each period")["January 2026"] == ["32"]
    assert counts[0] == counts[1]


# --- My dashboard ----------------------------------------------------------------------


def test_my_open_actions_with_the_overdue_ones_tagged(world, cast, client_for):
    with on(D(2026, 1, 24)):  # a Saturday
        page = get(client_for(cast.social_worker), "mine").content.decode()
    rows = table(page, "My open actions")
    # The social worker owns A1 (done), A2, A4, A5 and A7 (§7.5); A3 is the health
    # visitor's and A6 the GP's. Soonest due first; A4 (22 Jan) and A2 (23 Jan) overdue.
    assert list(rows) == ["A4", "A2", "A7", "A5"]
    assert rows["A4"][-1] == "22 January 2026 Overdue"
    assert rows["A2"][-1] == "23 January 2026 Overdue"
    assert rows["A7"][-1] == "30 January 2026"
    assert rows["A5"][-1] == "13 February 2026"
    plan = reverse(
        "actions:plan",
        kwargs={"reference": world.s1.case.reference, "code": world.s1.request.code},
    )
    assert f'href="{plan}#action-4"' in page


def test_actions_in_cases_i_cannot_open_are_not_shown(world, cast, client_for):
    with on(D(2026, 2, 20)):
        page = get(client_for(cast.uninvolved), "mine").content.decode()
    assert "You have no open actions." in page
    assert world.other.reference not in page


def test_the_chair_sees_the_deadlines_of_the_sessions_still_to_send(world, cast, client_for):
    with on(D(2026, 2, 20)):
        page = get(client_for(cast.chair), "mine").content.decode()
    rows = table(page, "Sessions I chair with documents still to send")
    # s1 has sent both; s2 (another family's case, not the chair's team) is not shown; s4 was
    # cancelled. s3 held Wed 18 Feb: actions due today (amber), minutes due 18 March.
    assert list(rows) == ["18 February 2026"]
    assert rows["18 February 2026"][1:] == [
        "20 February 2026 Due soon",
        "18 March 2026 On track",
    ]


def test_my_dashboard_runs_the_same_queries_for_4_actions_as_for_44(world, cast, client_for):
    client = client_for(cast.social_worker)
    get(client, "mine")  # the first request after sign-in notes the time
    counts = []
    for extra in (0, 40):
        for number in range(8, 8 + extra):
            add_action(
                world.s1,
                number=number,
                owner=cast.social_worker.practitioner,
                due=D(2026, 3, 1),
                by=cast.chair,
            )
        with on(D(2026, 2, 20)), CaptureQueriesContext(connection) as queries:
            page = get(client, "mine").content.decode()
        counts.append(len(queries))
    assert 'aria-label="Pages of my actions"' in page
    assert counts[0] == counts[1]


# --- Sessions and deadlines -------------------------------------------------------------


def test_chairs_see_every_session_with_its_deadlines(world, cast, client_for):
    with on(D(2026, 2, 20)):
        page = get(client_for(cast.chair), "sessions").content.decode()
    rows = table(page, "Sessions and the deadlines")
    assert list(rows) == [
        "18 February 2026",
        "29 January 2026",
        "20 January 2026",
        "15 January 2026",
    ]
    # Columns: reference, type, status, actions, minutes.
    assert rows["15 January 2026"][0] == world.s1.case.reference
    assert rows["15 January 2026"][3:] == [
        "19 January 2026 Sent on time",
        "12 February 2026 Sent late",
    ]
    assert rows["29 January 2026"][0] == world.other.reference
    assert rows["29 January 2026"][3:] == [
        "2 February 2026 Sent late",
        "26 February 2026 On track",
    ]
    assert rows["18 February 2026"][2:] == [
        "Scheduled",
        "20 February 2026 Due soon",
        "18 March 2026 On track",
    ]
    assert rows["20 January 2026"][2:] == [
        "Cancelled",
        "None: the session was cancelled",
        "None: the session was cancelled",
    ]
    assert "Harries" not in page.split("<main", 1)[1]  # references only, no family names


def test_a_safeguarding_lead_sees_the_sessions_of_cases_their_agency_is_in(world, cast, client_for):
    dsp = User.objects.get(email="catrin.rowlands@sch.example")  # the school's lead
    give_totp(dsp)
    with on(D(2026, 2, 20)):
        page = get(client_for(dsp), "sessions").content.decode()
    rows = table(page, "Sessions and the deadlines")
    assert list(rows) == ["18 February 2026", "20 January 2026", "15 January 2026"]
    assert world.other.reference not in page

    UserRole.objects.create(user=cast.uninvolved, role=Role.SAFEGUARDING_LEAD)
    page = get(client_for(cast.uninvolved), "sessions").content.decode()
    assert "There are no sessions to show." in page


def test_the_sessions_page_runs_the_same_queries_for_4_sessions_as_for_34(world, cast, client_for):
    client = client_for(cast.chair)
    get(client, "sessions")  # the first request after sign-in notes the time
    counts = []
    for extra in (0, 30):
        add_sessions(extra, cast, world.other)
        with on(D(2026, 2, 20)), CaptureQueriesContext(connection) as queries:
            page = get(client, "sessions").content.decode()
        counts.append(len(queries))
    body = BeautifulSoup(page, "html.parser").find("tbody")
    assert len(body.find_all("tr")) == 25
    assert 'class="govuk-pagination"' in page
    assert counts[0] == counts[1]


# --- Every route, everyone -------------------------------------------------------------

ALL = (OK,) * 6 + (REDIRECT,)
CHAIRS_AND_LEADS = (FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, REDIRECT)
QUALITY_OFFICER = (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, REDIRECT)


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("mine", ALL),
        ("sessions", CHAIRS_AND_LEADS),
        ("quality", QUALITY_OFFICER),
        ("quality_csv", QUALITY_OFFICER),
    ],
)
def test_dashboard_route(name, expect, client, cast, world):
    path = reverse(f"dashboards:{name}")
    outcomes = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        outcomes.append(client.get(path).status_code)
    assert tuple(outcomes) == expect, f"{WHO} got {tuple(outcomes)}"


def test_every_dashboard_opens_in_welsh(world, cast, client_for):
    for who, name in (
        (cast.social_worker, "mine"),
        (cast.chair, "mine"),
        (cast.chair, "sessions"),
        (cast.quality_officer, "quality"),
    ):
        with translation.override("en-gb"):
            path = "/cy" + reverse(f"dashboards:{name}")
        with on(D(2026, 2, 20)):
            response = client_for(who).get(path, {**DEC_TO_FEB, "period": "quarter"})
        assert response.status_code == OK, path
        assert '<html lang="cy"' in response.content.decode()
