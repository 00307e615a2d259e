"""The distribution page in a real browser, in English, checked with axe-core: as the chair
who sends the documents and decides on corrections, and as an attendee who confirms
receipt and sends in a correction."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from supervision.distribution import services
from supervision.distribution.models import Correction, Recipient
from supervision.distribution.tests.helpers import approve, make_document
from supervision.meetings.models import SupervisionSession
from supervision.records.services import record_sign_off
from supervision.records.tests.test_browser_record import booked_session, fill_the_record
from supervision.web.tests.browser import BrowserCast, check_axe, sign_in

pytestmark = pytest.mark.browser

__all__ = ["booked_session"]  # the fixture, shared with the record's browser tests


@pytest.fixture
def distributed(
    booked_session: SupervisionSession, browser_cast: BrowserCast
) -> SupervisionSession:
    """The record filled in and signed off (the health visitor attended), the actions sent
    to her, the minutes approved, and one correction from her waiting for the chair."""
    chair = browser_cast["chair"].user
    fill_the_record(booked_session, browser_cast)
    record_sign_off(session=booked_session, password="fictional-test-password", by=chair)
    actions = make_document(booked_session, "actions", by=chair)
    minutes = make_document(booked_session, "minutes", by=chair)
    approve(minutes, chair)
    services.distribution_send_to_attendees(artefact=actions, by=chair)
    services.correction_raise(
        artefact=minutes, text="The SLT day is Tuesday.", by=browser_cast["involved"].user
    )
    return booked_session


def page_path(session: SupervisionSession) -> str:
    return f"/cases/{session.case.reference}/requests/{session.request.code}/distribution/"


def test_the_chair_sends_records_and_decides(
    page: Page, live_server: Any, browser_cast: BrowserCast, distributed: SupervisionSession
) -> None:
    chair = browser_cast["chair"]
    sign_in(page, live_server, chair.user, chair.secret)
    page.goto(page_path(distributed))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sending the actions and minutes")
    expect(page.get_by_role("table", name="Who has been sent it: Actions")).to_be_visible()
    check_axe(page)

    # A secure email without who sent it: the error summary, and what was typed kept.
    actions = page.locator("#actions")
    actions.get_by_text("Record a secure email to someone without an account").click()
    form = actions.locator("form[action$='/actions/secure-email/']")
    form.get_by_label("Their name").fill("Duty officer (fictional)")
    form.get_by_label("Their secure email address").fill("duty@sewedt.example")
    form.get_by_label("Which file was sent").select_option(label="Welsh, PDF")
    form.get_by_label("Who sent it").fill("")
    form.get_by_label("Why they need it for care planning").fill("Out-of-hours cover.")
    form.get_by_label("Information-sharing basis").fill("WASPI protocol EX-0917")
    actions.get_by_role("button", name="Record the secure email").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the name of the person who sent it")
    expect(page.locator("#actions-secure-name")).to_have_value("Duty officer (fictional)")
    check_axe(page)
    page.locator("#actions-secure-sent_by").fill("Business support officer (fictional)")
    page.get_by_role("button", name="Record the secure email").click()
    expect(page.get_by_text("The secure email is recorded.")).to_be_visible()
    expect(page.get_by_text("Duty officer (fictional)")).to_be_visible()

    # The minutes go to the attendees.
    page.get_by_role("button", name="Send the minutes to the attendees").click()
    expect(page.get_by_text("Sent to 1 attendee.")).to_be_visible()
    check_axe(page)

    # The correction, decided without a reason: refused, then accepted.
    page.get_by_text("Decide on the correction from").click()
    page.get_by_label("Do not accept it").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why you do not accept the correction"
    )
    check_axe(page)
    page.get_by_label("Accept the correction").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Your decision is saved.")).to_be_visible()
    assert Correction.objects.get().status == "accepted"
    assert Recipient.objects.filter(channel="secure_email").count() == 1
    check_axe(page)


def test_an_attendee_confirms_receipt_and_sends_a_correction(
    page: Page, live_server: Any, browser_cast: BrowserCast, distributed: SupervisionSession
) -> None:
    visitor = browser_cast["involved"]
    sign_in(page, live_server, visitor.user, visitor.secret)
    page.goto(page_path(distributed))
    check_axe(page)
    page.get_by_role("button", name="I have received this").click()
    expect(page.get_by_text("You have confirmed that you received it.")).to_be_visible()
    assert Recipient.objects.get(practitioner__user=visitor.user).acknowledged_at is not None
    expect(page.get_by_role("link", name="Download: Actions, English, PDF")).to_be_visible()

    page.get_by_role("button", name="Send the correction to the chair").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your correction")
    check_axe(page)
    page.get_by_label("Your correction").fill("Kai's inhaler plan is with the pharmacy.")
    page.get_by_role("button", name="Send the correction to the chair").click()
    expect(page.get_by_text("Your correction is sent to the chair.")).to_be_visible()
    assert Correction.objects.count() == 2
    check_axe(page)
