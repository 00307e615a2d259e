from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supervision.accounts.admin import AdministratorOnly
from supervision.accounts.models import Role, User
from supervision.agencies import services
from supervision.agencies.models import Agency, Practitioner


@admin.register(Agency)
class AgencyAdmin(AdministratorOnly, admin.ModelAdmin[Agency]):
    list_display = ("name_en", "name_cy", "type", "is_active")
    list_filter = ("type", "is_active")
    search_fields = ("name_en", "name_cy", "code")


class PractitionerInviteForm(forms.ModelForm[Practitioner]):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Role.PRACTITIONER],
    )

    class Meta:
        model = Practitioner
        fields = ("agency", "job_title", "preferred_language")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this email address."))
        return email


@admin.register(Practitioner)
class PractitionerAdmin(AdministratorOnly, admin.ModelAdmin[Practitioner]):
    list_display = ("__str__", "agency", "job_title", "preferred_language")
    list_filter = ("agency", "preferred_language")
    search_fields = ("user__full_name", "user__email", "job_title")
    list_select_related = ("user", "agency")

    def get_form(  # type: ignore[override]
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = PractitionerInviteForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("email", "full_name", "roles", "agency", "job_title", "preferred_language")
        return ("user", "agency", "job_title", "preferred_language")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else ("user",)

    def save_model(self, request: HttpRequest, obj: Practitioner, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        invited = services.practitioner_invite(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            agency=form.cleaned_data["agency"],
            job_title=form.cleaned_data["job_title"],
            preferred_language=form.cleaned_data["preferred_language"],
            roles=form.cleaned_data["roles"],
            invited_by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = invited.pk
        obj.user = invited.user
        obj._state.adding = False
        obj._state.db = invited._state.db
        messages.info(request, _("We have emailed a link to set a password."))
