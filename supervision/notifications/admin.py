"""The outbox in Administration: read-only, for administrators, without message content.

The body is not shown: it may hold a one-time link that would let whoever reads it set
the recipient's password. Cases appear by reference only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supervision.notifications.models import OutboxMessage


def is_administrator(request: HttpRequest) -> bool:
    has_role = getattr(request.user, "has_role", None)
    return bool(request.user.is_active and has_role and has_role("administrator"))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = (
        "created_at",
        "kind",
        "to",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "kind")
    search_fields = ("to",)
    date_hierarchy = "created_at"
    fields = (
        "code",
        "created_at",
        "kind",
        "language",
        "to",
        "subject",
        "case_reference",
        "related_type",
        "related_id",
        "calendar_method",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("body", "calendar")

    @admin.display(description=_("case"))
    def case_reference(self, obj: OutboxMessage) -> str:
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
