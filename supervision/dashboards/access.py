"""Who sees which dashboard. Everyone signed in has their own; chairs and agency
safeguarding leads see sessions and their deadlines; the board's quality officer sees
aggregate figures only (no names, no case references)."""

from __future__ import annotations

from django.db.models import QuerySet

from supervision.accounts.models import Role, User
from supervision.cases.models import Involvement
from supervision.meetings.models import SupervisionSession


def can_see_sessions(user: User) -> bool:
    return user.has_role(Role.CHAIR) or user.has_role(Role.SAFEGUARDING_LEAD)


def can_see_quality(user: User) -> bool:
    """The safeguarding board's quality officer only: administrators manage accounts and
    settings, not service figures."""
    return user.has_role(Role.QUALITY_OFFICER)


def sessions_for_oversight(user: User) -> QuerySet[SupervisionSession]:
    """Chairs oversee every session (they share the chairing); an agency safeguarding lead
    the sessions of cases their agency is involved in, now or before."""
    sessions = SupervisionSession.objects.all()
    if user.has_role(Role.CHAIR):
        return sessions
    practitioner = getattr(user, "practitioner", None)
    if user.has_role(Role.SAFEGUARDING_LEAD) and practitioner is not None:
        involved = Involvement.objects.filter(agency_id=practitioner.agency_id)
        return sessions.filter(case_id__in=involved.values("case_id"))
    return sessions.none()
