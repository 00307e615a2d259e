"""Administration of accounts. Administrators manage accounts and settings, not case content."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin as BaseTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from supervision.accounts import services
from supervision.accounts.models import Role, User, UserRole


def is_administrator(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and isinstance(user, User) and user.has_role(Role.ADMINISTRATOR))


class AdministratorOnly:
    """Admin pages open to users holding the administrator role."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UserRoleInline(AdministratorOnly, admin.TabularInline[UserRole, User]):
    model = UserRole
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)


@admin.register(User)
class UserAdmin(AdministratorOnly, admin.ModelAdmin[User]):
    list_display = ("full_name", "email", "is_active", "last_login")
    list_filter = ("is_active", "roles__role")
    search_fields = ("full_name", "email")
    ordering = ("full_name",)
    readonly_fields = ("last_login", "date_joined")
    actions = ("send_password_link", "deactivate", "reactivate")

    fields = ("email", "full_name", "is_active", "last_login", "date_joined")
    inlines = (UserRoleInline,)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        """People are added as practitioners (Agencies > Practitioners), with their agency."""
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        was_active = User.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first()
        super().save_model(request, obj, form, change)
        if was_active is not None and was_active != obj.is_active:
            services.user_set_active(user=obj, active=obj.is_active, changed_by=request.user)  # type: ignore[arg-type]

    @admin.action(description=_("Email a link to set a password"))
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            language = getattr(getattr(user, "practitioner", None), "preferred_language", "en")
            services.user_send_password_link(user=user, language=language)

    @admin.action(description=_("Deactivate (ends their sessions)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_set_active(user=user, active=False, changed_by=request.user)  # type: ignore[arg-type]

    @admin.action(description=_("Reactivate"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_set_active(user=user, active=True, changed_by=request.user)  # type: ignore[arg-type]


# Administrators work with accounts, agencies and settings only. Groups and email records
# are not used; authenticators and lockouts are managed here so a lost phone or a locked
# account can be dealt with.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)
admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)
admin.site.unregister(DBTaskResult)


class ReadAndRemoveOnly(AdministratorOnly):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadAndRemoveOnly, admin.ModelAdmin[Authenticator]):
    """Removing a person's authenticator makes them set up two-factor login again."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email", "user__full_name")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadAndRemoveOnly, admin.ModelAdmin[AccessAttempt]):
    """Removing a lockout lets the person try to sign in again."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start")
    search_fields = ("username", "ip_address")
    fields = ("attempt_time", "username", "ip_address", "failures_since_start")
    readonly_fields = fields


@admin.register(DBTaskResult)
class TaskResultAdmin(AdministratorOnly, BaseTaskResultAdmin):
    """Background work (imports, exports, emails), read-only: arguments are record ids."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
