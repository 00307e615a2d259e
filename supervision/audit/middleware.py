"""Carry "from where" (the client address) to audit.record() for the current request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from supervision.audit import context


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_origin(
            context.Origin(ip_address=request.META.get("REMOTE_ADDR"), source="web")
        )
        try:
            return self.get_response(request)
        finally:
            context.reset_origin(token)
