"""A write to a signed-off record, from any part of it, gets one plain page (409)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from supervision.records.services import RecordLocked


class RecordLockedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RecordLocked):
            return None
        session = exception.session
        context = {"case": session.case, "found": session.request, "session": session}
        return render(request, "records/locked.html", context, status=409)
