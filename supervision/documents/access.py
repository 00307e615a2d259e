"""Who may do what with a case's document pack.

Everyone who may open the case (supervision.cases.access.access_case) sees the pack and
downloads its documents. Only the case's social worker adds documents (R35).
"""

from __future__ import annotations

from supervision.accounts.models import User
from supervision.cases.models import Case, CaseTeamMember, TeamRole


def can_upload(user: User, case: Case) -> bool:
    return CaseTeamMember.objects.filter(
        case=case, practitioner__user=user, role=TeamRole.SOCIAL_WORKER
    ).exists()
