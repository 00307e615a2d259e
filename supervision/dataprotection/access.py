"""Who may use the data protection pages: the data protection officer role, and no one else.

Case access does not apply here: answering a subject access request is a legal duty of the
controller, not a case activity, so the officer reads what is held about the subject
without being on the case. Every export is audited instead (EXPORT, with the reason and the
request reference). An export is seen and downloaded only by the officer who asked for it.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supervision.accounts.models import Role, User
from supervision.dataprotection.models import SubjectAccessExport


def is_data_protection_officer(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_role(Role.DATA_PROTECTION_OFFICER)
    )


def require_data_protection_officer(user: User) -> None:
    """Raise PermissionDenied (403) for anyone but a data protection officer."""
    if not is_data_protection_officer(user):
        raise PermissionDenied


def own_export(user: User, code: UUID) -> SubjectAccessExport:
    """The export `code` if `user` asked for it; otherwise the same 404 as for no export."""
    found = (
        SubjectAccessExport.objects.select_related("person__case", "user", "requested_by")
        .filter(code=code, requested_by=user)
        .first()
    )
    if found is None:
        raise Http404
    return found
