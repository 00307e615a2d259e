from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supervision.accounts.admin import AdministratorOnly
from supervision.artefacts.models import DocxTemplate
from supervision.artefacts.rendering import TemplateProblem, check_docx_template
from supervision.audit import services as audit
from supervision.audit.models import AuditAction

#: A Word template is small; anything bigger is not one.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class DocxTemplateForm(forms.ModelForm[DocxTemplate]):
    """Refuses a file that is not a .docx or that does not fill in with sample content."""

    class Meta:
        model = DocxTemplate
        fields = ("kind", "file", "active")
        help_texts = {
            "file": _(
                "Start from the template supplied with the service: it shows every field, "
                "such as {{ title }} and {{ labels.actions }}. The template is tried with "
                "sample content before it is saved."
            ),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        kind = cleaned.get("kind")
        if upload is None or not kind or not hasattr(upload, "read"):
            return cleaned
        if upload.size is not None and upload.size > MAX_TEMPLATE_BYTES:
            self.add_error("file", gettext("The file is too big for a Word template (over 5 MB)."))
            return cleaned
        upload.seek(0)
        try:
            check_docx_template(kind, upload)
        except TemplateProblem as problem:
            self.add_error("file", str(problem))
        finally:
            upload.seek(0)
        return cleaned


@admin.register(DocxTemplate)
class DocxTemplateAdmin(AdministratorOnly, admin.ModelAdmin[DocxTemplate]):
    """Administrators replace the Word template of a kind of document. The newest active
    one is used; untick "in use" to go back to an earlier one or to the one supplied."""

    form = DocxTemplateForm
    list_display = ("kind", "uploaded_at", "uploaded_by", "active")
    list_filter = ("kind", "active")
    list_select_related = ("uploaded_by",)
    ordering = ("kind", "-uploaded_at")
    readonly_fields = ("uploaded_by", "uploaded_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A template once used stays as it was: upload a new one instead of changing it.
        if obj is not None:
            return ("kind", "file", "uploaded_by", "uploaded_at")
        return self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: DocxTemplate, form: ModelForm[DocxTemplate], change: bool
    ) -> None:
        if not change:
            obj.uploaded_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            target=obj,
            detail={"kind": obj.kind, "active": obj.active},
        )
