"""Writes to accounts: inviting people and changing who can sign in."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.forms import ResetPasswordForm
from django.db import transaction
from django.http import HttpRequest

from supervision.accounts.models import Role, User, UserRole
from supervision.audit import services as audit
from supervision.audit.models import AuditAction


def user_send_password_link(*, user: User, request: HttpRequest) -> None:
    """Email the person a one-time link to set their password (also used for resets)."""
    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)


@transaction.atomic
def user_invite(
    *,
    email: str,
    full_name: str,
    roles: Iterable[str],
    invited_by: User,
    request: HttpRequest,
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
    transaction.on_commit(lambda: user_send_password_link(user=user, request=request))
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
