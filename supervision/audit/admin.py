from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supervision.audit.models import AuditEvent


def is_administrator(request: HttpRequest) -> bool:
    has_role = getattr(request.user, "has_role", None)
    return bool(request.user.is_active and has_role and has_role("administrator"))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only. Shows references, never case content."""

    list_display = ("occurred_at", "actor", "action", "target_type", "target_id", "ip_address")
    list_filter = ("action", "target_type")
    list_select_related = ("actor",)
    date_hierarchy = "occurred_at"
    fields = (
        "occurred_at",
        "actor",
        "action",
        "case_reference",
        "target_type",
        "target_id",
        "ip_address",
        "source",
        "detail",
    )
    readonly_fields = fields

    @admin.display(description=_("case"))
    def case_reference(self, obj: AuditEvent) -> str:
        return obj.case.reference if obj.case else "–"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
