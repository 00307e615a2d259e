"""Emergency access in a real browser, checked with axe-core at each step: an out-of-hours
social worker breaks the glass (first with a mistake), reads the case, the case's social
worker sees it in "who has viewed this record", and the quality officer reviews it."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from supervision.accounts.models import Role, User, UserRole
from supervision.cases.models import BreakGlassGrant
from supervision.cases.tests.factories import PractitionerFactory
from supervision.conftest import DEMO_PASSWORD, give_totp
from supervision.web.tests.browser import check_axe

pytestmark = pytest.mark.browser


def signed_in(page: Page, live_server: Any, user: User) -> None:
    """Give the browser a session of `user` (two-factor sign-in has its own browser tests)."""
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_break_glass_and_its_review_in_english_and_welsh(
    page: Page, live_server: Any, cast, demo_case
) -> None:
    duty = PractitionerFactory.create(
        user__email="eleri.duty@cs.example",
        user__full_name="Eleri Duty",
        agency=demo_case.local_authority,
    ).user
    duty.set_password(DEMO_PASSWORD)
    duty.save()
    UserRole.objects.create(user=duty, role=Role.SOCIAL_WORKER)
    give_totp(duty)
    signed_in(page, live_server, duty)

    page.goto("/cases/")
    page.get_by_role("link", name="Open a case you are not part of, in an emergency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a case")
    check_axe(page)

    # A mistake first: no reason given. The error summary links to the field.
    page.get_by_label("Case reference").fill(demo_case.reference)
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("alert")).to_contain_text("Explain why you need emergency access")
    expect(page.get_by_label("Case reference")).to_have_value(demo_case.reference)
    check_axe(page)

    page.get_by_label("Immediate risk to a child out of hours").check()
    page.get_by_label("Explain what has happened").fill("Police called about the children.")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Open the case").click()
    expect(page).to_have_url(f"{live_server.url}{demo_case.get_absolute_url()}")
    expect(page.get_by_text("You have emergency access to this case until")).to_be_visible()
    check_axe(page)

    page.goto("/cy/cases/break-glass/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    check_axe(page)

    # The case's social worker sees the emergency read.
    signed_in(page, live_server, cast.social_worker)
    page.goto(f"/cases/{demo_case.reference}/viewed-by/")
    expect(page.locator(".govuk-tag", has_text="Emergency access")).to_have_count(1)
    check_axe(page)

    # The quality officer reviews it.
    signed_in(page, live_server, cast.quality_officer)
    page.goto("/cases/")
    page.get_by_role("link", name="Emergency access to review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to review")
    check_axe(page)
    page.get_by_label("Not justified").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Write what happens next when it was not justified"
    )
    check_axe(page)
    page.get_by_label("Justified", exact=True).check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Your review is saved.")).to_be_visible()
    expect(page.get_by_text("No emergency access is waiting for review.")).to_be_visible()
    check_axe(page)
    page.goto("/cy/cases/break-glass/reviews/")
    check_axe(page)
    assert BreakGlassGrant.objects.get().review_outcome == "justified"
