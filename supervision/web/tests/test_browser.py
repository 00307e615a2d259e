"""Real people in a real browser: sign in, find the case, read it in English and Welsh.

Every page visited is checked with axe-core (WCAG 2.2 AA, no violations). Welsh pages are
compared with the same page in English: no text may be left in English unless it is marked
as not for translation (names, references) or as being in another language.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from supervision.conftest import DEMO_PASSWORD
from supervision.web.tests.browser import (
    BrowserCast,
    check_axe,
    check_translated,
    security_code,
    sign_in,
    untranslated_text,
)


def html_lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def switch_to_welsh(page: Page) -> None:
    language = page.get_by_role("navigation", name="Language")
    language.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")


def open_case_from_my_cases(page: Page, family_name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    page.get_by_role("link", name=family_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(family_name)


@pytest.mark.browser
def test_login_page_in_english_and_welsh(page: Page, live_server: Any) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert html_lang(page) == "en-GB"
    check_axe(page)
    english = page.content()

    switch_to_welsh(page)

    assert re.search(r"/cy/accounts/login/$", page.url), page.url
    check_axe(page)
    check_translated(english, page.content(), "login page")


@pytest.mark.browser
def test_social_worker_signs_in_and_reads_the_case_in_english(
    page: Page, live_server: Any, browser_cast: BrowserCast
) -> None:
    worker = browser_cast["social_worker"]
    case = browser_cast.case

    sign_in(page, live_server, worker.user, worker.secret, axe=True)

    assert re.search(r"/cases/$", page.url), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    check_axe(page)

    open_case_from_my_cases(page, case.family_name)

    assert page.url == f"{live_server.url}/cases/{case.reference}/"
    check_axe(page)
    people = page.get_by_role("table", name="People")
    expect(people.get_by_role("rowheader", name="Kai Harries")).to_be_visible()
    expect(people).to_contain_text("2 November 2016")
    previous = page.locator("h2:text-is('Agencies involved before') ~ .govuk-summary-card")
    expect(previous.first).to_be_visible()
    expect(previous.filter(has_text="place withdrawn")).to_have_count(1)


@pytest.mark.browser
def test_the_case_in_welsh(page: Page, live_server: Any, browser_cast: BrowserCast) -> None:
    worker = browser_cast["social_worker"]
    case = browser_cast.case
    sign_in(page, live_server, worker.user, worker.secret)
    open_case_from_my_cases(page, case.family_name)
    english = page.content()

    switch_to_welsh(page)

    # The language link keeps the reader on the same case.
    assert page.url == f"{live_server.url}/cy/cases/{case.reference}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(case.family_name)
    kai = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Kai Harries"))
    expect(kai).to_contain_text("2 Tachwedd 2016")
    check_axe(page)
    check_translated(english, page.content(), "case page")


@pytest.mark.browser
def test_my_cases_in_welsh(page: Page, live_server: Any, browser_cast: BrowserCast) -> None:
    worker = browser_cast["social_worker"]
    sign_in(page, live_server, worker.user, worker.secret)
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    english = page.content()

    switch_to_welsh(page)

    assert page.url == f"{live_server.url}/cy/cases/"
    expect(page.get_by_role("link", name=browser_cast.case.family_name)).to_be_visible()
    check_axe(page)
    check_translated(english, page.content(), "My cases page")


@pytest.mark.browser
def test_uninvolved_practitioner_cannot_tell_the_case_exists(
    page: Page, live_server: Any, browser_cast: BrowserCast
) -> None:
    outsider = browser_cast["uninvolved"]
    case = browser_cast.case
    sign_in(page, live_server, outsider.user, outsider.secret)

    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_text("You have no cases.")).to_be_visible()

    response = page.goto(f"/cases/{case.reference}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_axe(page)
    real_case_page = page.locator("main").inner_text()
    assert case.family_name not in page.content()

    response = page.goto("/cases/XX00000000/")
    assert response is not None
    assert response.status == 404
    assert page.locator("main").inner_text() == real_case_page


@pytest.mark.browser
def test_signing_in_in_welsh(page: Page, live_server: Any, browser_cast: BrowserCast) -> None:
    worker = browser_cast["social_worker"]
    page.goto("/cy/accounts/login/")
    page.locator("#id_login").fill(worker.user.email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cy/accounts/2fa/authenticate/$"))
    check_axe(page)
    welsh = page.content()
    page.goto("/accounts/2fa/authenticate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    check_translated(page.content(), welsh, "two-factor page")

    page.goto("/cy/accounts/2fa/authenticate/")
    page.locator("#id_code").fill(security_code(worker.secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/cy/cases/$"))
    assert html_lang(page) == "cy"


@pytest.mark.browser
def test_page_not_found_in_welsh(page: Page, live_server: Any) -> None:
    page.goto("/no-such-page/")
    english = page.content()
    response = page.goto("/cy/no-such-page/")
    assert response is not None
    assert response.status == 404
    assert html_lang(page) == "cy"
    check_axe(page)
    check_translated(english, page.content(), "page not found")


# --- The untranslated-text finder itself (no browser) ------------------------------------

ENGLISH = """<!DOCTYPE html><html lang="en-GB"><head><title>My cases – Service</title>
<style>.x { color: red }</style></head><body>
<script>var label = "Sign out";</script>
<nav><a href="/" lang="en">English</a> <a href="/cy/" lang="cy">Cymraeg</a></nav>
<h1>My cases</h1>
<p>You have  no
   cases.</p>
<p title="Hello">Sign out</p>
<td translate="no">Harries/Walsh</td>
<td><span lang="en">Flying Start</span></td>
<td>2 November 2016</td><td>12/03/2025</td><td>–</td>
<code>EXA-CS-24-0917</code>
<!-- A comment -->
</body></html>"""

WELSH_WITH_LEFTOVERS = """<!DOCTYPE html><html lang="cy"><head>
<title>Fy achosion – Gwasanaeth</title>
<style>.x { color: red }</style></head><body>
<script>var label = "Sign out";</script>
<nav><a href="/" lang="en">English</a> <span lang="cy">Cymraeg</span></nav>
<h1>Fy achosion</h1>
<p>You have no cases.</p>
<p title="Hello">Allgofnodi</p>
<td translate="no">Harries/Walsh</td>
<td><span lang="en">Flying Start</span></td>
<td>2 Tachwedd 2016</td><td>12/03/2025</td><td>–</td>
<code>EXA-CS-24-0917</code>
<div lang="cy">Sign out</div>
<!-- A comment -->
</body></html>"""


def test_untranslated_text_finds_english_left_on_a_welsh_page() -> None:
    leftovers = untranslated_text(ENGLISH, WELSH_WITH_LEFTOVERS)

    assert leftovers == ["You have no cases.", "Sign out"]


def test_untranslated_text_accepts_a_fully_welsh_page() -> None:
    welsh = WELSH_WITH_LEFTOVERS.replace("You have no cases.", "Does gennych chi ddim achosion.")
    welsh = welsh.replace('<div lang="cy">Sign out</div>', "")

    assert untranslated_text(ENGLISH, welsh) == []


def test_untranslated_text_ignores_attributes_and_text_in_other_languages() -> None:
    english = '<p aria-label="Menu">Menu</p><p>Status</p>'
    welsh = (
        '<html lang="cy"><p aria-label="Menu">Dewislen</p>'
        '<p lang="en-GB">Status</p><p translate="no">Menu</p></html>'
    )

    assert untranslated_text(english, welsh) == []
    assert untranslated_text(english, welsh.replace('lang="en-GB"', 'lang="cy"')) == ["Status"]
