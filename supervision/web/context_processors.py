"""Values every page's layout needs: demo banner, language switch links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def layout(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    return {
        "demo_mode": settings.DEMO_MODE,
        "language_links": [
            {
                "code": "en",
                "label": "English",
                "href": translate_url(path, "en-gb"),
                "current": not current.startswith("cy"),
            },
            {
                "code": "cy",
                "label": "Cymraeg",
                "href": translate_url(path, "cy"),
                "current": current.startswith("cy"),
            },
        ],
        "html_lang": "cy" if current.startswith("cy") else "en-GB",
        "is_chair": _has_role(request, "chair"),
        "is_data_protection_officer": _has_role(request, "data_protection_officer"),
    }


def _has_role(request: HttpRequest, role: str) -> bool:
    """Roles are read once per request (User.has_role caches them)."""
    user = getattr(request, "user", None)
    has_role = getattr(user, "has_role", None)
    return bool(has_role and has_role(role))
