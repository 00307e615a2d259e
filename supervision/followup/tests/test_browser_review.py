"""The review page in a real browser, in English: the chair starts a review from the
signed-off session's next steps, then records where we are now next to where we wanted to
be; axe finds nothing on either page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from supervision.actions.services import action_add, action_plan_save, progress_point_save
from supervision.actions.tests.test_plan import MONITORING, ONE_MONTH, THREE_MONTHS
from supervision.followup.models import ReviewLink
from supervision.meetings.models import SupervisionRequest, SupervisionSession
from supervision.meetings.services import demo_request_load, session_schedule
from supervision.records.models import PrinciplesRecord, RecordEdition
from supervision.records.selectors import record_content
from supervision.web.tests.browser import BrowserCast, check_axe, sign_in

pytestmark = pytest.mark.browser

WHERE_WE_ARE = "One weekend call-out; Macy missed one SLT session; Kai 96% in January."


@pytest.fixture
def signed_off_session(browser_cast: BrowserCast) -> SupervisionSession:
    """The scenario's session on 15 January 2026 with next steps and progress agreed and
    the record signed off (kept short: the full record is covered in records/tests)."""
    demo_request_load()
    found = SupervisionRequest.objects.get(case=browser_cast.case)
    chair = found.chair
    assert chair is not None
    session = session_schedule(
        request=found,
        starts_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 10, 0)),
        duration_minutes=90,
        venue="Room 2, Example County Hall",
        meeting_language="en",
        scheduled_by=chair,
    )
    worker = browser_cast["social_worker"].user
    for description, due in (
        ("Share safety plan v5 with SEWEDT", datetime.date(2026, 1, 16)),
        ("Ask Leanne for her own outcome in her words", datetime.date(2026, 1, 23)),
    ):
        action_add(
            session=session,
            description=description,
            owner=worker.practitioner,
            agency=None,
            due_date=due,
            outcome=None,
            risk=None,
            by=chair,
        )
    for months, target in ((1, ONE_MONTH), (3, THREE_MONTHS)):
        progress_point_save(
            session=session,
            months=months,
            target=target,
            expected_version=0,
            by=chair,
            **MONITORING,
        )
    action_plan_save(
        session=session,
        review_date=datetime.date(2026, 4, 16),
        no_actions_reason="",
        expected_version=0,
        by=chair,
    )
    record = PrinciplesRecord.objects.get(session=session)
    RecordEdition.objects.create(
        record=record,
        number=1,
        signed_off_at=timezone.now(),
        signed_off_by=chair,
        content=record_content(session),
    )
    record.signed_off_at = timezone.now()
    record.signed_off_by = chair
    record.save()
    return session


def test_the_chair_starts_a_review_and_records_where_we_are_now(
    page: Page, live_server: Any, browser_cast: BrowserCast, signed_off_session
) -> None:
    chair = browser_cast["chair"]
    sign_in(page, live_server, chair.user, chair.secret)
    case = signed_off_session.case
    page.goto(
        f"/cases/{case.reference}/requests/{signed_off_session.request.code}/record/next-steps/"
    )
    check_axe(page)
    page.get_by_role("button", name="Start a review session").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The review is started")
    review = ReviewLink.objects.get(previous_session=signed_off_session)
    assert f"/requests/{review.new_request.code}/" in page.url

    page.goto(f"/cases/{case.reference}/requests/{review.new_request.code}/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Where we wanted to be and where we are now"
    )
    one_month = page.locator("#progress-1")
    expect(one_month).to_contain_text(ONE_MONTH)
    expect(one_month).to_contain_text("16 February 2026")
    expect(one_month).to_contain_text("Not recorded yet.")
    check_axe(page)

    one_month.get_by_label("Where are we now against the one-month point?").fill(WHERE_WE_ARE)
    one_month.get_by_role("button", name="Save where we are at one month").click()
    expect(page.locator("#progress-1")).to_contain_text(WHERE_WE_ARE)
    expect(page.get_by_text("Where we are now at one month is saved.")).to_be_visible()
    check_axe(page)

    # An empty save is refused with the error summary, and the page stays accessible.
    three_months = page.locator("#progress-3")
    three_months.get_by_role("button", name="Save where we are at three months").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter where we are now")
    check_axe(page)
