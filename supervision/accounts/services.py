"""Writes to accounts: inviting people and changing who can sign in."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from supervision.accounts.models import Role, User, UserRole
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.notifications.models import OutboxMessage
from supervision.notifications.services import email_queue


def user_send_password_link(*, user: User, language: str = "en") -> OutboxMessage:
    """Email the person a one-time link to set their password, in their language.

    The link is allauth's password reset link: it works once, and it expires when the
    password changes. The email names no case and no person other than the recipient.
    It goes through the outbox, in the caller's transaction.
    """
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    with translation.override(language):
        context = {"password_reset_url": settings.SITE_URL.rstrip("/") + path}
        subject = render_to_string("account/email/password_reset_key_subject.txt", context)
        body = render_to_string("account/email/password_reset_key_message.txt", context)
    return email_queue(
        to=user.email,
        subject=" ".join(subject.split()),
        body=body,
        kind="password_link",
        language=language,
        related=user,
    )


@transaction.atomic
def user_invite(
    *,
    email: str,
    full_name: str,
    roles: Iterable[str],
    invited_by: User,
    language: str = "en",
) -> User:
    """Create an account with no password and email the person a link to set one."""
    user = User.objects.create_user(email=email, full_name=full_name)
    role_set = set(roles)
    UserRole.objects.bulk_create(UserRole(user=user, role=role) for role in sorted(role_set))
    if Role.ADMINISTRATOR in role_set:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit.record(
        actor=invited_by,
        action=AuditAction.CREATE,
        target=user,
        detail={"roles": sorted(role_set)},
    )
    user_send_password_link(user=user, language=language)
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, changed_by: User) -> User:
    """Deactivate or reactivate an account. A deactivated account's sessions end at once."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=changed_by,
        action=AuditAction.UPDATE,
        target=user,
        detail={"is_active": active},
    )
    return user
