"""The privacy notice and the subject access pages in a real browser, in English, checked
with axe-core (WCAG 2.2 AA): the notice without signing in, the officer's pages as the
data protection officer."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from supervision.conftest import DEMO_PASSWORD, give_totp
from supervision.dataprotection.tests.helpers import make_officer
from supervision.web.tests.browser import BrowserCast, check_axe, sign_in

pytestmark = pytest.mark.browser


def test_the_privacy_notice_is_public_and_accessible(page: Page, live_server: Any) -> None:
    response = page.goto(f"{live_server.url}/privacy/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_role("heading", name="How long we keep it")).to_be_visible()
    expect(page.get_by_text("until the youngest child in it is 25")).to_be_visible()
    expect(page.get_by_role("link", name="ico.org.uk/make-a-complaint")).to_be_visible()
    check_axe(page)


def test_the_officer_makes_an_export_and_places_a_legal_hold(
    page: Page, live_server: Any, browser_cast: BrowserCast
) -> None:
    officer = make_officer(totp=False)
    secret = give_totp(officer)
    sign_in(page, live_server, officer, secret)
    page.goto(f"{live_server.url}/data-protection/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    check_axe(page)

    # Nothing filled in: the error summary, then each error by its field.
    page.get_by_label("Case reference").fill("")
    page.get_by_role("button", name="Make the export").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_axe(page)

    page.get_by_label("A member of a family").check()
    page.get_by_label("Case reference").fill(browser_cast.case.reference)
    page.get_by_label("Short reference of the person in the case").fill("P1")
    page.get_by_label("Request reference").fill("SAR-2026-014")
    page.get_by_label("The person asked for their own information").check()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Make the export").click()
    expect(page.get_by_role("heading", name="The export is ready")).to_be_visible()
    expect(page.get_by_role("link", name="Download the export (ZIP)")).to_be_visible()
    check_axe(page)

    page.get_by_role("link", name="Back to subject access requests").click()
    expect(page.get_by_role("link", name="SAR-2026-014")).to_be_visible()
    page.get_by_role("link", name="Legal holds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Legal holds")
    check_axe(page)
    page.get_by_label("Case reference").fill(browser_cast.case.reference)
    page.get_by_label("Why the records must be kept").fill("An inquiry asked for the records.")
    page.get_by_role("button", name="Place the legal hold").click()
    expect(page.get_by_text("is under legal hold")).to_be_visible()
    expect(page.get_by_role("cell", name=browser_cast.case.reference, exact=True)).to_be_visible()
    check_axe(page)
