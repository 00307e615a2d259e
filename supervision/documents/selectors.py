"""Queries that shape the document pack page. A fixed number of queries whatever the size."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Max

from supervision.cases.models import Case
from supervision.documents.models import Document
from supervision.domain import documents as domain

DOCUMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class DocumentPack:
    page: Page[Document]  # newest first
    plan_warning: domain.PlanOlderThanConference | None


def document_pack(case: Case, *, page: int | str | None = 1) -> DocumentPack:
    documents = (
        Document.objects.filter(case=case)
        .select_related("uploaded_by__practitioner__agency")
        .order_by("-document_date", "-uploaded_at", "-pk")
    )
    # The newest date of each type that matters to the check: at most three rows.
    latest = (
        Document.objects.filter(case=case, type__in=[*domain.PLAN_TYPES, *domain.CONFERENCE_TYPES])
        .order_by()
        .values("type")
        .annotate(latest=Max("document_date"))
        .values_list("type", "latest")
    )
    return DocumentPack(
        page=Paginator(documents, DOCUMENTS_PER_PAGE).get_page(page),
        plan_warning=domain.plan_older_than_conference(latest),
    )
