"""Writes to supervision requests: asking, deciding, and asking agencies for chronologies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar
import yaml
from django.conf import settings
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from supervision.accounts.models import Role, User
from supervision.agencies.models import Agency, Practitioner
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import Case, CaseTeamMember, Involvement, TeamRole
from supervision.cases.services import DEMO_DIR, demo_email
from supervision.chronology import services as chronology_services
from supervision.chronology.models import AgencyChronology, ChronologyStatus
from supervision.domain import chronology as domain
from supervision.meetings.models import (
    Invitation,
    InvitationBasis,
    ReminderSent,
    RequestStatus,
    SessionStatus,
    SessionType,
    SupervisionRequest,
    SupervisionSession,
)
from supervision.notifications.services import email_queue
from supervision.timescales.calendars import working_calendar


@dataclass(frozen=True)
class SharingBasis:
    agreement: str
    lawful_basis: str
    special_category_condition: str
    consent_status: str
    consent_reason: str


@transaction.atomic
def request_create(
    *,
    case: Case,
    requested_by: User,
    reasons: Sequence[str],
    question: str,
    session_type: str,
    period: domain.Period,
    period_reason: str,
    sharing: SharingBasis,
    today: date,
) -> SupervisionRequest:
    """Any involved practitioner asks for a supervision (R29)."""
    if domain.period_needs_reason(period, today) and not period_reason.strip():
        raise ValueError("A chronology period longer than 12 months needs a reason.")
    request = SupervisionRequest.objects.create(
        case=case,
        requested_by=requested_by,
        requester_agency=requested_by.practitioner.agency,
        requested_on=today,
        reasons=list(reasons),
        question=question,
        session_type=session_type,
        period_start=period.start,
        period_end=period.end,
        period_reason=period_reason,
        sharing_agreement=sharing.agreement,
        lawful_basis=sharing.lawful_basis,
        special_category_condition=sharing.special_category_condition,
        consent_status=sharing.consent_status,
        consent_reason=sharing.consent_reason,
    )
    audit.record(
        actor=requested_by,
        action=AuditAction.CREATE,
        target=request,
        case=case,
        detail={"reasons": list(reasons), "session_type": session_type},
    )
    for chair in User.objects.filter(is_active=True, roles__role=Role.CHAIR).select_related(
        "practitioner"
    ):
        _send(
            user=chair,
            template="request_waiting",
            context={"link": _link("request_decide", _language(chair), code=request.code)},
            case=case,
            related=request,
        )
    return request


@transaction.atomic
def request_accept(*, request: SupervisionRequest, chair: User) -> SupervisionRequest:
    """A chair takes the request: joins the case team and, for a multi-agency supervision,
    asks every involved agency, current and previous, for its chronology (R30, R36)."""
    request.status = RequestStatus.ACCEPTED
    request.chair = chair
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "chair", "decided_at"])
    CaseTeamMember.objects.get_or_create(
        case=request.case, practitioner=chair.practitioner, role=TeamRole.CHAIR
    )
    audit.record(
        actor=chair,
        action=AuditAction.UPDATE,
        target=request,
        case=request.case,
        detail={"status": "accepted"},
    )
    if request.session_type == SessionType.MULTI_AGENCY:
        period = domain.Period(request.period_start, request.period_end)
        agency_ids = Involvement.objects.filter(case=request.case).values_list(
            "agency_id", flat=True
        )
        for agency in Agency.objects.filter(pk__in=agency_ids).order_by("name_en"):
            request.chronologies.add(
                chronology_services.agency_chronology_request(
                    case=request.case, agency=agency, period=period, requested_by=chair
                )
            )
        authors = request.case.involvements.filter(practitioner__isnull=False).select_related(
            "practitioner__user"
        )
        for involvement in authors:
            practitioner = involvement.practitioner
            if practitioner is None:
                continue
            _send(
                user=practitioner.user,
                template="chronology_requested",
                context={
                    "period_start": request.period_start,
                    "period_end": request.period_end,
                    "link": _link(
                        "meetings:detail",
                        practitioner.preferred_language,
                        reference=request.case.reference,
                        code=request.code,
                    ),
                },
                case=request.case,
                related=request,
            )
    return request


@transaction.atomic
def request_decline(*, request: SupervisionRequest, chair: User, reason: str) -> SupervisionRequest:
    if not reason.strip():
        raise ValueError("A declined request needs a reason.")
    request.status = RequestStatus.DECLINED
    request.chair = chair
    request.decided_at = timezone.now()
    request.decline_reason = reason
    request.save(update_fields=["status", "chair", "decided_at", "decline_reason"])
    audit.record(
        actor=chair,
        action=AuditAction.UPDATE,
        target=request,
        case=request.case,
        detail={"status": "declined"},
    )
    return request


# --- Sessions, invitations and their emails ---------------------------------------------


def _language(user: User) -> str:
    practitioner = getattr(user, "practitioner", None)
    return str(practitioner.preferred_language) if practitioner is not None else "en"


def _link(path_name: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return str(settings.SITE_URL).rstrip("/") + reverse(path_name, kwargs=kwargs)


def _send(
    *,
    user: User,
    template: str,
    context: dict[str, object],
    case: Case,
    related: models.Model,
    calendar: str | None = None,
) -> None:
    """Queue one email in the recipient's language. Bodies carry links, not case details."""
    language = _language(user)
    with translation.override(language):
        subject = render_to_string(f"meetings/email/{template}_subject.txt", context)
        body = render_to_string(f"meetings/email/{template}_body.txt", context)
    email_queue(
        to=user.email,
        subject=subject,
        body=body,
        kind=template,
        language=language,
        case=case,
        related=related,
        calendar=calendar,
    )


