"""Signing in: email and password, two-factor, lockout, session limits, deactivation."""

from __future__ import annotations

import datetime
import re
import time

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from supervision.accounts import services
from supervision.accounts.models import User
from supervision.audit.models import AuditEvent
from supervision.conftest import DEMO_PASSWORD, give_totp

pytestmark = pytest.mark.django_db

SW_EMAIL = "sioned.price@cs.example"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email: str, password: str = DEMO_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_then_code_signs_in(client, demo_case):
    secret = give_totp(User.objects.get(email=SW_EMAIL))
    response = sign_in(client, SW_EMAIL)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # Half signed in: the password alone opens nothing.
    assert client.get(reverse("cases:my_cases")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    page = client.get(reverse("cases:my_cases"))
    assert page.status_code == 200
    assert "Harries/Walsh" in page.content.decode()


def test_wrong_code_is_refused_with_a_message(client, demo_case):
    give_totp(User.objects.get(email=SW_EMAIL))
    sign_in(client, SW_EMAIL)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert client.get(reverse("cases:my_cases")).status_code == 302


def test_wrong_password_keeps_the_email_and_says_what_is_wrong(client, demo_case):
    response = sign_in(client, SW_EMAIL, "not-the-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct email address and password." in body
    assert f'value="{SW_EMAIL}"' in body
    assert "govuk-error-summary" in body


def test_account_without_two_factor_must_set_it_up_before_anything_else(client, demo_case):
    response = sign_in(client, SW_EMAIL)
    assert response.status_code == 302
    for url in (reverse("cases:my_cases"), demo_case.get_absolute_url(), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
    # Changing sign-in security asks for the password again first.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )


def test_setting_up_two_factor_then_opens_the_service(client, demo_case):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    sign_in(client, SW_EMAIL)
    client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert "Set up two-factor login" in page.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("cases:my_cases")).status_code == 200


@override_settings(REQUIRE_TWO_FACTOR=False)
def test_demo_mode_does_not_require_two_factor(client, demo_case):
    sign_in(client, SW_EMAIL)
    assert client.get(reverse("cases:my_cases")).status_code == 200


def test_nobody_can_sign_themselves_up(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.person@agency.example", "password1": "a long password 123"},
    )
    assert not User.objects.filter(email="new.person@agency.example").exists()
    assert "Accounts are created by administrators" in response.content.decode()


def test_repeated_failures_lock_the_account(client, demo_case):
    secret = give_totp(User.objects.get(email=SW_EMAIL))
    for _attempt in range(5):
        sign_in(client, SW_EMAIL, "wrong password")
    cache.clear()  # allauth's short rate limit lapses; the lockout is kept in the database
    response = sign_in(client, SW_EMAIL)  # the right password, too late
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}).status_code
    assert client.get(reverse("cases:my_cases")).status_code == 302


def test_sessions_end_after_30_minutes_idle(client, cast):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(cast.social_worker)
        assert client.get(reverse("cases:my_cases")).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("cases:my_cases")).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("cases:my_cases"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session


def test_sessions_end_after_12_hours_however_active(client, cast):
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(cast.social_worker)
        for _step in range(29):  # every 25 minutes, up to 12 hours 5 minutes
            assert client.get(reverse("cases:my_cases")).status_code == 200
            clock.shift(datetime.timedelta(minutes=25))
        assert client.get(reverse("cases:my_cases")).status_code == 302


def test_deactivating_an_account_ends_its_session_at_the_next_request(client, cast):
    client.force_login(cast.involved)
    demo_case_url = cast_case_url(cast)
    assert client.get(demo_case_url).status_code == 200
    services.user_set_active(user=cast.involved, active=False, changed_by=cast.administrator)
    response = client.get(demo_case_url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def cast_case_url(cast) -> str:
    from supervision.cases.models import Case

    return Case.objects.visible_to(cast.involved).get().get_absolute_url()


def test_administrator_invites_a_practitioner_who_sets_a_password_from_the_email(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.administrator)
    agency = cast.involved.practitioner.agency
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:agencies_practitioner_add"),
            {
                "email": "new.visitor@hv.example",
                "full_name": "Elin Fictional",
                "roles": ["practitioner"],
                "agency": agency.pk,
                "job_title": "Health Visitor",
                "preferred_language": "cy",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(email="new.visitor@hv.example")
    assert not person.has_usable_password()
    assert person.practitioner.agency == agency
    assert AuditEvent.objects.filter(target_type="accounts.user", target_id=str(person.pk))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.visitor@hv.example"]
    assert "Harries" not in message.body  # no case details in email
    link = re.search(r"https?://[^\s]+/password/reset/key/[^\s]+", str(message.body)).group(0)

    client.logout()
    page = client.get(link, follow=True)
    assert "Choose a password" in page.content.decode()
    new_password = "three unrelated words 42"
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new_password)


def test_admin_login_form_is_replaced_by_the_two_factor_sign_in(client, cast):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # A signed-in person cannot use the admin's form to become someone else.
    client.force_login(cast.involved)
    response = client.post(
        reverse("admin:login"),
        {"username": cast.administrator.email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 403
    assert int(client.session["_auth_user_id"]) == cast.involved.pk
