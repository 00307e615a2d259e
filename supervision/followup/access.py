"""Who may start a review and write where we are now.

Reading the review page is for any member of the case (through access_case). Starting a
review is for the chair of the request whose session is reviewed; writing where we are now
is for the writers of the review: its chair and the case's social worker.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.chronology.access import is_case_social_worker
from supervision.followup.models import ReviewLink
from supervision.meetings.access import is_request_chair, request_of_case
from supervision.meetings.models import SupervisionSession


def review_of_request(case: Case, code: UUID) -> ReviewLink:
    """The review that a request of the case (already given through access_case) is; 404
    when the request is not a review of an earlier session."""
    found = request_of_case(case, code)
    link = (
        ReviewLink.objects.select_related(
            "new_request__chair", "previous_session__request", "previous_session__case"
        )
        .filter(new_request=found)
        .first()
    )
    if link is None:
        raise Http404
    return link


def can_start_review(user: User, session: SupervisionSession) -> bool:
    """The chair of the session's request starts its review."""
    return is_request_chair(user, session.request)


def can_write_review(user: User, review: ReviewLink) -> bool:
    """The review's chair or the case's social worker records where we are now."""
    return is_request_chair(user, review.new_request) or is_case_social_worker(
        user, review.previous_session.case
    )
