"""Who may see what of a case. Every read of case data goes through this module.

Not found and not allowed are deliberately the same 404: that a child has a case at all
is sensitive information.
"""

from __future__ import annotations

import enum

from django.db.models import Exists, OuterRef
from django.http import Http404

from supervision.accounts.models import Role, User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import Case, CaseTeamMember, TeamRole


class CaseAccess(enum.Enum):
    VIEW = "view"
    VIEW_AUDIT = "view_audit"


def _is_case_social_worker(user: User) -> Exists:
    return Exists(
        CaseTeamMember.objects.filter(
            case=OuterRef("pk"), practitioner__user=user, role=TeamRole.SOCIAL_WORKER
        )
    )


def access_case(
    user: User, reference: str, access: CaseAccess = CaseAccess.VIEW, *, part: str = "case"
) -> Case:
    """Return the case if `user` may have `access` to it, or raise Http404; audit the read.

    VIEW: a practitioner named on an involvement, or a member of the case team.
    VIEW_AUDIT ("who has viewed this record"): the case's social worker, or an administrator.
    `part` names what was read (the case page, its chronology, an export) in the audit row.
    """
    case: Case | None
    cases = Case.objects.select_related("local_authority").filter(reference=reference)
    if access is CaseAccess.VIEW:
        case = cases.visible_to(user).first()
    elif user.is_authenticated and user.is_active and user.has_role(Role.ADMINISTRATOR):
        case = cases.first()
    elif user.is_authenticated and user.is_active:
        case = cases.filter(_is_case_social_worker(user)).first()
    else:
        case = None
    if case is None:
        raise Http404
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        target=case,
        case=case,
        detail={"part": part, "access": access.value},
    )
    return case


def can_view_audit(user: User, case: Case) -> bool:
    """Whether to offer the "who has viewed this record" link (no audit row written)."""
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return case.team.filter(practitioner__user=user, role=TeamRole.SOCIAL_WORKER).exists()
