"""The case file page in a real browser, in English, checked with axe-core at each step:
the social worker saves and confirms Kai's synopsis, and records the alert to the
conference chair, which brings up the prompt about the minutes deadline (§7.5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from supervision.accounts.models import User
from supervision.casefile.models import ChildSynopsis, ConferenceAlert
from supervision.meetings.models import SupervisionSession
from supervision.web.tests.browser import check_axe

pytestmark = pytest.mark.browser


def signed_in(page: Page, live_server: Any, user: User) -> None:
    """Give the browser a session of `user` (two-factor sign-in has its own browser tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_the_case_file_page_in_english(
    page: Page, live_server: Any, cast, signed_off: SupervisionSession
) -> None:
    signed_in(page, live_server, cast.social_worker)
    path = f"/cases/{signed_off.case.reference}/requests/{signed_off.request.code}/case-file/"
    response = page.goto(path)
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Case file and conference")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    check_axe(page)

    kai = page.locator("section", has=page.get_by_role("heading", name="Kai Harries"))
    editor = kai.get_by_label("Synopsis for the case file")
    expect(editor).to_contain_text("Kai is in school every day on time")
    kai.get_by_role("button", name="Save the synopsis").click()
    expect(page.get_by_text("Synopsis saved.")).to_be_visible()
    check_axe(page)

    # Confirming without the reference shows the error, linked from the summary.
    kai = page.locator("section", has=page.get_by_role("heading", name="Kai Harries"))
    kai.get_by_role("button", name="Confirm it is recorded").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the reference of the synopsis in the case system"
    )
    check_axe(page)
    kai = page.locator("section", has=page.get_by_role("heading", name="Kai Harries"))
    kai.get_by_label("Reference in the case system").fill("LA-2026-0117-KH")
    kai.get_by_role("button", name="Confirm it is recorded").click()
    expect(page.get_by_text("Confirmed as recorded on the case file.")).to_be_visible()
    expect(page.get_by_text("reference LA-2026-0117-KH")).to_be_visible()
    assert ChildSynopsis.objects.get(child__given_names="Kai").recorded

    # The alert to the conference chair, and the prompt it brings.
    page.get_by_label("Date of the conference").fill("2026-01-29")
    expect(page.get_by_label("Conference chair")).to_have_value("Helen Bowen")
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Record the alert").click()
    expect(page.get_by_text("The alert to the conference chair is recorded.")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "The conference on 29 January 2026 is before the minutes are due (12 February 2026)"
    )
    assert ConferenceAlert.objects.filter(session=signed_off).count() == 1
    check_axe(page)
