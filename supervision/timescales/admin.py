from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from supervision.accounts.admin import AdministratorOnly
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.timescales.models import NonWorkingDay, NonWorkingDayKind


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(AdministratorOnly, admin.ModelAdmin[NonWorkingDay]):
    """Administrators add local closure days here. Bank holidays are seeded and read-only."""

    list_display = ("date", "kind", "title_en", "title_cy", "agency")
    list_filter = ("kind",)
    list_select_related = ("agency",)
    date_hierarchy = "date"
    search_fields = ("title_en", "title_cy")
    ordering = ("-date",)
    readonly_fields = ("kind",)  # new rows are local closure days (the model default)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.kind == NonWorkingDayKind.LOCAL_CLOSURE
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # AdministratorOnly forbids deletion; a mistaken closure day may be removed.
        return self.has_change_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would reach bank holidays
        return actions

    def save_model(
        self, request: HttpRequest, obj: NonWorkingDay, form: ModelForm[NonWorkingDay], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            target=obj,
        )

    def delete_model(self, request: HttpRequest, obj: NonWorkingDay) -> None:
        audit.record(actor=request.user, action=AuditAction.DELETE, target=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)
