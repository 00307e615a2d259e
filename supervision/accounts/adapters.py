"""django-allauth adapters: no self sign-up, and messages in our own (translated) words."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is not active."),
        "email_password_mismatch": _("Enter a correct email address and password."),
        "enter_current_password": _("Enter your current password."),
        "incorrect_code": _("The code is not correct. Check it and try again."),
        "incorrect_password": _("The password is not correct."),
        "invalid_or_expired_key": _("This link has expired or has been used already."),
        "invalid_login": _("Enter a correct email address and password."),
        "invalid_password_reset": _("This link has expired or has been used already."),
        "too_many_login_attempts": _("Too many failed attempts. Try again later."),
        "unknown_email": _("Enter the email address of your account."),
        "same_as_current": _("The new password must be different from the current one."),
        "rate_limited": _("Too many requests. Wait a minute and try again."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Administrators create accounts; nobody signs themselves up."""
        return False


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("The code is not correct. Check it and try again."),
        "cannot_delete_authenticator": _("Two-factor login cannot be turned off."),
        "cannot_generate_recovery_codes": _(
            "Set up an authenticator app before making recovery codes."
        ),
    }

    def get_totp_label(self, user: object) -> str:
        return str(getattr(user, "email", ""))


def axes_username(request: HttpRequest, credentials: dict[str, str] | None = None) -> str:
    """The sign-in name django-axes counts failures against (allauth passes it as `email`)."""
    if credentials:
        for key in ("email", "username", "login"):
            if credentials.get(key):
                return credentials[key].strip().lower()
    return str(request.POST.get("login", "")).strip().lower()
