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


def fill_the_record(session: SupervisionSession, cast: BrowserCast) -> None:
    """Something in every part, through the services, so every page shows its content."""
    from supervision.actions import services as actions
    from supervision.cases.models import Person
    from supervision.records import services as records
    from supervision.safety import services as safety

    chair = cast["chair"].user
    held = timezone.localdate(session.starts_at)
    kai = Person.objects.get(case=session.case, given_names="Kai")
    records.record_update_what_matters(
        session=session,
        what_matters="Calm weekends at home.",
        family_words="Kai: I like it when it is quiet.",
        expected_version=0,
        by=chair,
    )
    outcome = records.outcome_add(
        session=session,
        whose="child",
        person=kai,
        text="Kai is in school every day on time, with his inhaler.",
        status="agreed",
        keep_reason="",
        language="en",
        by=chair,
    )
    records.strength_add(
        session=session, kind="family", text="Nan does the school run.", people=[], by=chair
    )
    risk = records.risk_add(
        session=session, trying_to_avoid="Dean turning up drunk", from_whose_view="Leanne", by=chair
    )
    records.high_risk_moment_add(
        risk=risk, when="Friday nights", where="Home", trigger="Drink", early_sign="Texts", by=chair
    )
    records.balancing_item_add(
        session=session, column="need", text="Weekend cover", raised_by="School", by=chair
    )
    records.scaling_score_add(session=session, participant="HV", score=5, rationale="", by=chair)
    records.balancing_summary_save(
        session=session, summary="Risks still outweigh.", expected_version=0, by=chair
    )
    safety.plan_item_add(
        session=session,
        who="Nan",
        what="Has the children on Friday nights",
        where="Nan's house",
        when_trigger="Every Friday",
        help_route="Mobile on plan",
        risk=risk,
        by=chair,
    )
    safety.out_of_hours_share_add(
        session=session,
        service="emergency_duty_team",
        service_name="",
        shared_on=timezone.localdate(),
        method="Secure email",
        by=chair,
    )
    actions.action_add(
        session=session,
        description="Share the safety plan",
        owner=cast["social_worker"].user.practitioner,
        agency=None,
        due_date=held + datetime.timedelta(days=3),
        outcome=outcome,
        risk=None,
        by=chair,
    )
    actions.progress_point_save(
        session=session,
        months=1,
        target="No weekend incidents.",
        monitored_by="Core group",
        how="School data",
        expected_version=0,
        by=chair,
    )
    actions.action_plan_save(
        session=session,
        review_date=held + datetime.timedelta(days=90),
        no_actions_reason="",
        expected_version=0,
        by=chair,
    )
    records.attendance_save(
        session=session, practitioners=[cast["involved"].user.practitioner], by=chair
    )
    records.reflective_note_save(
        session=session, text="I was not the only one chasing.", expected_version=0, by=chair
    )
    records.chair_summary_save(
        session=session,
        information_shared="The merged chronology showed the pattern.",
        learning_points="Weekend plans depended on one person.",
        expected_version=0,
        by=chair,
    )


def test_every_part_of_the_record_in_english_and_welsh(
    page: Page, live_server: Any, browser_cast: BrowserCast, booked_session
) -> None:
    from supervision.web.tests.test_browser_pages import Sweep

    fill_the_record(booked_session, browser_cast)
    chair = browser_cast["chair"]
    sign_in(page, live_server, chair.user, chair.secret)
    sweep = Sweep(page)
    parts = [
        ("", "Session record"),
        ("safety-plan/", "Safety plan"),
        ("next-steps/", "Next steps and progress"),
        ("summary/", "Chair summary and sign-off"),
        ("reflections/", "Reflective notes"),
    ]
    for part, heading in parts:
        page.goto(record_path(booked_session, part))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        # Every part is reached from the others through the step navigation.
        steps = page.get_by_role("navigation", name="Parts of the session record")
        expect(steps.get_by_role("link")).to_have_count(5)
        expect(steps.locator("[aria-current=page]")).to_have_count(1)
        sweep.english_then_welsh(heading)

    # A form sent back with its errors, in each language.
    for prefix in ("", "/cy"):
        page.goto(prefix + record_path(booked_session, "summary/"))
        page.locator("#summary-information_shared").locator("xpath=ancestor::details").locator(
            "summary"
        ).click()
        page.locator("#summary-information_shared").fill("")
        page.locator("#summary-information_shared").locator("xpath=ancestor::form").locator(
            "button[type=submit]"
        ).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        sweep.axe()

    # Sign-off with the password, then the signed-off version.
    page.goto(record_path(booked_session, "summary/"))
    page.get_by_label("Your password").fill("fictional-test-password")
    page.get_by_role("button", name="Sign off the record").click()
    expect(page.get_by_text("The record is signed off. It cannot be changed now.")).to_be_visible()
    page.goto(record_path(booked_session, "summary/"))
    sweep.english_then_welsh("signed-off summary")
    page.goto(record_path(booked_session, "versions/1/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Session record, version 1")
    expect(page.get_by_text("I was not the only one chasing.")).to_have_count(0)
    sweep.english_then_welsh("signed-off version")
    page.goto(record_path(booked_session, "safety-plan/versions/1/"))
    sweep.english_then_welsh("safety plan version")
    sweep.done()


def test_the_locked_and_closed_pages_in_english_and_welsh(
    browser: Browser, page: Page, live_server: Any, browser_cast: BrowserCast, booked_session
) -> None:
    from supervision.records.services import record_sign_off
    from supervision.web.tests.browser import check_translated

    fill_the_record(booked_session, browser_cast)
    worker = browser_cast["social_worker"]
    sign_in(page, live_server, worker.user, worker.secret)
    # The social worker did not attend: the reflective notes page says who can read them.
    seen = {}
    for prefix in ("", "/cy"):
        response = page.goto(prefix + record_path(booked_session, "reflections/"))
        assert response is not None
        assert response.status == 403
        expect(page.get_by_text("I was not the only one chasing.")).to_have_count(0)
        check_axe(page)
        seen[prefix] = page.content()
    check_translated(seen[""], seen["/cy"], "reflective notes, not an attendee")

    # A change sent from a page opened before sign-off gets the plain locked page.
    tabs = {"": page, "/cy": page.context.new_page()}
    for prefix, tab in tabs.items():
        tab.goto(prefix + record_path(booked_session))
        field = tab.locator("#what-matters-what_matters")
        field.locator("xpath=ancestor::details").locator("summary").click()
    record_sign_off(
        session=booked_session, password="fictional-test-password", by=browser_cast["chair"].user
    )
    for prefix, tab in tabs.items():
        tab.locator("#what-matters-what_matters").fill("Changed after sign-off")
        form = tab.locator("#what-matters-what_matters").locator("xpath=ancestor::form")
        form.locator("button[type=submit]").click()
        expect(tab.locator(".govuk-heading-l")).to_have_count(1)
        check_axe(tab)
        seen[prefix] = tab.content()
    assert "The session record is signed off" in seen[""]
    check_translated(seen[""], seen["/cy"], "locked record page")
    record = PrinciplesRecord.objects.get(session=booked_session)
    assert record.what_matters == "Calm weekends at home."
