from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from supervision.accounts.admin import AdministratorOnly
from supervision.chronology.models import Theme


@admin.register(Theme)
class ThemeAdmin(AdministratorOnly, admin.ModelAdmin[Theme]):
    """The chronology themes, in English and Welsh. Administrators add and retire themes;
    a theme in use is retired (made inactive) rather than deleted."""

    list_display = ("name_en", "name_cy", "code", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_en", "name_cy", "code")
    ordering = ("name_en",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code",) if obj is not None else ()
