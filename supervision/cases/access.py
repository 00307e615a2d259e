"""Who may see what of a case. Every read of case data goes through this module.

Not found and not allowed are deliberately the same 404: that a child has a case at all
is sensitive information. Which cases a user may see at all is decided in one place,
`Case.objects.visible_to(user)` (exclusions, restricted cases, membership, break-glass);
this module adds the kinds of access beyond seeing, and who may manage access.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from supervision.accounts.models import Role, User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import (
    BREAK_GLASS_ROLES,
    BreakGlassGrant,
    Case,
    CaseExclusion,
    CaseTeamMember,
    RestrictedCaseMember,
    TeamRole,
)

# Who reviews emergency access afterwards: the board's quality officers (every grant) and
# agency safeguarding leads (grants to people of their own agency). Never the grantee.
BREAK_GLASS_REVIEWER_ROLES: frozenset[str] = frozenset(
    {Role.QUALITY_OFFICER, Role.SAFEGUARDING_LEAD}
)


class CaseAccess(enum.Enum):
    VIEW = "view"
    VIEW_AUDIT = "view_audit"


def _is_case_social_worker(user: User) -> Exists:
    return Exists(
        CaseTeamMember.objects.filter(
            case=OuterRef("pk"), practitioner__user=user, role=TeamRole.SOCIAL_WORKER
        )
    )


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def access_case(
    user: User, reference: str, access: CaseAccess = CaseAccess.VIEW, *, part: str = "case"
) -> Case:
    """Return the case if `user` may have `access` to it, or raise Http404; audit the read.

    VIEW: whoever `Case.objects.visible_to` lets see the case. A read allowed only by a
    break-glass grant says so in its audit row (`"basis": "break-glass"` and the grant).
    VIEW_AUDIT ("who has viewed this record"): the case's social worker, or an administrator.
    A conflict-of-interest exclusion denies both.
    `part` names what was read (the case page, its chronology, an export) in the audit row.
    """
    case: Case | None
    cases = Case.objects.select_related("local_authority").filter(reference=reference)
    detail: dict[str, object] = {"part": part, "access": access.value}
    if not _signed_in(user):
        case = None
    elif access is CaseAccess.VIEW:
        case = cases.visible_to(user).with_access_basis(user).first()
        # The annotations of with_access_basis: why this user may see the case.
        member = getattr(case, "on_involvement", True) or getattr(case, "on_team", True)
        if case is not None and not member:
            detail |= {"basis": "break-glass", "grant": getattr(case, "break_glass_grant", None)}
    else:
        cases = cases.exclude(pk__in=CaseExclusion.objects.filter(user=user).values("case_id"))
        if not user.has_role(Role.ADMINISTRATOR):
            cases = cases.filter(_is_case_social_worker(user))
        case = cases.first()
    if case is None:
        raise Http404
    audit.record(actor=user, action=AuditAction.VIEW, target=case, case=case, detail=detail)
    return case


def can_view_audit(user: User, case: Case) -> bool:
    """Whether to offer the "who has viewed this record" link (no audit row written)."""
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return case.team.filter(practitioner__user=user, role=TeamRole.SOCIAL_WORKER).exists()


# --- Restriction and exclusions ----------------------------------------------------------


def can_manage_access(user: User, case: Case) -> bool:
    """Who may restrict a case, name people on it and record exclusions: an administrator
    (through the administration pages, which show the case's reference only) or the
    case's own social worker, unless excluded from it."""
    if not _signed_in(user):
        return False
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return (
        Case.objects.filter(pk=case.pk)
        .filter(_is_case_social_worker(user))
        .exclude(pk__in=CaseExclusion.objects.filter(user=user).values("case_id"))
        .exists()
    )


# --- Break-glass -------------------------------------------------------------------------


def can_break_glass(user: User) -> bool:
    """Whether the user holds a role that may ask for emergency access at all."""
    return _signed_in(user) and bool(user.role_set() & BREAK_GLASS_ROLES)


class Refusal(enum.Enum):
    """Why emergency access was refused: for the audit row only. The user is given the
    same answer for every one of them, so that the answer never says a case exists."""

    ROLE = "role"
    NOT_FOUND = "not found"
    EXCLUDED = "excluded"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class BreakGlassDecision:
    case: Case | None  # the case the reference names, if there is one (for the audit row)
    refusal: Refusal | None  # None: emergency access may be given

    @property
    def allowed(self) -> bool:
        return self.refusal is None and self.case is not None


def break_glass_decision(user: User, reference: str) -> BreakGlassDecision:
    """May `user` be given emergency access to the case with this reference? Never to a
    restricted case they are not named on, never with an exclusion, only for an eligible
    role (BREAK_GLASS_ROLES). Two queries at most; reads no case content."""
    if not can_break_glass(user):
        return BreakGlassDecision(None, Refusal.ROLE)
    case = (
        Case.objects.filter(reference=reference.strip().upper())
        .annotate(
            excluded=Exists(CaseExclusion.objects.filter(case=OuterRef("pk"), user=user)),
            named=Exists(RestrictedCaseMember.objects.filter(case=OuterRef("pk"), user=user)),
        )
        .first()
    )
    if case is None:
        return BreakGlassDecision(None, Refusal.NOT_FOUND)
    if getattr(case, "excluded", True):
        return BreakGlassDecision(case, Refusal.EXCLUDED)
    if case.restricted and not getattr(case, "named", False):
        return BreakGlassDecision(case, Refusal.RESTRICTED)
    return BreakGlassDecision(case, None)


def can_review_break_glass(user: User) -> bool:
    return _signed_in(user) and bool(user.role_set() & BREAK_GLASS_REVIEWER_ROLES)


def break_glass_grants_to_review(user: User) -> QuerySet[BreakGlassGrant]:
    """Unreviewed grants this user may review: every one for a quality officer, those
    given to people of their own agency for a safeguarding lead. Their own grants are in
    the list (so they know they are waiting) but `can_review_grant` refuses them."""
    if not can_review_break_glass(user):
        return BreakGlassGrant.objects.none()
    grants = BreakGlassGrant.objects.filter(reviewed_at__isnull=True)
    if user.has_role(Role.QUALITY_OFFICER):
        return grants
    return grants.filter(user__practitioner__agency__practitioners__user=user)


def can_review_grant(user: User, grant: BreakGlassGrant) -> bool:
    """A grant is reviewed by a second person, never by the person it was given to."""
    return can_review_break_glass(user) and grant.user_id != user.pk
