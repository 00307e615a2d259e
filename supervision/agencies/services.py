"""Writes to agencies and practitioners."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from supervision.accounts import services as account_services
from supervision.accounts.models import User
from supervision.agencies.models import Agency, Practitioner
from supervision.audit import services as audit
from supervision.audit.models import AuditAction


@transaction.atomic
def practitioner_invite(
    *,
    email: str,
    full_name: str,
    agency: Agency,
    job_title: str,
    preferred_language: str,
    roles: Iterable[str],
    invited_by: User,
) -> Practitioner:
    """Add a person: an account with no password, their agency and job, and an emailed link."""
    user = account_services.user_invite(
        email=email,
        full_name=full_name,
        roles=roles,
        invited_by=invited_by,
        language=preferred_language,
    )
    practitioner = Practitioner.objects.create(
        user=user, agency=agency, job_title=job_title, preferred_language=preferred_language
    )
    audit.record(actor=invited_by, action=AuditAction.CREATE, target=practitioner)
    return practitioner