def session_calendar(session: SupervisionSession, *, method: str, attendee: str) -> str:
    """The session as an iCalendar event: one UID for life, SEQUENCE rising with each change."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Multi-agency supervision//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", session.calendar_uid)
    event.add("sequence", session.calendar_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.starts_at + timedelta(minutes=session.duration_minutes))
    event.add("summary", str(SessionType(session.request.session_type).label))
    event.add("location", session.venue)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    event["organizer"] = organizer
    guest = icalendar.vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    guest.params["rsvp"] = icalendar.vText("TRUE")
    event.add("attendee", guest, encode=False)
    calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))


def _invite_email(invitation: Invitation, *, cancelled: bool = False) -> None:
    session = invitation.session
    user = invitation.practitioner.user
    language = invitation.practitioner.preferred_language
    _send(
        user=user,
        template="session_cancelled" if cancelled else "invitation",
        context={
            "session": session,
            "starts_at": timezone.localtime(session.starts_at),
            "link": _link("invitation_respond", language, code=invitation.code),
            "changed": session.calendar_sequence > 0,
        },
        case=session.case,
        related=invitation,
        calendar=session_calendar(
            session, method="CANCEL" if cancelled else "REQUEST", attendee=user.email
        ),
    )


def _expected_invitees(
    request: SupervisionRequest,
) -> list[tuple[Practitioner, str, Involvement | None]]:
    """Everyone to invite (R4, R36).

    - Multi-agency: the case team's social worker and manager, and the named practitioner
      of every involvement, current and previous.
    - Core group: the same, current involvements only.
    - Individual and reflective group sessions are single-agency: they leave out the
      invitation step, so only the person who asked is invited (to get the calendar event).
    """
    found: dict[int, tuple[Practitioner, str, Involvement | None]] = {}
    if request.session_type in (SessionType.INDIVIDUAL, SessionType.REFLECTIVE_GROUP):
        requester = Practitioner.objects.select_related("user", "agency").get(
            user=request.requested_by
        )
        return [(requester, InvitationBasis.REQUESTER, None)]
    team = request.case.team.filter(
        role__in=[TeamRole.SOCIAL_WORKER, TeamRole.TEAM_MANAGER]
    ).select_related("practitioner__user", "practitioner__agency")
    for member in team:
        found[member.practitioner_id] = (member.practitioner, InvitationBasis.TEAM, None)
    involvements = request.case.involvements.filter(practitioner__isnull=False).select_related(
        "practitioner__user", "practitioner__agency", "agency"
    )
    if request.session_type == SessionType.CORE_GROUP:
        involvements = involvements.exclude(status=Involvement.Status.PREVIOUS)
    for involvement in involvements:
        if (
            involvement.practitioner_id not in found
            or found[involvement.practitioner_id][2] is None
        ):
            basis = (
                InvitationBasis.PREVIOUS
                if involvement.status == Involvement.Status.PREVIOUS
                else InvitationBasis.CURRENT
            )
            practitioner = involvement.practitioner
            if practitioner is None:  # filtered above; keeps the type checker sure
                continue
            previous = found.get(practitioner.pk)
            found[practitioner.pk] = (
                practitioner,
                previous[1] if previous else basis,
                involvement,
            )
    return list(found.values())


@transaction.atomic
def session_schedule(
    *,
    request: SupervisionRequest,
    starts_at: datetime,
    duration_minutes: int,
    venue: str,
    meeting_language: str,
    scheduled_by: User,
) -> SupervisionSession:
    """Book the session, or move it. Every invitee gets the calendar event (updated in place)."""
    session = SupervisionSession.objects.filter(request=request).first()
    if session is None:
        session = SupervisionSession.objects.create(
            request=request,
            case=request.case,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            venue=venue,
            meeting_language=meeting_language,
        )
        for practitioner, basis, involvement in _expected_invitees(request):
            Invitation.objects.create(
                session=session,
                practitioner=practitioner,
                agency=practitioner.agency if involvement is None else involvement.agency,
                basis=basis,
                relevant_information=involvement.relevant_information if involvement else "",
                non_engagement=involvement.non_engagement_summary if involvement else "",
            )
        action = AuditAction.CREATE
    else:
        session.starts_at = starts_at
        session.duration_minutes = duration_minutes
        session.venue = venue
        session.meeting_language = meeting_language
        session.status = SessionStatus.SCHEDULED
        session.cancel_reason = ""
        session.calendar_sequence += 1
        session.save()
        action = AuditAction.UPDATE
    audit.record(
        actor=scheduled_by,
        action=action,
        target=session,
        case=request.case,
        detail={"starts_at": starts_at.isoformat(), "sequence": session.calendar_sequence},
    )
    for invitation in session.invitations.filter(removed=False).select_related(
        "practitioner__user", "session__request"
    ):
        _invite_email(invitation)
    return session


@transaction.atomic
def session_cancel(
    *, session: SupervisionSession, reason: str, cancelled_by: User
) -> SupervisionSession:
    if not reason.strip():
        raise ValueError("A cancelled session needs a reason.")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason
    session.calendar_sequence += 1
    session.save()
    audit.record(
        actor=cancelled_by,
        action=AuditAction.UPDATE,
        target=session,
        case=session.case,
        detail={"status": "cancelled"},
    )
    for invitation in session.invitations.filter(removed=False).select_related(
        "practitioner__user", "session__request"
    ):
        _invite_email(invitation, cancelled=True)
    return session


@transaction.atomic
def invitation_add(
    *, session: SupervisionSession, practitioner: Practitioner, reason: str, added_by: User
) -> Invitation:
    if not reason.strip():
        raise ValueError("Say why this person is invited.")
    invitation, created = Invitation.objects.get_or_create(
        session=session,
        practitioner=practitioner,
        defaults={
            "agency": practitioner.agency,
            "basis": InvitationBasis.ADDED,
            "added_reason": reason,
        },
    )
    if not created:
        invitation.removed = False
        invitation.removed_reason = ""
        invitation.save(update_fields=["removed", "removed_reason"])
    audit.record(
        actor=added_by,
        action=AuditAction.CREATE,
        target=invitation,
        case=session.case,
        detail={"basis": invitation.basis},
    )
    _invite_email(invitation)
    return invitation


@transaction.atomic
def invitation_remove(*, invitation: Invitation, reason: str, removed_by: User) -> Invitation:
    if not reason.strip():
        raise ValueError("Say why this person is no longer invited.")
    invitation.removed = True
    invitation.removed_reason = reason
    invitation.save(update_fields=["removed", "removed_reason"])
    audit.record(
        actor=removed_by,
        action=AuditAction.UPDATE,
        target=invitation,
        case=invitation.session.case,
        detail={"removed": True},
    )
    _invite_email(invitation, cancelled=True)
    return invitation


@transaction.atomic
def invitation_respond(*, invitation: Invitation, response: str, by: User) -> Invitation:
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=invitation,
        case=invitation.session.case,
        detail={"response": response},
    )
    return invitation


def chronology_reminders_send(*, today: date, days_before: int = 2) -> int:
    """Remind agencies of chronologies due in `days_before` working days and due today.

    Safe to run again: each reminder is recorded once (ReminderSent).
    """
    calendar = working_calendar()
    sent = 0
    due = AgencyChronology.objects.filter(
        due_date__isnull=False,
        status__in=[
            ChronologyStatus.REQUESTED,
            ChronologyStatus.IN_PROGRESS,
            ChronologyStatus.RETURNED,
        ],
    ).select_related("case", "agency")
    for chronology in due:
        if chronology.due_date is None:
            continue
        left = calendar.working_days_between(today, chronology.due_date)
        kind = "due_today" if left == 0 else "due_soon" if left == days_before else ""
        if not kind:
            continue
        with transaction.atomic():
            _row, created = ReminderSent.objects.get_or_create(
                chronology=chronology, kind=kind, due_date=chronology.due_date
            )
            if not created:
                continue
            authors = Involvement.objects.filter(
                case=chronology.case, agency=chronology.agency, practitioner__isnull=False
            ).select_related("practitioner__user")
            for involvement in authors:
                practitioner = involvement.practitioner
                if practitioner is None:
                    continue
                _send(
                    user=practitioner.user,
                    template=f"chronology_{kind}",
                    context={
                        "due": chronology.due_date,
                        "link": _link(
                            "meetings:list",
                            practitioner.preferred_language,
                            reference=chronology.case.reference,
                        ),
                    },
                    case=chronology.case,
                    related=chronology,
                )
                sent += 1
    return sent


@transaction.atomic
def demo_request_load() -> SupervisionRequest | None:
    """The scenario's request (§7.4): asked by the health visitor, accepted by the chair,
    with the agencies' agreed timescales and submission dates. Safe to run again."""
    scenario = yaml.safe_load((DEMO_DIR / "harries-walsh" / "request-and-session.yaml").read_text())
    people = yaml.safe_load((DEMO_DIR / "harries-walsh" / "people.yaml").read_text())
    case = Case.objects.get(local_authority_reference=people["case"]["la_case_ref"])
    if SupervisionRequest.objects.filter(case=case).exists():
        return None
    row = scenario["request"]
    basis = row["sharing_basis"]
    health_visitor = User.objects.get(email=demo_email("Rachel Evans", "HV"))
    chair = User.objects.get(email=demo_email("Alun Jarvis", "CS"))
    request = request_create(
        case=case,
        requested_by=health_visitor,
        reasons=row["reason_codes"],
        question=row["question"],
        session_type=row["session_type"],
        period=domain.Period(row["chronology_period"]["start"], row["chronology_period"]["end"]),
        period_reason="",
        sharing=SharingBasis(
            agreement=basis["reference"],
            lawful_basis=basis["art6"],
            special_category_condition=basis["art9"],
            consent_status=basis["consent_status"],
            consent_reason=basis["consent_reason"],
        ),
        today=row["requested_on"],
    )
    request_accept(request=request, chair=chair)
    for timescale in scenario["agency_chronologies"]:
        chronology = request.chronologies.get(agency__code=timescale["agency"].lower())
        chronology.proposed_due_date = timescale["due"]
        chronology.due_date = timescale["due"]
        chronology.due_date_approved_by = chair
        chronology.submitted_on = timescale["submitted"]
        chronology.status = ChronologyStatus.SUBMITTED
        chronology.save()
    return request
