"""Who may ask for, decide on and oversee supervision requests."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from supervision.accounts.models import Role, User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import Case, Involvement
from supervision.meetings.models import Invitation, RequestStatus, SupervisionRequest


def can_request(user: User, case: Case) -> bool:
    """Any practitioner involved with the family may ask for a supervision (R29)."""
    practitioner = getattr(user, "practitioner", None)
    if practitioner is None:
        return False
    return (
        Involvement.objects.filter(case=case, practitioner=practitioner).exists()
        or case.team.filter(practitioner=practitioner).exists()
    )


def is_chair(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(Role.CHAIR))


def access_request_to_decide(user: User, code: UUID) -> SupervisionRequest:
    """A request waiting for a chair, opened by a chair to decide on it; audited.

    Chairs see the request (not the case) until they accept it and join the case team.
    """
    if not is_chair(user):
        raise Http404
    request = (
        SupervisionRequest.objects.select_related("case", "requester_agency", "requested_by")
        .filter(code=code, status=RequestStatus.SUBMITTED)
        .first()
    )
    if request is None:
        raise Http404
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        target=request,
        case=request.case,
        detail={"part": "request to decide"},
    )
    return request


def request_of_case(case: Case, code: UUID) -> SupervisionRequest:
    """A request of a case the user has already been given (through access_case)."""
    found = (
        SupervisionRequest.objects.select_related("requester_agency", "requested_by", "chair")
        .filter(case=case, code=code)
        .first()
    )
    if found is None:
        raise Http404
    return found


def is_request_chair(user: User, request: SupervisionRequest) -> bool:
    return request.chair_id is not None and request.chair_id == user.pk


def access_invitation(user: User, code: UUID) -> Invitation:
    """An invitation, opened by the person invited; audited. Others get 404."""
    invitation = (
        Invitation.objects.select_related("session__request", "session__case", "agency")
        .filter(code=code, practitioner__user=user)
        .first()
    )
    if invitation is None:
        raise Http404
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        target=invitation,
        case=invitation.session.case,
        detail={"part": "invitation"},
    )
    return invitation
