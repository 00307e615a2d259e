"""The session record in a real browser: drafts save as you type, and two people saving
the same part never overwrite each other."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from supervision.meetings.models import SupervisionRequest, SupervisionSession
from supervision.meetings.services import demo_request_load, session_schedule
from supervision.records.models import PrinciplesRecord
from supervision.web.tests.browser import BrowserCast, check_axe, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def booked_session(browser_cast: BrowserCast) -> SupervisionSession:
    demo_request_load()
    found = SupervisionRequest.objects.get(case=browser_cast.case)
    assert found.chair is not None
    return session_schedule(
        request=found,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        duration_minutes=90,
        venue="Room 2, Example County Hall",
        meeting_language="en",
        scheduled_by=found.chair,
    )


def record_path(session: SupervisionSession, part: str = "") -> str:
    return f"/cases/{session.case.reference}/requests/{session.request.code}/record/{part}"


def open_what_matters(page: Page, session: SupervisionSession) -> None:
    page.goto(record_path(session))
    page.get_by_text("Change what matters").click()


def test_two_browsers_saving_what_matters_the_second_gets_both_versions(
    browser: Browser, page: Page, live_server: Any, browser_cast: BrowserCast, booked_session
) -> None:
    chair = browser_cast["chair"]
    worker = browser_cast["social_worker"]
    sign_in(page, live_server, chair.user, chair.secret)
    other_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    other = other_context.new_page()
    try:
        sign_in(other, live_server, worker.user, worker.secret)
        # Both open the same part before either saves.
        open_what_matters(page, booked_session)
        open_what_matters(other, booked_session)

        page.get_by_label("What matters", exact=True).fill("The chair's version.")
        page.get_by_role("button", name="Save what matters").click()
        expect(page.get_by_text("What matters is saved.")).to_be_visible()

        other.get_by_label("What matters", exact=True).fill("The social worker's version.")
        other.get_by_role("button", name="Save what matters").click()
        expect(other.get_by_role("heading", level=1)).to_have_text("Someone else has changed this")
        # Both texts are on the conflict page: the saved one, and the one just typed.
        expect(other.locator("dd").filter(has_text="The chair's version.")).to_have_count(1)
        expect(other.get_by_label("What matters", exact=True)).to_have_value(
            "The social worker's version."
        )
        check_axe(other)
        record = PrinciplesRecord.objects.get(session=booked_session)
        assert record.what_matters == "The chair's version."

        # Saving from the conflict page keeps the social worker's text as the next version.
        other.get_by_role("button", name="Save this version").click()
        expect(other.get_by_text("What matters is saved.")).to_be_visible()
        record.refresh_from_db()
        assert record.what_matters == "The social worker's version."
        assert record.version == 2
    finally:
        other_context.close()


def test_the_chair_summary_saves_as_you_type(
    page: Page, live_server: Any, browser_cast: BrowserCast, booked_session
) -> None:
    chair = browser_cast["chair"]
    sign_in(page, live_server, chair.user, chair.secret)
    page.goto(record_path(booked_session, "summary/"))
    page.get_by_text("Change the chair summary").click()
    page.get_by_label("Information shared").fill("The merged chronology showed the pattern.")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at", timeout=15_000)
    record = PrinciplesRecord.objects.get(session=booked_session)
    assert record.information_shared == "The merged chronology showed the pattern."
    # Typing on after a draft save carries the new version: no false conflict.
    page.get_by_label("Learning points").fill("Weekend plans depended on one person.")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at", timeout=15_000)
    page.get_by_role("button", name="Save the chair summary").click()
    expect(page.get_by_text("Chair summary saved.")).to_be_visible()
    record.refresh_from_db()
    assert record.learning_points == "Weekend plans depended on one person."
    check_axe(page)
