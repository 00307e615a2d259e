"""Every page that follows a session, in English and then in Welsh, in a real browser:
axe finds nothing, and nothing but the users' own words is left in English."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from supervision.accounts.models import User
from supervision.artefacts.models import Artefact
from supervision.artefacts.services import artefact_approve, artefacts_prepare
from supervision.conftest import give_totp
from supervision.distribution.services import distribution_send_to_attendees
from supervision.followup.services import review_start
from supervision.web.tests.browser import sign_in
from supervision.web.tests.test_browser_pages import Sweep

pytestmark = pytest.mark.browser


def as_user(page: Page, live_server: Any, user: User) -> None:
    Authenticator.objects.filter(user=user).delete()
    page.context.clear_cookies()
    sign_in(page, live_server, user, give_totp(user))


def test_the_pages_after_a_session_in_english_and_welsh(
    page: Page, live_server: Any, cast, signed_off
) -> None:
    from django.utils import timezone

    chair = cast.chair
    artefacts_prepare(session=signed_off, by=chair)
    minutes = Artefact.objects.get(session=signed_off, kind="minutes")
    assert minutes.files.filter(status="done").count() == 4
    artefact_approve(artefact=minutes, by=chair)
    distribution_send_to_attendees(
        artefact=Artefact.objects.get(session=signed_off, kind="actions"), by=chair
    )
    review, _ = review_start(session=signed_off, by=chair, today=timezone.localdate())
    base = f"/cases/{signed_off.case.reference}/requests/{signed_off.request.code}/"
    review_page = f"/cases/{signed_off.case.reference}/requests/{review.new_request.code}/review/"

    sweep = Sweep(page)
    as_user(page, live_server, chair)
    for path, heading in [
        (base, None),
        (f"{base}record/summary/", "Chair summary and sign-off"),
        (f"{base}documents/", "Session documents"),
        (f"{base}distribution/", None),
        (f"{base}case-file/", None),
        (f"{base}feedback/results/", None),
        (review_page, None),
        ("/dashboard/", None),
        ("/dashboard/sessions/", None),
    ]:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        sweep.english_then_welsh(path)

    as_user(page, live_server, cast.social_worker)
    for path in (f"{base}feedback/", "/dashboard/"):
        page.goto(path)
        sweep.english_then_welsh(path)

    as_user(page, live_server, cast.quality_officer)
    page.goto("/dashboard/quality/")
    sweep.english_then_welsh("quality figures")
    sweep.done()
