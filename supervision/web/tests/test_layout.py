"""The page layout every page shares, its security headers, the health check and the 404 page."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup, Tag
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from supervision.cases.models import Case
from supervision.conftest import Cast

pytestmark = pytest.mark.django_db

PRODUCT_NAME = "Multi-agency supervision"
PO_FILE = Path(settings.BASE_DIR) / "supervision" / "locale" / "cy" / "LC_MESSAGES" / "django.po"


@cache
def welsh(msgid: str) -> str:
    """The Welsh catalogue's translation of an English string (never our own guess)."""
    entry = polib.pofile(str(PO_FILE)).find(msgid)
    assert entry is not None, f"{msgid!r} is not in {PO_FILE}"
    assert entry.msgstr, f"{msgid!r} is not translated in {PO_FILE}"
    return str(entry.msgstr)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def attribute(tag: Tag, name: str) -> str:
    value = tag.get(name)
    assert isinstance(value, str), f"{tag.name} has no single {name} attribute"
    return value


def only(page: BeautifulSoup, selector: str) -> Tag:
    found = page.select(selector)
    assert len(found) == 1, f"expected one {selector!r}, found {len(found)}"
    return found[0]


# Each page: (who signs in, or None; the English path, with any query string).
PageUrl = Callable[[Case], str]
PAGES: dict[str, tuple[str | None, PageUrl]] = {
    "login": (None, lambda case: reverse("account_login")),
    "login-with-next": (None, lambda case: reverse("account_login") + "?next=/cases/"),
    "my-cases": ("social_worker", lambda case: reverse("cases:my_cases")),
    "case": ("involved", lambda case: case.get_absolute_url()),
    "case-with-query": ("involved", lambda case: case.get_absolute_url() + "?page=1"),
}


@pytest.fixture
def open_page(client: Client, cast: Cast, demo_case: Case):
    def get(name: str, *, language_prefix: str = ""):
        who, url = PAGES[name]
        if who is not None:
            client.force_login(getattr(cast, who))
        path = language_prefix + url(demo_case)
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        return path, response

    return get


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_shared_layout(open_page, name):
    _path, response = open_page(name)
    page = soup(response)

    skip = page.select("a.govuk-skip-link")
    assert skip, "no skip link"
    assert skip[0]["href"] == "#main-content"
    assert page.find(id="main-content") is not None
    assert page.find(id="main-content").name == "main"
    # The skip link is the first link on the page.
    assert page.find("a") is skip[0]

    header = only(page, "header")
    assert PRODUCT_NAME in header.get_text()
    assert only(page, ".govuk-service-navigation") is not None
    assert only(page, "footer") is not None


@pytest.mark.parametrize("name", ["my-cases", "case", "case-with-query"])
def test_signed_in_pages_have_the_service_menu(open_page, name):
    _path, response = open_page(name)
    navigation = only(soup(response), ".govuk-service-navigation")
    links = {link.get_text(strip=True): link["href"] for link in navigation.select("a")}
    assert links.get("My cases") == reverse("cases:my_cases")
    assert links.get("Sign out") == reverse("account_logout")


def test_the_login_page_offers_no_service_menu_to_the_anonymous(open_page):
    _path, response = open_page("login")
    navigation = only(soup(response), ".govuk-service-navigation")
    assert "Sign out" not in navigation.get_text()
    assert "My cases" not in navigation.get_text()


def language_switch(page: BeautifulSoup) -> dict[str, Tag]:
    """The items of the English/Cymraeg switch, by label."""
    switch = only(page, "nav.govuk-language-navigation")
    items = switch.select("li")
    return {item.get_text(strip=True): item for item in items}


@pytest.mark.parametrize("name", PAGES)
def test_cymraeg_link_points_to_the_same_page_in_welsh(open_page, name):
    path, response = open_page(name)
    switch = language_switch(soup(response))
    assert set(switch) == {"English", "Cymraeg"}
    assert switch["English"].find("a") is None, "English is the current language, not a link"
    link = switch["Cymraeg"].find("a")
    assert link is not None
    assert link["href"] == "/cy" + path
    assert link["lang"] == "cy"


