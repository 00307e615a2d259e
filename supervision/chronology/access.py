"""Who may write to which agency's chronology in a case."""

from __future__ import annotations

from supervision.accounts.models import User
from supervision.cases.models import Case, CaseTeamMember, Involvement, TeamRole


def is_case_social_worker(user: User, case: Case) -> bool:
    return CaseTeamMember.objects.filter(
        case=case, practitioner__user=user, role=TeamRole.SOCIAL_WORKER
    ).exists()


def writable_agency_codes(user: User, case: Case) -> frozenset[str]:
    """Agencies whose chronology `user` may add to in `case`.

    An involved practitioner writes for their own agency. The case's social worker merges
    the agencies' chronologies and may import a file on behalf of any involved agency.
    """
    involved = Involvement.objects.filter(case=case).values_list("agency__code", flat=True)
    if is_case_social_worker(user, case):
        return frozenset(code.upper() for code in involved)
    practitioner = getattr(user, "practitioner", None)
    if practitioner is None:
        return frozenset()
    own = Involvement.objects.filter(
        case=case, agency_id=practitioner.agency_id, practitioner=practitioner
    ).values_list("agency__code", flat=True)
    return frozenset(code.upper() for code in own)
