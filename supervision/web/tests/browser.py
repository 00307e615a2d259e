"""Browser-test fixtures and helpers: one Debian Chromium per session, driven by Playwright.

Playwright never downloads a browser here: it launches the system `chromium`. Pages are
served by pytest-django's `live_server` (which makes every browser test transactional).
`DJANGO_ALLOW_ASYNC_UNSAFE` is set in supervision/conftest.py, because Playwright's sync API
runs an event loop in the test thread.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
from bs4.element import CData, ProcessingInstruction
from django.conf import settings
from django.core.cache import cache as django_cache
from playwright.sync_api import Browser, Page, expect, sync_playwright

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.conftest import CAST_EMAILS, DEMO_PASSWORD, give_totp

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TOTP_PERIOD = 30


# --- Browser and page -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        message = (
            "Chromium is not installed (Debian: apt-get install chromium); "
            "the browser tests need it."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test, with the site's CSP left on."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=False,
    )
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    yield browser_page
    context.close()


# --- People -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    user: User
    secret: str  # the TOTP secret, for computing security codes


@dataclass(frozen=True)
class BrowserCast:
    case: Case
    people: dict[str, Person]

    def __getitem__(self, name: str) -> Person:
        return self.people[name]


@pytest.fixture
def browser_cast(live_server: Any, demo_case: Case) -> BrowserCast:
    """The demo case, and every member of the cast with two-factor login and its secret."""
    # allauth remembers used codes in the cache, which outlives a test's database.
    django_cache.clear()
    people = {}
    for name, email in CAST_EMAILS.items():
        user = User.objects.get(email=email)
        people[name] = Person(user=user, secret=give_totp(user))
    return BrowserCast(case=demo_case, people=people)


def security_code(secret: str) -> str:
    """The current TOTP code; waits out the last seconds of a period so it stays valid."""
    now = time.time()
    if TOTP_PERIOD - now % TOTP_PERIOD < 2:
        time.sleep(TOTP_PERIOD - now % TOTP_PERIOD + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


def sign_in(page: Page, live_server: Any, user: User, secret: str, *, axe: bool = False) -> None:
    """Sign in through the English login form and the two-factor page, like a person would.

    With axe=True, both pages are checked with axe-core on the way.
    """
    page.goto(f"{live_server.url}/accounts/login/")
    if axe:
        check_axe(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    if axe:
        check_axe(page)
    page.get_by_label("Security code").fill(security_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


# --- Accessibility ----------------------------------------------------------------------


@cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html})),
  }));
}
"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it stands (WCAG 2.0-2.2 A and AA rules)."""
    # evaluate() goes through the DevTools protocol, so it works with the site's CSP on
    # (an injected <script> would be blocked, as it should be).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, AXE_TAGS)
    return violations


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}  {node['html'][:160]}" for node in violation["nodes"])
    return "\n".join(lines)


def check_axe(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


# --- Welsh: nothing left in English -----------------------------------------------------

SKIPPED_ELEMENTS = {"script", "style", "template", "code", "svg"}
LANGUAGE_NAMES = {"English", "Cymraeg"}
NOT_TEXT = (Comment, Declaration, Doctype, CData, ProcessingInstruction)


def _text_nodes(html: str) -> Iterator[tuple[str, NavigableString]]:
    """(whitespace-normalised text, node) for every text node outside code-like elements."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=True):
        if isinstance(node, NOT_TEXT):
            continue
        if any(parent.name in SKIPPED_ELEMENTS for parent in node.parents):
            continue
        text = " ".join(node.split())
        if text:
            yield text, node


def _nearest(node: NavigableString, attribute: str) -> str | None:
    for parent in node.parents:
        if isinstance(parent, Tag) and parent.has_attr(attribute):
            value = parent[attribute]
            return value if isinstance(value, str) else " ".join(value)
    return None


def _meant_to_be_welsh(node: NavigableString) -> bool:
    """False for text marked as not for translation, or as in another language."""
    translate = _nearest(node, "translate")
    if translate is not None and translate.strip().lower() == "no":
        return False
    lang = (_nearest(node, "lang") or "cy").strip().lower()
    return lang == "cy" or lang.startswith("cy-")


def untranslated_text(english_html: str, welsh_html: str) -> list[str]:
    """Text of the Welsh page that is word for word a text node of the English page.

    Ignores code-like elements, text marked translate="no" or lang="<not Welsh>", strings
    without letters, the language names in the switcher, and attribute values.
    """
    english = {text for text, _node in _text_nodes(english_html)}
    leftovers: list[str] = []
    for text, node in _text_nodes(welsh_html):
        if (
            text in english
            and text not in LANGUAGE_NAMES
            and text not in leftovers
            and any(character.isalpha() for character in text)
            and _meant_to_be_welsh(node)
        ):
            leftovers.append(text)
    return leftovers


def check_translated(english_html: str, welsh_html: str, where: str) -> None:
    leftovers = untranslated_text(english_html, welsh_html)
    assert not leftovers, f"English left on the Welsh {where}:\n" + "\n".join(
        f"    {text!r}" for text in leftovers
    )
