"""The three dashboards and the feedback pages in a real browser, in English, checked with
axe-core (WCAG 2.2 AA) as the people who use them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from supervision.agencies.models import Agency
from supervision.artefacts.models import ArtefactKind
from supervision.cases.models import CaseTeamMember, TeamRole
from supervision.dashboards.tests.scenario import (
    add_action,
    distribute,
    edition_of,
    make_request,
    make_session,
)
from supervision.meetings.models import SupervisionSession
from supervision.records.models import Attendance, PrinciplesRecord
from supervision.web.tests.browser import BrowserCast, check_axe, sign_in

pytestmark = pytest.mark.browser
D = datetime.date


@pytest.fixture
def held(browser_cast: BrowserCast) -> SupervisionSession:
    """A signed-off January session of the demo case: the social worker attended and owns
    two actions; the actions went out, the minutes not yet."""
    people = browser_cast.people
    worker, chair = people["social_worker"].user, people["chair"].user
    # Accepting a request puts its chair on the case team.
    CaseTeamMember.objects.create(
        case=browser_cast.case, practitioner=chair.practitioner, role=TeamRole.CHAIR
    )
    session = make_session(
        make_request(
            case=browser_cast.case,
            by=people["involved"].user,
            agency=Agency.objects.get(code="hv"),
            requested_on=D(2025, 12, 11),
            reasons=["stuck_or_drift", "escalating_risk"],
            chair=chair,
        ),
        D(2026, 1, 15),
    )
    edition_of(session, chair)
    Attendance.objects.create(
        record=PrinciplesRecord.objects.get(session=session),
        practitioner=worker.practitioner,
        recorded_by=chair,
    )
    for number, due in ((1, D(2026, 1, 23)), (2, D(2099, 1, 30))):
        add_action(session, number=number, owner=worker.practitioner, due=due, by=chair)
    distribute(session, ArtefactKind.ACTIONS, D(2026, 1, 16), chair)
    return session


def open_page(page: Page, path: str, heading: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_feedback_and_my_dashboard_as_the_social_worker(
    page: Page, live_server: Any, browser_cast: BrowserCast, held: SupervisionSession
) -> None:
    worker = browser_cast["social_worker"]
    sign_in(page, live_server, worker.user, worker.secret)
    feedback = f"/cases/{held.case.reference}/requests/{held.request.code}/feedback/"

    open_page(page, feedback, "Your feedback on the session")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_axe(page)
    page.get_by_label("What was useful?").fill("Seeing every agency's entries side by side.")
    page.get_by_label("4").check()
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Thank you. Your feedback is saved.")).to_be_visible()
    check_axe(page)

    open_page(page, f"{feedback}results/", "Feedback on the session")
    expect(page.get_by_text("Seeing every agency's entries side by side.")).to_be_visible()
    check_axe(page)

    open_page(page, "/dashboard/", "My dashboard")
    expect(page.get_by_role("link", name="A1")).to_be_visible()
    expect(page.get_by_text("Overdue")).to_have_count(1)  # A1, due 23 January 2026
    check_axe(page)
    page.get_by_role("link", name="A1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Next steps and progress")


def test_the_chairs_dashboards(
    page: Page, live_server: Any, browser_cast: BrowserCast, held: SupervisionSession
) -> None:
    chair = browser_cast["chair"]
    sign_in(page, live_server, chair.user, chair.secret)
    open_page(page, "/dashboard/", "My dashboard")
    expect(page.get_by_text("Sent on time")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Sessions and deadlines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions and deadlines")
    expect(page.get_by_role("cell", name=held.case.reference)).to_be_visible()
    check_axe(page)


def test_the_quality_figures(
    page: Page, live_server: Any, browser_cast: BrowserCast, held: SupervisionSession
) -> None:
    officer = browser_cast["quality_officer"]
    sign_in(page, live_server, officer.user, officer.secret)
    open_page(page, "/dashboard/quality/", "Quality figures")
    check_axe(page)
    page.get_by_label("Quarter").check()
    page.get_by_label("From").select_option(label="December 2025")
    page.get_by_label("To").select_option(label="March 2026")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("status")).to_contain_text("October to December 2025")
    expect(page.get_by_role("status")).to_contain_text("January to March 2026")
    check_axe(page)
    csv = page.get_by_role("link", name="Download these figures (CSV)")
    download = page.request.get(f"{live_server.url}{csv.get_attribute('href')}")
    assert download.status == 200
    assert "2025-Q4,Sessions,0" in download.text()

    # A filter that ends before it starts: the error is linked to its field.
    page.get_by_label("From").select_option(label="March 2026")
    page.get_by_label("To").select_option(label="December 2025")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_axe(page)
