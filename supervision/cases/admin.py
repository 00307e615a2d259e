"""Administration of who may see a case: restriction, the people named on a restricted
case, and conflict-of-interest exclusions. Administrators see a case only as its reference,
never its family or records, and every change goes through supervision.cases.services (so
it is checked and audited). Emergency access is not here: a second person reviews it on
the service's review page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supervision.accounts.admin import AdministratorOnly, is_administrator
from supervision.accounts.models import User
from supervision.cases import services
from supervision.cases.models import (
    Case,
    CaseExclusion,
    CaseRestriction,
    RestrictedCaseMember,
)


class _ByReferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    """Adds a row for a case typed as its reference (no list of families to pick from)."""

    case_reference = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        help_text=_("For example ABCDE-12345."),
    )

    def clean_case_reference(self) -> str:
        reference: str = self.cleaned_data["case_reference"].strip().upper()
        case = Case.objects.filter(reference=reference).only("pk", "reference").first()
        if case is None:
            raise forms.ValidationError(_("No case has this reference"))
        self.instance.case = case
        return reference


class CaseExclusionForm(_ByReferenceForm):
    class Meta:
        model = CaseExclusion
        fields = ("user", "reason")


class RestrictedCaseMemberForm(_ByReferenceForm):
    class Meta:
        model = RestrictedCaseMember
        fields = ("user", "reason")


class _ByReferenceAdmin(AdministratorOnly):
    """Rows are added and removed, never changed: a change is a removal and a new row."""

    list_select_related: Any = ("case", "user")
    raw_id_fields: Any = ("user",)
    search_fields: Any = ("case__reference", "user__email", "user__full_name")
    add_fields: tuple[str, ...] = ("case_reference", "user", "reason")
    shown_fields: tuple[str, ...] = ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["form"] = self.form  # type: ignore[attr-defined]
            kwargs["fields"] = ("user", "reason")
        return super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.add_fields if obj is None else self.shown_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else self.shown_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    @admin.display(description=_("case reference"), ordering="case__reference")
    def case_reference(self, obj: Any) -> str:
        return str(obj.case.reference)


@admin.register(CaseExclusion)
class CaseExclusionAdmin(_ByReferenceAdmin, admin.ModelAdmin[CaseExclusion]):
    form = CaseExclusionForm
    list_display = ("case_reference", "user", "recorded_by", "recorded_at")
    shown_fields = ("case_reference", "user", "reason", "recorded_by", "recorded_at")

    def save_model(self, request: HttpRequest, obj: CaseExclusion, form: Any, change: bool) -> None:
        saved = services.case_exclusion_add(
            case=obj.case, user=obj.user, reason=obj.reason, by=_user(request)
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CaseExclusion) -> None:
        services.case_exclusion_remove(exclusion=obj, by=_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CaseExclusion]) -> None:
        for exclusion in queryset.select_related("case"):
            services.case_exclusion_remove(exclusion=exclusion, by=_user(request))


@admin.register(RestrictedCaseMember)
class RestrictedCaseMemberAdmin(_ByReferenceAdmin, admin.ModelAdmin[RestrictedCaseMember]):
    form = RestrictedCaseMemberForm
    list_display = ("case_reference", "user", "added_by", "added_at")
    shown_fields = ("case_reference", "user", "reason", "added_by", "added_at")

    def save_model(
        self, request: HttpRequest, obj: RestrictedCaseMember, form: Any, change: bool
    ) -> None:
        saved = services.restricted_member_add(
            case=obj.case, user=obj.user, reason=obj.reason, by=_user(request)
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: RestrictedCaseMember) -> None:
        services.restricted_member_remove(member=obj, by=_user(request))

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[RestrictedCaseMember]
    ) -> None:
        for member in queryset.select_related("case"):
            services.restricted_member_remove(member=member, by=_user(request))


@admin.register(CaseRestriction)
class CaseRestrictionAdmin(AdministratorOnly, admin.ModelAdmin[CaseRestriction]):
    """Restrict a case, or lift the restriction. Shows the reference and nothing else."""

    list_display = ("reference", "restricted")
    list_filter = ("restricted",)
    search_fields = ("=reference",)
    ordering = ("reference",)
    fields = ("reference", "restricted", "named")
    readonly_fields = ("reference", "named")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseRestriction]:
        return super().get_queryset(request).only("pk", "reference", "restricted")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    @admin.display(description=_("people named"))
    def named(self, obj: CaseRestriction) -> str:
        names = RestrictedCaseMember.objects.filter(case=obj).values_list(
            "user__full_name", flat=True
        )
        return ", ".join(names) or "–"

    def save_model(
        self, request: HttpRequest, obj: CaseRestriction, form: Any, change: bool
    ) -> None:
        if "restricted" not in form.changed_data:
            return
        if obj.restricted:
            services.case_restrict(case=obj, by=_user(request))
        else:
            services.case_unrestrict(case=obj, by=_user(request))


def _user(request: HttpRequest) -> User:
    """The administrator (AdministratorOnly let only a signed-in User this far)."""
    return cast(User, request.user)