@pytest.mark.parametrize("name", PAGES)
def test_english_link_from_a_welsh_page_points_back(open_page, demo_case, name):
    english_path = PAGES[name][1](demo_case)  # before a Welsh request activates Welsh
    path, response = open_page(name, language_prefix="/cy")
    switch = language_switch(soup(response))
    assert switch["Cymraeg"].find("a") is None, "Cymraeg is the current language, not a link"
    link = switch["English"].find("a")
    assert link is not None
    assert "/cy" + attribute(link, "href") == path
    assert attribute(link, "href") == english_path


def test_html_lang_follows_the_language(open_page):
    _path, english = open_page("login")
    assert '<html lang="en-GB"' in english.content.decode()
    _path, welsh_page = open_page("login", language_prefix="/cy")
    body = welsh_page.content.decode()
    assert '<html lang="cy"' in body
    assert welsh(PRODUCT_NAME) in only(soup(welsh_page), "header").get_text()


@pytest.mark.parametrize("name", ["login", "my-cases", "case"])
def test_demo_banner_shows_only_in_demo_mode(open_page, name):
    with override_settings(DEMO_MODE=True):
        _path, demo = open_page(name)
    assert "fictional" in demo.content.decode()
    with override_settings(DEMO_MODE=False):
        _path, real = open_page(name)
    assert "fictional" not in real.content.decode()


# --- Security headers -------------------------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def script_nonce(response) -> str:
    assert "Content-Security-Policy" in response.headers, "no CSP header"
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    script_src = directives(header).get("script-src")
    assert script_src is not None, f"no script-src in {header!r}"
    nonces = [m.group(1) for s in script_src if (m := re.fullmatch(r"'nonce-([^']+)'", s))]
    assert len(nonces) == 1, f"expected one nonce in script-src: {script_src}"
    assert len(nonces[0]) >= 16, "the nonce is too short to be unguessable"
    return nonces[0]


@pytest.mark.parametrize("name", ["login", "my-cases", "case"])
def test_content_security_policy_allows_only_the_pages_own_scripts(open_page, name):
    _path, response = open_page(name)
    nonce = script_nonce(response)
    scripts = soup(response).find_all("script")
    inline = [script for script in scripts if not script.get("src")]
    assert inline, "the layout has inline scripts; they must be found to be checked"
    for script in inline:
        assert script.get("nonce") == nonce, f"inline script without the nonce: {script}"
    # No event-handler attributes, which a nonce cannot cover.
    for tag in soup(response).find_all(True):
        handlers = [attribute for attribute in tag.attrs if attribute.startswith("on")]
        assert not handlers, f"inline event handler on {tag.name}: {handlers}"


def test_the_nonce_is_new_for_every_response(open_page):
    _path, first = open_page("login")
    _path, second = open_page("login")
    assert script_nonce(first) != script_nonce(second)


@pytest.mark.parametrize("name", ["login", "my-cases", "case"])
def test_security_headers(open_page, name):
    _path, response = open_page(name)
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("object-src") == ["'none'"]


# --- Health check and error pages -------------------------------------------------------


def test_health_check_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_health_check_is_get_only(client):
    assert client.post("/healthz").status_code == 405


def test_unknown_page_is_the_products_404_in_english(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = soup(response)
    assert only(page, "h1").get_text(strip=True) == "Page not found"
    assert '<html lang="en-GB"' in response.content.decode()
    assert PRODUCT_NAME in only(page, "header").get_text()
    assert page.select("a.govuk-skip-link")
    assert only(page, "footer") is not None


def test_unknown_page_is_the_products_404_in_welsh(client):
    response = client.get("/cy/no-such-page/")
    assert response.status_code == 404
    page = soup(response)
    assert only(page, "h1").get_text(strip=True) == welsh("Page not found")
    assert '<html lang="cy"' in response.content.decode()
    assert welsh(PRODUCT_NAME) in only(page, "header").get_text()
    assert "Page not found" not in response.content.decode()


def test_signed_in_404_is_the_products_page_too(client_for, cast):
    response = client_for(cast.social_worker).get("/cases/no/such/page/")
    assert response.status_code == 404
    assert only(soup(response), "h1").get_text(strip=True) == "Page not found"
