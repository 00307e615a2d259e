"""Data protection pages: the privacy notice, subject access exports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: public, in English and Welsh."""
    return render(request, "dataprotection/privacy.html")
